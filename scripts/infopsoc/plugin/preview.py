"""The preview's quick path on MkDocs (``pipeline/quick.py`` decides; this renders): one saved page made
again with the last build's own objects (configuration, files, navigation, Jinja environment), through
MkDocs' own steps for one page, so that it is written exactly as the whole build writes it."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from mkdocs import utils
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

from infopsoc.pipeline.quick import quick_page


class Superseded(Exception):
    """A rebuild given up for a newer save (:class:`LastBuild` raises it between its steps)."""

    MESSAGE = "reconstruction reprise pour un enregistrement plus récent"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class LastBuild:
    """What one build made (registered in its configuration's plugins by the preview): once the build
    is done (``done``, set by its caller), :meth:`render` uses it for the saves that follow, until a save it cannot make.

    ``superseded`` (when given) is asked between the build's steps: when it says a newer save waits, the
    build stops (:class:`Superseded`) so that the save is shown at once; what it wrote is whole and right,
    and the next build redoes every page (plugin/events.py forgets after a failure)."""

    def __init__(self, superseded=None) -> None:
        self.config = self.files = self.nav = self.env = self.build = self.render_cache = None
        self.done = False
        self._superseded = superseded or (lambda: False)

    def _go_on(self) -> None:
        if self._superseded():
            raise Superseded()

    # before the infopsoc plugin's long steps (loading the content, preparing the pages, the outputs)
    @event_priority(100)
    def on_config(self, config):
        self._go_on()
        return config

    @event_priority(100)
    def on_files(self, files, *, config):
        self._go_on()
        return files

    def on_nav(self, nav, *, config, files):
        self._go_on()
        self.nav = nav
        return nav

    @event_priority(-100)  # after every other plugin's (the infopsoc plugin completes the pages' data)
    def on_env(self, env, *, config, files):
        self._go_on()
        plugin = config.plugins.get("infopsoc")
        self.config, self.env, self.files = config, env, files
        self.build, self.render_cache = getattr(plugin, "build", None), getattr(plugin, "render_cache", None)
        return env

    def on_page_context(self, context, *, page, config, nav):
        self._go_on()
        return context

    @event_priority(100)
    def on_post_build(self, *, config) -> None:
        self._go_on()

    def render(self, saved: Path) -> str | None:
        """The page ``saved`` is the source of, rendered and written again when :func:`quick_page`
        allows it and MkDocs says nothing about it (a warning: the whole build shows it); its path
        in the docs folder, or None (nothing written, or written but not to be shown yet)."""
        if not self.done or self.build is None or self.build.prepared is None or self.build.pdf.enabled:
            return None
        page_data = quick_page(self.build.prepared, saved, self.config.mdx_configs)
        if page_data is None:
            return None
        file = self.files.get_file_from_path(page_data.src_uri)
        if file is None or file.page is None or not file.inclusion.is_in_serve():
            return None
        plugin = self.config.plugins.get("infopsoc")
        own = plugin.build, plugin.render_cache  # a later build's, given up (Superseded)
        plugin.build, plugin.render_cache = self.build, self.render_cache
        self.build.prepared.pages[page_data.src_uri] = page_data  # what the plugin's events read
        if page_data.generated:
            file.content_string = page_data.text  # a generated page is read from its file (plugin/events.py)
        said = _Said()
        logger = logging.getLogger("mkdocs")
        others = list(logger.handlers)
        for handler in others:  # what MkDocs says of this page is the whole build's to say (in French)
            handler.addFilter(said.not_mine)
        logger.addHandler(said)
        try:
            _populate_page(file.page, self.config, self.files)
            if said.anything:
                return None
            pages = self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
            _build_page(file.page, self.config, pages, self.nav, self.env, excluded=file.inclusion.is_excluded())
        except Exception:  # noqa: BLE001 (the whole build that follows says what is wrong)
            return None
        finally:
            logger.removeHandler(said)
            for handler in others:
                handler.removeFilter(said.not_mine)
            plugin.build, plugin.render_cache = own
        return None if said.anything else page_data.src_uri


class _Said(logging.Handler):
    """Whether the engine said anything at INFO or above while this thread renders (a broken link, a
    warning of the plugin; not the server's lines about requests, from its own threads)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.anything = False
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.anything = True

    def not_mine(self, record: logging.LogRecord) -> bool:
        """A filter for the other handlers: this thread's records are not shown."""
        return record.thread != self.thread


def write_whole(content: bytes, output_path: str) -> None:
    """MkDocs' ``write_file`` for the preview: a file whose bytes are the same is left alone (the
    preview tells the browser again only when a page really changed), and a file is replaced whole
    (written beside, then renamed: the browser may be reading it while the rebuild runs)."""
    path = Path(output_path)
    try:
        if path.stat().st_size == len(content) and path.read_bytes() == content:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def install_whole_writes() -> None:
    """Pages and theme templates written by :func:`write_whole` (in the preview's process only)."""
    utils.write_file = write_whole
