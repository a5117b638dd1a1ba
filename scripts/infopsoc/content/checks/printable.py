"""Characters the PDF cannot print: a bulletin's text checked against the print fonts.

The print stylesheet names the fonts the PDF embeds (``@font-face … url(…)``); a character of a
bulletin (title, summary, topics, text) that none of them holds would print as an empty box. The
web page and the feeds show it (the reader's device has fonts): this is a warning, never a reason
not to publish. It names the file, the line, the character and its code, in French.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from infopsoc.content.model import Site
from infopsoc.core.problems import Problem

PRINT_STYLESHEET = "theme/assets/stylesheets/print-bulletin.css"
_FONT_URL = re.compile(r"@font-face\s*{[^}]*?url\(\s*['\"]?([^'\")]+\.(?:woff2?|ttf|otf))['\"]?\s*\)", re.S)
# shaping marks, not glyphs of their own: joiners, variation selectors, directional marks
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff") | {chr(c) for c in range(0xFE00, 0xFE10)}


@functools.lru_cache(maxsize=8)
def _coverage(stylesheet: Path, stamp: tuple) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a dependency of WeasyPrint, read here for its character maps

    covered: set[int] = set()
    for url in _FONT_URL.findall(stylesheet.read_text(encoding="utf-8")):
        font_file = (stylesheet.parent / url).resolve()
        if font_file.is_file():
            with TTFont(str(font_file), lazy=True) as font:
                covered |= set(font.getBestCmap() or {})
    return frozenset(covered)


def print_coverage(root: Path) -> frozenset[int] | None:
    """The code points the PDF fonts hold (None: no print stylesheet, nothing to check)."""
    stylesheet = root / PRINT_STYLESHEET
    if not stylesheet.is_file():
        return None
    fonts = sorted(stylesheet.parent.glob("../../fonts/*"))
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in [stylesheet, *fonts])
    return _coverage(stylesheet, stamp)


def unprintable(text: str, covered: frozenset[int]) -> list[tuple[int, str]]:
    """(line, character) of each character no print font holds, first occurrence only."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in line:
            if ord(ch) in covered or ch in found or ch in _INVISIBLE or ch.isspace():
                continue
            if unicodedata.category(ch) in ("Cc", "Cf", "Mn"):
                continue
            found[ch] = number
    return [(line, ch) for ch, line in found.items()]


def check_printable(site: Site) -> list[Problem]:
    covered = print_coverage(site.settings.root)
    if not covered:
        return []
    problems = []
    for b in site.bulletins:
        for line, ch in unprintable(b.source.text, covered):
            name = unicodedata.name(ch, "").lower()
            problems.append(Problem(
                b.source.rel, line,
                f"le caractère « {ch} » (U+{ord(ch):04X}{', ' + name if name else ''}) n'a pas de glyphe dans les polices du PDF",
                "la page web et les fils l'affichent ; dans le PDF, un carré le remplace. Remplacez-le par un"
                " caractère courant, ou ajoutez une police qui le contient (scripts/subset-fonts.sh)",
                "warning"))
    return problems
