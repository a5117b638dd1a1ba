"""Content problems: what is wrong, where, and how to fix it.

Every check in the project reports :class:`Problem` objects instead of raising,
so that one run lists every mistake of every file (Pelican's ``is_valid`` idea).
Messages are user-facing, hence French.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.is_error else "avertissement : "
        text = f"{where}: {label}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


@dataclass
class Report:
    """Problems gathered over a whole run, in a stable order."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in set(self.problems) if p.is_error)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in set(self.problems) if not p.is_error)

    def summary(self) -> str:
        n_err, n_warn = len(self.errors), len(self.warnings)
        if not n_err and not n_warn:
            return "Aucun problème trouvé."
        return f"{_plural(n_err, 'erreur')}, {_plural(n_warn, 'avertissement')}."

    def format(self) -> str:
        lines = [p.format() for p in self.errors + self.warnings]
        lines.append(self.summary())
        return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


class ContentError(Exception):
    """Raised by entry points (plugin, CLI) when a run found content errors."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.format())
