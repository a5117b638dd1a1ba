"""Results remembered by their inputs (memo.py): reused when the inputs are the same, never otherwise."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys

from conftest import bulletin_text, run_infopsoc
from infopsoc.core import memo
from infopsoc.content.sources import read_source


def test_a_memo_makes_each_result_once_and_keeps_it_across_processes(tmp_path):
    made = []
    first = memo.Memo("test-squares")

    def square(n):
        return lambda: made.append(n) or n * n

    assert [first.get(n, square(n)) for n in (2, 3, 2)] == [4, 9, 4]
    assert made == [2, 3]
    memo.save(tmp_path / "memo.pickle")
    first.entries.clear()  # as in a new process
    memo.load(tmp_path / "memo.pickle")
    assert first.get(3, square(3)) == 9 and made == [2, 3]


def test_a_cache_from_other_code_or_unreadable_is_ignored(tmp_path):
    made = []
    squares = memo.Memo("test-ignored")
    other = tmp_path / "other.pickle"
    other.write_bytes(pickle.dumps(("another version of the code", {"test-ignored": {2: 5}})))
    memo.load(other)
    broken = tmp_path / "broken.pickle"
    broken.write_bytes(b"\x80\x04 not a pickle")
    memo.load(broken)
    assert squares.get(2, lambda: made.append(2) or 4) == 4 and made == [2]


def test_an_edited_file_is_read_again(tmp_path):
    path = tmp_path / "bulletins" / "info-psoc-01.md"
    path.parent.mkdir()
    path.write_text(bulletin_text(1, "Avant"), encoding="utf-8")
    before, _ = read_source(path, tmp_path)
    path.write_text(bulletin_text(1, "Après"), encoding="utf-8")
    after, _ = read_source(path, tmp_path)
    assert (before.meta["title"], after.meta["title"]) == ("Avant", "Après")
    again, _ = read_source(path, tmp_path)
    assert again is after  # the same bytes: the same result
    # saved and read back, a source is whole again (its body is not saved twice)
    restored = pickle.loads(pickle.dumps(after))
    assert restored == after and restored.body == after.body


def test_a_second_build_with_the_saved_memo_gives_the_same_site(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", body="Le texte.\n"))
    first = tree.build()
    page = (first / "bulletins/info-psoc-01/index.html").read_bytes()
    assert list(tree.root.glob(".cache/memo-fr.pickle"))
    second = tree.build()
    assert (second / "bulletins/info-psoc-01/index.html").read_bytes() == page


def test_entries_saved_for_a_module_not_imported_yet_wait_for_it(tmp_path):
    late = memo.Memo("test-late")
    late.get("k", lambda: "v")
    memo.save(tmp_path / "late.pickle")
    del memo._MEMOS["test-late"]  # as in a new process, before the module holding it is imported
    memo.load(tmp_path / "late.pickle")
    again = memo.Memo("test-late")
    assert again.get("k", lambda: "made again") == "v"


def test_a_save_that_would_write_the_same_results_writes_nothing(tmp_path):
    """A rebuild that made nothing new leaves the memo's file alone (issue 32: its save was a part of
    every rebuild); a new result, or a file gone, is written."""
    squares = memo.Memo("test-unchanged")
    for n in (2, 3):
        squares.get(n, lambda n=n: n * n)
    path = tmp_path / "memo.pickle"
    memo.save(path)
    inode = path.stat().st_ino  # a save writes beside and renames: a new file is a new inode
    memo.save(path)
    assert path.stat().st_ino == inode
    squares.get(4, lambda: 16)
    memo.save(path)
    assert path.stat().st_ino != inode
    inode = path.stat().st_ino
    # read back by another process, then saved with the same results: left alone
    memo._LOADED.discard(str(path))
    memo._IN_FILE.pop(str(path))
    memo.load(path)
    memo.save(path)
    assert path.stat().st_ino == inode
    path.unlink()
    memo.save(path)
    assert path.is_file()
    with open(path, "rb") as stream:
        version, saved = pickle.load(stream)
    assert saved["test-unchanged"] == {2: 4, 3: 9, 4: 16}


_PREVIEW_BUILD = """
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config("mkdocs.yml", site_dir=".preview-site")
config.plugins.on_startup(command="serve", dirty=True)
try:
    build(config, dirty=True)
finally:
    config.plugins.on_shutdown()
"""


def test_a_preview_keeps_its_own_results_and_the_next_build_converts_only_what_changed(tree):
    """Issue 32: the preview (make serve, make edit) converts its pages in another context (drafts shown,
    no PDF) and saved its memo to the build's file: the next `make build` after a preview converted every
    page again (~13 s instead of ~3 s at 300 bulletins)."""
    for n in (1, 2, 3):
        tree.write(f"bulletins/info-psoc-0{n}.md", bulletin_text(n, f"Numéro {n}", body=f"Le texte {n}.\n"))
    assert run_infopsoc(tree.root, "build").returncode == 0
    kept = tree.root / ".cache/memo-fr.pickle"
    before = kept.read_bytes()
    preview = subprocess.run([sys.executable, "-c", _PREVIEW_BUILD], cwd=tree.root, capture_output=True, text=True,
                             env=dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="0"), timeout=600)
    assert preview.returncode == 0, preview.stderr[-2000:]
    assert (tree.root / ".cache/memo-fr-preview.pickle").is_file()
    assert kept.read_bytes() == before  # the build's own results, untouched by the preview
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Numéro 2", body="Le texte 2, corrigé.\n"))
    result = run_infopsoc(tree.root, "build")
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"Pages : 1 convertie, \d+ reprises de la construction précédente", result.stderr), result.stderr
