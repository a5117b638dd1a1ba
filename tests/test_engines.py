"""The other engines: ProperDocs as a drop-in, the engine chosen through the CLI, the engines' lock.

The Zensical adapter and its shadow comparison with the MkDocs build are in tests/test_shadow.py.
"""

from __future__ import annotations

import re

import pytest

from conftest import GOLDEN_SITE, fixture_project, run_infopsoc
from test_golden import EPOCH, kept_files

#: Material's generator tag names the engine and its version: the one line expected to differ
GENERATOR = re.compile(rb'<meta name="generator" content="mkdocs-[^",]+, (mkdocs-material-[^"]+)">')


def _without_generator(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: GENERATOR.sub(rb'<meta name="generator" content="ENGINE, \1">', data) for name, data in files.items()}


def test_properdocs_builds_the_unchanged_project_as_mkdocs_does(tmp_path):
    """ProperDocs (``infopsoc build --engine properdocs``) on the fixture project, both languages: every
    kept file is byte-identical to the golden tree (MkDocs' build) but the generator tag, which names it."""
    tree = fixture_project(tmp_path / "project")
    result = run_infopsoc(tree.root, "build", "--engine", "properdocs", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr[-3000:]
    built = kept_files(tree.root / "site")
    expected = kept_files(GOLDEN_SITE)
    assert sorted(built) == sorted(expected)
    pages = [name for name in built if name.endswith(".html")]
    assert len(pages) > 20 and any(name.startswith("en/") for name in pages)
    tagged = [name for name in pages if b"mkdocs-ProperDocs 1.6.7" in built[name]]
    assert len(tagged) == len(pages) - 1  # every page but the editor's says which engine made it: really ProperDocs
    assert _without_generator(built) == _without_generator(expected)
    # its lines are French too (the MkDocs adapter's front, on ProperDocs' logger)
    assert "construction terminée en" in result.stderr and "Documentation built" not in result.stderr


def test_properdocs_strict_build_stops_on_a_broken_link_as_mkdocs_does(tmp_path):
    """A warning (a link to no page) stops ProperDocs' strict build as it stops MkDocs', in French, no site left."""
    tree = fixture_project(tmp_path / "project")
    tree.write("content/lien.md", "# Lien\n\nUn [lien cassé](nulle-part.md).\n")
    for engine in ("mkdocs", "properdocs"):
        result = run_infopsoc(tree.root, "build", "--engine", engine, env={"SOURCE_DATE_EPOCH": EPOCH})
        assert result.returncode == 1, (engine, result.stderr[-2000:])
        assert "nulle-part.md" in result.stderr and "la construction a échoué" in result.stderr, engine
        assert "Traceback" not in result.stderr
    assert not (tree.root / "site").exists()


def test_the_engine_is_chosen_in_french(tmp_path):
    tree = fixture_project(tmp_path / "project")
    help_text = run_infopsoc(tree.root, "build", "--help").stdout
    assert "--engine MOTEUR" in help_text and "zensical" in help_text and "properdocs" in help_text
    wrong = run_infopsoc(tree.root, "build", "--engine", "hugo")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "moteur inconnu : « hugo » — choisissez mkdocs, properdocs ou zensical" in wrong.stderr


def test_zensical_says_its_problems_in_french_at_the_source_s_line(tmp_path):
    """A link to a missing anchor: Zensical's strict build stops; its report is French, without colours
    or its English progress lines, and names the source file and line staff edit (not the staged copy)."""
    tree = fixture_project(tmp_path / "project")
    index = tree.root / "content/index.md"
    lines = index.read_text(encoding="utf-8").splitlines()
    lines.append("\nVoir [les membres](membres.md#ancre-absente).")
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    at = len(lines) + 1  # the appended line (after a blank one)
    result = run_infopsoc(tree.root, "build", "--engine", "zensical", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 1, result.stderr[-3000:]
    assert "avertissement : Zensical : lien vers une ancre qui n'existe pas" in result.stderr
    assert f"content/index.md:{at}:" in result.stderr, result.stderr[-2000:]
    assert "Build started" not in result.stderr and "\x1b[" not in result.stderr and "Traceback" not in result.stderr
    assert "la construction a échoué" in result.stderr
    assert not (tree.root / "site").exists()


def test_zensical_builds_the_fixture_project_in_both_languages(tmp_path):
    """``infopsoc build --engine zensical``: every page MkDocs makes (the golden tree's), feeds and sitemaps,
    its lines French; Zensical's own search index is not published."""
    tree = fixture_project(tmp_path / "project")
    result = run_infopsoc(tree.root, "build", "--engine", "zensical", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr[-3000:]
    built = kept_files(tree.root / "site")
    assert sorted(built) == sorted(kept_files(GOLDEN_SITE))
    assert "Zensical : " in result.stderr and "construction terminée" in result.stderr
    assert "Build finished" not in result.stderr
    assert not (tree.root / "site/search.json").exists()
    staged = tree.root / ".cache/engine/fr/docs/bulletins/info-psoc-01.md"
    assert staged.is_file() and (tree.root / ".cache/engine/en/zensical.yml").is_file()


@pytest.mark.parametrize(("url", "src_uri", "expected"), [
    ("../../bulletins/info-psoc-03/", "le-psoc.md", "../bulletins/info-psoc-03/"),  # en/le-psoc/ -> the French bulletin
    ("b/", "a.md", "a/b/"),  # below the page's own address
    ("../b/", "a.md", "b/"),
    ("../", "sub/a.md", "./"),
    ("x/", "index.md", "x/"),  # an index page's address is its file's folder: unchanged
    ("../y/", "sub/index.md", "../y/"),
])
def test_the_shim_makes_page_relative_addresses_file_relative(url, src_uri, expected):
    """Zensical re-bases a page's relative addresses from its file's folder; MkDocs keeps them relative
    to the page's address: the shim rewrites them so that Zensical's re-basing gives MkDocs' result."""
    from infopsoc.engines.zensical_markdown import page_relative

    assert page_relative(url, src_uri) == expected


def test_zensical_lines_are_translated_and_placed():
    from infopsoc.engines.zensical import french_lines

    text = ("\x1b[33mBuild started\x1b[0m\nNo issues found\n\x1b[33mWarning:\x1b[0m anchor does not exist\n"
            "   ╭─[ la-ctroc.md:133:28 ]\n 133 │ Un [lien](x.md#y).\n2 issues found\nBuild finished in 0.87s\n")
    lines = french_lines(text, lambda uri, line: (f"content/{uri}", line - 46))
    assert lines == ["avertissement : Zensical : lien vers une ancre qui n'existe pas",
                     "   ╭─[ content/la-ctroc.md:87:28 ]", "  87 │ Un [lien](x.md#y).",
                     "Zensical : 2 problème(s) signalé(s) ci-dessus"]
