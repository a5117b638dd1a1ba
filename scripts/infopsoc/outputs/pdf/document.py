"""The print document of one bulletin: its converted page made for paper.

``print_html`` turns a bulletin's publishable HTML (``outputs.publishable``: the converted page,
allow-listed, without what is web-only, links absolute) into a complete print document: masthead,
« Dans ce numéro », the body, footnotes moved to where they are called (``float: footnote`` puts them at the
foot of that page), metadata in ``<meta>``. Its template is ``print-bulletin.html.j2`` beside
this module; its stylesheet is the theme's ``print-bulletin.css``.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import markupsafe
import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from infopsoc.content.bulletins import Bulletin
from infopsoc.core.i18n import HTML_LANG, strings
from infopsoc.core.urls import root_url, with_slash
from infopsoc.core.typography import for_language

PDF_VARIANT = "pdf/ua-1"
STYLESHEET = "assets/stylesheets/print-bulletin.css"
# Bump when the way print documents are made changes in a way the print HTML does not show.
FORMAT = "3"

FOOTNOTES_MARKER = "///Footnotes Go Here///"

# --- the print document ------------------------------------------------------------------------

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
    autoescape=True,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _css_string(value: object) -> markupsafe.Markup:
    """A CSS string literal, safe inside a <style> element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return markupsafe.Markup(f'"{text}"')


_env.filters["css_string"] = _css_string


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class PrintDocument:
    """Everything a worker needs to render one PDF."""

    slug: str
    lang: str
    html: str
    base_url: str

    def key(self) -> str:
        digest = hashlib.sha256()
        for part in (FORMAT, weasyprint_version(), PDF_VARIANT, self.base_url, self.html):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


@cache
def weasyprint_version() -> str:
    return metadata.version("weasyprint")


@cache
def _code_fingerprint() -> str:
    """What shapes a print document besides its inputs: this package (its modules and template),
    the strings, and what the site declares web-only."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    core = here.parent.parent / "core"
    for path in (*sorted(here.glob("*.py")), *sorted(here.glob("*.j2")), core / "i18n.py", core / "html.py",
                 core / "typography.py"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def source_key(bulletin: Bulletin, rendered: str, *, site_url: str, author: str, lang: str) -> str:
    """The hash of everything ``print_html`` reads: a cached PDF whose record has it is reused without
    building its print document (parsing a bulletin's HTML costs ~50 ms, as much as a cache miss)."""
    digest = hashlib.sha256()
    for part in (FORMAT, weasyprint_version(), PDF_VARIANT, _code_fingerprint(), repr(bulletin), rendered,
                 site_url, author, lang):
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def print_html(bulletin: Bulletin, publishable: str, *, site_url: str, author: str, lang: str | None = None) -> PrintDocument:
    """The complete print document of one bulletin, from its publishable HTML (``outputs.publishable``)."""
    lang = lang or bulletin.lang
    t = strings(lang)
    typo = for_language(lang)  # the front matter's text does not go through Markdown: typeset here
    # --- security --- (allow-listed once: outputs.publishable)
    body, sections = print_body(publishable, site_root=with_slash(root_url(site_url, lang)))
    page_url = site_url + bulletin.url
    date_text = bulletin.date.format(lang)
    created = bulletin.date.first_day().isoformat() + "T00:00:00Z"
    document = _env.get_template("print-bulletin.html.j2").render(
        b=bulletin,
        t=t,
        html_lang=HTML_LANG.get(lang, lang),
        title=f"{bulletin.label(lang)} — {typo(bulletin.title)}",
        heading=typo(bulletin.title),
        summary=typo(bulletin.summary),
        author=author,
        keywords=", ".join(topic.replace(",", " ") for topic in bulletin.topics),
        created=created,
        masthead=t["pdf_masthead"].format(number=bulletin.number),
        date_text=date_text[:1].upper() + date_text[1:],
        stylesheet=posixpath.relpath(STYLESHEET, bulletin.url),
        site_address=_display_address(site_url),
        sections=sections,
        body=body,
        web_url=page_url,
    )
    return PrintDocument(slug=bulletin.slug, lang=lang, html=document, base_url=page_url)


def _display_address(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def print_body(publishable: str, site_root: str = "") -> tuple[str, list[Section]]:
    """The bulletin's body made for paper, and its ``##`` sections.

    ``publishable``: the bulletin as every output publishes it (``outputs.publishable``: allow-listed,
    without what is web-only, links absolute). Moves each footnote to its call; marks links whose text
    is their address, so the stylesheet does not print the address twice, and links into the site
    (``site_root``: the French site's address, every language's pages are under it), whose address
    paper does not print either (they were relative before ``outputs.publishable`` made them absolute).
    """
    body = lxml.html.fragment_fromstring(publishable, create_parent="div")
    notes: dict[str, HtmlElement] = {}
    for element in list(body.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag == "p" and element.text_content().strip() == FOOTNOTES_MARKER:
            element.drop_tree()  # left by the footnotes extension in a bulletin without notes
        elif element.tag == "div" and "footnote" in element.classes:
            for item in element.iter("li"):
                if item.get("id"):
                    notes[item.get("id")] = item
            element.drop_tree()

    for sup in list(body.iter("sup")):
        link = sup.find("a")
        if link is None or "footnote-ref" not in link.classes:
            continue
        note = notes.get(urlsplit(link.get("href", "")).fragment)
        if note is None:
            continue
        span = _footnote_span(note)
        span.tail = sup.tail
        sup.getparent().replace(sup, span)

    for link in body.iter("a"):
        href = link.get("href", "")
        if href.startswith(("http://", "https://")) and _bare(href) == _bare(link.text_content()):
            link.set("class", (link.get("class", "") + " ip-bare").strip())
        elif site_root and href.startswith(site_root):
            link.set("class", (link.get("class", "") + f" {INTERNAL}").strip())

    _acronyms_beside_the_last_section(body)
    sections = [Section(h.get("id", ""), h.text_content().strip()) for h in body.iter("h2") if h.get("id")]
    html = html_lib.escape(body.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode", method="html") for child in body)
    return html, sections


#: the class of a link into the site: the stylesheet prints no address after it (print-bulletin.css)
INTERNAL = "ip-internal"

#: the classes the stylesheet floats « Quelques acronymes » by, and keeps it whole by (print-bulletin.css)
BESIDE = "ip-beside"
BESIDE_BLOCK = "ip-beside-block"


def _acronyms_beside_the_last_section(body: HtmlElement) -> None:
    """« Quelques acronymes » moved from the end of the issue to the start of its last section, where
    the stylesheet floats it beside the text, as the printed issues did (October 2017: the box beside
    the last section, four pages). At the end, as a block, it took a page of its own.

    WeasyPrint cuts a float at the foot of a page whatever ``break-inside`` says: the heading, the
    box and the paragraphs that sit beside it (about twice the box's text) are held in one block
    that is never cut (``display: flow-root`` contains the float); the rest of the section follows.
    """
    children = list(body)
    box = next((c for c in children if isinstance(c.tag, str) and "ip-acronyms" in c.classes), None)
    headings = [i for i, c in enumerate(children) if c.tag == "h2"]
    if box is None or not headings or children.index(box) < headings[-1]:
        return
    box.drop_tree()  # its tail (white space) stays where it was
    box.tail = None
    box.set("class", f"{box.get('class')} {BESIDE}")
    start = headings[-1]
    budget = 2 * len(box.text_content())
    held = [children[start]]
    for child in children[start + 1:]:
        if child is box or budget <= 0:
            break
        held.append(child)
        budget -= len(child.text_content())
    block = body.makeelement("div", {"class": BESIDE_BLOCK})
    body.insert(list(body).index(held[0]), block)
    for child in held:
        body.remove(child)
        block.append(child)
    block.insert(1, box)


def _footnote_span(note: HtmlElement) -> HtmlElement:
    """A footnote as one inline element: its paragraphs joined by line breaks, no back link."""
    span = note.makeelement("span", {"class": "ip-footnote", "id": note.get("id", "")})
    paragraphs = [p for p in note if p.tag == "p"] or [note]
    last: HtmlElement | None = None
    for i, paragraph in enumerate(paragraphs):
        for backref in [a for a in paragraph.iter("a") if "footnote-backref" in a.classes]:
            backref.drop_tree()
        if i:
            last = etree.SubElement(span, "br")
        text = (paragraph.text or "").rstrip("\xa0 ") if len(paragraph) == 0 else (paragraph.text or "")
        if last is None:
            span.text = (span.text or "") + text
        else:
            last.tail = (last.tail or "") + text
        for child in list(paragraph):
            span.append(child)
            last = child
    # the back link leaves a trailing no-break space behind
    if last is None:
        span.text = (span.text or "").rstrip("\xa0 ")
    else:
        last.tail = (last.tail or "").rstrip("\xa0 ")
    return span


def _bare(address: str) -> str:
    address = re.sub(r"^[a-z]+://", "", address.strip().lower())
    return address.removeprefix("www.").rstrip("/")
