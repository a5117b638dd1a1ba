"""The built fixture site, kept whole as the expected output (Pelican's way): tests/golden/site/.

The fixture project (tests/fixtures/project/: two French bulletins and one English, terms,
events, members) is built by the real command, ``infopsoc build``, both languages, with PDFs off
and ``SOURCE_DATE_EPOCH`` fixed, so the output is byte-stable. Every kept file is compared with
its golden copy; any difference fails with a unified diff of each file that changed, and the
list of files that appeared or disappeared. A refactor that should not change the output shows
here whether it did.

When a change of output is intended (a template, a Material upgrade, a new feature), rewrite the
golden tree, then review and commit its diff with the change::

    INFOPSOC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff --stat tests/golden/site

Kept: the HTML pages, the feeds, the sitemaps and ``glossaire.json`` of both languages. Left out:
what is copied rather than made (Material's and the theme's assets, the fonts), the search index
(``index-recherche/``: hundreds of small files, the word list cut by prefix; checked by test_search.py and test_knowledge.py) and ``sitemap.xml.gz`` (``sitemap.xml``, compressed).
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from conftest import GOLDEN_SITE as GOLDEN, fixture_project, run_infopsoc
from infopsoc.core.urls import SEARCH_BUNDLE

UPDATE = os.environ.get("INFOPSOC_UPDATE_GOLDEN") == "1"
EPOCH = "1508328000"  # 2017-10-18 12:00 UTC: the sitemap's <lastmod>
KEPT_SUFFIXES = (".html", ".xml", ".json")
LEFT_OUT_FOLDERS = {"assets", SEARCH_BUNDLE, "fonts"}
DIFF_LINES = 80  # per file: enough to read a change, not a whole page


def kept_files(site: Path) -> dict[str, bytes]:
    """The files of a built site that the golden tree keeps: {path from the site's root: bytes}."""
    found = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if path.is_file() and path.suffix in KEPT_SUFFIXES and not LEFT_OUT_FOLDERS & set(rel.parts[:-1]):
            found[rel.as_posix()] = path.read_bytes()
    return found


def differences(expected: dict[str, bytes], built: dict[str, bytes]) -> list[str]:
    """What differs between two trees, readable: files missing, files new, a unified diff per file."""
    report = [f"manque (attendu, non produit) : {name}" for name in sorted(expected.keys() - built.keys())]
    report += [f"nouveau (produit, non attendu) : {name}" for name in sorted(built.keys() - expected.keys())]
    for name in sorted(expected.keys() & built.keys()):
        if expected[name] == built[name]:
            continue
        diff = list(difflib.unified_diff(
            expected[name].decode("utf-8", "replace").splitlines(),
            built[name].decode("utf-8", "replace").splitlines(),
            fromfile=f"tests/golden/site/{name}", tofile=f"built/{name}", lineterm="", n=2))
        if len(diff) > DIFF_LINES:
            diff = diff[:DIFF_LINES] + [f"… ({len(diff) - DIFF_LINES} more lines of diff)"]
        report.append("\n".join(diff))
    return report


def write_golden(files: dict[str, bytes]) -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, data in files.items():
        target = GOLDEN / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    tree = fixture_project(tmp_path_factory.mktemp("golden") / "project")
    result = run_infopsoc(tree.root, "build", env={"SOURCE_DATE_EPOCH": EPOCH}, pdf=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return kept_files(tree.root / "site")


def test_the_fixture_site_is_the_golden_site(built):
    if UPDATE:
        write_golden(built)
        pytest.skip(f"tests/golden/site rewritten ({len(built)} files): review `git diff tests/golden/site`")
    assert GOLDEN.is_dir(), "no golden site yet: run INFOPSOC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"
    problems = differences(kept_files(GOLDEN), built)
    assert not problems, ("the built site differs from tests/golden/site (if intended: "
                          "INFOPSOC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py)\n\n"
                          + "\n\n".join(problems))


def test_the_golden_site_covers_every_output(built):
    """The snapshot holds each kind of output of both languages (a filter that dropped one would
    let its changes through unseen), and stays small."""
    for lang in ("", "en/"):
        for name in ("index.html", "404.html", "bulletins/index.html", "glossaire/index.html", "glossaire/psoc/index.html",
                     "chronologie/index.html", "membres/index.html", "rss.xml", "atom.xml", "sitemap.xml", "glossaire.json"):
            assert lang + name in built, lang + name
    assert "bulletins/info-psoc-01/index.html" in built and "en/bulletins/info-psoc-02/index.html" in built
    assert not any(name.startswith(("assets/", "en/assets/", "search/", "en/search/")) for name in built)
    assert sum(map(len, built.values())) < 600_000


def test_a_changed_file_shows_as_a_readable_diff():
    expected = {"index.html": b"<p>un</p>\n<p>deux</p>\n", "rss.xml": b"<rss/>\n"}
    built = {"index.html": b"<p>un</p>\n<p>trois</p>\n", "atom.xml": b"<feed/>\n"}
    report = "\n".join(differences(expected, built))
    assert "manque (attendu, non produit) : rss.xml" in report
    assert "nouveau (produit, non attendu) : atom.xml" in report
    assert "--- tests/golden/site/index.html" in report and "+++ built/index.html" in report
    assert "-<p>deux</p>" in report and "+<p>trois</p>" in report and " <p>un</p>" in report
    assert differences(expected, dict(expected)) == []
