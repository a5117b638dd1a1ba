"""The preview rebuilds only what a save changed (`infopsoc serve` runs MkDocs with --dirty).

Real MkDocs builds in this process, as `mkdocs serve` makes them: the configuration is read
again before each build and the plugin object lives on. Every page written by a build is
recognised by its modification time (set in the past before the next build).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import bulletin_text
from infopsoc.plugin.dirty import ChangeTracker

PAST = 1_000_000_000  # 2001: the time every output is given before a rebuild


class Preview:
    """Dirty builds of a tree into its own folder, like `mkdocs serve --dirty`."""

    def __init__(self, tree):
        self.tree = tree
        self.site = tree.root / "preview"
        self.started = False

    def build(self) -> set[str]:
        """Build; the pages (``x/index.html``) written by this build."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        for path in self.site.rglob("*.html") if self.site.exists() else []:
            os.utime(path, ns=(PAST * 10**9, PAST * 10**9))
        config = load_config(str(self.tree.root / "mkdocs.yml"), site_dir=str(self.site))
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        config.site_url = "http://127.0.0.1:8000/info-psoc/"
        build(config, serve_url=config.site_url, dirty=True)
        return {p.relative_to(self.site).as_posix() for p in self.site.rglob("index.html")
                if p.stat().st_mtime_ns != PAST * 10**9}

    def read(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")

    def close(self):
        from mkdocs.config import load_config

        load_config(str(self.tree.root / "mkdocs.yml")).plugins.on_shutdown()


@pytest.fixture
def preview(tree):
    tree.write("glossary/psoc.md", '---\nterm: PSOC\nexpansion: "Programme de soutien aux organismes '
                                   'communautaires"\n---\nLe programme.\n')
    for n in (1, 2, 3):
        tree.write(f"bulletins/info-psoc-0{n}.md",
                   bulletin_text(n, f"Numéro {n}", f"2017-0{n}", body=f"Le PSOC au numéro {n}.\n"))
    tree.write("content/la-ctroc.md", "# La CTROC\n\nUne page écrite à la main.\n")
    found = Preview(tree)
    everything = found.build()
    assert {"index.html", "la-ctroc/index.html", "bulletins/index.html", "bulletins/info-psoc-02/index.html",
            "glossaire/psoc/index.html"} <= everything
    yield found
    found.close()


def test_saving_a_bulletin_rebuilds_its_page_only(preview):
    path = preview.tree.root / "bulletins/info-psoc-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace("au numéro 2.", "au numéro 2, corrigé."),
                    encoding="utf-8")
    assert preview.build() == {"bulletins/info-psoc-02/index.html"}
    assert "au numéro 2, corrigé." in preview.read("bulletins/info-psoc-02/index.html")
    assert preview.build() == set()  # nothing saved, nothing rebuilt


def test_a_new_title_reaches_every_page_that_shows_it(preview):
    path = preview.tree.root / "bulletins/info-psoc-03.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Numéro 3", "Le troisième, retitré"), encoding="utf-8")
    rebuilt = preview.build()
    # its page, the archive, the term page listing it, and the home page (its directive shows the latest issue)
    assert rebuilt == {"bulletins/info-psoc-03/index.html", "bulletins/index.html", "glossaire/psoc/index.html",
                       "index.html"}
    for page in rebuilt:
        assert "Le troisième, retitré" in preview.read(page), page


def test_a_glossary_change_rebuilds_every_page(preview):
    before = preview.read("bulletins/info-psoc-01/index.html")
    assert "Programme de soutien aux organismes communautaires" in before
    path = preview.tree.root / "glossary/psoc.md"
    path.write_text(path.read_text(encoding="utf-8").replace("aux organismes", "à tous les organismes"),
                    encoding="utf-8")
    rebuilt = preview.build()
    assert {"bulletins/info-psoc-01/index.html", "la-ctroc/index.html", "index.html"} <= rebuilt
    assert "Programme de soutien à tous les organismes communautaires" in preview.read("bulletins/info-psoc-01/index.html")


def test_a_hand_written_page_is_rebuilt_when_saved(preview):
    preview.tree.write("content/la-ctroc.md", "# La CTROC\n\nUne page modifiée.\n")
    assert preview.build() == {"la-ctroc/index.html"}
    assert "Une page modifiée." in preview.read("la-ctroc/index.html")


def test_a_new_bulletin_rebuilds_everything(preview):
    preview.tree.write("bulletins/info-psoc-04.md", bulletin_text(4, "Numéro 4", "2017-04", body="Nouveau.\n"))
    rebuilt = preview.build()
    assert {"bulletins/info-psoc-04/index.html", "bulletins/info-psoc-01/index.html", "la-ctroc/index.html"} <= rebuilt


def test_the_tracker_says_what_changed():
    tracker = ChangeTracker()
    assert tracker.plan("s1", {"a.md": "1", "b.md": "1"}) is None  # the first build: everything
    assert tracker.plan("s1", {"a.md": "1", "b.md": "1"}) == set()
    assert tracker.plan("s1", {"a.md": "2", "b.md": "1"}) == {"a.md"}
    assert tracker.plan("s1", {"a.md": "2", "b.md": "1", "c.md": "1"}) == {"c.md"}
    assert tracker.plan("s2", {"a.md": "2", "b.md": "1", "c.md": "1"}) is None  # the structure changed
    tracker.forget()
    assert tracker.plan("s2", {"a.md": "2", "b.md": "1", "c.md": "1"}) is None  # after a failed build
