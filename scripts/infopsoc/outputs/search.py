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

Pages are added one at a time in the order of their paths, so that the same pages give the same
index, byte for byte (``check_reproducible`` in the tests and the benchmark). Only the files the
reader's browser uses are kept: Pagefind's own ready-made interfaces are removed (the site has its
own, ``theme/assets/javascripts/infopsoc-search.js``).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import lxml.html

from infopsoc.content.model import Site
from infopsoc.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, strings
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


_EXCLUDED = " | ".join([".//*[@data-search-exclude]", *map(_with_class, ("headerlink", "ip-pdf-link", "md-source-file"))])


@dataclass(frozen=True)
class IndexReport:
    pages: int          # pages in the index
    bytes: int          # size of the bundle on disk
    seconds: float      # Pagefind's time, reading included


def fold(text: str) -> str:
    """Text without case or accents, with single spaces (what Pagefind compares, roughly)."""
    decomposed = unicodedata.normalize("NFD", text.replace("’", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


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


def for_index(html: str, document: Document, site: Site, lang: str) -> str | None:
    """The copy of a built page that Pagefind reads; None for a page without an article."""
    tree = lxml.html.document_fromstring(html)
    found = tree.xpath(_with_class("md-content__inner").replace(".//*", "//article"))
    if not found:
        return None
    article = found[0]
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
    terms = site.glossary.terms(document.lang)
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
    return lxml.html.tostring(tree, encoding="unicode")


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

def index_language(site_dir: Path, site: Site, lang: str) -> IndexReport:
    """Index ``lang``'s built folder into ``<folder>/pagefind/``, replacing an earlier index.

    The copies made for the index are written to a temporary folder, at their pages' places, and
    Pagefind's command reads them there (its Python interface waits a tenth of a second for each
    page: 100 s at 1 000 bulletins). Raises ``SearchIndexError`` when Pagefind fails.
    """
    start = time.perf_counter()
    bundle = site_dir / SEARCH_BUNDLE
    if (bundle / "pagefind-entry.json").is_file():
        shutil.rmtree(bundle)  # an earlier index of ours (a build into the same folder)
    count = 0
    with tempfile.TemporaryDirectory(prefix="infopsoc-search-") as scratch:
        for document in documents(site_dir, site, lang):
            html = for_index(document.path.read_text(encoding="utf-8"), document, site, lang)
            if html is None:
                continue
            target = Path(scratch, document.url.strip("/"), "index.html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
            count += 1
        command = [sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(bundle),
                   "--force-language", lang, "--silent"]
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind n'a pas pu indexer le site ({lang}) : {done.stderr.strip() or done.stdout.strip()}")
    kept = _KEPT.pattern.replace("{lang}", re.escape(lang))
    for path in sorted(bundle.rglob("*"), reverse=True):
        rel = path.relative_to(bundle).as_posix()
        if path.is_file() and not re.match(kept, rel):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    return IndexReport(count, size, time.perf_counter() - start)


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
    }
