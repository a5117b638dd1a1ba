"""The kinds of file a page may carry beside its text: images and PDF documents.

One list, read by the content editor (what an upload may be: ``outputs/admin.py`` gives it to the
page, ``cli/editor_backend.py`` refuses anything else on the computer) and by whoever decides
which static files of ``content/`` are published. SVG is not in it: an SVG can hold a script.
"""

from __future__ import annotations

#: file extension (lower case, with its dot) → media type
MEDIA_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".pdf": "application/pdf",
}


def is_media_name(name: str) -> bool:
    """``photo.JPG`` yes, ``logo.svg`` / ``page.html`` / ``.png`` no (by the name's extension)."""
    stem, dot, extension = name.rpartition(".")
    return bool(stem) and bool(dot) and f".{extension.lower()}" in MEDIA_TYPES
