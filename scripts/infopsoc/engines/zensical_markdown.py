"""The shim that puts our Python-Markdown extensions into Zensical's Markdown.

Zensical loads ``markdown_extensions`` by import path and builds a new ``Markdown`` for every page,
in the process that called its build (its Rust core calls back into Python). The glossary and the
French typography need the loaded content (the terms of the language, which terms each bulletin
uses): :mod:`infopsoc.engines.zensical` prepares the content, hands the extension instances to
:func:`use` before the build, and the generated configuration names this module; each page's
``Markdown`` then gets those same instances, as under MkDocs. The glossary learns which page it
marks from the page marker the staging folder puts on each page's first line.

No engine is imported here: the module is plain Python-Markdown.
"""

from __future__ import annotations

import posixpath
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from infopsoc.render.glossary_markdown import PAGE_MARKER

_extensions: list[Extension] = []
#: src_uri -> the page's converted text (the Markdown's HTML, no theme), for the raw-HTML allow-list:
#: the pages Zensical converted in this build (it takes the others from its cache)
converted: dict[str, str] = {}

#: A relative address in the converted page that Zensical will re-base: not a page link (``x.md``,
#: resolved by Zensical itself), not an anchor, a root-relative path, a scheme or a protocol-relative one
_ADDRESS = re.compile(r'(?P<attr>\s(?:href|src))="(?P<url>(?![#/]|[a-zA-Z][a-zA-Z0-9+.-]*:)[^"]*)"')
_PAGE_LINK = re.compile(r"^[^?#]*\.md(?:[?#].*)?$")


def use(extensions: list[Extension]) -> None:
    """The instances every page's Markdown gets (the adapter calls this before Zensical's build)."""
    _extensions[:] = extensions
    converted.clear()


def page_relative(url: str, src_uri: str) -> str:
    """An address written relative to the page's address (as MkDocs publishes it: ``x.md`` at ``x/``),
    re-written relative to the Markdown file's folder, the base Zensical resolves it from.

    Zensical re-bases every relative ``href``/``src`` of a page, raw HTML included, from the file's
    folder; MkDocs leaves them as written. ``<a href="../../bulletins/x/">`` in ``le-psoc.en.md`` (served
    at ``en/le-psoc/``) would land one folder too high; given back as ``../bulletins/x/``, Zensical makes
    it ``../../bulletins/x/`` again."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return url  # an index page's address is its file's folder: nothing to change
    own = posixpath.basename(stem)  # the page's own folder, below the file's
    joined = posixpath.normpath(posixpath.join(own, url or "."))
    if url.endswith("/") and not joined.endswith("/"):
        joined += "/"
    return "./" if joined in (".", "./") else joined


class _PageAddress(Preprocessor):
    """Reads the page's address from the staging marker (before the glossary removes it)."""

    def __init__(self, md: Markdown, extension: "InfoPsocExtensions"):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        found = PAGE_MARKER.fullmatch(lines[0].strip()) if lines else None
        self.extension.src_uri = found.group(1) if found else None
        self.extension.whole = False
        return lines


class _TreeDone(Treeprocessor):
    """The last tree step: from now on the postprocessors run on the whole page. Before, they run on
    fragments (the table of contents renders each heading's HTML through them, Python-Markdown's
    ``toc.render_inner_html``): those are left alone."""

    def __init__(self, md: Markdown, extension: "InfoPsocExtensions"):
        super().__init__(md)
        self.extension = extension

    def run(self, root) -> None:
        self.extension.whole = True


class _PageRelative(Postprocessor):
    """Every relative address of the converted page (raw HTML included) made file-relative."""

    def __init__(self, md: Markdown, extension: "InfoPsocExtensions"):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        src_uri = self.extension.src_uri
        if src_uri is None or not self.extension.whole:
            return text

        def rebase(match: re.Match) -> str:
            url = match.group("url")
            if _PAGE_LINK.match(url):
                return match.group(0)
            return f'{match.group("attr")}="{page_relative(url, src_uri)}"'

        converted[src_uri] = text
        return _ADDRESS.sub(rebase, text)


class InfoPsocExtensions(Extension):
    """Registers the prepared instances on a page's Markdown (each registers its own processors), and
    keeps the page's relative addresses meaning what they mean under MkDocs (:func:`page_relative`)."""

    def __init__(self, **kwargs):
        #: what the conversion depends on besides the page (our code, the glossary's terms): written in
        #: the generated configuration, so that Zensical's cache, keyed by the extensions' settings,
        #: converts every page again when it changes (a new term marks pages whose text did not change)
        self.config = {"context": ["", "the conversion's context (engines/zensical.py: context)"]}
        super().__init__(**kwargs)
        self.src_uri: str | None = None
        self.whole = False  # the postprocessors run on the whole page (not a heading's fragment)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        if not _extensions:
            raise RuntimeError("infopsoc.engines.zensical_markdown: no extension handed over (run the build "
                               "through infopsoc build --engine zensical)")
        for extension in _extensions:
            extension.extendMarkdown(md)
        md.preprocessors.register(_PageAddress(md, self), "infopsoc_page_address", 45)  # before the glossary's 40
        md.treeprocessors.register(_TreeDone(md, self), "infopsoc_tree_done", -1000)  # the very last
        md.postprocessors.register(_PageRelative(md, self), "infopsoc_page_relative", 0)  # after raw HTML is back


def makeExtension(**kwargs) -> InfoPsocExtensions:  # noqa: N802 (Markdown's API)
    return InfoPsocExtensions(**kwargs)
