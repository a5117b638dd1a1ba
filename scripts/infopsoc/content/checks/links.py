"""Links, images, footnotes and forbidden HTML in Markdown texts, with file and line.

MkDocs checks links as well (the build is ``--strict``), but in English, without
the line, and only while building. These checks run in
:func:`infopsoc.content.site.load_site`, so ``infopsoc check`` and the build report the
same problems, in French, all at once.

A link is resolved the way MkDocs resolves it: relative to the page's place
among the site's Markdown files (a bulletin's page is ``bulletins/<slug>.md``,
a page of ``content/`` is its path inside ``content/``).
"""

from __future__ import annotations

import difflib
import posixpath
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from infopsoc.content.checks.admonitions import check_admonitions
from infopsoc.content.checks.raw_html import check_raw_html
from infopsoc.content.model import Site
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.memo import Memo
from infopsoc.core.problems import Problem
from infopsoc.core.urls import INDEX_PAGES

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"}


@dataclass(frozen=True)
class Text:
    """One Markdown text to check."""

    rel: str  # the file, as shown in messages
    uri: str  # the page's place among the site's Markdown files
    text: str
    first_line: int = 1  # the file line of the text's first line
    bulletin: bool = False
    draft: bool = False


@dataclass
class Targets:
    """What a link may point at: docs files and generated pages, as Markdown paths."""

    files: set[str] = field(default_factory=set)
    drafts: set[str] = field(default_factory=set)
    #: files of the docs folder that git does not track: here, but not in a commit (nor on the site)
    untracked: set[str] = field(default_factory=set)

    @property
    def pages(self) -> list[str]:
        return sorted(f for f in self.files | self.drafts if f.endswith(".md"))


# --- masking: what is not Markdown text keeps its place but is blanked ----------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask(text: str, front_matter: bool = False) -> str:
    """Blank out code blocks, code spans, HTML comments (and front matter), keeping lines and offsets."""
    lines = text.split("\n")
    fence: str | None = None
    in_meta = front_matter and bool(lines) and lines[0].strip() == "---"
    for i, line in enumerate(lines):
        if in_meta:
            if i > 0 and line.rstrip() == "---":
                in_meta = False
            lines[i] = " " * len(line)
            continue
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            lines[i] = " " * len(line)
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
            lines[i] = " " * len(line)
    text = "\n".join(lines)
    text = _COMMENT.sub(_blank, text)
    return _CODE_SPAN.sub(_blank, text)


# --- the patterns ----------------------------------------------------------------

_LABEL = r"((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)"
_URL = r"(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
_TITLE = r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?"""
INLINE = re.compile(r"(!?)\[" + _LABEL + r"\]\(\s*" + _URL + _TITLE + r"\s*\)")
REFERENCE = re.compile(r"(!?)\[" + _LABEL + r"\]\[([^\[\]\n]*)\]")
DEFINITION = re.compile(r"^ {0,3}\[([^\]^\n][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^[ \t]*\[\^([^\]\s]+)\]:", re.M)


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


# --- checking one text -------------------------------------------------------------

def check_text(doc: Text, targets: Targets, front_matter: bool = False) -> list[Problem]:
    masked = mask(doc.text, front_matter)

    def line_at(offset: int) -> int:
        return doc.first_line + masked.count("\n", 0, offset)

    problems: list[Problem] = []

    def url(raw: str, image: bool, offset: int) -> None:
        problem = check_url(raw, image, doc, targets, line_at(offset))
        if problem:
            problems.append(problem)

    def links_in(text: str, base: int) -> None:
        for match in INLINE.finditer(text):
            links_in(match.group(2), base + match.start(2))  # an image inside a link
            url(match.group(3), bool(match.group(1)), base + match.start())

    links_in(masked, 0)

    definitions = {_label_key(m.group(1)): m for m in DEFINITION.finditer(masked)}
    for match in DEFINITION.finditer(masked):
        url(match.group(2), False, match.start())
    for match in REFERENCE.finditer(masked):
        label = match.group(3) or match.group(2)
        if label.startswith("^") or match.group(2).startswith("^"):
            continue
        defined = definitions.get(_label_key(label))
        if match.group(1) and defined and urlsplit(defined.group(2).strip("<>")).netloc:  # --- security ---
            url(defined.group(2), True, match.start())  # ![x][ref]: an image from another host
        if _label_key(label) not in definitions:
            problems.append(Problem(doc.rel, line_at(match.start()),
                                    f"le lien « [{match.group(2)}][{match.group(3)}] » renvoie à la référence "
                                    f"« {label} », qui n'est définie nulle part",
                                    f"ajoutez une ligne « [{label}]: adresse » ou écrivez le lien [texte](adresse)"))

    notes = {m.group(1): m for m in FOOTNOTE_DEF.finditer(masked)}
    called: set[str] = set()
    for match in FOOTNOTE_REF.finditer(masked):
        name = match.group(1)
        called.add(name)
        if name not in notes:
            problems.append(Problem(doc.rel, line_at(match.start()),
                                    f"l'appel de note « [^{name}] » n'a pas de note",
                                    f"ajoutez en bas du fichier une ligne « [^{name}]: le texte de la note »"))
    for name, match in notes.items():
        if name not in called:
            problems.append(Problem(doc.rel, line_at(match.start()),
                                    f"la note « [^{name}] » n'est appelée nulle part dans le texte",
                                    f"ajoutez « [^{name}] » à l'endroit du texte qu'elle précise, ou supprimez la note",
                                    "warning"))

    # --- security --- raw HTML: the site's one allow-list (raw_html.py), in bulletins and pages alike
    problems += check_raw_html(doc.rel, masked, doc.first_line)
    # an encadré whose text is not indented by four spaces comes out empty, its text below it
    problems += check_admonitions(doc.rel, masked, doc.first_line)
    return problems


def check_url(raw: str, image: bool, doc: Text, targets: Targets, line: int) -> Problem | None:
    """One link or image address; ``None`` when it is fine."""
    url = raw.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    what = "l'image" if image else "le lien"
    if not url:
        return Problem(doc.rel, line, f"{what} n'a pas d'adresse", "écrivez l'adresse entre les parenthèses : [texte](adresse)")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "javascript":
        return Problem(doc.rel, line, f"{what} « {url} » exécute du code", "retirez ce lien : le site n'en accepte pas")
    if scheme or parts.netloc:
        if image and not parts.netloc:  # --- security --- file:, data:, … : nothing the site holds
            return Problem(doc.rel, line, f"l'image « {url} » n'est pas un fichier du site ({scheme}:)",
                           "enregistrez l'image dans content/images/ et liez-la par un chemin relatif")
        if image and parts.netloc:
            return Problem(doc.rel, line, f"l'image « {url} » est chargée depuis un autre site",
                           "le site ne fait aucune requête vers un autre hôte : enregistrez l'image dans "
                           "content/images/ et liez-la par un chemin relatif")
        return None  # an external link: not checked here
    if url.startswith(("/", "\\")):
        known = _absolute_target(unquote(parts.path), targets)
        example = known or ("bulletins/info-psoc-03.md" if not image else "images/nom.png")
        return Problem(doc.rel, line, f"{what} « {url} » est une adresse absolue",
                       f"écrivez le chemin relatif vers le fichier : ({_relative(doc.uri, example)})" if known else
                       "écrivez un chemin relatif vers le fichier, par exemple " + _relative(doc.uri, example))
    path = unquote(parts.path)
    if not path:
        return None  # an anchor on the same page (MkDocs checks anchors)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(doc.uri), path))
    if target == ".." or target.startswith("../"):
        return Problem(doc.rel, line, f"{what} « {url} » sort du site",
                       "vérifiez le nombre de « ../ » au début du chemin")
    if target in targets.drafts and not doc.draft:
        return Problem(doc.rel, line, f"{what} « {url} » mène à un bulletin encore en brouillon",
                       "publiez d'abord ce bulletin (retirez « draft: true »), ou retirez le lien pour l'instant")
    if target in targets.untracked:
        return _untracked(url, target, image, doc, line)
    if target in targets.files or target in targets.drafts:
        return None
    return _missing(url, path, target, image, doc, targets, line)


def _missing(url: str, path: str, target: str, image: bool, doc: Text, targets: Targets, line: int) -> Problem:
    known = targets.files | targets.drafts
    # "x/" or "x" for the page x.md or x/index.md: MkDocs wants the Markdown file
    for guess in (target + ".md", posixpath.join(target, "index.md"), target.removesuffix(".html") + ".md"):
        if guess in known and guess != target:
            return Problem(doc.rel, line, f"le lien « {url} » vise l'adresse d'une page, pas son fichier",
                           f"écrivez plutôt ({_relative(doc.uri, guess)}) : le lien vers le fichier .md reste juste "
                           "quelle que soit l'adresse du site")
    suffix = posixpath.splitext(target)[1].lower()
    close = _closest(target, sorted(known - {doc.uri}))
    hint = f"vouliez-vous écrire ({_relative(doc.uri, close)}) ?" if close else ""
    if suffix == ".md":
        return Problem(doc.rel, line, f"le lien « {url} » mène à une page qui n'existe pas ({target})",
                       hint or "vérifiez le nom du fichier ; un bulletin se lie par son nom, par exemple "
                       + _relative(doc.uri, "bulletins/info-psoc-03.md"))
    if image or suffix in IMAGE_SUFFIXES:
        return Problem(doc.rel, line, f"l'image « {url} » n'existe pas (fichier attendu : content/{target})",
                       hint or "enregistrez l'image dans content/images/ et vérifiez le chemin")
    return Problem(doc.rel, line, f"le lien « {url} » mène à un fichier qui n'existe pas (content/{target})",
                   hint or "ajoutez le fichier dans content/ ou corrigez le chemin")


def _untracked(url: str, target: str, image: bool, doc: Text, line: int) -> Problem:
    """A file that is here but that git does not track: a commit of the page alone leaves it behind
    (the site built from the repository then lacks it)."""
    what = f"l'image « {url} »" if image or posixpath.splitext(target)[1].lower() in IMAGE_SUFFIXES \
        else f"le fichier lié « {url} »"
    return Problem(doc.rel, line,
                   f"{what} n'est pas encore dans git (content/{target}) : ce texte publié sans ce fichier "
                   "aurait un lien cassé",
                   f"ajoutez-le au commit avec le texte : git add content/{target} (ou git add bulletins/ content/)",
                   "warning")


def untracked_files(folder: Path) -> set[str]:
    """The files under ``folder`` that git does not track, relative to it (none outside a git
    working tree, or without git)."""
    if not folder.is_dir():
        return set()
    try:
        result = subprocess.run(["git", "-C", str(folder), "ls-files", "-z", "--others", "--", "."],
                                capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return set()
    if result.returncode != 0:
        return set()
    return {rel for rel in result.stdout.split("\0") if rel}


def _absolute_target(path: str, targets: Targets) -> str | None:
    """The file an absolute address means: ``/bulletins/info-psoc-03/`` → ``bulletins/info-psoc-03.md``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    known = targets.files | targets.drafts
    for start in range(len(parts)):  # the site may live under a folder (/info-psoc/…)
        rest = "/".join(parts[start:])
        for guess in (rest, rest + ".md", posixpath.join(rest, "index.md"), rest.removesuffix(".html") + ".md"):
            if guess in known:
                return guess
    return "index.md" if not parts and "index.md" in known else None


def _closest(target: str, candidates: list[str]) -> str | None:
    """The one clearly closest name, or None when several are as close (info-psoc-09 → 03? 05?)."""
    # names compared within the target's folder: a shared folder (« glossaire/ ») made « réseau.md »
    # look close to « prac.md »
    folder, name = posixpath.split(target)
    candidates = [c for c in candidates if posixpath.dirname(c) == folder] or candidates
    scored = sorted(((difflib.SequenceMatcher(None, name, posixpath.basename(c)).ratio(), c) for c in candidates),
                    reverse=True)
    if not scored or scored[0][0] < 0.75 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _relative(from_uri: str, to_uri: str) -> str:
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


# --- the whole site ----------------------------------------------------------------

def docs_files(docs: Path) -> set[str]:
    """Every file MkDocs takes from the docs folder (not dot files), as posix paths."""
    if not docs.is_dir():
        return set()
    found = set()
    for path in docs.rglob("*"):
        rel = path.relative_to(docs)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.add(rel.as_posix())
    return found


def generated_uris(site: Site, lang: str = "fr") -> set[str]:
    """Where the generated pages stand, without rendering them (their content may need a clean site).

    Keep in step with ``pages.generate_pages`` and ``glossary_pages.glossary_pages``
    (a test compares them on the real project).
    """
    # imported here: these modules import project, which imports this module

    uris = set(INDEX_PAGES)
    uris |= {b.src_uri for b in site.bulletins_in(lang)}
    uris |= {term.src_uri for term in site.glossary.terms(lang)}
    return uris


def site_targets(site: Site, lang: str = "fr") -> Targets:
    files = docs_files(site.settings.path("docs_dir"))
    files |= generated_uris(site, lang)
    drafts = {b.src_uri for b in site.bulletins if b.draft}
    files -= drafts
    untracked = untracked_files(site.settings.path("docs_dir")) & files
    return Targets(files=files, drafts=drafts, untracked=untracked)


def site_texts(site: Site) -> list[tuple[Text, bool]]:
    """The bulletins of this run and the pages of ``content/``, with whether they have front matter."""
    settings = site.settings
    texts: list[tuple[Text, bool]] = []
    for b in site.bulletins:
        if b.draft and not settings.drafts:
            continue
        texts.append((Text(b.source.rel, b.src_uri, b.body, b.source.body_line, bulletin=True, draft=b.draft), False))
    docs = settings.path("docs_dir")
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        rel = path.relative_to(docs)
        if any(part.startswith(".") for part in rel.parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        shown = path.relative_to(settings.root).as_posix() if path.is_relative_to(settings.root) else str(path)
        texts.append((Text(shown, rel.as_posix(), text), True))
    return texts


def check_links(site: Site, lang: str = "fr") -> list[Problem]:
    targets = site_targets(site, lang)
    # --- performance --- a text checked against the same targets gives the same answer (the preview
    # checks every text after each save): kept for the life of the process
    signature = fingerprint(*sorted(targets.files), "", *sorted(targets.drafts), "", *sorted(targets.untracked))
    problems: list[Problem] = []
    for text, front_matter in site_texts(site):
        key = (text.rel, text.uri, fingerprint(text.text), text.first_line, text.bulletin, text.draft, front_matter,
               signature)
        problems += _CHECKED.get(key, lambda: tuple(check_text(text, targets, front_matter)))
    return problems


_CHECKED = Memo("link-checks")
