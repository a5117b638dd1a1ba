"""What the build refuses in any Markdown text, found by ``check`` first, at the source's line.

Every text the site is made of (bulletins, glossary entries, timeline events, pages of
``content/``) is read for:

- **attribute lists** (``{: onclick="…" }``, ``{: href="javascript:…" }``, ``{: style="…url(…)" }``,
  ``{: src=… }``): Markdown's ``attr_list`` puts them on the element before; they pass the same
  allow-list as raw HTML (``raw_html.attribute_problem``), judged on the element that may carry them;
- **raw HTML** in glossary entries and timeline events (bulletins and pages: ``checks.links``), and an
  image whose address is a path of the computer (``<img src="/etc/passwd">``, ``file:``);
- **characters** that are never text (controls, noncharacters, direction controls) in the pages of
  ``content/`` (the collections' files are read by ``content.sources``, which checks them);
- **nesting** deeper than :data:`MAX_DEPTH` (lists in lists, quotes in quotes): Python-Markdown
  recurses once per level (500 levels: a ``RecursionError``), WeasyPrint lays each level out (200
  quotes took the PDF down).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown.extensions.attr_list import get_attrs_and_remainder

from infopsoc.content.checks.links import mask
from infopsoc.content.checks.raw_html import ATTRIBUTES, attribute_problem, check_raw_html
from infopsoc.content.model import Site
from infopsoc.content.sources import character_problems
from infopsoc.core.fingerprints import fingerprint, versions
from infopsoc.core.i18n import LANGUAGES
from infopsoc.core.memo import Memo
from infopsoc.core.problems import Problem

#: Levels of lists and quotes a text may nest (a real text has three or four).
MAX_DEPTH = 16

#: ``{: … }`` or ``{ … }`` holding at least one ``name=value`` (braces in prose hold none).
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*=[^{}\n]*?)[ \t]*\}")
_MARKER = re.compile(r"(?:>[ \t]?|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))")
_IMG = re.compile(r"<img\b[^<>]*>", re.I | re.S)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
ATTR_HINT = ("un attribut ajouté avec « {: … } » passe la même liste que le HTML : gardez #id, .classe ou "
             "un attribut permis, sans code ni adresse d'un autre site")


@dataclass(frozen=True)
class Source:
    rel: str
    text: str
    first_line: int
    front_matter: bool = False
    raw_html: bool = False  # checked here (glossary, timeline) rather than by checks.links
    printed: bool = False  # a bulletin: its PDF is made too


def markdown_sources(site: Site) -> list[Source]:
    """Every Markdown text of the site, with the file line of its first line."""
    found = [Source(b.source.rel, b.body, b.source.body_line, printed=True) for b in site.bulletins]
    terms = {id(t): t for lang in LANGUAGES for t in site.glossary.terms(lang)}
    found += [Source(t.source.rel, t.body, t.source.body_line, raw_html=True) for t in terms.values()]
    found += [Source(e.source.rel, e.body, e.source.body_line, raw_html=True) for e in site.timeline]
    settings = site.settings
    docs = settings.path("docs_dir")
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        rel = path.relative_to(docs)
        if any(part.startswith(".") for part in rel.parts) or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        found.append(Source(path.relative_to(settings.root).as_posix(), text, 1, front_matter=True))
    return found


def check_markup(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    for source in markdown_sources(site):
        # --- performance --- a text's problems depend on it alone (and this code): an unchanged text
        # gives back its problems, kept between builds (memo.py)
        key = (source.rel, fingerprint(source.text), source.first_line, source.front_matter, source.raw_html,
               source.printed, versions("markdown"))
        problems += _CHECKED.get(key, lambda: tuple(source_problems(source)))
    return problems


_CHECKED = Memo("markup-checks")


def source_problems(source: Source) -> list[Problem]:
    """The problems of one text."""
    problems: list[Problem] = []
    masked = mask(source.text, source.front_matter)
    problems += attribute_list_problems(source.rel, masked, source.first_line)
    problems += nesting_problems(source.rel, masked, source.first_line)
    problems += local_image_problems(source.rel, masked, source.first_line)
    if source.raw_html:
        problems += check_raw_html(source.rel, masked, source.first_line)
    if source.printed:
        problems += table_problems(source.rel, masked, source.first_line)
    if source.front_matter:  # a page of content/ (the collections' files: content.sources)
        problems += character_problems(source.rel, source.text, first_line=source.first_line)
    return problems


# --- attribute lists ---
#: for each attribute, an element that may carry it (the allow-list is per element)
_CARRIER = {name: tag for tag, names in sorted(ATTRIBUTES.items()) for name in names}


def list_attribute_problem(name: str, value: str) -> str | None:
    """Why an attribute given in an attribute list is refused (French), or None."""
    return attribute_problem(_CARRIER.get(name.lower(), "span"), name, value)


def attribute_list_problems(rel: str, masked: str, first_line: int = 1) -> list[Problem]:
    problems = []
    for match in _ATTR_LIST.finditer(masked):
        attributes, _rest = get_attrs_and_remainder(match.group(1))
        line = first_line + masked.count("\n", 0, match.start())
        for name, value in attributes:
            if name in ("id", "class"):
                continue
            message = list_attribute_problem(name, value)
            if message:
                problems.append(Problem(rel, line, f"liste d'attributs « {match.group(0)[:80]} » : {message}", ATTR_HINT))
    return problems


# --- nesting ---
def depth(line: str) -> int:
    """How many lists and quotes a line of Markdown opens or stands in (indentation counts by four)."""
    expanded = line.expandtabs(4)
    rest = expanded.lstrip(" ")
    levels = (len(expanded) - len(rest)) // 4
    markers = 0
    while rest and (found := _MARKER.match(rest)):
        markers += 1
        rest = rest[found.end():].lstrip(" ")
    return levels + markers if markers else 0


#: HTML elements often left open (their end is implied): not counted as nesting
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "option"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(/?)>")
#: Levels of raw HTML elements a text may nest
MAX_HTML_DEPTH = 4 * MAX_DEPTH


def nesting_problems(rel: str, masked: str, first_line: int = 1) -> list[Problem]:
    hint = "simplifiez : une liste dans une liste, une citation dans une citation suffisent d'ordinaire"
    for index, line in enumerate(masked.split("\n")):
        levels = depth(line)
        if levels > MAX_DEPTH:
            return [Problem(rel, first_line + index,
                            f"imbrication trop profonde : {levels} niveaux de listes ou de citations (au plus {MAX_DEPTH})",
                            hint)]
    level = 0
    for match in _TAG.finditer(masked):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _IMPLIED_END or name in _VOID or self_closing:
            continue
        level = max(level - 1, 0) if closing else level + 1
        if level > MAX_HTML_DEPTH:
            return [Problem(rel, first_line + masked.count("\n", 0, match.start()),
                            f"imbrication trop profonde : plus de {MAX_HTML_DEPTH} balises HTML les unes dans les autres", hint)]
    return []


# --- what a bulletin's PDF can lay out ---
#: Rows of tables a bulletin may hold: WeasyPrint lays a table out whole, about 80 kB a row
#: (20 000 rows took 1.6 GB in the PDF worker); 1 000 rows stay under 100 MB.
MAX_TABLE_ROWS = 1000
#: Elements a bulletin's print document may hold (outputs/pdf/weasy.py does not lay out one past it;
#: WeasyPrint keeps ~40 kB an element): a bulletin with 1 000 table rows of two columns holds about
#: 4 500; past 8 000 the worker would take over 400 MB. ``check`` counts them in the source.
MAX_PRINT_ELEMENTS = 8_000
#: What to do with a bulletin too large for its PDF (``check``'s message and the build's)
TOO_LARGE_WHAT_TO_DO = ("découpez-le (en plusieurs numéros), ou enregistrez les longues listes et les grands "
                        "tableaux comme document (CSV, tableur) dans content/documents/ et faites un lien vers lui")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_ROW = re.compile(r"<tr\b", re.I)
_START_TAG = re.compile(r"<[A-Za-z]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_HEADING = re.compile(r"^#{1,6}\s")


def table_problems(rel: str, masked: str, first_line: int = 1) -> list[Problem]:
    """A bulletin too large for its PDF, reported at the line where it passes a bound: more than
    :data:`MAX_TABLE_ROWS` rows of tables (Markdown and HTML alike), or more than
    :data:`MAX_PRINT_ELEMENTS` elements as its print document will count them (a table's rows and
    cells, list items, paragraphs, headings, raw HTML's tags; inline marks such as emphasis are not
    counted here, so the build's own count, which does, stays the last word)."""
    rows = elements = 0
    in_table, previous_blank = False, True
    for index, line in enumerate(masked.split("\n")):
        blank = not line.strip()
        if _SEPARATOR.match(line) and "-" in line and "|" in line:
            in_table = True
        elif in_table and "|" in line:
            rows += 1
            elements += 1 + max(1, line.strip().strip("|").count("|") + 1)
        else:
            in_table = False
            if _HEADING.match(line) or _LIST_ITEM.match(line) or (previous_blank and not blank):
                elements += 1
        previous_blank = blank
        rows += len(_ROW.findall(line))
        elements += len(_START_TAG.findall(line))
        if rows > MAX_TABLE_ROWS:
            return [Problem(rel, first_line + index,
                            f"les tableaux de ce bulletin ont plus de {MAX_TABLE_ROWS} lignes : son PDF ne peut pas "
                            "les mettre en page (la mémoire manquerait)",
                            "découpez le tableau, ou enregistrez-le comme document (CSV, tableur) dans "
                            "content/documents/ et faites un lien vers lui")]
        if elements > MAX_PRINT_ELEMENTS:
            return [Problem(rel, first_line + index,
                            f"ce bulletin est trop long pour son PDF : plus de {MAX_PRINT_ELEMENTS} éléments "
                            "(paragraphes, éléments de liste, lignes et cases de tableau) — la mémoire manquerait "
                            "pour le mettre en page", TOO_LARGE_WHAT_TO_DO)]
    return []


# --- images that are paths of the computer ---
def local_image_problems(rel: str, masked: str, first_line: int = 1) -> list[Problem]:
    problems = []
    for match in _IMG.finditer(masked):
        found = _SRC.search(match.group(0))
        if not found:
            continue
        src = next(group for group in found.groups() if group is not None).strip()
        parts = urlsplit(src)
        if parts.scheme.lower() == "file" or (not parts.scheme and not parts.netloc and src.startswith(("/", "\\"))):
            line = first_line + masked.count("\n", 0, match.start())
            problems.append(Problem(rel, line, f"l'image « {src} » est un chemin de l'ordinateur, pas un fichier du site",
                                    "enregistrez l'image dans content/images/ et écrivez un chemin relatif, par exemple "
                                    "../images/nom.png"))
    return problems
