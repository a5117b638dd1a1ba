"""The glossary in running text: a Python-Markdown extension.

Once the Markdown is parsed, every known term in the text of the page becomes
``<abbr title="expansion">``, and its first occurrence on the page is linked to
its term page. Headings, links, code, existing abbreviations, admonition titles
and anything inside ``class="ip-noterms"`` are left alone, and a term page does
not mark its own term.

Matching follows word boundaries (« ROC » is not in « TROC », nor « PSOC » in
« PSOCé » or « INFO-PSOC »), tries the longest name first (« CISSS-CIUSSS » is
one match), ignores case for names written in lower case (« seuils planchers »),
accepts a capital first letter for words (« Convention PSOC », « convention
PSOC ») and is exact for acronyms.

Links are relative ``.md`` paths from the page being rendered, so the engine
checks and rewrites them like any hand-written link. Plain Python-Markdown:
no MkDocs here.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from infopsoc.content.glossary import Term
from infopsoc.core.fingerprints import extensions_signature
from infopsoc.core.urls import GLOSSARY_DIR, relpath

#: Runs after inline parsing (20), attr_list (8) and abbr (7), before toc (5) and link rewriting (0).
PRIORITY = 6

SKIP_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "abbr", "code", "pre", "kbd", "samp",
                       "script", "style", "summary", "svg", "math", "textarea", "title"})
# admonition titles read as headings; a bulletin's head (kicker, title, summary, topics) is its heading
SKIP_CLASSES = frozenset({"admonition-title", "ip-noterms", "headerlink", "ip-bulletin-head", "ip-kicker"})

_PLACEHOLDER = re.compile(f"{STX}[^{ETX}]*{ETX}")
_RAW_HTML = re.compile(f"{STX}wzxhzdk:(\\d+){ETX}")  # Python-Markdown's stash of inline HTML
_TAG = re.compile(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>$", re.S)
# where inline HTML cannot stay open: an unclosed <a> in one paragraph does not hide the next
_BLOCKS = frozenset({"p", "li", "dt", "dd", "td", "th", "div", "blockquote", "details", "section", "article",
                     "aside", "nav", "header", "footer", "figcaption", "caption"})


# --- matching names in text -----------------------------------------------------

def _is_acronym_like(name: str) -> bool:
    """« ACA », « CISSS-CIUSSS »: the first two letters are capitals."""
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and letters[0].isupper() and letters[1].isupper()


def name_pattern(name: str) -> str:
    """The regular expression of one name, word boundaries included."""
    body = []
    for ch in name:
        if ch.isspace():
            if not body or body[-1] != r"\s+":
                body.append(r"\s+")
        elif ch in "'’":
            body.append("['’]")
        else:
            body.append(re.escape(ch))
    if not any(ch.isupper() for ch in name):
        core = "(?i:" + "".join(body) + ")"
    elif name[0].isalpha() and not _is_acronym_like(name):
        first = name[0]
        body[0] = f"[{re.escape(first.lower())}{re.escape(first.upper())}]"
        core = "".join(body)
    else:
        core = "".join(body)
    # not glued to a letter, digit or hyphenated compound on either side
    return BEFORE + core + AFTER


BEFORE, AFTER = r"(?<!\w)(?<!\w-)", r"(?!\w)(?!-\w)"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    term: Term


class TermMatcher:
    """Finds the names of a list of terms in text, longest name first.

    The names are indexed by their first word (in lower case). One regular expression,
    a trie of those first words, finds the words of the text that may start a name;
    there only are that word's names tried, longest first, with the full pattern and its
    boundaries. A single alternation of every name would be tried at each position of
    the text: at 150 terms, ten times slower.
    """

    def __init__(self, terms: Iterable[Term]):
        patterns: dict[str, tuple[str, Term]] = {}
        for term in terms:
            for name in term.names:
                patterns.setdefault(name_pattern(name), (name, term))
        # longest names first, then a stable order
        ordered = sorted(patterns.items(), key=lambda item: (-len(item[0]), item[0]))
        groups: dict[str, list[tuple[str, Term]]] = {}
        spellings: set[str] = set()
        for pattern, (name, term) in ordered:
            first = _FIRST_WORD.match(name.lstrip())
            groups.setdefault(first.group(0).lower() if first else "", []).append((pattern, term))
            if first:
                spellings |= {first.group(0), first.group(0).lower(), first.group(0).upper()}
        # the words that may start a name, in any case (the index then compares in lower case)
        self._scan = re.compile(rf"(?<!\w)(?:{_trie(spellings)})(?!\w)", re.IGNORECASE) if spellings else None
        # --- performance --- a word's expression is compiled when a text first holds the word (a build
        # that converts one page compiles a few, not one per term)
        self._starts: dict[str, list] = {}  # word -> [its expression (text, then compiled), its terms]
        for key, group in groups.items():
            cores = "|".join(f"({p.removeprefix(BEFORE).removesuffix(AFTER)})" for p, _t in group)
            self._starts[key] = [f"{BEFORE}(?:{cores}){AFTER}", [t for _p, t in group]]
        # names that do not start with a letter or digit (rare) are searched for everywhere
        others = self._starts.pop("", None)
        self._others = (re.compile(others[0]), others[1]) if others else None

    def find(self, text: str) -> Iterator[Match]:
        if not text or not (self._starts or self._others):
            return
        hidden = [m.span() for m in _PLACEHOLDER.finditer(text)] if STX in text else []
        candidates: list[tuple[int, re.Match, list[Term]]] = []
        starts = self._starts
        for word in self._scan.finditer(text) if self._scan is not None else ():
            found = starts.get(word.group(0).lower())
            if found is not None:
                if isinstance(found[0], str):
                    found[0] = re.compile(found[0])
                m = found[0].match(text, word.start())
                if m is not None:
                    candidates.append((m.start(), m, found[1]))
        if self._others is not None:
            regex, terms = self._others
            candidates += [(m.start(), m, terms) for m in regex.finditer(text)]
            candidates.sort(key=lambda c: c[0])
        end = 0
        for start, m, terms in candidates:
            if start < end:
                continue
            end = m.end()
            if any(a < end and start < b for a, b in hidden):
                continue
            yield Match(start, end, m.group(0), terms[m.lastindex - 1])


_FIRST_WORD = re.compile(r"\w+")


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching exactly these words, their common beginnings factored out."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


# --- the tree processor -----------------------------------------------------------

class GlossaryTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, extension: "GlossaryExtension"):
        super().__init__(md)
        self.ext = extension

    def run(self, root: etree.Element) -> None:
        self.ext.used = []
        if not self.ext.enabled:
            return
        self._linked: set[str] = set()
        self._seen: dict[str, None] = {}
        self._raw_depth = 0
        self._walk(root)
        self.ext.used = list(self._seen)

    @staticmethod
    def _skip(el: etree.Element) -> bool:
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            return True
        classes = set((el.get("class") or "").split())
        return bool(classes & SKIP_CLASSES)

    def _walk(self, el: etree.Element) -> None:
        if el.tag in _BLOCKS:
            self._raw_depth = 0
        children = list(el)
        el.text, rebuilt = self._mark(el.text)
        for child in children:
            if not self._skip(child):
                self._walk(child)
            child.tail, after = self._mark(child.tail)
            rebuilt.append(child)
            rebuilt.extend(after)
        el[:] = rebuilt

    def _mark(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """Split ``text`` into its leading text and the new elements that follow it."""
        if not text:
            return text, []
        open_spans = self._outside_raw_tags(text)
        matches = [m for m in self.ext.matcher.find(text)
                   if m.term.slug != self.ext.own_slug
                   and any(start <= m.start and m.end <= end for start, end in open_spans)]
        if not matches:
            return text, []
        lead = text[: matches[0].start]
        nodes = []
        for i, m in enumerate(matches):
            node = self._node(m)
            end = matches[i + 1].start if i + 1 < len(matches) else len(text)
            node.tail = text[m.end:end]
            nodes.append(node)
        return lead, nodes

    def _outside_raw_tags(self, text: str) -> list[tuple[int, int]]:
        """The spans of ``text`` not inside inline HTML such as ``<a href>…</a>`` or ``<abbr>…</abbr>``.

        Python-Markdown stashes each inline tag apart and parses the text between,
        so the state carries over from one text node to the next, in document order.
        """
        spans = []
        position = 0
        for m in _RAW_HTML.finditer(text):
            if self._raw_depth == 0:
                spans.append((position, m.start()))
            position = m.end()
            try:
                raw = self.md.htmlStash.rawHtmlBlocks[int(m.group(1))]
            except (IndexError, ValueError):
                continue
            tag = _TAG.match(raw.strip()) if isinstance(raw, str) else None
            if tag is None or tag.group(2).lower() not in SKIP_TAGS or tag.group(3):
                continue
            self._raw_depth = max(0, self._raw_depth + (-1 if tag.group(1) else 1))
        if self._raw_depth == 0:
            spans.append((position, len(text)))
        return spans

    def _node(self, m: Match) -> etree.Element:
        abbr = etree.Element("abbr", {"title": m.term.expansion})
        abbr.text = m.text
        self._seen.setdefault(m.term.slug, None)
        if m.term.slug in self._linked:
            return abbr
        href = self.ext.link_to(m.term)
        if href is None:
            return abbr
        self._linked.add(m.term.slug)
        link = etree.Element("a", {"href": href, "class": "ip-term"})
        link.append(abbr)
        return link


#: the first line of a page's Markdown when no engine calls :meth:`GlossaryExtension.set_page`
#: (a page of the staging folder, pipeline/staging.py): which page it is, and whether it opts out of
#: the marking (``infopsoc: {glossary: false}``). The extension reads it and removes it.
PAGE_MARKER = re.compile(r"<!-- infopsoc-page: (\S+\.md)( glossary=off)? -->")


def page_marker(src_uri: str, meta: dict | None = None) -> str:
    """The marker line of a page (:data:`PAGE_MARKER`)."""
    options = (meta or {}).get("infopsoc")
    off = isinstance(options, dict) and options.get("glossary") is False
    return f"<!-- infopsoc-page: {src_uri}{' glossary=off' if off else ''} -->"


class _PageMarker(Preprocessor):
    def __init__(self, md: markdown.Markdown, extension: "GlossaryExtension"):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        found = PAGE_MARKER.fullmatch(lines[0].strip()) if lines else None
        if found is None:
            return lines
        self.extension.set_page(found.group(1), {"infopsoc": {"glossary": False}} if found.group(2) else None)
        return lines[1:]


class GlossaryExtension(Extension):
    """Marks the glossary's terms; the caller says which page is rendered with :meth:`set_page`."""

    def __init__(self, terms: Iterable[Term], **kwargs):
        super().__init__(**kwargs)
        self.matcher = TermMatcher(terms)
        self.page_uri: str | None = None
        self.own_slug: str | None = None
        self.enabled = True
        #: slugs of the terms found by the last conversion, in order of first appearance
        self.used: list[str] = []

    def set_page(self, src_uri: str | None, meta: dict | None = None) -> None:
        """The page about to be converted: its Markdown path and its front matter.

        ``infopsoc: {glossary: false}`` in the front matter turns marking off.
        """
        self.page_uri = src_uri
        own = re.fullmatch(rf"{GLOSSARY_DIR}/([^/]+)\.md", src_uri or "")
        self.own_slug = own.group(1) if own and own.group(1) != "index" else None
        options = (meta or {}).get("infopsoc")
        self.enabled = not (isinstance(options, dict) and options.get("glossary") is False)

    def link_to(self, term: Term) -> str | None:
        """The relative ``.md`` link from the current page to the term's page."""
        if self.page_uri is None:
            return None
        return relpath(term.src_uri, posixpath.dirname(self.page_uri))

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(GlossaryTreeprocessor(md, self), "infopsoc_glossary", PRIORITY)
        md.preprocessors.register(_PageMarker(md, self), "infopsoc_page", 40)  # before html_block (20)
        md.registerExtension(self)


# --- the pre-pass: which terms does each bulletin use? ---------------------------

def terms_used(texts: dict[str, str], terms: Iterable[Term], extensions: list, extension_configs: dict,
               cache_file: Path | None = None) -> dict[str, list[str]]:
    """For each Markdown text (by key), the slugs of the terms its prose uses.

    Converts with the site's own Markdown extensions, so that what counts as
    « used » is exactly what the rendered page marks. With ``cache_file``, the
    answers are kept there by the text's hash (converting 300 bulletins a second
    time costs seconds) and reused while the terms, the extensions and this code
    are the same.
    """
    terms = list(terms)
    others = [e for e in extensions if not isinstance(e, GlossaryExtension)]
    signature = _usage_signature(terms, others, extension_configs)
    known = _load_usage(cache_file, signature)
    found, answers = {}, {}
    md = ext = None
    for key in sorted(texts):
        digest = hashlib.sha256(texts[key].encode("utf-8")).hexdigest()
        if digest not in known:
            if md is None:
                ext = GlossaryExtension(terms)
                md = markdown.Markdown(extensions=[*others, ext], extension_configs=extension_configs)
            md.reset()
            ext.set_page(None)
            md.convert(texts[key])
            known[digest] = list(ext.used)
        found[key] = answers[digest] = known[digest]
    if cache_file is not None and md is not None:
        _save_usage(cache_file, signature, answers)
    return found


def _usage_signature(terms: list[Term], extensions: list, extension_configs: dict) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(repr([(t.slug, t.names) for t in terms]).encode("utf-8"))
    digest.update(extensions_signature(extensions, extension_configs).encode("utf-8"))
    return digest.hexdigest()


def _load_usage(cache_file: Path | None, signature: str) -> dict[str, list[str]]:
    if cache_file is None:
        return {}
    try:
        record = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("signature") != signature:
        return {}
    return {k: list(v) for k, v in record.get("texts", {}).items()}


def _save_usage(cache_file: Path, signature: str, answers: dict[str, list[str]]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_name(f".{cache_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"signature": signature, "texts": dict(sorted(answers.items()))}), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a cache that cannot be written only costs time


class TermUsage:
    """Which terms each published bulletin of one language uses (the pre-pass's answer).

    Made by the renderer, handed to the pages that show it (a bulletin's acronyms, a term's
    « Dans les bulletins »); the collections stay as loaded.
    """

    def __init__(self, lang: str, used: dict[str, list[str]]):
        self.lang = lang
        self._used = used
        self._using: dict | None = None  # --- performance --- term slug -> bulletins, made once per site

    def terms_of(self, bulletin_slug: str) -> list[str]:
        """The slugs of the terms a bulletin uses, in the order it first uses them."""
        return list(self._used.get(bulletin_slug, []))

    def bulletins_using(self, site, term: Term) -> list:
        """The published bulletins that use a term, newest first."""
        bulletins = site.bulletins_in(self.lang)
        # the same bulletins (the same objects, held here: their ids cannot be reused) give the same index
        if (self._using is None or len(self._using[0]) != len(bulletins)
                or any(a is not b for a, b in zip(self._using[0], bulletins))):
            using: dict[str, list] = {}
            for b in bulletins:
                for slug in dict.fromkeys(self._used.get(b.slug, ())):
                    using.setdefault(slug, []).append(b)
            self._using = (bulletins, using)
        return list(self._using[1].get(term.slug, ()))


def term_usage(site, lang: str, extensions: list, extension_configs: dict,
               cache_file: Path | None = None) -> TermUsage:
    """The terms used by each published bulletin of one language."""
    texts = {b.slug: b.body for b in site.bulletins_in(lang)}
    return TermUsage(lang, terms_used(texts, site.glossary.terms(lang), extensions, extension_configs, cache_file))
