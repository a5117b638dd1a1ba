"""Sources are the repository's own files, never a symbolic link.

Every file the site is made of (the collections, ``content/`` with its images and documents, the
data folder, the theme) is looked at: a symbolic link is an error, with the file, wherever it leads
(out of the repository, into ``.git/`` or an ignored folder, in a loop or nowhere), so that
``infopsoc check`` says what the build refuses.
"""

from __future__ import annotations

import os
from pathlib import Path

from infopsoc.content.checks.links import docs_files
from infopsoc.content.model import Settings
from infopsoc.content.sources import refused_source
from infopsoc.core.i18n import LANGUAGES
from infopsoc.core.problems import Problem
from infopsoc.core.urls import ATOM_FEED, GLOSSARY_EXPORT, INDEX_PAGES, PDF_DIR, RSS_FEED

#: The theme's folder (mkdocs.yml: ``theme.custom_dir``), copied into the site too.
THEME_DIR = "theme"


def source_folders(settings: Settings) -> list[Path]:
    names = ("docs_dir", "bulletins_dir", "glossary_dir", "timeline_dir")
    members_folder = settings.path("members_file").parent
    folders = [settings.path(name) for name in names] + [settings.root / THEME_DIR]
    return folders + ([members_folder] if members_folder != settings.root else [])


def check_paths(settings: Settings) -> list[Problem]:
    """Every symbolic link among the sources (the folders the build reads, and what they hold)."""
    root = settings.root
    problems: list[Problem] = []
    for folder in source_folders(settings):
        if folder.is_symlink():
            problems.append(refused_source(folder, root))
            continue
        if not folder.is_dir():
            continue
        for current, dirs, files in os.walk(folder):  # links are not followed: each is reported
            for name in sorted(dirs + files):
                path = Path(current) / name
                if path.is_symlink():
                    problems.append(refused_source(path, root))
    members = settings.path("members_file")
    if members.is_symlink():
        problems.append(refused_source(members, root))
    return sorted({p for p in problems if p is not None})


# --- addresses --- (a source never takes the address of a generated page or file)
def check_addresses(site) -> list[Problem]:
    """A bulletin or term whose page is a generated index, a file of ``content/`` that is a feed,
    the glossary export or a PDF: an error naming both."""
    settings = site.settings
    problems: list[Problem] = []
    items = list(site.bulletins) + [term for lang in LANGUAGES for term in site.glossary.terms(lang)]
    for item in items:
        if item.src_uri in INDEX_PAGES:
            problems.append(Problem(item.source.rel, None,
                                    f"ce fichier prend l'adresse d'une page générée ({item.src_uri}), qui disparaîtrait",
                                    "renommez le fichier (un bulletin : info-psoc-NN.md ; un terme : son sigle)"))
    generated_files = {RSS_FEED, ATOM_FEED, GLOSSARY_EXPORT}
    for rel in sorted(docs_files(settings.path("docs_dir"))):
        name = rel
        if name in generated_files or name.startswith(f"{PDF_DIR}/"):
            problems.append(Problem(f"{settings.docs_dir}/{rel}", None,
                                    f"ce fichier porte la même adresse qu'un fichier généré ({name})",
                                    "renommez ou déplacez ce fichier"))
    return problems
