"""The shadow build: the same commit built by MkDocs and by Zensical, each page's article compared.

For every page (``*.html`` with an ``<article>``) of both sites, both languages, the article's text
(one line per block: paragraph, heading, list item, cell…, spaces folded) and its links (each
``<a>``'s address, or its ``id`` when it has none, with its text; each image's address) are compared.
Every difference is a :class:`Difference` (page, kind, detail). The known ones are listed, each with
its reason, in ``tests/shadow-differences.yml``; tests/test_shadow.py fails when a difference appears
that the file does not list, or when a listed one no longer happens (the file must say the truth).

    python -m infopsoc.engines.shadow                       build this checkout twice, compare, report
    python -m infopsoc.engines.shadow --mkdocs A --zensical B   compare two built sites

Prints the figures (pages compared, pages equal) and each difference, marked « connue » (with its
reason) or « NOUVELLE »; exits 1 when a difference is new or a listed one vanished. No engine is
imported here: the builds run through ``infopsoc build --engine …``.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import fnmatch
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import lxml.html
import yaml

#: The elements whose text is a line of its own in the comparison
BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "caption",
                    "figcaption", "blockquote", "pre", "div", "section", "header", "footer", "nav", "aside",
                    "details", "summary", "table", "tr", "ul", "ol", "dl", "figure", "hr", "br", "form"})
#: What is never compared: the site's editor (not pages), the engines' assets
SKIPPED = ("admin/", "en/admin/", "assets/", "en/assets/")
KNOWN_FILE = Path("tests/shadow-differences.yml")


@dataclasses.dataclass(frozen=True, order=True)
class Difference:
    page: str  # the page's file in the site (``bulletins/info-psoc-03/index.html``)
    kind: str  # page-missing, page-extra, text, link-missing, link-extra
    detail: str  # the line or the link (``- …`` for MkDocs' text, ``+ …`` for Zensical's)

    def __str__(self) -> str:
        return f"{self.page} [{self.kind}] {self.detail}"


@dataclasses.dataclass
class Article:
    lines: list[str]
    links: list[str]


@dataclasses.dataclass
class Comparison:
    compared: int  # pages present in both sites
    equal: int  # of those, pages whose article's text and links are the same
    differences: list[Difference]


def article(path: Path) -> Article | None:
    """The article of a built page: its text, a line per block, and its links; None without one."""
    root = lxml.html.parse(str(path)).getroot()
    found = root.xpath("//article") if root is not None else []
    if not found:
        return None
    node = found[0]
    parts: list[str] = []
    _text(node, parts)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    links = []
    for element in node.iter("a", "img"):
        text = " ".join(element.text_content().split())
        if element.tag == "img":
            links.append(f"img {element.get('src')} «{element.get('alt') or ''}»")
        elif element.get("href") is not None:
            links.append(f"{element.get('href')} «{text}»")
        else:
            links.append(f"id={element.get('id')} «{text}»")
    return Article([line for line in lines if line], links)


def _text(node, parts: list[str]) -> None:
    if not isinstance(node.tag, str):  # a comment or a processing instruction: not text
        parts.append(node.tail or "")
        return
    block = node.tag in BLOCKS
    if block:
        parts.append("\n")
    if node.tag not in ("script", "style", "template"):
        parts.append(node.text or "")
        for child in node:
            _text(child, parts)
    if block:
        parts.append("\n")
    parts.append(node.tail or "")


def pages(site: Path) -> list[str]:
    """The site's HTML pages, by their path in it (the editor and the assets left out)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith(SKIPPED))


def compare(mkdocs_site: Path, zensical_site: Path) -> Comparison:
    """Every page's article in the two sites, compared (text and links)."""
    ours, theirs = pages(mkdocs_site), pages(zensical_site)
    differences = [Difference(p, "page-missing", "absente de la construction Zensical") for p in ours if p not in theirs]
    differences += [Difference(p, "page-extra", "absente de la construction MkDocs") for p in theirs if p not in ours]
    compared = equal = 0
    for page in sorted(set(ours) & set(theirs)):
        a, b = article(mkdocs_site / page), article(zensical_site / page)
        if a is None and b is None:
            continue
        compared += 1
        if a is None or b is None:
            differences.append(Difference(page, "text", f"article absent ({'MkDocs' if a is None else 'Zensical'})"))
            continue
        found = _diff(page, "text", a.lines, b.lines) + _links(page, a.links, b.links)
        differences += found
        equal += not found
    return Comparison(compared, equal, sorted(differences))


def _diff(page: str, kind: str, a: list[str], b: list[str]) -> list[Difference]:
    found = []
    for line in difflib.unified_diff(a, b, lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        found.append(Difference(page, kind, line))
    return found


def _links(page: str, a: list[str], b: list[str]) -> list[Difference]:
    found = []
    for line in difflib.unified_diff(a, b, lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        found.append(Difference(page, "link-missing" if line[0] == "-" else "link-extra", line[1:]))
    return found


# --- the known differences ----------------------------------------------------------------

@dataclasses.dataclass
class Known:
    kind: str
    detail: str  # a regular expression the whole detail matches
    pages: str  # a glob of the pages (``*``: every page)
    reason: str
    matched: int = 0

    def matches(self, difference: Difference) -> bool:
        return (difference.kind == self.kind and fnmatch.fnmatchcase(difference.page, self.pages)
                and re.fullmatch(self.detail, difference.detail) is not None)


def load_known(path: Path) -> list[Known]:
    """The listed differences (``tests/shadow-differences.yml``): kind, detail, pages, reason."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    known = []
    for index, entry in enumerate(entries, 1):
        missing = {"kind", "detail", "reason"} - set(entry)
        if missing:
            raise ValueError(f"{path}: entrée {index} sans {', '.join(sorted(missing))}")
        known.append(Known(entry["kind"], entry["detail"], entry.get("pages", "*"), entry["reason"]))
    return known


def judge(differences: list[Difference], known: list[Known]) -> tuple[list[Difference], list[Known]]:
    """(the differences no entry explains, the entries no difference matches any more)."""
    new = []
    for difference in differences:
        matching = [k for k in known if k.matches(difference)]
        for k in matching:
            k.matched += 1
        if not matching:
            new.append(difference)
    return new, [k for k in known if not k.matched]


def report(comparison: Comparison, known: list[Known]) -> tuple[str, bool]:
    """The text printed (French, as the other commands), and whether everything is known."""
    new, vanished = judge(comparison.differences, known)
    unexplained = {d.page for d in new}
    with_differences = {d.page for d in comparison.differences}
    lines = [f"Construction fantôme : {comparison.compared} pages comparées, {comparison.equal} identiques "
             f"(texte et liens de l'article), {comparison.compared - len(unexplained)} identiques aux différences "
             f"connues près ; {len(comparison.differences)} différence(s) sur {len(with_differences)} page(s), "
             f"{len(new)} nouvelle(s)"]
    for entry in known:
        if entry.matched:
            lines.append(f"  connue ×{entry.matched} [{entry.kind}] {entry.pages} : {entry.reason}")
    lines += [f"  NOUVELLE : {d}" for d in new]
    lines += [f"  DISPARUE (retirez-la de {KNOWN_FILE}) : [{k.kind}] {k.pages} {k.detail}" for k in vanished]
    return "\n".join(lines), not new and not vanished


# --- building the two sites -----------------------------------------------------------------

def build(root: Path, engine: str, site: Path) -> None:
    """``infopsoc build --engine ENGINE --site-dir SITE`` in ``root`` (its French lines passed on)."""
    command = [sys.executable, "-m", "infopsoc.cli", "build", "--engine", engine, "--site-dir", str(site)]
    result = subprocess.run(command, cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise SystemExit(f"la construction {engine} a échoué (voir ci-dessus)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infopsoc.engines.shadow",
                                     description="Compare les constructions MkDocs et Zensical d'un même commit.")
    parser.add_argument("--mkdocs", type=Path, help="site construit par MkDocs (sinon : construit ici)")
    parser.add_argument("--zensical", type=Path, help="site construit par Zensical (sinon : construit ici)")
    parser.add_argument("--known", type=Path, default=KNOWN_FILE, help=f"différences connues (défaut : {KNOWN_FILE})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="infopsoc-fantome-") as scratch:
        sites = {}
        for engine in ("mkdocs", "zensical"):
            given = getattr(args, engine)
            if given is None:
                given = Path(scratch) / engine
                build(Path.cwd(), engine, given)
            sites[engine] = given
        comparison = compare(sites["mkdocs"], sites["zensical"])
    text, ok = report(comparison, load_known(args.known))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
