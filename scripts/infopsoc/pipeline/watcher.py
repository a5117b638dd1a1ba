"""The preview's watcher: told of a save by the kernel at once, instead of looking every half second.

MkDocs' live-reload server watches with watchdog's *polling* observer, every 0.5 s: a save waits
0.25 s on average (up to 0.5 s) before the rebuild starts, and the preview's goal is « saved → shown
in half a second » (issue 32). On Linux, inotify reports the save as it happens. Only events that
change a file count: watchdog also reports a file opened or closed without writing, which the build
itself causes by reading its sources (a rebuild would then start another, forever).

When the kernel refuses (too many watches or instances), the preview falls back to MkDocs' polling.
"""

from __future__ import annotations

import logging

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


class SaveObserver(Observer):  # type: ignore[misc,valid-type]  (inotify on Linux)
    """watchdog's native observer, reporting only :data:`CHANGES`; remembers what it watches, so
    that :func:`start_watching` can hand it to a polling observer when the kernel refuses."""

    def __init__(self) -> None:
        super().__init__()
        self.scheduled: list[tuple[object, str, bool]] = []

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None):
        self.scheduled.append((event_handler, path, recursive))
        return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or CHANGES)


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
