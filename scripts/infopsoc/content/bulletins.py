"""The bulletin collection: one ``bulletins/<slug>.md`` per issue of Info-PSOC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from infopsoc.content.collection import check_translations, load_folder
from infopsoc.content.schema import Field, Schema, boolean, partial_date, positive_int, text, text_list
from infopsoc.content.sources import Source
from infopsoc.core.dates import PartialDate
from infopsoc.core.i18n import strings
from infopsoc.core.problems import Problem
from infopsoc.core.urls import bulletin_uri, page_url

SCHEMA = Schema(
    "un bulletin",
    [
        Field("number", positive_int, required=True, example="number: 4"),
        Field("title", text, required=True, example='title: "Le PSOC en 2018"'),
        Field("date", partial_date(precisions=("month", "day")), required=True, example="date: 2017-10-18"),
        Field("summary", text, required=True, example='summary: "Ce numéro fait le point sur…"'),
        Field("topics", text_list, default=list, example="topics: [Représentations politiques]",
              hint="facultatif, par exemple : [Révision de la brochure PSOC, Représentations politiques]"),
        # the « Quelques acronymes » box as the issue printed it; without it, the acronyms the issue uses
        Field("acronyms", text_list, default=list, example="acronyms: [ACA, CISSS/CIUSSS, PSOC]",
              hint="facultatif : l'encadré « Quelques acronymes » tel que le numéro l'imprime, dans l'ordre"
                   " (sinon : les sigles que le numéro emploie, de A à Z)"),
        Field("draft", boolean, default=False, example="draft: true",
              hint="brouillon : visible dans l'aperçu seulement ; retirez la ligne pour publier"),
    ],
)


@dataclass
class Bulletin:
    slug: str
    lang: str
    number: int
    title: str
    date: PartialDate
    summary: str
    topics: list[str]
    acronyms: list[str]
    draft: bool
    body: str
    source: Source = field(repr=False)

    @property
    def src_uri(self) -> str:
        """Where the page stands in the site, as a Markdown path."""
        return bulletin_uri(self.slug)

    @property
    def url(self) -> str:
        return page_url(bulletin_uri(self.slug))

    def label(self, lang: str | None = None) -> str:
        return strings(lang or self.lang)["bulletin_label"].format(number=self.number)

    @property
    def sort_key(self) -> tuple:
        return (self.date.sort_key, self.number)

    def record(self) -> dict:
        """A plain, JSON-ready view (used by golden tests and exports)."""
        return {
            "slug": self.slug,
            "lang": self.lang,
            "number": self.number,
            "title": self.title,
            "date": self.date.iso(),
            "date_precision": self.date.precision,
            "date_text": self.date.format(self.lang),
            "summary": self.summary,
            "topics": self.topics,
            "acronyms": self.acronyms,
            "draft": self.draft,
            "body_line": self.source.body_line,
        }


def _build(source: Source, values: dict) -> Bulletin:
    return Bulletin(slug=source.stem, lang=source.lang, body=source.body, source=source, **values)


def load_bulletins(folder: Path, root: Path, today: dt.date) -> tuple[list[Bulletin], list[Problem]]:
    items, problems = load_folder(folder, root, SCHEMA, _build, today)
    problems += check_translations(items, "bulletin")
    problems += _check_numbers(items)
    return items, problems


def _check_numbers(items: list[Bulletin]) -> list[Problem]:
    problems = []
    french = {b.slug: b for b in items if b.lang == "fr"}
    by_number: dict[tuple[str, int], Bulletin] = {}
    for b in sorted(items, key=lambda b: b.source.rel):
        key = (b.lang, b.number)
        if key in by_number:
            other = by_number[key]
            problems.append(Problem(b.source.rel, b.source.line_of("number"),
                                    f"le numéro {b.number} est déjà pris par {other.source.rel}",
                                    "chaque bulletin a son propre numéro : changez l'un des deux"))
        else:
            by_number[key] = b
        original = french.get(b.slug)
        if b.lang != "fr" and original and original.number != b.number:
            problems.append(Problem(b.source.rel, b.source.line_of("number"),
                                    f"la traduction porte le numéro {b.number}, l'original {original.number}",
                                    f"écrivez number: {original.number}"))
    return problems


def published(items: list[Bulletin], lang: str, drafts: bool = False) -> list[Bulletin]:
    """The bulletins of one language, newest first (drafts only if asked)."""
    chosen = [b for b in items if b.lang == lang and (drafts or not b.draft)]
    return sorted(chosen, key=lambda b: b.sort_key, reverse=True)
