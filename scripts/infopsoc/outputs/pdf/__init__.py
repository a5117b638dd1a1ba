"""Printable PDFs of the bulletins, made by WeasyPrint.

The pipeline, engine-free (nothing here imports MkDocs):

1. ``print_html`` turns a bulletin's rendered HTML (the Markdown output, no theme around it) into
   a complete print document: masthead, « Dans ce numéro », the body with footnotes moved to where
   they are called (``float: footnote`` puts them at the foot of that page), metadata in ``<meta>``;
2. ``render_pdfs`` renders the documents that are not in the cache, in parallel on long-lived
   worker processes (which build the print documents and write the cache themselves, longest
   bulletin first, each decoding the fonts once), and returns one ``PdfFile`` per bulletin;
3. ``publish`` copies them to ``pdf/<slug>.pdf`` in the site.

Resources (the print stylesheet, fonts, images) are fetched through ``SiteFetcher``, which serves
the site's own files from disk and refuses everything else: no request ever leaves the machine.

A PDF is cached on the hash of its print HTML, its base address, the render options and
WeasyPrint's version; the cache entry also records the hash of every file the render fetched
(stylesheet, fonts, images), and is only used while all of them are unchanged.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import logging
import mimetypes
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import posixpath
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

from functools import cache
from importlib import metadata

import jinja2
import markupsafe
import tinyhtml5

from infopsoc.content.bulletins import Bulletin
from infopsoc.core.html import is_web_only, remove_keeping_tail
from infopsoc.core.i18n import HTML_LANG, strings
from infopsoc.core.urls import pdf_path
from infopsoc.content.model import Site

MIME = "application/pdf"
PDF_VARIANT = "pdf/ua-1"
STYLESHEET = "assets/stylesheets/print-bulletin.css"
# Bump when the way print documents are made changes in a way the print HTML does not show.
FORMAT = "1"

LINK_PLACEHOLDER = "<!-- infopsoc:pdf-link -->"
FOOTNOTES_MARKER = "///Footnotes Go Here///"


# --- the print document ------------------------------------------------------------------------

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
    autoescape=True,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _css_string(value: object) -> markupsafe.Markup:
    """A CSS string literal, safe inside a <style> element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return markupsafe.Markup(f'"{text}"')


_env.filters["css_string"] = _css_string


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class PrintDocument:
    """Everything a worker needs to render one PDF."""

    slug: str
    lang: str
    html: str
    base_url: str

    def key(self) -> str:
        digest = hashlib.sha256()
        for part in (FORMAT, _weasyprint_version(), PDF_VARIANT, self.base_url, self.html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


# WeasyPrint takes about a second to import: only a build that renders a PDF pays for it
# (the worker processes preload it).

@cache
def _weasyprint():
    import weasyprint

    return weasyprint


@cache
def _weasyprint_version() -> str:
    return metadata.version("weasyprint")


@cache
def _code_fingerprint() -> str:
    """What shapes a print document besides its inputs: this package (its modules and template),
    the strings, and what the site declares web-only."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    core = here.parent.parent / "core"
    for path in (*sorted(here.glob("*.py")), *sorted(here.glob("*.j2")), core / "i18n.py", core / "html.py"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def source_key(bulletin: Bulletin, rendered: str, *, site_url: str, author: str, lang: str) -> str:
    """The hash of everything ``print_html`` reads: a cached PDF whose record has it is reused without
    building its print document (parsing a bulletin's HTML costs ~50 ms, as much as a cache miss)."""
    digest = hashlib.sha256()
    for part in (FORMAT, _weasyprint_version(), PDF_VARIANT, _code_fingerprint(), repr(bulletin), rendered,
                 site_url, author, lang):
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def print_html(bulletin: Bulletin, rendered: str, *, site_url: str, author: str, lang: str | None = None) -> PrintDocument:
    """The complete print document of one bulletin, from its rendered HTML."""
    lang = lang or bulletin.lang
    t = strings(lang)
    body, sections = _print_body(rendered)
    page_url = site_url + bulletin.url
    date_text = bulletin.date.format(lang)
    created = bulletin.date.first_day().isoformat() + "T00:00:00Z"
    document = _env.get_template("print-bulletin.html.j2").render(
        b=bulletin,
        t=t,
        html_lang=HTML_LANG.get(lang, lang),
        title=f"{bulletin.label(lang)} — {bulletin.title}",
        author=author,
        keywords=", ".join(topic.replace(",", " ") for topic in bulletin.topics),
        created=created,
        masthead=t["pdf_masthead"].format(number=bulletin.number),
        date_text=date_text[:1].upper() + date_text[1:],
        stylesheet=posixpath.relpath(STYLESHEET, bulletin.url),
        site_address=_display_address(site_url),
        sections=sections,
        body=body,
        web_url=page_url,
    )
    return PrintDocument(slug=bulletin.slug, lang=lang, html=document, base_url=page_url)


def _display_address(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def _print_body(rendered: str) -> tuple[str, list[Section]]:
    """The bulletin's body made for paper, and its ``##`` sections.

    Drops what is web-only (``core.html``: the web header, which the print masthead replaces, the
    issue navigation, the timeline section, the permalinks); moves each footnote to its call; marks links whose text is their address, so the
    stylesheet does not print the address twice.
    """
    root = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{rendered}</body></html>", namespace_html_elements=False)
    body = root.find("body")
    parents = {child: parent for parent in body.iter() for child in parent}

    def remove(element: ET.Element) -> None:
        remove_keeping_tail(parents[element], element)

    notes: dict[str, ET.Element] = {}
    for element in list(body.iter()):
        classes = element.get("class", "").split()
        if is_web_only(classes):
            remove(element)  # the web header, the neighbours, its place in the timeline, permalinks
        elif element.tag == "p" and "".join(element.itertext()).strip() == FOOTNOTES_MARKER:
            remove(element)  # left by the footnotes extension in a bulletin without notes
        elif element.tag == "div" and "footnote" in classes:
            for item in element.iter("li"):
                if item.get("id"):
                    notes[item.get("id")] = item
            remove(element)

    for sup in list(body.iter("sup")):
        link = sup.find("a")
        if link is None or "footnote-ref" not in link.get("class", "").split():
            continue
        note = notes.get(link.get("href", "").lstrip("#"))
        if note is None:
            continue
        span = _footnote_span(note)
        span.tail = sup.tail
        parent = parents[sup]
        parent[list(parent).index(sup)] = span

    for link in body.iter("a"):
        href = link.get("href", "")
        if href.startswith(("http://", "https://")) and _bare(href) == _bare("".join(link.itertext())):
            link.set("class", (link.get("class", "") + " ip-bare").strip())

    sections = [Section(h.get("id", ""), "".join(h.itertext()).strip()) for h in body.iter("h2") if h.get("id")]
    html = html_lib.escape(body.text or "", quote=False) + "".join(ET.tostring(child, encoding="unicode", method="html") for child in body)
    return html, sections


def _footnote_span(note: ET.Element) -> ET.Element:
    """A footnote as one inline element: its paragraphs joined by line breaks, no back link."""
    span = ET.Element("span", {"class": "ip-footnote", "id": note.get("id", "")})
    paragraphs = [p for p in note if p.tag == "p"] or [note]
    last: ET.Element | None = None
    for i, paragraph in enumerate(paragraphs):
        for backref in [a for a in paragraph.iter("a") if "footnote-backref" in a.get("class", "").split()]:
            for parent in paragraph.iter():
                if backref in list(parent):
                    parent.remove(backref)
        if i:
            last = ET.SubElement(span, "br")
        text = (paragraph.text or "").rstrip("\xa0 ") if len(paragraph) == 0 else (paragraph.text or "")
        if last is None:
            span.text = (span.text or "") + text
        else:
            last.tail = (last.tail or "") + text
        for child in list(paragraph):
            span.append(child)
            last = child
    # the back link leaves a trailing no-break space behind
    if last is None:
        span.text = (span.text or "").rstrip("\xa0 ")
    else:
        last.tail = (last.tail or "").rstrip("\xa0 ")
    return span


def _bare(address: str) -> str:
    address = re.sub(r"^[a-z]+://", "", address.strip().lower())
    return address.removeprefix("www.").rstrip("/")


# --- the link on the bulletin page -------------------------------------------------------------

def with_link_placeholder(rendered: str) -> str:
    """The web page's HTML with a place for the PDF link, right after the bulletin's header."""
    marker = "</header>"
    index = rendered.find(marker)
    if index < 0:
        return LINK_PLACEHOLDER + "\n" + rendered
    index += len(marker)
    return rendered[:index] + "\n" + LINK_PLACEHOLDER + rendered[index:]


def link_html(pdf: "PdfFile | None", page_url: str, lang: str) -> str:
    """The « Version imprimable (PDF, 84 ko) » link, relative to the page; empty without a PDF."""
    if pdf is None:
        return ""
    t = strings(lang)
    href = posixpath.relpath(pdf.path, page_url)
    text = t["pdf_link"].format(size=human_size(pdf.length, lang))
    return (f'<p class="ip-pdf-link"><a href="{html_lib.escape(href)}" type="{MIME}" download>'
            f"{html_lib.escape(text)}</a></p>")


def with_link(page_html: str, pdf: "PdfFile | None", page_url: str, lang: str) -> str:
    return page_html.replace(LINK_PLACEHOLDER, link_html(pdf, page_url, lang), 1)


def human_size(length: int, lang: str) -> str:
    t = strings(lang)
    if length < 1000 * 1000:
        return t["pdf_kb"].format(n=max(1, -(-length // 1000)))
    value = f"{length / 1e6:.1f}"
    if lang == "fr":
        value = value.replace(".", ",")
    return t["pdf_mb"].format(n=value)


# --- fetching site files, and nothing else -----------------------------------------------------

def __getattr__(name: str):
    if name == "SiteFetcher":
        return _site_fetcher_class()
    raise AttributeError(name)


@cache
def _site_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFetcher(URLFetcher):
        """Serves the addresses under ``site_url`` from local files; refuses every other address.

        ``files`` maps a path in the site (``fonts/x.woff2``) to the file on disk. Every file served is
        recorded with its hash in ``fetched``, for the cache.
        """

        def __init__(self, site_url: str, files: dict[str, str]):
            super().__init__(allowed_protocols=("http", "https", "data"))
            self.site_url = site_url
            self.files = files
            self.fetched: dict[str, str] = {}

        def site_path(self, url: str) -> str | None:
            """The path in the site that ``url`` names; None for an address off the site."""
            if not url.startswith(self.site_url):
                return None
            path = unquote(urlsplit(url[len(self.site_url):]).path)
            if path.endswith("/") or not path:
                path += "index.html"
            return path

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = self.site_path(url)
            if path is None:
                raise ValueError(f"adresse hors du site refusée (aucune requête réseau) : {url}")
            local = self.files.get(path)
            if local is None:
                raise ValueError(f"fichier absent du site : {path}")
            data = Path(local).read_bytes()
            self.fetched[path] = hashlib.sha256(data).hexdigest()
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if path.endswith(".woff2"):
                mime = "font/woff2"
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    return SiteFetcher


# --- fonts decoded once per process ------------------------------------------------------------
#
# WeasyPrint decodes every @font-face (WOFF2 -> TrueType, in pure Python) into a new font
# configuration for each document: about a quarter of a render of ours. A process that renders
# many bulletins keeps one configuration instead (``font_config``, WeasyPrint's own API), with
# three guards: every render still lists the font files among the files it fetched (the cache
# needs them), the configuration is dropped as soon as one of its font files changes, and a render
# that brings a new face for a family loaded by an earlier render starts again on a fresh one (two
# faces for the same family and style would let Fontconfig pick either).

class _FontsChanged(Exception):
    """A render needs faces that conflict with the shared configuration's: start it again."""


@cache
def _shared_fonts_class():
    from weasyprint.text.fonts import FontConfiguration

    class SharedFonts(FontConfiguration):
        def __init__(self) -> None:
            super().__init__()
            # WeasyPrint writes each decoded face in a temporary folder; ours is removed when
            # the process ends (worker processes skip ``__del__`` and ``atexit``).
            self._folder = Path(tempfile.mkdtemp(prefix="infopsoc-fonts-"))
            multiprocessing.util.Finalize(self, shutil.rmtree, args=(str(self._folder),),
                                          kwargs={"ignore_errors": True}, exitpriority=0)
            self.faces: dict[str, tuple[str, dict[str, str]]] = {}  # face -> (family, {site path: sha256})
            self.sealed: set[str] = set()                 # families loaded by earlier renders

        def add_font_face(self, rule_descriptors, url_fetcher):
            key = str(rule_descriptors)  # WeasyPrint's own key for a face
            if key not in self.faces:
                if rule_descriptors["font_family"] in self.sealed:
                    raise _FontsChanged(rule_descriptors["font_family"])
                written = len(os.listdir(self._folder))
                super().add_font_face(rule_descriptors, url_fetcher)
                if len(os.listdir(self._folder)) == written:
                    return  # not loaded (WeasyPrint has warned): tried again by the next render
                self.faces[key] = (rule_descriptors["font_family"], self._files_of(rule_descriptors, url_fetcher))
            url_fetcher.fetched.update(self.faces[key][1])

        @staticmethod
        def _files_of(rule_descriptors, url_fetcher) -> dict[str, str]:
            found = {}
            for _kind, url in rule_descriptors["src"]:
                path = url_fetcher.site_path(url) if isinstance(url, str) else None
                if path is not None and path in url_fetcher.files:
                    found[path] = _file_hash(url_fetcher.files[path])
            return found

        def seal(self) -> None:
            """After a render: the families it loaded may not receive new faces any more."""
            self.sealed = {family for family, _ in self.faces.values()}

        def still_valid(self, files: dict[str, str]) -> bool:
            for _family, deps in self.faces.values():
                for path, digest in deps.items():
                    local = files.get(path)
                    if local is None or _file_hash(local) != digest:
                        return False
            return True

    return SharedFonts


_fonts = None


def _shared_fonts(files: dict[str, str]):
    """This process's font configuration, as long as the font files it holds are unchanged."""
    global _fonts
    if _fonts is None or not _fonts.still_valid(files):
        _fonts = _shared_fonts_class()()
    return _fonts


def _drop_shared_fonts() -> None:
    global _fonts
    _fonts = None


# --- rendering ---------------------------------------------------------------------------------

@dataclass
class Rendered:
    slug: str
    lang: str
    pdf: bytes
    deps: dict[str, str]
    warnings: list[str]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def lay_out(document: PrintDocument, site_url: str, files: dict[str, str], fetcher=None,
            stylesheets: list | None = None, font_config=None) -> "weasyprint.document.Document":  # noqa: F821
    """The laid-out pages (WeasyPrint's boxes), before any PDF is written."""
    fetcher = fetcher or _site_fetcher_class()(site_url, files)
    html = _weasyprint().HTML(string=document.html, base_url=document.base_url, url_fetcher=fetcher)
    return html.render(font_config=font_config, stylesheets=stylesheets, pdf_variant=PDF_VARIANT)


def render(document: PrintDocument, site_url: str, files: dict[str, str]) -> Rendered:
    """Render one print document; WeasyPrint's warnings and errors are returned, not logged.

    Uses this process's shared font configuration (see ``_shared_fonts``): the bytes are the same
    as with a fresh one."""
    logger = _weasyprint().LOGGER
    while True:
        fonts = _shared_fonts(files)
        fetcher = _site_fetcher_class()(site_url, files)
        capture = _Capture()
        logger.addHandler(capture)
        propagate, logger.propagate = logger.propagate, False
        try:
            pdf = lay_out(document, site_url, files, fetcher, font_config=fonts).write_pdf(
                pdf_variant=PDF_VARIANT,
                pdf_identifier=document.key()[:32].encode("ascii"),
            )
        except _FontsChanged:
            _drop_shared_fonts()
            continue  # again, on a fresh configuration (it takes every face)
        except BaseException:
            _drop_shared_fonts()
            raise
        finally:
            logger.removeHandler(capture)
            logger.propagate = propagate
        if capture.messages:
            _drop_shared_fonts()  # a face that failed must warn again in the next render
        else:
            fonts.seal()
        return Rendered(document.slug, document.lang, pdf, dict(sorted(fetcher.fetched.items())), capture.messages)


# --- the cache and the pool --------------------------------------------------------------------

@dataclass(frozen=True)
class PdfFile:
    """One bulletin's PDF, ready to publish."""

    slug: str
    lang: str
    path: str           # in the site: pdf/<slug>.pdf
    length: int
    cached: Path        # the file in the cache

    def enclosure(self, site_url: str) -> tuple[str, int, str]:
        """(absolute URL, length in bytes, MIME type), as a feed enclosure wants them."""
        return site_url + self.path, self.length, MIME


@dataclass
class RenderReport:
    pdfs: dict[str, PdfFile] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)
    from_cache: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


class Cache:
    """``<folder>/<lang>/<slug>.pdf`` and its ``.json`` (key and fetched files' hashes)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _paths(self, document: PrintDocument) -> tuple[Path, Path]:
        base = self.folder / document.lang / document.slug
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, document: PrintDocument, files: dict[str, str]) -> Path | None:
        pdf, meta = self._paths(document)
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("key") != document.key() or not pdf.is_file():
            return None
        return pdf if self._deps_unchanged(record, files) else None

    def get_by_source(self, lang: str, slug: str, source: str, files: dict[str, str]) -> Path | None:
        """The cached PDF made from the same inputs (see ``source_key``), without its print document."""
        base = self.folder / lang / slug
        pdf, meta = base.with_suffix(".pdf"), base.with_suffix(".json")
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("source") != source or not pdf.is_file():
            return None
        if not self._deps_unchanged(record, files):
            return None
        return pdf

    @staticmethod
    def _deps_unchanged(record: dict, files: dict[str, str]) -> bool:
        for path, digest in record.get("deps", {}).items():
            local = files.get(path)
            if local is None or _file_hash(local) != digest:
                return False
        return True

    def put(self, document: PrintDocument, rendered: Rendered, source: str | None = None) -> Path:
        pdf, meta = self._paths(document)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(pdf, rendered.pdf)
        self._write_record(document, rendered.deps, source)
        return pdf

    def set_source(self, document: PrintDocument, source: str) -> None:
        """Record the inputs of a PDF found by its print document, so the next build skips making it."""
        _pdf, meta = self._paths(document)
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if record.get("source") != source:
            self._write_record(document, record.get("deps", {}), source)

    def _write_record(self, document: PrintDocument, deps: dict, source: str | None) -> None:
        _pdf, meta = self._paths(document)
        record = {"key": document.key(), "deps": deps}
        if source:
            record["source"] = source
        _write_atomic(meta, json.dumps(record, indent=1, sort_keys=True).encode("utf-8"))


_hashes: dict[tuple[str, float, int], str] = {}


def _file_hash(path: str) -> str:
    stat = os.stat(path)
    key = (path, stat.st_mtime, stat.st_size)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _hashes[key]


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _get_pool(size: int) -> ProcessPoolExecutor:
    """Long-lived workers (a new Python costs ~1 s, a warm page ~50 ms), kept across rebuilds."""
    global _pool, _pool_size
    if _pool is None or _pool_size < size:
        if _pool is not None:
            _pool.shutdown()
        _pool = ProcessPoolExecutor(max_workers=size, mp_context=_forkserver_context())
        _pool_size = size
    return _pool


def warm_up() -> None:
    """Start the process the workers are forked from, now: it loads Python and WeasyPrint (half a
    second) on the other core while the build converts its pages, instead of when the first PDF
    is asked for, which would wait for it. No worker is started (a build that fails at once
    leaves nothing half-started), and a build that makes no PDF only lent it the other core."""
    _forkserver_context()
    multiprocessing.forkserver.ensure_running()


def _forkserver_context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "infopsoc.outputs.pdf"])
    return context


def shutdown() -> None:
    global _pool, _pool_size
    if _pool is not None:
        _pool.shutdown()
    _pool, _pool_size = None, 0


@dataclass(frozen=True)
class PrintJob:
    """A bulletin whose PDF is not in the cache under its ``source_key``: the worker that takes it
    builds its print document itself, so the build's process does not spend ~30 ms per bulletin
    on it before the workers can start."""

    bulletin: Bulletin
    rendered: str
    site_url: str
    author: str
    lang: str
    source: str

    @property
    def slug(self) -> str:
        return self.bulletin.slug

    def document(self) -> PrintDocument:
        return print_html(self.bulletin, self.rendered, site_url=self.site_url, author=self.author, lang=self.lang)


@dataclass
class _Outcome:
    slug: str
    lang: str
    path: str          # the file in the cache (or the warned render beside it)
    rendered: bool     # False: found in the cache by its print document
    warnings: list[str]


def _make(item: "PrintDocument | PrintJob", source: str | None, site_url: str, files: dict[str, str],
          cache_folder: str) -> _Outcome:
    """One bulletin's PDF, in the cache: where the work happens (a worker, or the build's process)."""
    cache = Cache(Path(cache_folder))
    document = item.document() if isinstance(item, PrintJob) else item
    hit = cache.get(document, files) if isinstance(item, PrintJob) else None
    if hit is not None:
        if source:
            cache.set_source(document, source)
        return _Outcome(document.slug, document.lang, str(hit), False, [])
    rendered = render(document, site_url, files)
    if rendered.warnings:
        # not cached: the next build shows the same warnings again
        path = cache.folder / document.lang / f".{document.slug}.warned.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, rendered.pdf)
    else:
        path = cache.put(document, rendered, source)
    return _Outcome(document.slug, document.lang, str(path), True, rendered.warnings)


def _weight(item: "PrintDocument | PrintJob") -> int:
    return len(item.rendered if isinstance(item, PrintJob) else item.html)


def render_pdfs(documents: Iterable["PrintDocument | PrintJob"], *, site_url: str, files: dict[str, str],
                cache: Cache, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                sources: dict[str, str] | None = None) -> RenderReport:
    """The PDF of every document: from the cache when nothing that shapes it changed, rendered
    otherwise (in parallel when there are several). Renders with warnings are not cached.
    ``sources`` (slug -> ``source_key``) is recorded with each PDF for ``Cache.get_by_source``.

    The workers build the print documents of ``PrintJob`` items, look them up in the cache, render
    and write the cache themselves; only paths come back. The longest go first, so that both
    workers finish together."""
    sources = sources or {}
    report = RenderReport()
    todo: list[PrintDocument | PrintJob] = []
    for item in documents:
        hit = None if isinstance(item, PrintJob) else cache.get(item, files)
        if hit is None:
            todo.append(item)
        else:
            report.from_cache.append(item.slug)
            report.pdfs[item.slug] = _pdf_file(item.slug, item.lang, hit)
            if item.slug in sources:
                cache.set_source(item, sources[item.slug])
    todo.sort(key=lambda item: (-_weight(item), item.lang, item.slug))

    def source_of(item) -> str | None:
        return item.source if isinstance(item, PrintJob) else sources.get(item.slug)

    outcomes: list[_Outcome] = []
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if len(todo) == 1 and _pool is not None and "weasyprint" not in sys.modules:
        workers = _pool_size  # one bulletin, and only the workers have WeasyPrint loaded: there
    if progress and todo:
        progress(0, len(todo))
    if workers <= 1:
        for i, item in enumerate(todo, 1):
            outcomes.append(_make(item, source_of(item), site_url, files, str(cache.folder)))
            if progress:
                progress(i, len(todo))
    elif todo:
        pool = _get_pool(workers)
        try:
            futures = [pool.submit(_make, item, source_of(item), site_url, files, str(cache.folder)) for item in todo]
        except BrokenProcessPool:
            shutdown()  # not kept for the next build
            raise
        for i, outcome in enumerate(_results(futures), 1):
            outcomes.append(outcome)
            if progress:
                progress(i, len(todo))

    for outcome in sorted(outcomes, key=lambda o: (o.lang, o.slug)):
        _add_outcome(report, outcome)
    report.from_cache.sort()
    report.pdfs = dict(sorted(report.pdfs.items()))
    return report


def _results(futures: list[Future]) -> Iterator["_Outcome"]:
    """The workers' outcomes as they finish; on a failure the others are cancelled, and a broken
    pool is not kept for the next build."""
    try:
        for future in as_completed(futures):
            yield future.result()
    except Exception as error:
        for future in futures:
            future.cancel()
        if isinstance(error, BrokenProcessPool):
            shutdown()
        raise


def _add_outcome(report: RenderReport, outcome: "_Outcome") -> None:
    (report.rendered if outcome.rendered else report.from_cache).append(outcome.slug)
    report.warnings += [(outcome.slug, message) for message in outcome.warnings]
    report.pdfs[outcome.slug] = _pdf_file(outcome.slug, outcome.lang, Path(outcome.path))


def _pdf_file(slug: str, lang: str, cached: Path) -> PdfFile:
    return PdfFile(slug=slug, lang=lang, path=pdf_path(slug), length=cached.stat().st_size, cached=cached)


def terminal_progress(stream=None) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal's stderr; None elsewhere (logs, CI)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        stream.write(f"\rPDF [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def _lookup(cache: Cache, bulletin: Bulletin, rendered: str, site_url: str, author: str, lang: str,
            files: dict[str, str]) -> tuple[Path | None, PrintJob | None]:
    """The bulletin's PDF in the cache under its ``source_key``; otherwise the job that makes it."""
    source = source_key(bulletin, rendered, site_url=site_url, author=author, lang=lang)
    hit = cache.get_by_source(lang, bulletin.slug, source, files)
    if hit is not None:
        return hit, None
    return None, PrintJob(bulletin, rendered, site_url, author, lang, source)


# --- performance ---
class EarlyPdfs:
    """PDFs started while the build goes on.

    A bulletin's PDF can be made as soon as its page is converted, long before the build
    needs it (the page's PDF link shows the file's size). :meth:`start` looks the bulletin up
    in the cache at once and, when it is not there, hands it to a worker process: the
    rendering takes the other core while the build converts the other pages.
    :func:`make_pdfs` then only waits for what is still running.
    """

    def __init__(self, *, site_url: str, author: str, lang: str, cache_dir: Path):
        self.site_url, self.author, self.lang = site_url, author, lang
        self.cache = Cache(cache_dir)
        self.hits: dict[str, Path] = {}
        self.running: dict[str, Future] = {}

    def start(self, bulletin: Bulletin, rendered: str, files: dict[str, str]) -> None:
        hit, job = _lookup(self.cache, bulletin, rendered, self.site_url, self.author, self.lang, files)
        if hit is not None:
            self.hits[bulletin.slug] = hit
            return
        try:
            self.running[bulletin.slug] = _get_pool(os.cpu_count() or 1).submit(
                _make, job, job.source, self.site_url, files, str(self.cache.folder))
        except BrokenProcessPool:
            shutdown()  # make_pdfs renders it, in a new pool

    def finish(self, report: RenderReport) -> RenderReport:
        """Wait for the PDFs still running and add them to ``report`` (that of :func:`make_pdfs`)."""
        futures, self.running = list(self.running.values()), {}
        for outcome in _results(futures):
            _add_outcome(report, outcome)
        return _sorted(report)

    def cancel(self) -> None:
        for future in self.running.values():
            future.cancel()
        self.running.clear()


def _sorted(report: RenderReport) -> RenderReport:
    """One language's report in slug order (the outcomes came as the workers finished)."""
    report.rendered.sort()
    report.warnings.sort(key=lambda warning: warning[0])  # a PDF's own messages keep their order
    report.from_cache.sort()
    report.pdfs = dict(sorted(report.pdfs.items()))
    return report


def make_pdfs(site: Site, rendered: dict[str, str], *, lang: str, author: str, files: dict[str, str],
              cache_dir: Path, early: EarlyPdfs | None = None, wait: bool = True) -> RenderReport:
    """The PDF of every published bulletin of ``lang`` whose rendered HTML is known.

    ``files`` maps each path of the site to its file on disk (what the fetcher may serve).
    A PDF cached under the bulletin's ``source_key`` is taken as it is; the others are
    ``PrintJob``s for ``render_pdfs``. ``early``: the PDFs already looked up or started;
    with ``wait=False``, those still running are left to ``early.finish``.
    """
    site_url = site.settings.site_url
    cache = Cache(cache_dir)
    hits: dict[str, Path] = {}
    jobs = []
    for b in site.bulletins_in(lang):
        if b.slug not in rendered:
            continue
        if early is not None and b.slug in early.hits:
            hits[b.slug] = early.hits[b.slug]
            continue
        if early is not None and b.slug in early.running:
            continue
        hit, job = _lookup(cache, b, rendered[b.slug], site_url, author, lang, files)
        if hit is not None:
            hits[b.slug] = hit
        else:
            jobs.append(job)
    report = render_pdfs(jobs, site_url=site_url, files=files, cache=cache, progress=terminal_progress())
    for slug, path in hits.items():
        report.from_cache.append(slug)
        report.pdfs[slug] = _pdf_file(slug, lang, path)
    if early is not None and wait:
        return early.finish(report)
    return _sorted(report)


def publish(pdfs: dict[str, PdfFile], site_dir: Path) -> list[Path]:
    """Copy the PDFs to their place in the site."""
    written = []
    for slug in sorted(pdfs):
        pdf = pdfs[slug]
        target = Path(site_dir) / pdf.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf.cached, target)
        written.append(target)
    return written
