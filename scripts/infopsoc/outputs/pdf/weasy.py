"""WeasyPrint, set up for our documents: a fetcher that serves the site's own files and refuses
every other address (no request ever leaves the machine), fonts decoded once per process, and
WeasyPrint's warnings returned with the PDF instead of logged.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import mimetypes
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from infopsoc.content.checks.markup import MAX_PRINT_ELEMENTS, TOO_LARGE_WHAT_TO_DO
from infopsoc.content.checks.printable import coverage, printable, stylesheet_fonts
from infopsoc.outputs.pdf.cache import Rendered, file_hash
from infopsoc.outputs.pdf.document import PDF_VARIANT, STYLESHEET, PrintDocument

# WeasyPrint takes about a second to import: only a build that renders a PDF pays for it
# (the worker processes preload it).

class PdfEngineMissing(RuntimeError):
    """WeasyPrint cannot load a library of the system (Pango, HarfBuzz…): no PDF can be made on
    this machine. The message is French, for the person who runs the build."""


def engine_missing_message(error: BaseException) -> str:
    """What to do when WeasyPrint's import failed with ``error`` (cffi's English words kept as detail)."""
    found = re.search(r"cannot load library '([^']+)'", str(error))
    library = f"la bibliothèque « {found.group(1)} »" if found else "une bibliothèque du système"
    return (f"les PDF ne peuvent pas être faits sur cette machine : WeasyPrint ne trouve pas {library}"
            " — installez les paquets système du projet (sous Debian ou Ubuntu : sudo tools/system/install.sh build,"
            " qui installe ceux qui manquent de libpango-1.0-0, libpangoft2-1.0-0 et libharfbuzz-subset0),"
            " ou construisez sans les PDF avec INFOPSOC_PDF=0"
            f" (détail : {error})")


@cache
def weasyprint_module():
    try:
        import weasyprint
    except OSError as error:  # cffi could not open a shared library WeasyPrint needs
        raise PdfEngineMissing(engine_missing_message(error)) from None
    return weasyprint



# --- fetching site files, and nothing else -----------------------------------------------------

def site_fetcher(site_url: str, files: dict[str, str]):
    """A WeasyPrint URL fetcher that serves ``files`` (path in the site -> file on disk) under
    ``site_url`` and refuses every other address."""
    return _site_fetcher_class()(site_url, files)


@cache
def _site_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFetcher(URLFetcher):
        """Serves the addresses under ``site_url`` from local files; refuses every other address.

        ``files`` maps a path in the site (``fonts/x.woff``) to the file on disk. Every file served is
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
            digest = self.fetched[path] = hashlib.sha256(data).hexdigest()
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if data[:4] == b"wOFF":
                data, mime = _sfnt_of_woff(digest, data), "font/ttf"
            elif path.endswith(".woff2"):
                mime = "font/woff2"
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    return SiteFetcher


_unwrapped: dict[str, bytes] = {}  # sha256 of a WOFF file -> its TrueType font, for this process


def _sfnt_of_woff(digest: str, data: bytes) -> bytes:
    """A WOFF font as the TrueType font it wraps, with its own timestamp.

    WeasyPrint would unwrap it itself, but through fontTools' ``save``, which stamps the font with the
    time of the build: the PDF's bytes would change from one build to the next. (The print fonts are
    WOFF, not WOFF2: unwrapping them costs 0.1 s per process, WOFF2's Brotli and glyph transforms 3 s;
    see scripts/subset-fonts.sh.)"""
    if digest not in _unwrapped:
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), recalcTimestamp=False)
        font.flavor = font.flavorData = None
        out = io.BytesIO()
        font.save(out)
        _unwrapped[digest] = out.getvalue()
    return _unwrapped[digest]


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
                    found[path] = file_hash(url_fetcher.files[path])
            return found

        def seal(self) -> None:
            """After a render: the families it loaded may not receive new faces any more."""
            self.sealed = {family for family, _ in self.faces.values()}

        def still_valid(self, files: dict[str, str]) -> bool:
            for _family, deps in self.faces.values():
                for path, digest in deps.items():
                    local = files.get(path)
                    if local is None or file_hash(local) != digest:
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


# --- characters the fonts cannot print ---------------------------------------------------------
#
# A character that none of the stylesheet's fonts holds would print as an empty box, and WeasyPrint
# would warn in English (a strict build would stop). The PDF prints « \ufffd » in its place instead;
# `infopsoc check` names the character, its file and line (content/checks/printable.py, same rule).

def print_fonts_coverage(files: dict[str, str]) -> frozenset[int] | None:
    """The code points the print stylesheet's fonts hold, from the site's files (None: no stylesheet)."""
    local = files.get(STYLESHEET)
    if local is None:
        return None
    fonts = stylesheet_fonts(STYLESHEET, Path(local).read_text(encoding="utf-8"))
    return coverage(Path(files[path]) for path in fonts if path in files)


def with_printable_text(html: str, covered: frozenset[int] | None) -> str:
    """The print document with every character the fonts cannot print replaced, in the body only
    (the head's title and description are the PDF's metadata, which needs no font)."""
    if not covered:
        return html
    start = html.find("<body")
    return html if start < 0 else html[:start] + printable(html[start:], covered)


# --- memory ------------------------------------------------------------------------------------
#
# WeasyPrint lays a document out whole, and keeps a box for each of its elements in memory: about
# 40 kB an element measured (a list of 4 000 items: 267 MB in the worker; a table of 20 000 rows:
# 1.6 GB). Two bounds, whatever the source looks like (``check`` refuses a bulletin's tables past
# 1 000 rows and a source that counts more than MAX_ELEMENTS, content/checks/markup.py, but inline
# marks it does not count, emphasis or links, make elements too): a print document past MAX_ELEMENTS is not sent to WeasyPrint, and a worker process may not hold
# more than WORKER_MEMORY_MB (a render past it stops with MemoryError instead of taking the machine's).

#: Elements a print document may hold (``check`` counts them in the source first: one bound, two places
#: that apply it)
MAX_ELEMENTS = MAX_PRINT_ELEMENTS
#: The data (Python's objects, WeasyPrint's boxes) a PDF worker process may hold, in MB; a machine
#: with less memory to spare sets ``INFOPSOC_PDF_MEMORY_MB``.
WORKER_MEMORY_MB = 1024


def worker_memory_mb() -> int:
    given = os.environ.get("INFOPSOC_PDF_MEMORY_MB", "")
    return int(given) if given.isdigit() and int(given) > 0 else WORKER_MEMORY_MB

_START_TAG = re.compile(r"<[A-Za-z]")

_WHAT_TO_DO = TOO_LARGE_WHAT_TO_DO


def elements(document: PrintDocument) -> int:
    """How many elements the print document holds (its start tags)."""
    return len(_START_TAG.findall(document.html))


def too_large(document: PrintDocument, source: str | None = None) -> str | None:
    """A French message when the document is too large to be laid out within the memory bound."""
    count = elements(document)
    if count <= MAX_ELEMENTS:
        return None
    return (f"{source or document.slug} : PDF non fait, le bulletin est trop long pour être mis en page "
            f"({count} éléments : paragraphes, éléments de liste, lignes et cases de tableau ; au plus {MAX_ELEMENTS})"
            f" — {_WHAT_TO_DO}")


def out_of_memory(document_or_slug: "PrintDocument | str", source: str | None = None) -> str:
    """A French message for a render that went past the worker's memory (or whose worker died)."""
    slug = document_or_slug if isinstance(document_or_slug, str) else document_or_slug.slug
    return (f"{source or slug} : PDF non fait, sa mise en page a dépassé la mémoire permise "
            f"({worker_memory_mb()} Mo) — {_WHAT_TO_DO}")


def limit_worker_memory() -> None:
    """In a PDF worker process, when it starts: at most :func:`worker_memory_mb` of data (Linux
    counts every private allocation against ``RLIMIT_DATA``); an allocation past it fails (MemoryError)."""
    import resource

    wanted = worker_memory_mb() * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


# --- rendering ---------------------------------------------------------------------------------



# WeasyPrint's messages, in English, as staff read them: what a bulletin's content can cause is said
# in French; anything else is named a problem of the PDF's layout, WeasyPrint's words kept for the
# person who maintains the site.
_IN_FRENCH = [
    (re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)" \((U\+[0-9A-F]+)\)$', re.S),
     "le caractère « {0} » ({1}) n'a pas de glyphe dans les polices du PDF : remplacez-le par un caractère courant"),
    (re.compile(r"^This row has more columns than the table, ignored (\d+) cells?$"),
     "une ligne d'un tableau a plus de colonnes que son en-tête ({0} cellule(s) laissée(s) de côté) :"
     " ajoutez la colonne à l'en-tête ou retirez la cellule en trop"),
    (re.compile(r"^Anchor defined twice: '?(.*?)'?$"),
     "l'ancre « {0} » est définie deux fois : donnez un autre identifiant (ou titre) à l'une des deux"),
    (re.compile(r"^Using fontTools instead of HarfBuzz-Subset for font \"?(.*?)\"?\..*$", re.S),
     "la bibliothèque système HarfBuzz-Subset manque sur cette machine (paquet libharfbuzz-subset0) : installez-la"
     " avec « sudo tools/system/install.sh build », ou construisez sans les PDF avec INFOPSOC_PDF=0"),
    (re.compile(r"^Failed to load image at '?(.*?)'?: (.*)$", re.S),
     "l'image « {0} » n'a pas pu être lue : vérifiez son adresse et son format (PNG, JPEG, SVG)"),
]


def in_french(message: str) -> str:
    """A WeasyPrint message as staff read it (see ``_IN_FRENCH``)."""
    for pattern, text in _IN_FRENCH:
        match = pattern.match(message.strip())
        if match:
            return text.format(*match.groups())
    return f"problème de mise en page du PDF (pour la personne qui entretient le site, WeasyPrint dit : {message})"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(in_french(record.getMessage()))


def lay_out(document: PrintDocument, site_url: str, files: dict[str, str], fetcher=None,
            stylesheets: list | None = None, font_config=None) -> "weasyprint.document.Document":  # noqa: F821
    """The laid-out pages (WeasyPrint's boxes), before any PDF is written."""
    fetcher = fetcher or _site_fetcher_class()(site_url, files)
    text = with_printable_text(document.html, print_fonts_coverage(files))
    html = weasyprint_module().HTML(string=text, base_url=document.base_url, url_fetcher=fetcher)
    return html.render(font_config=font_config, stylesheets=stylesheets, pdf_variant=PDF_VARIANT)


# --- performance ---
@contextmanager
def collector_paused():
    """Python's cycle collector paused while a PDF is made, then run once on what it made.

    A render makes about a million objects and lets go of most of them only at its end; the collector,
    which runs every 700 new objects, walks them again and again meanwhile (10-15 % of a render,
    measured). Paused, every object made is in its youngest generation, and one collection of that
    generation takes the render's garbage without walking the rest of the process. The cost: that
    garbage waits for the end of the render (+30 MB for a document at ``MAX_ELEMENTS``, measured;
    the worker's bound, ``WORKER_MEMORY_MB``, still applies)."""
    if not gc.isenabled():  # paused by the caller: left as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def render(document: PrintDocument, site_url: str, files: dict[str, str]) -> Rendered:
    """Render one print document; WeasyPrint's warnings and errors are returned, not logged.

    Uses this process's shared font configuration (see ``_shared_fonts``): the bytes are the same
    as with a fresh one."""
    logger = weasyprint_module().LOGGER
    while True:
        fonts = _shared_fonts(files)
        fetcher = _site_fetcher_class()(site_url, files)
        capture = _Capture()
        logger.addHandler(capture)
        propagate, logger.propagate = logger.propagate, False
        try:
            with collector_paused():
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
