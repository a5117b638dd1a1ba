"""Loading a folder of Markdown items: one file per item, ``.en.md`` for English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable, TypeVar

from infopsoc.content.schema import Schema
from infopsoc.content.sources import Source, read_source
from infopsoc.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from infopsoc.core.problems import Problem

T = TypeVar("T")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def iter_markdown(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if p.is_file())


def load_folder(
    folder: Path,
    root: Path,
    schema: Schema,
    build: Callable[[Source, dict], T],
    today: dt.date,
) -> tuple[list[T], list[Problem]]:
    """Read, validate and build every item of ``folder``; never raises on content."""
    items: list[T] = []
    problems: list[Problem] = []
    for path in iter_markdown(folder):
        source, read_problems = read_source(path, root)
        problems.extend(read_problems)
        if source is None:
            continue
        # --- reliability ---
        if path.name.endswith(f".{DEFAULT_LANGUAGE}.md"):
            problems.append(_french_suffix(source, path))
            continue
        if source.lang not in LANGUAGES:
            problems.append(Problem(source.rel, None, f"langue « {source.lang} » inconnue dans le nom du fichier",
                                    f"langues possibles : {', '.join(LANGUAGES)} (le français n'a pas de suffixe)"))
            continue
        if not SLUG.match(source.stem):
            problems.append(Problem(source.rel, None, f"nom de fichier « {path.name} » invalide",
                                    "utilisez des minuscules sans accents, des chiffres et des traits d'union, par exemple info-psoc-04.md"))
            continue
        values, field_problems = schema.validate(source, today)
        problems.extend(field_problems)
        if field_problems and any(p.is_error for p in field_problems):
            continue
        items.append(build(source, values))
    return items, problems


def check_translations(items: list, label: str) -> list[Problem]:
    """An English file needs its French original (same slug)."""
    french = {i.slug for i in items if i.lang == "fr"}
    return [
        Problem(i.source.rel, None, f"traduction sans original : aucun fichier français pour « {i.slug} » ({label})",
                f"créez {i.slug}.md ou renommez ce fichier")
        for i in items
        if i.lang != "fr" and i.slug not in french
    ]


# --- reliability ---
def _french_suffix(source: Source, path: Path) -> Problem:
    """``x.fr.md``: French has no suffix, and next to ``x.md`` it would be a second French ``x``."""
    plain = path.with_name(f"{source.stem}.md")
    if plain.exists():
        return Problem(source.rel, None,
                       f"« {path.name} » et « {plain.name} » sont deux versions françaises de « {source.stem} »",
                       f"le français n'a pas de suffixe : gardez {plain.name}, reportez-y ce qui manque et "
                       f"supprimez {path.name}")
    return Problem(source.rel, None, f"« {path.name} » : le français n'a pas de suffixe de langue",
                   f"renommez le fichier {plain.name}")
