"""What every output is: the :class:`Output` protocol, and :class:`Needs`, what an output may read.

An output (feeds, PDFs, the glossary's export, the search index, the editor, a repair of the
engine's files…) runs after the engine has written the site. It reads what it needs — the model,
each bulletin as the outputs publish it (``outputs.publishable``), the written pages — and returns
its files, ``{path from the site's root: bytes, or a file to copy}``. It never writes into the site
itself: the pipeline's one writer does (``pipeline.writer``). An output whose files take time may
return a :class:`concurrent.futures.Future` of them: the others run meanwhile.

A new output is a module here with an object that has ``name``, ``folder``, ``wanted`` and
``files``, and one line in ``pipeline/registry.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from infopsoc.content.model import Site

Files = Mapping[str, "bytes | Path"]


@dataclass
class Needs:
    """What an output may read about one language's build (one object per build)."""

    site: Site
    lang: str
    site_dir: Path  # the written site, to read: only the writer writes into it
    caches: Path  # the build's cache folder (``.cache``): an output may keep its own files there
    strict: bool = False
    preview: bool = False  # infopsoc serve
    directory_urls: bool = True
    editor: dict = field(default_factory=dict)  # the plugin's ``editor:`` options
    extra_css: list[str] = field(default_factory=list)
    #: slug -> the bulletin as the outputs publish it (outputs.publishable), made once when first asked
    publishable: Callable[[], Mapping] = dict
    #: the build's PDFs (pipeline.pdfs.PdfStep), started while the engine converted the pages
    pdfs: object = None
    #: slug -> (url, length, media type) of the bulletin's PDF, or None
    enclosure: Callable[[str], "tuple[str, int, str] | None"] = lambda slug: None
    #: src_uri -> the page's HTML fragments (render.pages.fill_fragments), for a page still holding markers
    fragments: Mapping[str, dict] = field(default_factory=dict)
    #: src_uri -> slug of each bulletin page (its PDF link, for an engine without our plugin)
    bulletins: Mapping[str, str] = field(default_factory=dict)
    #: the page repairs (fragments, CSP, Material's defects) are made in memory by the engine adapter
    pages_done: bool = True
    #: the theme's inline scripts after a page's text, allowed by their hash (core.csp)
    inline_scripts: frozenset = frozenset()
    #: a file of the build's cache that is never changed in place, as the writer takes it to link it
    #: into the site rather than copy it (pipeline.writer.Linked)
    linked: Callable[[Path], Path] = Path
    #: what an output tells the build (one line each, in French), e.g. « Recherche : 33 pages indexées »
    messages: list[str] = field(default_factory=list)
    #: pages of the site not written yet, by their path from the site's root: the file that will be
    #: put there (a page taken from the previous site), for an output that reads pages early
    unwritten: Mapping[str, Path] = field(default_factory=dict)


class Output(Protocol):
    """One output of the build (see the module's text)."""

    name: str
    #: a folder (from the site's root) the output owns whole: what it holds and is not returned is removed
    folder: str | None

    def wanted(self, needs: Needs) -> bool:
        """Whether this build makes it (the editor: the French build only; the search index: not in a preview)."""
        ...

    def files(self, needs: Needs) -> Files | Future:
        """Its files, or a future of them."""
        ...

    #: (optional, False when absent) it reads the built pages in ``files`` through ``Needs.unwritten`` too:
    #: it may run before the pages taken from the previous site are written
    #: reads_unwritten: bool
    #: (optional, False when absent) its ``files`` waits for work done elsewhere (the PDFs, on worker
    #: processes): the build saves what it keeps meanwhile (pipeline.build.finish)
    #: waits: bool
