"""The glossary: one ``glossary/<slug>.md`` per acronym or term of the sector.

Front matter: ``term`` (as written, « CISSS »), ``expansion``, ``kind`` (``sigle``:
an acronym, shown in a bulletin's « Quelques acronymes » box; ``terme``: a word of
the sector, explained in the text and on its page only), optional ``see_also``
(names of other terms) and ``aliases`` (other spellings, plurals).
The Markdown body is the definition. :meth:`Glossary.resolve` is the one way
every other part of the project turns a name into a term.

This module also holds the content checks that concern the glossary: unknown
``see_also`` names, colliding names, links to unknown term pages, and words in
capitals that the glossary does not explain.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from infopsoc.content.collection import check_translations, load_folder
from infopsoc.content.schema import Field, Schema, choice, text, text_list
from infopsoc.content.sources import Source
from infopsoc.core.i18n import DEFAULT_LANGUAGE
from infopsoc.core.problems import Problem
from infopsoc.core.text import fold
from infopsoc.core.urls import page_url, term_uri

#: ``kind``: an acronym (« CISSS », « PSOC ») or a term of the sector (« reddition de comptes »).
SIGLE, TERME = "sigle", "terme"
KINDS = (SIGLE, TERME)
kind = choice(KINDS, "écrivez kind: sigle pour un sigle (CISSS, PSOC), kind: terme pour un mot du milieu"
                     " (reddition de comptes)")


SCHEMA = Schema(
    "un terme du glossaire",
    [
        Field("term", text, required=True, example="term: CISSS"),
        Field("expansion", text, required=True, example='expansion: "Centre intégré de santé et de services sociaux"'),
        Field("kind", kind, default=lambda: SIGLE, example="kind: sigle",
              hint="sigle (CISSS, PSOC : dans l'encadré « Quelques acronymes ») ou terme (un mot du milieu)"),
        Field("see_also", text_list, default=list, example="see_also: [CIUSSS, PSOC]",
              hint="facultatif : d'autres termes du glossaire, par exemple [PSOC, CTROC]"),
        Field("aliases", text_list, default=list, example="aliases: [CISSS/CIUSSS]",
              hint="facultatif : autres graphies ou pluriels, par exemple [CISSS-CIUSSS]"),
    ],
)


# --- reliability --- Words a text is made of: an alias spelled like one would turn every
# occurrence into a glossary link (« les » → 87 links in one bulletin). Folded (see :func:`fold`).
COMMON_WORDS = frozenset("""
a à au aux avec ce ces cet cette d dans de des du elle en est et il ils je la le les leur leurs l
lui mais me ne ni nos notre nous on ou où par pas pour qu que qui sa se ses si son sont sous sur
ta te tes ton tu un une vos votre vous y ete etre avoir fait plus moins tout tous toute toutes
an and are as at be by for from he in is it its of on or she that the their they this to was we
were which with you
""".split())
#: The shortest alias, in letters.
MIN_ALIAS_LETTERS = 2


@dataclass
class Term:
    slug: str
    lang: str
    term: str
    expansion: str
    kind: str
    see_also: list[str]
    aliases: list[str]
    body: str
    source: Source = field(repr=False)

    @property
    def src_uri(self) -> str:
        """Where the term's page stands in the site, as a Markdown path."""
        return term_uri(self.slug)

    @property
    def url(self) -> str:
        return page_url(term_uri(self.slug))

    @property
    def is_acronym(self) -> bool:
        """An acronym (``kind: sigle``), listed in the « Quelques acronymes » box."""
        return self.kind == SIGLE

    @property
    def names(self) -> list[str]:
        """The term, then its aliases, without repeats."""
        return list(dict.fromkeys([self.term, *self.aliases]))

    @property
    def sort_key(self) -> tuple[str, str]:
        return (fold(self.term), self.term)

    @property
    def letter(self) -> str:
        """The heading letter of the A–Z list (accents ignored)."""
        first = fold(self.term)[:1].upper()
        return first if first.isalpha() else "#"

    def record(self) -> dict:
        """A plain, JSON-ready view (tests and exports)."""
        return {
            "slug": self.slug,
            "lang": self.lang,
            "term": self.term,
            "expansion": self.expansion,
            "kind": self.kind,
            "see_also": self.see_also,
            "aliases": self.aliases,
        }


class Glossary:
    """Every term, by language, and the names that lead to them."""

    def __init__(self, terms: Iterable[Term] = ()):
        self._terms: dict[str, dict[str, Term]] = {}
        self._names: dict[str, dict[str, Term]] = {}
        self._folded: dict[str, dict[str, Term]] = {}
        self._sorted: dict[str, tuple[Term, ...]] = {}  # --- performance --- terms(lang), asked by every page
        for term in sorted(terms, key=lambda t: t.source.rel):
            self._terms.setdefault(term.lang, {}).setdefault(term.slug, term)
            for name in term.names:
                self._names.setdefault(term.lang, {}).setdefault(name, term)
                self._folded.setdefault(term.lang, {}).setdefault(fold(name), term)

    def __bool__(self) -> bool:
        return bool(self._terms)

    def signature(self) -> tuple:
        """What the checks of a page read of the glossary (terms, names, files), hashable."""
        return tuple((lang, slug, t.term, tuple(t.names), t.source.rel)
                     for lang, terms in sorted(self._terms.items()) for slug, t in sorted(terms.items()))

    def terms(self, lang: str = DEFAULT_LANGUAGE) -> list[Term]:
        """The terms of one language, A–Z (a new list: the caller may change it)."""
        found = self._sorted.get(lang)
        if found is None:
            found = self._sorted[lang] = tuple(sorted(self._terms.get(lang, {}).values(), key=lambda t: t.sort_key))
        return list(found)

    def get(self, slug: str, lang: str = DEFAULT_LANGUAGE) -> Term | None:
        return self._terms.get(lang, {}).get(slug)

    def resolve(self, name: str, lang: str = DEFAULT_LANGUAGE) -> Term | None:
        """The term a name designates: its term, one of its aliases, or its slug.

        An exact spelling wins; otherwise case, accents and spacing are ignored.
        """
        name = name.strip()
        exact = self._names.get(lang, {}).get(name)
        if exact is not None:
            return exact
        by_slug = self._terms.get(lang, {}).get(name)
        if by_slug is not None:
            return by_slug
        return self._folded.get(lang, {}).get(fold(name))

    def pick(self, slugs: Iterable[str], lang: str = DEFAULT_LANGUAGE) -> list[Term]:
        """The terms of these slugs (unknown ones left out), A–Z."""
        found = (self.get(slug, lang) for slug in slugs)
        return sorted((t for t in found if t is not None), key=lambda t: t.sort_key)

    def all_names(self) -> set[str]:
        """Every name of every language, as written."""
        return {name for names in self._names.values() for name in names}

    def acronym_box(self, listed: list[str], used: Iterable[str], lang: str = DEFAULT_LANGUAGE) -> list[list[Term]]:
        """The entries of a bulletin's « Quelques acronymes » box, in order.

        ``listed``: the box as the issue printed it (its ``acronyms`` field), each entry a
        name or names joined by « / » (« CISSS/CIUSSS »: one entry, two acronyms).
        Without it, the acronyms (``kind: sigle``) among ``used`` (slugs), A–Z; terms of the
        sector are explained in the text and on their pages, not in the box.
        """
        if listed:
            entries = [[self.resolve(part, lang) for part in box_parts(name)] for name in listed]
            return [[t for t in entry if t is not None] for entry in entries if all(entry)]
        return [[t] for t in self.pick(used, lang) if t.is_acronym]

    def suggest(self, name: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
        names = list(self._names.get(lang, {}))
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        return close[0] if close else None


def box_parts(name: str) -> list[str]:
    """The acronyms one entry of a box names: « CISSS/CIUSSS » → CISSS, CIUSSS."""
    return [part.strip() for part in name.split("/") if part.strip()]


# --- loading and checks ---------------------------------------------------------

def _build(source: Source, values: dict) -> Term:
    return Term(slug=source.stem, lang=source.lang, body=source.body, source=source, **values)


def load_glossary(folder: Path, root: Path, today: dt.date) -> tuple[Glossary, list[Problem]]:
    items, problems = load_folder(folder, root, SCHEMA, _build, today)
    problems += check_translations(items, "terme du glossaire")
    problems += _check_bodies(items)
    problems += _check_names(items)
    problems += _check_aliases(items)
    glossary = Glossary(items)
    problems += _check_see_also(items, glossary)
    return glossary, problems


def item_line(source: Source, key: str, index: int) -> int:
    """The line of the ``index``-th item of a front-matter list (the key's line if not found)."""
    start = source.line_of(key)
    lines = source.text.split("\n")
    seen = -1
    for number in range(start, len(lines)):  # lines[start] is the line after the key
        stripped = lines[number].strip()
        if stripped.startswith("-") and stripped != "---":
            seen += 1
            if seen == index:
                return number + 1
        elif stripped and not stripped.startswith("#"):
            break
    return start


def _check_bodies(items: list[Term]) -> list[Problem]:
    return [
        Problem(t.source.rel, t.source.body_line, "la définition manque",
                "écrivez sous l'en-tête, en quelques phrases, ce qu'est ce terme et son rôle dans le PSOC")
        for t in items
        if not t.body.strip()
    ]


def _check_names(items: list[Term]) -> list[Problem]:
    """A name (term or alias) designates one term only, within a language."""
    problems = []
    owners: dict[tuple[str, str], Term] = {}
    for term in sorted(items, key=lambda t: t.source.rel):
        for index, name in enumerate([term.term, *term.aliases]):
            key = (term.lang, fold(name))
            owner = owners.get(key)
            if owner is None:
                owners[key] = term
                continue
            if owner is term:
                continue
            line = term.source.line_of("term") if index == 0 else item_line(term.source, "aliases", index - 1)
            what = "le terme" if index == 0 else "l'alias"
            problems.append(Problem(
                term.source.rel, line,
                f"{what} « {name} » désigne déjà « {owner.term} » ({owner.source.rel})",
                "un nom ne désigne qu'un seul terme : retirez ou changez ce nom dans l'un des deux fichiers"))
    return problems


def _check_aliases(items: list[Term]) -> list[Problem]:
    """An alias is another name of the term, never a word of ordinary text nor a single letter."""
    problems = []
    for term in items:
        for index, alias in enumerate(term.aliases):
            letters = sum(ch.isalnum() for ch in alias)
            if fold(alias) in COMMON_WORDS:
                message = f"l'alias « {alias} » est un mot courant : chacune de ses occurrences deviendrait un lien vers ce terme"
            elif letters < MIN_ALIAS_LETTERS:
                message = f"l'alias « {alias} » est trop court (au moins {MIN_ALIAS_LETTERS} lettres)"
            else:
                continue
            problems.append(Problem(term.source.rel, item_line(term.source, "aliases", index), message,
                                    "un alias est une autre graphie du terme (un pluriel, une forme longue) : "
                                    "retirez celui-ci de la liste « aliases »"))
    return problems


def _check_see_also(items: list[Term], glossary: Glossary) -> list[Problem]:
    problems = []
    for term in items:
        for index, name in enumerate(term.see_also):
            found = glossary.resolve(name, term.lang)
            if found is term or (found is not None and found.source.rel == term.source.rel):
                problems.append(Problem(term.source.rel, item_line(term.source, "see_also", index),
                                        f"« see_also » : « {name} » est ce terme lui-même",
                                        "retirez-le de see_also : « Voir aussi » renvoie à d'autres termes"))
                continue
            if found is not None:
                continue
            close = glossary.suggest(name, term.lang)
            hint = (f"vouliez-vous écrire « {close} » ?" if close
                    else f"créez glossary/… pour « {name} » ou retirez-le de see_also")
            problems.append(Problem(term.source.rel, item_line(term.source, "see_also", index),
                                    f"« see_also » : le terme « {name} » n'existe pas dans le glossaire", hint))
    return problems


def check_acronym_boxes(bulletins: Iterable, glossary: Glossary) -> list[Problem]:
    """Each name of a bulletin's ``acronyms`` is an acronym (``kind: sigle``) of the glossary."""
    problems = []
    for bulletin in bulletins:
        for index, name in enumerate(bulletin.acronyms):
            for part in box_parts(name):
                term = glossary.resolve(part, bulletin.lang)
                line = item_line(bulletin.source, "acronyms", index)
                if term is None:
                    close = glossary.suggest(part, bulletin.lang)
                    hint = (f"vouliez-vous écrire « {close} » ?" if close
                            else f"ajoutez « {part} » au glossaire (make new-term) ou retirez-le de la liste")
                    problems.append(Problem(bulletin.source.rel, line,
                                            f"« acronyms » : « {part} » n'est pas dans le glossaire", hint))
                elif not term.is_acronym:
                    problems.append(Problem(
                        bulletin.source.rel, line,
                        f"« acronyms » : « {part} » est un terme du milieu, pas un sigle ({term.source.rel})",
                        "l'encadré « Quelques acronymes » ne liste que des sigles : retirez-le de la liste,"
                        " ou écrivez kind: sigle dans le fichier du glossaire si c'en est un"))
    return problems
