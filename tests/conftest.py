"""Shared fixtures: small project trees built for real with MkDocs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def bulletin_text(number=1, title="Titre", date="2017-10", summary="Résumé.", body="Texte du bulletin.", **extra) -> str:
    lines = ["---", f"number: {number}", f'title: "{title}"', f"date: {date}", f'summary: "{summary}"']
    for key, value in extra.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {v}" for v in value]
        else:
            lines.append(f"{key}: {value}")
    lines += ["---", "", body, ""]
    return "\n".join(lines)


class Tree:
    """A throw-away Info-PSOC project: the real mkdocs.yml (minus nav) and theme."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        config = re.sub(r"^nav:\n(?:[ \-].*\n)+", "", config, flags=re.MULTILINE)
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        shutil.copytree(REPO / "theme", root / "theme")
        self.write("content/index.md", "# Accueil\n\n<!-- infopsoc: latest-bulletin -->\n")
        for name in ("bulletins", "glossary", "timeline"):
            (root / name).mkdir(exist_ok=True)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def build(self, pdf: bool | None = False, **overrides):
        """A real MkDocs build in this process; returns the site folder.

        PDFs are skipped unless asked (``pdf=True``), to keep tests about other things fast;
        ``pdf=None`` leaves the choice to the configuration and the environment.
        """
        saved = os.environ.get("INFOPSOC_PDF")
        if pdf is not None:
            os.environ["INFOPSOC_PDF"] = "1" if pdf else "0"
        try:
            return self._build(**overrides)
        finally:
            if saved is None:
                os.environ.pop("INFOPSOC_PDF", None)
            else:
                os.environ["INFOPSOC_PDF"] = saved

    def _build(self, **overrides):
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        site = self.root / "site"
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(site), **overrides)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        return site

    def read(self, rel: str) -> str:
        return (self.root / "site" / rel).read_text(encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path / "project")


@pytest.fixture(autouse=True)
def _quiet_mkdocs_logs():
    # MkDocs adds handlers per build; keep the test output readable.
    logging.getLogger("mkdocs").propagate = True
    yield


# --- reliability ---
def populate(tree: Tree) -> Tree:
    """Every collection, a little of each: a bulletin with a note, a term, an event, the members."""
    tree.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Premier numéro", "2017-10-18", body="Le PSOC[^1] en bref.\n\n[^1]: Une note.\n"))
    tree.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: \"Programme de soutien aux organismes "
                                   "communautaires\"\n---\nLe programme.\n")
    tree.write("timeline/1973-naissance-du-psoc.md", "---\ndate: 1973\ntitle: \"Naissance du PSOC\"\n"
                                                     "sources:\n  - bulletin: info-psoc-01\nterms: [PSOC]\n---\nTexte.\n")
    tree.write("data/membres.yml", "- url: https://www.exemple.org/\n  name: TROC de l'exemple\n")
    return tree
