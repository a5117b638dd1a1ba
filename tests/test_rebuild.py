"""Issue 32: a build with nothing changed does nothing but say so; any change rebuilds, and nothing
stale survives.

Each case runs the real ``infopsoc build`` (both languages) on a small project in a temporary folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Tree, bulletin_text, populate, run_infopsoc, snapshot

UP_TO_DATE = "Rien n'a changé depuis la dernière construction"


def build(tree: Tree, *args: str, pdf: bool = False, env: dict | None = None):
    result = run_infopsoc(tree.root, "build", *args, pdf=pdf, env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _skipped(result) -> bool:
    return UP_TO_DATE in result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Tree:
    tree = populate(Tree(tmp_path / "project").with_english())
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième numéro", "2017-11-20", body="Texte du deuxième."))
    return tree


def test_nothing_changed_does_nothing_and_says_so(project):
    first = build(project)
    assert not _skipped(first)
    before = snapshot(project.root / "site")
    inodes = {p: p.stat().st_ino for p in (project.root / "site").rglob("*")}
    again = build(project)
    assert _skipped(again), again.stdout
    assert "construction terminée" not in again.stderr  # the engine never ran
    assert snapshot(project.root / "site") == before     # not one file rewritten (content and time)
    assert {p: p.stat().st_ino for p in (project.root / "site").rglob("*")} == inodes
    forced = build(project, "--force")
    assert not _skipped(forced)
    assert "construction terminée" in forced.stderr


def test_an_edit_a_theme_change_and_a_configuration_change_each_rebuild(project):
    build(project)
    # a bulletin edited: its page shows the edit
    path = project.root / "bulletins/info-psoc-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Texte du deuxième.", "Texte corrigé du deuxième."),
                    encoding="utf-8")
    edited = build(project)
    assert not _skipped(edited)
    assert "Texte corrigé du deuxième." in project.read("bulletins/info-psoc-02/index.html")
    # the theme: a stylesheet of the theme changed
    css = next((project.root / "theme").rglob("*.css"))
    css.write_text(css.read_text(encoding="utf-8") + "\n/* marque-du-theme */\n", encoding="utf-8")
    themed = build(project)
    assert not _skipped(themed)
    assert any("marque-du-theme" in p.read_text(encoding="utf-8") for p in (project.root / "site").rglob(css.name))
    # the configuration: the site's name
    config = project.root / "mkdocs.yml"
    text, count = re.subn(r"^site_name: .*$", "site_name: Nom changé du site", config.read_text(encoding="utf-8"),
                          count=1, flags=re.MULTILINE)
    assert count == 1
    config.write_text(text, encoding="utf-8")
    configured = build(project)
    assert not _skipped(configured)
    assert "Nom changé du site" in project.read("index.html")
    # an option of the environment that changes the output (drafts shown)
    project.write("bulletins/info-psoc-03.md", bulletin_text(3, "Brouillon", "2017-12", draft=True))
    plain = build(project)
    assert not _skipped(plain)
    assert not (project.root / "site/bulletins/info-psoc-03").exists()
    drafts = build(project, env={"INFOPSOC_DRAFTS": "1"})
    assert not _skipped(drafts)
    assert (project.root / "site/bulletins/info-psoc-03/index.html").is_file()


def test_a_removed_bulletin_leaves_no_page_and_no_pdf(project):
    build(project, pdf=True)
    site = project.root / "site"
    assert (site / "bulletins/info-psoc-02/index.html").is_file()
    pdfs = sorted(p.name for p in site.rglob("*.pdf"))
    assert len(pdfs) == 2, pdfs
    (project.root / "bulletins/info-psoc-02.md").unlink()
    result = build(project, pdf=True)
    assert not _skipped(result)
    assert not (site / "bulletins/info-psoc-02").exists()
    assert len(list(site.rglob("*.pdf"))) == 1
    for page in site.rglob("*.html"):
        assert "info-psoc-02" not in page.read_text(encoding="utf-8"), page
    for feed in site.rglob("*.xml"):
        assert "Deuxième numéro" not in feed.read_text(encoding="utf-8"), feed
    # the PDF left is a file of its own in the site: removing the cache leaves it whole
    kept = next(site.rglob("*.pdf"))
    data = kept.read_bytes()
    for cached in (project.root / ".cache").rglob("*.pdf"):
        cached.unlink()
    assert kept.read_bytes() == data and data.startswith(b"%PDF")


def test_a_site_changed_by_hand_is_built_again(project):
    build(project)
    site = project.root / "site"
    page = site / "bulletins/info-psoc-01/index.html"
    original = page.read_text(encoding="utf-8")
    page.write_text("<p>abîmé</p>", encoding="utf-8")
    repaired = build(project)
    assert not _skipped(repaired)
    assert page.read_text(encoding="utf-8") == original
    (site / "404.html").unlink()
    again = build(project)
    assert not _skipped(again)
    assert (site / "404.html").is_file()
    # the record of the last build is forgotten when a build fails: the next one builds
    project.write("bulletins/info-psoc-04.md", "---\nnumber: quatre\n---\n")
    failed = run_infopsoc(project.root, "build")
    assert failed.returncode != 0
    (project.root / "bulletins/info-psoc-04.md").unlink()
    after = build(project)
    assert not _skipped(after)


def test_the_fingerprint_covers_the_package_code_and_the_environment(tmp_path, monkeypatch):
    """The package's own code (installed outside the project), its dependencies, the environment."""
    from infopsoc.cli import uptodate

    tree = populate(Tree(tmp_path / "project"))
    target = tree.root / "site"
    configs = [tree.root / "mkdocs.yml"]
    package = tmp_path / "installed" / "infopsoc"
    (package / "outputs").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    module = package / "outputs" / "feeds.py"
    module.write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(uptodate.infopsoc, "__file__", str(package / "__init__.py"))
    monkeypatch.delenv("INFOPSOC_PDF", raising=False)

    def inputs(**options):
        return uptodate.build_inputs(tree.root, target, configs, {"epoch": "1", **options})

    first = inputs()
    assert inputs() == first
    module.write_text("A = 2\n", encoding="utf-8")
    code = inputs()
    assert code != first
    monkeypatch.setenv("INFOPSOC_PDF", "0")
    assert inputs() != code
    monkeypatch.delenv("INFOPSOC_PDF")
    assert inputs() == code
    assert inputs(epoch="2") != code  # the build's time (SOURCE_DATE_EPOCH, the last commit)
    monkeypatch.setattr(uptodate, "_distributions", lambda: ["mkdocs_material-9.9.9.dist-info"])
    assert inputs() != code
    monkeypatch.undo()
    # what the build writes is not an input: the site, its staging folders, the caches
    again = uptodate.build_inputs(tree.root, target, configs, {"epoch": "1"})
    for rel in ("site/index.html", ".site-build-abc/x.html", ".site-old/y", ".site-removed-1-2/z", ".cache/pdf/z.pdf"):
        tree.write(rel, "x")
    assert uptodate.build_inputs(tree.root, target, configs, {"epoch": "1"}) == again
    tree.write("data/autre.yml", "- x\n")  # any other file of the project is
    assert uptodate.build_inputs(tree.root, target, configs, {"epoch": "1"}) != again


def test_the_previous_site_is_removed_in_the_background_and_nothing_is_left(project):
    """The old site goes once the new one is in place, without the command waiting for it; a
    removal cut short is finished by the next build."""
    import time

    build(project)
    path = project.root / "bulletins/info-psoc-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Texte du deuxième.", "Texte refait."), encoding="utf-8")
    build(project)
    deadline = time.monotonic() + 60
    while _beside(project) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _beside(project) == []
    assert "Texte refait." in project.read("bulletins/info-psoc-02/index.html")
    # what a removal stopped midway leaves: the next build removes it
    cut = project.root / ".site-removed-123-456" / "assets"
    cut.mkdir(parents=True)
    (cut / "x.js").write_text("x", encoding="utf-8")
    build(project, "--force")
    deadline = time.monotonic() + 60
    while _beside(project) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _beside(project) == []


def _beside(tree: Tree) -> list[str]:
    return sorted(p.name for p in tree.root.iterdir() if p.name.startswith(".site-"))


def test_the_site_s_pdfs_are_links_to_the_cache_not_copies(project):
    build(project, pdf=True)
    cached = {p.stat().st_ino for p in (project.root / ".cache/pdf").rglob("*.pdf")}
    published = sorted((project.root / "site/pdf").glob("*.pdf"))
    assert published and all(p.stat().st_ino in cached for p in published), published
