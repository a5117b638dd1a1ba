"""Bulletin numbers already taken on other branches of the repository.

A number is taken as soon as a branch holds its file, published or not: a bulletin written on a
branch of the computer path (``git switch -c no-4``), or a text in progress in the editor
(``cms/bulletins/info-psoc-04``, local or fetched from GitHub). ``infopsoc new bulletin`` and the
editor's proposal both skip them, so that two ``info-psoc-04.md`` never meet at a merge.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_NAME = re.compile(r"^info-psoc-(\d+)\.md$")  # French files only (x.en.md is a translation)


def numbers_on_branches(root: Path, folder: str) -> dict[int, str]:
    """Number → where (« bulletins/info-psoc-04.md, branche no-4 ») for every local and
    remote-tracking branch; empty outside git."""
    try:
        refs = subprocess.run(["git", "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes"],
                              cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return {}
    if refs.returncode != 0:
        return {}
    found: dict[int, str] = {}
    for ref in sorted(filter(None, refs.stdout.split("\n"))):
        if ref.endswith("/HEAD"):
            continue
        listing = subprocess.run(["git", "ls-tree", "--name-only", ref, "--", f"{folder.rstrip('/')}/"],
                                 cwd=root, capture_output=True, text=True, timeout=30)
        for line in listing.stdout.split("\n") if listing.returncode == 0 else ():
            match = _NAME.match(line.rsplit("/", 1)[-1])
            if match:
                found.setdefault(int(match.group(1)), f"{line}, branche {ref}")
    return found
