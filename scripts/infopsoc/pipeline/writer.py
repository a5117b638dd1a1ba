"""The one writer: the only code that writes into the built site, after the engine.

Every output returns its files (:mod:`infopsoc.outputs.base`); :class:`SiteWriter` puts them in
place. It refuses a path outside the site's folder (``..``, an absolute path, a link that leads
out), leaves a file alone when its bytes are the same (a preview's rebuild does not touch what did
not change: the browser and the server see only real edits), writes each file whole (a temporary
file renamed into place: a reader never sees half a file), and, for an output that owns a
folder (``/admin/``, the search index), removes what that folder holds that the output no longer
returns. It is safe to call from a thread (the search index is written while the PDFs finish).
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from collections.abc import Mapping
from pathlib import Path

from infopsoc.pipeline.copies import CopyStore


class Linked(type(Path())):
    """A file given as a hard link rather than a copy: for files that are never changed in place (the
    search index kept in ``.cache/search/``, written once and renamed into place; the PDFs of the cache;
    a page of the previous site that did not change, pipeline/reuse.py). The writer never writes
    through one: a file that exists is replaced by a new one renamed over it.
    Where a link cannot be made (another file system), it is copied."""


Content = bytes | Path


class OutsideSite(ValueError):
    """A path that would land outside the site's folder."""


def _refuse_outside(rel: str) -> None:
    """A path from the site's root that could not land outside it by its own words (``..``, absolute, empty parts)."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or ".." in parts or "\\" in rel or "" in parts:
        raise OutsideSite(f"chemin hors du site : {rel!r}")


class SiteWriter:
    def __init__(self, site_dir: Path, copies: "CopyStore | None" = None):
        self.root = Path(site_dir).resolve()
        self.copies = copies  # files copied from outside the site: linked to kept copies (pipeline/copies.py)
        self.written: list[str] = []  # paths from the site's root, in the order written
        self.unchanged = 0
        self.removed: list[str] = []
        self._lock = threading.Lock()
        self._inside: set[Path] = {self.root}  # folders known to be in the site (resolved once each)
        self._made: set[Path] = set()  # folders made or seen by this writer
        self._linked_in: set[str] = set()  # folders ``write`` put a linked file in (``_link`` links beside it)

    def path(self, rel: str) -> Path:
        """The file at ``rel`` (a path from the site's root), refused when it would be outside the site."""
        _refuse_outside(rel)
        target = self.root / rel
        folder = target.parent
        if not self._in_site(folder):  # a link on the way
            raise OutsideSite(f"chemin hors du site : {rel!r}")
        if target.is_symlink():
            raise OutsideSite(f"lien symbolique dans le site : {rel!r}")
        return target

    def _in_site(self, folder: Path) -> bool:
        """Whether ``folder`` (the site's root joined with a relative path) is in the site: a folder in a
        folder of the site is in it too unless it is a link (one look at each folder, rather than
        resolving every page's whole path); a link is followed."""
        if folder in self._inside:
            return True
        parent = folder.parent
        under_known = parent != folder and parent.is_relative_to(self.root) and self._in_site(parent)
        if (under_known and not folder.is_symlink()) or folder.resolve().is_relative_to(self.root):
            with self._lock:
                self._inside.add(folder)
            return True
        return False

    def read_text(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, content: Content) -> bool:
        """Put ``content`` (bytes, or a file to copy) at ``rel``; False when the bytes were already there."""
        target = self.path(rel)
        exists = target.exists()
        if exists and self._same(target, content):
            with self._lock:
                self.unchanged += 1
            return False
        if not exists and target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                self._made.add(target.parent)
        # a new file is written in place (nobody reads it yet); one that exists is replaced whole
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp") if exists else target
        try:
            if isinstance(content, Linked):
                try:
                    os.link(content, temporary)
                except OSError:
                    shutil.copyfile(content, temporary)
            elif isinstance(content, Path):
                shutil.copyfile(content, temporary)
            else:
                with open(temporary, "wb") as stream:
                    stream.write(content)
            if exists:
                os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)  # half a file is never left
            raise
        with self._lock:
            self.written.append(rel)
        return True

    def write_all(self, files: Mapping[str, Content], folder: str | None = None) -> None:
        """Write ``files``; with ``folder`` (which every path is under), the folder is made to hold
        exactly them: what else it holds is removed."""
        if folder is not None:
            prefix = folder.rstrip("/") + "/"
            outside = [rel for rel in files if not rel.startswith(prefix)]
            if outside:
                raise OutsideSite(f"{outside[0]!r} n'est pas dans {folder!r}")
            self._remove_others(folder, {rel.removeprefix(prefix) for rel in files})
        for rel in sorted(files):
            content = files[rel]
            if isinstance(content, Path) and not isinstance(content, Linked) and self.copies is not None:
                kept = self.copies.kept(content)
                if kept is not None and self._kept_copy(rel, Linked(kept)):
                    continue
            if isinstance(content, Linked) and self._link(rel, content):
                continue
            self.write(rel, content)
            if isinstance(content, Linked):
                with self._lock:
                    self._linked_in.add(rel.rpartition("/")[0])

    def _kept_copy(self, rel: str, kept: Linked) -> bool:
        """``write_all`` of a kept copy: False when it is gone (removed by another build's store), to
        copy the source itself."""
        try:
            if not self._link(rel, kept):
                self.write(rel, kept)
        except FileNotFoundError:
            if kept.exists():
                raise
            return False
        with self._lock:
            self._linked_in.add(rel.rpartition("/")[0])
        return True

    def _link(self, rel: str, content: Linked) -> bool:
        """``write`` for a kept file in a folder a file was put in already, in one or two system calls
        (a search index is thousands of them, and ``write`` spent more on paths than on links): True
        when it is there (linked now, or that file already); False leaves it to ``write``."""
        _refuse_outside(rel)
        if rel.rpartition("/")[0] not in self._linked_in:
            return False  # the first file of a folder: ``write`` checks the folder and makes it
        target = os.path.join(self.root, rel)
        try:
            found = os.lstat(target)
        except FileNotFoundError:
            try:
                os.link(content, target)
            except OSError:
                return False
            with self._lock:
                self.written.append(rel)
            return True
        except OSError:
            return False
        try:
            same = stat.S_ISREG(found.st_mode) and os.path.samestat(found, os.stat(content))
        except OSError:
            return False
        if same:
            with self._lock:
                self.unchanged += 1
        return same

    def _remove_others(self, folder: str, kept: set[str]) -> None:
        base = self.path(folder)
        if base.is_symlink() or (base.exists() and not base.is_dir()):
            base.unlink()
            return
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*"), reverse=True):  # files before their folders
            rel = path.relative_to(base).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(k.startswith(rel + "/") for k in kept):
                    shutil.rmtree(path, ignore_errors=True)
            elif rel not in kept:
                path.unlink(missing_ok=True)
                with self._lock:
                    self.removed.append(f"{folder}/{rel}")

    @staticmethod
    def _same(target: Path, content: Content) -> bool:
        try:
            if isinstance(content, Linked) and os.path.samefile(target, content):
                return True
            if isinstance(content, Path):
                size = content.stat().st_size
            else:
                size = len(content)
            if not target.is_file() or target.is_symlink() or target.stat().st_size != size:
                return False
            return target.read_bytes() == (content.read_bytes() if isinstance(content, Path) else content)
        except OSError:
            return False
