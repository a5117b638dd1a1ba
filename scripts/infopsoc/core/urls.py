"""Every address of the site, in one place.

Regional tables link to these addresses from their own sites, and feed readers know a bulletin
by them: once published they never change. Pages are named by their Markdown path inside a
language's build (``glossaire/aca.md``), served with directory URLs (``glossaire/aca/``); each
language other than French lives under its own prefix (``en/``) with the same paths.

Relative links use string operations only: they run for every generated link (tens of
thousands at 300 bulletins), and ``posixpath.relpath`` asks the OS for the working folder at
each call. Paths here are inside the site: relative, ``/``-separated, without ``..``.
"""

from __future__ import annotations

from infopsoc.core.i18n import DEFAULT_LANGUAGE

# --- the collections' pages ---------------------------------------------------------------
BULLETIN_DIR = "bulletins"
ARCHIVE_URI = f"{BULLETIN_DIR}/index.md"
GLOSSARY_DIR = "glossaire"
GLOSSARY_INDEX_URI = f"{GLOSSARY_DIR}/index.md"
TIMELINE_URI = "chronologie/index.md"

#: the generated index pages: in the navigation, and in every language
INDEX_PAGES = (ARCHIVE_URI, GLOSSARY_INDEX_URI, TIMELINE_URI)

# --- files beside the pages ---------------------------------------------------------------
GLOSSARY_EXPORT = "glossaire.json"
RSS_FEED = "rss.xml"
ATOM_FEED = "atom.xml"
PDF_DIR = "pdf"
PDF_TYPE = "application/pdf"  # the media type the page link and the feeds' enclosures announce
# --- search --- (outputs/search.py): the search page, and the index's folder in each language's build
SEARCH_PAGE_URI = "recherche.md"
SEARCH_BUNDLE = "index-recherche"


def bulletin_uri(slug: str) -> str:
    """A bulletin's page: ``bulletins/info-psoc-03.md``."""
    return f"{BULLETIN_DIR}/{slug}.md"


def term_uri(slug: str) -> str:
    """A glossary term's page: ``glossaire/aca.md``."""
    return f"{GLOSSARY_DIR}/{slug}.md"


def pdf_path(slug: str) -> str:
    """Where a bulletin's PDF stands in its language's build: ``pdf/info-psoc-03.pdf``."""
    return f"{PDF_DIR}/{slug}.pdf"


def language_prefix(lang: str) -> str:
    """Where a language's pages live, from the site's root: "" for French, "en/" for English."""
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def root_url(site_url: str, lang: str) -> str:
    """The French site's address, from the address of ``lang``'s build."""
    url = with_slash(site_url)
    prefix = language_prefix(lang)
    if prefix and url.endswith("/" + prefix):
        return url[: -len(prefix)]
    return url


def language_url(root: str, lang: str) -> str:
    """A language's home, from the French site's address."""
    return root + language_prefix(lang)


def relpath(target: str, folder: str) -> str:
    """``posixpath.relpath(target, folder)`` for two paths inside the site."""
    to = [part for part in target.split("/") if part and part != "."]
    start = [part for part in folder.split("/") if part and part != "."]
    common = 0
    while common < len(start) and common < len(to) and start[common] == to[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def page_url(src_uri: str) -> str:
    """A page's address within its build (directory URLs): ``glossaire/aca.md`` -> ``glossaire/aca/``."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_uri: str, to_uri: str) -> str:
    """The relative address from one page to another, both given as Markdown paths."""
    found = relpath(page_url(to_uri), page_url(from_uri))
    return found if found.endswith("/") else found + "/"


def cross_href(from_url: str, from_lang: str, to_url: str, to_lang: str) -> str:
    """The relative link from a page of one language's build to a page of another's.

    ``from_url`` and ``to_url`` are page URLs within their own build (``glossaire/aca/``, or ""
    for the home page).
    """
    source = language_prefix(from_lang) + from_url
    target = language_prefix(to_lang) + to_url
    folder = source if source.endswith("/") or not source else source.rpartition("/")[0]
    found = relpath(target, folder)
    if (to_url.endswith("/") or not to_url) and not found.endswith("/"):
        found += "/"
    return found


# --- the local servers' own names (DNS rebinding) ---
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def own_hosts(host: str, port: int) -> frozenset[str] | None:
    """The ``Host`` headers a local server (the preview, the editor's backend) answers when it listens on
    ``host``:``port``: its loopback names with its port, lower-case. A web page that points a name of its
    own at 127.0.0.1 (DNS rebinding) would send that name, and is refused: the preview shows drafts, the
    backend writes. None when it listens on another address (staff chose to show it on their network:
    any name may reach it)."""
    if host.strip("[]") not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        return None
    return frozenset(f"{name}:{port}" for name in (*LOOPBACK_NAMES, host.lower()))
