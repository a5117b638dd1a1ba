"""A bulletin as every output publishes it, made once per build and shared (feeds, PDF, any later
output: an e-mail edition, a JSON API).

Its HTML is the bulletin page's converted text (fragments filled):

- allow-listed by the site's one policy (``content.checks.raw_html.clean``, nh3): no script, no
  event handler, no ``javascript:``, no resource from another host, ``style`` only ``text-align``;
- without what is web-only (``core.html.is_web_only``: the page's header, previous/next, « Dans la
  chronologie », the permalinks), each dropped with lxml's ``drop_tree``, which keeps the text that
  follows the element;
- with every link and image absolute, against the page's address (a feed reader or a PDF viewer is
  not on the site; a link to an anchor of the page stays internal in the PDF: WeasyPrint compares it
  with the document's address).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html

from infopsoc.content.bulletins import Bulletin
from infopsoc.content.checks.raw_html import URL_ATTRIBUTES
from infopsoc.content.checks.raw_html import clean as allowed_html
from infopsoc.core.html import is_web_only


_CONTROL = re.compile(r"[\x00-\x20]")


@dataclass(frozen=True)
class Publishable:
    """One bulletin, as the outputs publish it."""

    bulletin: Bulletin
    url: str  # the bulletin page's absolute address
    html: str  # see the module's text


def publishable(bulletin: Bulletin, rendered: str, page_url: str) -> Publishable:
    """``rendered`` (the bulletin page's converted text) made publishable (see the module's text)."""
    return Publishable(bulletin, page_url, publishable_html(rendered, page_url))


def publishable_html(rendered: str, page_url: str) -> str:
    root = lxml.html.fragment_fromstring(allowed_html(rendered), create_parent="div")
    for element in [e for e in root.iter() if isinstance(e.tag, str) and is_web_only(e.classes)]:
        element.drop_tree()  # a web-only part inside another is dropped with it
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in URL_ATTRIBUTES & set(element.attrib):
                # browsers ignore ASCII whitespace and control characters in an address
                element.attrib[name] = urljoin(page_url, _CONTROL.sub("", element.attrib[name]))
    text = lxml.html.tostring(root, encoding="unicode", method="html")
    return text[len("<div>"): -len("</div>")].strip() + "\n"
