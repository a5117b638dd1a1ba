"""The preview's quick path (issue 32): a saved page is made first with the last build's objects
(pipeline/quick.py, plugin/preview.py), then the whole rebuild follows.

What it must give is exactly the page a whole build gives: each test makes the quick page, then a
fresh, whole build of the same project (not dirty, into another folder) and compares the bytes. A
change that other pages show (a title, a new file, a glossary term) or a file with a mistake is not
made quickly: the whole rebuild makes it, and shows the error page. No test is timed.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import bulletin_text, fixture_project

URL = "http://127.0.0.1:8000/info-psoc/"


class QuickPreview:
    """Builds of a project as `infopsoc serve` makes them (dirty, in this process), the last one's
    objects kept for the quick path."""

    def __init__(self, tree):
        self.tree, self.site = tree, tree.root / "preview"
        self.started = False
        self.last = None

    def _config(self, site: Path):
        from mkdocs.config import load_config

        config = load_config(str(self.tree.root / "mkdocs.yml"), site_dir=str(site))
        config.site_url = URL
        return config

    def build(self) -> None:
        from mkdocs.commands.build import build

        from infopsoc.plugin.preview import LastBuild

        config = self._config(self.site)
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        self.last = LastBuild()
        config.plugins["infopsoc-preview"] = self.last
        build(config, serve_url=URL, dirty=True)
        self.last.done = True

    def quick(self, rel: str) -> str | None:
        """The quick path for the saved file ``rel``: the page it wrote, or None."""
        return self.last.render(self.tree.root / rel)

    def fresh(self, name: str) -> Path:
        """A whole build (not dirty) of the project as it is now, into a folder of its own."""
        from mkdocs.commands.build import build

        site = self.tree.root / name
        config = self._config(site)
        config.plugins.on_startup(command="serve", dirty=True)  # as the preview's (its next build: whole)
        build(config, serve_url=URL, dirty=False)
        return site

    def page(self, rel: str, site: Path | None = None) -> bytes:
        return ((site or self.site) / rel).read_bytes()

    def close(self) -> None:
        from mkdocs.config import load_config

        load_config(str(self.tree.root / "mkdocs.yml")).plugins.on_shutdown()


def project(tmp_path: Path):
    """The fixture project with a menu that names its pages, as the project's own does (a dirty rebuild
    leaves the pages it skips untitled: a menu that takes its titles from the pages then shows « None »
    on the pages it rebuilds — pipeline/dirty.py's, with or without the quick path)."""
    tree = fixture_project(tmp_path / "project")
    with open(tree.root / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write("\nnav:\n  - Accueil: index.md\n  - Bulletins: bulletins/index.md\n  - Les membres: membres.md\n"
                     "  - Glossaire: glossaire/index.md\n  - Chronologie: chronologie/index.md\n")
    return tree


@pytest.fixture
def preview(tmp_path, monkeypatch):
    monkeypatch.setenv("INFOPSOC_PDF", "0")
    found = QuickPreview(project(tmp_path))
    found.build()
    yield found
    found.close()


def _edit(tree, rel: str, old: str, new: str) -> None:
    path = tree.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("rel, old, new, page", [
    # a new paragraph in a bulletin's body
    ("bulletins/info-psoc-01.md", "\n## Le financement", "\nUn paragraphe ajouté.\n\n## Le financement",
     "bulletins/info-psoc-01/index.html"),
    # a term no longer used (its acronyms box may change), and a heading (its table of contents)
    ("bulletins/info-psoc-02.md", "La CTROC a rencontré les fonctionnaires",
     "Nous avons rencontré les fonctionnaires.\n\n## Un titre ajouté\n\nTexte", "bulletins/info-psoc-02/index.html"),
    # a hand-written page, its directive expanded again
    ("content/membres.md", "\n<!--", "\nUne phrase ajoutée à la main.\n\n<!--", "membres/index.html"),
])
def test_a_saved_page_made_first_is_the_page_a_whole_build_makes(preview, rel, old, new, page):
    _edit(preview.tree, rel, old, new)
    assert preview.quick(rel) is not None  # made quickly
    quick = preview.page(page)
    assert "ajouté" in quick.decode("utf-8")
    assert quick == preview.page(page, preview.fresh("fresh"))
    preview.build()  # the rest of the rebuild: the page stays as the quick path made it
    assert preview.page(page) == quick
    # saved again: made quickly from the objects of that (dirty) rebuild, still a whole build's page
    _edit(preview.tree, rel, "ajouté", "ajouté encore")
    assert preview.quick(rel) is not None
    assert preview.page(page) == preview.page(page, preview.fresh("fresh-again"))


@pytest.mark.parametrize("rel, old, new", [
    ("bulletins/info-psoc-01.md", 'title: "Premier numéro', 'title: "Le premier numéro'),  # the archive shows it
    ("bulletins/info-psoc-01.md", "date: 2017-05", "date: 2017-06"),  # its place among the others
    ("content/membres.md", "# ", "# Nouveau titre : "),  # the menu shows it
    ("glossary/psoc.md", "\n---\n", "\naliases: [PSOCC]\n---\n"),  # every page marks the terms
])
def test_a_change_other_pages_show_is_left_to_the_whole_rebuild(preview, rel, old, new):
    _edit(preview.tree, rel, old, new)
    assert preview.quick(rel) is None


def test_a_new_file_and_a_file_with_a_mistake_are_left_to_the_whole_rebuild(preview):
    path = preview.tree.write("bulletins/info-psoc-03.md", bulletin_text(3, "Trois", "2017-11", body="Neuf.\n"))
    assert preview.quick("bulletins/info-psoc-03.md") is None  # not a page of the last build
    path.unlink()
    before = preview.page("bulletins/info-psoc-01/index.html")
    _edit(preview.tree, "bulletins/info-psoc-01.md", "date: 2017-05", "date: 2017-13")  # refused by check
    assert preview.quick("bulletins/info-psoc-01.md") is None
    _edit(preview.tree, "bulletins/info-psoc-01.md", "date: 2017-13", "date: 2017-05")
    _edit(preview.tree, "bulletins/info-psoc-01.md", "\n## ", "\nVoir [la page perdue](perdue.md).\n\n## ")
    assert preview.quick("bulletins/info-psoc-01.md") is None  # MkDocs warns: the whole build shows it
    assert preview.page("bulletins/info-psoc-01/index.html") == before  # nothing written meanwhile


def test_saves_made_quickly_one_after_the_other_from_the_same_build(preview):
    _edit(preview.tree, "bulletins/info-psoc-01.md", "\n## ", "\nUne fois.\n\n## ")
    assert preview.quick("bulletins/info-psoc-01.md") is not None
    _edit(preview.tree, "bulletins/info-psoc-01.md", "Une fois.", "Deux fois.")
    assert preview.quick("bulletins/info-psoc-01.md") is not None
    _edit(preview.tree, "content/membres.md", "\n<!--", "\nEt une page.\n\n<!--")
    assert preview.quick("content/membres.md") is not None
    fresh = preview.fresh("fresh")
    for page in ("bulletins/info-psoc-01/index.html", "membres/index.html"):
        assert preview.page(page) == preview.page(page, fresh), page


def test_a_rebuild_given_up_for_a_newer_save_leaves_whole_pages_and_the_next_one_redoes_them(preview):
    from mkdocs.commands.build import build

    from infopsoc.plugin.preview import LastBuild, Superseded

    _edit(preview.tree, "bulletins/info-psoc-01.md", "\n## ", "\nAvant l'interruption.\n\n## ")
    assert preview.quick("bulletins/info-psoc-01.md") is not None
    config = preview._config(preview.site)
    config.plugins["infopsoc-preview"] = LastBuild(superseded=lambda: True)
    with pytest.raises(Superseded):
        build(config, serve_url=URL, dirty=True)
    assert preview.quick("bulletins/info-psoc-01.md") is not None  # the last whole build's objects still serve
    preview.build()  # the rebuild after it
    fresh = preview.fresh("fresh")
    for page in ("bulletins/info-psoc-01/index.html", "bulletins/index.html", "index.html"):
        assert preview.page(page) == preview.page(page, fresh), page


# --- `infopsoc serve` for real: a save, the page served, the error page ---------------------------

def _served(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


_LIVE_RELOAD = re.compile(r"<script>\s*var livereload = .*?</script>", re.DOTALL)


def _wait(condition, what: str, output, timeout: float = 120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what}:\n{output()}")


def test_a_save_in_a_running_preview_serves_the_page_of_a_fresh_build(tmp_path, monkeypatch):
    from test_serve import RunningPreview, _free_port

    tree = project(tmp_path)
    running = RunningPreview(tree.root, _free_port())
    try:
        running.wait_until_up()
        url = running.url + "bulletins/info-psoc-01/"
        _edit(tree, "bulletins/info-psoc-01.md", "\n## ", "\nAjouté pendant l'aperçu.\n\n## ")
        first = _wait(lambda: (lambda s: s[1] if "Ajouté pendant" in s[1] else None)(_served(url)),
                      "the saved text never appeared", running.output)
        _wait(lambda: "page bulletins/info-psoc-01.md à jour" in running.output(), "no quick page", running.output)
        _wait(lambda: running.output().count("construction terminée") >= 2, "the rebuild never ended", running.output)
        last = _served(url)[1]
        # a mistake: the error page, at once, on the saved page; fixed: the page again
        _edit(tree, "bulletins/info-psoc-01.md", "date: 2017-05", "date: 2017-13")
        error = _wait(lambda: (lambda s: s[1] if s[0] == 500 else None)(_served(url)), "no error page", running.output)
        assert "bulletins/info-psoc-01.md" in error and "infopsoc-build-error" in error
        _edit(tree, "bulletins/info-psoc-01.md", "date: 2017-13", "date: 2017-05")
        _wait(lambda: _served(url)[0] == 200, "the error page never went away", running.output)
        # a broken link: MkDocs' own (English) warning while the page is made quickly is not shown; check's is
        _wait(lambda: running.output().count("construction terminée") >= 3, "the rebuild never ended", running.output)
        _edit(tree, "bulletins/info-psoc-01.md", "Ajouté pendant", "Voir [la page perdue](perdue.md). Ajouté pendant")
        error = _wait(lambda: (lambda s: s[1] if s[0] == 500 else None)(_served(url)), "no error page", running.output)
        assert "perdue.md" in error
        _edit(tree, "bulletins/info-psoc-01.md", "Voir [la page perdue](perdue.md). ", "")
        _wait(lambda: _served(url)[0] == 200, "the error page never went away", running.output)
    finally:
        output = running.stop()
    from test_serve import ENGLISH_LINES

    for english in (*ENGLISH_LINES, "Doc file"):
        assert english not in output, (english, output)
    # the page served first and the page served after the rebuild: both a fresh build's
    monkeypatch.setenv("INFOPSOC_PDF", "0")
    fresh = QuickPreview(tree)
    global URL
    saved_url, URL = URL, running.url
    try:
        site = fresh.fresh("fresh")
    finally:
        URL = saved_url
    expected = (site / "bulletins/info-psoc-01/index.html").read_text(encoding="utf-8")
    assert _LIVE_RELOAD.sub("", first) == expected
    assert _LIVE_RELOAD.sub("", last) == expected
