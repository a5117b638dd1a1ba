"""Pages converted by an earlier build, reused (MkDocs 1.6's ``Page.render`` and the attributes it
sets): what a conversion leaves on a page is kept by its inputs — the page's final Markdown, path,
address, front matter, the :func:`context_fingerprint`, and every file its links looked up — and
given back while they are the same (ARCHITECTURE.md, « The MkDocs adapter »). A conversion that
logged anything is not kept, so that every build says it again. Kept in a :class:`memo.Memo`.
"""

from __future__ import annotations

import importlib.metadata
import logging
import pickle
from contextlib import contextmanager
from typing import Iterator

from mkdocs.exceptions import PluginError
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

    def install(self, page: Page, source: str) -> None:
        """Make ``page.render`` reuse an earlier conversion when its inputs are the same; a text nested
        deeper than Python can follow is a French message naming its ``source``, never a traceback."""
        def render(config, files: Files) -> None:
            try:
                self._render(page, config, files)
            except RecursionError:
                raise PluginError(f"{source}: le texte est imbriqué trop profondément (listes, citations ou HTML "
                                  "dans d'autres) pour être converti — simplifiez-le (infopsoc check signale les "
                                  "imbrications de plus de 16 niveaux)") from None
        page.render = render  # type: ignore[method-assign]

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
