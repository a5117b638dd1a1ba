"""Kept copies of the files a build copies into the site from elsewhere (the editor's 5.9 MB of
Decap files, from node_modules/): copied once into ``.cache/copies/``, then hard-linked into
every site built after (``pipeline.writer.Linked``), instead of copied again by every build.

A kept copy is named by where its source is and by the source's state (size, times, inode): a
source changed in any way (``npm ci``, an edit) has another name, so a new copy. A kept copy is
written beside and renamed into place, and never changed afterwards; it takes its source's
modification time, and one whose size or modification time is not its source's any more (written
through a site's link to it) is never linked again: it is copied anew, renamed over it (the sites
that link to it keep their file). What the store removes is only its own: the older copies of a
source it has just kept a new copy of, once no build may be linking them (``RECENT`` seconds).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import threading
import time
from pathlib import Path


class CopyStore:
    #: a copy made or used in the last ``RECENT`` seconds is never removed (a build running at the
    #: same time may be linking it)
    RECENT = 600.0

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def kept(self, source: Path) -> Path | None:
        """The kept copy of ``source``, made now if needed; None when ``source`` is not a regular
        file or cannot be kept (then the caller copies it itself)."""
        try:
            real = os.path.realpath(source)
            before = os.stat(real)
            if not stat.S_ISREG(before.st_mode):
                return None
            place = hashlib.blake2b(real.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
            state = hashlib.blake2b(repr(_state(before)).encode(), digest_size=10).hexdigest()
            kept = self.folder / f"{place}-{state}"
            if _intact(kept, before):
                return kept
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{kept.name}.{os.getpid()}-{threading.get_ident()}.tmp"
            try:
                shutil.copyfile(real, temporary)
                os.utime(temporary, ns=(before.st_atime_ns, before.st_mtime_ns))
                if _state(os.stat(real)) != _state(before):  # changed while copied: not kept
                    temporary.unlink()
                    return None
                os.replace(temporary, kept)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            self._forget_older(place, kept)
            return kept
        except OSError:
            return None

    def _forget_older(self, place: str, kept: Path) -> None:
        """Remove the copies of the same source in an older state, made over ``RECENT`` seconds ago."""
        with self._lock:
            now = time.time()
            for other in self.folder.glob(f"{place}-*"):
                try:
                    if other != kept and not other.is_symlink() and now - other.lstat().st_ctime > self.RECENT:
                        other.unlink()
                except OSError:
                    pass


def _state(found: os.stat_result) -> tuple:
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


def _intact(kept: Path, source: os.stat_result) -> bool:
    """Whether ``kept`` is still the copy made of a source in the state ``source``."""
    try:
        found = os.lstat(kept)
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and found.st_size == source.st_size and found.st_mtime_ns == source.st_mtime_ns
