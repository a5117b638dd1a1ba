"""What the content editor may touch in the repository: one description, two readers.

``outputs/admin.py`` configures the editor's collections and media folder from it, and the local
backend's guard (``cli/editor_backend.py``, ``make edit``) refuses every path outside it: the
collections' folders (Markdown files), the hand-written pages (Markdown), the list of members,
and the media folder (the types of ``core/media.py``). Never a dotfile or a dot folder (``.git``),
never the Makefile, ``scripts/``, ``theme/``, ``.github/`` or ``.ci/``: they are not listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from infopsoc.core.media import is_media_name

#: the media folder, inside the pages' folder (``content/images``); pages link to it as ``../images/``
MEDIA_SUBDIR = "images"
#: the editor's collections (``outputs/admin.py`` names them so; a branch is ``cms/<collection>/<slug>``)
COLLECTIONS = ("bulletins", "glossary", "timeline", "pages", "members")
#: an item's slug as the editor makes it (``info-psoc-04``, ``2017-10-18-rencontre``, ``membres``)
SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*(\.[a-z]{2})?$")
#: a path's parts: letters, digits, « - », « _ », « . » (no « .. », no leading dot)
_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Editable:
    """The folders and files the editor may read and write, relative to the repository."""

    markdown_folders: tuple[str, ...]   # bulletins/, glossary/, timeline/, content/ (pages): *.md directly inside
    media_folder: str                   # content/images: files of the allowed types directly inside
    files: tuple[str, ...]              # data/membres.yml

    def allows_folder(self, folder: str) -> bool:
        """A folder the editor lists (``entriesByFolder``, ``getMedia``)."""
        clean = _clean(folder.rstrip("/"))
        return clean is not None and clean in (*self.markdown_folders, self.media_folder)

    def allows_file(self, path: str) -> bool:
        """A file the editor may read or write."""
        clean = _clean(path)
        if clean is None:
            return False
        if clean in self.files:
            return True
        parent, name = str(PurePosixPath(clean).parent), PurePosixPath(clean).name
        if parent in self.markdown_folders and name.endswith(".md"):
            return True
        return parent == self.media_folder and is_media_name(name)


def editable(settings) -> Editable:
    """What the editor may touch in the project of ``settings`` (``content.model.Settings``)."""
    return Editable(
        markdown_folders=tuple(_norm(getattr(settings, name))
                               for name in ("bulletins_dir", "glossary_dir", "timeline_dir", "docs_dir")),
        media_folder=media_folder(settings),
        files=(_norm(settings.members_file),),
    )


def media_folder(settings) -> str:
    return f"{_norm(settings.docs_dir)}/{MEDIA_SUBDIR}"


def _norm(path: str) -> str:
    return PurePosixPath(str(path).replace("\\", "/")).as_posix().strip("/")


def _clean(path: str) -> str | None:
    """``path`` as a clean relative path of plain parts, or None (absolute, ``..``, dotfile, odd character)."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return None
    parts = path.split("/")
    if not all(_PART.match(part) for part in parts):
        return None
    return "/".join(parts)
