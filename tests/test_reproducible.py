"""Reproducible builds, and sources that the build never writes to.

Two ``infopsoc build`` of one commit, PDFs included and the PDF cache emptied in between, give
byte-identical sites; the build's time is the last commit's (``SOURCE_DATE_EPOCH``), so the
sitemap's dates and the sitemap.xml.gz header do not depend on the day of the build.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import Tree, populate, run_infopsoc, snapshot

from infopsoc.core.urls import SEARCH_BUNDLE

SOURCES = ("content", "bulletins", "glossary", "timeline", "theme", "data")
COMMIT_TIME = "2017-10-18T15:30:00+00:00"


def _sources(root: Path) -> dict:
    return {name: snapshot(root / name) for name in SOURCES}


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _gzip_mtime(path: Path) -> int:
    header = path.read_bytes()[:10]
    assert header[:2] == b"\x1f\x8b"
    return struct.unpack("<I", header[4:8])[0]


@pytest.fixture
def committed(tmp_path) -> Tree:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    tree = populate(Tree(tmp_path / "project"))
    env = dict(os.environ, GIT_AUTHOR_DATE=COMMIT_TIME, GIT_COMMITTER_DATE=COMMIT_TIME,
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "contenu"]):
        subprocess.run(["git", *args], cwd=tree.root, env=env, check=True)
    return tree


def test_two_builds_of_one_commit_are_byte_identical_and_sources_untouched(committed, monkeypatch):
    root = committed.root
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = _sources(root)

    check = run_infopsoc(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    first = run_infopsoc(root, "build", "-d", "site-a", pdf=True)
    assert first.returncode == 0, first.stderr
    shutil.rmtree(root / ".cache")  # the second build renders its PDFs again
    second = run_infopsoc(root, "build", "-d", "site-b", pdf=True)
    assert second.returncode == 0, second.stderr

    a, b = _files(root / "site-a"), _files(root / "site-b")
    for required in ("sitemap.xml", "sitemap.xml.gz", f"{SEARCH_BUNDLE}/meta.json", "rss.xml", "atom.xml",
                     "glossaire.json", "bulletins/info-psoc-01/index.html"):
        assert required in a, required
    assert any(name.startswith(f"{SEARCH_BUNDLE}/sections/") for name in a)  # --- search --- the index, compared below
    assert any(name.endswith(".pdf") for name in a)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []

    # the build's time is the commit's: the sitemap's <lastmod> and the gzip header
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", a["sitemap.xml"].decode())) == {"2017-10-18"}
    midnight = dt.datetime(2017, 10, 18, tzinfo=dt.timezone.utc).timestamp()
    assert _gzip_mtime(root / "site-a/sitemap.xml.gz") == midnight
    assert gzip.decompress(a["sitemap.xml.gz"]) == a["sitemap.xml"]

    # nothing written into the sources, nothing added there
    assert _sources(root) == before


def test_outside_git_the_build_time_is_fixed_or_given(tmp_path, monkeypatch):
    tree = populate(Tree(tmp_path / "project"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run_infopsoc(tree.root, "build")
    assert result.returncode == 0, result.stderr
    assert "<lastmod>1980-01-01</lastmod>" in tree.read("sitemap.xml")
    assert _gzip_mtime(tree.root / "site/sitemap.xml.gz") == 315532800

    given = run_infopsoc(tree.root, "build", env={"SOURCE_DATE_EPOCH": "1508284800"})  # 2017-10-18
    assert given.returncode == 0, given.stderr
    assert "<lastmod>2017-10-18</lastmod>" in tree.read("sitemap.xml")

    wrong = run_infopsoc(tree.root, "build", env={"SOURCE_DATE_EPOCH": "hier"})
    assert wrong.returncode != 0
    assert "SOURCE_DATE_EPOCH vaut « hier »" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_a_pinned_old_build_time_does_not_make_recent_bulletins_future(tmp_path):
    """The future-date check measures from today when SOURCE_DATE_EPOCH is older (1980 outside git)."""
    tree = populate(Tree(tmp_path / "project"))
    next_month = dt.date.today() + dt.timedelta(days=31)
    text = tree.root.joinpath("bulletins/info-psoc-01.md").read_text(encoding="utf-8")
    tree.write("bulletins/info-psoc-01.md", text.replace("date: 2017-10-18", f"date: {next_month:%Y-%m}"))
    result = run_infopsoc(tree.root, "check", env={"SOURCE_DATE_EPOCH": "315532800"})
    assert result.returncode == 0, result.stdout
