"""The CTROC's member regional tables: one YAML data file, read and checked here.

The file (``data/membres.yml`` by default) is a list; each entry has a ``url``
(required) and may have a ``name`` and a ``region``. Staff update the list in
this one place; the page ``La CTROC`` shows it through the
``<!-- infopsoc: members -->`` directive.

The file is read as every source is (:func:`~infopsoc.content.sources.read_data`: size,
encoding, invisible characters, YAML mistakes at their line) and each entry is checked by a
:class:`~infopsoc.content.schema.Schema`, as a bulletin's front matter is. Every mistake is a
:class:`~infopsoc.core.problems.Problem` with the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from infopsoc.content.schema import Context, Field, Invalid, Schema, text
from infopsoc.content.sources import read_data
from infopsoc.core.problems import Problem

EXAMPLE = "- url: https://www.exemple.org/\n    name: TROC de la région"


def web_address(raw: Any, ctx: Context) -> str:
    """A site's full address: http(s), a host name with a dot, no space."""
    url = text(raw, ctx)
    if any(ch.isspace() for ch in url):
        raise Invalid(f"l'adresse « {url} » contient une espace", "retirez l'espace : une adresse s'écrit d'un seul tenant")
    parts = urlsplit(url)
    hint = "écrivez l'adresse complète, par exemple https://www.exemple.org/"
    if parts.scheme not in ("http", "https"):
        raise Invalid(f"l'adresse « {url} » doit commencer par https:// ou http://", hint)
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith("."):
        raise Invalid(f"l'adresse « {url} » n'a pas de nom de site valide", hint)
    return url


SCHEMA = Schema(
    "un membre de la liste",
    [
        Field("url", web_address, required=True, example="url: https://www.exemple.org/"),
        Field("name", text, example="name: TROC de la région"),
        Field("region", text, example="region: Estrie"),
    ],
    # the French words staff are likely to type instead
    aliases={"adresse": "url", "site": "url", "lien": "url", "nom": "name", "région": "region"},
)

FIELDS = tuple(SCHEMA.fields)


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
    if not path.is_file() and not path.is_symlink():
        return None, []
    data, problems = read_data(path, root, too_big_hint="la liste des membres tient en quelques Kio : vérifiez "
                                                        "qu'un autre texte n'y a pas été collé")
    if data is None:
        return [], problems
    rel = data.rel
    if data.node is None:
        return [], [Problem(rel, 1, "la liste des membres est vide",
                            f"ajoutez un membre par bloc, par exemple :\n  {EXAMPLE}", severity="warning")]
    if not isinstance(data.node, yaml.SequenceNode):
        return [], [Problem(rel, data.node.start_mark.line + 1, "le fichier doit être une liste de membres",
                            f"chaque membre commence par « - », par exemple :\n  {EXAMPLE}")]
    members: list[Member] = []
    seen: dict[str, int] = {}
    for node, value in zip(data.node.value, data.value):
        if not isinstance(node, yaml.MappingNode):
            problems.append(Problem(rel, node.start_mark.line + 1, "ce membre n'a pas la forme « url: adresse »",
                                    f"écrivez par exemple :\n  {EXAMPLE}"))
            continue
        entry, found = data.entry(node, value)
        if found:  # a key written twice, a value holding an invisible character
            problems += found
            continue
        values, found = SCHEMA.validate(entry)
        problems += found
        url = values["url"]
        if url is not None:  # a site listed twice is said even when another field of the entry is wrong
            key = url.lower().rstrip("/")
            if key in seen:
                problems.append(Problem(rel, entry.line_of("url"), f"le site {url} est déjà dans la liste (ligne {seen[key]})",
                                        "retirez l'un des deux membres"))
                continue
            seen[key] = entry.line_of("url")
        if not any(p.is_error for p in found):
            members.append(Member(url=url, name=values["name"], region=values["region"], line=entry.line))
    return members, problems
