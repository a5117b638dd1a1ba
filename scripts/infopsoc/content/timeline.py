"""The timeline collection: one ``timeline/<date>-<slug>.md`` per event.

An event's anchor on ``/chronologie/`` is its file name without ``.md``
(``1994-regionalisation-du-psoc``): it is a promise to whoever links to it, so a
published event file is never renamed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any, Callable

from babel.dates import format_interval, get_month_names

from infopsoc.content.collection import check_translations, load_folder
from infopsoc.content.schema import Context, Field, Invalid, Schema, partial_date, text, text_list
from infopsoc.content.sources import Source
from infopsoc.core.dates import LOCALES, PartialDate, ordinal_first
from infopsoc.core.i18n import strings
from infopsoc.core.problems import Problem


@dataclass(frozen=True)
class SourceRef:
    """Where a fact comes from: a bulletin of the site, or a free-text citation."""

    bulletin: str | None = None
    citation: str | None = None


def source_list(raw: Any, ctx: Context) -> list[SourceRef]:
    items = raw if isinstance(raw, list) else [raw]
    refs = []
    for item in items:
        if isinstance(item, dict) and len(item) == 1:
            (kind, value), = item.items()
            if kind in ("bulletin", "citation") and isinstance(value, str) and value.strip():
                refs.append(SourceRef(**{kind: " ".join(value.split())}))
                continue
        raise Invalid("chaque source est « bulletin: <nom du fichier> » ou « citation: \"…\" »",
                      "exemple : - bulletin: info-psoc-03   ou   - citation: \"Présentation de la CTROC, mars 2022\"")
    return refs


SCHEMA = Schema(
    "un événement de la chronologie",
    [
        Field("date", partial_date(max_future_days=None), required=True, example="date: 1994 (ou 2017-10, ou 2017-10-18)"),
        Field("title", text, required=True, example='title: "Régionalisation du PSOC"'),
        Field("end", partial_date(max_future_days=None), example="end: 2018"),
        Field("sources", source_list, required=True, default=list,
              example="sources: [{bulletin: info-psoc-03}]",
              hint="un bulletin : « - bulletin: info-psoc-03 » ; un autre document : « - citation: \"…\" »"),
        Field("terms", text_list, default=list, example="terms: [PSOC, CISSS]",
              hint="facultatif : les termes du glossaire en cause, par exemple [PSOC, MSSS]"),
    ],
)


@dataclass
class Event:
    slug: str
    lang: str
    date: PartialDate
    title: str
    end: PartialDate | None
    sources: list[SourceRef]
    terms: list[str]
    body: str
    source: Source = field(repr=False)

    @property
    def anchor(self) -> str:
        return self.slug

    @property
    def sort_key(self) -> tuple:
        return (self.date.sort_key, self.end.sort_key if self.end else (0, 0, 0), self.slug)

    @property
    def decade(self) -> int:
        return self.date.year // 10 * 10

    def bulletin_slugs(self) -> list[str]:
        return [ref.bulletin for ref in self.sources if ref.bulletin]

    def date_text(self, lang: str) -> str:
        """The date at its precision, or the period « 2015–2018 », « 18–19 octobre 2017 »."""
        if self.end is None or self.end == self.date:
            return self.date.format(lang)
        start, end = self.date, self.end
        if start.precision == end.precision == "day" and (start.year, start.month) == (end.year, end.month):
            # CLDR has no interval with full month names: « 18–19 octobre 2017 », « October 18–19, 2017 »
            month = get_month_names("wide", locale=LOCALES[lang])[start.month]
            return strings(lang)["day_interval"].format(
                start=ordinal_first(str(start.day), start.day, lang), end=end.day, month=month, year=start.year)
        if start.precision == end.precision and start.precision != "day":
            skeleton = {"year": "y", "month": "yMMMM"}[start.precision]
            return format_interval(start.first_day(), end.first_day(), skeleton, locale=LOCALES[lang])
        return f"{start.format(lang)} – {end.format(lang)}"


def _build(source: Source, values: dict) -> Event:
    return Event(slug=source.stem, lang=source.lang, body=source.body, source=source, **values)


def load_timeline(folder: Path, root: Path, today: dt.date) -> tuple[list[Event], list[Problem]]:
    events, problems = load_folder(folder, root, SCHEMA, _build, today)
    problems += check_translations(events, "chronologie")
    for event in events:
        problems += _check_event(event)
    problems += check_anchors(events)
    problems += check_duplicates(events)
    return events, problems


def check_duplicates(events: list[Event]) -> list[Problem]:
    """Two events of one language with the same date and title (the same event written twice)."""
    problems = []
    seen: dict[tuple, Event] = {}
    for event in sorted(events, key=lambda e: e.source.rel):
        key = (event.lang, event.date.iso(), " ".join(str(event.title).split()).casefold())
        if key in seen:
            problems.append(Problem(event.source.rel, event.source.line_of("title"),
                                    f"cet événement a la même date et le même titre que {seen[key].source.rel} : "
                                    "la chronologie le montrerait deux fois",
                                    "supprimez l'un des deux fichiers, ou précisez le titre de l'un"))
        else:
            seen[key] = event
    return problems


def _check_event(event: Event) -> list[Problem]:
    problems = []
    rel = event.source.rel
    if event.end is not None and event.end.sort_key < event.date.sort_key:
        problems.append(Problem(rel, event.source.line_of("end"),
                                f"la fin ({event.end.iso()}) est avant le début ({event.date.iso()})",
                                "vérifiez « date » et « end » : « end » est la fin de la période"))
    if not event.slug.startswith(event.date.iso() + "-"):
        problems.append(Problem(rel, event.source.line_of("date"),
                                f"le nom du fichier ne commence pas par la date de l'événement ({event.date.iso()})",
                                f"nommez le fichier {event.date.iso()}-<sujet>.md (avant sa publication : "
                                "une fois publié, son nom est l'adresse de l'événement)"))
    return problems


def check_anchors(events: list[Event]) -> list[Problem]:
    """Two events of one language may not share an anchor (compared without case)."""
    problems = []
    seen: dict[tuple[str, str], Event] = {}
    for event in sorted(events, key=lambda e: e.source.rel):
        key = (event.lang, event.anchor.casefold())
        if key in seen:
            problems.append(Problem(event.source.rel, None,
                                    f"l'ancre « {event.anchor} » est déjà celle de {seen[key].source.rel}",
                                    "donnez à ce fichier un autre nom"))
        else:
            seen[key] = event
    return problems


def check_references(events: list[Event], bulletin_slugs: set[str],
                     resolve_term: Callable[[str], object | None]) -> list[Problem]:
    """Sources must name existing bulletins and terms must be in the glossary."""
    problems = []
    for event in events:
        rel = event.source.rel
        for slug in event.bulletin_slugs():
            if slug not in bulletin_slugs:
                problems.append(Problem(rel, event.source.line_of("sources"),
                                        f"la source « bulletin: {slug} » ne correspond à aucun bulletin",
                                        "écrivez le nom du fichier du bulletin sans .md, par exemple info-psoc-03"))
        for term in event.terms:
            if resolve_term(term) is None:
                problems.append(Problem(rel, event.source.line_of("terms"),
                                        f"le terme « {term} » n'est pas dans le glossaire",
                                        "corrigez le terme ou ajoutez-le au glossaire (infopsoc new term)"))
    return problems


def in_order(events: list[Event], lang: str) -> list[Event]:
    return sorted((e for e in events if e.lang == lang), key=lambda e: e.sort_key)


def by_decade(events: list[Event]) -> list[tuple[int, list[Event]]]:
    return [(decade, list(items)) for decade, items in groupby(events, key=lambda e: e.decade)]


def cited_bulletins(events: list[Event]) -> dict[str, list[Event]]:
    """Each bulletin (by slug) and the events that give it as a source, in date order."""
    cited: dict[str, list[Event]] = {}
    for event in events:
        for slug in dict.fromkeys(event.bulletin_slugs()):
            cited.setdefault(slug, []).append(event)
    return cited


def citing(events: list[Event], bulletin_slug: str) -> list[Event]:
    """The events that give this bulletin as a source, in date order."""
    return cited_bulletins(events).get(bulletin_slug, [])
