"""Pages of the previous site reused instead of rendered again (``infopsoc build``).

Rendering the theme's template around a page is most of what a rebuild after one edit costs (every
page repeats the navigation). Each page the engine is about to render gets a *render key*: the
fingerprint of everything its template reads (the engine adapter computes it: plugin/page_reuse.py),
with a :func:`global_key` (our code, the theme, the configuration, the packages, the language).

After a successful build the keys are kept (:class:`Reuse` ``.save``, committed by the command once
the new site is in place: :func:`commit`), with each page's file as it was written in the site (size,
modification time, inode). The next build of the same site gives a page whose key is unchanged, and
whose file the previous site (the folder about to be replaced) still holds exactly as recorded, as a
:class:`~infopsoc.pipeline.writer.Linked` file: the one writer puts a hard link to it in the new site,
and its template is not rendered. Nothing ever writes through such a link: the writer replaces a
file by writing beside it and renaming. A record missing, unreadable or from another build: every
page is rendered. ``--force`` renders every page (and records them for the next build).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

from infopsoc.core.fingerprints import fingerprint
from infopsoc.pipeline.writer import Linked

#: set by ``infopsoc build`` for each language's engine: the previous site's folder for this language
#: (absent or empty: nothing is reused), and the file of its records
PREVIOUS_ENV, RECORDS_ENV = "INFOPSOC_REUSE_FROM", "INFOPSOC_REUSE_RECORDS"
_VERSION = 1


def records_file(records_dir: Path, target: Path, lang: str) -> Path:
    """The records of the last successful build of ``target`` (the output folder), for ``lang``."""
    name = hashlib.sha256(str(Path(target).resolve()).encode("utf-8")).hexdigest()[:32]
    return Path(records_dir) / f"pages-{name}-{lang}.json"


def pending(records: Path) -> Path:
    """Where a build leaves its records until the command commits them (the site in place)."""
    return records.with_name(records.name + ".new")


def commit(records: list[Path]) -> None:
    """The new site is in place: its builds' records become the ones the next build reads."""
    for path in records:
        if pending(path).exists():
            os.replace(pending(path), path)
        else:  # a build that left none: no record can describe the new site
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def discard(records: list[Path]) -> None:
    """A build failed (or is about to start): what it left is never read."""
    for path in records:
        with contextlib.suppress(FileNotFoundError):
            pending(path).unlink()


def global_key(*parts: str) -> str:
    return fingerprint(f"reuse-{_VERSION}", *parts)


class Reuse:
    """One language's build: which pages may be taken from the previous site (``previous``, None:
    none), and the keys of every page, saved for the next build (``records``, None: not saved)."""

    def __init__(self, previous: Path | None, records: Path | None):
        self.previous, self.records = (Path(previous) if previous else None), (Path(records) if records else None)
        self.keys: dict[str, str] = {}  # path in the site -> this build's key
        self.linked: dict[str, Linked] = {}  # the pages taken from the previous site
        self._old: dict[str, list] = {}
        self._previous_real = Path(os.path.realpath(self.previous)) if self.previous is not None else None
        if self.previous is not None and self.records is not None and self.previous.is_dir():
            with contextlib.suppress(OSError, ValueError, TypeError):
                data = json.loads(self.records.read_text(encoding="utf-8"))
                if data.get("version") == _VERSION and isinstance(data.get("pages"), dict):
                    self._old = data["pages"]

    @property
    def rendered(self) -> int:
        return len(self.keys) - len(self.linked)

    def take(self, dest: str, key: str) -> Linked | None:
        """The previous site's file for the page written at ``dest`` when its ``key`` is the one it was
        written with and the file is still as written; None: the page is rendered."""
        self.keys[dest] = key
        old = self._old.get(dest)
        if not old or old[0] != key:
            return None
        path = self.previous / dest
        try:
            found = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode) or [found.st_size, found.st_mtime_ns, found.st_ino] != old[1:]:
            return None
        if not Path(os.path.realpath(path)).is_relative_to(self._previous_real):  # a folder made a link out
            return None
        self.linked[dest] = Linked(path)
        return self.linked[dest]

    def save(self, site_dir: Path) -> None:
        """After the build wrote ``site_dir``: each page's key with its file as written, left pending
        (:func:`commit`). A page not found is not recorded (it will be rendered)."""
        if self.records is None:
            return
        pages = {}
        for dest, key in self.keys.items():
            try:
                found = os.lstat(Path(site_dir) / dest)
            except OSError:
                continue
            if stat.S_ISREG(found.st_mode):
                pages[dest] = [key, found.st_size, found.st_mtime_ns, found.st_ino]
        target = pending(self.records)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_text(json.dumps({"version": _VERSION, "pages": pages}), encoding="utf-8")
        os.replace(temporary, target)
