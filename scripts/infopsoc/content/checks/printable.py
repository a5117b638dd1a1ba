"""Characters the PDF cannot print: a bulletin's text checked against the print fonts.

The print stylesheet names the fonts the PDF embeds (``@font-face … url(…)``: text, symbols,
emoji, see ``theme/fonts/README.md``). A character of a bulletin (title, summary, topics, text)
that none of them holds cannot be printed: the web page and the feeds show it (the reader's device
has fonts), the PDF prints :data:`REPLACEMENT` in its place (:func:`printable`, applied by
``outputs/pdf/weasy.py``), and ``infopsoc check`` warns, naming the file, the line, the character
and its code, in French. It never stops publishing.

One rule for both (:func:`is_unprintable`), one reading of the fonts (:func:`coverage`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import posixpath
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from infopsoc.content.model import Site
from infopsoc.core.fingerprints import fingerprint, versions
from infopsoc.core.memo import Memo
from infopsoc.core.problems import Problem

PRINT_STYLESHEET = "theme/assets/stylesheets/print-bulletin.css"
#: what the PDF prints for a character no print font holds (« � », in the text fonts)
REPLACEMENT = "\ufffd"
_FONT_URL = re.compile(r"@font-face\s*{[^}]*?url\(\s*['\"]?([^'\")]+\.(?:woff2?|ttf|otf))['\"]?\s*\)", re.S)
# shaping marks, not glyphs of their own: joiners, variation selectors, directional marks, tag characters
_INVISIBLE = (frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
              | {chr(c) for c in range(0xFE00, 0xFE10)} | {chr(c) for c in range(0xE0020, 0xE0080)})


def font_urls(stylesheet_text: str) -> list[str]:
    """The font files a stylesheet's ``@font-face`` rules name (as written: relative URLs)."""
    return _FONT_URL.findall(stylesheet_text)


def stylesheet_fonts(stylesheet_path: str, stylesheet_text: str) -> list[str]:
    """The fonts of a stylesheet as paths of the same tree (``assets/stylesheets/x.css`` with
    ``url(../../fonts/a.woff2)`` gives ``fonts/a.woff2``)."""
    folder = posixpath.dirname(stylesheet_path)
    return [posixpath.normpath(posixpath.join(folder, url)) for url in font_urls(stylesheet_text)]


@functools.lru_cache(maxsize=32)
def _cmap(path: str, stamp: tuple[int, int]) -> frozenset[int]:
    raw = Path(path).read_bytes()
    # --- performance --- a font's map, kept between builds by the font's bytes (memo.py): reading it is
    # most of this check's time
    return _FONTS.get((hashlib.blake2b(raw, digest_size=16).digest(), versions("fonttools")), lambda: _read_cmap(raw))


def _read_cmap(raw: bytes) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a dependency of WeasyPrint, read here for its character maps

    with TTFont(io.BytesIO(raw), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


_FONTS = Memo("print-fonts", limit=256)


def coverage(font_files: Iterable[Path]) -> frozenset[int]:
    """The code points the given font files hold together (each file read once per process
    while it is unchanged, and their union made once: each PDF asks)."""
    found = []
    for path in font_files:
        path = Path(path)
        if path.is_file():
            stat = path.stat()
            found.append((str(path.resolve()), (stat.st_mtime_ns, stat.st_size)))
    return _union(tuple(found))


@functools.lru_cache(maxsize=8)
def _union(fonts: tuple[tuple[str, tuple[int, int]], ...]) -> frozenset[int]:
    covered: set[int] = set()
    for path, stamp in fonts:
        covered |= _cmap(path, stamp)
    return frozenset(covered)


def print_coverage(root: Path) -> frozenset[int] | None:
    """The code points the PDF fonts of the project at ``root`` hold (None: no print stylesheet)."""
    stylesheet = root / PRINT_STYLESHEET
    if not stylesheet.is_file():
        return None
    return coverage((stylesheet.parent / url).resolve() for url in font_urls(stylesheet.read_text(encoding="utf-8")))


def is_unprintable(ch: str, covered: frozenset[int]) -> bool:
    """A character that would print as an empty box: visible, and in none of the fonts."""
    if ord(ch) in covered or ch in _INVISIBLE or ch.isspace():
        return False
    return unicodedata.category(ch) not in ("Cc", "Cf")


def _missing(text: str, covered: frozenset[int]) -> set[str]:
    """The characters of ``text`` the fonts cannot print, each distinct character looked up once
    (a loop over every character was 5 % of a warm PDF's time; a bulletin has a few dozen)."""
    if text.isascii():
        return set()
    return {ch for ch in set(text) if not ch.isascii() and is_unprintable(ch, covered)}


def printable(text: str, covered: frozenset[int]) -> str:
    """``text`` with :data:`REPLACEMENT` for each character the fonts cannot print."""
    missing = _missing(text, covered)
    return text.translate({ord(ch): REPLACEMENT for ch in missing}) if missing else text


def unprintable(text: str, covered: frozenset[int]) -> list[tuple[str, list[int]]]:
    """Each character no print font holds, with every line it is on, in the order they first occur."""
    missing = _missing(text, covered)
    if not missing:
        return []
    found: dict[str, list[int]] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in sorted(missing.intersection(line), key=line.index):
            found.setdefault(ch, []).append(number)
    return sorted(found.items(), key=lambda item: (item[1][0], text.index(item[0])))


#: the other lines a character is on, named in its warning (then « … »)
_MORE_LINES = 10


def check_printable(site: Site) -> list[Problem]:
    covered = print_coverage(site.settings.root)
    if not covered:
        return []
    problems: list[Problem] = []
    fonts = _coverage_key(covered)
    for b in site.bulletins:
        # --- performance --- a text's warnings depend on it and the fonts alone: kept between builds
        problems += _CHECKED.get((b.source.rel, fingerprint(b.source.text), fonts, versions()),
                                 lambda: tuple(_text_problems(b.source.rel, b.source.text, covered)))
    return problems


_CHECKED = Memo("printable-checks")


@functools.lru_cache(maxsize=8)
def _coverage_key(covered: frozenset[int]) -> str:
    return fingerprint(",".join(map(str, sorted(covered))))


def _text_problems(rel: str, text: str, covered: frozenset[int]) -> list[Problem]:
    problems = []
    for ch, lines in unprintable(text, covered):
        name = unicodedata.name(ch, "").lower()
        others = [str(n) for n in lines[1:]]
        also = ""
        if others:
            shown = ", ".join(others[:_MORE_LINES]) + (" …" if len(others) > _MORE_LINES else "")
            also = f" ; il revient à la ligne {shown}" if len(others) == 1 else f" ; il revient aux lignes {shown}"
        problems.append(Problem(
            rel, lines[0],
            f"le caractère « {ch} » (U+{ord(ch):04X}{', ' + name if name else ''}) n'a pas de glyphe dans les polices du PDF{also}",
            f"la page web et les fils l'affichent ; dans le PDF, le signe « {REPLACEMENT} » le remplace."
            " Remplacez-le par un caractère courant si le PDF doit le montrer",
            "warning"))
    return problems
