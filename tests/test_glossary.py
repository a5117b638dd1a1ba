"""The glossary collection and its checks: schema, names, see_also, links, capitals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, TODAY, bulletin_text, term_text
from infopsoc.cli import main
from infopsoc.content.checks.capitals import check_glossary_links, unknown_capitals
from infopsoc.content.glossary import Glossary, load_glossary


def load(tmp_path: Path, files: dict[str, str]):
    folder = tmp_path / "glossary"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_glossary(folder, tmp_path, TODAY)


def small(tmp_path: Path) -> Glossary:
    glossary, problems = load(tmp_path, {
        "psoc.md": term_text("PSOC", "Programme de soutien aux organismes communautaires"),
        "cisss.md": term_text("CISSS", "Centre intégré de santé et de services sociaux", aliases=["CISSS/CIUSSS"]),
        "seuil-plancher.md": term_text("seuil plancher", "Financement minimal", aliases=["seuils planchers"]),
    })
    assert problems == []
    return glossary


def test_the_real_glossary_is_valid_in_both_languages():
    glossary, problems = load_glossary(REPO / "glossary", REPO, TODAY)
    assert [p.format() for p in problems] == []
    fr, en = glossary.terms("fr"), glossary.terms("en")
    assert len(fr) == len(en) == 26
    assert {t.slug for t in fr} >= {"aca", "cisss", "ciusss", "ctroc", "msss", "ocasss", "prac", "psoc", "roc",
                                    "sacais", "soc", "troc", "trpocb", "loi-120", "seuil-plancher"}
    # A–Z, accents and case ignored
    keys = [t.sort_key for t in fr]
    assert keys == sorted(keys)


def test_resolve_by_term_alias_slug_and_loose_spelling(tmp_path):
    glossary = small(tmp_path)
    assert glossary.resolve("PSOC").slug == "psoc"
    assert glossary.resolve("CISSS/CIUSSS").slug == "cisss"
    assert glossary.resolve("seuil-plancher").slug == "seuil-plancher"
    assert glossary.resolve("Seuils  Planchers").slug == "seuil-plancher"
    assert glossary.resolve("PSOC", "en") is None
    assert glossary.resolve("CIUSSS") is None


def test_unknown_see_also_is_an_error_on_its_own_line(tmp_path):
    _glossary, problems = load(tmp_path, {
        "psoc.md": term_text("PSOC", "Programme", see_also=["CISSS", "MSSSS"]),
        "cisss.md": term_text("CISSS", "Centre"),
        "msss.md": term_text("MSSS", "Ministère"),
    })
    assert [(p.path, p.line, p.is_error) for p in problems] == [("glossary/psoc.md", 6, True)]
    assert "« MSSSS » n'existe pas" in problems[0].message
    assert "« MSSS »" in problems[0].hint


def test_see_also_may_name_an_alias_or_a_lowercase_spelling(tmp_path):
    _glossary, problems = load(tmp_path, {
        "psoc.md": term_text("PSOC", "Programme", see_also=["CISSS/CIUSSS", "Seuil plancher"]),
        "cisss.md": term_text("CISSS", "Centre", aliases=["CISSS/CIUSSS"]),
        "seuil-plancher.md": term_text("seuil plancher", "Financement minimal"),
    })
    assert problems == []


def test_alias_colliding_with_another_term_or_alias_is_an_error(tmp_path):
    _glossary, problems = load(tmp_path, {
        "ciusss.md": term_text("CIUSSS", "Centre universitaire", aliases=["CISSS/CIUSSS"]),
        "cisss.md": term_text("CISSS", "Centre", aliases=["CISSS-CIUSSS", "CISSS/CIUSSS"]),
        "zz.md": term_text("ZZ", "Autre", aliases=["cisss"]),
    })
    found = sorted((p.path, p.line) for p in problems)
    # cisss.md is read first: its second alias (line 7) is taken by nobody; ciusss.md's alias collides
    assert found == [("glossary/ciusss.md", 5), ("glossary/zz.md", 5)]
    assert all(p.is_error and "désigne déjà « CISSS »" in p.message for p in problems)


def test_english_term_needs_its_french_original(tmp_path):
    _glossary, problems = load(tmp_path, {
        "psoc.md": term_text("PSOC", "Programme"),
        "psoc.en.md": term_text("PSOC", "Program"),
        "roc.en.md": term_text("ROC", "Grouping"),
    })
    assert [p.path for p in problems] == ["glossary/roc.en.md"]
    assert "traduction sans original" in problems[0].message


def test_missing_expansion_and_empty_definition(tmp_path):
    _glossary, problems = load(tmp_path, {
        "a.md": "---\nterm: ACA\n---\nDéfinition.\n",
        "b.md": '---\nterm: BCD\nexpansion: "B"\nsee_also: PSOC\n---\n\n',
    })
    messages = {(p.path, p.line, p.message) for p in problems}
    assert ("glossary/a.md", 1, "le champ obligatoire « expansion » manque") in messages
    assert ("glossary/b.md", 6, "la définition manque") in messages
    # a single see_also written on one line is still checked, on that line
    assert any(p.path == "glossary/b.md" and p.line == 4 and "« PSOC »" in p.message for p in problems)


# --- words in capitals ----------------------------------------------------------

def test_unknown_capitals_warn_with_line_once_per_file(tmp_path):
    glossary = small(tmp_path)
    text = "---\ntitle: x\n---\nLe PSOC et le ZORG.\n\nEncore ZORG et le CISSS, la CISSS-ZORG.\n"
    problems = unknown_capitals(text, "bulletins/a.md", glossary)
    assert [(p.line, p.severity) for p in problems] == [(4, "warning"), (6, "warning")]
    assert "« ZORG »" in problems[0].message and "acronym_allow" in problems[0].hint
    assert "« CISSS-ZORG »" in problems[1].message


def test_allow_list_code_links_and_addresses_are_not_warned(tmp_path):
    glossary = small(tmp_path)
    text = "\n".join([
        "MAIS... VIGILANCE !",
        "`XYZW` et [voir](https://ex.org/ABCD) et <https://ex.org/EFGH> et www.ex.org/IJKL",
        "```",
        "MNOP dans du code",
        "```",
        "Un titre {#QRST} et info@QRST.org, QC, TROC02, Tables",
        "[^ABCD]: une note",
    ])
    assert unknown_capitals(text, "a.md", glossary, allow=["MAIS", "VIGILANCE"]) == []
    assert [p.message for p in unknown_capitals("MAIS oui", "a.md", glossary)] == [
        "« MAIS » est en capitales mais n'est pas dans le glossaire"]


def test_capitals_in_a_known_spelling_point_to_the_term(tmp_path):
    glossary = small(tmp_path)
    problems = unknown_capitals("Les SEUILS PLANCHERS.", "a.md", glossary)
    assert [p.message.split(" »")[0] for p in problems] == ["« SEUILS", "« PLANCHERS"]


def test_link_to_an_unknown_term_page_is_an_error(tmp_path):
    glossary = small(tmp_path)
    text = "Voir [le PSOC](../glossaire/psoc.md), [tout](../glossaire/index.md),\n[x](../glossaire/rocc.md#a) et [y](glossaire/cisss/)."
    problems = check_glossary_links(text, "content/a.md", glossary)
    assert [(p.line, p.is_error) for p in problems] == [(2, True)]
    assert "« rocc »" in problems[0].message


@pytest.mark.parametrize("link, plain", [("../glossaire/réseau.md", "reseau"),
                                          ("../glossaire/r%C3%A9seau.md", "reseau"),
                                          ("../glossaire/Économie-sociale/", "economie-sociale")])
def test_an_accented_link_to_a_missing_term_proposes_a_plain_file_name(tmp_path, link, plain):
    # issue 29: PUBLIER.md forbids accents and spaces in file names; check must not propose one
    glossary = small(tmp_path)
    problems = check_glossary_links(f"Voir [le réseau](<{link}>).", "content/a.md", glossary)
    assert len(problems) == 1
    hint = problems[0].hint
    assert f"créez glossary/{plain}.md" in hint, hint
    assert f"écrivez le lien (../glossaire/{plain}" in hint, hint
    assert "é" not in hint.replace("écrivez", "").replace("créez", ""), hint


def test_check_command_reports_capitals_with_file_and_line(tmp_path):
    root = tmp_path / "project"
    (root / "bulletins").mkdir(parents=True)
    (root / "glossary").mkdir()
    (root / "content").mkdir()
    (root / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - infopsoc:\n      acronym_allow: [MAIS]\n",
                                     encoding="utf-8")
    (root / "bulletins/info-psoc-01.md").write_text(bulletin_text(1, body="MAIS le ZORG.\n"), encoding="utf-8")
    (root / "glossary/psoc.md").write_text(term_text("PSOC", "Programme", see_also=["ZORG"]), encoding="utf-8")
    (root / "content/index.md").write_text("# Accueil\n\nLe PSOC et le BLIP.\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["-f", str(root / "mkdocs.yml"), "check"])
    lines = result.output.splitlines()
    assert "bulletins/info-psoc-01.md:8: avertissement : « ZORG » est en capitales mais n'est pas dans le glossaire" in result.output
    assert any(line.startswith("content/index.md:3: avertissement : « BLIP »") for line in lines)
    assert any(line.startswith("glossary/psoc.md:5: « see_also » : le terme « ZORG » n'existe pas") for line in lines)
    assert "MAIS" not in result.output
    assert result.exit_code == 1  # the see_also error

    (root / "glossary/psoc.md").write_text(term_text("PSOC", "Programme"), encoding="utf-8")
    relaxed = runner.invoke(main, ["-f", str(root / "mkdocs.yml"), "check"])
    assert relaxed.exit_code == 0 and "2 avertissements" in relaxed.output
    strict = runner.invoke(main, ["-f", str(root / "mkdocs.yml"), "check", "--strict"])
    assert strict.exit_code == 1
