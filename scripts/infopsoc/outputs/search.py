"""The site's search: one index per language, made by this module, fetched by the reader's browser
word by word (``theme/assets/javascripts/infopsoc-search.js`` reads it).

What a reader downloads is what a query asks for, never the archive: no page fetches anything of
the index before a search, and a first search fetches, for each of its words, one slice of the
word list and the one file of that word's family; then, for each result shown, the file of its
best section. A word found in every one of 1 000 bulletins costs a few kilobytes (the index keeps,
for each page, a score and the place of its best section, not each place of the word).

Pages are indexed by section: the text before a page's first heading (its title and opening),
then each heading with an id (a bulletin's parts, a timeline entry); a long section is cut in
pieces of ``PIECE_CHARS``. The script ranks a page by its best section for the query, links the
result to it and cuts the excerpt from that section's file, so that a short glossary page does not
pass the page that is about the query, and a result never fetches a whole long page.

Words are compared without case or accents (« regionalisation » finds « régionalisation »,
« oeuvre » finds « œuvre ») and by family: the index stems each word in the index's language
(Snowball, the ``snowballstemmer`` package), and its word list gives the family of every form the
pages hold, so that the browser needs no stemmer (« financements » finds « financement »; a form
no page holds is looked up without its plural ending, then as the start of longer words, then as a
typo: the nearest forms of its slice). A form that is exactly the one typed, accents included,
ranks first. The script's rules for cutting and folding words are this module's (``WORD``,
``words``, ``folded``): tests/test_search.py runs both on the same texts.

The folder ``<language>/<SEARCH_BUNDLE>/`` (every file JSON, UTF-8, keys sorted):

- ``meta.json``: ``{"version", "lang", "pages", "sections": [[sections a page has, pages]…],
  "shards": {prefix: n}}``, and on the default language's ``"missing": {language: [[first page,
  last page]…]}`` (its bulletins that language has no version of, which that language's search
  shows from this index: they are indexed once), on the others' ``"also": {language: path to its
  bundle}``;
- ``mots/<n>.json``: a slice of the word list, ``{"w": {folded form: "family id[ family id…]"},
  "f": {family id: family}}``: the forms whose longest prefix among ``shards`` is that slice's
  (a slice is cut by the next letter past ``SHARD_FORMS`` forms, as deep as it takes), and the
  families of ``INLINE_PAGES`` pages or fewer that they belong to;
- ``familles/w-<family id>.json``: the other families, each ``{form as written, lowercase: [page,
  score, section, page, score, section…]}``, page numbers as differences from the previous one,
  ``section`` the place of the page's best section for the form among the page's sections, scores
  whole numbers on a 9 % scale (BM25 of the family in the section, shared among its forms as they
  occur, plus a bonus when the page's title holds it); a form the glossary added to a section
  (below) is written with ``GLOSSARY_MARK`` before it;
- ``sections/<n>.json``: ``{"url", "title", "kicker", "page", "anchor", "heading", "text"}``, the
  sections numbered in the pages' order: what a result shows and its excerpt is cut from.

What goes into a page's entry (``extract``): its article only (menus, footers, the lists of other
pages, marked ``data-ip-search-exclude``: ``core.html.SEARCH_EXCLUDE``), never drafts, the search page or
the 404 page; a bulletin's number and date (its kicker) as the result's label and as words of its
opening; the glossary both ways, as low-weight words of the section they are in (a section that
uses an acronym is found by its expansion, one that spells an expansion out by its acronym); a
term's own page weighs its name most (and an acronym's page its expansion as a title), so it comes
first for its acronym.

What it costs a build: a page's entry is kept between builds (``core.memo``) while its article,
address and glossary are the same; the index is made again from the entries (a fraction of a
second at 1 000 bulletins), or taken whole from the cache when no entry changed. The cache keeps
each file once, by its bytes (``IndexStore``): after an edit, only the files whose bytes changed
are written (scores are whole numbers: one page's edit changes a few dozen of ~5 000 files), the
others are the kept ones, and the site links to them. The same pages give the same files, byte
for byte. The search page's script is served without its
comments (``compact``).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import hashlib
import json
import marshal
import math
import os
import pickle
import re
import select
import shutil
import signal
import sys
import threading
import time
import traceback
import unicodedata
from collections import Counter, defaultdict
from itertools import chain
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

import lxml.html
import snowballstemmer

from infopsoc.content.glossary import COMMON_WORDS
from infopsoc.content.model import Site
from infopsoc.core import memo
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.html import SEARCH_EXCLUDE
from infopsoc.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, counted, strings
from infopsoc.core.processes import die_with_parent
from infopsoc.core.text import fold
from infopsoc.core.urls import SEARCH_BUNDLE, SEARCH_PAGE_URI, language_prefix, page_url
from infopsoc.outputs.base import Needs

#: the index's format (``meta.json``); the script refuses another
FORMAT_VERSION = 2
#: the weight of a word by where it is (a word of the text: 1)
TITLE_WEIGHT = 7.0
TERM_TITLE_WEIGHT = 10.0   # a term's name on its own page
HEADING_WEIGHT = 3.0
KICKER_WEIGHT = 4.0        # a bulletin's number and date
SYNONYM_WEIGHT = 0.5       # the glossary's words added to a section
#: a glossary's word is written in a family's file with this mark before it (the script counts it
#: less than the words a page holds, and a phrase never matches it)
GLOSSARY_MARK = "~"
#: a section's text longer than this is cut in pieces (each piece is a file a result fetches)
PIECE_CHARS = 1500
#: words longer than this are not indexed (no reader types them; they made slices huge)
MAX_WORD = 40
#: BM25's constants (Robertson's usual values), and the bonus of a family found in the title, shared
#: among the title's families (a term's own page gets twice as much), in units of BM25's term part
K1, B, TITLE_BONUS = 1.2, 0.75, 1.0
#: the rarity a family's scores are counted with at least (scores are whole numbers)
MIN_RARITY = 0.1
#: a slice of the word list is cut by the next letter past this many forms
SHARD_FORMS = 400
#: a family found on this many pages or fewer is written in the slices of its forms, not in a file
#: of its own (most words of an archive are on a few pages: a file each was most of the build's
#: writing, and a second request for the reader)
INLINE_PAGES = 8
#: Snowball's stemmer for each language of the site
STEMMERS = {"fr": "french", "en": "english"}

#: a word of a text: letters, digits and their marks (the script cuts a query the same way)
WORD = re.compile(r"[^\W_][\w\u0300-\u036f]*")
#: letters that are two (the script replaces them the same way before folding)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
#: an id a family file can be named by; others are named by a hash
_PLAIN_ID = re.compile(r"[a-z0-9]{1,40}")


def _with_class(name: str) -> str:
    """An XPath to the elements under the current one that have the class ``name``."""
    return f'.//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'


#: where Material's page puts its article (one per page)
_ARTICLE = '<article class="md-content__inner'
#: left out of the index: what the templates mark (``core.html.SEARCH_EXCLUDE``: lists of other
#: pages, the « Quelques acronymes » box, whose words the glossary adds with a low weight),
#: permalinks, the PDF link, the page's dates
_EXCLUDED = " | ".join([f".//*[@{SEARCH_EXCLUDE}]", *map(_with_class, ("headerlink", "ip-pdf-link", "md-source-file"))])
#: elements after which a text goes on on another line (their words never join the next ones)
_BLOCKS = frozenset("p li dt dd div section blockquote pre table tr td th ul ol dl figure figcaption br h1 h2 h3 h4 h5 h6 aside details summary".split())


@dataclass(frozen=True)
class IndexReport:
    pages: int          # pages in the index
    bytes: int          # size of the index's files
    seconds: float      # the time the build spent on it (reading the pages, then waiting for the files)
    reused: bool = False  # the previous build's index, for the same pages (IndexJob)
    files: int = 0      # files in the index
    written: int = 0    # of which written by this build (the others kept, with the same bytes)

# --- the pages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Document:
    url: str            # the address of the result ("/bulletins/info-psoc-03/")
    path: Path          # the built page
    lang: str           # the language the page is written in


def documents(site_dir: Path, site: Site, lang: str, unwritten: Mapping[str, Path] | None = None) -> list[Document]:
    """The built pages of ``lang``'s folder that go into its index, in path order; ``unwritten``: pages
    not written yet, by their path from the site's root, and the file that will be put there (read
    in its place).

    Other languages' folders, the index's own folder and pages without an article are left out
    (``for_index``), and so are drafts, whatever the build was asked to show. The bulletins not
    translated into ``lang`` are not indexed again here: ``untranslated``.
    """
    skipped = tuple(language_prefix(other) for other in LANGUAGES if other != lang and language_prefix(other))
    drafts = {page_url(b.src_uri) for b in site.bulletins if b.draft and b.lang == lang}
    pages = {path.relative_to(site_dir).as_posix(): path for path in site_dir.rglob("*.html")}
    pages.update({rel: Path(path) for rel, path in (unwritten or {}).items() if rel.endswith(".html")})
    found = []
    for rel, path in sorted(pages.items(), key=lambda item: item[0].split("/")):  # as paths sort
        if rel.startswith(skipped + (SEARCH_BUNDLE + "/",)) or not rel.endswith("index.html"):
            continue  # 404.html and the files of other languages and of the index itself
        url = rel[: -len("index.html")]
        if url in drafts or url == page_url(SEARCH_PAGE_URI):
            continue
        found.append(Document("/" + url, path, lang))
    return found


def untranslated(site: Site, lang: str) -> dict[str, list[str]]:
    """For each other language, the addresses of ``lang``'s bulletins that have no version in it:
    that language's search shows them from this index (they are indexed once, in their own
    language's index). Only the default language's bulletins are shown so."""
    if lang != DEFAULT_LANGUAGE:
        return {}
    missing = {}
    for other in LANGUAGES:
        if other == lang:
            continue
        translated = {b.slug for b in site.bulletins_in(other)}
        missing[other] = sorted("/" + page_url(b.src_uri) for b in site.bulletins_in(lang) if b.slug not in translated)
    return missing


def other_bundles(lang: str) -> dict[str, str]:
    """From ``lang``'s bundle, the path to the default language's bundle (whose untranslated
    bulletins its search shows too)."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    return {DEFAULT_LANGUAGE: "../" * (language_prefix(lang).count("/") + 1) + SEARCH_BUNDLE + "/"}



# --- words -------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """The words of a text, lowercase, as written (accents kept): what the index counts."""
    return WORD.findall(unicodedata.normalize("NFC", text).translate(_LIGATURES).lower())


def folded(word: str) -> str:
    """A word without case or accents: what the word list is looked up by."""
    return fold(word.translate(_LIGATURES))


# --- what a page gives the index ---------------------------------------------------------

def article_of(html: str) -> str | None:
    """A built page's article, as HTML (None for a page without one)."""
    start = html.find(_ARTICLE)
    end = html.rfind("</article>")
    return html[start:end + len("</article>")] if 0 <= start < end else None


def extract(article_html: str, document: Document, site: Site, lang: str, terms: list | None = None) -> dict:
    """What the index keeps of a built page's article (``article_of``): its title and kicker, and
    its sections (the text before the first heading, then each heading with an id: a bulletin's
    parts, a timeline entry), a long one cut in pieces of at most ``PIECE_CHARS``; each with its
    text (the excerpts are cut from it), its words with their weights and the words the glossary
    adds to it. ``terms``: the glossary of the page's language, when the caller has it."""
    article = lxml.html.fragment_fromstring(article_html)
    for element in article.xpath(_EXCLUDED):
        if element.getparent() is not None:
            _drop_section(element)
    for element in article.iter():
        if element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    heading = next(iter(article.iter("h1")), None)
    title = _clean(heading.text_content()) if heading is not None else ""
    # the page's own kicker (a bulletin's number and date, « Glossaire ») comes before its title;
    # the archive's cards have theirs after it
    order = {element: n for n, element in enumerate(article.iter())}
    kicker = ""
    for found in article.xpath(_with_class("ip-kicker"))[:1]:
        if heading is None or order[found] < order[heading]:
            kicker = _clean(found.text_content())
            found.drop_tree()  # shown above the excerpt: its words are counted below, not cut into excerpts
    terms = site.glossary.terms(document.lang) if terms is None else terms
    own = next((term for term in terms if page_url(term.src_uri) == document.url.lstrip("/")), None)
    own_term = own is not None
    # an acronym's page is about its name spelled out: its first part is named by it (the
    # results' order reads it) and weighs its words as a title's
    spelled = own.expansion.strip() if own is not None and own.is_acronym else ""
    sections: list[list] = [["", spelled or title, [], set()]]   # anchor, heading, text parts, acronyms' expansions
    _walk(article, sections)
    units = []
    for anchor, name, parts, expansions in sections:
        text = _clean("".join(parts))
        if anchor and not name and not text:
            continue
        for n, piece in enumerate(_pieces(text)):
            weights = Counter(words(piece))
            if n == 0 and anchor:
                for word in words(name):
                    weights[word] += HEADING_WEIGHT
            elif n == 0:  # the page's first part: its title (in its text already), kicker, expansion
                for word in words(kicker):
                    weights[word] += KICKER_WEIGHT
                for word in words(title):
                    weights[word] += (TERM_TITLE_WEIGHT if own_term else TITLE_WEIGHT) - 1.0
                for word in words(spelled):
                    weights[word] += TITLE_WEIGHT - 1.0
            added = Counter(words(" ".join(glossary_words(piece, expansions if n == 0 else (), terms))))
            units.append(section_entry(anchor, name, piece, weights, added, lang))
    record = {"url": document.url, "title": title, "kicker": kicker, "units": units, "own_term": own_term}
    if document.lang != lang:
        record["lang"] = document.lang
    return record


def section_entry(anchor: str, heading: str, text: str, weights: dict[str, float], added: dict[str, float],
                  lang: str) -> dict:
    """A section of a page's entry: its anchor, heading and text, and its words as the index counts
    them, by family (``"f"``: see :func:`_flat`; a form the glossary added has ``GLOSSARY_MARK``
    before it and weighs ``SYNONYM_WEIGHT`` of a word of the text) and their total (``"n"``). Words
    are put in their families here, once per page, rather than at every build."""
    stem = _stemmer(lang)
    families: dict[str, dict[str, float]] = defaultdict(dict)
    for found, marker, factor in ((weights, "", 1.0), (added, GLOSSARY_MARK, SYNONYM_WEIGHT)):
        for word, weight in sorted(found.items()):
            if len(word) <= MAX_WORD:
                families[folded(stem(word))][marker + word] = weight * factor
    return {"a": anchor, "h": heading, "t": text, "f": _flat(families),
            "n": sum(w for forms in families.values() for w in forms.values())}


def _flat(families: dict[str, dict[str, float]]) -> tuple:
    """A section's families ({family: {form: weight}}) as one flat tuple, ``family, weight, forms``
    after one another: the family's weight (the sum of its forms'), and its form when it has one form
    of that weight (most have), else its ``(form, weight)`` pairs. A kept entry is read back at every
    build that indexes again (a third of the index's time as dictionaries; ``build_index``)."""
    flat: list = []
    for family, forms in families.items():
        weight = sum(forms.values())
        if len(forms) == 1 and next(iter(forms.values())) == weight:
            flat += (family, weight, next(iter(forms)))
        else:
            flat += (family, weight, tuple(forms.items()))
    return tuple(flat)


def _walk(element, sections: list[list]) -> None:
    """Add an element's text to the current section (a heading with an id starts a section), and
    the expansion of each acronym it marks (``<abbr title>``) to the section's."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if re.fullmatch(r"h[2-6]", tag) and element.get("id"):
        sections.append([element.get("id"), _clean(element.text_content()), [], set()])
    else:
        if tag == "abbr" and (element.get("title") or "").strip():
            sections[-1][3].add(element.get("title").strip())
        if element.text and tag:
            sections[-1][2].append(element.text)
        for child in element:
            _walk(child, sections)
    if element.tail:
        sections[-1][2].append(element.tail)


def _pieces(text: str) -> list[str]:
    """A section's text in pieces of at most ``PIECE_CHARS`` characters, cut between words (a
    reader's result fetches one piece, never a whole long page)."""
    pieces = []
    while len(text) > PIECE_CHARS:
        cut = text.rfind(" ", PIECE_CHARS // 2, PIECE_CHARS)
        cut = cut if cut > 0 else PIECE_CHARS
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return pieces + [text]


_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def _clean(text: str) -> str:
    """A text on one line, with single spaces (no-break spaces kept: French typography's)."""
    return _SPACES.sub(" ", text).strip()

def _drop_section(element) -> None:
    """Drop an element; for a heading, its whole section too, as Material's search did for
    ``data-ip-search-exclude`` (an archive card, « Dans les bulletins », the glossary's letters)."""
    level = int(element.tag[1]) if re.fullmatch(r"h[1-6]", str(element.tag)) else None
    if level is not None:
        sibling = element.getnext()
        while sibling is not None and not (re.fullmatch(r"h[1-6]", str(sibling.tag)) and int(sibling.tag[1]) <= level):
            following = sibling.getnext()
            sibling.drop_tree()
            sibling = following
    element.drop_tree()


def glossary_words(text: str, expansions: Iterable[str], terms: Iterable) -> list[str]:
    """What the glossary adds to a part of a page: the ``expansions`` of the acronyms it uses (their
    ``<abbr>``), and the names of each term whose expansion its ``text`` spells out. Sorted, without
    repeats."""
    found: set[str] = set(expansions)
    pattern, names = _expansions(tuple((tuple(term.names), term.expansion) for term in terms))
    if pattern is not None:
        for match in pattern.finditer(fold(text)):
            found.update(names[match.group(0)])
    return sorted(found, key=lambda word: (fold(word), word))


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

def build_index(records: list[dict], lang: str, missing: dict[str, list[str]] | None = None,
                also: dict[str, str] | None = None) -> dict[str, bytes]:
    """The index's files (their paths in the bundle, their bytes) for the pages' entries.

    ``missing``: for each other language, the addresses of the pages of this index that have no
    version in it and that its search shows too (the bulletins not translated), written in
    ``meta.json`` as runs of page numbers. ``also``: for each other language, the path from this
    bundle to that language's bundle, whose ``missing`` pages this language's search shows.
    """
    records = sorted(records, key=lambda record: record["url"])
    family_of: dict[str, str] = {}          # a form as written -> its family (the stem, folded)
    unit_counts: list[tuple] = []           # per section: its families (section_entry's flat tuple)
    lengths, owners, sizes = [], [], []
    mark = GLOSSARY_MARK
    for page, record in enumerate(records):
        sizes.append(len(record["units"]))
        for unit in record["units"]:
            flat = unit["f"]
            triples = iter(flat)
            for family, _weight, forms in zip(triples, triples, triples):
                if forms.__class__ is str:
                    family_of[forms.removeprefix(mark)] = family
                else:
                    for form, _share in forms:
                        family_of[form.removeprefix(mark)] = family
            unit_counts.append(flat)
            lengths.append(unit["n"])
            owners.append(page)
    count = len(unit_counts)
    average = (sum(lengths) / count) if count else 1.0
    rarity = {family: math.log(1 + (count - units + 0.5) / (units + 0.5))
              for family, units in Counter(chain.from_iterable(flat[::3] for flat in unit_counts)).items()}
    # per family, per form: each page's best section for it, as [page, score, section's offset…] (the
    # sections are read in the pages' order: the page of a section is the list's last one, or a new one)
    best: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    firsts, total = [], 0   # each page's first section
    for size in sizes:
        firsts.append(total)
        total += size
    starts = set(firsts)
    # a family of almost every section still ranks them (its rarity is near 0)
    rarity = {family: max(value, MIN_RARITY) for family, value in rarity.items()}
    k1_plus = K1 + 1
    log, step, steps = math.log, _STEP, _STEPS   # _quantized, inlined: this loop runs for every form of every section
    for unit, flat in enumerate(unit_counts):
        page = owners[unit]
        record = records[page]
        offset = unit - firsts[page]
        in_title: set[str] = set()
        bonus = 0.0
        if unit in starts:
            # the title's families, without the words a text is made of: a title that is the word
            # itself (« PSOC ») gets the whole bonus, « Brochure PSOC » half of it
            in_title = {family_of[w] for w in words(record["title"]) if w in family_of and folded(w) not in COMMON_WORDS}
            bonus = TITLE_BONUS * (2 if record.get("own_term") else 1) / max(1, len(in_title))
        norm = K1 * (1 - B + B * lengths[unit] / (average or 1.0))
        triples = iter(flat)
        for family, weight, forms in zip(triples, triples, triples):
            score = weight * k1_plus / (weight + norm) + (bonus if family in in_title else 0.0)
            scaled = 100 * (score * rarity[family])
            kept_family = best[family]
            # (a family of one form of the family's weight is that form alone: ``_flat``)
            for word, share in ((forms, weight),) if forms.__class__ is str else forms:
                value = scaled * share / weight
                value = max(1, round(value)) if value <= 10 else steps[round(log(value) / step)]
                numbers = kept_family[word]
                if not numbers or numbers[-3] != page:
                    numbers += (page, value, offset)
                elif value > numbers[-2]:
                    numbers[-2:] = (value, offset)
    postings = best
    files: dict[str, bytes] = {}
    ids = _family_ids(postings)
    inline = {}  # the families of a few sections: in the slices of the word list that name them
    for family, forms in postings.items():
        data = {word: _deltas(numbers) for word, numbers in forms.items()}
        if len({page for numbers in forms.values() for page in numbers[::3]}) <= INLINE_PAGES:
            inline[ids[family]] = data
        else:
            files[f"familles/w-{ids[family]}.json"] = _json(data)
    vocabulary: dict[str, set[str]] = defaultdict(set)
    for word, family in family_of.items():
        vocabulary[folded(word)].add(ids[family])
    shards = _shards(sorted(vocabulary))
    numbers = {prefix: n for n, prefix in enumerate(sorted(shards))}
    for prefix, forms in shards.items():
        named = {form: " ".join(sorted(vocabulary[form])) for form in forms}
        here = {family: inline[family] for form in forms for family in vocabulary[form] if family in inline}
        files[f"mots/{numbers[prefix]}.json"] = _json({"w": named, "f": here})
    unit = 0
    for page, record in enumerate(records):
        shown = {key: record[key] for key in ("url", "title", "kicker", "lang") if key in record}
        for part in record["units"]:
            files[f"sections/{unit}.json"] = _json({**shown, "page": page, "anchor": part["a"],
                                                     "heading": part["h"], "text": part["t"]})
            unit += 1
    meta = {"version": FORMAT_VERSION, "lang": lang, "pages": len(records), "sections": _runs_of_sizes(sizes),
            "shards": numbers}
    if missing:
        place = {record["url"]: page for page, record in enumerate(records)}
        meta["missing"] = {other: _runs(sorted(place[url] for url in urls if url in place))
                           for other, urls in sorted(missing.items())}
    if also:
        meta["also"] = dict(sorted(also.items()))
    files["meta.json"] = _json(meta)
    return files


def _runs(numbers: list[int]) -> list[list[int]]:
    """Sorted numbers as runs ``[first, last]``: the untranslated bulletins are mostly consecutive."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return runs


def _runs_of_sizes(sizes: list[int]) -> list[list[int]]:
    """How many sections each page has, as ``[size, pages]`` runs (most bulletins have as many)."""
    runs: list[list[int]] = []
    for size in sizes:
        if runs and runs[-1][0] == size:
            runs[-1][1] += 1
        else:
            runs.append([size, 1])
    return runs


@functools.cache
def _stemmer(lang: str):
    """The stem of a word (lowercase, accents kept), remembered."""
    stemmer = snowballstemmer.stemmer(STEMMERS.get(lang, "english"))
    return functools.lru_cache(maxsize=200_000)(stemmer.stemWord)


def _family_ids(postings: dict) -> dict[str, str]:
    """The name of each family's file: the family itself when it is plain letters and digits, else
    a hash of it (the same family always has the same name)."""
    ids = {}
    for family in postings:
        ids[family] = family if _PLAIN_ID.fullmatch(family) else "_" + hashlib.sha256(family.encode("utf-8")).hexdigest()[:20]
    return ids


def _deltas(numbers: list[int]) -> list[int]:
    """[page, score, section, page, score, section…] with each page as its difference from the
    previous one."""
    out, previous = [], 0
    for n in range(0, len(numbers), 3):
        out += [numbers[n] - previous, numbers[n + 1], numbers[n + 2]]
        previous = numbers[n]
    return out


def _quantized(score: float) -> int:
    """A score as a whole number on a scale of about 9 % steps (1, 2, … 10, 11, 12, 13, 15…): the
    order of pages barely changes, and a family's file compresses better."""
    if score <= 10:
        return max(1, round(score))
    return _STEPS[round(math.log(score) / _STEP)]


_STEP = math.log(1.09)
#: each step's whole number, by the step's rank (a score of e^86 is far beyond any: a score is BM25's
#: part, below K1 + 1 and the title's bonus, times a rarity below 20, times 100)
_STEPS = [round(math.exp(rank * _STEP)) for rank in range(1000)]


def _shards(forms: list[str]) -> dict[str, list[str]]:
    """The word list cut into slices by prefix: a slice past ``SHARD_FORMS`` forms is cut again by
    the next letter, as deep as it takes (10 000 words sharing six letters made one slice of
    686 kB when the cutting stopped at six); a form as long as its slice's prefix stays in the
    slice. Each form is in the slice of its longest prefix among the slices."""
    slices: dict[str, list[str]] = {}
    todo = [("", forms)]
    while todo:
        prefix, group = todo.pop()
        if len(group) <= SHARD_FORMS:
            slices[prefix] = group
            continue
        children: dict[str, list[str]] = defaultdict(list)
        here = []
        for form in group:
            (children[form[:len(prefix) + 1]] if len(form) > len(prefix) else here).append(form)
        if here or prefix == "":
            slices[prefix] = here
        todo.extend(children.items())
    return slices


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


#: the search page's script, in a built site (its comments and indentation are a third of what a
#: first search downloads: the site serves it without them, ``SearchScriptOutput``)
SEARCH_SCRIPT = "assets/javascripts/infopsoc-search.js"
_BLOCK_COMMENT = re.compile(r"\A\s*/\*.*?\*/\s*\n", re.S)
#: a comment at the end of a line: after two spaces, with no quote after it (the script's style)
_LINE_END_COMMENT = re.compile(r"  +//[^\n\"'`]*$", re.M)


def compact(script: str) -> str:
    """The search page's script without its comments and indentation: its opening comment, its
    lines that are comments, the comments that end a line after two spaces. What it runs is the
    same (tests/test_search.py runs the unit tests on both)."""
    script = _LINE_END_COMMENT.sub("", _BLOCK_COMMENT.sub("", script, count=1))
    lines = (line.strip() for line in script.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


class SearchScriptOutput:
    """The built site's search script, served compacted (``compact``) (outputs.base.Output)."""

    name, folder = "search-script", None

    def wanted(self, needs: Needs) -> bool:
        return not needs.preview  # the preview serves the theme's own file

    def files(self, needs: Needs) -> dict[str, bytes]:
        path = needs.site_dir / SEARCH_SCRIPT
        if not path.is_file():
            return {}
        text = path.read_text(encoding="utf-8")
        smaller = compact(text)
        return {SEARCH_SCRIPT: smaller.encode("utf-8")} if smaller != text else {}


class SearchOutput:
    """``lang``'s index, in ``<folder>/<SEARCH_BUNDLE>/`` (outputs.base.Output): the pages' entries are read
    at once, the files are made on a thread while the build finishes its other outputs. Not in a
    preview, which has no index."""

    name, folder = "search", SEARCH_BUNDLE

    def wanted(self, needs: Needs) -> bool:
        return not needs.preview

    #: the pages taken from the previous site are read where they are, before they are linked into the site
    reads_unwritten = True

    def files(self, needs: Needs) -> Future:
        job = IndexJob(needs.site_dir, needs.site, needs.lang, needs.caches / "search", needs.linked, needs.unwritten)

        def said(future: Future) -> None:
            if future.exception() is None and job.report is not None:
                found = job.report
                again = " ; index de la construction précédente repris" if found.reused else ""
                if not found.reused and found.written < found.files:
                    changed = counted(found.written, "fichier", "fichiers") + (" changé" if found.written < 2 else " changés")
                    again = f" ; {changed} sur {found.files}"
                seconds = f"{found.seconds:.1f}".replace(".", ",")  # French decimal comma, as the engine's lines
                needs.messages.append(f"Recherche : {found.pages} pages indexées ({found.bytes // 1024} ko, "
                                      f"{seconds} s){again}")

        job.future.add_done_callback(said)
        return job.future


def index_files(site_dir: Path, site: Site, lang: str, cache_dir: Path | None = None) -> dict[str, "bytes | Path"]:
    """``lang``'s index of a built folder: {path from the site's root: content} (``SearchOutput``)."""
    return IndexJob(site_dir, site, lang, cache_dir).future.result()


#: each page's entry, by its article, address and glossary (kept between builds)
_ENTRIES = memo.Memo("search-entries-v4", limit=20_000)


class IndexJob:
    """One language's index (see ``SearchOutput``). With a ``cache_dir`` (the build's ``.cache/search``),
    the index is kept there (``IndexStore``): the next build with the same entries reuses it whole, and
    a build after an edit writes only the files whose bytes changed."""

    def __init__(self, site_dir: Path, site: Site, lang: str, cache_dir: Path | None,
                 kept: Callable[[Path], Path] = Path, unwritten: Mapping[str, Path] | None = None) -> None:
        self.started = time.perf_counter()
        self.kept = kept  # a kept file as the writer takes it (pipeline.writer.Linked: linked, not copied)
        self.store = None if cache_dir is None else IndexStore(cache_dir / lang)
        self.records, key = _entries(site_dir, site, lang, unwritten)
        self.missing = untranslated(site, lang)
        self.key = fingerprint(key, json.dumps(self.missing, sort_keys=True), json.dumps(other_bundles(lang)))
        self.reused = False
        self.report: IndexReport | None = None
        self.future: Future = Future()
        self.future.set_running_or_notify_cancel()
        threading.Thread(target=self._run, args=(lang,), daemon=True, name=f"search-index-{lang}").start()

    def _run(self, lang: str) -> None:
        try:
            store, written = self.store, None
            kept = store.find(self.key) if store is not None else None
            self.reused = kept is not None
            size = None
            if kept is None and store is not None and APART:
                # --- performance --- made and kept by a child process: on the machine's other core, and
                # without making the build's own thread wait for Python's lock meanwhile
                with contextlib.suppress(ApartLost):  # (then made here)
                    digests, size, written = apart(self._make_and_keep, lang)
                    kept = {name: store.objects / digest for name, digest in digests.items()}
            if kept is None:
                made = build_index([_record(entry) for entry in self.records], lang, self.missing, other_bundles(lang))
                files: dict[str, bytes | Path] = dict(made)
                written = len(made)
                if store is not None:
                    kept, written = store.keep(self.key, made)
            if kept is not None:  # the site gets links to the kept files
                files = {name: self.kept(path) for name, path in kept.items()}
            if size is None:
                size = sum(c.stat().st_size if isinstance(c, Path) else len(c) for c in files.values())
            self.report = IndexReport(len(self.records), size, time.perf_counter() - self.started, self.reused,
                                      len(files), written or 0)
            self.future.set_result({f"{SEARCH_BUNDLE}/{name}": content for name, content in files.items()})
        except BaseException as error:  # raised again where the result is asked for, in the build's thread
            self.future.set_exception(error)
            return
        if store is not None:
            store.collect()  # after the result: what no kept index names any more, off the build's path


    def _make_and_keep(self, lang: str) -> tuple[dict[str, str], int, int]:
        """The index made and kept in the store (``apart``): {path in the bundle: its kept file's name},
        the index's size, how many files were written."""
        made = build_index([_record(entry) for entry in self.records], lang, self.missing, other_bundles(lang))
        kept, written = self.store.keep(self.key, made)
        return {name: path.name for name, path in kept.items()}, sum(map(len, made.values())), written


#: whether ``apart`` runs its work in a child process (a fork: Linux; elsewhere, in this one)
APART = sys.platform == "linux" and hasattr(os, "fork")


class ApartLost(Exception):
    """The child process of ``apart`` ended without a result, or gave none in time."""


#: how long ``apart`` waits for its child before it stops it (an index of 1000 bulletins takes ~2 s)
APART_TIMEOUT = 300.0


def apart(work: Callable, *args, timeout: float = APART_TIMEOUT):
    """``work(*args)`` run in a forked child process, its result given back (pickled); a failure of the
    work is raised here, with its traceback (``ChildProcessError``). A child that ends without a
    result, or gives none within ``timeout`` seconds (stopped then), raises ``ApartLost``: the caller
    does the work itself. The child writes nothing to the build's output (its standard streams are
    /dev/null) and ends with its work."""
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child, which never returns
        status = 0
        try:
            die_with_parent(signal.SIGKILL)  # the engine killed outright: its work goes with it
            if os.getppid() != parent:  # (it ended before it could be asked)
                raise SystemExit
            # a short life: the collector of cycles would walk the whole heap it inherits (and copy its
            # pages) again and again while the work makes its objects
            gc.disable()
            os.close(read)
            null = os.open(os.devnull, os.O_RDWR)
            for stream in (0, 1, 2):  # the engine's output is not held open by the child
                os.dup2(null, stream)
            sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (its life is the child's)
            try:
                payload = pickle.dumps((True, work(*args)))
            except BaseException as error:  # noqa: BLE001 (given back to the build, which reports it)
                payload = pickle.dumps((False, "".join(traceback.format_exception(error))))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        with os.fdopen(read, "rb", buffering=0) as found:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([found], [], [], left)[0]:
                    os.kill(pid, signal.SIGKILL)
                    raise ApartLost(f"{getattr(work, '__qualname__', work)} : pas de résultat en {timeout:g} s")
                chunk = found.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.waitpid(pid, 0)
    if not chunks:
        raise ApartLost(f"{getattr(work, '__qualname__', work)} : le processus s'est arrêté sans résultat")
    done, value = pickle.loads(b"".join(chunks))
    if not done:
        raise ChildProcessError(f"{getattr(work, '__qualname__', work)} a échoué :\n{value}")
    return value


class IndexStore:
    """The kept indexes of one language (``.cache/search/<lang>/``), each file stored once by its bytes.

    ``files/<hash>``: a file of an index, named by the hash of its bytes, written beside and renamed
    into place, never changed afterwards (the built sites link to them: ``pipeline.writer.Linked``);
    ``index-<key>.json``: an index, named by the fingerprint of its entries, as ``{path in the bundle:
    hash}``. An index made after an edit differs from the previous one by the few files the edit
    changed (scores are whole numbers: most files keep their bytes): only those are written. What no
    kept index names any more is removed after the build has its files (``collect``), never on its
    way; the store removes only what it made (its own names in its own folder), under a lock shared
    with the builds that write into it."""

    #: the indexes kept: the newest ones, and every one used in the last ``RECENT`` seconds (a build
    #: running at the same time may be linking its files)
    NEWEST, RECENT = 2, 600.0

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.objects = folder / "files"

    def _index(self, key: str) -> Path:
        return self.folder / f"index-{key}.json"

    @contextlib.contextmanager
    def _locked(self):
        self.objects.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def find(self, key: str) -> dict[str, Path] | None:
        """The kept index of ``key``, {path in the bundle: its kept file}, when it is there whole."""
        path = self._index(key)
        if not path.is_file():
            return None
        with self._locked():
            try:
                names = json.loads(path.read_bytes())
                present = set(os.listdir(self.objects))
                if not isinstance(names, dict) or not all(isinstance(h, str) and h in present and _BUNDLE_FILE.fullmatch(n)
                                                          for n, h in names.items()):
                    return None  # a file gone, or an index not made here
                os.utime(path)  # used now: kept by ``collect`` while a build may be linking its files
            except (OSError, ValueError):
                return None
        return {name: self.objects / digest for name, digest in names.items()}

    def keep(self, key: str, files: dict[str, bytes]) -> tuple[dict[str, Path], int]:
        """Keep ``files`` as the index of ``key``: {path in the bundle: its kept file}, and how many
        files had to be written (the others were kept already, with the same bytes).

        A kept index is written after its files, so a file an index names is whole. A file no index
        names (a build stopped before writing its index) may be half-written: it is replaced (written
        beside and renamed, as a site may link to it); a file that is not there is written in place
        (nobody links to it yet)."""
        digests = {name: hashlib.blake2b(data, digest_size=20).hexdigest() for name, data in files.items()}
        written = 0
        with self._locked():
            present = set(os.listdir(self.objects))
            whole = self._named() & present
            for name, digest in digests.items():
                if digest in whole:
                    continue
                target = self.objects / digest
                try:
                    if digest in present:
                        raise FileExistsError(target)
                    with open(target, "xb") as stream:
                        stream.write(files[name])
                except FileExistsError:
                    scratch = self.objects / f".{digest}-{os.getpid()}.tmp"
                    with open(scratch, "wb") as stream:
                        stream.write(files[name])
                    os.replace(scratch, target)
                except BaseException:
                    target.unlink(missing_ok=True)  # half a file is never left under its name
                    raise
                whole.add(digest)
                written += 1
            scratch = self.folder / f".index-{key}-{os.getpid()}.tmp"
            scratch.write_text(json.dumps(digests, sort_keys=True, separators=(",", ":")), encoding="utf-8")
            os.replace(scratch, self._index(key))
        return {name: self.objects / digest for name, digest in digests.items()}, written

    def _indexes(self) -> list[tuple[float, Path]]:
        """The kept indexes, newest first, with the time each was made or last used."""
        found = []
        for path in self.folder.glob("index-*.json"):
            if _KEPT_INDEX.fullmatch(path.name):
                try:
                    found.append((path.stat().st_mtime, path))
                except OSError:
                    continue
        return sorted(found, reverse=True)

    def _named(self, indexes: Iterable[Path] | None = None) -> set[str]:
        """The files the kept indexes (or ``indexes``) name."""
        named: set[str] = set()
        for path in (p for _, p in self._indexes()) if indexes is None else indexes:
            try:
                names = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            named.update(names.values() if isinstance(names, dict) else ())
        return named

    def collect(self) -> None:
        """Remove the indexes neither among the ``NEWEST`` nor used in the last ``RECENT`` seconds, and
        the files no kept index names; and what earlier versions of this module kept here."""
        try:
            with self._locked():
                now, kept = time.time(), []
                for n, (mtime, path) in enumerate(self._indexes()):
                    if n < self.NEWEST or now - mtime < self.RECENT:
                        kept.append(path)
                    else:
                        path.unlink(missing_ok=True)
                named = self._named(kept)
                for entry in os.scandir(self.objects):
                    if entry.name in named or not _KEPT_FILE.fullmatch(entry.name):
                        continue  # a file of a kept index, or not one this store makes
                    if entry.name.startswith(".") and now - entry.stat().st_mtime < 3600:
                        continue  # being written, or left by a build stopped less than an hour ago
                    os.unlink(entry.path)
                for path in self.folder.glob(".index-*.tmp"):
                    if _KEPT_INDEX.fullmatch(path.name) and now - path.stat().st_mtime > 3600:
                        path.unlink(missing_ok=True)
            _drop_old_layout(self.folder)
        except (OSError, ValueError):
            pass  # a cache that cannot be tidied only costs room


#: the names ``IndexStore`` gives its files (a hash of their bytes) and its indexes (a fingerprint of
#: their entries), and to them while they are written: it removes nothing else
_BUNDLE_FILE = re.compile(r"meta\.json|(mots|sections)/\d+\.json|familles/w-_?[a-z0-9]{1,40}\.json")
_KEPT_FILE = re.compile(r"[0-9a-f]{40}|\.[0-9a-f]{40}-\d+\.tmp")
_KEPT_INDEX = re.compile(r"index-[0-9a-f]{32}\.json|\.index-[0-9a-f]{32}-\d+\.tmp")


def _drop_old_layout(folder: Path) -> None:
    """Remove what earlier versions of this module kept in ``folder`` (page copies, whole copies of
    an index and their half-made ones, a manifest)."""
    for name in ("pages", "bundle"):
        if (folder / name).is_dir():
            shutil.rmtree(folder / name, ignore_errors=True)
    (folder / "manifest.json").unlink(missing_ok=True)
    for old in [*folder.glob("bundle-*"), *folder.glob(".bundle-*")]:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)


def _entries(site_dir: Path, site: Site, lang: str,
             unwritten: Mapping[str, Path] | None = None) -> tuple[list["dict | bytes"], str]:
    """Each page's entry (``extract``), reused while its article, address and glossary are the same,
    and the fingerprint of the whole set. A kept entry is given as it is kept, ``marshal``'s bytes
    (``_record`` reads it): a build that reuses the index never reads the entries, and the memo's
    file holds one string per page instead of thousands of small objects (its load and save were
    most of the memo's cost)."""
    glossaries = {code: site.glossary.terms(code) for code in LANGUAGES}
    context = {code: fingerprint(memo.code_version(), str(marshal.version), lang, code,
                                 *(f"{t.src_uri}\t{t.expansion}\t{chr(31).join(t.names)}" for t in terms))
               for code, terms in glossaries.items()}
    records: list[dict | bytes] = []
    keys = []
    for document in documents(site_dir, site, lang, unwritten):
        article = article_of(document.path.read_text(encoding="utf-8"))
        key = fingerprint(context[document.lang], document.url, article or "")
        record = _ENTRIES.find(key)
        if record is None:
            record = extract(article, document, site, lang, glossaries[document.lang]) if article else {}
            _ENTRIES.put(key, marshal.dumps(record) if record else b"")
        if record:
            records.append(record)
            keys.append(key)
    return records, fingerprint(memo.code_version(), lang, *keys)


def _record(entry: "dict | bytes") -> dict:
    """A page's entry, read from its kept bytes when it is kept (``_entries``)."""
    return marshal.loads(entry) if isinstance(entry, bytes) else entry


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
        # an excerpt (« ministère de la santé » marked every « de » of a page, and excerpts were
        # chosen by them). The glossary's list of words a text is made of, folded.
        "minor": sorted(COMMON_WORDS),
    }
