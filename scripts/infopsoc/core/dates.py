"""Dates with a precision: ``1994``, ``2017-10`` or ``2017-10-18``.

YAML would turn ``2017-10-18`` into a date, ``2017-10`` into a string and ``1994``
into an integer; the loader keeps them all as text and this module parses them
one way. Formatting goes through Babel, never hand-written month names.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from typing import Literal

from babel.dates import format_date, format_skeleton

Precision = Literal["year", "month", "day"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

LOCALES = {"fr": "fr_CA", "en": "en_CA"}


class DateFormatError(ValueError):
    """The text is not a date of the accepted forms; the message is French."""


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> "PartialDate":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip()
        match = _PATTERN.match(text)
        if not match:
            raise DateFormatError(
                f"« {text} » n'est pas une date reconnue"
            )
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is not None and not 1 <= month <= 12:
            raise DateFormatError(f"le mois {month:02d} n'existe pas (« {text} »)")
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                raise DateFormatError(f"la date « {text} » n'existe pas") from None
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Less precise dates sort first within their year or month."""
        return (self.year, self.month or 0, self.day or 0)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def format(self, lang: str = "fr") -> str:
        """« 1994 », « octobre 2017 », « 18 octobre 2017 » (or the English forms)."""
        return _format(self, lang)

    def __str__(self) -> str:
        return self.iso()


@functools.lru_cache(maxsize=4096)
def _format(date: PartialDate, lang: str) -> str:
    # Babel takes a millisecond per call; a term page lists hundreds of dated bulletins
    locale = LOCALES.get(lang, lang)
    if date.precision == "year":
        return str(date.year)
    if date.precision == "month":
        return format_skeleton("yMMMM", date.first_day(), locale=locale)
    return ordinal_first(format_date(date.first_day(), format="long", locale=locale), date.day, lang)


def ordinal_first(text: str, day: int | None, lang: str) -> str:
    """French writes the first day of a month « 1er » (« 1er avril 2018 »), never « 1 avril »."""
    if lang == "fr" and day == 1:
        return re.sub(r"^1(?!\d)", "1er", text)
    return text


def dating_day() -> dt.date:
    """The day a new item is dated by ``infopsoc new``: the day of ``SOURCE_DATE_EPOCH`` when
    set (reproducible scaffolds), otherwise today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def checks_day() -> dt.date:
    """The day the checks measure « the future » from: today, or the day of ``SOURCE_DATE_EPOCH``
    when that is later.

    Only the future-date check uses it (no output depends on it). ``infopsoc build`` pins
    ``SOURCE_DATE_EPOCH`` to the last commit (or to 1980 outside git): taking the later day keeps
    a bulletin written since then from being refused as « more than a year in the future ».
    """
    return max(dt.date.today(), dating_day())
