"""The project's options (``plugins: - infopsoc: …`` in ``mkdocs.yml``), declared once, here.

Every reader takes them from :data:`OPTIONS`: the MkDocs configuration class
(``plugin/config.py`` builds its typed options from it), :class:`~infopsoc.content.model.Settings`
(its fields' defaults, :meth:`~infopsoc.content.model.Settings.from_options`, and
:meth:`~infopsoc.content.model.Settings.from_mkdocs_yml`, which the CLI and any engine without our
plugin read) and the editor (``editor``'s keys, :data:`EDITOR`). A new option is one line here and
one field of ``Settings`` (tests/test_options.py fails until the field exists); its French
description is what a wrong value's message says.

Engine-neutral: nothing here imports an engine.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Option:
    """One option: its name in ``mkdocs.yml``, its type, its default and what it does (French).

    ``kind`` is ``str``, ``bool``, ``list`` (a list of texts) or ``dict`` (known keys: ``keys``);
    a ``default`` of ``None`` means « not set »: the reader decides (the description says how).
    """

    name: str
    kind: type
    default: Any
    description: str
    keys: tuple["Option", ...] = ()

    def default_value(self) -> Any:
        """A fresh copy of the default (a list or a dict is never shared between readers)."""
        if isinstance(self.default, (list, dict)):
            return type(self.default)(self.default)
        return self.default


#: ``editor:``'s keys: the content editor at /admin/ (Decap CMS, outputs/admin.py)
EDITOR: tuple[Option, ...] = (
    Option("repo", str, "OWNER/REPO", "le dépôt GitHub où l'éditeur publie, « propriétaire/nom »"),
    Option("branch", str, "main", "la branche où l'éditeur publie (et que « infopsoc edit » suit)"),
    Option("auth_url", str, None, "l'adresse du relais de connexion GitHub (par défaut : celle de Decap)"),
)

OPTIONS: tuple[Option, ...] = (
    Option("bulletins_dir", str, "bulletins", "le dossier des bulletins"),
    Option("glossary_dir", str, "glossary", "le dossier du glossaire"),
    Option("timeline_dir", str, "timeline", "le dossier de la chronologie"),
    Option("drafts", bool, None, "publier aussi les brouillons (par défaut : non ; oui dans l'aperçu, "
                                 "infopsoc serve, ou avec INFOPSOC_DRAFTS=1)"),
    Option("lang", str, None, "la langue de la construction (par défaut : celle du thème, theme.language)"),
    Option("acronym_allow", list, [], "les mots en capitales qui ne sont pas des sigles (aucune entrée "
                                      "du glossaire attendue)"),
    # --- knowledge base ---
    Option("members_file", str, "data/membres.yml", "le fichier de la liste des membres"),
    # --- pdf ---
    Option("pdf", bool, None, "produire les PDF (par défaut : oui pour build, non pour serve ; "
                              "INFOPSOC_PDF=1 ou 0 l'impose)"),
    Option("pdf_cache_dir", str, ".cache/pdf", "le dossier où les PDF sont gardés d'une construction à l'autre"),
    # --- editor ---
    Option("editor", dict, {o.name: o.default for o in EDITOR if o.default is not None},
           "l'éditeur de contenu à /admin/ : " + ", ".join(o.name for o in EDITOR), keys=EDITOR),
)

_BY_NAME = {o.name: o for o in OPTIONS}
_KIND_WORDS = {str: "un texte", bool: "true ou false", list: "une liste de textes", dict: "un groupe de champs"}


def option(name: str) -> Option:
    return _BY_NAME[name]


def default(name: str) -> Any:
    """The declared default of option ``name`` (a fresh copy)."""
    return _BY_NAME[name].default_value()


def editor_default(key: str) -> Any:
    return next(o.default for o in EDITOR if o.name == key)


class OptionError(ValueError):
    """An option of ``mkdocs.yml`` is unknown or of the wrong type; the message is French."""


def read_options(raw: Any, where: str = "mkdocs.yml") -> dict[str, Any]:
    """The options written in ``mkdocs.yml`` (``plugins: - infopsoc:``), checked against the
    declaration as MkDocs checks them; only the options written are returned. Raises
    :class:`OptionError` naming every mistake (file, option, what to write)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise OptionError(f"{where} : les options de « - infopsoc: » doivent être des lignes « nom: valeur »")
    values: dict[str, Any] = {}
    mistakes: list[str] = []
    for name, value in raw.items():
        spec = _BY_NAME.get(str(name))
        if spec is None:
            mistakes.append(_unknown(str(name), [o.name for o in OPTIONS], "dans « - infopsoc: »"))
            continue
        if value is None:
            continue  # « drafts: » without a value: not set, as MkDocs reads it
        problem = _type_problem(spec, value) or _keys_problem(spec, value)
        if problem:
            mistakes.append(problem)
            continue
        values[spec.name] = list(value) if spec.kind is list else dict(value) if spec.kind is dict else value
    if mistakes:
        raise OptionError("\n".join(f"{where} : {m}" for m in mistakes))
    return values


def _type_problem(spec: Option, value: Any) -> str | None:
    good = (isinstance(value, spec.kind) and not (spec.kind is not bool and isinstance(value, bool))
            and not (spec.kind is list and not all(isinstance(v, str) for v in value)))
    if good:
        return None
    return f"l'option « {spec.name} » doit être {_KIND_WORDS[spec.kind]} — {spec.description}"


def _keys_problem(spec: Option, value: dict) -> str | None:
    """The first unknown or mistyped key of a group of options (``editor:``)."""
    if not spec.keys:
        return None
    for key, item in value.items():
        sub = next((o for o in spec.keys if o.name == key), None)
        if sub is None:
            return _unknown(str(key), [o.name for o in spec.keys], f"dans « {spec.name}: »")
        if item is not None and (problem := _type_problem(sub, item)):
            return problem.replace("l'option « ", f"l'option « {spec.name}.", 1)
    return None


def _unknown(name: str, known: list[str], of: str) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"vouliez-vous écrire « {close[0]} » ?" if close else f"options possibles : {', '.join(known)}"
    return f"option « {name} » inconnue {of} — {hint}"
