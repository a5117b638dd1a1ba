"""One language's build, from before the engine to after it: what an engine adapter calls.

- :class:`Build` (at the engine's start): load and check the content (:func:`~infopsoc.pipeline.prepare.load`),
  then :meth:`Build.prepare` every page of the language, given the docs folder's files;
- while the engine converts: :meth:`Build.converted` for each converted page (the raw-HTML
  allow-list, a bulletin's text kept, its PDF started), :meth:`Build.all_converted`, then
  :meth:`Build.page_content` (fragments, the PDF link) and :func:`finished_page` (repairs, CSP) on
  each page the theme writes;
- after the engine: :meth:`Build.finish` runs every output of ``pipeline/registry.py`` on the written
  site, through the one writer (``pipeline/writer.py``).

Problems are raised as :class:`PipelineError` (errors, with the warnings, as ``check`` prints them)
or logged (warnings, at INFO: they never fail a strict build).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from urllib.parse import urljoin

from infopsoc.content.checks.raw_html import violations
from infopsoc.content.model import Settings
from infopsoc.core import memo
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.i18n import split_uri, strings
from infopsoc.core.problems import Problem, Report
from infopsoc.core.urls import language_prefix, page_url, root_url, with_slash
from infopsoc.outputs.base import Needs
from infopsoc.outputs.pdf import warm_up
from infopsoc.outputs.publishable import Publishable, publishable_html
from infopsoc.outputs.search import article_of
from infopsoc.pipeline import registry
from infopsoc.pipeline.pdfs import PdfStep
from infopsoc.pipeline.prepare import PipelineError, Prepared, load, memo_file, prepare
from infopsoc.pipeline.repairs import escaped_meta, finished_page
from infopsoc.pipeline.copies import CopyStore
from infopsoc.pipeline.writer import Linked, SiteWriter
from infopsoc.render.pages import fill_fragments

__all__ = ["Build", "finished_page"]


def raise_or_log(report: Report, log: logging.Logger) -> None:
    """Errors stop the build, with the warnings, as ``check`` prints them; warnings are logged at INFO."""
    if report.errors:
        lines = [p.format() for p in report.errors + report.warnings]
        raise PipelineError("Le contenu a des erreurs :\n" + "\n".join(lines) + "\n" + report.summary())
    for problem in report.warnings:
        log.info(problem.format())


def localize_extensions(extensions: list, configs: dict, lang: str) -> None:
    """The Markdown extensions' own words in ``lang``: the permalinks' title, the footnotes' back link
    (``configs`` is changed in place: the engine's settings)."""
    toc = configs.get("toc")
    if isinstance(toc, dict) and "permalink_title" in toc:
        toc["permalink_title"] = strings(lang)["permalink_title"]
    if "footnotes" in extensions:
        configs["footnotes"] = {**(configs.get("footnotes") or {}), "BACKLINK_TITLE": strings(lang)["footnote_backlink"]}


#: what the allow-list found in a converted page, by its HTML (a page unchanged since the last build
#: is not parsed again: the parser was a third of an unchanged build's time at 300 bulletins)
_RAW_HTML = memo.Memo("raw-html-violations")
#: each bulletin as the outputs publish it, by its converted text and address
_PUBLISHABLE = memo.Memo("publishable", limit=5_000)


def raw_html_report(html: str, source: str, strict: bool) -> Report:
    """A converted page against the raw-HTML allow-list: errors in a strict build, warnings otherwise."""
    report = Report()
    for _line, message in _RAW_HTML.get(fingerprint(html), lambda: violations(html)):
        report.add(Problem(source, None, message, "retirez ce HTML ou cet attribut de ce fichier",
                           "error" if strict else "warning"))
    return report


def has_bulletins(settings: Settings, lang: str) -> bool:
    """Whether ``lang`` has bulletins of its own (a PDF each), by the names of the bulletins' files: known
    before the content is loaded, so that the PDFs' worker starts only for a language that may need it
    (English has none yet: its fork server loaded WeasyPrint for nothing, on the core the French
    build's PDF and search index need)."""
    try:
        return any(split_uri(path.name)[1] == lang for path in settings.path("bulletins_dir").glob("*.md"))
    except OSError:
        return True


class _Lazy(Mapping):
    def __init__(self, keys, make):
        self._keys, self._make, self._made = keys, make, {}

    def __getitem__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        if key not in self._made:
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class PageMeta(dict):
    """A page's front matter with its template data; as false as its front matter was (Material's
    templates print some blocks only for a page with a front matter: the output stays the same)."""

    def __init__(self, values: dict, *, written: bool):
        super().__init__(values)
        self.written = written

    def __bool__(self) -> bool:
        return self.written


class Build:
    """One language's build (a new one for each build: a preview makes one per rebuild)."""

    def __init__(self, settings: Settings, lang: str, *, extensions: list, extension_configs: dict, caches: Path,
                 pdf: bool, pdf_cache: Path, author: str, strict: bool, preview: bool, log: logging.Logger,
                 editor: dict | None = None, extra_css: list[str] = (), inline_scripts: frozenset = frozenset()):
        self.lang, self.strict, self.preview, self.log, self.caches = lang, strict, preview, log, caches
        self.editor, self.extra_css, self.inline_scripts = dict(editor or {}), list(extra_css), inline_scripts
        localize_extensions(extensions, extension_configs, lang)
        if pdf and has_bulletins(settings, lang):
            warm_up()  # --- performance --- a worker starting while the content loads
        self.loaded, report = load(settings, lang, extensions=extensions, extension_configs=extension_configs,
                                   caches=caches, preview=preview)
        raise_or_log(report, log)
        self.site = self.loaded.site
        self.pdf = PdfStep(enabled=pdf, site=self.site, lang=lang, author=author, cache_dir=pdf_cache, log=log)
        self.prepared: Prepared | None = None
        self.rendered: dict[str, str] = {}  # slug -> the bulletin page's converted text, fragments filled

    def prepare(self, docs: dict[str, Path | None]) -> Prepared:
        self.prepared = prepare(self.loaded, docs)
        raise_or_log(self.prepared.report, self.log)
        return self.prepared

    def meta(self, src_uri: str, meta: dict) -> dict:
        """A page's front matter as the templates read it: ``infopsoc:`` gets the page's template data
        (alternates, hreflang), every text value escaped (templates print it as HTML: repairs.escaped_meta)."""
        page = self.prepared.pages.get(src_uri) if self.prepared else None
        own = meta.get("infopsoc") if isinstance(meta.get("infopsoc"), dict) else {}
        extra = {"kind": page.kind, "slug": page.slug} if page is not None and page.kind else {}
        data = page.data if page is not None else {}
        return PageMeta(escaped_meta({**meta, "infopsoc": {**own, **extra, **data}}), written=bool(meta))

    def converted(self, src_uri: str, html: str, site_files: dict[str, str]) -> str:
        """A page is converted (``html``: the Markdown's HTML, no theme around it): checked against the
        allow-list; a bulletin's text is kept (fragments filled) and its PDF started. Returns the HTML,
        with the PDF link's place on a bulletin."""
        page = self.prepared.pages[src_uri]
        raise_or_log(raw_html_report(html, page.source, self.strict), self.log)  # --- security ---
        if page.kind != "bulletin":
            return html
        self.rendered[page.slug] = fill_fragments(html, page.fragments) if page.fragments else html
        if not self.pdf.enabled:
            return html
        return self.pdf.page_converted(page.slug, self._publishable(page.slug).html, html, site_files)

    def converted_from_site(self, site_dir: Path) -> None:
        """For an engine that ran none of our code on its pages (Zensical, from the staging folder): each
        bulletin's converted text read back from its written page's article (``outputs.search.article_of``),
        given to :meth:`converted`, then :meth:`all_converted` (the PDFs start); call before :meth:`finish`."""
        site_dir = Path(site_dir)
        files = {p.relative_to(site_dir).as_posix(): str(p) for p in site_dir.rglob("*")
                 if p.is_file() and p.suffix not in (".html", ".xml")}
        for uri, page in self.prepared.pages.items():
            written = site_dir / page_url(uri) / "index.html"
            if page.kind == "bulletin" and written.is_file():
                article = article_of(written.read_text(encoding="utf-8"))
                if article is not None:  # its content: the converted Markdown, inside Material's <article>
                    inner = article[article.index(">") + 1: -len("</article>")].strip() + "\n"
                    self.converted(uri, inner, files)
        self.all_converted(files)

    def all_converted(self, site_files: dict[str, str]) -> None:
        """Every page is converted: the PDFs not started yet are started (waited for in :meth:`finish`)."""
        if self.pdf.enabled:
            self.pdf.all_converted({slug: self._publishable(slug).html for slug in self.rendered}, site_files)

    def page_content(self, src_uri: str, content: str, url: str, dest: str) -> str:
        """A converted page as its theme shows it: its fragments, and a bulletin's PDF link
        (``dest``: the page's file from the site's root)."""
        page = self.prepared.pages.get(src_uri)
        if page is None:
            return content
        if page.fragments and page.generated:
            content = fill_fragments(content, page.fragments)
        return self.pdf.link(content, page.slug, url, dest) if page.kind == "bulletin" else content

    def cache_folder(self, name: str) -> Path:
        """A folder of the build's caches (``.cache/<name>``), made if needed."""
        (self.caches / name).mkdir(parents=True, exist_ok=True)
        return self.caches / name

    def finished_page(self, html: str) -> str:
        return finished_page(html, lang=self.lang, inline_scripts=self.inline_scripts, preview=self.preview)

    def failed(self) -> None:
        """The build failed: the PDFs still rendering are not waited for."""
        self.pdf.cancel()

    def close(self) -> None:
        """The engine's command ends (a build, or a preview when it stops): the PDF workers end with it
        (``PdfStep.close``)."""
        self.pdf.close()

    def publishable(self) -> Mapping[str, Publishable]:
        """Each converted bulletin as the outputs publish it (outputs.publishable), by its slug: each
        made when first read (the feeds read the 20 newest), then kept by its text (core.memo)."""
        return _Lazy(self.rendered, self._publishable)

    def _publishable(self, slug: str) -> Publishable:
        bulletin = next(b for b in self.site.bulletins_in(self.lang) if b.slug == slug)
        home = urljoin(with_slash(root_url(self.site.settings.site_url, self.lang)), language_prefix(self.lang))
        url = urljoin(home, bulletin.url)
        html = _PUBLISHABLE.get(fingerprint(url, self.rendered[slug]), lambda: publishable_html(self.rendered[slug], url))
        return Publishable(bulletin, url, html)

    def needs(self, site_dir: Path, *, directory_urls: bool = True, pages_done: bool = True) -> Needs:
        pages = self.prepared.pages if self.prepared else {}
        fragments = {uri: p.fragments for uri, p in pages.items() if p.fragments}
        bulletins = {uri: p.slug for uri, p in pages.items() if p.kind == "bulletin"}
        return Needs(self.site, self.lang, Path(site_dir), self.caches, strict=self.strict, preview=self.preview,
                     directory_urls=directory_urls, editor=self.editor, extra_css=self.extra_css,
                     publishable=self.publishable,
                     pdfs=self.pdf, enclosure=self.pdf.enclosure, fragments=fragments, pages_done=pages_done,
                     inline_scripts=self.inline_scripts, linked=Linked, bulletins=bulletins)

    def finish(self, site_dir: Path, *, directory_urls: bool = True, pages_done: bool = True,
               reused: Mapping[str, Linked] | None = None) -> SiteWriter:
        """Every output of ``registry.OUTPUTS`` on the written site, through the one writer; first the
        pages the engine did not render, taken from the previous site (``reused``: pipeline/reuse.py)."""
        needs = self.needs(site_dir, directory_urls=directory_urls, pages_done=pages_done)
        # the build's kept results are saved while the outputs still being made are waited for
        writer = finish(needs, registry.OUTPUTS, first=reused or {},
                        meanwhile=lambda: memo.save(memo_file(self.caches, self.lang, self.preview)))
        for line in needs.messages:
            self.log.info(line)
        return writer


def finish(needs: Needs, outputs: list, first: Mapping[str, Linked] | None = None,
           meanwhile: Callable[[], None] | None = None) -> SiteWriter:
    """Run ``outputs`` (in order) and write their files with one :class:`SiteWriter`, after ``first``
    (pages the engine left to the writer: an output that ``reads_unwritten`` may run before them, the
    search index's, which then reads them where they are); a future's files are written when it is
    done, the others meanwhile. ``meanwhile`` is called before the futures are waited for, and before
    the first output that ``waits`` (for work done elsewhere: the PDFs), then again at the end (it
    must do nothing the second time when nothing new is to be done: ``core.memo.save``). On a
    failure, the futures are waited for (nothing is left writing) and the failure goes on."""
    # --- performance --- files copied from elsewhere (the editor's) are linked to copies kept in .cache
    writer = SiteWriter(needs.site_dir, copies=CopyStore(needs.caches / "copies") if needs.caches else None)
    needs.unwritten = dict(first or {})
    pending: list[tuple[object, Future]] = []
    try:
        for output in outputs:
            if not output.wanted(needs):
                continue
            if needs.unwritten and not getattr(output, "reads_unwritten", False):
                _write_unwritten(writer, needs)
            if getattr(output, "waits", False) and meanwhile is not None:
                meanwhile()  # --- performance --- done while the PDFs still rendering finish
            found = output.files(needs)
            if isinstance(found, Future):
                pending.append((output, found))
            else:
                writer.write_all(found, output.folder)
        _write_unwritten(writer, needs)
        if meanwhile is not None:
            meanwhile()
        for output, future in pending:
            writer.write_all(future.result(), output.folder)
    except BaseException:
        for _output, future in pending:
            try:
                future.result()
            except BaseException:  # noqa: S110 (the first failure is the one said)
                pass
        raise
    return writer


def _write_unwritten(writer: SiteWriter, needs: Needs) -> None:
    if needs.unwritten:
        writer.write_all(needs.unwritten)
        needs.unwritten = {}
