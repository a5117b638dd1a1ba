"""The CTROC's member regional tables: one YAML data file, read and checked here.

The file (``data/membres.yml`` by default) is a list; each entry has a ``url``
(required) and may have a ``name`` and a ``region``. Staff update the list in
this one place; the page ``La CTROC`` shows it through the
``<!-- infopsoc: members -->`` directive.

Every mistake is a :class:`~infopsoc.core.problems.Problem` with the file and the line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from infopsoc.content.sources import (MAX_BYTES, UNPRINTABLE_HINT, YamlLoader, bidi_problems, quote_problem, too_deep,
                                      unprintable, value_problems, yaml_error_line)
from infopsoc.core.problems import Problem

FIELDS = ("url", "name", "region")
# the French words staff are likely to type instead
FRENCH_NAMES = {"adresse": "url", "site": "url", "lien": "url", "nom": "name", "région": "region"}
EXAMPLE = "- url: https://www.exemple.org/\n    name: TROC de la région"


@dataclass(frozen=True)
class Member:
    url: str
    name: str | None = None
    region: str | None = None
    line: int = 0

    @property
    def address(self) -> str:
        """The site address as people write it: ``facebook.com/TROCCN09``, ``rocestrie.org``."""
        parts = urlsplit(self.url)
        host = parts.netloc.lower().removeprefix("www.")
        path = parts.path.rstrip("/")
        return host + path

    @property
    def label(self) -> str:
        return self.name or self.address


def load_members(path: Path, root: Path) -> tuple[list[Member] | None, list[Problem]]:
    """The members in file order, or ``None`` when the file does not exist."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if not path.is_file():
        return None, []
    raw = path.read_bytes()
    # --- reliability ---
    if len(raw) > MAX_BYTES:
        return [], [Problem(rel, None, f"le fichier est trop gros ({len(raw) // 1024} Kio, maximum {MAX_BYTES // 1024} Kio)",
                            "la liste des membres tient en quelques Kio : vérifiez qu'un autre texte n'y a pas été collé")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(rel, line, "le fichier n'est pas encodé en UTF-8",
                            "enregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous » → encodage UTF-8)")]
    try:
        node = yaml.compose(text, Loader=YamlLoader)
    # --- reliability ---
    except yaml.reader.ReaderError as exc:  # a control character (NUL, …)
        return [], [Problem(rel, text[: exc.position].count("\n") + 1, unprintable(exc), UNPRINTABLE_HINT)]
    except RecursionError:  # thousands of nested lists
        return [], [too_deep(rel)]
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, first_line=1)
        quote = quote_problem(rel, text, upto=line - 1, first_line=1)
        if quote is not None:
            return [], [quote]
        return [], [Problem(rel, line, _explain_yaml(exc),
                            "chaque membre commence par « - url: » ; ses autres champs sont alignés sous « url »")]
    # --- security --- (a name or region that reads otherwise than it is written)
    bidi = bidi_problems(rel, text, first_line=1)
    if bidi:
        return [], bidi
    if node is None:
        return [], [Problem(rel, 1, "la liste des membres est vide",
                            f"ajoutez un membre par bloc, par exemple :\n  {EXAMPLE}", severity="warning")]
    if not isinstance(node, yaml.SequenceNode):
        return [], [Problem(rel, node.start_mark.line + 1, "le fichier doit être une liste de membres",
                            f"chaque membre commence par « - », par exemple :\n  {EXAMPLE}")]
    members: list[Member] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(rel, line, "ce membre n'a pas la forme « url: adresse »",
                                    f"écrivez par exemple :\n  {EXAMPLE}"))
            continue
        values: dict[str, str] = {}
        for key_node, value_node in item.value:
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key not in FIELDS:
                close = [FRENCH_NAMES[key.lower()]] if key.lower() in FRENCH_NAMES else difflib.get_close_matches(key, FIELDS, n=1)
                hint = f"vouliez-vous écrire « {close[0]} » ?" if close else f"champs permis : {', '.join(FIELDS)}"
                problems.append(Problem(rel, key_line, f"champ inconnu « {key} » pour un membre", hint))
                continue
            if key in values:
                problems.append(Problem(rel, key_line, f"le champ « {key} » est écrit deux fois pour ce membre",
                                        "gardez une seule ligne pour ce champ"))
                continue
            if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
                problems.append(Problem(rel, key_line, f"« {key} » doit être un texte sur une ligne",
                                        f"écrivez par exemple « {key}: … » suivi de la valeur"))
                continue
            # --- security --- an escape (« \\0 », « \\u202e ») makes a character the file does not show
            found = value_problems(rel, {key: str(value_node.value)}, {key: key_line}, text)
            if found:
                problems += found
                continue
            values[key] = " ".join(str(value_node.value).split())
        if "url" not in values:
            if _line_of(item, "url") is None:  # a bad url value is already reported
                problems.append(Problem(rel, line, "l'adresse du site (« url ») manque pour ce membre",
                                        "ajoutez par exemple « url: https://www.exemple.org/ »"))
            continue
        url = values["url"]
        url_line = _line_of(item, "url") or line
        error = _url_error(url)
        if error:
            problems.append(Problem(rel, url_line, f"« url » : {error}",
                                    "écrivez l'adresse complète, par exemple https://www.exemple.org/"))
            continue
        key = url.lower().rstrip("/")
        if key in seen:
            problems.append(Problem(rel, url_line, f"le site {url} est déjà dans la liste (ligne {seen[key]})",
                                    "retirez l'un des deux membres"))
            continue
        seen[key] = url_line
        members.append(Member(url=url, name=values.get("name"), region=values.get("region"), line=line))
    return members, problems


def _explain_yaml(exc: yaml.MarkedYAMLError) -> str:
    problem = f"{exc.problem or ''} {exc.context or ''}"
    if "tab" in problem or "'\\t'" in problem:
        return "le fichier contient une tabulation"
    if "mapping values are not allowed" in problem:
        return "deux-points (:) inattendu dans une valeur (mettez la valeur entre guillemets)"
    if "quoted scalar" in problem:
        return "guillemet non fermé"
    return "syntaxe invalide à cette ligne (le texte ne suit pas la forme « - url: … » puis « name: … »)"


def _line_of(mapping: yaml.MappingNode, key: str) -> int | None:
    for key_node, _value in mapping.value:
        if key_node.value == key:
            return key_node.start_mark.line + 1
    return None


def _url_error(url: str) -> str | None:
    if any(ch.isspace() for ch in url):
        return f"l'adresse « {url} » contient une espace"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"l'adresse « {url} » doit commencer par https:// ou http://"
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith("."):
        return f"l'adresse « {url} » n'a pas de nom de site valide"
    return None
