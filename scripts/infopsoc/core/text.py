"""Plain text from Markdown: what an export or a metadata field shows of a text."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from html.parser import HTMLParser

import markdown

from infopsoc.core import memo


class _TextParser(HTMLParser):
    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "pre", "tr", "div"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.blocks.append([])

    def handle_data(self, data):
        self.blocks[-1].append(data)


#: each text's plain text, kept between builds (the glossary's export made ~180 Markdown converters a build)
_PLAIN = memo.Memo("plain-text", limit=20_000)


@functools.lru_cache(maxsize=4096)
def plain_text(markdown_text: str) -> str:
    """A Markdown text as plain text: paragraphs separated by a blank line."""
    key = hashlib.blake2b(markdown_text.encode("utf-8"), digest_size=16).hexdigest()
    return _PLAIN.get((key, markdown.__version__), lambda: _plain_text(markdown_text))  # its converter's version too


def _plain_text(markdown_text: str) -> str:
    parser = _TextParser()
    parser.feed(markdown.markdown(markdown_text))
    parser.close()
    paragraphs = (" ".join("".join(parts).split()) for parts in parser.blocks)
    return "\n\n".join(p for p in paragraphs if p)


#: runs of characters other than ASCII: once a text is decomposed, only these can be marks (accents)
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _without_marks(found: re.Match) -> str:
    return "".join(ch for ch in found.group() if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Text without case or accents, with single spaces: what glossary names collide on, and
    what the search's word list is looked up by. Marks are looked for in the non-ASCII runs only: a page's
    whole text is folded for the search index, and a Python test per character was a third of it."""
    decomposed = unicodedata.normalize("NFD", text.replace("’", "'"))
    return " ".join(_NOT_ASCII.sub(_without_marks, decomposed).casefold().split())


# --- names --- (a file name staff may write: lower case, no accents, no spaces; PUBLIER.md)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "-", "'": "-"})
MAX_SLUG = 60


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """« Loi 120 » → ``loi-120``, « Financement à la mission » → ``financement-a-la-mission``."""
    flat = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    flat = flat.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", flat).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug
