"""French typography on plain text: the non-breaking spaces a French publication prints.

Only spaces the author typed are changed (« venir ! » becomes « venir\u202f! »); no space is
added where there was none (« autonomes? » stays as written), so URLs, times and code
written without spaces are never touched. The rules:

- a narrow no-break space (U+202F) before « ; », « ! » and « ? »;
- a no-break space (U+00A0) before « : », after « « » and before « » »;
- a no-break space between a number and its unit, « $ » or « % » (« 10 millions », « 5 % »);
- a no-break space in « no 3 » (« numéro »).

:func:`french` works on one run of text; the Markdown extension (render/typography.py)
applies it to the text of a page, never to code, URLs or attribute values.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

#: units written after a number: money, percent, time, sizes (kept short: a word after a number is usually not a unit)
UNITS = ("%", "$", "€", "k$", "M$", "G$", "millions?", "milliards?", "ans?", "mois", "semaines?", "jours?",
         "heures?", "h", "min", "km", "m", "cm", "kg", "g", "Mo", "Go", "ko", "°C?")

_SPACE = r"[ \t\u00a0\u202f]+"
_SPACE_CHARS = " \t\n\u00a0\u202f"
_WORD = "x"  # what an inline element stands for, to the rules that look before a space
_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"(?<=\S){_SPACE}(?=[;!?])"), NNBSP),
    (re.compile(rf"(?<=\S){_SPACE}(?=:)"), NBSP),
    (re.compile(rf"(?<=«){_SPACE}"), NBSP),
    (re.compile(rf"{_SPACE}(?=»)"), NBSP),
    (re.compile(rf"(?<=\d){_SPACE}(?=(?:{'|'.join(u if u[0].isalpha() else re.escape(u) for u in UNITS)})(?![\w]))"), NBSP),
    (re.compile(rf"(?<=\b[nN][o°]){_SPACE}(?=\d)|(?<=\bnos){_SPACE}(?=\d)"), NBSP),
]


def french(text: str) -> str:
    """``text`` with the spaces French typography makes unbreakable."""
    if not text or not any(ch in text for ch in ";!?:«»0123456789"):
        return text
    for pattern, space in _RULES:
        text = pattern.sub(space, text)
    return text


def french_after_element(text: str) -> str:
    """:func:`french` for the text that follows an inline element ending in a visible character (a
    note call, an abbreviation, a link): « <abbr>PSOC</abbr> : » gets its no-break space although
    the space is the first character of its own run of text. Only the punctuation rules reach
    across the boundary (the element stands for a word: no unit or « no » rule applies)."""
    if text[:1] in _SPACE_CHARS:
        return french(_WORD + text)[len(_WORD):]
    return french(text)


def for_language(lang: str):
    """The text function of a language: :func:`french` for French, unchanged text otherwise."""
    return french if lang == "fr" else (lambda text: text)
