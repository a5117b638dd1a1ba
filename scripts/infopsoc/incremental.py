"""What a preview rebuild must redo: the pages whose inputs changed since the last build.

The preview (``infopsoc serve``) rebuilds after every save. Rebuilding all 600 pages of a
300-issue archive takes longer than staff should wait, and one saved bulletin changes
one page, sometimes a few (the archive, its neighbours, the pages of the terms it uses).

Each page has a *fingerprint*: the hash of what it is made from (a generated page: its
generated Markdown, which already holds what it shows of other items; a hand-written
page: its text and what its directives expand to). A page is rebuilt when its
fingerprint changed. Everything is rebuilt when the *structure* changed: the list of
pages, the glossary (it marks every page), the theme or the configuration.
No engine here: the adapter tells the engine which pages to skip.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path


def fingerprint(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def extensions_signature(extensions: list, settings: dict) -> str:
    """Markdown extensions (names, or objects) and their settings as text, without the addresses
    of the objects they name (they change from one process to the next and say nothing about
    the output)."""
    names = [e if isinstance(e, str) else f"{type(e).__module__}.{type(e).__qualname__}" for e in extensions]
    text = repr((names, sorted(settings.items(), key=lambda kv: str(kv[0]))))
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


def files_fingerprint(paths: Iterable[Path]) -> str:
    """The names, sizes and modification times of files (a folder: every file inside)."""
    entries = []
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in found:
            try:
                stat = p.stat()
            except OSError:
                continue
            entries.append(f"{p}:{stat.st_size}:{stat.st_mtime_ns}")
    return fingerprint(*entries)


class ChangeTracker:
    """Remembers the fingerprints of the last build, and says what the next one must redo."""

    def __init__(self) -> None:
        self._structure: str | None = None
        self._pages: dict[str, str] = {}

    def plan(self, structure: str, pages: Mapping[str, str]) -> set[str] | None:
        """The pages to rebuild (by path), or None for all of them; remembers this build."""
        everything = structure != self._structure
        changed = None if everything else {uri for uri, value in pages.items() if self._pages.get(uri) != value}
        self._structure, self._pages = structure, dict(pages)
        return changed

    def forget(self) -> None:
        """After a failed build: the next one redoes everything."""
        self._structure, self._pages = None, {}
