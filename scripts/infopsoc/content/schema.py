"""One schema per collection, shared by the build and the CLI.

A :class:`Schema` checks a source's front matter field by field and returns the
typed values together with every problem found (all of them, not the first).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any, Callable

from infopsoc.content.sources import Source
from infopsoc.core.dates import DateFormatError, PartialDate
from infopsoc.core.problems import Problem


class Invalid(ValueError):
    """A field value is wrong: ``message`` says what, ``hint`` how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Field:
    name: str
    convert: Callable[[Any, "Context"], Any]
    required: bool = False
    default: Any = None
    example: str = ""
    # the guidance staff read: a comment in the file `infopsoc new` writes, a hint in the editor
    hint: str = ""


@dataclass(frozen=True)
class Context:
    today: dt.date


class Schema:
    """``label`` names an item in messages (« champ inconnu « x » dans un bulletin »); ``aliases``
    maps the words staff are likely to type instead of a field's name (« adresse ») to that name."""

    def __init__(self, label: str, fields: list[Field], aliases: dict[str, str] | None = None):
        self.label = label
        self.fields = {f.name: f for f in fields}
        self.aliases = dict(aliases or {})

    def validate(self, source: Source, today: dt.date | None = None) -> tuple[dict[str, Any], list[Problem]]:
        """The typed values and every problem; ``today`` bounds the dates (default: the real day)."""
        ctx = Context(today=today or dt.date.today())
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for key in source.meta:
            if key not in self.fields:
                alias = self.aliases.get(key.casefold())
                close = [alias] if alias else difflib.get_close_matches(key, list(self.fields), n=1)
                hint = (f"vouliez-vous écrire « {close[0]} » ?" if close
                        else f"champs permis : {', '.join(self.fields)}")
                problems.append(Problem(source.rel, source.line_of(key),
                                        f"champ inconnu « {key} » dans {self.label}", hint))
        for name, spec in self.fields.items():
            raw = source.meta.get(name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if spec.required:
                    line = source.line_of(name)  # the item's first line when the field is missing
                    what = "est vide" if name in source.meta else "manque"
                    problems.append(Problem(source.rel, line, f"le champ obligatoire « {name} » {what}",
                                            f"ajoutez par exemple : {spec.example}" if spec.example else ""))
                values[name] = spec.default() if callable(spec.default) else spec.default
                continue
            try:
                values[name] = spec.convert(raw, ctx)
            except Invalid as exc:
                hint = exc.hint or (f"exemple : {spec.example}" if spec.example else "")
                problems.append(Problem(source.rel, source.line_of(name), f"« {name} » : {exc.message}", hint))
                values[name] = spec.default() if callable(spec.default) else spec.default
        return values, problems


# --- converters -----------------------------------------------------------------

def text(raw: Any, ctx: Context) -> str:
    if isinstance(raw, (dict, list)):
        raise Invalid("un texte est attendu, pas une liste", "écrivez la valeur sur une seule ligne")
    if isinstance(raw, bool):
        raise Invalid("un texte est attendu", "mettez la valeur entre guillemets")
    value = " ".join(str(raw).split())
    if not value:
        raise Invalid("le texte est vide")
    return value


def positive_int(raw: Any, ctx: Context) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise Invalid(f"« {raw} » n'est pas un nombre entier", "écrivez le nombre en chiffres, par exemple 4")
    if raw < 1:
        raise Invalid(f"{raw} n'est pas un nombre positif", "le premier numéro est 1")
    if raw > MAX_NUMBER:  # --- reliability --- (feeds order same-day issues by seconds: 1–9999 stays in the day)
        raise Invalid(f"{raw} est trop grand (au plus {MAX_NUMBER})", "vérifiez le numéro : un bulletin a un numéro de 1 à 9999")
    return raw


#: The largest issue number.
MAX_NUMBER = 9999


def boolean(raw: Any, ctx: Context) -> bool:
    if not isinstance(raw, bool):
        raise Invalid(f"« {raw} » n'est pas oui/non", "écrivez true ou false")
    return raw


def text_list(raw: Any, ctx: Context) -> list[str]:
    items = [raw] if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else raw
    if not isinstance(items, list):
        raise Invalid("une liste est attendue", "écrivez un élément par ligne, précédé de « - »")
    values = []
    for item in items:
        if isinstance(item, (dict, list)) or item is None or not str(item).strip():
            raise Invalid("un élément de la liste est vide ou n'est pas un texte",
                          "écrivez un élément par ligne, précédé de « - »")
        values.append(" ".join(str(item).split()))
    return values


def choice(values: tuple[str, ...], hint: str = ""):
    """One of ``values`` (case ignored); ``convert.choices`` lists them for the editor."""
    def convert(raw: Any, ctx: Context) -> str:
        value = text(raw, ctx).casefold()
        if value not in values:
            raise Invalid(f"« {raw} » n'est " + " ".join(f"ni « {v} »" for v in values),
                          hint or f"écrivez l'une de ces valeurs : {', '.join(values)}")
        return value
    convert.choices = tuple(values)  # type: ignore[attr-defined]
    return convert


def partial_date(*, max_future_days: int | None = 366, precisions=("year", "month", "day")):
    def convert(raw: Any, ctx: Context) -> PartialDate:
        try:
            value = PartialDate.parse(raw)
        except DateFormatError as exc:
            raise Invalid(str(exc), "écrivez AAAA-MM-JJ, par exemple 2017-10-18 (ou AAAA-MM si le jour est inconnu)") from None
        if value.precision not in precisions:
            raise Invalid(f"« {value.iso()} » n'est pas assez précise",
                          "écrivez AAAA-MM-JJ ou AAAA-MM")
        if max_future_days is not None and value.first_day() > ctx.today + dt.timedelta(days=max_future_days):
            raise Invalid(f"la date {value.iso()} est à plus d'un an dans le futur",
                          "vérifiez l'année")
        return value
    return convert
