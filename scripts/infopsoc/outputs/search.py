"""The site's search: one Pagefind index per language, fetched by the reader's browser per query.

Pagefind (the ``pagefind`` package and its binary, ``pagefind-bin``) cuts the index into
fragments that the browser fetches only for the words of a query: a page downloads no index
before a search, and a first search downloads the words it asks for, not the archive. Words are
matched without case or accents and stemmed in the page's language (French: ``financements``
finds ``financement``).

This module reads the built pages of one language and hands Pagefind, for each page, a copy made
for the index (the pages on disk are not changed):

- the article only (``data-pagefind-body``): menus, footers and drafts are never indexed, nor the
  search page, nor the 404 page;
- a bulletin's number and date (its kicker) as the result's label;
- the glossary both ways, as low-weight words: a page that uses an acronym is found by the
  acronym's expansion (``ministère de la santé`` finds the pages that say MSSS), a page that
  spells an expansion out is found by its acronym; a term's own page weighs its name most, so
  it comes first for its acronym;
- on the English site, the French bulletins that have no translation, marked as French.

Pagefind gives the same pages the same index, byte for byte (test_search, test_reproducible).
Only the files the reader's browser uses are kept: Pagefind's own ready-made interfaces are
removed (the site has its own interface, ``theme/assets/javascripts/infopsoc-search.js``).

What it costs the build (``start_index``): the copies are kept in ``.cache/search/<lang>/`` and a
page is read again only when its article, address or glossary changed; when no copy changed, the
previous build's index is copied back; otherwise Pagefind runs over every copy, started before the
PDFs are waited for, so that the two overlap.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import lxml.html

from infopsoc.content.glossary import COMMON_WORDS
from infopsoc.content.model import Site
from infopsoc.core import memo
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, strings
from infopsoc.core.text import fold
from infopsoc.core.urls import SEARCH_BUNDLE, SEARCH_PAGE_URI, language_prefix, page_url

#: what the browser of a reader uses, in the folder Pagefind writes (the rest is removed)
_KEPT = re.compile(r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta"
                   r"|wasm\.{lang}\.pagefind|(index|fragment|filter)/.+)$")
#: the weight of the glossary's words added to a page (Pagefind's default is 1; a title, 7)
SYNONYM_WEIGHT = "0.5"
#: the weight of a term's name on its own page
TERM_TITLE_WEIGHT = "10"
#: left out of the index: what Material's search skipped (``data-search-exclude``: lists of other
#: pages, the « Quelques acronymes » box, whose words the glossary adds with a low weight),
#: permalinks, the PDF link, the page's dates
def _with_class(name: str) -> str:
    """An XPath to the elements under the current one that have the class ``name``."""
    return f'.//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'


#: where Material's page puts its article (one per page)
_ARTICLE = '<article class="md-content__inner'
_EXCLUDED = " | ".join([".//*[@data-search-exclude]", *map(_with_class, ("headerlink", "ip-pdf-link", "md-source-file"))])


@dataclass(frozen=True)
class IndexReport:
    pages: int          # pages in the index
    bytes: int          # size of the bundle on disk
    seconds: float      # the time the build spent on it: the copies, and waiting for Pagefind
    reused: bool = False  # the previous build's index, for the same pages (start_index)


# --- the pages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Document:
    url: str            # the address Pagefind gives the result ("/bulletins/info-psoc-03/")
    path: Path          # the built page
    lang: str           # the language the page is written in


def documents(site_dir: Path, site: Site, lang: str) -> list[Document]:
    """The built pages of ``lang``'s folder that go into its index, in path order.

    Other languages' folders, the index's own folder and pages without an article are left out
    (``for_index``), and so are drafts, whatever the build was asked to show.
    """
    skipped = tuple(language_prefix(other) for other in LANGUAGES if other != lang and language_prefix(other))
    drafts = {page_url(b.src_uri) for b in site.bulletins if b.draft and b.lang == lang}
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel.startswith(skipped + (SEARCH_BUNDLE + "/",)) or not rel.endswith("index.html"):
            continue  # 404.html and the files of other languages and of the index itself
        url = rel[: -len("index.html")]
        if url in drafts or url == page_url(SEARCH_PAGE_URI):
            continue
        found.append(Document("/" + url, path, lang))
    if lang != DEFAULT_LANGUAGE:
        found += _untranslated(site_dir, site, lang)
    return found


def _untranslated(site_dir: Path, site: Site, lang: str) -> list[Document]:
    """The French bulletins without a version in ``lang``, from the French site's folder
    (built first, beside this one): the English search says when one of them matches."""
    depth = language_prefix(lang).count("/")
    french_dir = site_dir.joinpath(*[".."] * depth).resolve()
    translated = {b.slug for b in site.bulletins_in(lang)}
    found = []
    for bulletin in site.bulletins_in(DEFAULT_LANGUAGE):
        path = french_dir / page_url(bulletin.src_uri) / "index.html"
        if bulletin.slug not in translated and path.is_file():
            # at its French address, which no page of this language takes: the result's
            # « lang » says the search page to find it from the French site's root
            found.append(Document("/" + page_url(bulletin.src_uri), path, DEFAULT_LANGUAGE))
    return found


def for_index(html: str, document: Document, site: Site, lang: str, terms: list | None = None) -> str | None:
    """The copy of a built page that Pagefind reads: its article alone, in a bare document (the
    menus, header and footer are never indexed: Pagefind need not read them); None for a page
    without an article. ``terms``: the glossary of the page's language, when the caller has it."""
    start = html.find(_ARTICLE)
    end = html.rfind("</article>")
    if start < 0 or end < start:
        return None
    article = lxml.html.fragment_fromstring(html[start:end + len("</article>")])
    article.set("data-pagefind-body", "")
    for element in article.xpath(_EXCLUDED):
        if element.getparent() is not None:
            _drop_section(element)
    heading = next(iter(article.iter("h1")), None)
    # the page's own kicker (a bulletin's number and date, « Glossaire ») comes before its title;
    # the archive's cards have theirs after it
    order = {element: n for n, element in enumerate(article.iter())}
    for kicker in article.xpath(_with_class("ip-kicker"))[:1]:
        if heading is None or order[kicker] < order[heading]:
            kicker.set("data-pagefind-meta", "kicker")
    if heading is not None:
        heading.set("data-pagefind-meta", "title")
    terms = site.glossary.terms(document.lang) if terms is None else terms
    own = {page_url(term.src_uri) for term in terms}
    if heading is not None and document.url.lstrip("/") in own:
        heading.set("data-pagefind-weight", TERM_TITLE_WEIGHT)
    if document.lang != lang:
        marker = lxml.html.Element("span")
        marker.set("data-pagefind-meta", f"lang:{document.lang}")
        article.append(marker)
    words = glossary_words(article, terms)
    if words:
        extra = lxml.html.Element("p")
        extra.set("data-pagefind-weight", SYNONYM_WEIGHT)
        extra.text = " · ".join(words)
        article.append(extra)
    body = lxml.html.tostring(article, encoding="unicode")
    return f'<!DOCTYPE html>\n<html lang="{document.lang}"><head><meta charset="utf-8"></head><body>{body}</body></html>\n'


def _drop_section(element) -> None:
    """Drop an element; for a heading, its whole section too, as Material's search did for
    ``data-search-exclude`` (an archive card, « Dans les bulletins », the glossary's letters)."""
    level = int(element.tag[1]) if re.fullmatch(r"h[1-6]", str(element.tag)) else None
    if level is not None:
        sibling = element.getnext()
        while sibling is not None and not (re.fullmatch(r"h[1-6]", str(sibling.tag)) and int(sibling.tag[1]) <= level):
            following = sibling.getnext()
            sibling.drop_tree()
            sibling = following
    element.drop_tree()


def glossary_words(article, terms: Iterable) -> list[str]:
    """What the glossary adds to a page: the expansion of each acronym it uses (its ``<abbr>``),
    and the names of each term whose expansion it spells out. Sorted, without repeats."""
    words: set[str] = set()
    for abbr in article.iter("abbr"):
        title = (abbr.get("title") or "").strip()
        if title:
            words.add(title)
    pattern, names = _expansions(tuple((tuple(term.names), term.expansion) for term in terms))
    if pattern is not None:
        for found in pattern.finditer(fold(article.text_content())):
            words.update(names[found.group(0)])
    return sorted(words, key=lambda word: (fold(word), word))


@functools.lru_cache(maxsize=8)
def _expansions(terms: tuple) -> tuple[re.Pattern | None, dict[str, list[str]]]:
    """One pattern for every folded expansion of a glossary (longest first), and their terms' names:
    a page's text is read once, whatever the size of the glossary."""
    names: dict[str, list[str]] = {}
    for term_names, expansion in terms:
        if fold(expansion):
            names.setdefault(fold(expansion), []).extend(term_names)
    if not names:
        return None, names
    choices = "|".join(re.escape(e) for e in sorted(names, key=lambda e: (-len(e), e)))
    return re.compile(rf"(?<!\w)(?:{choices})(?!\w)"), names


# --- the index ---------------------------------------------------------------------------

def index_language(site_dir: Path, site: Site, lang: str, cache_dir: Path | None = None) -> IndexReport:
    """Index ``lang``'s built folder into ``<folder>/pagefind/``, replacing an earlier index
    (``start_index``, then waiting for it). Raises ``SearchIndexError`` when Pagefind fails."""
    return start_index(site_dir, site, lang, cache_dir).finish()


def start_index(site_dir: Path, site: Site, lang: str, cache_dir: Path | None = None) -> "IndexJob":
    """Make the copies of ``lang``'s pages that Pagefind reads, and start Pagefind on them without
    waiting (the build goes on meanwhile: the PDFs, the feeds); ``IndexJob.finish`` waits.

    The copies are written at their pages' places in a folder that Pagefind's command reads (its
    Python interface waits a tenth of a second for each page: 100 s at 1 000 bulletins). With a
    ``cache_dir`` (the build's ``.cache/search``) the folder is kept between builds: a page whose
    article, address and glossary are unchanged keeps its copy without being read again, and when
    no copy changed at all the index of the previous build is reused (Pagefind gives the same
    pages the same index, byte for byte); otherwise Pagefind indexes every copy again.
    """
    return IndexJob(site_dir, site, lang, cache_dir)


class IndexJob:
    """One language's index being made (see ``start_index``)."""

    def __init__(self, site_dir: Path, site: Site, lang: str, cache_dir: Path | None) -> None:
        self.start = time.perf_counter()
        self.spent = 0.0
        self.bundle = site_dir / SEARCH_BUNDLE
        self.lang = lang
        self.reused = False
        self.process: subprocess.Popen | None = None
        self._scratch = None
        if (self.bundle / "pagefind-entry.json").is_file():
            shutil.rmtree(self.bundle)  # an earlier index of ours (a build into the same folder)
        if cache_dir is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="infopsoc-search-")
            folder, self.saved = Path(self._scratch.name), None
        else:
            folder, self.saved = cache_dir / lang / "pages", cache_dir / lang / "bundle"
        self.manifest_file = None if cache_dir is None else cache_dir / lang / "manifest.json"
        manifest = _read_manifest(self.manifest_file)
        self.pages, self.key = _prepare(site_dir, site, lang, folder, manifest.get("pages", {}))
        if self.saved is not None and manifest.get("bundle") == self.key and (self.saved / "pagefind-entry.json").is_file():
            shutil.copytree(self.saved, self.bundle)
            self.reused = True
            self._remember(self.key)
            self.spent = time.perf_counter() - self.start
            return
        self._remember(None)  # the copies are written; the kept index no longer matches them
        command = [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(self.bundle),
                   "--force-language", lang, "--silent"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.spent = time.perf_counter() - self.start

    def finish(self) -> IndexReport:
        """Wait for Pagefind, keep only what a reader's browser uses, remember the index."""
        waiting = time.perf_counter()
        try:
            if self.process is not None:
                out, err = self.process.communicate()
                if self.process.returncode != 0:
                    raise SearchIndexError(f"Pagefind n'a pas pu indexer le site ({self.lang}) : {err.strip() or out.strip()}")
                _prune(self.bundle, self.lang)
                if self.saved is not None:
                    shutil.rmtree(self.saved, ignore_errors=True)
                    shutil.copytree(self.bundle, self.saved)
                self._remember(self.key)
        finally:
            self.cancel()
        size = sum(p.stat().st_size for p in self.bundle.rglob("*") if p.is_file())
        return IndexReport(len(self.pages), size, self.spent + time.perf_counter() - waiting, self.reused)

    def _remember(self, bundle: str | None) -> None:
        """Write the cache's manifest: each copy's fingerprints, and which set the kept index is of."""
        if self.manifest_file is not None:
            self.manifest_file.parent.mkdir(parents=True, exist_ok=True)
            pages = {url: [source, copy] for url, (source, copy) in self.pages.items()}
            self.manifest_file.write_text(json.dumps({"pages": pages, "bundle": bundle}, sort_keys=True), encoding="utf-8")

    def cancel(self) -> None:
        """Stop Pagefind if it still runs (the build failed meanwhile) and drop the temporary copies."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def _read_manifest(path: Path | None) -> dict:
    """What the previous build left in the cache (``{}`` when nothing usable is there)."""
    if path is None or not path.is_file():
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) and isinstance(found.get("pages"), dict) else {}


def _prepare(site_dir: Path, site: Site, lang: str, folder: Path, known: dict) -> tuple[dict, str]:
    """Write into ``folder`` the copy of each page of the index (``for_index``), remove the copies
    of pages gone; a page whose source is unchanged since ``known`` keeps its copy. Returns
    ``{address: (source fingerprint, copy fingerprint)}`` and the fingerprint of the whole set."""
    glossaries = {code: site.glossary.terms(code) for code in LANGUAGES}
    context = {code: fingerprint(memo.code_version(), _pagefind_version(), lang, code,
                                 *(f"{t.src_uri}\t{t.expansion}\t{chr(31).join(t.names)}" for t in terms))
               for code, terms in glossaries.items()}
    pages: dict[str, tuple[str, str]] = {}
    for document in documents(site_dir, site, lang):
        html = document.path.read_text(encoding="utf-8")
        start, end = html.find(_ARTICLE), html.rfind("</article>")
        source = fingerprint(context[document.lang], document.url, html[start:end] if 0 <= start < end else "")
        target = folder / document.url.strip("/") / "index.html"
        earlier = known.get(document.url)
        if isinstance(earlier, list) and len(earlier) == 2 and earlier[0] == source and target.is_file():
            pages[document.url] = (source, earlier[1])
            continue
        copy = for_index(html, document, site, lang, glossaries[document.lang])
        if copy is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(copy, encoding="utf-8")
        pages[document.url] = (source, fingerprint(copy))
    # the copies of pages that are no longer in the index (a page removed, now a draft)
    kept = {folder / url.strip("/") / "index.html" for url in pages}
    for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else []:
        if path.is_file() and path not in kept:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    # the index of these copies, as this code keeps it (_KEPT) and this Pagefind makes it
    return pages, fingerprint(memo.code_version(), _pagefind_version(), lang,
                              *(f"{url}\t{copy}" for url, (_, copy) in sorted(pages.items())))


def _prune(bundle: Path, lang: str) -> None:
    """Remove what Pagefind writes that a reader's browser never fetches (its ready-made interfaces)."""
    kept = _KEPT.pattern.replace("{lang}", re.escape(lang))
    for path in sorted(bundle.rglob("*"), reverse=True):
        rel = path.relative_to(bundle).as_posix()
        if path.is_file() and not re.match(kept, rel):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


@functools.cache
def _pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class SearchIndexError(RuntimeError):
    """Pagefind failed: the build stops (the message says which language)."""


# --- what the search page and the header need --------------------------------------------

def ui_settings(lang: str) -> dict:
    """The search form's words and places, for the templates (the search page's script reads
    them from its ``data-`` attributes)."""
    words = strings(lang)
    return {
        "page": page_url(SEARCH_PAGE_URI),
        "bundle": SEARCH_BUNDLE + "/",
        # from this language's root to the French site's root (results in French on /en/)
        "to_default_root": "../" * language_prefix(lang).count("/"),
        "lang": lang,
        "words": {key.removeprefix("search_"): value for key, value in words.items()
                  if key.startswith("search_") and key != "search_dialog"},
        # « de », « la », « the »…: left out of a query that has other words, and never marked in
        # an excerpt (« ministère de la santé » marked every « de » of a page, and Pagefind chose its
        # excerpts by them). The glossary's list of words a text is made of, folded.
        "minor": sorted(COMMON_WORDS),
    }
