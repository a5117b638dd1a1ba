"""A rebuild reuses the previous site's unchanged pages (pipeline/reuse.py, plugin/page_reuse.py), and
gives exactly the bytes of a full build; the previous site is never changed by a rebuild.

Each case runs the real ``infopsoc build`` (both languages, PDFs off) on the fixture project: a first
build, then edits one after the other (a bulletin's body, its title, its date, a glossary term, a new
bulletin, a removed one, a theme template, the configuration), each followed by a rebuild that reuses
pages and by a full build (``--force``) into another folder; the two sites are compared whole, byte
for byte.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_PROJECT as FIXTURE, alive, bulletin_text, ctrl_c_reaches, children, cmdline, fixture_project, run_infopsoc, \
    term_text
from infopsoc.pipeline.writer import Linked, SiteWriter

EPOCH = {"SOURCE_DATE_EPOCH": "1508328000"}
_REUSED = re.compile(r"Pages : (\d+) mises? en page, (\d+) reprises? telles? quelles? du site précédent")


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file of a built site, by its path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def hashes(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file's hash, modification time and inode."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(folder).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(),
                                                          stat.st_mtime_ns, stat.st_ino)
    return found


def linked_copy(site: Path, copy: Path) -> Path:
    """A second name for every file of ``site`` (hard links, as ``cp -al``): what a rebuild must never
    write through."""
    for path in sorted(site.rglob("*")):
        target = copy / path.relative_to(site)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    return copy


def rebuild(root: Path, *args: str) -> tuple[int, int]:
    """``infopsoc build``; returns the pages rendered and the pages reused, both languages together."""
    result = run_infopsoc(root, "build", *args, env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = [tuple(map(int, m)) for m in _REUSED.findall(result.stderr)]
    assert len(counts) == 2, result.stderr[-3000:]  # one line per language
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def assert_same_as_full_build(root: Path, tmp_path: Path, step: str) -> None:
    full = tmp_path / f"full-{step}"
    result = run_infopsoc(root, "build", "--force", "--site-dir", str(full), env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    reused, expected = site_files(root / "site"), site_files(full)
    assert sorted(reused) == sorted(expected), step
    different = [rel for rel in expected if reused[rel] != expected[rel]]
    assert different == [], f"{step}: {different[:10]}"
    shutil.rmtree(full)


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS = [
    ("body", lambda r: _edit(r, "bulletins/info-psoc-01.md", "Les TROC portent leurs préoccupations.",
                             "Les TROC portent leurs préoccupations, et les nôtres.")),
    ("title", lambda r: _edit(r, "bulletins/info-psoc-01.md", 'title: "Premier numéro : le PSOC en bref"',
                              'title: "Premier numéro : le PSOC, en bref"')),
    ("date", lambda r: _edit(r, "bulletins/info-psoc-01.md", "date: 2017-05", "date: 2017-06")),
    ("term", lambda r: (r / "glossary/troc.md").write_text(
        term_text("TROC", "Table régionale des organismes communautaires (nouvelle forme)"), encoding="utf-8")),
    ("new-bulletin", lambda r: (r / "bulletins/info-psoc-03.md").write_text(
        bulletin_text(3, "Troisième numéro", "2017-12-01", body="Le PSOC[^1] encore.\n\n[^1]: Une note.\n"),
        encoding="utf-8")),
    ("removed-bulletin", lambda r: (r / "bulletins/info-psoc-03.md").unlink()),
    ("theme", lambda r: _edit(r, "theme/main.html", "{% block footer %}", "{% block footer %}<!-- pied -->")),
    ("configuration", lambda r: (r / "mkdocs.yml").write_text(
        (r / "mkdocs.yml").read_text(encoding="utf-8") + "\ncopyright: « Copie » CTROC\n", encoding="utf-8")),
]


def test_a_rebuild_after_each_edit_is_byte_identical_to_a_full_build(tmp_path):
    root = fixture_project(tmp_path / "project").root
    rendered, reused = rebuild(root)
    assert reused == 0 and rendered > 0  # nothing to reuse yet
    pages = rendered
    for step, edit in EDITS:
        edit(root)
        rendered, reused = rebuild(root)
        assert_same_as_full_build(root, tmp_path, step)
        if step == "body":  # one bulletin edited: the others are taken from the previous site
            assert 0 < rendered < pages / 2 and reused > pages / 2, (rendered, reused)
        if step in ("theme", "configuration"):  # every page reads them
            assert reused == 0, (step, rendered, reused)


def test_a_new_commit_time_lays_out_no_page_again_unless_a_template_reads_it(tmp_path):
    """``infopsoc build`` dates the build with the last commit (SOURCE_DATE_EPOCH), and every publication
    from the editor is a commit: no page's template reads that time (the sitemap does, and it is no page),
    so the pages are taken from the previous site; the sitemap has the new date; the site is the one a
    full build makes. A template that reads it makes every page read it again."""
    root = fixture_project(tmp_path / "project").root
    rebuild(root)
    later = {"SOURCE_DATE_EPOCH": str(int(EPOCH["SOURCE_DATE_EPOCH"]) + 86_400 * 40)}
    result = run_infopsoc(root, "build", env=later)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = [tuple(map(int, m)) for m in _REUSED.findall(result.stderr)]
    assert len(counts) == 2 and all(rendered == 0 for rendered, _ in counts), result.stderr[-3000:]
    assert "2017-11-27" in (root / "site/sitemap.xml").read_text(encoding="utf-8")  # 1508328000 + 40 days
    full = tmp_path / "full"
    assert run_infopsoc(root, "build", "--force", "--site-dir", str(full), env=later).returncode == 0
    assert site_files(root / "site") == site_files(full)
    # a page template that shows the build's date: the date is part of every page's key again
    _edit(root, "theme/main.html", "{% block footer %}", "{% block footer %}<!-- {{ build_date_utc }} -->")
    assert run_infopsoc(root, "build", env=later).returncode == 0
    result = run_infopsoc(root, "build", env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = [tuple(map(int, m)) for m in _REUSED.findall(result.stderr)]
    assert all(reused == 0 for _, reused in counts), result.stderr[-3000:]
    assert "2017-10-18" in (root / "site/index.html").read_text(encoding="utf-8")


def test_a_forced_build_reuses_nothing_and_an_edited_site_file_is_not_reused(tmp_path):
    root = fixture_project(tmp_path / "project").root
    rebuild(root)
    rendered, reused = rebuild(root, "--force")
    assert reused == 0
    # a page of the site changed by hand (its size, its time) is rendered again, whatever its key
    page = root / "site" / "bulletins" / "info-psoc-02" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- hand -->\n</body>"))
    EDITS[0][1](root)
    rebuild(root)
    assert b"<!-- hand -->" not in page.read_bytes()
    assert_same_as_full_build(root, tmp_path, "hand-edited")


def test_a_rebuild_never_changes_the_previous_site_even_when_it_fails(tmp_path):
    root = fixture_project(tmp_path / "project").root
    rebuild(root)
    # --- a successful rebuild that reuses pages: the previous site's files, by a second name, unchanged
    before = hashes(root / "site")
    kept = linked_copy(root / "site", tmp_path / "kept")
    EDITS[0][1](root)
    _rendered, reused = rebuild(root)
    assert reused > 0
    assert hashes(kept) == before
    # --- a rebuild that fails in English, after the French site was built with reused pages
    shutil.rmtree(kept)
    before = hashes(root / "site")
    kept = linked_copy(root / "site", tmp_path / "kept")
    _edit(root, "bulletins/info-psoc-01.md", "Les TROC portent", "Les TROC, encore, portent")
    (root / "bulletins/info-psoc-02.en.md").write_text("---\nnumber: deux\n---\nBroken.\n", encoding="utf-8")
    result = run_infopsoc(root, "build", env=EPOCH)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "site/ n'a pas été modifié" in result.stderr
    assert "Traceback" not in result.stderr
    assert hashes(root / "site") == before  # site/ as it was, file for file (same inodes)
    assert hashes(kept) == before
    assert not [p for p in tmp_path.joinpath("project").iterdir() if p.name.startswith(".site-")]
    # the failed build's records are never read: the next build, fixed, is a full build's bytes
    shutil.copy(FIXTURE / "bulletins/info-psoc-02.en.md", root / "bulletins/info-psoc-02.en.md")
    _rendered, reused = rebuild(root)
    assert reused > 0
    assert_same_as_full_build(root, tmp_path, "after-failure")


def test_a_file_reached_through_a_link_out_of_the_previous_site_is_not_reused(tmp_path):
    root = fixture_project(tmp_path / "project").root
    rebuild(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "site" / "glossaire").rename(outside / "glossaire")  # the same files, now out of the site
    (root / "site" / "glossaire").symlink_to(outside / "glossaire")
    inodes = {p.stat().st_ino for p in outside.rglob("*") if p.is_file()}
    EDITS[0][1](root)
    result = run_infopsoc(root, "build", env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    site = root / "site"
    assert not (site / "glossaire").is_symlink()
    assert not [p for p in site.rglob("*") if p.is_file() and p.stat().st_ino in inodes]
    assert_same_as_full_build(root, tmp_path, "link-out")


def test_the_writer_never_writes_through_a_hard_link(tmp_path):
    previous, site = tmp_path / "previous", tmp_path / "site"
    previous.mkdir()
    site.mkdir()
    (previous / "page.html").write_bytes(b"old page")
    writer = SiteWriter(site)
    writer.write("page.html", Linked(previous / "page.html"))
    assert (site / "page.html").stat().st_ino == (previous / "page.html").stat().st_ino
    writer.write("page.html", b"new page")  # written beside, renamed: the link is replaced, not written into
    assert (site / "page.html").read_bytes() == b"new page"
    assert (previous / "page.html").read_bytes() == b"old page"


def test_both_languages_are_built_at_once_their_messages_whole_french_first(tmp_path):
    root = fixture_project(tmp_path / "project").root
    result = run_infopsoc(root, "build", env=EPOCH)
    assert result.returncode == 0, result.stderr[-3000:]
    site = root / "site"
    pages = {"fr": [p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith(("en/", "admin/"))],
             "en": [p for p in (site / "en").rglob("*.html") if not p.relative_to(site / "en").as_posix().startswith("admin/")]}
    counts = {lang: len(found) - 1 for lang, found in pages.items()}  # 404.html is not a page of the loop
    assert counts["fr"] != counts["en"]  # what tells the two languages' lines apart here
    # each language's lines whole, French first: its summary, then its end, then English's
    blocks = result.stderr.split("construction terminée")
    assert len(blocks) == 3, result.stderr
    assert f"Pages : {counts['fr']} mises en page" in blocks[0] and f"Pages : {counts['en']} mises en page" in blocks[1]
    for block in blocks[:2]:
        assert block.count("mises en page") == 1 and block.count("pages indexées") == 1, result.stderr


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_build_stops_both_languages_engines(tmp_path, how):
    root = fixture_project(tmp_path / "project").root
    rebuild(root)
    before = hashes(root / "site")
    EDITS[0][1](root)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="0", **EPOCH)
    for _attempt in range(3):
        process = subprocess.Popen([sys.executable, "-m", "infopsoc.cli", "build", "--force"], cwd=root, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_reaches)
        engines: list[int] = []
        deadline = time.monotonic() + 60
        while len(engines) < 2 and time.monotonic() < deadline:  # both at once: French and English
            engines = [c for c in children(process.pid) if b"infopsoc.plugin.engine" in cmdline(c)]
            time.sleep(0.02)
        assert len(engines) == 2, "the two languages' engines never ran at once"
        process.send_signal(how)
        out, err = process.communicate(timeout=60)
        # a small site can be built whole before the signal lands (a loaded machine): that run says nothing
        # of an interruption, and is tried again on the site it left (the edit is still to be built: --force)
        if not (process.returncode == 0 and "Site construit" in out):
            break
        before = hashes(root / "site")
    deadline = time.monotonic() + 20
    while any(alive(c) for c in engines) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(c) for c in engines), "an engine still running"
    assert process.returncode == 130, err[-3000:]
    assert "construction interrompue ; site/ n'a pas été modifié" in err
    assert "Traceback" not in err
    assert hashes(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]
