"""Issue 32: the prepare step redoes only what changed — and still says everything.

Each source's parse and checks, and each generated page, are kept between builds by their inputs
(``core/memo.py``: saved in ``.cache/memo-<lang>.pickle``). A kept result includes its problems: an
unchanged file with a mistake is reported on every build, an edited one is read again, and what a
build makes from kept results is exactly what a build without them makes.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from conftest import Tree, bulletin_text, populate, run_infopsoc, term_text, tree_snapshot
from infopsoc.content.checks import markup, printable
from infopsoc.content.model import Settings
from infopsoc.content.site import load_site
from infopsoc.core import memo
from infopsoc.pipeline.prepare import docs_files, load, prepare


@pytest.fixture
def fresh_memos():
    """Every memo empty, as in a new process; put back as it was after the test."""
    saved = {name: (dict(m.entries), set(m.used)) for name, m in memo._MEMOS.items()}
    loaded = set(memo._LOADED)
    for m in memo._MEMOS.values():
        m.entries.clear()
        m.used.clear()
    yield
    memo._LOADED.clear()
    memo._LOADED.update(loaded)
    for name, m in memo._MEMOS.items():
        m.entries.clear()
        m.used.clear()
        if name in saved:
            m.entries.update(saved[name][0])
            m.used.update(saved[name][1])


def _new_process(cache: Path) -> None:
    """What a new build sees: the memos saved by the last one, read back from their file."""
    memo.save(cache)
    for m in memo._MEMOS.values():
        m.entries.clear()
        m.used.clear()
    memo._LOADED.discard(str(cache))
    memo.load(cache)


def _problems(tree: Tree) -> list[str]:
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))
    return [p.format() for p in report.problems]


def _mistakes(tree: Tree) -> None:
    """A bulletin with an attribute the allow-list refuses (an error), one with a character no print
    font holds (a warning), a glossary entry with raw HTML it refuses (an error)."""
    tree.write("bulletins/info-psoc-02.md", bulletin_text(
        2, "Deuxième", "2017-11", body="Premier paragraphe.\n\nSecond paragraphe.\n{: onclick=\"alert(1)\" }\n"))
    tree.write("bulletins/info-psoc-03.md", bulletin_text(3, "Troisième", "2017-12", body="La clé 𝄞 de sol.\n"))
    tree.write("glossary/cisss.md", term_text("CISSS", "Centre intégré de santé et de services sociaux",
                                              body='Un centre. <span onmouseover="x">ici</span>'))


def test_an_unchanged_file_s_mistakes_are_reported_on_every_build_and_an_edited_file_is_read_again(
        tmp_path, fresh_memos, monkeypatch):
    tree = populate(Tree(tmp_path / "project"))
    _mistakes(tree)
    first = _problems(tree)
    expected = [
        "bulletins/info-psoc-02.md:11: liste d'attributs",  # the attribute list's line in the file
        "bulletins/info-psoc-03.md:8: avertissement : le caractère « 𝄞 » (U+1D11E",
        "glossary/cisss.md:5: l'attribut « onmouseover »",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in first), (start, first)

    # a new build: the kept results are used (the checks are not run again) and say the same, in the same order
    _new_process(tmp_path / "memo.pickle")
    monkeypatch.setattr(markup, "source_problems", _not_again)
    monkeypatch.setattr(printable, "_text_problems", _not_again)
    assert _problems(tree) == first
    assert _problems(tree) == first  # and again (a preview's next save)

    # an edited file is read and checked again; the unchanged ones still say theirs
    monkeypatch.undo()
    tree.write("bulletins/info-psoc-03.md", bulletin_text(
        3, "Troisième", "2017-12", body="La clé de sol.\n\n<img src=\"/etc/passwd\" alt=\"\">\n"))
    edited = _problems(tree)
    assert not any("U+1D11E" in line for line in edited)
    assert any(line.startswith("bulletins/info-psoc-03.md:10: l'image « /etc/passwd » est un chemin de l'ordinateur")
               for line in edited), edited
    assert [line for line in edited if "info-psoc-03" not in line] == [line for line in first if "info-psoc-03" not in line]
    # and what the kept results give is what checking everything again gives
    _new_process(tmp_path / "memo.pickle")
    kept = _problems(tree)
    for m in memo._MEMOS.values():
        m.entries.clear()
    assert kept == _problems(tree) == edited


def _not_again(*args, **kwargs):
    raise AssertionError("an unchanged text was checked again")


def _pages(tree: Tree):
    settings = Settings.from_mkdocs_yml(tree.root / "mkdocs.yml")
    settings.docs_dir = "content"
    loaded, report = load(settings, "fr", extensions=["attr_list", "footnotes", "tables"], extension_configs={},
                          caches=tree.root / ".cache")
    assert not report.errors, [p.format() for p in report.errors]
    prepared = prepare(loaded, docs_files(settings))
    return {uri: dataclasses.asdict(page) for uri, page in prepared.pages.items()}


def test_generated_pages_from_kept_results_are_those_made_anew(tmp_path, fresh_memos):
    """Archive, bulletins (their neighbours' labels), glossary pages (« Dans les bulletins »), timeline:
    after each edit, the pages made with the kept results of the last build are those made without."""
    tree = populate(Tree(tmp_path / "project"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-11", body="Le PSOC encore.\n"))
    tree.write("glossary/cisss.md", term_text("CISSS", "Centre intégré", see_also=["PSOC"]))
    cache = tmp_path / "memo.pickle"

    def same_as_anew():
        _new_process(cache)
        kept = _pages(tree)
        for m in memo._MEMOS.values():
            m.entries.clear()
        (tree.root / ".cache" / "glossary-usage.json").unlink(missing_ok=True)
        anew = _pages(tree)
        assert kept == anew
        return kept

    before = same_as_anew()
    # a title: the bulletin's page, its neighbour's « next » link, the archive, the timeline's
    tree.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Premier numéro retitré", "2017-10-18", body="Le PSOC[^1] en bref.\n\n[^1]: Une note.\n"))
    after = same_as_anew()
    assert "Premier numéro retitré" in after["bulletins/info-psoc-01.md"]["text"]
    assert "Premier numéro retitré" in after["bulletins/index.md"]["text"]
    assert after["bulletins/info-psoc-02.md"] == before["bulletins/info-psoc-02.md"]  # shows the number only
    # a term's expansion: its page, the index, the term that points at it (« Voir aussi »), the boxes
    tree.write("glossary/psoc.md", term_text("PSOC", "Programme renommé", body="Le programme."))
    after = same_as_anew()
    assert "Programme renommé" in after["glossaire/index.md"]["text"]
    assert "Programme renommé" in after["glossaire/cisss.md"]["text"]
    # an event's title, a new bulletin, a removed one
    tree.write("timeline/1973-naissance-du-psoc.md", "---\ndate: 1973\ntitle: \"Naissance retitrée\"\n"
                                                     "sources:\n  - bulletin: info-psoc-02\nterms: [PSOC]\n---\nTexte.\n")
    tree.write("bulletins/info-psoc-03.md", bulletin_text(3, "Troisième", "2017-12", body="Le PSOC toujours.\n"))
    after = same_as_anew()
    assert "Naissance retitrée" in after["bulletins/info-psoc-02.md"]["text"]
    assert "Naissance retitrée" not in after["bulletins/info-psoc-01.md"]["text"]
    assert "info-psoc-03" in after["bulletins/info-psoc-02.md"]["text"]  # its « next »
    (tree.root / "bulletins/info-psoc-02.md").unlink()
    tree.write("timeline/1973-naissance-du-psoc.md", "---\ndate: 1973\ntitle: \"Naissance retitrée\"\n"
                                                     "sources:\n  - bulletin: info-psoc-03\nterms: [PSOC]\n---\nTexte.\n")
    after = same_as_anew()
    assert "Naissance retitrée" in after["bulletins/info-psoc-03.md"]["text"]
    assert "bulletins/info-psoc-02.md" not in after
    assert "info-psoc-02" not in after["bulletins/index.md"]["text"]
    assert "info-psoc-01" in after["bulletins/info-psoc-03.md"]["text"]  # its « previous » now


def test_a_rebuild_with_kept_results_writes_the_bytes_of_a_build_without_them(tmp_path):
    """The real ``infopsoc build`` (both languages), after edits, against the same sources built in a
    copy without any cache: every file of both sites the same."""
    tree = populate(Tree(tmp_path / "project").with_english())
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-11", body="Le PSOC encore."))
    tree.write("glossary/cisss.md", term_text("CISSS", "Centre intégré", see_also=["PSOC"]))
    _build(tree.root)
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier retitré", "2017-10-19", body="Autre texte."))
    tree.write("glossary/psoc.md", term_text("PSOC", "Programme renommé", body="Le programme."))
    tree.write("bulletins/info-psoc-03.md", bulletin_text(3, "Troisième", "2017-12", body="Le CISSS."))
    (tree.root / "bulletins/info-psoc-02.md").unlink()
    _build(tree.root)
    cold = tmp_path / "cold"
    shutil.copytree(tree.root, cold, ignore=shutil.ignore_patterns(".cache", "site", ".site*"))
    _build(cold)
    assert tree_snapshot(tree.root / "site") == tree_snapshot(cold / "site")


def _build(root: Path) -> None:
    result = run_infopsoc(root, "build", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
