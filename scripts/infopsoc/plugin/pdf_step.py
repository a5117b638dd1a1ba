"""The PDF step of a build, as one object the event methods call (events.py).

A bulletin's PDF is made from its converted page. As soon as MkDocs has converted a bulletin,
its PDF is looked up in the cache or started on a worker (``outputs.pdf.EarlyPdfs``), and its
page gets a placeholder for the link. Once every page is converted, the rest are made without
waiting; at the end of the build the step waits for them all, writes each link with the PDF's
size (into pages MkDocs wrote meanwhile, for the PDFs still rendering then), publishes the
files and reports WeasyPrint's warnings (errors in a strict build).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from infopsoc.content.model import Site
from infopsoc.outputs import pdf
from infopsoc.render.pdf_link import with_link, with_link_placeholder

log = logging.getLogger("mkdocs.plugins.infopsoc")


def pdf_wanted(option: bool | None, is_serve: bool) -> bool:
    """PDFs on for a build, off for a preview; the option, then ``INFOPSOC_PDF=1|0``, decide otherwise."""
    forced = os.environ.get("INFOPSOC_PDF")
    if forced in ("0", "1"):
        return forced == "1"
    return (not is_serve) if option is None else option


def site_files(files: Files) -> dict[str, str]:
    """Each path of the site and its file on disk: what a PDF may fetch (images, stylesheets, fonts)."""
    return {f.dest_uri: f.abs_src_path for f in files if f.abs_src_path and not f.is_documentation_page()}


class PdfStep:
    """The PDFs of one language's build (a new one per build)."""

    def __init__(self, *, enabled: bool, site: Site, lang: str, author: str, cache_dir: Path):
        self.enabled = enabled
        self.site, self.lang, self.author, self.cache_dir = site, lang, author, cache_dir
        self.pdfs: dict[str, pdf.PdfFile] = {}
        self.report: pdf.RenderReport | None = None
        self._early: pdf.EarlyPdfs | None = None
        self._files: dict[str, str] | None = None
        self._bulletins = {b.slug: b for b in site.bulletins_in(lang)}
        self._late_pages: dict[str, tuple[str, str]] = {}  # slug -> (page file, url): linked at the end
        if enabled:
            pdf.warm_up()  # --- performance --- a worker ready when the first PDF is asked for

    def page_converted(self, slug: str, rendered: str, page_html: str, files: Files) -> str:
        """A bulletin's page is converted (``rendered``: its whole text, as the PDF shows it): start
        its PDF, and return the page's HTML with a place for the link."""
        if not self.enabled:
            return page_html
        if self._early is None:
            self._early = pdf.EarlyPdfs(site_url=self.site.settings.site_url, author=self.author, lang=self.lang,
                                        cache_dir=self.cache_dir)
            self._files = site_files(files)
        bulletin = self._bulletins.get(slug)
        if bulletin is not None:
            self._early.start(bulletin, rendered, self._files)
        return with_link_placeholder(page_html)

    def all_converted(self, rendered: dict[str, str], files: Files) -> None:
        """Every page is converted: the PDFs not started yet are started (waited for at the end)."""
        if not self.enabled:
            return
        try:
            self.report = pdf.make_pdfs(self.site, rendered, lang=self.lang, author=self.author,
                                        files=self._files if self._files is not None else site_files(files),
                                        cache_dir=self.cache_dir, early=self._early, wait=False)
        except pdf.PdfEngineMissing as error:
            raise PluginError(str(error)) from None
        self.pdfs = self.report.pdfs

    def link(self, content: str, slug: str, page_url: str, page_file: str) -> str:
        """A bulletin page's HTML with its PDF link, or kept with its placeholder until the PDF is done."""
        if not self.enabled:
            return content
        if self._early is not None and slug in self._early.running:
            self._late_pages[slug] = (page_file, page_url)  # linked in finish()
            return content
        return self._with_link(content, slug, page_url)

    def finish(self, site_dir: Path, *, strict: bool) -> None:
        """Wait for the PDFs still rendering, link them from their pages (written with a placeholder),
        publish them, and report: a WeasyPrint warning fails a strict build."""
        if not self.enabled:
            return
        report = self.report or pdf.RenderReport()
        if self._early is not None:
            try:
                report = self._early.finish(report)
            except pdf.PdfEngineMissing as error:  # raised by a worker: said as it is, without a trace
                raise PluginError(str(error)) from None
            self._early = None
        self.pdfs, self.report = report.pdfs, report
        log.info(f"PDF : {len(report.rendered)} rendu(s), {len(report.from_cache)} tiré(s) du cache")
        if report.warnings:
            lines = [f"  {slug} : {message}" for slug, message in report.warnings]
            if strict:
                raise PluginError("Des PDF ont des problèmes (bulletin : problème) :\n" + "\n".join(lines))
            for line in lines:
                log.warning("PDF :" + line)
        for slug, (path, url) in sorted(self._late_pages.items()):
            page = Path(path)
            page.write_text(self._with_link(page.read_text(encoding="utf-8"), slug, url), encoding="utf-8")
        self._late_pages = {}
        pdf.publish(self.pdfs, site_dir)

    def cancel(self) -> None:
        """The build failed: the PDFs still rendering are not waited for."""
        if self._early is not None:
            self._early.cancel()
            self._early = None
        self._late_pages = {}

    def enclosure(self, slug: str) -> tuple[str, int, str] | None:
        """(url, length, media type) of a bulletin's PDF, for the feeds; None when there is none."""
        found = self.pdfs.get(slug)
        return found.enclosure(self.site.settings.site_url) if found else None

    def _with_link(self, content: str, slug: str, page_url: str) -> str:
        found = self.pdfs.get(slug)
        return with_link(content, found.path if found else None, found.length if found else 0, page_url, self.lang)
