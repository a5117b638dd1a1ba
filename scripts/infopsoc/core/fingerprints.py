"""Fingerprints: short hashes of what a result is made from.

A result kept between builds (memo.py, the preview's change tracker, the render cache) is
stored under the fingerprint of its inputs: an old cache costs time, never a wrong page.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from collections.abc import Iterable
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


def files_fingerprint(paths: Iterable[Path], *, by_content: bool = False) -> str:
    """The names, sizes and modification times of files (a folder: every file inside); ``by_content``:
    their names and bytes instead (a file that cannot be read: its name)."""
    entries = []
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in found:
            try:
                if by_content:
                    entries += [p.as_posix(), hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()]
                    continue
                stat = p.stat()
            except OSError:
                if by_content:
                    entries.append(p.as_posix())
                continue
            entries.append(f"{p}:{stat.st_size}:{stat.st_mtime_ns}")
    return fingerprint(*entries)


@functools.cache
def versions(*distributions: str) -> str:
    """Python's version and these installed distributions' (``markdown``, ``jinja2``), as text: for the key of
    a result kept between builds that their code makes (memo.py's files are kept under our code's version only)."""
    from importlib.metadata import PackageNotFoundError, version

    found = [sys.version]
    for name in distributions:
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} absent")
    return fingerprint(*found)
