"""Pages converted by an earlier build, reused: part of the MkDocs adapter (with plugin.py).

Converting Markdown is most of a build's time: at 300 bulletins, Python-Markdown and the
glossary's marking take four seconds, for pages that did not change since the last build.
This module keeps, for each converted page, what MkDocs' ``Page.render`` leaves on the page
(the HTML, the table of contents, the title found in the text, the anchors it holds and
the anchors it links to) and gives it back when the page's inputs are the same:

- the page's final Markdown (after every plugin's ``on_page_markdown``), its path, its
  address and its front matter (``infopsoc: {glossary: false}`` changes the marking);
- the *context* (:func:`context_fingerprint`): the code of this package, the versions of
  MkDocs, Material and Python-Markdown, the extensions and their settings, the glossary's
  terms, the link validation settings;
- every other file the conversion looked up while rewriting links: a link's address
  depends on where its target is, and whether it exists. They are checked again, one by one,
  before a page is reused.

A conversion that logged anything (a broken link, an excluded target) is not kept, so
that every later build says it again. The records are kept in a :class:`memo.Memo`, saved
with the build's other results between builds (``.cache/memo-<lang>.pickle``).

This is MkDocs' internals (``Page.render`` and the attributes it sets, in MkDocs 1.6):
it lives here, in the adapter, and nothing of the domain depends on it.
"""

from __future__ import annotations

import importlib.metadata
import logging
import pickle
from contextlib import contextmanager
from typing import Iterator

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from infopsoc.core import memo
from infopsoc.core.fingerprints import extensions_signature, fingerprint

_RECORDS = memo.Memo("rendered-pages", limit=5_000)
_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")


def context_fingerprint(config, glossary_terms) -> str:
    """Everything a conversion depends on that is not the page's own: see the module's text."""
    versions = []
    for name in _PACKAGES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    terms = [(t.slug, t.src_uri, tuple(t.names), t.expansion) for t in glossary_terms]
    links = config.validation.links
    return fingerprint(memo.code_version(), *versions, extensions_signature(config.markdown_extensions, config.mdx_configs),
                       repr(terms), repr((config.use_directory_urls, links.not_found, links.absolute_links,
                                          links.unrecognized_links, links.anchors)))


class RenderCache:
    """One build's use of the kept conversions, with its :func:`context_fingerprint`."""

    def __init__(self, context: str):
        self.context = context
        self.converted = 0  # pages converted by this build
        self.reused = 0     # pages whose earlier conversion was reused

    def install(self, page: Page) -> None:
        """Make ``page.render`` reuse an earlier conversion when its inputs are the same."""
        page.render = lambda config, files: self._render(page, config, files)  # type: ignore[method-assign]

    def _render(self, page: Page, config, files: Files) -> None:
        key = fingerprint(self.context, page.file.src_uri, page.file.url, page.markdown or "", repr(page.meta))
        record = _RECORDS.find(key)
        if record is not None and _lookups_unchanged(record["lookups"], files):
            _restore(page, record, files)
            self.reused += 1
            return
        recording = _RecordingFiles(files)
        with _logged() as records:
            Page.render(page, config, recording)  # type: ignore[arg-type]
        self.converted += 1
        if not records:
            _RECORDS.put(key, _record(page, recording.lookups))


def _record(page: Page, lookups: dict[str, tuple | None]) -> dict:
    links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
    return {
        "lookups": lookups,
        # pickled now: the templates change a page's table of contents (theme/main.html)
        "state": pickle.dumps((page.content, page.toc, page._title_from_render, page.present_anchor_ids, links),
                              protocol=pickle.HIGHEST_PROTOCOL),
    }


def _restore(page: Page, record: dict, files: Files) -> None:
    content, toc, title, anchors, links = pickle.loads(record["state"])
    page.content, page.toc, page._title_from_render, page.present_anchor_ids = content, toc, title, anchors
    page.links_to_anchors = {files.get_file_from_path(uri): value for uri, value in links.items()}


def _where(file: File | None) -> tuple | None:
    return None if file is None else (file.url, file.inclusion.is_excluded())


def _lookups_unchanged(lookups: dict[str, tuple | None], files: Files) -> bool:
    return all(_where(files.get_file_from_path(path)) == where for path, where in lookups.items())


class _RecordingFiles:
    """The site's files, remembering which ones a conversion looked up, and what it found."""

    def __init__(self, files: Files):
        self._files = files
        self.lookups: dict[str, tuple | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = _where(found)
        return found

    def __getattr__(self, name: str):
        return getattr(self._files, name)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    """What the conversion logs, at INFO or above (MkDocs' logger does not pass its records up)."""
    handler = _Collect()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


# --- the search index's entries of a page -------------------------------------------------------
#
# Material's search plugin parses every page's HTML again to cut it into sections (a third of
# a build once the pages are reused). Its entries depend only on what it reads: the page's HTML,
# table of contents, address, title and front matter, and the plugin's settings.

_ENTRIES = memo.Memo("search-entries", limit=5_000)


def _toc_repr(items) -> str:
    return repr([(item.title, item.id, item.level, _toc_repr(item.children)) for item in items])


def remember_search_entries(search_plugin, context: str) -> None:
    """Make the search plugin of this build reuse a page's entries while what it reads is the same."""
    index = getattr(search_plugin, "search_index", None)
    if index is None or not hasattr(index, "add_entry_from_context"):
        return  # another version of the plugin: it indexes every page itself
    settings = fingerprint(context, repr(sorted((k, repr(v)) for k, v in dict(search_plugin.config).items())))
    index_page = index.add_entry_from_context

    def add_entry_from_context(page) -> None:
        key = fingerprint(settings, page.content or "", _toc_repr(page.toc or []), page.url, str(page.title),
                          repr(page.meta))
        found = _ENTRIES.find(key)
        if found is None:
            before = len(index.entries)
            index_page(page)
            found = pickle.dumps(index.entries[before:], protocol=pickle.HIGHEST_PROTOCOL)
            _ENTRIES.put(key, found)
        else:
            index.entries.extend(pickle.loads(found))

    index.add_entry_from_context = add_entry_from_context
