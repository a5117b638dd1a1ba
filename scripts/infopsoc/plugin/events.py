"""The MkDocs adapter: it wires the domain into MkDocs' build events, nothing more.

- ``on_startup``: remember whether this is ``serve`` (drafts are shown there);
- ``on_config``: load and check every collection (per build: ``serve`` reuses the plugin);
- ``on_files``: add the generated pages as virtual files;
- ``on_page_markdown``: expand the directives of hand-written pages,
  tell the glossary's Markdown extension which page it is marking, and let an
  unchanged page reuse its earlier conversion (render_cache.py);
- ``on_env``: give the templates the feeds' places (autodiscovery, « S'abonner »),
  and render the bulletins' PDFs (all pages are rendered by then, none is written yet);
- ``on_page_context``: put the PDF link, with its size, on the bulletin page;
- ``on_post_page``, ``on_post_template``: repair Material's known HTML defects (validity, accessibility);
- ``on_post_build``: write the PDFs, the feeds and the exports (``glossaire.json``), repair Material's script;
- ``on_serve``: watch the collections and the theme (the editor is kept off the live reload by engine.PreviewServer).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from infopsoc.content.checks.raw_html import violations
from infopsoc.content.site import Settings, Site, load_site
from infopsoc.content.sources import refused_source
from infopsoc.core import memo
from infopsoc.core.csp import with_policy
from infopsoc.core.fingerprints import files_fingerprint, fingerprint
from infopsoc.core.i18n import DEFAULT_LANGUAGE, HTML_LANG, strings
from infopsoc.core.problems import Problem, Report
from infopsoc.core.urls import GLOSSARY_EXPORT, INDEX_PAGES, language_prefix, root_url
from infopsoc.outputs import search
from infopsoc.outputs.admin import write_admin
from infopsoc.outputs.export import glossary_export
from infopsoc.outputs.feeds import Enclosure, FeedSet, build_feeds, feed_links
from infopsoc.outputs.pdf import warm_up
from infopsoc.plugin import render_cache
from infopsoc.plugin.config import InfoPsocConfig
from infopsoc.plugin.dirty import ChangeTracker
from infopsoc.plugin.material import (escaped_meta, material_body_scripts, repair_material_html, repair_material_script,
                                      tooltips_within_budget)
from infopsoc.plugin.pdf_step import PdfStep, pdf_wanted
from infopsoc.render.glossary_markdown import GlossaryExtension, TermUsage, term_usage
from infopsoc.render.glossary_pages import glossary_pages
from infopsoc.render.languages import alternates, hreflang_links, language_view
from infopsoc.render.pages import expand_directives, fill_fragments, generate_pages
from infopsoc.render.typography import with_typography

log = logging.getLogger("mkdocs.plugins.infopsoc")




class InfoPsocPlugin(BasePlugin[InfoPsocConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self.dirty = False
        self.tracker = ChangeTracker()
        self.site: Site | None = None
        self.usage = TermUsage("fr", {})  # which terms each bulletin uses (the glossary's pre-pass)
        # slug -> the bulletin's rendered HTML content (for feeds and PDFs)
        self.rendered: dict[str, str] = {}
        self.glossary_markdown: GlossaryExtension | None = None
        self.render_cache: render_cache.RenderCache | None = None
        # src_uri -> the HTML fragments of a generated page (pages.fill_fragments)
        self.fragments: dict[str, dict[str, str]] = {}
        self.pdf: PdfStep | None = None  # the PDFs of the current build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        # --- performance --- `infopsoc serve` previews with `--dirty`: only the pages whose inputs
        # changed are rebuilt (incremental.py), all of them when the structure changed
        self.dirty = dirty and self.is_serve
        self.tracker = ChangeTracker()
        if self.dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_exact_dirty_builds)

    def on_config(self, config):
        root = Path(config.config_file_path).parent
        drafts = self.config.drafts
        if drafts is None:
            drafts = self.is_serve or os.environ.get("INFOPSOC_DRAFTS") == "1"
        settings = Settings.from_options(root, config.site_url or Settings.site_url, dict(self.config))
        settings.docs_dir = os.path.relpath(config.docs_dir, root)
        settings.drafts = drafts
        settings.navs = {Path(config.config_file_path).name: config.nav} if config.nav else {}  # this language's menu
        settings.not_in_nav = [getattr(p, "pattern", "") or "" for p in config.not_in_nav.patterns] if config.not_in_nav else []
        if not self.dirty:  # a dirty build renders only some bulletins: the others' HTML is kept
            self.rendered = {}
        pdf_enabled = pdf_wanted(self.config.pdf, self.is_serve)
        if pdf_enabled:
            warm_up()  # --- performance --- a worker ready when the first PDF is asked for
        # --- bilingual --- (one build per language: the plugin's language is the theme's)
        if not self.config.lang:
            self.config.lang = config.theme["language"] or "fr"
        if self.config.lang not in HTML_LANG:
            raise PluginError(f"langue « {self.config.lang} » inconnue : langues possibles {', '.join(HTML_LANG)}")
        toc = config.mdx_configs.get("toc")
        if isinstance(toc, dict) and "permalink_title" in toc:
            toc["permalink_title"] = strings(self.config.lang)["permalink_title"]
        if "footnotes" in config.markdown_extensions:  # the back-link's title, in this language
            config.mdx_configs["footnotes"] = {**(config.mdx_configs.get("footnotes") or {}),
                                               "BACKLINK_TITLE": strings(self.config.lang)["footnote_backlink"]}
        # --- performance --- (results of the last build, by their inputs: memo.py)
        memo.load(self._memo_file(settings))
        self.site, report = load_site(settings)
        self._raise_or_log(report)
        # --- pdf ---
        self.pdf = PdfStep(enabled=pdf_enabled, site=self.site, lang=self.config.lang,
                           author=config.site_author or "CTROC", cache_dir=self._pdf_cache)
        # --- glossary ---
        extensions = [e for e in config.markdown_extensions if not isinstance(e, GlossaryExtension)]
        # --- performance --- (the pre-pass's answers are kept next to the PDF cache)
        usage_cache = self._cache_root(settings) / "glossary-usage.json"
        self.usage = term_usage(self.site, self.config.lang, extensions, config.mdx_configs, usage_cache)
        self.glossary_markdown = GlossaryExtension(self.site.glossary.terms(self.config.lang))
        config.markdown_extensions = with_typography([*extensions, self.glossary_markdown], self.config.lang)
        # --- performance --- (pages converted by an earlier build, reused: render_cache.py)
        self.render_cache = render_cache.RenderCache(
            render_cache.context_fingerprint(config, self.site.glossary.terms(self.config.lang)))
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None:
            render_cache.remember_search_entries(search, self.render_cache.context)
        return config

    def on_files(self, files: Files, *, config) -> Files:
        assert self.site is not None
        report = Report()
        # --- security --- (a file of the project that leads out of it is refused, never published)
        report.extend(refused_files(files, self.site.settings.root))
        # --- bilingual --- (this build's language only: x.en.md is served at x.md in English)
        served, dropped = language_view([f.src_uri for f in files], self.config.lang)
        for src_uri in dropped:
            files.remove(files.src_uris[src_uri])
        for target, source in served.items():
            if target != source:
                original = files.src_uris[source]
                files.remove(original)
                if target in files.src_uris:
                    files.remove(files.src_uris[target])
                replacement = File(target, config.docs_dir, config.site_dir, config.use_directory_urls,
                                   inclusion=original.inclusion)
                replacement.abs_src_path = original.abs_src_path
                files.append(replacement)
        # --- glossary --- (its pages come after the collections' own)
        generated = (generate_pages(self.site, self.config.lang, self.usage)
                     + glossary_pages(self.site, self.config.lang, self.usage))
        self.fragments = {page.src_uri: page.fragments for page in generated if page.fragments}
        for page in generated:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None and not existing.generated_by:
                report.add(_collision(existing, page.src_uri, self.site.settings.root))
                continue
            in_nav = page.src_uri in INDEX_PAGES
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src_uri, content=page.content, inclusion=inclusion))
        self._raise_or_log(report)
        if self.dirty:
            self._plan_dirty_build(files, generated, config)
        return files

    # --- performance ---
    def _plan_dirty_build(self, files: Files, generated: list, config) -> None:
        """Tell MkDocs which pages to skip in a dirty build: those whose fingerprint is unchanged."""
        assert self.site is not None
        fingerprints = {page.src_uri: fingerprint(page.content, *sorted(page.fragments.values())) for page in generated}
        for file in files.documentation_pages():
            if file.src_uri in fingerprints or file.generated_by:
                continue
            text = file.content_string
            if "infopsoc:" in text:  # what its directives expand to (the latest bulletin, the members)
                text += expand_directives(text, file.src_uri, file.src_uri, self.site, self.config.lang)[0]
            fingerprints[file.src_uri] = fingerprint(text)
        glossary = [(t.slug, t.lang, tuple(t.names), t.expansion) for lang in HTML_LANG
                    for t in self.site.glossary.terms(lang)]
        watched = [Path(config.config_file_path)] + ([Path(config.theme.custom_dir)] if config.theme.custom_dir else [])
        structure = fingerprint(self.config.lang, repr(sorted(f.src_uri for f in files)), repr(glossary),
                                files_fingerprint(watched))
        changed = self.tracker.plan(structure, fingerprints)
        for file in files.documentation_pages():
            modified = changed is None or file.src_uri in changed
            file.is_modified = (lambda modified=modified: modified)  # what MkDocs asks in a dirty build

    def on_build_error(self, *, error: Exception) -> None:
        self.tracker.forget()  # the next build redoes every page
        if self.pdf is not None:
            self.pdf.cancel()

    def on_shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(_exact_dirty_builds)

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        assert self.site is not None
        page.meta = escaped_meta(page.meta)  # --- security --- (Material prints it as HTML)
        # --- glossary ---
        if self.glossary_markdown is not None:
            self.glossary_markdown.set_page(page.file.src_uri, page.meta)
        # --- performance ---
        if self.render_cache is not None:
            self.render_cache.install(page)
        self._guard_render(page)  # --- reliability ---
        if page.file.generated_by:
            return markdown
        rel = _project_path(page.file, self.site.settings.root)
        expanded, problems = expand_directives(markdown, page.file.src_uri, rel, self.site, self.config.lang,
                                               body_line=_body_line(page.file.content_string, markdown))
        report = Report()
        report.extend(problems)
        self._raise_or_log(report)
        return expanded

    # --- reliability --- (a text nested deeper than Python can follow: a French message naming its
    # source, never a traceback; `check` reports the usual causes at their line first)
    def _guard_render(self, page) -> None:
        render = page.render

        def guarded(config, files):
            try:
                render(config, files)
            except RecursionError:
                raise PluginError(f"{self._source_of(page)}: le texte est imbriqué trop profondément (listes, citations "
                                  "ou HTML dans d'autres) pour être converti — simplifiez-le (infopsoc check "
                                  "signale les imbrications de plus de 16 niveaux)") from None

        page.render = guarded

    def _source_of(self, page) -> str:
        """The source a page is made from, as staff see it (a generated page: its collection's file or folder)."""
        assert self.site is not None
        if not page.file.generated_by:
            return _project_path(page.file, self.site.settings.root)
        meta = page.meta.get("infopsoc") or {}
        kind, slug = meta.get("kind"), meta.get("slug")
        items = {"bulletin": self.site.bulletins, "glossary-term": self.site.glossary.terms(self.config.lang)}.get(kind, [])
        for item in items:
            if getattr(item, "slug", None) == slug and getattr(item, "lang", self.config.lang) == self.config.lang:
                return item.source.rel
        settings = self.site.settings
        folder = {"timeline": settings.timeline_dir, "glossary": settings.glossary_dir,
                  "archive": settings.bulletins_dir}.get(kind)
        return f"{page.file.src_uri} (page produite à partir de {folder}/)" if folder else page.file.src_uri

    def on_page_content(self, html: str, *, page, config, files) -> str:
        self._raise_or_log(raw_html_report(html, page.file, self.site.settings.root, config.strict,  # --- security ---
                                           self._source_of(page)))
        meta = page.meta.get("infopsoc") or {}
        if meta.get("kind") == "bulletin":
            # the feeds and the PDF take the whole page, fragments included
            self.rendered[meta["slug"]] = self._with_fragments(html, page)
            # --- pdf --- (started now; the link, with the PDF's size, is put in once the PDF is known)
            html = self.pdf.page_converted(meta["slug"], self.rendered[meta["slug"]], html, files)
        return html

    def on_env(self, env, *, config, files: Files):
        assert self.site is not None
        # --- performance --- Material's templates, compiled once and kept (Jinja checks each
        # template's source before using its compiled form)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(self._cache_dir("jinja")))
        # --- feeds ---
        env.globals["infopsoc_feeds"] = self._feed_links()
        # --- bilingual ---
        env.globals["infopsoc_html_lang"] = HTML_LANG[self.config.lang]
        env.globals["infopsoc_language_names"] = {code: strings(code)["language_name"] for code in HTML_LANG}
        env.globals["infopsoc_text"] = strings(self.config.lang)  # the catalogue, for the theme's own words
        env.globals["infopsoc_alternates"] = self._alternates
        env.globals["infopsoc_hreflang"] = lambda page: hreflang_links(self._alternates(page))
        # --- search --- (the header's form, the search page)
        env.globals["infopsoc_search"] = search.ui_settings(self.config.lang)
        # --- pdf --- (the PDFs still rendering are waited for at the end of the build: on_post_build)
        self.pdf.all_converted(self.rendered, files)
        return env

    # --- performance --- after the search plugin (priority 0) has indexed the page: the fragments
    # (long generated lists) are neither parsed by it nor put in the index
    @event_priority(-50)
    def on_page_context(self, context, *, page, config, nav):
        page.content = self._with_fragments(page.content, page)
        meta = page.meta.get("infopsoc") or {}
        if meta.get("kind") == "bulletin":
            page.content = self.pdf.link(page.content, meta["slug"], page.url, page.file.abs_dest_path)
        return context

    def _cache_root(self, settings: Settings) -> Path:
        """The folder of the build's caches: the one that holds the PDFs' (``.cache``)."""
        return settings.root / Path(self.config.pdf_cache_dir).parent

    @property
    def _pdf_cache(self) -> Path:
        assert self.site is not None
        return self.site.settings.root / self.config.pdf_cache_dir

    def _memo_file(self, settings: Settings) -> Path:
        return self._cache_root(settings) / f"memo-{self.config.lang}.pickle"

    def _cache_dir(self, name: str) -> Path:
        """A folder of the build's caches, created if needed."""
        assert self.site is not None
        folder = self._cache_root(self.site.settings) / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _with_fragments(self, html: str, page) -> str:
        fragments = self.fragments.get(page.file.src_uri)
        return fill_fragments(html, fragments) if fragments and page.file.generated_by else html

    # --- bilingual ---
    @property
    def _root_url(self) -> str:
        """The French site's address (feeds place every language from it)."""
        assert self.site is not None
        return root_url(self.site.settings.site_url, self.config.lang)

    def _feed_links(self) -> FeedSet:
        """This language's feeds, with paths from this build's root (``en/rss.xml`` → ``rss.xml``)."""
        links = feed_links(self._root_url, self.config.lang)
        prefix = language_prefix(self.config.lang)
        return FeedSet(links.label, tuple(dataclasses.replace(link, path=link.path.removeprefix(prefix))
                                          for link in links))

    def _alternates(self, page) -> list:
        """Every language's version of a page (templates: switcher, hreflang, sitemap)."""
        if self.site is None or page is None or getattr(page, "file", None) is None:
            return []
        return alternates(self.site, page.file.src_uri, page.url, self.config.lang)

    def _enclosure(self, bulletin) -> Enclosure | None:
        found = self.pdf.enclosure(bulletin.slug) if self.pdf else None
        return Enclosure(*found) if found else None

    # --- quality ---
    def on_post_page(self, output: str, *, page, config) -> str:
        output = repair_material_html(output, search_label=strings(self.config.lang)["search_dialog"])
        output = with_policy(output, material_body_scripts(), preview=self.is_serve)  # --- security ---
        return tooltips_within_budget(output)  # --- performance ---

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        # 404.html is a page of Material's too, rendered without a Markdown source
        if template_name.endswith(".html"):
            output_content = repair_material_html(output_content, search_label=strings(self.config.lang)["search_dialog"])
            return with_policy(output_content, material_body_scripts(), preview=self.is_serve)  # --- security ---
        return output_content

    def on_post_build(self, *, config) -> None:
        assert self.site is not None
        site_dir = Path(config.site_dir)
        # --- search --- (every page is written: the index is made while the PDFs finish;
        # not in serve, which has no index)
        index = None if self.is_serve else search.start_index(site_dir, self.site, self.config.lang,
                                                                self._cache_dir("search"))
        try:
            self._finish_outputs(config, site_dir)
        except BaseException:
            if index is not None:
                index.cancel()
            raise
        if index is not None:
            found = index.finish()
            again = " ; index de la construction précédente repris" if found.reused else ""
            seconds = f"{found.seconds:.1f}".replace(".", ",")  # French decimal comma, as the engine's lines
            log.info(f"Recherche : {found.pages} pages indexées ({found.bytes // 1024} ko, {seconds} s){again}")
        # --- performance ---
        if self.render_cache is not None:
            log.info(f"Pages : {self.render_cache.converted} converties, "
                     f"{self.render_cache.reused} reprises de la construction précédente")
        memo.save(self._memo_file(self.site.settings))

    def _finish_outputs(self, config, site_dir: Path) -> None:
        """What on_post_build makes besides the search index: the PDFs, feeds, exports."""
        assert self.site is not None
        # --- pdf --- (first: the feeds announce the PDFs with their sizes)
        self.pdf.finish(site_dir, strict=config.strict)
        # --- feeds --- (the PDFs are their enclosures)
        feeds = build_feeds(self.site.bulletins, self.rendered, site_url=self._root_url,
                            lang=self.config.lang, enclosure=self._enclosure)
        for path, data in feeds.items():
            target = site_dir / path.removeprefix(language_prefix(self.config.lang))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        # --- quality --- (Material's script: see markup.repair_material_script)
        for bundle in site_dir.glob("assets/javascripts/bundle.*.min.js"):
            script = bundle.read_text(encoding="utf-8")
            repaired = repair_material_script(script)
            if repaired != script:
                bundle.write_text(repaired, encoding="utf-8")
        # --- exports ---
        export = glossary_export(self.site, self.config.lang, directory_urls=config.use_directory_urls)
        (site_dir / GLOSSARY_EXPORT).write_text(export, encoding="utf-8")
        # --- editor --- (/admin/, beside the French site only)
        if self.config.lang == DEFAULT_LANGUAGE:
            write_admin(site_dir, self.site, dict(self.config.editor), list(config.extra_css))

    def on_serve(self, server, *, config, builder):
        root = Path(config.config_file_path).parent
        folders = [root / self.config[name] for name in ("bulletins_dir", "glossary_dir", "timeline_dir")]
        folders.append(root / "theme")
        for folder in folders:
            if folder.is_dir():
                server.watch(str(folder))
        # --- knowledge base ---
        members_file = root / self.config.members_file
        if members_file.is_file():
            server.watch(str(members_file))
        return server

    @staticmethod
    def _raise_or_log(report: Report) -> None:
        # Warnings are shown but never fail a strict build: they are logged at INFO. With errors, the
        # message holds both, as `check` prints them (the preview's error page shows that message).
        if report.errors:
            lines = [p.format() for p in report.errors + report.warnings]
            raise PluginError("Le contenu a des erreurs :\n" + "\n".join(lines) + "\n" + report.summary())
        for problem in report.warnings:
            log.info(problem.format())


def _exact_dirty_builds(record: logging.LogRecord) -> bool:
    """MkDocs warns that a dirty build may leave navigation and links stale, and the warning fails
    a strict build. Here the pages whose inputs changed are rebuilt, and all of them when the
    structure changed: the warning does not apply."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _body_line(source: str, markdown: str) -> int:
    """The line of the source where MkDocs' Markdown (front matter removed) starts."""
    if markdown and source.endswith(markdown):
        return source[: len(source) - len(markdown)].count("\n") + 1
    return 1


def _project_path(file: File, root: Path) -> str:
    """A file as staff see it, from the project's folder (``content/bulletins/index.md``);
    a generated page by its address in the site's sources."""
    return Path(os.path.relpath(file.abs_src_path, root)).as_posix() if file.abs_src_path else file.src_uri


def _collision(existing: File, src_uri: str, root: Path) -> Problem:
    return Problem(_project_path(existing, root), None, f"cette page porte la même adresse qu'une page générée ({src_uri})",
                   "renommez ou déplacez la page écrite à la main")


# --- security ---
def refused_files(files: Files, root: Path) -> list[Problem]:
    """Drop from ``files`` the project's files (not MkDocs' or Material's) reached through a symbolic
    link: the file itself or a folder on its way (MkDocs follows links to folders)."""
    problems = []
    for file in list(files):
        path = Path(file.abs_src_path) if file.abs_src_path else None
        if path is None or not path.is_relative_to(root):
            continue
        for step in [path, *path.relative_to(root).parents[:-1][::-1]]:
            step = step if step.is_absolute() else root / step
            if problem := refused_source(step, root):
                files.remove(file)
                problems.append(problem)
                break
    return sorted(set(problems))


#: what the allow-list found in a converted page, by its HTML (a page unchanged since the last build
#: is not parsed again: the parser was a third of an unchanged build's time at 300 bulletins)
_RAW_HTML = memo.Memo("raw-html-violations")


def raw_html_report(html: str, file: File, root: Path, strict: bool, source: str | None = None) -> Report:
    """A converted page against the raw-HTML allow-list: errors in a strict build, warnings otherwise.

    ``source``: the file the page is made from (:meth:`InfoPsocPlugin._source_of`)."""
    report = Report()
    for _line, message in _RAW_HTML.get(fingerprint(html), lambda: violations(html)):
        report.add(Problem(source or _project_path(file, root), None, message,
                           "retirez ce HTML ou cet attribut de ce fichier",
                           "error" if strict else "warning"))
    return report
