"""Before the engine: the content of one language, loaded, checked and turned into the pages an
engine renders, with the data its templates read — plain data, no engine, no Python callables.

- :func:`load` reads and checks every collection (``content.site.load_site``), and runs the
  glossary's pre-pass (which terms each bulletin uses) with the site's Markdown extensions;
- :func:`prepare` gives every page of the language's build (:class:`PreparedPage`): the
  generated pages (bulletins, archive, glossary, timeline), the hand-written pages of the docs
  folder in this language (``x.en.md`` served at ``x.md``) with their directives expanded, each
  with its project source (for messages), its kind and slug, its HTML fragments and its template
  data (``page.meta.infopsoc``: alternates, hreflang); and the site-wide template data
  (``config.extra.infopsoc``: feeds, the string catalogue, language names, search settings).

An engine adapter hands the pages to its engine: the MkDocs adapter (``plugin/``) in memory,
another engine from the staging folder that :func:`infopsoc.pipeline.staging.write_staging` writes.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from infopsoc.content.model import Settings, Site
from infopsoc.content.site import load_site
from infopsoc.content.sources import refused_source
from infopsoc.core import memo
from infopsoc.core.i18n import HTML_LANG, strings
from infopsoc.core.problems import Problem, Report
from infopsoc.core.urls import (ARCHIVE_URI, BULLETIN_DIR, GLOSSARY_DIR, GLOSSARY_INDEX_URI, INDEX_PAGES,
                                TIMELINE_URI, language_prefix, page_url, root_url)
from infopsoc.outputs import search
from infopsoc.outputs.feeds import feed_links
from infopsoc.render.glossary_markdown import GlossaryExtension, TermUsage, term_usage
from infopsoc.render.glossary_pages import glossary_pages
from infopsoc.render.languages import alternates, hreflang_links, language_view
from infopsoc.render.pages import expand_directives, generate_pages
from infopsoc.render.typography import with_typography


class PipelineError(Exception):
    """The build cannot go on: the message says why, in French, as staff read it."""


@dataclass
class Loaded:
    """One language's content, loaded and checked, with the Markdown extensions a page is converted with."""

    settings: Settings
    site: Site
    lang: str
    usage: TermUsage  # which terms each bulletin uses (the glossary's pre-pass)
    glossary: GlossaryExtension  # the one instance the engine's Markdown uses (set_page, or the page marker)
    extensions: list  # the site's extensions, the glossary's and the typography's added
    cache_root: Path


def engine_settings(config_file: Path, site_url: str | None, options: dict, *, docs_dir: str, drafts: bool | None,
                    preview: bool, nav: list | None, not_in_nav: list[str]) -> Settings:
    """The :class:`Settings` of a build, from what the engine read of its configuration file
    (``options``: the plugin's options; ``drafts``: None shows them in a preview or with INFOPSOC_DRAFTS=1)."""
    root = config_file.parent
    settings = Settings.from_options(root, site_url or Settings.site_url, options)
    settings.docs_dir = os.path.relpath(docs_dir, root)
    settings.drafts = (preview or os.environ.get("INFOPSOC_DRAFTS") == "1") if drafts is None else drafts
    settings.navs = {config_file.name: nav} if nav else {}  # this language's menu
    settings.not_in_nav = not_in_nav
    return settings


def cache_root(settings: Settings, pdf_cache_dir: str = ".cache/pdf") -> Path:
    """The folder of the build's caches: the one that holds the PDFs' (``.cache``)."""
    return settings.root / Path(pdf_cache_dir).parent


def memo_file(root: Path, lang: str, preview: bool = False) -> Path:
    """The build's kept results for ``lang`` (core.memo). The preview keeps its own: it converts its pages
    in another context (drafts shown, no PDF), and each save holds only what that build used: one file
    for both made the next `make build` after a preview convert every page again."""
    return root / (f"memo-{lang}-preview.pickle" if preview else f"memo-{lang}.pickle")


def load(settings: Settings, lang: str, *, extensions: list, extension_configs: dict,
         caches: Path, preview: bool = False) -> tuple[Loaded, Report]:
    """Load and check the content for ``lang``'s build; the report holds every problem found.

    Raises :class:`PipelineError` for an unknown language."""
    if lang not in HTML_LANG:
        raise PipelineError(f"langue « {lang} » inconnue : langues possibles {', '.join(HTML_LANG)}")
    memo.load(memo_file(caches, lang, preview))  # --- performance --- results of the last build, by their inputs
    site, report = load_site(settings)
    others = [e for e in extensions if not isinstance(e, GlossaryExtension)]
    usage = TermUsage(lang, {})
    if not report.errors:
        # one file per language (both languages build at once; one shared file was each one's miss)
        usage = term_usage(site, lang, others, extension_configs, caches / f"glossary-usage-{lang}.json")
    glossary = GlossaryExtension(site.glossary.terms(lang))
    return Loaded(settings, site, lang, usage, glossary, with_typography([*others, glossary], lang), caches), report


@dataclass(frozen=True)
class PreparedPage:
    """One page of a language's build, as the engine must render it."""

    src_uri: str  # where the engine serves it: ``bulletins/info-psoc-03.md``, ``index.md`` (for ``index.en.md``)
    text: str  # its Markdown, front matter included, directives expanded
    source: str  # what it is made from, as staff see it (``content/index.en.md``, ``bulletins/info-psoc-03.md``)
    generated: bool
    kind: str | None = None  # bulletin, glossary-term, archive, glossary, timeline; None for a hand-written page
    slug: str | None = None
    in_nav: bool = True  # a generated page other than the index pages is left out of the menu
    fragments: dict[str, str] = field(default_factory=dict)  # name -> HTML (render.pages.fill_fragments)
    data: dict = field(default_factory=dict)  # template data: what page.meta.infopsoc gets besides its front matter
    path: Path | None = None  # a hand-written page's file


@dataclass
class Prepared:
    """Every page one language's build renders, and the data its templates read."""

    loaded: Loaded
    pages: dict[str, PreparedPage]  # served src_uri -> page
    static: dict[str, Path]  # served path -> file, the docs folder's files that are not pages
    served: dict[str, str]  # served src_uri -> the docs folder's src_uri it comes from (language view)
    dropped: list[str]  # the docs folder's files this language does not serve
    refused: list[str]  # the docs folder's files reached through a symbolic link: never published
    data: dict  # site-wide template data (config.extra.infopsoc)
    report: Report

    @property
    def site(self) -> Site:
        return self.loaded.site

    @property
    def lang(self) -> str:
        return self.loaded.lang

    def bulletin_pages(self) -> list[PreparedPage]:
        return [page for page in self.pages.values() if page.kind == "bulletin"]


def generated_kind(src_uri: str) -> tuple[str | None, str | None]:
    """(kind, slug) of a generated page, by its address (its front matter says the same)."""
    special = {ARCHIVE_URI: "archive", GLOSSARY_INDEX_URI: "glossary", TIMELINE_URI: "timeline"}
    if src_uri in special:
        return special[src_uri], None
    head, _, name = src_uri.partition("/")
    kind = {BULLETIN_DIR: "bulletin", GLOSSARY_DIR: "glossary-term"}.get(head)
    return (kind, name.removesuffix(".md")) if kind and "/" not in name else (None, None)


def docs_files(settings: Settings) -> dict[str, Path]:
    """The docs folder's files by their path in it, as MkDocs lists them (no hidden file or folder,
    nothing under ``templates/``)."""
    docs = settings.root / settings.docs_dir
    found = {}
    for folder, dirs, names in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            uri = path.relative_to(docs).as_posix()
            if not uri.startswith("templates/"):
                found[uri] = path
    return found


def prepare(loaded: Loaded, docs: Mapping[str, Path | None]) -> Prepared:
    """Every page of ``loaded``'s language, from the docs folder's files (``docs``: path in the docs
    folder -> file; an engine's own files, e.g. its theme's, may be among them: they are served as they are)."""
    site, lang, root = loaded.site, loaded.lang, loaded.settings.root
    report = Report()
    refused, problems = refused_docs(docs, root)  # --- security ---
    report.extend(problems)
    usable = [uri for uri in docs if uri not in refused]
    # --- bilingual --- (this build's language only: x.en.md is served at x.md in English)
    served, dropped = language_view(usable, lang)
    pages: dict[str, PreparedPage] = {}
    static: dict[str, Path] = {}
    for target, source in served.items():
        path = docs[source]
        if not target.endswith(".md"):
            if path is not None:
                static[target] = path
            continue
        rel = _project_path(path, root) if path is not None else source
        try:
            text = path.read_text(encoding="utf-8-sig") if path is not None else ""
        except (OSError, UnicodeDecodeError) as error:
            report.add(Problem(rel, None, f"fichier illisible ({error.__class__.__name__})",
                               "enregistrez-le en UTF-8"))
            continue
        if "infopsoc:" in text:
            text, problems = expand_directives(text, target, rel, site, lang)
            report.extend(problems)
        pages[target] = PreparedPage(target, text, rel, False, path=path)
    sources = _item_sources(site, lang)
    # --- glossary --- (its pages come after the collections' own)
    for page in generate_pages(site, lang, loaded.usage) + glossary_pages(site, lang, loaded.usage):
        existing = pages.get(page.src_uri)
        if existing is not None:
            report.add(Problem(existing.source, None,
                               f"cette page porte la même adresse qu'une page générée ({page.src_uri})",
                               "renommez ou déplacez la page écrite à la main"))
            continue
        kind, slug = generated_kind(page.src_uri)
        pages[page.src_uri] = PreparedPage(page.src_uri, page.content, _generated_source(site, kind, slug, page.src_uri, sources),
                                           True, kind, slug, page.src_uri in INDEX_PAGES, page.fragments)
    for uri, page in pages.items():
        found = alternates(site, uri, page_url(uri), lang)
        # (an Alternate holds plain values: its fields as a dict, as dataclasses.asdict gives them, without its deep copy)
        data = {"alternates": [dict(vars(a)) for a in found], "hreflang": [dict(vars(a)) for a in hreflang_links(found)]}
        pages[uri] = dataclasses.replace(page, data=data)
    return Prepared(loaded, pages, static, served, dropped, refused, site_data(site, lang), report)


def site_data(site: Site, lang: str) -> dict:
    """The templates' site-wide data (``config.extra.infopsoc``): plain values only."""
    text = strings(lang)
    links = feed_links(root_url(site.settings.site_url, lang), lang)
    prefix = language_prefix(lang)
    settings = search.ui_settings(lang)
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "og_locale": HTML_LANG[lang].replace("-", "_"),
        "language_names": {code: strings(code)["language_name"] for code in HTML_LANG},
        "text": text,  # the catalogue, for the theme's own words
        # --- feeds --- (paths from this build's root: ``en/rss.xml`` -> ``rss.xml``)
        "feeds": {"label": links.label,
                  "links": [{"kind": f.kind, "path": f.path.removeprefix(prefix), "url": f.url, "type": f.type,
                             "title": f.title, "label": f.label} for f in links]},
        # --- search --- (the header's form, the search page; the JSON the page's script reads, as text)
        "search": {**settings, "words_json": _html_json(settings["words"]), "minor_json": _html_json(settings["minor"])},
    }


def _html_json(value) -> str:
    """JSON as Jinja's ``tojson`` writes it (sorted keys, ``<>&'`` escaped): put in an attribute with ``| e``."""
    text = json.dumps(value, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def _item_sources(site: Site, lang: str) -> dict[tuple[str, str], str]:
    """(kind, slug) -> the file of the collection's item in ``lang`` (the first one, as listed)."""
    found: dict[tuple[str, str], str] = {}
    for kind, items in (("bulletin", site.bulletins), ("glossary-term", site.glossary.terms(lang))):
        for item in items:
            if item.lang == lang:
                found.setdefault((kind, item.slug), item.source.rel)
    return found


def _generated_source(site: Site, kind: str | None, slug: str | None, src_uri: str,
                      sources: Mapping[tuple[str, str], str]) -> str:
    """The source a generated page is made from, as staff see it: its collection's file or folder."""
    if (kind, slug) in sources:
        return sources[(kind, slug)]
    settings = site.settings
    folder = {"timeline": settings.timeline_dir, "glossary": settings.glossary_dir,
              "archive": settings.bulletins_dir}.get(kind or "")
    return f"{src_uri} (page produite à partir de {folder}/)" if folder else src_uri


def _project_path(path: Path, root: Path) -> str:
    """A file as staff see it, from the project's folder (``content/bulletins/index.md``)."""
    return Path(os.path.relpath(path, root)).as_posix()


def refused_docs(docs: Mapping[str, Path | None], root: Path) -> tuple[list[str], list[Problem]]:
    """The files of the project (not an engine's own) reached through a symbolic link — the file itself
    or a folder on its way (MkDocs follows links to folders) — and their problems: never published."""
    refused, problems = [], set()
    for uri, path in docs.items():
        if problem := _refused(path, root):
            refused.append(uri)
            problems.add(problem)
    return refused, sorted(problems)


def _refused(path: Path | None, root: Path) -> Problem | None:
    """A project file reached through a symbolic link: the file itself or a folder on its way."""
    if path is None or not path.is_relative_to(root):
        return None
    for step in [path, *path.relative_to(root).parents[:-1][::-1]]:
        step = step if step.is_absolute() else root / step
        if problem := refused_source(step, root):
            return problem
    return None

