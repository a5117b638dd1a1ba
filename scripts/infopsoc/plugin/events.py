"""The MkDocs adapter: each event a call to the pipeline (pipeline/build.py). The prepared pages go to
MkDocs in memory (ARCHITECTURE.md, « The MkDocs adapter »); the outputs run on the written site."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import jinja2
import material
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from infopsoc.core.i18n import counted
from infopsoc.pipeline import PipelineError, cache_root
from infopsoc.pipeline.build import Build
from infopsoc.pipeline.dirty import ChangeTracker, page_fingerprints, structure
from infopsoc.pipeline.pdfs import pdf_wanted
from infopsoc.pipeline.prepare import engine_settings, site_data
from infopsoc.pipeline.repairs import theme_inline_scripts
from infopsoc.plugin import page_reuse, render_cache
from infopsoc.plugin.config import InfoPsocConfig

log = logging.getLogger("mkdocs.plugins.infopsoc")
THEME_TEMPLATES = Path(material.__file__).parent / "templates"


def _french(method):  # the pipeline's refusal said as a plugin's: its French message, no traceback
    @functools.wraps(method)
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except PipelineError as error:
            raise PluginError(str(error)) from None
    return call


class InfoPsocPlugin(BasePlugin[InfoPsocConfig]):
    supports_multiple_instances = False
    is_serve = dirty = False
    tracker = ChangeTracker()  # each command's own, from on_startup
    build: Build | None = None
    render_cache: render_cache.RenderCache | None = None
    reuse = None  # the previous site's pages taken (pipeline/reuse.py), when `infopsoc build` asks
    # what tests and the benchmark read of the last build
    site = property(lambda self: self.build.site if self.build else None)
    rendered = property(lambda self: self.build.rendered if self.build else {})
    pdf = property(lambda self: self.build.pdf if self.build else None)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve, self.dirty = command == "serve", dirty and command == "serve"  # the preview redoes changed pages
        self.tracker = ChangeTracker()
        self.reuse = page_reuse.from_environment() if command == "build" else None  # --- performance ---
        if self.reuse is not None:
            page_reuse.install(self.reuse)
        if self.dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_exact_dirty_builds)

    @_french
    def on_config(self, config):
        root = Path(config.config_file_path).parent
        not_in_nav = [getattr(p, "pattern", "") or "" for p in config.not_in_nav.patterns] if config.not_in_nav else []
        settings = engine_settings(Path(config.config_file_path), config.site_url, dict(self.config), nav=config.nav,
                                   docs_dir=config.docs_dir, drafts=self.config.drafts, preview=self.is_serve,
                                   not_in_nav=not_in_nav)
        self.config.lang = self.config.lang or config.theme["language"] or "fr"  # --- bilingual ---
        self.build = Build(settings, self.config.lang, extensions=config.markdown_extensions,
                           extension_configs=config.mdx_configs, caches=cache_root(settings, self.config.pdf_cache_dir),
                           pdf=pdf_wanted(self.config.pdf, self.is_serve), pdf_cache=root / self.config.pdf_cache_dir,
                           author=config.site_author or "CTROC", strict=config.strict, preview=self.is_serve, log=log,
                           editor=dict(self.config.editor), extra_css=list(config.extra_css),
                           inline_scripts=theme_inline_scripts(THEME_TEMPLATES))
        config.markdown_extensions = self.build.loaded.extensions
        config.extra["infopsoc"] = site_data(self.build.site, self.config.lang)  # the theme's site-wide data
        self.render_cache = render_cache.RenderCache(render_cache.context_fingerprint(
            config, self.build.site.glossary.terms(self.config.lang)))  # --- performance ---
        return config

    @_french
    def on_files(self, files: Files, *, config) -> Files:
        prepared = self.build.prepare({f.src_uri: Path(f.abs_src_path) if f.abs_src_path else None for f in files})
        for src_uri in prepared.refused + prepared.dropped:
            files.remove(files.src_uris[src_uri])
        for target, source in prepared.served.items():  # --- bilingual --- x.en.md served at x.md
            if target != source:
                original = files.src_uris[source]
                files.remove(original)
                if target in files.src_uris:
                    files.remove(files.src_uris[target])
                replacement = File(target, config.docs_dir, config.site_dir, config.use_directory_urls,
                                   inclusion=original.inclusion)
                replacement.abs_src_path = original.abs_src_path
                files.append(replacement)
        for page in prepared.pages.values():
            if page.generated:
                inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
                files.append(File.generated(config, page.src_uri, content=page.text, inclusion=inclusion))
        if self.dirty:  # --- performance --- a page whose fingerprint is unchanged is skipped
            watched = [Path(config.config_file_path)] + ([Path(config.theme.custom_dir)] if config.theme.custom_dir else [])
            changed = self.tracker.plan(structure(prepared, [f.src_uri for f in files], watched),
                                        page_fingerprints(prepared))
            for file in files.documentation_pages():
                modified = changed is None or file.src_uri in changed
                file.is_modified = (lambda modified=modified: modified)
        return files

    def on_build_error(self, *, error: Exception) -> None:
        self.tracker.forget()  # the next build redoes every page
        if self.build is not None:
            self.build.failed()

    def on_shutdown(self) -> None:
        page_reuse.uninstall()
        if self.build is not None:
            self.build.close()
        logging.getLogger("mkdocs.commands.build").removeFilter(_exact_dirty_builds)

    def on_page_read_source(self, *, page, config) -> str | None:
        found = self.build.prepared.pages.get(page.file.src_uri)
        return found.text if found is not None and not found.generated else None  # directives expanded

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        page.meta = self.build.meta(page.file.src_uri, page.meta)
        self.build.loaded.glossary.set_page(page.file.src_uri, page.meta)  # --- glossary ---
        self.render_cache.install(page, self.build.prepared.pages[page.file.src_uri].source)  # --- performance ---
        return markdown

    @_french
    def on_page_content(self, html: str, *, page, config, files) -> str:
        return self.build.converted(page.file.src_uri, html, _site_files(files))

    @_french
    def on_env(self, env, *, config, files: Files):
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(self.build.cache_folder("jinja")))
        for file in files.documentation_pages():  # a page a dirty build skipped: its data for the sitemap
            if file.page is not None and "infopsoc" not in file.page.meta:
                file.page.meta = self.build.meta(file.src_uri, file.page.meta)
        self.build.all_converted(_site_files(files))
        return env

    @event_priority(-50)  # after a search plugin (priority 0): the fragments stay out of its index
    def on_page_context(self, context, *, page, config, nav):
        page.content = self.build.page_content(page.file.src_uri, page.content, page.url, page.file.dest_uri)
        # --- performance --- a hidden table of contents is not shipped (its page's title kept: the skip link)
        if "toc" in (page.meta.get("hide") or []) and page.toc.items and page.toc.items[0].level == 1:
            page.toc.items[0].children.clear()
        return context

    def on_post_page(self, output: str, *, page, config) -> str:
        return self.build.finished_page(output)

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        # 404.html is a page of Material's too, rendered without a Markdown source
        return self.build.finished_page(output_content) if template_name.endswith(".html") else output_content

    @_french
    def on_post_build(self, *, config) -> None:
        reused = self.reuse.linked if self.reuse is not None else {}
        self.build.finish(Path(config.site_dir), directory_urls=config.use_directory_urls, reused=reused)
        cache = self.render_cache
        log.info(f"Pages : {counted(cache.converted, 'convertie', 'converties')}, "
                 f"{counted(cache.reused, 'reprise', 'reprises')} de la construction précédente")
        if self.reuse is not None:
            self.reuse.save(Path(config.site_dir))
            log.info(f"Pages : {counted(self.reuse.rendered, 'mise', 'mises')} en page, "
                     f"{counted(len(reused), 'reprise telle quelle', 'reprises telles quelles')} du site précédent")

    def on_serve(self, server, *, config, builder):
        root = Path(config.config_file_path).parent
        names = ("bulletins_dir", "glossary_dir", "timeline_dir", "members_file")
        for path in filter(Path.exists, [*(root / self.config[n] for n in names), root / "theme"]):
            server.watch(str(path))
        return server


def _exact_dirty_builds(record: logging.LogRecord) -> bool:
    """Not MkDocs' warning that a dirty build may be stale (it fails a strict build): not so here (pipeline/dirty.py)."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _site_files(files: Files) -> dict[str, str]:  # each path of the site and its file: what a PDF may fetch
    return {f.dest_uri: f.abs_src_path for f in files if f.abs_src_path and not f.is_documentation_page()}
