"""The prepared pages as files, for an engine that runs no plugin of ours (Zensical).

:func:`write_staging` writes a :class:`~infopsoc.pipeline.prepare.Prepared` into a folder
(default ``.cache/engine/<lang>/``, git-ignored)::

    <folder>/docs/<src_uri>      every page the engine renders, as Markdown (language view applied:
                                 ``x.en.md`` is staged at ``x.md``; directives expanded; generated
                                 pages); its front matter gets ``infopsoc:`` the page's template data
                                 (kind, slug, alternates, hreflang, besides what it had); its body starts
                                 with the glossary's page marker (render.glossary_markdown.PAGE_MARKER)
    <folder>/docs/<path>         the docs folder's other files (images, PDFs), copied
    <folder>/infopsoc.json       {"lang", "site": the site-wide template data (config.extra.infopsoc),
                                  "pages": {src_uri: {"source", "kind", "slug", "generated", "in_nav",
                                  "fragments"}}}
    <folder>/.infopsoc-staged    the manifest: the files this function wrote, one a line

Only the files whose bytes changed are written (an engine's cache and watcher see real edits);
a file is removed only when the manifest lists it and this preparation no longer has it: nothing
that this function did not write is ever removed.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import markupsafe
import yaml

from infopsoc.pipeline.prepare import Prepared, PreparedPage
from infopsoc.render.glossary_markdown import page_marker

MANIFEST = ".infopsoc-staged"
DATA_FILE = "infopsoc.json"
DOCS = "docs"

# MkDocs' front matter (mkdocs.utils.meta): a YAML block between --- lines at the very top
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


def default_folder(prepared: Prepared) -> Path:
    return prepared.loaded.cache_root / "engine" / prepared.lang


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body) of a page's Markdown; a front matter that is no mapping counts as none."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, text
    try:
        meta = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        return {}, text
    return (meta, text[found.end():]) if isinstance(meta, dict) else ({}, text)


def staged_text(page: PreparedPage) -> str:
    """A page as the staging folder holds it (see the module's text)."""
    meta, body = split_front_matter(page.text)
    own = meta.get("infopsoc") if isinstance(meta.get("infopsoc"), dict) else {}
    # --- security --- an engine's templates print the front matter's text as HTML (Material's, and
    # Zensical's have no safe strings): each text value escaped once, here (as repairs.escaped_meta for MkDocs)
    meta = {key: str(markupsafe.escape(value)) if isinstance(value, str) else value for key, value in meta.items()}
    meta["infopsoc"] = {**own, **({"kind": page.kind, "slug": page.slug} if page.kind else {}), **page.data}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{head}---\n{page_marker(page.src_uri, meta)}\n{body}"


def staged_data(prepared: Prepared) -> dict:
    return {
        "lang": prepared.lang,
        "site": prepared.data,
        "pages": {uri: {"source": p.source, "kind": p.kind, "slug": p.slug, "generated": p.generated,
                        "in_nav": p.in_nav, "fragments": p.fragments}
                  for uri, p in sorted(prepared.pages.items())},
    }


def write_staging(prepared: Prepared, folder: Path | None = None) -> dict[str, list[str]]:
    """Write ``prepared`` into ``folder``; returns {"written": [...], "removed": [...]} (paths in it)."""
    folder = Path(folder or default_folder(prepared)).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, bytes | Path] = {}
    for uri, page in prepared.pages.items():
        wanted[f"{DOCS}/{uri}"] = staged_text(page).encode("utf-8")
    for uri, path in prepared.static.items():
        wanted[f"{DOCS}/{uri}"] = path
    wanted[DATA_FILE] = json.dumps(staged_data(prepared), ensure_ascii=False, indent=1,
                                   sort_keys=True).encode("utf-8")
    before = _manifest(folder)
    written = []
    for rel, content in sorted(wanted.items()):
        target = _inside(folder, rel)
        data = content.read_bytes() if isinstance(content, Path) else content
        if target.is_file() and not target.is_symlink() and _same(target, data):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        written.append(rel)
    removed = []
    for rel in sorted(before - wanted.keys()):
        target = _inside(folder, rel)
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed.append(rel)
            _prune(target.parent, folder)
    manifest = "".join(f"{rel}\n" for rel in sorted(wanted))
    if (folder / MANIFEST).is_file() is False or (folder / MANIFEST).read_text(encoding="utf-8") != manifest:
        (folder / MANIFEST).write_text(manifest, encoding="utf-8")
    return {"written": written, "removed": removed}


def _manifest(folder: Path) -> set[str]:
    path = folder / MANIFEST
    if not path.is_file():
        return set()
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line}


def _inside(folder: Path, rel: str) -> Path:
    """``folder / rel``, refused when it would land outside ``folder`` (a manifest edited by hand)."""
    target = folder / rel
    if ".." in Path(rel).parts or Path(rel).is_absolute() or not target.resolve().is_relative_to(folder):
        raise ValueError(f"chemin hors du dossier de préparation : {rel}")
    return target


def _same(target: Path, data: bytes) -> bool:
    return target.stat().st_size == len(data) and target.read_bytes() == data


def _prune(directory: Path, folder: Path) -> None:
    """Remove the folders emptied by a removal, up to ``folder`` (never a folder that still holds anything)."""
    while directory != folder and directory.is_relative_to(folder):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
