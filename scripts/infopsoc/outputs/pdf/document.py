"""The print document of one bulletin: its converted page made for paper.

``print_html`` turns a bulletin's rendered HTML (the Markdown output, no theme around it) into a
complete print document: masthead, « Dans ce numéro », the body without what is web-only
(``core.html``), footnotes moved to where they are called (``float: footnote`` puts them at the
foot of that page), metadata in ``<meta>``. Its template is ``print-bulletin.html.j2`` beside
this module; its stylesheet is the theme's ``print-bulletin.css``.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import markupsafe
import tinyhtml5

from infopsoc.content.bulletins import Bulletin
from infopsoc.content.checks.raw_html import clean as allowed_html
from infopsoc.core.html import is_web_only, remove_keeping_tail
from infopsoc.core.i18n import HTML_LANG, strings
from infopsoc.core.typography import for_language

PDF_VARIANT = "pdf/ua-1"
STYLESHEET = "assets/stylesheets/print-bulletin.css"
# Bump when the way print documents are made changes in a way the print HTML does not show.
FORMAT = "2"

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


def print_html(bulletin: Bulletin, rendered: str, *, site_url: str, author: str, lang: str | None = None) -> PrintDocument:
    """The complete print document of one bulletin, from its rendered HTML."""
    lang = lang or bulletin.lang
    t = strings(lang)
    typo = for_language(lang)  # the front matter's text does not go through Markdown: typeset here
    body, sections = print_body(allowed_html(rendered))  # --- security --- (the site's one allow-list)
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


def print_body(rendered: str) -> tuple[str, list[Section]]:
    """The bulletin's body made for paper, and its ``##`` sections.

    Drops what is web-only (``core.html``: the web header, which the print masthead replaces, the
    issue navigation, the timeline section, the permalinks); moves each footnote to its call; marks links whose text is their address, so the
    stylesheet does not print the address twice.
    """
    root = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{rendered}</body></html>", namespace_html_elements=False)
    body = root.find("body")
    parents = {child: parent for parent in body.iter() for child in parent}

    def remove(element: ET.Element) -> None:
        remove_keeping_tail(parents[element], element)

    notes: dict[str, ET.Element] = {}
    for element in list(body.iter()):
        classes = element.get("class", "").split()
        if is_web_only(classes):
            remove(element)  # the web header, the neighbours, its place in the timeline, permalinks
        elif element.tag == "p" and "".join(element.itertext()).strip() == FOOTNOTES_MARKER:
            remove(element)  # left by the footnotes extension in a bulletin without notes
        elif element.tag == "div" and "footnote" in classes:
            for item in element.iter("li"):
                if item.get("id"):
                    notes[item.get("id")] = item
            remove(element)

    for sup in list(body.iter("sup")):
        link = sup.find("a")
        if link is None or "footnote-ref" not in link.get("class", "").split():
            continue
        note = notes.get(link.get("href", "").lstrip("#"))
        if note is None:
            continue
        span = _footnote_span(note)
        span.tail = sup.tail
        parent = parents[sup]
        parent[list(parent).index(sup)] = span

    for link in body.iter("a"):
        href = link.get("href", "")
        if href.startswith(("http://", "https://")) and _bare(href) == _bare("".join(link.itertext())):
            link.set("class", (link.get("class", "") + " ip-bare").strip())

    _acronyms_beside_the_last_section(body)
    sections = [Section(h.get("id", ""), "".join(h.itertext()).strip()) for h in body.iter("h2") if h.get("id")]
    html = html_lib.escape(body.text or "", quote=False) + "".join(ET.tostring(child, encoding="unicode", method="html") for child in body)
    return html, sections


#: the classes the stylesheet floats « Quelques acronymes » by, and keeps it whole by (print-bulletin.css)
BESIDE = "ip-beside"
BESIDE_BLOCK = "ip-beside-block"


def _acronyms_beside_the_last_section(body: ET.Element) -> None:
    """« Quelques acronymes » moved from the end of the issue to the start of its last section, where
    the stylesheet floats it beside the text, as the printed issues did (October 2017: the box beside
    the last section, four pages). At the end, as a block, it took a page of its own.

    WeasyPrint cuts a float at the foot of a page whatever ``break-inside`` says: the heading, the
    box and the paragraphs that sit beside it (about twice the box's text) are held in one block
    that is never cut (``display: flow-root`` contains the float); the rest of the section follows.
    """
    children = list(body)
    box = next((c for c in children if "ip-acronyms" in c.get("class", "").split()), None)
    headings = [i for i, c in enumerate(children) if c.tag == "h2"]
    if box is None or not headings or children.index(box) < headings[-1]:
        return
    remove_keeping_tail(body, box)
    box.tail = None
    box.set("class", f"{box.get('class')} {BESIDE}")
    start = headings[-1]
    budget = 2 * len("".join(box.itertext()))
    held = [children[start]]
    for child in children[start + 1:]:
        if child is box or budget <= 0:
            break
        held.append(child)
        budget -= len("".join(child.itertext()))
    block = ET.Element("div", {"class": BESIDE_BLOCK})
    body.insert(list(body).index(held[0]), block)
    for child in held:
        body.remove(child)
        block.append(child)
    block.insert(1, box)


def _footnote_span(note: ET.Element) -> ET.Element:
    """A footnote as one inline element: its paragraphs joined by line breaks, no back link."""
    span = ET.Element("span", {"class": "ip-footnote", "id": note.get("id", "")})
    paragraphs = [p for p in note if p.tag == "p"] or [note]
    last: ET.Element | None = None
    for i, paragraph in enumerate(paragraphs):
        for backref in [a for a in paragraph.iter("a") if "footnote-backref" in a.get("class", "").split()]:
            for parent in paragraph.iter():
                if backref in list(parent):
                    parent.remove(backref)
        if i:
            last = ET.SubElement(span, "br")
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
