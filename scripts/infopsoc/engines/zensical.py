"""Zensical running the project: the pipeline prepares, Zensical renders, the pipeline finishes.

Zensical 0.0.73 reads ``mkdocs.yml`` but runs no MkDocs plugin (it drops ``plugins: [infopsoc]``
without a word). So ``python -m infopsoc.engines.zensical build -f mkdocs.yml -d DIR`` does, for
one language:

1. **prepare** (engine-neutral, ``infopsoc.pipeline``): load and check the content, write every page
   this language's build renders into the staging folder ``.cache/engine/<lang>/docs/`` (generated
   pages, language view, directives expanded, template data in each page's front matter under
   ``infopsoc:``), only the files that changed;
2. **configure**: a generated ``zensical.yml`` beside it (Zensical wants ``docs_dir`` and ``site_dir``
   inside its configuration's folder): the project's configuration with the staging ``docs``, the
   theme's ``classic`` variant (Material's look; Zensical's default is its « modern » one),
   ``custom_dir`` = the project's ``theme/``, the site-wide template data in ``extra.infopsoc``, and
   the glossary and typography extensions through :mod:`infopsoc.engines.zensical_markdown`;
3. **render**: Zensical's build into ``.cache/engine/<lang>/site/`` (its own cache beside it makes a
   build with no change fast);
4. **finish** (engine-neutral): fragments, feeds, PDFs, search, ``/admin/``… on the written site;
   The site is a copy of Zensical's output in ``DIR`` (Zensical's own stays for its cache), its markup
   defects repaired on the way (:data:`REPAIRS`); ``infopsoc build`` then swaps it in place as it does
   MkDocs' (cli/publish.py).

What Zensical 0.0.73 cannot do, and how the project works around it, is listed in tests/shadow-differences.yml's
header and in the adapter's pieces below (the shim: relative addresses, the cache's context, fragments).

Its lines are French; a content mistake is ``check``'s French text, never a traceback. This is the
only module that imports Zensical (an import-linter contract says so).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from infopsoc.content.model import Settings
from infopsoc.core import memo
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.i18n import DEFAULT_LANGUAGE
from infopsoc.engines import zensical_markdown
from infopsoc.pipeline import PipelineError, cache_root, docs_files, terminal, write_staging
from infopsoc.pipeline.build import Build
from infopsoc.pipeline.pdfs import pdf_wanted
from infopsoc.pipeline.staging import split_front_matter, staged_text

import zensical
from zensical import config as zensical_config

#: The generated configuration, beside the staging docs folder and the site Zensical writes
CONFIG_NAME = "zensical.yml"
SITE = "site"
SHIM = "infopsoc.engines.zensical_markdown"
#: What Zensical writes that the site does not publish: its search index (the project has its own,
#: outputs/search.py; the theme's header opens the search page instead of Zensical's search)
ENGINE_ONLY = ("search.json",)


#: the pipeline's lines (« PDF : 3 rendu(s) », « Recherche : … »), printed as they come
LOG = logging.getLogger("infopsoc.engines.zensical")


class EngineError(Exception):
    """The build stops: the message is French, for staff."""


def project_config(config_file: Path) -> dict:
    """The project's configuration as MkDocs reads it, with Zensical's loader (Material's extension
    names mapped to Zensical's, e.g. ``material.extensions.emoji`` → ``zensical.extensions.emoji``).

    ``INHERIT``: MkDocs merges mappings key by key and *replaces* lists; Zensical's loader appends them
    (deepmerge), which gave the English site both menus, French then English. Each list the file
    itself sets is given back its own items."""
    with config_file.open(encoding="utf-8") as source:
        merged = zensical_config._yaml_load(source)
    own = yaml.safe_load(_TAGS.sub("", config_file.read_text(encoding="utf-8"))) or {}
    parent = own.get("INHERIT") if isinstance(own, dict) else None
    if isinstance(parent, str):
        with (config_file.parent / parent).open(encoding="utf-8") as source:
            _own_lists(merged, zensical_config._yaml_load(source), own)
    return merged


#: YAML tags (``!!python/name:…``, ``!ENV``): read as plain values to know which keys a file sets
_TAGS = re.compile(r"!!?[A-Za-z][\w/.:-]*")


def _own_lists(merged: dict, parent: dict, own: dict) -> None:
    for key, value in own.items():
        if key not in merged or not isinstance(parent, dict) or key not in parent:
            continue
        if isinstance(value, list) and isinstance(parent[key], list) and isinstance(merged[key], list):
            merged[key] = merged[key][len(parent[key]):]
        elif isinstance(value, dict) and isinstance(merged[key], dict):
            _own_lists(merged[key], parent[key], value)


def extensions_of(config: dict) -> tuple[list[str], dict[str, dict]]:
    """The project's ``markdown_extensions`` as names and their options (MkDocs' two forms)."""
    names: list[str] = []
    options: dict[str, dict] = {}
    for item in config.get("markdown_extensions") or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            for name, value in item.items():
                names.append(name)
                options[name] = dict(value or {})
    return names, options


def engine_config(project: dict, prepared, folder: Path, root: Path, strict: bool, names: list[str],
                  options: dict[str, dict]) -> dict:
    """Zensical's configuration for one language's staging folder (see the module's text)."""
    keep = ("site_name", "site_description", "site_author", "site_url", "copyright", "use_directory_urls",
            "validation", "extra_css", "extra_javascript", "nav", "not_in_nav")
    config = {key: project[key] for key in keep if key in project}
    theme = dict(project.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = os.path.relpath(root / theme["custom_dir"], folder)
    theme["variant"] = "classic"
    extra = dict(project.get("extra") or {})
    extra["infopsoc"] = prepared.data
    config.update(docs_dir="docs", site_dir=SITE, strict=strict, theme=theme, extra=extra)
    generated = [uri for uri, page in prepared.pages.items() if not page.in_nav]
    not_in_nav = [line for line in (config.get("not_in_nav") or "").splitlines() if line.strip()]
    config["not_in_nav"] = "\n".join([*not_in_nav, *(f"/{uri}" for uri in sorted(generated))]) + "\n"
    # the site's extensions with the build's settings (their words in this language: pipeline.build),
    # then ours through the shim, with the conversion's context
    config["markdown_extensions"] = [{name: options[name]} if name in options else name for name in names]
    config["markdown_extensions"].append({SHIM: {"context": context(prepared)}})
    return config


def context(prepared) -> str:
    """What every page's conversion depends on besides its own text: our code (the glossary's and the
    typography's extensions), Zensical's version, the language's glossary terms. Zensical's cache
    knows the page's text and the extensions' settings only: this goes into the settings."""
    terms = [(t.slug, t.src_uri, tuple(t.names), t.expansion) for t in prepared.site.glossary.terms(prepared.lang)]
    return fingerprint(memo.code_version(), zensical.version(), prepared.lang, repr(terms))


def write_config(config: dict, folder: Path) -> Path:
    """The generated configuration, written only when it changed (Zensical watches it)."""
    path = folder / CONFIG_NAME
    text = "# Written by infopsoc build --engine zensical (engines/zensical.py): do not edit.\n" + yaml.dump(
        config, allow_unicode=True, sort_keys=False, width=10_000)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def plugin_options(project: dict) -> dict:
    """Our plugin's options in the configuration (``plugins: [infopsoc: {…}]``): the pipeline reads them."""
    for plugin in project.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("infopsoc"), dict):
            return plugin["infopsoc"]
    return {}


def settings_of(project: dict, root: Path, options: dict) -> Settings:
    """The pipeline's settings, as the MkDocs adapter makes them from MkDocs' configuration."""
    settings = Settings.from_options(root, project.get("site_url") or Settings.site_url, options)
    settings.docs_dir = project.get("docs_dir") or settings.docs_dir
    drafts = options.get("drafts")
    settings.drafts = (os.environ.get("INFOPSOC_DRAFTS") == "1") if drafts is None else drafts
    settings.navs = {"mkdocs.yml": project["nav"]} if project.get("nav") else {}
    settings.not_in_nav = [line for line in (project.get("not_in_nav") or "").splitlines() if line.strip()]
    return settings


@functools.lru_cache(maxsize=1)
def theme_body_scripts() -> frozenset[str]:
    """The inline scripts Zensical's templates write after the text (``partials/javascripts/content.html``),
    allowed by their hash in each page's policy (core/csp.py), read from the installed templates."""
    partial = Path(zensical_config.get_builtin_theme_dir()) / "partials/javascripts/content.html"
    text = partial.read_text(encoding="utf-8") if partial.is_file() else ""
    return frozenset(re.findall(r"<script>(.*?)</script>", text, re.S))


def build(config_file: Path, site_dir: Path | None, strict: bool) -> None:
    """One language's site, built by Zensical (see the module's text), into ``site_dir``."""
    started = time.monotonic()
    config_file = config_file.resolve()
    root = config_file.parent
    project = project_config(config_file)
    lang = (project.get("theme") or {}).get("language") or DEFAULT_LANGUAGE
    options = plugin_options(project)
    settings = settings_of(project, root, options)
    names, extension_options = extensions_of(project)
    pdf_cache = options.get("pdf_cache_dir") or ".cache/pdf"
    try:
        pipeline = Build(settings, lang, extensions=names, extension_configs=extension_options,
                         caches=cache_root(settings, pdf_cache), pdf=pdf_wanted(options.get("pdf"), False),
                         pdf_cache=root / pdf_cache, author=project.get("site_author") or "CTROC", strict=strict,
                         preview=False, log=LOG, editor=dict(options.get("editor") or {}),
                         extra_css=list(project.get("extra_css") or []), inline_scripts=theme_body_scripts())
        prepared = pipeline.prepare(docs_files(settings))
    except PipelineError as error:
        raise EngineError(str(error)) from None
    folder = cache_root(settings, pdf_cache) / "engine" / lang
    write_staging(prepared, folder)
    added = [e for e in pipeline.loaded.extensions if not isinstance(e, str) and e not in names]
    zensical_markdown.use(added)
    path = write_config(engine_config(project, prepared, folder, root, strict, names, extension_options), folder)
    output = folder / SITE
    try:
        render(path, strict, locate=locator(prepared))
        known = conversions(prepared, context(prepared))
        if known is None:  # a page from Zensical's cache whose text we never saw: everything converted again
            render(path, strict, clean=True, locate=locator(prepared))
            known = conversions(prepared, context(prepared))
        # Zensical's own output stays as it wrote it (its cache skips what it already wrote there);
        # the site is a copy, that the pipeline finishes
        target = (site_dir or root / "site").resolve()
        shutil.copytree(output, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*ENGINE_ONLY),
                        copy_function=_copy_repaired)
        finish(pipeline, prepared, target, known)
    except PipelineError as error:
        pipeline.failed()
        raise EngineError(str(error)) from None
    except BaseException:
        pipeline.failed()
        raise
    finally:
        pipeline.close()
    seconds = f"{time.monotonic() - started:.2f}".replace(".", ",")
    log(f"Zensical : {len(prepared.pages)} pages ({lang}) ; construction terminée en {seconds} s")


#: Zensical 0.0.73's own markup defects, repaired as its pages are handed over (the pipeline's repairs
#: then run on them as on Material's): (as Zensical writes it, as Material writes it)
REPAIRS = [
    # « aria-hidden must not be used on a label associated with a labelable element » (vnu, every page)
    ('<label class="md-overlay" for="__drawer" aria-hidden="true"></label>',
     '<label class="md-overlay" for="__drawer"></label>'),
]


#: Zensical's script asks for ``sitemap.xml`` beside every ``<link rel=alternate hreflang>`` of a page
#: (its language switch's « same page » lookup; Material's does too: pipeline.repairs.repair_material_script):
#: a request the page's policy refuses (connect-src), a 404 in production. The selector is made to find
#: nothing, at the same length (the bundle's source map stays right).
SCRIPT_REPAIRS = [('"link[rel=alternate][hreflang]"', '"link[rel=md-switch][hreflang]"')]
SCRIPT = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")


#: Zensical's skip link target (« Aller au contenu » points to it) is the first thing of the article:
#: moved just before it, at the same place on screen, so that the article is the page's text alone, as
#: Material writes it (the bulletins' feed items and PDFs are made from it: pipeline.build.converted_from_site)
_SKIP_TARGET = re.compile(r'(<article class="md-content__inner md-typeset">)(\s*)(<a id="__skip" tabindex="-1"></a>)')


def repaired(text: str, repairs: list[tuple[str, str]] = REPAIRS) -> str:
    for written, wanted in repairs:
        assert len(written) == len(wanted) or repairs is REPAIRS
        text = text.replace(written, wanted)
    return _SKIP_TARGET.sub(r"\3\1\2", text, count=1) if repairs is REPAIRS else text


def _copy_repaired(source: str, target: str) -> str:
    """A file of Zensical's output, copied; a page or the script with its defects repaired."""
    repairs = REPAIRS if source.endswith(".html") else SCRIPT_REPAIRS if SCRIPT.search(source) else None
    if repairs is None:
        return shutil.copy2(source, target)
    Path(target).write_text(repaired(Path(source).read_text(encoding="utf-8"), repairs), encoding="utf-8")
    return target


#: Zensical's own lines (its Rust core writes them to the terminal, in English, coloured): a French
#: line (``str.format`` of the match's groups), or None to silence it; other lines pass as they are
ENGINE_LINES: list[tuple[re.Pattern, str | None]] = [
    (re.compile(r"^Build started$"), None),
    (re.compile(r"^No issues found$"), None),
    (re.compile(r"^Build finished in ([0-9]+)\.([0-9]+)s$"), None),  # the adapter's own line says it
    (re.compile(r"^(\d+) issues? found$"), "Zensical : {0} problème(s) signalé(s) ci-dessus"),
    (re.compile(r"^Warning: page does not exist$"), "avertissement : Zensical : lien vers une page qui n'existe pas"),
    (re.compile(r"^Warning: anchor does not exist$"), "avertissement : Zensical : lien vers une ancre qui n'existe pas"),
    (re.compile(r"^Warning: (.*)$"), "avertissement : Zensical : {0}"),
    (re.compile(r"^Error: (.*)$"), "erreur : Zensical : {0}"),
]
#: Zensical's lines as staff should read them (the same translator as MkDocs' front: pipeline/terminal.py)
french_line = terminal.translator(ENGINE_LINES)
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


#: a problem's place as Zensical shows it (a staged page, its line), and the lines of its excerpt
_PLACE = re.compile(r"^(\s*╭─\[ )(\S+\.md):(\d+)(:\d+ \])$")
_EXCERPT = re.compile(r"^(\s*)(\d+)( │.*)$")


def french_lines(text: str, locate=None) -> list[str]:
    """Zensical's output as staff read it: colours removed, known lines translated or silenced, a
    staged page's place given as its source's (``locate(src_uri, line)`` -> (file, line))."""
    lines = []
    shift: tuple[str, int] | None = None
    for line in _COLOUR.sub("", text).splitlines():
        place = _PLACE.match(line)
        if place and locate is not None:
            source, at = locate(place.group(2), int(place.group(3)))
            shift = (source, int(place.group(3)) - at)
            lines.append(f"{place.group(1)}{source}:{at}{place.group(4)}")
            continue
        excerpt = _EXCERPT.match(line)
        if excerpt and shift is not None:
            number = str(int(excerpt.group(2)) - shift[1]).rjust(len(excerpt.group(2)))
            lines.append(f"{excerpt.group(1)}{number}{excerpt.group(3)}")
            continue
        stripped = line.strip()
        french = french_line(stripped)
        if french is not None and french is not stripped:  # translated
            lines.append(french)
        elif french is not None and stripped:  # not one of Zensical's known lines: kept as written
            lines.append(line)
    return lines


@contextlib.contextmanager
def _terminal_captured():
    """What is written to the process's stdout and stderr (by Zensical's Rust core too), kept in a file."""
    with tempfile.TemporaryFile() as kept:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(kept.fileno(), 1)
        os.dup2(kept.fileno(), 2)
        try:
            yield kept
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def locator(prepared):
    """(src_uri, line in the staged page) -> (the page's source as staff know it, its line there): the
    staged page has its template data added to its front matter and the glossary's marker line."""

    def locate(src_uri: str, line: int) -> tuple[str, int]:
        page = prepared.pages.get(src_uri)
        if page is None:
            return src_uri, line
        staged = staged_text(page)
        # the line itself, found once in its source file (directives expanded above it move it)
        wanted = staged.splitlines()[line - 1] if 0 < line <= staged.count("\n") + 1 else None
        if wanted and wanted.strip() and page.path is not None and page.path.is_file():
            found = [n for n, text in enumerate(page.path.read_text(encoding="utf-8-sig").splitlines(), 1)
                     if text == wanted]
            if len(found) == 1:
                return page.source, found[0]
        _meta, staged_body = split_front_matter(staged)
        _meta, own_body = split_front_matter(page.text)
        before_staged = staged.count("\n", 0, len(staged) - len(staged_body)) + 1  # + the marker line
        before_own = page.text.count("\n", 0, len(page.text) - len(own_body))
        return page.source, max(1, line - before_staged + before_own)

    return locate


def render(path: Path, strict: bool, clean: bool = False, locate=None) -> None:
    """Zensical's build of the generated configuration, its lines said in French; ``clean``: without
    its cache."""
    failure = None
    with _terminal_captured() as kept:
        try:
            zensical.build(str(path), {"strict": strict, "clean": clean})
        except Exception as error:  # noqa: BLE001 (Zensical's Rust core raises plain exceptions)
            failure = error
        kept.seek(0)
        text = kept.read().decode("utf-8", "replace")
    for line in french_lines(text, locate):
        log(line)
    if failure is not None:
        raise EngineError(f"Zensical a refusé la construction : {_COLOUR.sub('', str(failure))}")


#: each page's converted text (the Markdown's HTML) by the conversion's context and the staged page:
#: what Zensical converted in an earlier build and took from its cache in this one
_CONVERTED = memo.Memo("zensical-converted", limit=20_000)


def conversions(prepared, context_key: str) -> dict[str, str] | None:
    """Every page's converted text: this build's conversions, the earlier builds' for the pages Zensical
    took from its cache; None when one is known nowhere (the caller converts everything again)."""
    found = {}
    for uri, page in prepared.pages.items():
        # what the staged page is made of (cheaper than writing it again: its front matter is YAML)
        key = fingerprint(context_key, uri, page.text, repr(sorted(page.data.items())), str(page.kind), str(page.slug))
        if uri in zensical_markdown.converted:
            _CONVERTED.put(key, zensical_markdown.converted[uri])
        text = _CONVERTED.find(key)
        if text is None:
            return None
        found[uri] = text
    return found


def finish(pipeline: Build, prepared, site: Path, conversions: dict[str, str]) -> None:
    """After the engine, on the written site: what the MkDocs adapter does during MkDocs' events — each
    page's converted text against the raw-HTML allow-list (the text the shim recorded: a page's template
    may add HTML of its own, the search form), each bulletin's publishable text read back from its
    written article and its PDF started (``Build.converted_from_site``) — then the pipeline's outputs
    (``Build.finish``: fragments, the PDF links, CSP, search, PDFs, feeds, export, /admin/), the pages
    repaired there (``pages_done=False``)."""
    for uri, page in prepared.pages.items():
        if page.kind != "bulletin":  # a bulletin's text is checked by converted_from_site, as it is published
            pipeline.converted(uri, conversions[uri], {})
    pipeline.converted_from_site(site)
    pipeline.finish(site, directory_urls=True, pages_done=False)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser, commands = terminal.engine_parser("python -m infopsoc.engines.zensical")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
    try:
        build(Path(args.config_file), Path(args.site_dir) if args.site_dir else None, args.strict)
    except EngineError as error:
        log(f"erreur : {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
