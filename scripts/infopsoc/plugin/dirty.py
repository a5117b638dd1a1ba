"""What a preview rebuild must redo: the pages whose inputs changed since the last build.

The preview (``infopsoc serve``) rebuilds after every save. Rebuilding all 600 pages of a
300-issue archive takes longer than staff should wait, and one saved bulletin changes
one page, sometimes a few (the archive, its neighbours, the pages of the terms it uses).

Each page has a *fingerprint*: the hash of what it is made from (a generated page: its
generated Markdown, which already holds what it shows of other items; a hand-written
page: its text and what its directives expand to). A page is rebuilt when its
fingerprint changed. Everything is rebuilt when the *structure* changed: the list of
pages, the glossary (it marks every page), the theme or the configuration.
The adapter (events.py) tells MkDocs which pages to skip.
"""

from __future__ import annotations

from collections.abc import Mapping


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
