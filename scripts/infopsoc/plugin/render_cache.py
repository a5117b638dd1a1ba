"""Pages converted by an earlier build, reused: what MkDocs 1.6's ``Page.render`` leaves on a page, kept by
its inputs and given back while they are the same (ARCHITECTURE.md, « The MkDocs adapter »)."""

from __future__ import annotations

import logging
import pickle
from logging.handlers import BufferingHandler

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from infopsoc.core import memo
from infopsoc.core.fingerprints import fingerprint
from infopsoc.pipeline.dirty import conversion_context, too_deep

_RECORDS = memo.Memo("rendered-pages", limit=5_000)
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")


def context_fingerprint(config, glossary_terms) -> str:
    links = config.validation.links
    return conversion_context(PACKAGES, config.markdown_extensions, config.mdx_configs, glossary_terms,
                              config.use_directory_urls, links.not_found, links.absolute_links,
                              links.unrecognized_links, links.anchors)


class RenderCache:
    """One build's use of the kept conversions, with its :func:`context_fingerprint`."""

    def __init__(self, context: str):
        self.context, self.converted, self.reused = context, 0, 0

    def install(self, page: Page, source: str) -> None:
        """Make ``page.render`` reuse an earlier conversion when its inputs are the same; a text nested
        deeper than Python can follow is a French message naming its ``source``, never a traceback."""
        def render(config, files: Files) -> None:
            try:
                self._render(page, config, files)
            except RecursionError:
                raise PluginError(str(too_deep(source))) from None
        page.render = render  # type: ignore[method-assign]

    def _render(self, page: Page, config, files: Files) -> None:
        key = fingerprint(self.context, page.file.src_uri, page.file.url, page.markdown or "", repr(page.meta))
        record = _RECORDS.find(key)
        if record is not None and _lookups_unchanged(record["lookups"], files):
            content, page.toc, page._title_from_render, page.present_anchor_ids, links = pickle.loads(record["state"])
            page.content = content
            page.links_to_anchors = {files.get_file_from_path(uri): value for uri, value in links.items()}
            self.reused += 1
            return
        recording = _RecordingFiles(files)
        logged = BufferingHandler(capacity=1 << 30)  # what the conversion logs, at INFO or above
        logged.setLevel(logging.INFO)
        loggers = [logging.getLogger("mkdocs"), logging.getLogger()]  # MkDocs' logger does not pass them up
        for logger in loggers:
            logger.addHandler(logged)
        try:
            Page.render(page, config, recording)  # type: ignore[arg-type]
        finally:
            for logger in loggers:
                logger.removeHandler(logged)
        self.converted += 1
        if not logged.buffer:
            links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
            # pickled now: the adapter empties a hidden table of contents later (events.on_page_context)
            state = (page.content, page.toc, page._title_from_render, page.present_anchor_ids, links)
            _RECORDS.put(key, {"lookups": recording.lookups, "state": pickle.dumps(state, pickle.HIGHEST_PROTOCOL)})


def _where(file: File | None) -> tuple | None:
    return None if file is None else (file.url, file.inclusion.is_excluded())


def _lookups_unchanged(lookups: dict[str, tuple | None], files: Files) -> bool:
    return all(_where(files.get_file_from_path(path)) == where for path, where in lookups.items())


class _RecordingFiles:
    """The site's files, remembering which ones a conversion looked up, and what it found."""

    def __init__(self, files: Files):
        self._files, self.lookups = files, {}

    def get_file_from_path(self, path: str) -> File | None:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = _where(found)
        return found

    def __getattr__(self, name: str):
        return getattr(self._files, name)
