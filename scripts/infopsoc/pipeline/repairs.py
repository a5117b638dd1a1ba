"""What a page gets once its theme has written it, and small repairs to the HTML and script that
Material's theme writes (under MkDocs, and Zensical's ``classic`` variant), so every page is valid
and accessible (tests/test_quality.py checks them with the Nu HTML Checker and axe-core).

Each repair matches Material's exact output and does nothing when it is absent, so a
Material upgrade that fixes a defect upstream makes the matching repair a no-op. Plain text in,
plain text out: the MkDocs adapter calls :func:`finished_page` on each page in memory; for an engine
without our plugin, :class:`PagesOutput` does it on the written pages.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import markupsafe

from infopsoc.core.csp import with_policy
from infopsoc.core.i18n import strings
from infopsoc.core.urls import page_url
from infopsoc.outputs.base import Needs
from infopsoc.render.pages import fill_fragments
from infopsoc.render.pdf_link import with_link_placeholder

#: where a bulletin page's own header starts (render/templates/bulletin.md.j2): the PDF link follows it
BULLETIN_HEAD = '<header class="ip-bulletin-head"'

# The drawer and search toggles are checkboxes with autocomplete="off" (not allowed on a checkbox).
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')
# A section's label in the navigation gets tabindex="" (an empty string is no integer).
_EMPTY_TABINDEX = re.compile(r' tabindex=""')
# The table of contents' title is a label for the "__toc" toggle, which exists only on pages in the nav.
_TOC_LABEL = re.compile(r'(<label class="md-nav__title") for="__toc"')
# The search dialog has no accessible name.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def repair_material_html(html: str, *, search_label: str) -> str:
    """Return ``html`` (a whole page written by Material) with its known defects repaired."""
    html = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    html = _EMPTY_TABINDEX.sub("", html)
    if 'id="__toc"' not in html:
        html = _TOC_LABEL.sub(r"\1", html)
    label = search_label.replace("&", "&amp;").replace('"', "&quot;")
    html = html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{label}">')
    return html


# Material's language integration (setupAlternate, mkdocs-material #6582) fetches the sitemap.xml
# beside *every* <link rel="alternate"> of a page, taking each for a language's root. Ours are
# per-page hreflang links (and feed links): each page view asked for …/glossaire/aca/sitemap.xml
# (a 404, an error in the console) and the whole sitemap twice, to steer clicks on a language
# switcher that already links each page to its translation. Its selector is made to match no
# element; the replacement has the same length, so that the bundle's source map stays right.
_MATERIAL_ALTERNATE = '"link[rel=alternate]"'
_NO_ELEMENT = '"link[rel=md-switch]"'
assert len(_MATERIAL_ALTERNATE) == len(_NO_ELEMENT)


def repair_material_script(script: str) -> str:
    """Return Material's JavaScript bundle without its sitemap fetches for alternate links."""
    if script.count(_MATERIAL_ALTERNATE) != 1:
        return script  # already repaired, or a Material that changed: tests/test_quality.py tells
    return script.replace(_MATERIAL_ALTERNATE, _NO_ELEMENT)


# Material's tooltips (the feature "content.tooltips") are set up, when a page loads, for every
# element of its text with a title: each <abbr> of the glossary, each heading's permalink. On a
# phone (Lighthouse's mobile profile) that is about 2 ms of main thread per element, a frozen page
# for over a second on a 150-event timeline (BENCHMARKS.md). A page with more than TOOLTIP_LIMIT
# titles keeps them, and the browser's own tooltip shows the same text; the others keep Material's.
TOOLTIP_LIMIT = 300
_CONFIG_FEATURES = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"features": \[)([^\]]*)\]')


def tooltips_within_budget(html: str, limit: int = TOOLTIP_LIMIT) -> str:
    """Return ``html`` (a whole page) without Material's tooltips when it has over ``limit`` titles."""
    if html.count(' title="') <= limit:
        return html

    def without_tooltips(match: re.Match) -> str:
        features = [f for f in match.group(2).split(", ") if f and f != '"content.tooltips"']
        return match.group(1) + ", ".join(features) + "]"

    return _CONFIG_FEATURES.sub(without_tooltips, html, count=1)


# --- security ---
def escaped_meta(meta: dict) -> dict:
    """A page's front matter as Material's templates need it.

    MkDocs' template environment does not autoescape: Material prints ``page.meta.title`` and
    ``page.meta.description`` (in ``<title>``, ``<meta>``, the header, the navigation, the search
    index) as HTML. Every text value is made escaped text here, once, at the boundary: a
    :class:`markupsafe.Markup`, which Jinja prints as is and which ``| e`` does not escape twice,
    so that ``Les "balises" et la <Loi 120>`` is shown exactly as typed.
    """
    return {key: markupsafe.escape(value) if isinstance(value, str) else value for key, value in meta.items()}


_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@functools.lru_cache(maxsize=4)
def theme_inline_scripts(templates: Path) -> frozenset[str]:
    """The inline scripts of Material's ``partials/javascripts/content.html`` (after a page's text), in
    the theme's ``templates`` folder: allowed by their hash (core/csp.py), read from the installed
    theme so that an upgrade stays in step."""
    partial = templates / "partials/javascripts/content.html"
    return frozenset(_SCRIPT.findall(partial.read_text(encoding="utf-8") if partial.is_file() else ""))


def finished_page(html: str, *, lang: str, inline_scripts: frozenset[str], preview: bool) -> str:
    """A whole page as the site serves it: Material's defects repaired, the Content-Security-Policy
    first in its head (``inline_scripts``: the theme's scripts after the text, allowed by their hash),
    Material's tooltips off when the page has too many."""
    html = repair_material_html(html, search_label=strings(lang)["search_dialog"])
    html = with_policy(html, inline_scripts, preview=preview)  # --- security ---
    return tooltips_within_budget(html)  # --- performance ---


class MaterialScriptOutput:
    """Material's JavaScript bundle, without its sitemap fetches (:func:`repair_material_script`)."""

    name, folder = "material-script", None

    def wanted(self, needs: Needs) -> bool:
        return True

    def files(self, needs: Needs) -> dict[str, bytes]:
        found = {}
        for bundle in sorted(needs.site_dir.glob("assets/javascripts/bundle.*.min.js")):
            script = bundle.read_text(encoding="utf-8")
            repaired = repair_material_script(script)
            if repaired != script:
                found[bundle.relative_to(needs.site_dir).as_posix()] = repaired.encode("utf-8")
        return found


class PagesOutput:
    """For an engine that ran none of our code on its pages (Zensical, from the staging folder): each
    written page gets its fragments (render.pages.fill_fragments), a bulletin's page its PDF link
    (after its header: the PDF step links it now, or once the PDF is done), and :func:`finished_page`."""

    name, folder = "pages", None

    def wanted(self, needs: Needs) -> bool:
        return not needs.pages_done

    def files(self, needs: Needs) -> dict[str, bytes]:
        by_file = {page_url(uri) + "index.html": fragments for uri, fragments in needs.fragments.items()}
        bulletins = {page_url(uri) + "index.html": (slug, page_url(uri)) for uri, slug in needs.bulletins.items()}
        found = {}
        for path in sorted(needs.site_dir.rglob("*.html")):
            rel = path.relative_to(needs.site_dir).as_posix()
            if rel.startswith("admin/"):
                continue
            text = path.read_text(encoding="utf-8")
            page = fill_fragments(text, by_file[rel]) if rel in by_file else text
            if rel in bulletins and needs.pdfs is not None and needs.pdfs.enabled:
                slug, url = bulletins[rel]
                page = needs.pdfs.link(with_link_placeholder(page, after=BULLETIN_HEAD), slug, url, rel)
            page = finished_page(page, lang=needs.lang, inline_scripts=needs.inline_scripts, preview=needs.preview)
            if page != text:
                found[rel] = page.encode("utf-8")
        return found
