"""The preview's watcher: told of a save by the kernel at once, instead of looking every half second.

MkDocs' live-reload server watches with watchdog's *polling* observer, every 0.5 s: a save waits
0.25 s on average (up to 0.5 s) before the rebuild starts, and the preview's goal is « saved → shown
in half a second » (issue 32). On Linux, inotify reports the save as it happens. Only events that
change a file count: watchdog also reports a file opened or closed without writing, which the build
itself causes by reading its sources (a rebuild would then start another, forever).

When the kernel refuses (too many watches or instances), the preview falls back to MkDocs' polling.

The observer also remembers what was saved since the preview last asked (:meth:`SaveObserver.take`):
the preview makes a saved page first when it can (``pipeline/quick.py``), and starts as soon as every
file written is closed again (:meth:`SaveObserver.settled`) instead of waiting for 0.1 s of quiet.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("mkdocs.livereload")

#: What a save, a new file, a removal or a rename reports (editors often write a copy and rename it).
CHANGES = (FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent)
#: MkDocs' own polling interval, for the fallback
POLLING_INTERVAL = 0.5


@dataclass(frozen=True)
class Saves:
    """What changed since the preview last asked: each file and whether any change was more than
    writing it (created, removed, renamed: the site's list of files may have changed)."""

    paths: frozenset[Path]
    only_written: bool
    first: float  # when the first of them was seen (time.monotonic())

    def one_file(self) -> Path | None:
        """The one file written, when that is all that happened."""
        return next(iter(self.paths)) if self.only_written and len(self.paths) == 1 else None


class SaveObserver(Observer):  # type: ignore[misc,valid-type]  (inotify on Linux)
    """watchdog's native observer, reporting only :data:`CHANGES`; remembers what it watches, so
    that :func:`start_watching` can hand it to a polling observer when the kernel refuses, and what
    was saved (:meth:`take`)."""

    def __init__(self) -> None:
        super().__init__()
        self.scheduled: list[tuple[object, str, bool]] = []
        self._saves_lock = threading.Lock()
        self._saved: set[Path] = set()
        self._unclosed: set[Path] = set()  # written, not closed yet
        self._saved_only_written = True
        self._first_saved: float | None = None

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None):
        self.scheduled.append((event_handler, path, recursive))
        if not getattr(event_handler, "_infopsoc_seen", False):  # told first, then the server's handler
            told = event_handler.on_any_event

            def seen_then_told(event):
                self.seen(event)
                told(event)
            event_handler.on_any_event = seen_then_told
            event_handler._infopsoc_seen = True
        return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or CHANGES)

    def seen(self, event) -> None:
        """Remember a change (a folder's own events are not a save)."""
        if event.is_directory and not isinstance(event, (DirDeletedEvent, DirMovedEvent)):
            return
        paths = [Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        with self._saves_lock:
            if self._first_saved is None:
                self._first_saved = time.monotonic()
            self._saved.update(paths)
            if isinstance(event, FileModifiedEvent):
                self._unclosed.update(paths)
            elif isinstance(event, FileClosedEvent):
                self._unclosed.difference_update(paths)
            else:
                self._saved_only_written = False
                self._unclosed.difference_update(paths)

    def settled(self) -> bool:
        """Every file written since the last :meth:`take` was closed again (inotify says so; a polling
        observer never does)."""
        with self._saves_lock:
            return bool(self._saved) and not self._unclosed

    def take(self) -> Saves:
        """What changed since the last call, forgotten."""
        with self._saves_lock:
            found = Saves(frozenset(self._saved), self._saved_only_written, self._first_saved or time.monotonic())
            self._saved, self._unclosed, self._saved_only_written, self._first_saved = set(), set(), True, None
        return found


def start_watching(server) -> None:
    """Start ``server.observer``; a :class:`SaveObserver` the kernel refuses is replaced by
    MkDocs' polling observer, watching the same folders."""
    observer = server.observer
    try:
        observer.start()
        return
    except OSError as error:
        if not isinstance(observer, SaveObserver):
            raise
        log.info(f"surveillance des fichiers par scrutation (le système refuse inotify : {error.strerror or error})")
    polling = PollingObserver(timeout=POLLING_INTERVAL)
    for handler, path, recursive in observer.scheduled:
        polling.schedule(handler, path, recursive=recursive)
    server.observer = polling
    polling.start()
