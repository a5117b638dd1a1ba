"""Every page of the docs folder is in the menu (``nav`` of ``mkdocs.yml`` and of each language's file).

MkDocs refuses a strict build whose docs folder holds a page the ``nav`` does not list, with an
English message and no file to open; ``infopsoc check`` and the build (the same
:func:`check_nav`, run by ``load_site``) say it in French, naming the page and the file to edit.
A page is listed under its French address: ``qui-fait-quoi.en.md`` is served at ``qui-fait-quoi.md``.
A page that ``not_in_nav`` names (MkDocs' own list of pages meant to stay out of the menu, such as
the search page, reached from the header's form) is not reported, as MkDocs does not report it.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from infopsoc.content.checks.links import docs_files
from infopsoc.content.model import Settings
from infopsoc.content.sources import split_name
from infopsoc.core.problems import Problem


def nav_pages(nav) -> set[str]:
    """The Markdown files a ``nav`` lists (addresses of other sites left out), as posix paths."""
    found: set[str] = set()
    if isinstance(nav, str):
        if "://" not in nav and not nav.startswith(("/", "mailto:")):
            found.add(PurePosixPath(nav.removeprefix("./")).as_posix())
    elif isinstance(nav, dict):
        for value in nav.values():
            found |= nav_pages(value)
    elif isinstance(nav, list):
        for item in nav:
            found |= nav_pages(item)
    return found


def check_nav(settings: Settings) -> list[Problem]:
    """Each page of the docs folder missing from a language's ``nav`` (a config without ``nav``
    makes its menu from the folder: nothing is missing)."""
    listed = {name: nav_pages(nav) for name, nav in settings.navs.items() if nav}
    if not listed:
        return []
    problems = []
    for rel in sorted(docs_files(settings.root / settings.docs_dir)):
        if not rel.endswith(".md"):
            continue
        path = PurePosixPath(rel)
        stem, _lang = split_name(path)
        address = (path.parent / f"{stem}.md").as_posix()
        missing = [name for name, pages in listed.items() if address not in pages]
        if not missing or outside_nav(rel, settings.not_in_nav) or outside_nav(address, settings.not_in_nav):
            continue
        files = " et ".join(missing)
        problems.append(Problem(
            f"{settings.docs_dir}/{rel}", None,
            f"cette page n'est pas dans le menu (la liste « nav » de {files}) : le site ne la montrerait nulle part",
            f"ajoutez une ligne « - Titre de la page: {address} » à la liste « nav » de {files}, "
            "ou supprimez la page"))
    return problems


def outside_nav(rel: str, patterns: list[str]) -> bool:
    """Whether ``not_in_nav``'s patterns (gitignore's form: ``/recherche.md`` from the docs folder,
    ``*.md`` anywhere, ``/drafts/`` a folder) name the page at ``rel`` (a path in the docs folder)."""
    for raw in patterns:
        pattern = raw.strip()
        if not pattern or pattern.startswith(("#", "!")):
            continue
        anchored = pattern.startswith("/")
        body = pattern.strip("/")
        if pattern.endswith("/"):  # a folder: every page under it
            if rel.startswith(body + "/") or (not anchored and f"/{body}/" in f"/{rel}"):
                return True
        elif fnmatchcase(rel, body) or (not anchored and "/" not in body and fnmatchcase(rel.rsplit("/", 1)[-1], body)):
            return True
    return False
