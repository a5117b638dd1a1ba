"""Reading one Markdown source with YAML front matter, never raising on bad content.

Every failure becomes a :class:`~infopsoc.core.problems.Problem` with the file and the
line, in French. Dates are kept as text (see :mod:`infopsoc.core.dates`); each key
remembers its line so that validation can point at it.
"""

from __future__ import annotations

import errno
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infopsoc.core.memo import Memo
from infopsoc.core.problems import Problem

MAX_BYTES = 2 * 1024 * 1024
FENCE = "---"


class YamlLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates stay text."""


YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Source:
    """A Markdown file split into front matter and body."""

    path: Path
    rel: str
    lang: str
    stem: str
    meta: dict = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    text: str = ""
    # the item's first line: 1 for a Markdown file, an entry's own line in a data file (read_data)
    line: int = 1

    def line_of(self, key: str) -> int:
        """The line of a front-matter key, or the item's first line."""
        return self.key_lines.get(key, self.line)

    # --- performance --- (memo.py saves sources: the body is the text's end, not saved twice)
    def _derived_body(self) -> str:
        return "\n".join(self.text.split("\n")[self.body_line - 1:])

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if state["body"] == self._derived_body():
            state["body"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.body is None:
            self.body = self._derived_body()


def split_name(path: Path) -> tuple[str, str]:
    """``info-psoc-03.en.md`` → (``info-psoc-03``, ``en``); French has no suffix."""
    name = path.name[: -len(".md")]
    stem, dot, lang = name.rpartition(".")
    if dot and re.fullmatch(r"[a-z]{2}", lang):
        return stem, lang
    return name, "fr"


# --- performance --- An unchanged file (same place, same bytes) gives back its earlier result.
_READ = Memo("sources")


def read_source(path: Path, root: Path) -> tuple[Source | None, list[Problem]]:
    """The file's text, front matter (with the line of each key) and body; or the problems.

    The result is shared by every call on the same bytes: callers read it, never change it.
    """
    raw = path.read_bytes()
    key = (str(path), str(root), hashlib.blake2b(raw, digest_size=16).digest())
    source, problems = _READ.get(key, lambda: _frozen(_read_source(path, root, raw)))
    return source, list(problems)


def _frozen(result: tuple[Source | None, list[Problem]]) -> tuple[Source | None, tuple[Problem, ...]]:
    return result[0], tuple(result[1])


def relative_name(path: Path, root: Path) -> str:
    """A file as staff see it: its path from the project's folder (``bulletins/info-psoc-03.md``)."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class YamlPlace:
    """Where a YAML text sits in its file and how staff call it, for the messages about it."""

    #: « l'en-tête » (a Markdown file's front matter), « le fichier » (a data file)
    subject: str
    #: « de l'en-tête », « du fichier »
    of_subject: str
    #: the file's line number of the YAML text's first line
    first_line: int
    #: the hint when nothing more precise is known: the shape a line must have
    shape_hint: str
    #: a value with a colon, written in quotes, as it would be in this file
    quoted_example: str


FRONT_MATTER = YamlPlace("l'en-tête", "de l'en-tête", 2, "chaque ligne de l'en-tête doit avoir la forme « nom: valeur »",
                         'title: "Bilan : la suite"')


def decode(rel: str, raw: bytes, *, too_big_hint: str) -> tuple[str | None, list[Problem]]:
    """A file's bytes as text (UTF-8, a byte-order mark dropped, lines ending in ``\\n``), or the problem."""
    if len(raw) > MAX_BYTES:
        return None, [Problem(rel, None, f"le fichier est trop gros ({len(raw) // 1024} Kio, maximum {MAX_BYTES // 1024} Kio)",
                              too_big_hint)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, "le fichier n'est pas encodé en UTF-8",
                              "enregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous » → encodage UTF-8)")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _read_source(path: Path, root: Path, raw: bytes) -> tuple[Source | None, list[Problem]]:
    rel = relative_name(path, root)
    stem, lang = split_name(path)
    text, problems = decode(rel, raw, too_big_hint="ce fichier doit être du texte : retirez les images collées "
                                                   "dans le texte ou découpez le fichier")
    if text is None:
        return None, problems
    source = Source(path=path, rel=rel, lang=lang, stem=stem, text=text)
    if not text.strip():
        return None, [Problem(rel, 1, "le fichier est vide",
                              "ajoutez l'en-tête entre deux lignes « --- » puis le texte, ou supprimez le fichier")]
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        return None, [Problem(rel, 1, "le fichier ne commence pas par l'en-tête « --- »",
                              "la première ligne doit être « --- », suivie des champs (title: …) et d'une autre ligne « --- »")]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    except StopIteration:
        return None, [Problem(rel, 1, "l'en-tête n'est pas fermé",
                              "ajoutez une ligne « --- » après le dernier champ de l'en-tête")]
    yaml_text = "\n".join(lines[1:end])
    source.body = "\n".join(lines[end + 1 :])
    source.body_line = end + 2
    problems = _parse_yaml(source, yaml_text)
    if problems:
        return None, problems
    return source, []


def compose(rel: str, yaml_text: str, place: YamlPlace) -> tuple[YamlLoader | None, yaml.Node | None, list[Problem]]:
    """The YAML text's node tree (each node knows its line) and the loader that makes its values;
    or the problem, in French, at its line. ``None, None, []``: the text holds no value."""
    first_line = place.first_line
    try:
        loader = YamlLoader(yaml_text)  # composed once: the node gives the lines, then the values
        return loader, loader.get_single_node(), []
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, first_line=first_line)
        # --- reliability --- a quoted value that does not end where it should: YAML notices it lines
        # later (a double-quoted value may span lines), the mistake is on the line the quote opens
        quote = quote_problem(rel, yaml_text, upto=line - first_line + 1, first_line=first_line, place=place)
        if quote is not None:
            return None, None, [quote]
        return None, None, [Problem(rel, line, _explain_yaml(exc, _line_text(yaml_text, line - first_line), place),
                                    _yaml_hint(exc, place))]
    # --- reliability ---
    except yaml.reader.ReaderError as exc:  # a control character (NUL, …)
        line = yaml_text[: exc.position].count("\n") + first_line
        return None, None, [Problem(rel, line, unprintable(exc), UNPRINTABLE_HINT)]
    except yaml.YAMLError as exc:  # pragma: no cover - every other YAML error carries a mark
        return None, None, [Problem(rel, first_line, f"{place.subject} est illisible ({exc})", place.shape_hint)]
    except RecursionError:  # --- reliability --- thousands of nested lists or mappings
        return None, None, [too_deep(rel, place)]


def construct(rel: str, loader: YamlLoader, node: yaml.Node, place: YamlPlace) -> tuple[Any, list[Problem]]:
    """The values of a composed node (text, numbers, lists, mappings; dates stay text), or the problem."""
    try:
        return loader.construct_document(node), []
    except RecursionError:
        return None, [too_deep(rel, place)]
    except yaml.YAMLError as exc:  # a tag (« !!python/name »), a list used as a key
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(rel, mark.line + place.first_line if mark else place.first_line,
                              _explain_yaml(exc, "", place), _yaml_hint(exc, place))]


def mapping_lines(rel: str, node: yaml.MappingNode, place: YamlPlace) -> tuple[dict[str, int], list[Problem]]:
    """The line of each key of a mapping (the first, when a key is written twice: a problem)."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for key_node, _value in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + place.first_line
        if key in lines:
            problems.append(Problem(rel, line, f"le champ « {key} » est écrit deux fois",
                                    "gardez une seule ligne pour ce champ"))
        lines.setdefault(key, line)
    return lines, problems


def _parse_yaml(source: Source, yaml_text: str) -> list[Problem]:
    rel = source.rel
    loader, node, problems = compose(rel, yaml_text, FRONT_MATTER)
    if problems:
        return problems
    if node is None:
        return [Problem(rel, 1, "l'en-tête est vide", "ajoutez les champs obligatoires entre les deux lignes « --- »")]
    if not isinstance(node, yaml.MappingNode):
        return [Problem(rel, 2, "l'en-tête doit être une liste de champs « nom: valeur »",
                        "écrivez un champ par ligne, par exemple « title: Mon titre »")]
    source.key_lines, problems = mapping_lines(rel, node, FRONT_MATTER)
    data, found = construct(rel, loader, node, FRONT_MATTER)
    if found:
        return problems + found
    source.meta = {str(k): v for k, v in data.items()}
    problems += bidi_problems(rel, yaml_text, first_line=2)
    # --- security --- what escapes made, and the body's own characters
    problems += value_problems(rel, source.meta, source.key_lines, yaml_text)
    problems += character_problems(rel, source.body, first_line=source.body_line)
    return problems


# --- data files --- (``data/membres.yml``: a YAML file read as front matter is, every entry at its line)

DATA_FILE = YamlPlace("le fichier", "du fichier", 1, "chaque élément commence par « - » ; ses champs sont alignés "
                      "sous le premier", 'name: "TROC : Estrie"')


@dataclass
class DataFile:
    """A YAML data file: its text, its node tree (the lines) and its values."""

    path: Path
    rel: str
    text: str
    node: yaml.Node | None
    value: Any

    def entry(self, node: yaml.MappingNode, value: dict) -> tuple[Source, list[Problem]]:
        """One entry (a mapping of a list) as a :class:`Source` a :class:`~infopsoc.content.schema.Schema`
        validates: its values, the line of each key, its own first line; and the problems of its keys
        (a key written twice) and of its values (an escape making an invisible character)."""
        key_lines, problems = mapping_lines(self.rel, node, DATA_FILE)
        meta = {str(k): v for k, v in value.items()}
        problems += value_problems(self.rel, meta, key_lines, self.text)
        source = Source(path=self.path, rel=self.rel, lang="fr", stem=self.path.stem, meta=meta, key_lines=key_lines,
                        text=self.text, line=node.start_mark.line + DATA_FILE.first_line)
        return source, problems


def read_data(path: Path, root: Path, *, too_big_hint: str) -> tuple[DataFile | None, list[Problem]]:
    """A YAML data file read as sources are (size, encoding, invisible characters, YAML mistakes at
    their line, in French), never raising on its content; a symbolic link is refused unread."""
    rel = relative_name(path, root)
    refused = refused_source(path, root)
    if refused is not None:
        return None, [refused]
    text, problems = decode(rel, path.read_bytes(), too_big_hint=too_big_hint)
    if text is None:
        return None, problems
    loader, node, problems = compose(rel, text, DATA_FILE)
    if problems:
        return None, problems
    # --- security --- (a value that reads otherwise than it is written)
    problems = bidi_problems(rel, text, first_line=1)
    if problems:
        return None, problems
    value = None
    if node is not None:
        value, problems = construct(rel, loader, node, DATA_FILE)
        if problems:
            return None, problems
    return DataFile(path=path, rel=rel, text=text, node=node, value=value), []


def _explain_yaml(exc: yaml.YAMLError, line_text: str = "", place: YamlPlace = FRONT_MATTER) -> str:
    """What is wrong, in French only (PyYAML's English words never reach staff)."""
    problem = getattr(exc, "problem", "") or ""
    context = getattr(exc, "context", "") or ""
    if "'\\t'" in problem or "tab" in problem:
        return f"{place.subject} contient une tabulation"
    if "mapping values are not allowed" in problem:
        return "deux-points (:) inattendu dans une valeur"
    if "quoted scalar" in context or "quoted scalar" in problem:
        return f"guillemet non fermé dans {place.subject}"
    if "could not find expected ':'" in problem:
        return f"ligne {place.of_subject} sans « nom: valeur »"
    if "unhashable" in problem:
        return "une liste ou un groupe de champs est écrit à la place d'un nom de champ"
    if "could not determine a constructor" in problem:
        return "étiquette YAML (« ! ») non permise"
    shown = f" : « {line_text.strip()[:80]} »" if line_text.strip() else ""
    return f"syntaxe {place.of_subject} invalide à cette ligne{shown}"


def yaml_error_line(exc: yaml.MarkedYAMLError, *, first_line: int) -> int:
    """The file's line a YAML mistake is shown on; an unclosed quote is best shown where it opens.

    ``first_line`` is the file's line number of the YAML text's first line.
    """
    # a quote, or a line without « : » (YAML reads it as the start of a key and stops lines later)
    opening = any(words in (exc.context or "") for words in ("quoted scalar", "simple key"))
    mark = (exc.context_mark if opening else None) or exc.problem_mark or exc.context_mark
    return mark.line + first_line if mark else 1


def _line_text(text: str, index: int) -> str:
    lines = text.split("\n")
    return lines[index] if 0 <= index < len(lines) else ""


# --- reliability --- (quotes in front matter: the usual typing mistakes, found on their own line)
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+|[^\s#'"][^:#]*:\s+(?:-\s+)?)(["'])(.*)$""")


def quote_problem(rel: str, yaml_text: str, *, upto: int, first_line: int,
                  place: YamlPlace = FRONT_MATTER) -> Problem | None:
    """The first line (up to line index ``upto`` of ``yaml_text``) whose quoted value is not closed
    on that line, or is followed by more text: where a YAML error about quotes comes from.

    ``first_line`` is the file's line number of ``yaml_text``'s first line.
    """
    for index, line in enumerate(yaml_text.split("\n")[: upto + 1]):
        found = _QUOTED_VALUE.match(line)
        if not found:
            continue
        quote, rest = found.groups()
        end = _closing_quote(rest, quote)
        where = index + first_line
        if end is None:
            return Problem(rel, where, f"guillemet non fermé dans {place.subject} (la valeur commence par {quote} "
                                       "mais ne se termine pas par le même signe sur cette ligne)",
                           f"fermez la valeur par {quote} à la fin de la ligne")
        after = rest[end + 1:].strip()
        if after and not after.startswith("#"):
            if quote == "'":
                return Problem(rel, where, "apostrophe dans une valeur entre apostrophes : la valeur s'arrête à cette apostrophe",
                               "entourez la valeur de guillemets droits (title: \"L'école\") ou doublez l'apostrophe (L''école)")
            return Problem(rel, where, "texte après le guillemet fermant de la valeur",
                           "entourez toute la valeur de guillemets, et écrivez \\\" pour un guillemet à l'intérieur")
    return None


def _closing_quote(rest: str, quote: str) -> int | None:
    """The index in ``rest`` of the quote that closes a value opened by ``quote``, or None."""
    index = 0
    while index < len(rest):
        ch = rest[index]
        if quote == '"' and ch == "\\":
            index += 2
            continue
        if ch == quote:
            if quote == "'" and rest[index + 1:index + 2] == "'":  # '' is an apostrophe inside
                index += 2
                continue
            return index
        index += 1
    return None


# --- security --- (characters that change the direction of text: a title can be made to read
# otherwise than it is written, « Trojan Source »)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def bidi_problems(rel: str, text: str, *, first_line: int) -> list[Problem]:
    """Every line of ``text`` holding a character that changes the direction of text."""
    problems = []
    for index, line in enumerate(text.split("\n")):
        found = sorted({ch for ch in line if ch in BIDI_CONTROLS})
        if found:
            codes = ", ".join(f"U+{ord(ch):04X}" for ch in found)
            problems.append(Problem(rel, index + first_line,
                                    f"caractère invisible qui change le sens d'écriture du texte ({codes}) : "
                                    "le texte affiché ne serait pas celui qui est écrit",
                                    "supprimez ce caractère (souvent collé depuis un autre document) ; "
                                    "retapez la ligne au besoin"))
    return problems


# --- security --- (characters that are never text: controls such as NUL and ESC, which reach a
# terminal or a page unseen, and the « noncharacters » U+FFFE, U+FFFF, U+FDD0–U+FDEF)
def is_forbidden_character(ch: str) -> bool:
    code = ord(ch)
    if ch in "\t\n":
        return False
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def character_problems(rel: str, text: str, *, first_line: int, skip: str = "") -> list[Problem]:
    """Every line of ``text`` holding a control, a noncharacter or a direction character (ignoring
    the characters of ``skip``, already reported): one problem per line, naming their codes."""
    problems: list[Problem] = []
    present = {ch for ch in set(text) if (ch in BIDI_CONTROLS or is_forbidden_character(ch)) and ch not in skip}
    if not present:  # --- performance --- each distinct character looked at once
        return problems
    for index, line in enumerate(text.split("\n")):
        bad = sorted(present.intersection(line))
        if not bad:
            continue
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        if all(ch in BIDI_CONTROLS for ch in bad):
            problems += bidi_problems(rel, line, first_line=index + first_line)
        else:
            problems.append(Problem(rel, index + first_line, f"caractère invisible interdit ({codes})", UNPRINTABLE_HINT))
    return problems


def value_problems(rel: str, meta: dict, key_lines: dict[str, int], written: str) -> list[Problem]:
    """The parsed values of front matter (or a data file) against :func:`character_problems`: an
    escape such as ``"\\0"``, ``"\\x1b"`` or ``"\\u202e"`` makes a character the file's bytes do not
    show. Each is reported at its key's line; ``written`` (the YAML text) already had its own
    characters checked, line by line."""
    problems = []
    for key, value in meta.items():
        for text in _strings(value):
            for problem in character_problems(rel, text.replace("\n", " "), first_line=key_lines.get(str(key), 1),
                                              skip="".join(set(written) & BIDI_CONTROLS)):
                problems.append(Problem(problem.path, problem.line, f"« {key} » : {problem.message}", problem.hint))
    return problems


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _yaml_hint(exc: yaml.YAMLError, place: YamlPlace = FRONT_MATTER) -> str:
    problem = getattr(exc, "problem", "") or ""
    if "'\\t'" in problem or "tab" in problem:
        return "remplacez les tabulations par des espaces"
    if "mapping values are not allowed" in problem:
        return f"mettez la valeur entre guillemets, par exemple {place.quoted_example}"
    context = getattr(exc, "context", "") or ""
    if "quoted scalar" in context or "quoted scalar" in problem:
        return "fermez le guillemet à la fin de la valeur"
    if "could not determine a constructor" in problem:
        return "retirez l'étiquette : une valeur est un texte, un nombre, une date ou une liste"
    return place.shape_hint


# --- reliability ---
def too_deep(rel: str, place: YamlPlace = FRONT_MATTER) -> Problem:
    return Problem(rel, None, f"{place.subject} est imbriqué trop profondément (des listes dans des listes)",
                   "un champ vaut un texte, une date ou une courte liste : simplifiez l'en-tête")


UNPRINTABLE_HINT = "supprimez ce caractère (souvent collé depuis un traitement de texte ou un PDF)"


def unprintable(exc: "yaml.reader.ReaderError") -> str:
    return f"caractère invisible interdit (code {exc.character:#06x})"


# --- security --- (sources are the repository's own files: no symbolic link at all)
def refused_link(path: Path, root: Path) -> str | None:
    """Why ``path`` may not be read as a source (French), or None when it is not a symbolic link.

    Every symbolic link is refused, wherever it leads: a target outside ``root`` (``/etc/passwd``)
    but also one inside it, since ``.git/`` (its ``config`` may hold a token), ``.venv/``,
    ``node_modules/``, ``.cache/`` and every ignored path are inside the repository too. The
    reason names where the link leads, when it leads anywhere.
    """
    if not path.is_symlink():
        return None
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13: a loop of symbolic links
        return "lien symbolique en boucle"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "lien symbolique en boucle"
        return "lien symbolique vers un fichier qui n'existe pas"
    if not real.is_relative_to(root.resolve()):
        return f"lien symbolique vers un fichier hors du dépôt ({real})"
    return f"lien symbolique (vers {real.relative_to(root.resolve()).as_posix()}) : le site n'accepte aucun lien symbolique"


def refused_source(path: Path, root: Path) -> Problem | None:
    """The problem of a source that is a symbolic link (:func:`refused_link`)."""
    reason = refused_link(path, root)
    if reason is None:
        return None
    return Problem(relative_name(path, root), None, reason,
                   "le site ne publie que les fichiers eux-mêmes : remplacez le lien par une copie du fichier, "
                   "ou supprimez-le")
