"""The languages of the site: which file serves which page, which page exists in
which language, and how one language's page reaches the other's.

One build per language (see the README, « Deux langues »): French at the site's
root, every other language under its own prefix (``en/``), with the same slugs.
A translation is the same file name with ``.en`` before ``.md``; hand-written
pages link to ``x.md`` and each build serves its own language's file there.
This module is plain Python: the MkDocs adapter only feeds it names and URLs.
"""

from __future__ import annotations

from dataclasses import dataclass

from infopsoc.core.i18n import DEFAULT_LANGUAGE, HTML_LANG, LANGUAGES, split_uri
from infopsoc.core.urls import BULLETIN_DIR, GLOSSARY_DIR, INDEX_PAGES, cross_href, language_url, root_url


def language_view(src_uris: list[str], lang: str) -> tuple[dict[str, str], list[str]]:
    """Which source file each page of ``lang``'s build comes from.

    Returns ``({served uri: source uri}, [dropped source uris])``. Files that are
    not Markdown are shared by every language. French drops every translation;
    another language serves ``x.en.md`` at ``x.md`` and drops French pages that
    have no translation.
    """
    served: dict[str, str] = {}
    dropped: list[str] = []
    translated = {split_uri(u)[0] for u in src_uris if split_uri(u)[1] == lang}
    for uri in sorted(src_uris):
        if not uri.endswith(".md"):
            served[uri] = uri
            continue
        base, file_lang = split_uri(uri)
        if file_lang == lang:
            served[base] = uri
        elif lang != DEFAULT_LANGUAGE and file_lang == DEFAULT_LANGUAGE and base in translated:
            continue  # replaced by its translation
        else:
            dropped.append(uri)
    return served, dropped


def page_languages(site, src_uri: str) -> list[str]:
    """The languages in which the page at ``src_uri`` (a served uri) exists."""
    if src_uri in INDEX_PAGES:
        return list(LANGUAGES)
    head, _, name = src_uri.partition("/")
    slug = name[: -len(".md")] if name.endswith(".md") else ""
    if head == BULLETIN_DIR and slug:
        return [lang for lang in LANGUAGES if site.has_bulletin(slug, lang)]
    if head == GLOSSARY_DIR and slug:
        return [lang for lang in LANGUAGES if site.glossary.get(slug, lang) is not None]
    docs = site.settings.root / site.settings.docs_dir
    found = []
    for lang in LANGUAGES:
        stem = src_uri[: -len(".md")]
        name = src_uri if lang == DEFAULT_LANGUAGE else f"{stem}.{lang}.md"
        if (docs / name).is_file():
            found.append(lang)
    return found


@dataclass(frozen=True)
class Alternate:
    """One language version of a page."""

    lang: str      # "fr", "en"
    hreflang: str  # "fr-CA", "en-CA", "x-default"
    url: str       # absolute
    href: str      # relative to the current page
    exists: bool   # False: the page is not translated, this links to that language's home
    current: bool  # the page being shown


def alternates(site, src_uri: str, page_url: str, lang: str) -> list[Alternate]:
    """Every language's version of a page: the page itself where it exists, a stand-in otherwise
    (:func:`_stand_in`).

    For ``hreflang`` declarations keep those that exist (and ``x-default``, French);
    for the language switcher use them all.
    """
    root = root_url(site.settings.site_url, lang)
    present = page_languages(site, src_uri)
    found = []
    for other in LANGUAGES:
        exists = other in present
        target, anchor = (page_url, "") if exists else _stand_in(src_uri)
        found.append(Alternate(other, HTML_LANG[other], language_url(root, other) + target + anchor,
                               cross_href(page_url, lang, target, other) + anchor, exists, other == lang))
    return found


def _stand_in(src_uri: str) -> tuple[str, str]:
    """Where the switcher leads when a page is not in the other language: (page URL, anchor).

    A bulletin: the other language's archive, at its card, which lists it marked « (in French) »
    (never a page that would hide it); any other page: the home page.
    """
    head, _, name = src_uri.partition("/")
    if head == BULLETIN_DIR and name.endswith(".md") and name != "index.md":
        return f"{BULLETIN_DIR}/", f"#{name[: -len('.md')]}"
    return "", ""


def hreflang_links(found: list[Alternate]) -> list[Alternate]:
    """The ``<link rel="alternate" hreflang>`` of a page: none unless it exists in two languages."""
    existing = [a for a in found if a.exists]
    if len(existing) < 2:
        return []
    default = next((a for a in existing if a.lang == DEFAULT_LANGUAGE), None)
    extra = [Alternate(default.lang, "x-default", default.url, default.href, True, default.current)] if default else []
    return existing + extra
