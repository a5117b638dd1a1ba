"""The kinds of file a page may carry beside its text: images and documents.

One list, read by ``check`` and the build (what ``content/`` publishes besides its pages:
``content/checks/static.py``, which also reads each file's bytes: an image's first bytes, an SVG
without code) and by the content editor (what an upload may be: ``outputs/admin.py`` gives it to
the page, ``cli/editor_backend.py`` refuses anything else on the computer, and runs the same
reading of the file's bytes).
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
    ".svg": "image/svg+xml",
    ".ico": "image/vnd.microsoft.icon",
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
}


def is_media_name(name: str) -> bool:
    """``photo.JPG`` yes, ``page.html`` / ``outil.js`` / ``.png`` no (by the name's extension)."""
    stem, dot, extension = name.rpartition(".")
    return bool(stem) and bool(dot) and f".{extension.lower()}" in MEDIA_TYPES
