"""The glossary's generated pages and export.

- ``glossaire/<slug>.md``: the term, its expansion, its definition, « Voir aussi »
  and « Dans les bulletins » (every published bulletin that uses it, newest first);
- ``glossaire/index.md``: every term A–Z, with a jump bar and an anchor per term;
- ``glossaire.json``: term, expansion, plain-text definition and absolute URL,
  per language, for the regional tables' own sites.
"""

from __future__ import annotations

from itertools import groupby

from infopsoc.content.glossary import Term
from infopsoc.content.model import Site
from infopsoc.core.i18n import strings
from infopsoc.core.typography import for_language
from infopsoc.core.urls import GLOSSARY_INDEX_URI as INDEX_URI
from infopsoc.render.glossary_markdown import TermUsage
from infopsoc.render.pages import GeneratedPage, fragment_marker, href, relative, remembered, render, text_key


def glossary_pages(site: Site, lang: str, usage: TermUsage) -> list[GeneratedPage]:
    """The index and one page per term, for one language."""
    terms = site.glossary.terms(lang)
    index_key = ("glossary-index", lang, tuple((t.source.rel, t.slug, t.term, t.expansion) for t in terms))
    pages = [remembered(index_key, lambda: GeneratedPage(INDEX_URI, _index(terms, lang)))]
    pages += [_remembered_term_page(site, term, lang, usage) for term in terms]
    return pages


def _anchor(letter: str) -> str:
    return f"lettre-{letter.lower()}" if letter.isalpha() else "lettre-autres"


def _index(terms: list[Term], lang: str) -> str:
    letters = [(letter, _anchor(letter), list(items)) for letter, items in groupby(terms, key=lambda t: t.letter)]
    return render(
        "glossary-index.md.j2",
        letters=letters,
        t=strings(lang),
        lang=lang,
        link=lambda term: relative(INDEX_URI, term.src_uri),
    )


def _remembered_term_page(site: Site, term: Term, lang: str, usage: TermUsage) -> GeneratedPage:
    see_also = [site.glossary.resolve(name, lang) for name in term.see_also]
    key = ("term", lang, term.source.rel, text_key(term.source.text),
           tuple((t.slug, t.term, t.expansion) if t else None for t in see_also),
           tuple((b.slug, b.number, b.title, b.date.iso()) for b in usage.bulletins_using(site, term)))
    return remembered(key, lambda: _term_page(site, term, lang, usage))


def _term_page(site: Site, term: Term, lang: str, usage: TermUsage) -> GeneratedPage:
    see_also = []
    for name in term.see_also:
        other = site.glossary.resolve(name, lang)
        if other is not None and other is not term and other not in see_also:
            see_also.append(other)
    bulletins = usage.bulletins_using(site, term)
    # « Dans les bulletins » may list every issue: a fragment (see pages.py)
    fragments = {}
    if bulletins:
        fragments["bulletins"] = render("term-bulletins.html.j2", bulletins=bulletins, lang=lang, typo=for_language(lang),
                                        link=lambda b: href(term.src_uri, b.src_uri))
    content = render(
        "glossary-term.md.j2",
        term=term,
        see_also=see_also,
        bulletins_marker=fragment_marker("bulletins") if bulletins else "",
        t=strings(lang),
        lang=lang,
        index=relative(term.src_uri, INDEX_URI),
        link=lambda other: relative(term.src_uri, other.src_uri),
    )
    return GeneratedPage(term.src_uri, content, fragments)
