"""« Quelques acronymes » as the bulletin means it: acronyms only (``kind: sigle``), and for
Info-PSOC #3 the box the October 2017 issue printed; CISSS and CIUSSS expanded one way everywhere."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import REPO, bulletin_text

from infopsoc.content.model import Settings
from infopsoc.content.site import load_site

#: The box printed on page 2 of Info-PSOC #3 (October 2017), as the original shows it
#: (transcribed from the CTROC's PDF): acronyms in the original's order.
ORIGINAL_BOX = ["ACA", "CISSS/CIUSSS", "CTROC", "MSSS", "PRAC", "PSOC", "TRPOCB"]
#: the original's expansions; CISSS/CIUSSS reads « Centre intégré en santé et services sociaux/
#: Centre intégré universitaire en santé et services sociaux » there: the site uses the official
#: names (« de santé et de services sociaux »), the same on every page.
ORIGINAL_EXPANSIONS = {
    "ACA": "action communautaire autonome",
    "CTROC": "Coalition des Tables régionales d'organismes communautaires",
    "MSSS": "Ministère de la Santé et des Services sociaux",
    "PRAC": "Politique gouvernementale de reconnaissance de l'action communautaire",
    "PSOC": "Programme de soutien aux organismes communautaires",
    "TRPOCB": "Table des regroupements provinciaux des organismes communautaires et bénévoles",
}
CISSS = "Centre intégré de santé et de services sociaux"
CIUSSS = "Centre intégré universitaire de santé et de services sociaux"

_ENTRY = re.compile(r"<li>(.*?)</li>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def box_entries(page: str) -> list[tuple[str, str]]:
    """(names, expansion) of each entry of a page's box, as plain text."""
    start = page.index('class="admonition abstract ip-acronyms')
    box = page[start:page.index("</div>", start)]
    entries = []
    for item in _ENTRY.findall(box):
        text = html.unescape(_TAGS.sub("", item))
        names, _sep, expansion = text.partition("\u00a0: ")
        entries.append((names, expansion))
    return entries


# real_site: conftest's (the real project built once per session, in a temporary copy)


def test_issue_3_box_is_the_original_box(real_site):
    page = (real_site / "bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    entries = box_entries(page)
    assert [names for names, _e in entries] == ORIGINAL_BOX
    expansions = dict(entries)
    for name, expansion in ORIGINAL_EXPANSIONS.items():
        assert expansions[name] == expansion
    assert expansions["CISSS/CIUSSS"] == f"{CISSS} / {CIUSSS}"
    # terms of the sector stay explained in the text, not in the box
    assert "brochure PSOC" not in "".join(n for n, _e in entries)
    assert re.search(r'<abbr title="Document d[^"]*orientations ministérielles du PSOC">brochure PSOC</abbr>', page)


def test_cisss_and_ciusss_are_expanded_the_same_way_on_every_page(real_site):
    titles: dict[str, set[str]] = {"CISSS": set(), "CIUSSS": set()}
    pages = [real_site / "qui-fait-quoi/index.html", real_site / "glossaire/cadre-regional/index.html",
             real_site / "glossaire/psoc/index.html", real_site / "bulletins/info-psoc-03/index.html"]
    for path in pages:
        for title, name in re.findall(r'<abbr title="([^"]*)">(CISSS|CIUSSS)</abbr>', path.read_text(encoding="utf-8")):
            titles[name].add(title)
    assert titles == {"CISSS": {CISSS}, "CIUSSS": {CIUSSS}}
    glossary = (real_site / "glossaire/index.html").read_text(encoding="utf-8")
    assert CISSS in glossary and CIUSSS in glossary


def test_every_glossary_file_says_what_kind_of_term_it_is():
    for path in sorted((REPO / "glossary").glob("*.md")):
        assert re.search(r"^kind: (sigle|terme)$", path.read_text(encoding="utf-8"), re.M), path.name


def _glossary(tree):
    tree.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: Programme de soutien aux organismes communautaires\n"
                                   "kind: sigle\n---\nLe programme.\n")
    tree.write("glossary/seuil-plancher.md", "---\nterm: seuil plancher\nexpansion: Financement minimal\n"
                                             "kind: terme\n---\nUn seuil.\n")


def test_without_a_list_the_box_holds_the_acronyms_the_issue_uses(tree):
    _glossary(tree)
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Le PSOC et son seuil plancher."))
    site = tree.build()
    page = (site / "bulletins/info-psoc-01/index.html").read_text(encoding="utf-8")
    assert [n for n, _e in box_entries(page)] == ["PSOC"]


@pytest.mark.parametrize("listed, message", [
    (["PSOC", "PSCO"], "« PSCO » n'est pas dans le glossaire"),
    (["PSOC", "seuil plancher"], "« seuil plancher » est un terme du milieu, pas un sigle"),
])
def test_a_wrong_name_in_the_list_is_a_problem_with_its_line(tree, listed, message):
    _glossary(tree)
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, acronyms=listed, body="Le PSOC."))
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))
    found = [p for p in report.problems if message in p.message]
    assert found and found[0].path == "bulletins/info-psoc-01.md" and found[0].line == 8


def test_a_wrong_kind_is_a_problem(tree):
    tree.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: Programme\nkind: acronyme\n---\nLe programme.\n")
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))
    assert any("ni « sigle » ni « terme »" in p.message and p.line == 4 for p in report.problems)
