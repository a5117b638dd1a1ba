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

    def line_of(self, key: str) -> int:
        """The line of a front-matter key, or the front matter's first line."""
        return self.key_lines.get(key, 1)

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


def _read_source(path: Path, root: Path, raw: bytes) -> tuple[Source | None, list[Problem]]:
    rel = relative_name(path, root)
    stem, lang = split_name(path)
    if len(raw) > MAX_BYTES:
        return None, [Problem(rel, None, f"le fichier est trop gros ({len(raw) // 1024} Kio, maximum {MAX_BYTES // 1024} Kio)",
                              "ce fichier doit être du texte : retirez les images collées dans le texte ou découpez le fichier")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, "le fichier n'est pas encodé en UTF-8",
                              "enregistrez-le en UTF-8 (dans l'éditeur : « Enregistrer sous » → encodage UTF-8)")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
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


def _parse_yaml(source: Source, yaml_text: str) -> list[Problem]:
    rel = source.rel
    try:
        loader = YamlLoader(yaml_text)  # composed once: the node gives the lines, then the values
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, first_line=2)
        # --- reliability --- a quoted value that does not end where it should: YAML notices it lines
        # later (a double-quoted value may span lines), the mistake is on the line the quote opens
        quote = quote_problem(rel, yaml_text, upto=line - 1, first_line=2)
        if quote is not None:
            return [quote]
        return [Problem(rel, line, _explain_yaml(exc, _line_text(yaml_text, line - 2)), _yaml_hint(exc))]
    # --- reliability ---
    except yaml.reader.ReaderError as exc:  # a control character (NUL, …) in the front matter
        line = yaml_text[: exc.position].count("\n") + 2
        return [Problem(rel, line, unprintable(exc), UNPRINTABLE_HINT)]
    except yaml.YAMLError as exc:  # pragma: no cover - every other YAML error carries a mark
        return [Problem(rel, 1, f"en-tête illisible ({exc})", "vérifiez la syntaxe de l'en-tête")]
    except RecursionError:  # --- reliability --- thousands of nested lists or mappings
        return [too_deep(rel)]
    if node is None:
        return [Problem(rel, 1, "l'en-tête est vide", "ajoutez les champs obligatoires entre les deux lignes « --- »")]
    if not isinstance(node, yaml.MappingNode):
        return [Problem(rel, 2, "l'en-tête doit être une liste de champs « nom: valeur »",
                        "écrivez un champ par ligne, par exemple « title: Mon titre »")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for key_node, _value in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in seen:
            problems.append(Problem(rel, line, f"le champ « {key} » est écrit deux fois",
                                    "gardez une seule ligne pour ce champ"))
        seen.add(key)
        source.key_lines.setdefault(key, line)
    try:
        data = loader.construct_document(node)
    except RecursionError:
        return problems + [too_deep(rel)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return problems + [Problem(rel, mark.line + 2 if mark else 1, _explain_yaml(exc), _yaml_hint(exc))]
    source.meta = {str(k): v for k, v in data.items()}
    problems += bidi_problems(rel, yaml_text, first_line=2)
    # --- security --- what escapes made, and the body's own characters
    problems += value_problems(rel, source.meta, source.key_lines, yaml_text)
    problems += character_problems(rel, source.body, first_line=source.body_line)
    return problems


def _explain_yaml(exc: yaml.YAMLError, line_text: str = "") -> str:
    """What is wrong, in French only (PyYAML's English words never reach staff)."""
    problem = getattr(exc, "problem", "") or ""
    context = getattr(exc, "context", "") or ""
    if "'\\t'" in problem or "tab" in problem:
        return "l'en-tête contient une tabulation"
    if "mapping values are not allowed" in problem:
        return "deux-points (:) inattendu dans une valeur"
    if "quoted scalar" in context or "quoted scalar" in problem:
        return "guillemet non fermé dans l'en-tête"
    if "could not find expected ':'" in problem:
        return "ligne de l'en-tête sans « nom: valeur »"
    shown = f" : « {line_text.strip()[:80]} »" if line_text.strip() else ""
    return f"syntaxe de l'en-tête invalide à cette ligne{shown}"


def yaml_error_line(exc: yaml.MarkedYAMLError, *, first_line: int) -> int:
    """The file's line a YAML mistake is shown on; an unclosed quote is best shown where it opens.

    ``first_line`` is the file's line number of the YAML text's first line.
    """
    opening = "quoted scalar" in (exc.context or "")
    mark = (exc.context_mark if opening else None) or exc.problem_mark or exc.context_mark
    return mark.line + first_line if mark else 1


def _line_text(text: str, index: int) -> str:
    lines = text.split("\n")
    return lines[index] if 0 <= index < len(lines) else ""


# --- reliability --- (quotes in front matter: the usual typing mistakes, found on their own line)
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+|[^\s#'"][^:#]*:\s+(?:-\s+)?)(["'])(.*)$""")


def quote_problem(rel: str, yaml_text: str, *, upto: int, first_line: int) -> Problem | None:
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
            return Problem(rel, where, f"guillemet non fermé dans l'en-tête (la valeur commence par {quote} "
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


def _yaml_hint(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", "") or ""
    if "'\\t'" in problem or "tab" in problem:
        return "remplacez les tabulations par des espaces"
    if "mapping values are not allowed" in problem:
        return "mettez la valeur entre guillemets, par exemple title: \"Bilan : la suite\""
    context = getattr(exc, "context", "") or ""
    if "quoted scalar" in context or "quoted scalar" in problem:
        return "fermez le guillemet à la fin de la valeur"
    return "chaque ligne de l'en-tête doit avoir la forme « nom: valeur »"


# --- reliability ---
def too_deep(rel: str) -> Problem:
    return Problem(rel, None, "l'en-tête est imbriqué trop profondément (des listes dans des listes)",
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
