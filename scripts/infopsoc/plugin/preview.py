"""The preview's quick path on MkDocs (``pipeline/quick.py`` decides; this renders): one saved page made
again with the last build's own objects (configuration, files, navigation, Jinja environment), through
MkDocs' own steps for one page, so that it is written exactly as the whole build writes it."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs import utils
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

from infopsoc.pipeline.quick import quick_page


class LastBuild:
    """Keeps what a build made (registered in its configuration's plugins by the preview, last):
    :meth:`render` uses it for the next save, while nothing else has been built since."""

    def __init__(self) -> None:
        self.config = self.files = self.nav = self.env = None
        self.done = False

    def on_pre_build(self, *, config) -> None:
        self.done = False

    def on_nav(self, nav, *, config, files):
        self.nav = nav
        return nav

    @event_priority(-100)  # after every other plugin's (the infopsoc plugin completes the pages' data)
    def on_env(self, env, *, config, files):
        self.config, self.env, self.files = config, env, files
        return env

    @event_priority(-100)
    def on_post_build(self, *, config) -> None:
        self.done = True

    def render(self, saved: Path) -> str | None:
        """The page ``saved`` is the source of, rendered and written again when :func:`quick_page`
        allows it and MkDocs says nothing about it (a warning: the whole build shows it); its path
        in the docs folder, or None (nothing written, or written but not to be shown yet)."""
        if not self.done:
            return None
        plugin = self.config.plugins.get("infopsoc")
        build = getattr(plugin, "build", None)
        if build is None or build.prepared is None or build.pdf.enabled:
            return None
        page_data = quick_page(build.prepared, saved, self.config.mdx_configs)
        if page_data is None:
            return None
        file = self.files.get_file_from_path(page_data.src_uri)
        if file is None or file.page is None or not file.inclusion.is_in_serve():
            return None
        build.prepared.pages[page_data.src_uri] = page_data  # what the plugin's events read
        if page_data.generated:
            file.content_string = page_data.text  # a generated page is read from its file (plugin/events.py)
        said = _Said()
        logger = logging.getLogger("mkdocs")
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
            self.done = False  # these objects are now partly this page's: used once
        return None if said.anything else page_data.src_uri


class _Said(logging.Handler):
    """Whether the engine said anything at INFO or above (a broken link, a warning of the plugin)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.anything = False

    def emit(self, record: logging.LogRecord) -> None:
        self.anything = True


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
