"""``infopsoc check --translations``: per collection, the texts to translate and the
translations to update (the original changed after its translation, according to git).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from infopsoc.core.i18n import DEFAULT_LANGUAGE, split_uri


@dataclass(frozen=True)
class TranslationRow:
    collection: str   # "bulletins", "glossary", "timeline", "pages"
    original: str     # the French file, from the root
    translation: str  # the English file (may not exist)
    status: str       # "missing" or "stale"


def _last_change(path: Path, root: Path) -> float:
    """The last commit time of a file, or its modification time outside git."""
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct", "--", str(path)], cwd=root,
                                capture_output=True, text=True, check=False, timeout=30)
        if result.returncode == 0 and result.stdout.strip().isdigit():
            committed = float(result.stdout.strip())
            # a file changed since its last commit counts from its modification time
            status = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=root,
                                    capture_output=True, text=True, check=False, timeout=30)
            return os.path.getmtime(path) if status.stdout.strip() else committed
    except (OSError, subprocess.SubprocessError):
        pass
    return os.path.getmtime(path)


def translation_status(root: Path, folders: dict[str, Path], lang: str = "en") -> list[TranslationRow]:
    """Per collection, the French files with no ``lang`` version and the stale translations."""
    rows = []
    for collection, folder in folders.items():
        if not folder.is_dir():
            continue
        pattern = "**/*.md" if collection == "pages" else "*.md"
        for path in sorted(folder.glob(pattern)):
            rel_uri = path.relative_to(folder).as_posix()
            base, file_lang = split_uri(rel_uri)
            if file_lang != DEFAULT_LANGUAGE:
                continue
            translation = folder / (base[: -len(".md")] + f".{lang}.md")
            original_rel = path.relative_to(root).as_posix()
            translation_rel = translation.relative_to(root).as_posix()
            if not translation.is_file():
                rows.append(TranslationRow(collection, original_rel, translation_rel, "missing"))
            elif _last_change(path, root) > _last_change(translation, root):
                rows.append(TranslationRow(collection, original_rel, translation_rel, "stale"))
    return rows
