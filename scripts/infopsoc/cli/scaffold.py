"""New files for staff: a bulletin, a glossary term, a timeline event.

Plain functions behind ``infopsoc new``. Each one computes the file name and its
text, refuses anything that would clash with an existing file, and creates the
file with mode ``"x"`` so that an existing file is never overwritten.

A scaffold holds the placeholder :data:`PLACEHOLDER` wherever staff must write;
``content.checks.placeholders`` reports the places left (a warning in a draft or a
page, an error in a published bulletin).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from infopsoc.content.branches import numbers_on_branches
from infopsoc.content.bulletins import SCHEMA as BULLETIN_SCHEMA
from infopsoc.content.checks.placeholders import PLACEHOLDER
from infopsoc.content.collection import SLUG, iter_markdown
from infopsoc.content.frontmatter import describe, dump
from infopsoc.content.glossary import SCHEMA as TERM_SCHEMA
from infopsoc.content.timeline import SCHEMA as EVENT_SCHEMA
from infopsoc.content.sources import read_source, relative_name, split_name
from infopsoc.core.dates import DateFormatError, PartialDate
from infopsoc.core.text import slugify

_BULLETIN_NAME = re.compile(r"^info-psoc-(\d+)$")


class ScaffoldError(ValueError):
    """The file cannot be created: ``message`` says why, ``hint`` what to do (French)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Created:
    path: Path
    text: str


# --- names ----------------------------------------------------------------------

def bulletin_slug(number: int) -> str:
    return f"info-psoc-{number:02d}"


def used_numbers(folder: Path, root: Path) -> dict[int, str]:
    """Numbers taken by French bulletins, drafts and broken files included, here and on every
    branch git knows (content/branches.py): number → file."""
    used: dict[int, str] = {}
    for path in iter_markdown(folder):
        stem, lang = split_name(path)
        if lang != "fr":
            continue
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        match = _BULLETIN_NAME.match(stem)
        if match:
            used.setdefault(int(match.group(1)), rel)
        source, _problems = read_source(path, root)
        number = source.meta.get("number") if source else None
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            used.setdefault(number, rel)
    if folder.is_relative_to(root):
        for number, where in numbers_on_branches(root, folder.relative_to(root).as_posix()).items():
            used.setdefault(number, where)
    return used


def next_number(folder: Path, root: Path) -> int:
    used = used_numbers(folder, root)
    return max(used, default=0) + 1


# --- YAML values ----------------------------------------------------------------

def _one_line(value: str, what: str, example: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ScaffoldError(f"{what} est vide", f"exemple : {example}")
    return text


def _create(path: Path, text: str, root: Path) -> Created:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"le fichier {relative_name(path, root)} existe déjà",
                            "il n'a pas été modifié : ouvrez-le pour le compléter, ou choisissez un autre nom") from None
    return Created(path, text)


# --- bulletin -------------------------------------------------------------------

BULLETIN_BODY = """\
<!--
Mode d'emploi (ce commentaire ne paraît pas sur le site ; supprimez-le quand vous voulez).
* Remplacez chaque « {ph} ». « make check » signale ceux qui restent ;
  un bulletin publié (sans « draft: true ») ne peut pas en contenir.
* Une section : une ligne qui commence par « ## », une sous-section : « ### ».
* Une note de bas de page : « le texte[^1] » à l'endroit de l'appel, puis, en bas du
  fichier, une ligne « [^1]: le texte de la note ». Chaque appel a besoin de sa note.
* Un encadré : une ligne « !!! note "Titre de l'encadré" », une ligne vide, puis le texte
  de l'encadré, décalé de quatre espaces. Autres sortes d'encadré : info, warning, abstract.
* Un lien vers un autre numéro : [Info-PSOC no 3](info-psoc-03.md).
  Une image : placez-la dans content/images/ et écrivez ![description](../images/nom.png).
* La liste « Quelques acronymes » est ajoutée automatiquement à partir du glossaire.
-->

Par ce bulletin, la Coalition des Tables régionales d’organismes communautaires (CTROC) souhaite tenir les organismes communautaires en santé et services sociaux (OCASSS) informés des travaux entourant le PSOC.

## {ph} : titre de la première section

{ph} : le texte de la section. Une précision en note de bas de page[^1].

!!! note "{ph} : titre de l'encadré"

    {ph} : le texte de l'encadré, décalé de quatre espaces.

## {ph} : titre de la deuxième section

{ph} : le texte de la section.

Pour toutes informations supplémentaires, n’hésitez pas à contacter votre TROC ou votre ROC.

Pour rejoindre et suivre la CTROC : [info@ctroc.org](mailto:info@ctroc.org) | [www.ctroc.org](http://www.ctroc.org/)

[^1]: {ph} : le texte de la note.
"""


def parse_bulletin_date(raw: str | None, today: dt.date) -> PartialDate:
    """``--date``: AAAA-MM-JJ or AAAA-MM; today when omitted."""
    if raw is None:
        return PartialDate(today.year, today.month, today.day)
    try:
        value = PartialDate.parse(raw)
    except DateFormatError as exc:
        raise ScaffoldError(f"date invalide : {exc}", "écrivez AAAA-MM-JJ, par exemple 2018-01-15 (ou AAAA-MM)") from None
    if value.precision == "year":
        raise ScaffoldError(f"la date « {raw} » n'est pas assez précise", "écrivez AAAA-MM-JJ ou AAAA-MM, par exemple 2018-01")
    if value.first_day() > today + dt.timedelta(days=366):
        raise ScaffoldError(f"la date {value.iso()} est à plus d'un an dans le futur", "vérifiez l'année")
    return value


def bulletin_text(number: int, title: str, date: PartialDate) -> str:
    meta = {"number": number, "title": title, "date": date.iso(),
            "summary": PLACEHOLDER + " : une ou deux phrases qui résument le numéro (archive, accueil, fil RSS).",
            "topics": [], "draft": True}
    return dump(meta, describe(BULLETIN_SCHEMA)) + BULLETIN_BODY.format(ph=PLACEHOLDER)


def new_bulletin(root: Path, folder: Path, title: str, today: dt.date,
                 date: str | None = None, number: int | None = None) -> Created:
    title = _one_line(title, "le titre", 'infopsoc new bulletin --title "Le PSOC en 2018"')
    when = parse_bulletin_date(date, today)
    used = used_numbers(folder, root)
    suggested = max(used, default=0) + 1
    if number is None:
        number = suggested
    elif number < 1:
        raise ScaffoldError(f"le numéro {number} n'est pas valide", "le premier numéro est 1")
    elif number in used:
        raise ScaffoldError(f"le numéro {number} est déjà pris par {used[number]}",
                            f"omettez --number pour prendre le prochain numéro libre ({suggested})")
    path = folder / f"{bulletin_slug(number)}.md"
    return _create(path, bulletin_text(number, title, when), root)


# --- glossary term --------------------------------------------------------------

def term_text(term: str, expansion: str) -> str:
    meta = {"term": term, "expansion": expansion, "kind": "sigle", "see_also": [], "aliases": []}
    return dump(meta, describe(TERM_SCHEMA)) + (
        f"{PLACEHOLDER} : la définition, en quelques phrases écrites pour une personne qui découvre le milieu :"
        " ce que c'est, son rôle dans le PSOC. Les faits viennent des documents de la CTROC.\n")


def _known_terms(folder: Path, root: Path) -> dict[str, str]:
    """Every term and alias already in the glossary (lower case) → its file."""
    known: dict[str, str] = {}
    for path in iter_markdown(folder):
        source, _problems = read_source(path, root)
        if source is None or source.lang != "fr":
            continue
        names = [source.meta.get("term")] + list(source.meta.get("aliases") or [])
        for name in names:
            if isinstance(name, str) and name.strip():
                known.setdefault(" ".join(name.split()).casefold(), source.rel)
    return known


def new_term(root: Path, folder: Path, term: str, expansion: str) -> Created:
    term = _one_line(term, "le terme", 'infopsoc new term CISSS --expansion "Centre intégré de santé et de services sociaux"')
    expansion = _one_line(expansion, "la forme longue (--expansion)",
                          'infopsoc new term CISSS --expansion "Centre intégré de santé et de services sociaux"')
    slug = slugify(term)
    if not slug or not SLUG.match(slug):
        raise ScaffoldError(f"impossible de faire un nom de fichier avec « {term} »",
                            "le terme doit contenir au moins une lettre ou un chiffre")
    existing = _known_terms(folder, root).get(term.casefold())
    if existing:
        raise ScaffoldError(f"le terme « {term} » est déjà dans le glossaire ({existing})",
                            "ouvrez ce fichier pour le modifier")
    return _create(folder / f"{slug}.md", term_text(term, expansion), root)


# --- timeline event -------------------------------------------------------------

def event_text(date: PartialDate, title: str) -> str:
    meta = {"date": date.iso(), "title": title,
            "sources": [{"citation": PLACEHOLDER + " : le document qui rapporte cet événement"}], "terms": []}
    return dump(meta, describe(EVENT_SCHEMA)) + (
        f"{PLACEHOLDER} : ce qui s'est passé et pourquoi c'est important, en quelques phrases,"
        " d'après les sources seulement.\n")


def parse_event_date(raw: str) -> PartialDate:
    try:
        return PartialDate.parse(raw)
    except DateFormatError as exc:
        raise ScaffoldError(f"date invalide : {exc}",
                            "écrivez AAAA, AAAA-MM ou AAAA-MM-JJ, par exemple 1994, 2017-10 ou 2017-10-18") from None


def new_event(root: Path, folder: Path, date: str, title: str) -> Created:
    title = _one_line(title, "le titre", 'infopsoc new event --date 1994 --title "Régionalisation du PSOC"')
    when = parse_event_date(date)
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"impossible de faire un nom de fichier avec « {title} »",
                            "le titre doit contenir au moins une lettre ou un chiffre")
    return _create(folder / f"{when.iso()}-{slug}.md", event_text(when, title), root)
