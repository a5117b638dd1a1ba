"""The PDF step of a build, as one object the engine adapter calls (pipeline/build.py).

A bulletin's PDF is made from its publishable HTML (``outputs.publishable``). As soon as the engine
has converted a bulletin, its PDF is looked up in the cache or started on a worker
(``outputs.pdf.EarlyPdfs``), and its page gets a placeholder for the link. Once every page is
converted, the rest are made without waiting; at the end of the build (:class:`PdfOutput`, an
output like the others) the step waits for them all, returns each link with the PDF's size (the
pages the engine wrote meanwhile, for the PDFs still rendering then) and the PDF files, and reports
WeasyPrint's warnings (errors in a strict build).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from infopsoc.content.model import Site
from infopsoc.outputs import pdf
from infopsoc.outputs.base import Needs
from infopsoc.pipeline.prepare import PipelineError
from infopsoc.pipeline.writer import Linked
from infopsoc.render.pdf_link import with_link, with_link_placeholder


def pdf_wanted(option: bool | None, is_serve: bool) -> bool:
    """PDFs on for a build, off for a preview; the option, then ``INFOPSOC_PDF=1|0``, decide otherwise."""
    forced = os.environ.get("INFOPSOC_PDF")
    if forced in ("0", "1"):
        return forced == "1"
    return (not is_serve) if option is None else option


class PdfStep:
    """The PDFs of one language's build (a new one per build)."""

    def __init__(self, *, enabled: bool, site: Site, lang: str, author: str, cache_dir: Path,
                 log: logging.Logger):
        self.enabled, self.log = enabled, log
        self.site, self.lang, self.author, self.cache_dir = site, lang, author, cache_dir
        self.pdfs: dict[str, pdf.PdfFile] = {}
        self.report: pdf.RenderReport | None = None
        self._early: pdf.EarlyPdfs | None = None
        self._files: dict[str, str] | None = None
        self._bulletins = {b.slug: b for b in site.bulletins_in(lang)}
        self._late_pages: dict[str, tuple[str, str]] = {}  # slug -> (page file, url): linked at the end
        # (the PDFs' worker was started by the build, before the content loaded: Build, has_bulletins)

    def page_converted(self, slug: str, publishable: str, page_html: str, files: dict[str, str]) -> str:
        """A bulletin's page is converted (``publishable``: its text as the outputs publish it): start
        its PDF, and return the page's HTML with a place for the link. ``files``: each path of the site
        and its file on disk (what a PDF may fetch: images, stylesheets, fonts)."""
        if not self.enabled:
            return page_html
        if self._early is None:
            self._early = pdf.EarlyPdfs(site_url=self.site.settings.site_url, author=self.author, lang=self.lang,
                                        cache_dir=self.cache_dir)
            self._files = files
        bulletin = self._bulletins.get(slug)
        if bulletin is not None:
            self._early.start(bulletin, publishable, self._files)
        return with_link_placeholder(page_html)

    def all_converted(self, publishable: dict[str, str], files: dict[str, str]) -> None:
        """Every page is converted: the PDFs not started yet are started (waited for at the end)."""
        if not self.enabled:
            return
        try:
            self.report = pdf.make_pdfs(self.site, publishable, lang=self.lang, author=self.author,
                                        files=self._files if self._files is not None else files,
                                        cache_dir=self.cache_dir, early=self._early, wait=False)
        except pdf.PdfEngineMissing as error:
            raise PipelineError(str(error)) from None
        self.pdfs = self.report.pdfs

    def link(self, content: str, slug: str, page_url: str, page_file: str) -> str:
        """``page_file``: the page's path from the site's root (``bulletins/x/index.html``)."""
        """A bulletin page's HTML with its PDF link, or kept with its placeholder until the PDF is done."""
        if not self.enabled:
            return content
        if self._early is not None and slug in self._early.running:
            self._late_pages[slug] = (page_file, page_url)  # linked in finish()
            return content
        return self._with_link(content, slug, page_url)

    def finish(self, site_dir: Path, *, strict: bool) -> dict[str, bytes | Path]:
        """Wait for the PDFs still rendering, and report: a WeasyPrint warning fails a strict build.
        Returns the files: the PDFs, and the pages written with a placeholder, with their link."""
        if not self.enabled:
            return {}
        report = self.report or pdf.RenderReport()
        if self._early is not None:
            try:
                report = self._early.finish(report)
            except pdf.PdfEngineMissing as error:  # raised by a worker: said as it is, without a trace
                raise PipelineError(str(error)) from None
            self._early = None
        self.pdfs, self.report = report.pdfs, report
        self.log.info(f"PDF : {len(report.rendered)} rendu(s), {len(report.from_cache)} tiré(s) du cache")
        if report.warnings:
            lines = [f"  {slug} : {message}" for slug, message in report.warnings]
            if strict:
                raise PipelineError("Des PDF ont des problèmes (bulletin : problème) :\n" + "\n".join(lines))
            for line in lines:
                self.log.warning("PDF :" + line)
        # --- performance --- hard links to the cache, which replaces a file by a new one and never rewrites it
        files: dict[str, bytes | Path] = {found.path: Linked(found.cached) for found in self.pdfs.values()}
        for slug, (path, url) in sorted(self._late_pages.items()):
            page = (Path(site_dir) / path).read_text(encoding="utf-8")
            files[path] = self._with_link(page, slug, url).encode("utf-8")
        self._late_pages = {}
        return files

    def cancel(self) -> None:
        """The build failed: the PDFs still rendering are not waited for."""
        if self._early is not None:
            self._early.cancel()
            self._early = None
        self._late_pages = {}

    def close(self) -> None:
        """The engine's command ends: the worker processes are stopped now (a preview keeps them from
        one rebuild to the next). Their pool's threads, still running at the end, would make the
        engine's exit the interpreter's slow one (plugin/engine.py, ``exit_build``), and the pool's
        own ending waits for them."""
        self.cancel()
        pdf.shutdown()

    def enclosure(self, slug: str) -> tuple[str, int, str] | None:
        """(url, length, media type) of a bulletin's PDF, for the feeds; None when there is none."""
        found = self.pdfs.get(slug)
        return found.enclosure(self.site.settings.site_url) if found else None

    def _with_link(self, content: str, slug: str, page_url: str) -> str:
        found = self.pdfs.get(slug)
        return with_link(content, found.path if found else None, found.length if found else 0, page_url, self.lang)


class PdfOutput:
    """The PDFs and the links to them, as an output (pipeline/registry.py): the build's :class:`PdfStep`."""

    name, folder = "pdf", None
    waits = True  # for the PDFs still rendering on the workers (pipeline.build.finish)

    def wanted(self, needs: Needs) -> bool:
        return isinstance(needs.pdfs, PdfStep) and needs.pdfs.enabled

    def files(self, needs: Needs) -> dict[str, bytes | Path]:
        return needs.pdfs.finish(needs.site_dir, strict=needs.strict)
