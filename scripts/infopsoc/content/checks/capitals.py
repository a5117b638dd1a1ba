"""The glossary's checks over every page: links to term pages that exist, words in capitals
that the glossary does not hold (a warning: add the term, or allow the word in ``mkdocs.yml``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

from infopsoc.content.glossary import Glossary
from infopsoc.content.sources import MAX_BYTES, relative_name
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.i18n import DEFAULT_LANGUAGE
from infopsoc.core.memo import Memo
from infopsoc.core.problems import Problem
from infopsoc.core.text import fold, slugify
from infopsoc.core.urls import GLOSSARY_DIR

_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)")
_GLOSSARY_LINK = re.compile(rf"(?:^|/){GLOSSARY_DIR}/([^/#?]+?)(?:\.md|/)?(?:[#?].*)?$")
_MASKS = [
    re.compile(r"<!--.*?-->"),                # HTML comments
    re.compile(r"`[^`]*`"),                   # inline code
    re.compile(r"\]\([^)]*\)"),               # link targets
    re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$"),  # reference definitions, footnote labels
    re.compile(r"\[\^[^\]]*\]"),              # footnote references
    re.compile(r"<[^>\n]+>"),                 # HTML tags, autolinks
    re.compile(r"\{[^}\n]*\}"),               # attribute lists
    re.compile(r"\b(?:https?://|www\.)\S+|(?<!\S)\S+@\S+"),  # bare addresses (anchored: linear time)
]


def _scan_lines(text: str) -> Iterable[tuple[int, str]]:
    """The lines of a Markdown file that hold prose, numbered from 1 (fenced code left out)."""
    in_fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if in_fence is None:
                in_fence = marker
            elif marker == in_fence:
                in_fence = None
            continue
        if in_fence is None:
            yield number, line


def check_glossary_links(text: str, rel: str, glossary: Glossary, lang: str = DEFAULT_LANGUAGE) -> list[Problem]:
    """A link to ``glossaire/<slug>`` must name a term that exists."""
    problems = []
    for number, line in _scan_lines(text):
        for target in _LINK_TARGET.findall(line):
            if "://" in target:
                continue
            match = _GLOSSARY_LINK.search(target)
            if not match or match.group(1) == "index" or glossary.get(match.group(1), lang) is not None:
                continue
            slug = match.group(1)
            close = glossary.resolve(slug, lang)
            # a file name is written without accents or spaces (PUBLIER.md): the file to create, and the
            # link to write, take the term's plain name (« réseau » → reseau.md)
            plain = slugify(unquote(slug)) or "nom-du-terme"
            renamed = (f" et écrivez le lien ({target[:match.start(1)]}{plain}{target[match.end(1):]}), sans accents"
                       if plain != slug else "")
            hint = (f"l'adresse de « {close.term} » est {GLOSSARY_DIR}/{close.slug}.md" if close
                    else f"créez glossary/{plain}.md (make new-term){renamed} ; ou corrigez le lien")
            problems.append(Problem(rel, number, f"lien vers le terme « {slug} », absent du glossaire", hint))
    return problems


# --- performance --- The letters that change in capitals (the lower-case ones). A word in capitals
# is a word (letters, maybe hyphenated) without any of them: found directly, a line's few such words are looked up, and
# the masks (code, links, tags) are applied only to the lines where one is unknown.
_LOWER = "".join(ch for ch in map(chr, range(0x10000)) if ch.upper() != ch and not 0xD800 <= ord(ch) < 0xE000)
_CAPITAL_LETTER = f"(?:(?![{re.escape(_LOWER)}])[^\\W\\d_])"
_CAPITALS_WORD = re.compile(f"(?<![\\w-]){_CAPITAL_LETTER}+(?:-{_CAPITAL_LETTER}+)*(?![\\w-])")


def _unknown_words(line: str, known: set[str]) -> Iterable[str]:
    """The words in capitals of a line that the glossary does not hold (parts of 3+ letters)."""
    for match in _CAPITALS_WORD.finditer(line):
        word = match.group(0)
        if word != word.upper() or word in known:
            continue
        if all(len(p) < 3 or p in known for p in word.split("-")):
            continue
        yield word


def unknown_capitals(text: str, rel: str, glossary: Glossary, allow: Iterable[str] = (),
                     known: set[str] | None = None) -> list[Problem]:
    """Warn once per file about each word in capitals (3+ letters) the glossary does not hold.

    ``known``: the glossary's names and ``allow`` together, when the caller checks many files.
    """
    if known is None:
        known = glossary.all_names() | set(allow)
    warned: set[str] = set()
    problems = []
    for number, line in _scan_lines(text):
        if line.strip() == "---" or next(iter(_unknown_words(line, known)), None) is None:
            continue
        for mask in _MASKS:
            line = mask.sub(lambda m: " " * len(m.group(0)), line)
        for word in _unknown_words(line, known):
            if word in warned:
                continue
            warned.add(word)
            near = glossary.resolve(word)
            if near is not None:
                hint = (f"le glossaire l'écrit « {near.term} » : écrivez-le ainsi, ou ajoutez « {word} » "
                        f"aux aliases de {near.source.rel} ou à acronym_allow dans mkdocs.yml")
            else:
                hint = (f"si c'est un sigle, ajoutez glossary/{fold(word).replace(' ', '-')}.md ; sinon ajoutez "
                        f"« {word} » à acronym_allow dans mkdocs.yml")
            problems.append(Problem(rel, number, f"« {word} » est en capitales mais n'est pas dans le glossaire",
                                    hint, severity="warning"))
    return problems


def page_sources(root: Path, folders: Iterable[Path]) -> list[tuple[str, str]]:
    """(relative path, text) of every Markdown file of these folders, in a stable order."""
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.md")):
            if not path.is_file():
                continue
            # --- reliability --- (an oversized file is refused by its loader; scanning it could take hours)
            if path.stat().st_size > MAX_BYTES:
                continue
            try:
                text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            except (UnicodeDecodeError, OSError):
                continue  # reported by the collection loaders
            rel = relative_name(path, root)
            found.append((rel, text))
    return found


def check_pages(root: Path, folders: Iterable[Path], glossary: Glossary, allow: Iterable[str] = ()) -> list[Problem]:
    """The glossary's checks over every page: links to unknown terms (errors), unknown capitals (warnings)."""
    allow = list(allow)
    known = glossary.all_names() | set(allow)
    # --- performance --- the same text against the same glossary gives the same answer (the preview
    # checks every page after each save): kept for the life of the process
    signature = fingerprint(repr(sorted(known)), repr(glossary.signature()))
    problems = []
    for rel, text in page_sources(root, folders):
        problems += _CHECKED.get((rel, fingerprint(text), signature),
                                 lambda: tuple(check_glossary_links(text, rel, glossary)
                                               + unknown_capitals(text, rel, glossary, allow, known)))
    return problems


_CHECKED = Memo("glossary-checks")
