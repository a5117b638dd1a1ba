"""French typography in converted pages: a Python-Markdown extension.

Once the page is parsed (and the glossary has marked its terms), the text of every
element goes through :func:`infopsoc.core.typography.french`; the text right after an inline
element (a note call, an abbreviation, a link) through :func:`~infopsoc.core.typography.french_after_element`,
so that « <abbr>PSOC</abbr> : » gets its no-break space too. Only text is changed:
attribute values (``href``, ``title``…) are never read, and the text of code, preformatted
blocks, scripts, styles and of a link that shows its own address is left as written.

Registered for French builds only (:func:`with_typography`): English pages keep English
rules. The generated pages, the feeds and the PDFs are made from the converted HTML, so
they get the same spaces.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from infopsoc.core.typography import french, french_after_element

#: After the glossary (6) has marked its terms, before the table of contents (5) reads the headings
#: (the anchors do not change: their slugs fold a no-break space into an ordinary one).
PRIORITY = 5.5

SKIP_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "math", "textarea"})
#: elements inside a line of text: the text after one continues the sentence (« <abbr>PSOC</abbr> : »)
INLINE_TAGS = frozenset({"a", "abbr", "b", "cite", "code", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp", "small",
                         "span", "strong", "sub", "sup", "time", "u", "var", "del", "ins"})
#: a character escaped in Markdown (« \\! ») waits as STX + its code + ETX until the end of the
#: conversion; the signs the rules look at are given back now (Markdown would do the same later)
_ESCAPED_SIGN = re.compile(f"{STX}({'|'.join(str(ord(ch)) for ch in ';!?:«»%$')}){ETX}")
_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|www\.)\S*\s*$", re.IGNORECASE)


def _typeset(text: str, after: etree.Element | None = None) -> str:
    """French typography on a run of text; ``after``: the inline element it follows, if any."""
    if STX in text:
        text = _ESCAPED_SIGN.sub(lambda m: chr(int(m.group(1))), text)
    if after is not None and after.tag in INLINE_TAGS and _ends_visibly(after):
        return french_after_element(text)
    return french(text)


def _ends_visibly(el: etree.Element) -> bool:
    """Whether an element's text ends with a visible character (not a space)."""
    last = ""
    for piece in el.itertext():
        if piece:
            last = piece
    return bool(last) and not last[-1].isspace()


class FrenchTypographyTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        if el.text and not (el.tag == "a" and _URL.match(el.text)):
            el.text = _typeset(el.text)
        for child in el:
            if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
                self._walk(child)
            if child.tail:
                child.tail = _typeset(child.tail, after=child if isinstance(child.tag, str) else None)


class FrenchTypographyExtension(Extension):
    """Non-breaking spaces where French typography puts them (see core/typography.py)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(FrenchTypographyTreeprocessor(md), "infopsoc_typography", PRIORITY)
        md.registerExtension(self)


def makeExtension(**kwargs) -> FrenchTypographyExtension:  # noqa: N802 (Markdown's API)
    return FrenchTypographyExtension(**kwargs)


def with_typography(extensions: list, lang: str) -> list:
    """The page extensions of a build in ``lang``: French typography added for French only."""
    others = [e for e in extensions if not isinstance(e, FrenchTypographyExtension)]
    return [*others, FrenchTypographyExtension()] if lang == "fr" else others
