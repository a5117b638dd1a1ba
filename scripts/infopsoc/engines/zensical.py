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
5. the site is moved to ``DIR``; ``infopsoc build`` then swaps it in place as it does MkDocs' (cli/publish.py).

Its lines are French; a content mistake is ``check``'s French text, never a traceback. This is the
only module that imports Zensical (an import-linter contract says so).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

from infopsoc.content.model import Settings
from infopsoc.core import memo
from infopsoc.core.fingerprints import fingerprint
from infopsoc.core.i18n import DEFAULT_LANGUAGE
from infopsoc.engines import zensical_markdown
from infopsoc.pipeline import PipelineError, cache_root, prepare_language, write_staging

import zensical
from zensical import config as zensical_config

#: The generated configuration, beside the staging docs folder and the site Zensical writes
CONFIG_NAME = "zensical.yml"
SITE = "site"
SHIM = "infopsoc.engines.zensical_markdown"
#: What Zensical writes that the site does not publish: its search index (the project has its own,
#: outputs/search.py; the theme's header opens the search page instead of Zensical's search)
ENGINE_ONLY = ("search.json",)


class EngineError(Exception):
    """The build stops: the message is French, for staff."""


def project_config(config_file: Path) -> dict:
    """The project's configuration as Zensical reads it (``INHERIT`` merged; Material's extension
    names mapped to Zensical's, e.g. ``material.extensions.emoji`` → ``zensical.extensions.emoji``)."""
    with config_file.open(encoding="utf-8") as source:
        return zensical_config._yaml_load(source)


def settings_file(config_file: Path) -> Path:
    """The file that holds the plugin's options: ``mkdocs.en.yml`` inherits them from ``mkdocs.yml``."""
    raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Tolerant) or {}
    parent = raw.get("INHERIT") if isinstance(raw, dict) else None
    return (config_file.parent / parent).resolve() if isinstance(parent, str) else config_file


class _Tolerant(yaml.SafeLoader):
    """Reads a configuration without resolving its Python tags (``!!python/name:…``)."""


_Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Tolerant.add_multi_constructor("!", lambda loader, suffix, node: None)


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


def engine_config(project: dict, prepared, folder: Path, root: Path, strict: bool) -> dict:
    """Zensical's configuration for one language's staging folder (see the module's text)."""
    keep = ("site_name", "site_description", "site_author", "site_url", "copyright", "use_directory_urls",
            "validation", "extra_css", "extra_javascript", "nav", "not_in_nav", "markdown_extensions")
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
    config["markdown_extensions"] = [*config.get("markdown_extensions", []), {SHIM: {"context": context(prepared)}}]
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


def build(config_file: Path, site_dir: Path | None, strict: bool) -> None:
    """One language's site, built by Zensical (see the module's text), into ``site_dir``."""
    started = time.monotonic()
    config_file = config_file.resolve()
    root = config_file.parent
    project = project_config(config_file)
    lang = (project.get("theme") or {}).get("language") or DEFAULT_LANGUAGE
    settings = Settings.from_mkdocs_yml(settings_file(config_file))
    names, options = extensions_of(project)
    try:
        prepared = prepare_language(settings, lang, extensions=names, extension_configs=options)
    except PipelineError as error:
        raise EngineError(str(error)) from None
    for problem in prepared.report.warnings:
        log(problem.format())
    folder = cache_root(settings) / "engine" / lang
    write_staging(prepared, folder)
    added = [e for e in prepared.loaded.extensions if not isinstance(e, str) and e not in names]
    zensical_markdown.use(added)
    path = write_config(engine_config(project, prepared, folder, root, strict), folder)
    output = folder / SITE
    render(path, strict)
    # Zensical's own output stays as it wrote it (its cache skips what it already wrote there); the
    # site is a copy, that the pipeline finishes
    target = (site_dir or root / "site").resolve()
    shutil.copytree(output, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*ENGINE_ONLY))
    finish(prepared, target)
    seconds = f"{time.monotonic() - started:.2f}".replace(".", ",")
    log(f"Zensical : {len(prepared.pages)} pages ({lang}) ; construction terminée en {seconds} s")


def render(path: Path, strict: bool) -> None:
    """Zensical's build of the generated configuration (it prints its own progress lines)."""
    try:
        zensical.build(str(path), {"strict": strict, "clean": False})
    except Exception as error:  # noqa: BLE001 (Zensical's Rust core raises plain exceptions)
        raise EngineError(f"Zensical a refusé la construction : {error}") from None


def finish(prepared, site: Path) -> None:
    """After the engine: the pipeline's outputs on the written site."""
    from infopsoc.render.pages import fill_fragments

    for uri, page in prepared.pages.items():
        if not page.fragments:
            continue
        html = _page_file(site, uri)
        if html.is_file():
            html.write_text(fill_fragments(html.read_text(encoding="utf-8"), page.fragments), encoding="utf-8")


def _page_file(site: Path, src_uri: str) -> Path:
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / (stem.removesuffix("index")) / "index.html"
    return site / stem / "index.html"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infopsoc.engines.zensical")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build")
    build_parser.add_argument("--config-file", "-f", required=True)
    build_parser.add_argument("--site-dir", "-d")
    build_parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    try:
        build(Path(args.config_file), Path(args.site_dir) if args.site_dir else None, args.strict)
    except EngineError as error:
        log(f"erreur : {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
