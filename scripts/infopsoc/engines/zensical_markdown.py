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

from markdown import Markdown
from markdown.extensions import Extension

_extensions: list[Extension] = []


def use(extensions: list[Extension]) -> None:
    """The instances every page's Markdown gets (the adapter calls this before Zensical's build)."""
    _extensions[:] = extensions


class InfoPsocExtensions(Extension):
    """Registers the prepared instances on a page's Markdown (each registers its own processors)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        if not _extensions:
            raise RuntimeError("infopsoc.engines.zensical_markdown: no extension handed over (run the build "
                               "through infopsoc build --engine zensical)")
        for extension in _extensions:
            extension.extendMarkdown(md)


def makeExtension(**kwargs) -> InfoPsocExtensions:  # noqa: N802 (Markdown's API)
    return InfoPsocExtensions(**kwargs)
