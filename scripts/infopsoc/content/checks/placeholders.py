"""Placeholders left: the « À compléter » that ``infopsoc new`` writes wherever staff must write.

Left in a published bulletin, it is an error; in a draft, a term, an event or a page, a warning.
"""

from __future__ import annotations

from infopsoc.content.checks.links import mask
from infopsoc.content.collection import iter_markdown
from infopsoc.content.model import Site
from infopsoc.content.sources import relative_name
from infopsoc.core.i18n import LANGUAGES, strings
from infopsoc.core.problems import Problem

PLACEHOLDER = strings("fr")["placeholder"]
# Every language's marker counts (an English scaffold will use its own).
PLACEHOLDERS = tuple(sorted({strings(lang)["placeholder"] for lang in LANGUAGES}))


# --- placeholders left ----------------------------------------------------------

def placeholder_lines(text: str) -> list[int]:
    """Lines holding a placeholder, outside HTML comments and code (the scaffold's instructions name it)."""
    if not any(p in text for p in PLACEHOLDERS):  # masking only blanks text: nothing to find
        return []
    shown = mask(text)
    return [i for i, line in enumerate(shown.split("\n"), start=1) if any(p in line for p in PLACEHOLDERS)]


def placeholder_problem(rel: str, text: str, severity: str) -> Problem | None:
    lines = placeholder_lines(text)
    if not lines:
        return None
    shown = ", ".join(str(n) for n in lines[:8]) + ("…" if len(lines) > 8 else "")
    where = f"ligne {shown}" if len(lines) == 1 else f"lignes {shown}"
    hint = ("remplacez-les par le vrai texte avant de publier" if severity == "warning"
            else "remplacez-les par le vrai texte, ou remettez « draft: true » pour garder le bulletin en brouillon")
    return Problem(rel, lines[0], f"texte à compléter : « {PLACEHOLDER} » reste à {len(lines)} endroit"
                   f"{'s' if len(lines) > 1 else ''} ({where})", hint, severity)  # type: ignore[arg-type]


def check_placeholders(site: Site) -> list[Problem]:
    """Placeholders left by ``infopsoc new``: an error in a published bulletin, a warning elsewhere.

    Drafts are looked at only when the run shows them (``check``, ``serve``).
    """
    settings = site.settings
    problems: list[Problem] = []
    for b in site.bulletins:
        if b.draft and not settings.drafts:
            continue
        found = placeholder_problem(b.source.rel, b.source.text, "warning" if b.draft else "error")
        if found:
            problems.append(found)
    folders = [settings.path(name) for name in ("glossary_dir", "timeline_dir")]
    for folder in folders:
        for path in iter_markdown(folder):
            text = path.read_text(encoding="utf-8", errors="replace")
            found = placeholder_problem(relative_name(path, settings.root), text, "warning")
            if found:
                problems.append(found)
    docs = settings.path("docs_dir")
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = placeholder_problem(relative_name(path, settings.root), text, "warning")
        if found:
            problems.append(found)
    return problems
