"""The « Version imprimable (PDF, 74 ko) » link on a bulletin's page.

A bulletin's page is converted before its PDF exists (the PDF is made from the converted page):
the page gets a placeholder right after its header, replaced by the link once the PDF's size is
known, or by nothing when PDFs are off.
"""

from __future__ import annotations

import html as html_lib

from infopsoc.core.i18n import strings
from infopsoc.core.urls import PDF_TYPE, relpath

LINK_PLACEHOLDER = "<!-- infopsoc:pdf-link -->"


def with_link_placeholder(rendered: str, after: str = "") -> str:
    """The web page's HTML with a place for the PDF link, right after the bulletin's header (the first
    ``</header>`` after ``after``: a whole page's own header comes first)."""
    marker = "</header>"
    start = rendered.find(after) if after else 0
    if start < 0:
        return rendered  # not a bulletin's page
    index = rendered.find(marker, start)
    if index < 0:
        return LINK_PLACEHOLDER + "\n" + rendered
    index += len(marker)
    return rendered[:index] + "\n" + LINK_PLACEHOLDER + rendered[index:]


def link_html(path: str | None, length: int, page_url: str, lang: str) -> str:
    """The link to the PDF at ``path`` (in the site) of ``length`` bytes, relative to the page;
    empty without a PDF."""
    if path is None:
        return ""
    text = strings(lang)["pdf_link"].format(size=human_size(length, lang))
    href = relpath(path, page_url)
    return (f'<p class="ip-pdf-link"><a href="{html_lib.escape(href)}" type="{PDF_TYPE}" download>'
            f"{html_lib.escape(text)}</a></p>")


def with_link(page_html: str, path: str | None, length: int, page_url: str, lang: str) -> str:
    """The page with its placeholder replaced by the link (``path`` None: no PDF, no link)."""
    return page_html.replace(LINK_PLACEHOLDER, link_html(path, length, page_url, lang), 1)


def human_size(length: int, lang: str) -> str:
    t = strings(lang)
    if length < 1000 * 1000:
        return t["pdf_kb"].format(n=max(1, -(-length // 1000)))
    value = f"{length / 1e6:.1f}"
    if lang == "fr":
        value = value.replace(".", ",")
    return t["pdf_mb"].format(n=value)
