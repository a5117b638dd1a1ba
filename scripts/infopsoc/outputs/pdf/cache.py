"""PDFs kept between builds.

A PDF is cached on the hash of its print HTML, its base address, the render options and
WeasyPrint's version; the cache entry also records the hash of every file the render fetched
(stylesheet, fonts, images), and is only used while all of them are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from infopsoc.core.urls import PDF_TYPE
from infopsoc.outputs.pdf.document import PrintDocument

# --- the cache and the pool --------------------------------------------------------------------

@dataclass
class Rendered:
    """What one render gives: the PDF, the files it fetched (with their hashes), WeasyPrint's warnings."""

    slug: str
    lang: str
    pdf: bytes
    deps: dict[str, str]
    warnings: list[str]


@dataclass(frozen=True)
class PdfFile:
    """One bulletin's PDF, ready to publish."""

    slug: str
    lang: str
    path: str           # in the site: pdf/<slug>.pdf
    length: int
    cached: Path        # the file in the cache

    def enclosure(self, site_url: str) -> tuple[str, int, str]:
        """(absolute URL, length in bytes, MIME type), as a feed enclosure wants them."""
        return site_url + self.path, self.length, PDF_TYPE


class Cache:
    """``<folder>/<lang>/<slug>.pdf`` and its ``.json`` (key and fetched files' hashes)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _paths(self, document: PrintDocument) -> tuple[Path, Path]:
        base = self.folder / document.lang / document.slug
        return base.with_suffix(".pdf"), base.with_suffix(".json")

    def get(self, document: PrintDocument, files: dict[str, str]) -> Path | None:
        pdf, meta = self._paths(document)
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("key") != document.key() or not pdf.is_file():
            return None
        return pdf if self._deps_unchanged(record, files) else None

    def get_by_source(self, lang: str, slug: str, source: str, files: dict[str, str]) -> Path | None:
        """The cached PDF made from the same inputs (see ``source_key``), without its print document."""
        base = self.folder / lang / slug
        pdf, meta = base.with_suffix(".pdf"), base.with_suffix(".json")
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("source") != source or not pdf.is_file():
            return None
        if not self._deps_unchanged(record, files):
            return None
        return pdf

    @staticmethod
    def _deps_unchanged(record: dict, files: dict[str, str]) -> bool:
        for path, digest in record.get("deps", {}).items():
            local = files.get(path)
            if local is None or file_hash(local) != digest:
                return False
        return True

    def put(self, document: PrintDocument, rendered: Rendered, source: str | None = None) -> Path:
        pdf, meta = self._paths(document)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(pdf, rendered.pdf)
        self._write_record(document, rendered.deps, source)
        return pdf

    def set_source(self, document: PrintDocument, source: str) -> None:
        """Record the inputs of a PDF found by its print document, so the next build skips making it."""
        _pdf, meta = self._paths(document)
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if record.get("source") != source:
            self._write_record(document, record.get("deps", {}), source)

    def _write_record(self, document: PrintDocument, deps: dict, source: str | None) -> None:
        _pdf, meta = self._paths(document)
        record = {"key": document.key(), "deps": deps}
        if source:
            record["source"] = source
        write_atomic(meta, json.dumps(record, indent=1, sort_keys=True).encode("utf-8"))


_hashes: dict[tuple[str, float, int], str] = {}


def file_hash(path: str) -> str:
    stat = os.stat(path)
    key = (path, stat.st_mtime, stat.st_size)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _hashes[key]


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
