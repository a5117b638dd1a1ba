"""The languages of the site: which file serves which page, which page exists in
which language, and how one language's page reaches the other's.

One build per language (see the README, « Deux langues »): French at the site's
root, every other language under its own prefix (``en/``), with the same slugs.
A translation is the same file name with ``.en`` before ``.md``; hand-written
pages link to ``x.md`` and each build serves its own language's file there.
This module is plain Python: the MkDocs adapter only feeds it names and URLs.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .i18n import DEFAULT_LANGUAGE, HTML_LANG, LANGUAGES

# the generated pages that exist in every language
EVERY_LANGUAGE = ("bulletins/index.md", "glossaire/index.md", "chronologie/index.md")


def language_prefix(lang: str) -> str:
    """Where a language's pages live, from the site's root: "" for French, "en/" for English."""
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def split_uri(src_uri: str) -> tuple[str, str]:
    """``le-psoc.en.md`` → (``le-psoc.md``, ``en``); ``le-psoc.md`` → (``le-psoc.md``, ``fr``)."""
    if src_uri.endswith(".md"):
        stem = src_uri[: -len(".md")]
        base, dot, lang = stem.rpartition(".")
        if dot and lang in LANGUAGES and lang != DEFAULT_LANGUAGE and "/" not in lang:
            return base + ".md", lang
    return src_uri, DEFAULT_LANGUAGE


def language_view(src_uris: list[str], lang: str) -> tuple[dict[str, str], list[str]]:
    """Which source file each page of ``lang``'s build comes from.

    Returns ``({served uri: source uri}, [dropped source uris])``. Files that are
    not Markdown are shared by every language. French drops every translation;
    another language serves ``x.en.md`` at ``x.md`` and drops French pages that
    have no translation.
    """
    served: dict[str, str] = {}
    dropped: list[str] = []
    translated = {split_uri(u)[0] for u in src_uris if split_uri(u)[1] == lang}
    for uri in sorted(src_uris):
        if not uri.endswith(".md"):
            served[uri] = uri
            continue
        base, file_lang = split_uri(uri)
        if file_lang == lang:
            served[base] = uri
        elif lang != DEFAULT_LANGUAGE and file_lang == DEFAULT_LANGUAGE and base in translated:
            continue  # replaced by its translation
        else:
            dropped.append(uri)
    return served, dropped


def root_url(site_url: str, lang: str) -> str:
    """The French site's address, from the address of ``lang``'s build."""
    url = site_url if site_url.endswith("/") else site_url + "/"
    prefix = language_prefix(lang)
    if prefix and url.endswith("/" + prefix):
        return url[: -len(prefix)]
    return url


def language_url(root: str, lang: str) -> str:
    return root + language_prefix(lang)


def cross_href(from_url: str, from_lang: str, to_url: str, to_lang: str) -> str:
    """The relative link from a page of one build to a page of another (directory URLs).

    ``from_url`` and ``to_url`` are page URLs within their own build (``glossaire/aca/``).
    """
    source = language_prefix(from_lang) + from_url
    target = language_prefix(to_lang) + to_url
    folder = source if source.endswith("/") or not source else posixpath.dirname(source)
    href = posixpath.relpath(target or ".", folder or ".")
    if (to_url.endswith("/") or not to_url) and not href.endswith("/"):
        href += "/"
    return href


def page_languages(site, src_uri: str) -> list[str]:
    """The languages in which the page at ``src_uri`` (a served uri) exists."""
    if src_uri in EVERY_LANGUAGE:
        return list(LANGUAGES)
    head, _, name = src_uri.partition("/")
    slug = name[: -len(".md")] if name.endswith(".md") else ""
    if head == "bulletins" and slug:
        return [lang for lang in LANGUAGES if any(b.slug == slug for b in site.bulletins_in(lang))]
    if head == "glossaire" and slug:
        return [lang for lang in LANGUAGES if site.glossary.get(slug, lang) is not None]
    docs = site.settings.root / site.settings.docs_dir
    found = []
    for lang in LANGUAGES:
        stem = src_uri[: -len(".md")]
        name = src_uri if lang == DEFAULT_LANGUAGE else f"{stem}.{lang}.md"
        if (docs / name).is_file():
            found.append(lang)
    return found


@dataclass(frozen=True)
class Alternate:
    """One language version of a page."""

    lang: str      # "fr", "en"
    hreflang: str  # "fr-CA", "en-CA", "x-default"
    url: str       # absolute
    href: str      # relative to the current page
    exists: bool   # False: the page is not translated, this links to that language's home
    current: bool  # the page being shown


def alternates(site, src_uri: str, page_url: str, lang: str) -> list[Alternate]:
    """Every language's version of a page: the page itself where it exists, the home otherwise.

    For ``hreflang`` declarations keep those that exist (and ``x-default``, French);
    for the language switcher use them all.
    """
    root = root_url(site.settings.site_url, lang)
    present = page_languages(site, src_uri)
    found = []
    for other in LANGUAGES:
        exists = other in present
        target = page_url if exists else ""
        found.append(Alternate(other, HTML_LANG[other], language_url(root, other) + target,
                               cross_href(page_url, lang, target, other), exists, other == lang))
    return found


def hreflang_links(found: list[Alternate]) -> list[Alternate]:
    """The ``<link rel="alternate" hreflang>`` of a page: none unless it exists in two languages."""
    existing = [a for a in found if a.exists]
    if len(existing) < 2:
        return []
    default = next((a for a in existing if a.lang == DEFAULT_LANGUAGE), None)
    extra = [Alternate(default.lang, "x-default", default.url, default.href, True, default.current)] if default else []
    return existing + extra


# --- check --translations ---------------------------------------------------------

@dataclass(frozen=True)
class TranslationRow:
    collection: str   # "bulletins", "glossary", "timeline", "pages"
    original: str     # the French file, from the root
    translation: str  # the English file (may not exist)
    status: str       # "missing" or "stale"


def _last_change(path: Path, root: Path) -> float:
    """The last commit time of a file, or its modification time outside git."""
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct", "--", str(path)], cwd=root,
                                capture_output=True, text=True, check=False, timeout=30)
        if result.returncode == 0 and result.stdout.strip().isdigit():
            committed = float(result.stdout.strip())
            # a file changed since its last commit counts from its modification time
            status = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=root,
                                    capture_output=True, text=True, check=False, timeout=30)
            return os.path.getmtime(path) if status.stdout.strip() else committed
    except (OSError, subprocess.SubprocessError):
        pass
    return os.path.getmtime(path)


def translation_status(root: Path, folders: dict[str, Path], lang: str = "en") -> list[TranslationRow]:
    """Per collection, the French files with no ``lang`` version and the stale translations."""
    rows = []
    for collection, folder in folders.items():
        if not folder.is_dir():
            continue
        pattern = "**/*.md" if collection == "pages" else "*.md"
        for path in sorted(folder.glob(pattern)):
            rel_uri = path.relative_to(folder).as_posix()
            base, file_lang = split_uri(rel_uri)
            if file_lang != DEFAULT_LANGUAGE:
                continue
            translation = folder / (base[: -len(".md")] + f".{lang}.md")
            original_rel = path.relative_to(root).as_posix()
            translation_rel = translation.relative_to(root).as_posix()
            if not translation.is_file():
                rows.append(TranslationRow(collection, original_rel, translation_rel, "missing"))
            elif _last_change(path, root) > _last_change(translation, root):
                rows.append(TranslationRow(collection, original_rel, translation_rel, "stale"))
    return rows
