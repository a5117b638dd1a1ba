"""Results remembered by their inputs: a file read, a text checked, a page generated.

The preview rebuilds after every save, and a build rereads and rechecks hundreds of
files that did not change. A :class:`Memo` maps a key that holds *every* input of a
result (the file's bytes, the text and what it is checked against, the values a page
shows) to that result, so an unchanged input gives back its result at once. Results
are shared, never changed by their users.

Memos live for the process (``serve``) and, between builds, in a file of the
build's cache folder (one per language, and the preview's own: pipeline.prepare.memo_file): :func:`load`
before a build, :func:`save` after it. The file
holds the entries this build used, under the version of this package's code; any
other version starts empty. It is the project's own cache, read with ``pickle``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any, Callable, Hashable

_MEMOS: dict[str, "Memo"] = {}
_LOADED: set[str] = set()
_PENDING: dict[str, dict] = {}  # entries read for a memo whose module is not imported yet
#: for each file read or written by this process, the keys it holds, by memo: a save that would write
#: the same keys writes nothing (a result is a function of its key: the same keys, the same file)
_IN_FILE: dict[str, dict[str, frozenset]] = {}


class Memo:
    """A bounded mapping from inputs to results, remembering which entries were used."""

    def __init__(self, name: str, limit: int = 20_000, persist: bool = True):
        self.name = name
        self.limit = limit
        self.persist = persist  # False: for the process only (results cheaper to remake than to read)
        self.entries: dict[Hashable, Any] = {}
        self.used: set[Hashable] = set()
        self.entries.update(_PENDING.pop(name, {}))
        _MEMOS[name] = self

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        try:
            found = self.entries[key]
        except KeyError:
            found = make()
            self.put(key, found)
            return found
        self.used.add(key)
        return found

    def find(self, key: Hashable) -> Any:
        """The result kept for ``key``, or None (then the caller makes it and :meth:`put` s it)."""
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: Hashable, result: Any) -> None:
        if len(self.entries) >= self.limit:
            self.entries.clear()
            self.used.clear()
        self.entries[key] = result
        self.used.add(key)


@functools.cache
def code_version() -> str:
    """The fingerprint of this ``infopsoc`` package: results depend on its code (the code this
    process runs does not change while it runs: computed once)."""
    return package_fingerprint(Path(__file__).resolve().parent.parent)


def package_fingerprint(package: Path) -> str:
    """The hash of a package folder, every subpackage included (modules, templates)."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix not in _CODE_SUFFIXES:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


# what makes the package's behaviour: modules and the templates they fill
_CODE_SUFFIXES = frozenset({".py", ".j2", ".html", ".css", ".js", ".json", ".yml"})


def load(path: Path) -> None:
    """Add the entries saved in the file ``path`` by an earlier build (once per process and file)."""
    if str(path) in _LOADED:
        return
    _LOADED.add(str(path))
    try:
        with open(path, "rb") as stream:
            version, saved = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return  # no cache, or an unreadable one: it only costs time
    if version != code_version() or not isinstance(saved, dict):
        return
    _IN_FILE[str(path)] = {name: frozenset(entries) for name, entries in saved.items() if isinstance(entries, dict)}
    for name, entries in saved.items():
        if not isinstance(entries, dict):
            continue
        memo = _MEMOS.get(name)
        if memo is not None:
            memo.entries.update(entries)
        else:
            _PENDING.setdefault(name, {}).update(entries)


def save(path: Path) -> None:
    """Write the entries this process used to the file ``path``, unless it holds them already. A
    preview's rebuild skips the pages that did not change: what their earlier builds used is kept
    for the next build."""
    saved = {name: {key: memo.entries[key] for key in memo.used if key in memo.entries}
             for name, memo in _MEMOS.items() if memo.persist}
    keys = {name: frozenset(entries) for name, entries in saved.items()}
    if _IN_FILE.get(str(path)) == keys and path.is_file():
        return  # the file holds these results already (a rebuild that made nothing new)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as stream:
            pickle.dump((code_version(), saved), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _IN_FILE[str(path)] = keys
    except (OSError, pickle.PicklingError):
        pass  # a cache that cannot be written only costs time
