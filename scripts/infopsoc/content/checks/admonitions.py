"""Encadrés (admonitions: ``!!! note "Titre"``) whose text is not indented by four spaces.

Python-Markdown takes as the box's text only the lines indented by four spaces (or a tab) under
``!!! type``; with two spaces the box comes out empty and its text below it, without a word from
the build. This check says so, with the line, on the text it is given (code already masked).
"""

from __future__ import annotations

import re

from infopsoc.core.problems import Problem

#: ``!!! note``, ``??? info "Titre"``, ``???+ tip`` (pymdownx.details), at any indentation
OPENER = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>!!!|\?\?\?\+?)[ \t]+\S")
HINT = ("mettez quatre espaces au début de chaque ligne du texte de l'encadré (sous la ligne "
        "« {mark} … ») : sans eux, l'encadré s'affiche vide et son texte en dessous")


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))


def check_admonitions(rel: str, masked: str, first_line: int = 1) -> list[Problem]:
    """A warning for each encadré whose first line of text is indented by less than four spaces
    more than its ``!!!`` line (a line right under it, or after a blank line but indented by 1 to 3)."""
    problems: list[Problem] = []
    lines = masked.split("\n")
    for number, line in enumerate(lines):
        opener = OPENER.match(line)
        if not opener:
            continue
        base = _width(opener.group("indent"))
        following = number + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following >= len(lines):
            continue
        text = lines[following]
        indent = _width(text[: len(text) - len(text.lstrip())])
        if indent >= base + 4 or OPENER.match(text):
            continue
        right_under = following == number + 1
        if indent > base or right_under:
            what = (f"décalé de {indent - base} espace{'s' if indent - base > 1 else ''}" if indent > base
                    else "pas décalé")
            problems.append(Problem(rel, first_line + following,
                                    f"le texte de l'encadré « {line.strip()[:60]} » (ligne {first_line + number}) "
                                    f"est {what} au lieu de quatre espaces",
                                    HINT.format(mark=opener.group("mark")), "warning"))
    return problems
