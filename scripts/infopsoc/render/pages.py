"""Generated pages, as Markdown: the bulletin pages, the archive, and the
``<!-- infopsoc: … -->`` directives that hand-written pages may hold.

Links between generated pages are relative ``.md`` paths, so that whatever
engine renders them checks and rewrites them like any hand-written link.

Long generated lists (a bulletin's acronyms, a term's bulletins) are HTML
*fragments* instead: Markdown holds a marker, and the fragment replaces it once the
page is converted. Markdown's inline parsing of a 300-item list costs more than
the rest of the page; the fragments' links are the pages' final addresses
(directory URLs), made here from the same places.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from dataclasses import dataclass, field
from itertools import groupby
from typing import Callable

import jinja2
import markupsafe

from infopsoc.content.bulletins import Bulletin
from infopsoc.content.model import Site
from infopsoc.content.timeline import by_decade, cited_bulletins
from infopsoc.core.fingerprints import fingerprint, versions
from infopsoc.core.i18n import DEFAULT_LANGUAGE, HTML_LANG, strings
from infopsoc.core.memo import Memo
from infopsoc.core.problems import Problem
from infopsoc.core.typography import for_language
from infopsoc.core.urls import ARCHIVE_URI, TIMELINE_URI, bulletin_uri, cross_href, href, relpath
from infopsoc.render.glossary_markdown import TermUsage

# what Python-Markdown unescapes (it shows « \~ » as typed: ~ is left alone)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def md_escape(value: object) -> str:
    """Text that Markdown shows as is (HTML-escaped, Markdown punctuation escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))


def relative(from_uri: str, to_uri: str) -> str:
    """The relative link from one Markdown page to another."""
    return relpath(to_uri, posixpath.dirname(from_uri))


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("infopsoc.render", "templates"),
    # --- security --- HTML templates (the fragments) autoescape every value; Markdown templates escape
    # theirs as Markdown (| md), and their front matter as JSON (| tojson)
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_env.filters["md"] = md_escape
_env.filters["e"] = markupsafe.escape  # escaped once, even where autoescaping applies
# `tojson` writes front-matter values. By default it escapes an emoji as a UTF-16
# surrogate pair ("\ud83c\udf89"), which MkDocs' YAML loader refuses: the whole
# front matter is then silently dropped. Keep non-ASCII characters as they are.
_env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}


def render(template: str, **context) -> str:
    return _env.get_template(template).render(**context)


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    content: str
    #: name -> HTML, each put where ``fragment_marker(name)`` stands in the converted page
    fragments: dict[str, str] = field(default_factory=dict)


# --- performance ---
def fragment_marker(name: str) -> str:
    """The block that stands for a fragment in a page's Markdown (raw HTML: Markdown leaves it alone)."""
    return f'<div data-infopsoc-fragment="{name}"></div>'


def fill_fragments(html_text: str, fragments: dict[str, str]) -> str:
    """The converted page with each fragment's marker replaced by the fragment."""
    for name, fragment in fragments.items():
        html_text = html_text.replace(fragment_marker(name), fragment, 1)
    return html_text


def generate_pages(site: Site, lang: str, usage: TermUsage) -> list[GeneratedPage]:
    """Every page the collections give rise to, for one language."""
    bulletins = site.bulletins_in(lang)
    # --- bilingual --- (the archive also lists, marked, the bulletins not translated yet)
    untranslated = [b for b in site.bulletins_in(DEFAULT_LANGUAGE) if b.slug not in {x.slug for x in bulletins}]
    # --- performance --- (kept between builds, see remembered: the key is every input the page shows)
    archive_key = ("archive", lang, tuple(_item_key(b) for b in bulletins), tuple(_item_key(b) for b in untranslated))
    pages = [remembered(archive_key,
                        lambda: GeneratedPage(ARCHIVE_URI, _archive(bulletins, lang, untranslated)))]
    timeline = site.timeline_in(lang)
    cited = cited_bulletins(timeline)
    for i, bulletin in enumerate(bulletins):
        older, newer = neighbours(bulletins, i)
        # --- glossary ---
        acronyms = site.glossary.acronym_box(bulletin.acronyms, usage.terms_of(bulletin.slug), lang)
        # --- timeline ---
        events = cited.get(bulletin.slug, [])
        # --- performance --- (the preview regenerates every page after each save)
        key = ("bulletin", lang, bulletin.source.rel, text_key(bulletin.source.text),
               *((b.slug, b.number) if b else None for b in (older, newer)),
               tuple(tuple((t.slug, t.term, t.expansion) for t in entry) for entry in acronyms),
               tuple(_item_key(e) for e in events))
        pages.append(remembered(key, lambda: bulletin_page(bulletin, older, newer, lang, acronyms, events)))
    pages.append(remembered(_timeline_key(site, lang, timeline), lambda: GeneratedPage(TIMELINE_URI, _timeline(site, lang))))
    return pages


def neighbours(bulletins: list, index: int) -> tuple:
    """The issues before and after ``bulletins[index]`` (older, newer; None at an end): the list is
    newest first, so the next issue is the one before in it."""
    return (bulletins[index + 1] if index + 1 < len(bulletins) else None), (bulletins[index - 1] if index > 0 else None)


def _item_key(item) -> tuple[str, str]:
    """A collection's item by what it is made from: its file and its text (every field comes from them)."""
    return item.source.rel, text_key(item.source.text)


@functools.lru_cache(maxsize=4096)
def text_key(text: str) -> str:
    """A text's fingerprint (a text asked again is the same string: looked up, not hashed again)."""
    return fingerprint(text)


def _timeline_key(site: Site, lang: str, timeline: list) -> tuple:
    """Every input the timeline page shows: its events, the bulletins they cite (labels, language),
    the terms they name (their pages)."""
    bulletins = {b.slug: b for b in site.bulletins_in(lang)}
    french = {b.slug: b for b in site.bulletins_in(DEFAULT_LANGUAGE)}
    cited = sorted({slug for e in timeline for slug in e.bulletin_slugs()})
    names = sorted({name for e in timeline for name in e.terms})
    terms = [site.glossary.resolve(name, lang) for name in names]
    return ("timeline", lang, tuple(_item_key(e) for e in timeline),
            tuple((slug, *((b.lang, b.number) if (b := bulletins.get(slug)) else ()),
                   *(("other", b.lang, b.number) if (b := french.get(slug)) and slug not in bulletins else ()))
                  for slug in cited),
            tuple((name, t.slug if t is not None else None) for name, t in zip(names, terms)))



# --- performance ---
_REMEMBERED = Memo("pages")  # kept between builds: an unchanged page is not rendered again


def remembered(key: tuple, make: Callable[[], GeneratedPage]) -> GeneratedPage:
    """A generated page made from the same inputs (``key``: every value it shows) is made once
    (see memo.py). Pages are never changed."""
    return _REMEMBERED.get((key, versions("jinja2", "markupsafe")), make)


def _timeline(site: Site, lang: str) -> str:
    labels = {b.slug: b.label(lang) for b in site.bulletins_in(lang)}
    # --- bilingual --- a bulletin not in this language: raw HTML link to the French page
    french = {b.slug: b for b in site.bulletins_in(DEFAULT_LANGUAGE)}

    def bulletin_ref(slug: str) -> str:
        if slug in labels or slug not in french:
            return f"[{md_escape(labels.get(slug, slug))}]({relative(TIMELINE_URI, bulletin_uri(slug))})"
        return other_language_link(french[slug], TIMELINE_URI, lang)

    return render(
        "timeline.md.j2",
        decades=by_decade(site.timeline_in(lang)),
        t=strings(lang),
        lang=lang,
        bulletin_ref=bulletin_ref,
        bulletin_label=lambda slug: labels.get(slug, slug),
        bulletin_link=lambda slug: relative(TIMELINE_URI, bulletin_uri(slug)),
        term_link=lambda name: relative(TIMELINE_URI, site.glossary.resolve(name, lang).src_uri),
    )


def bulletin_page(b: Bulletin, older: Bulletin | None, newer: Bulletin | None, lang: str,
                   acronyms: list | None = None, events: list | None = None) -> GeneratedPage:
    """A bulletin's page as Markdown (header, body, the acronyms' box, its events, its neighbours): what
    ``generate_pages`` keeps, and what the preview's quick path (pipeline/quick.py) makes again after a save."""
    here = b.src_uri
    fragments = {}
    # --- glossary --- (« Quelques acronymes »: a fragment, see the module's docstring)
    if acronyms:
        # a fragment is put in after conversion: French typography is applied to it here
        fragments["acronyms"] = render("acronyms.html.j2", acronyms=acronyms, t=strings(lang),
                                       typo=for_language(lang), link=lambda term: href(here, term.src_uri))
    content = render(
        "bulletin.md.j2",
        b=b,
        typo=for_language(lang),
        events=events or [],
        timeline_link=lambda e: f"{relative(here, TIMELINE_URI)}#{e.anchor}",
        t=strings(lang),
        lang=lang,
        older=older,
        newer=newer,
        acronyms=acronyms or [],
        link=lambda other: relative(here, other.src_uri),
        # Markdown leaves its footnotes placeholder in the page when there is no footnote
        has_footnotes=bool(_FOOTNOTE_DEFINITION.search(b.body)),
        acronyms_marker=fragment_marker("acronyms") if acronyms else "",
    )
    return GeneratedPage(here, content, fragments)


_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]]+\]:", re.MULTILINE)


def _archive(bulletins: list[Bulletin], lang: str, untranslated: list[Bulletin] = ()) -> str:
    # --- bilingual --- untranslated bulletins (French) take their place by date, marked
    everything = sorted([*bulletins, *untranslated], key=lambda b: b.sort_key, reverse=True)
    others = {b.slug for b in untranslated}
    years = [(year, list(items)) for year, items in groupby(everything, key=lambda b: b.date.year)]
    return render(
        "archive.md.j2",
        years=years,
        t=strings(lang),
        lang=lang,
        is_translated=lambda b: b.slug not in others,
        html_lang=HTML_LANG,
        original_href=lambda b: original_href(b, ARCHIVE_URI, lang),
        link=lambda other: relative(ARCHIVE_URI, other.src_uri),
    )


# --- bilingual ---
def original_href(b: Bulletin, page_uri: str, lang: str) -> str:
    """The relative address, from a page of ``lang``'s build, of a bulletin's French page.

    MkDocs cannot check a link outside its own build: it is written as raw HTML.
    """

    page_url = posixpath.dirname(page_uri) + "/" if page_uri.endswith("index.md") else page_uri[:-3] + "/"
    return cross_href(page_url.lstrip("/"), lang, b.url, DEFAULT_LANGUAGE)


def other_language_link(b: Bulletin, page_uri: str, lang: str) -> str:
    """An HTML link to a bulletin's French page, marked « (in French) »."""
    t = strings(lang)
    return (f'<a href="{html.escape(original_href(b, page_uri, lang))}" hreflang="{HTML_LANG[b.lang]}">'
            f'{md_escape(b.label(lang))}</a> <span class="ip-in-french">{md_escape(t["in_french"])}</span>')


# --- directives in hand-written pages ------------------------------------------

_DIRECTIVE = re.compile(r"^<!--\s*infopsoc:\s*([a-z0-9-]+)\s*-->\s*$", re.MULTILINE)


def _latest_bulletin(site: Site, lang: str, page_uri: str) -> str:
    bulletins = site.bulletins_in(lang)
    # --- bilingual --- the newest bulletin, translated or not: a French-only one is shown marked
    # « (in French) », linking to its French page (as the archive and the search do)
    translated = {b.slug for b in bulletins}
    untranslated = [b for b in site.bulletins_in(DEFAULT_LANGUAGE) if b.slug not in translated]
    newest = max([*bulletins, *untranslated], key=lambda b: b.sort_key, default=None)
    other = newest is not None and newest.slug not in translated
    return render(
        "latest.md.j2",
        b=newest,
        other=original_href(newest, page_uri, lang) if other else "",
        html_lang=HTML_LANG[newest.lang] if newest else "",
        t=strings(lang),
        lang=lang,
        archive=relative(page_uri, ARCHIVE_URI),
        link=lambda other: relative(page_uri, other.src_uri),
    )


class DirectiveError(Exception):
    """A directive cannot be expanded: ``message`` says why, ``hint`` what to do (French)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


# --- knowledge base ---
def _members(site: Site, lang: str, page_uri: str) -> str:
    if site.members is None:
        raise DirectiveError(f"la liste des membres a besoin du fichier {site.settings.members_file}, introuvable",
                             "créez ce fichier (un membre par bloc « - url: … ») ou retirez la directive")
    return render("members.md.j2", members=site.members, t=strings(lang), lang=lang)


DIRECTIVES: dict[str, Callable[[Site, str, str], str]] = {
    "latest-bulletin": _latest_bulletin,
    # --- knowledge base ---
    "members": _members,
}


def expand_directives(markdown: str, page_uri: str, rel_path: str, site: Site, lang: str,
                      body_line: int = 1) -> tuple[str, list[Problem]]:
    """Replace each ``<!-- infopsoc: name -->`` line by the Markdown it stands for."""
    problems: list[Problem] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        directive = DIRECTIVES.get(name)
        line = body_line + markdown.count("\n", 0, match.start())
        if directive is None:
            problems.append(Problem(rel_path, line, f"directive « {name} » inconnue",
                                    f"directives possibles : {', '.join(sorted(DIRECTIVES))}"))
            return match.group(0)
        try:
            return directive(site, lang, page_uri)
        except DirectiveError as exc:
            problems.append(Problem(rel_path, line, exc.message, exc.hint))
            return ""

    return _DIRECTIVE.sub(replace, markdown), problems
