"""The engine-neutral pipeline (scripts/infopsoc/pipeline/): the staging folder an engine without our
plugin builds from, the one writer of the built site, and the registry of outputs."""

from __future__ import annotations

import os

from pathlib import Path

import markdown
import pytest

from conftest import Tree, bulletin_text, populate
from infopsoc.content.model import Settings
from infopsoc.pipeline import prepare_language, write_staging
from infopsoc.pipeline import registry
from infopsoc.pipeline.staging import MANIFEST, split_front_matter
from infopsoc.pipeline.writer import OutsideSite, SiteWriter
from infopsoc.render.glossary_markdown import GlossaryExtension

EXTENSIONS = ["footnotes", "attr_list", "md_in_html", "toc"]


def _prepare(tree: Tree, lang: str = "fr"):
    return prepare_language(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"), lang, extensions=EXTENSIONS,
                            extension_configs={}, caches=tree.root / ".cache")


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Tree:
    tree = populate(Tree(tmp_path / "project"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-11-02", body="Le PSOC encore."))
    tree.write("content/images/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    return tree


# --- the staging folder ------------------------------------------------------------------------

def test_the_staging_folder_holds_every_page_with_its_data(project, tmp_path):
    folder = tmp_path / "stage"
    write_staging(_prepare(project), folder)
    docs = folder / "docs"
    for page in ("index.md", "bulletins/index.md", "bulletins/info-psoc-01.md", "glossaire/psoc.md",
                 "chronologie/index.md", "images/photo.png"):
        assert (docs / page).is_file(), page
    meta, body = split_front_matter((docs / "bulletins/info-psoc-01.md").read_text(encoding="utf-8"))
    assert meta["infopsoc"]["kind"] == "bulletin" and meta["infopsoc"]["slug"] == "info-psoc-01"
    assert [a["lang"] for a in meta["infopsoc"]["alternates"]] == ["fr", "en"]
    assert body.startswith("<!-- infopsoc-page: bulletins/info-psoc-01.md -->\n")
    # the directive of the home page is expanded: the latest bulletin is there
    assert "<!-- infopsoc: latest-bulletin -->" not in (docs / "index.md").read_text(encoding="utf-8")
    assert "Deuxième" in (docs / "index.md").read_text(encoding="utf-8")


def test_the_page_marker_tells_the_glossary_which_page_it_marks(project, tmp_path):
    """An engine that runs none of our code on a page: the glossary extension reads the marker."""
    folder = tmp_path / "stage"
    prepared = _prepare(project)
    write_staging(prepared, folder)
    _meta, body = split_front_matter((folder / "docs/bulletins/info-psoc-01.md").read_text(encoding="utf-8"))
    extension = GlossaryExtension(prepared.site.glossary.terms("fr"))
    html = markdown.markdown(body, extensions=["attr_list", "md_in_html", "footnotes", extension])
    assert "infopsoc-page" not in html
    assert '<a class="ip-term" href="../glossaire/psoc.md"><abbr title="Programme de soutien' in html
    _meta, index = split_front_matter((folder / "docs/glossaire/index.md").read_text(encoding="utf-8"))
    assert index.startswith("<!-- infopsoc-page: glossaire/index.md glossary=off -->")
    markdown.markdown(index, extensions=["attr_list", "md_in_html", extension])
    assert extension.enabled is False


def test_an_unchanged_preparation_rewrites_nothing(project, tmp_path):
    folder = tmp_path / "stage"
    first = write_staging(_prepare(project), folder)
    assert first["written"] and not first["removed"]
    before = _mtimes(folder)
    again = write_staging(_prepare(project), folder)
    assert again == {"written": [], "removed": []}
    assert _mtimes(folder) == before


def test_an_edit_rewrites_its_pages_only(project, tmp_path):
    folder = tmp_path / "stage"
    write_staging(_prepare(project), folder)
    project.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième, corrigé", "2017-11-02", body="Le PSOC."))
    written = write_staging(_prepare(project), folder)["written"]
    assert "docs/bulletins/info-psoc-02.md" in written
    assert "docs/glossaire/psoc.md" not in written and "docs/chronologie/index.md" not in written


def test_a_removed_page_is_removed_and_nothing_else(project, tmp_path):
    folder = tmp_path / "stage"
    write_staging(_prepare(project), folder)
    theirs = [folder / "docs/bulletins/notes-a-moi.md", folder / "a-moi.txt", folder / "docs/images/autre.png"]
    for path in theirs:  # files the staging did not write (an engine's, a person's)
        path.write_text("à moi", encoding="utf-8")
    (project.root / "bulletins/info-psoc-02.md").unlink()
    (project.root / "content/images/photo.png").unlink()
    removed = write_staging(_prepare(project), folder)["removed"]
    assert removed == ["docs/bulletins/info-psoc-02.md", "docs/images/photo.png"]
    assert not (folder / "docs/bulletins/info-psoc-02.md").exists()
    for path in theirs:
        assert path.read_text(encoding="utf-8") == "à moi"


def test_a_manifest_edited_to_point_outside_removes_nothing_outside(project, tmp_path):
    folder = tmp_path / "stage"
    write_staging(_prepare(project), folder)
    victim = tmp_path / "victim.txt"
    victim.write_text("garde-moi", encoding="utf-8")
    with open(folder / MANIFEST, "a", encoding="utf-8") as manifest:
        manifest.write("../victim.txt\n")
    with pytest.raises(ValueError):
        write_staging(_prepare(project), folder)
    assert victim.read_text(encoding="utf-8") == "garde-moi"


def test_the_english_view_serves_the_translation_at_the_french_address(project, tmp_path):
    project.write("content/index.en.md", "# Home\n\nIn English.\n")
    folder = tmp_path / "stage-en"
    write_staging(_prepare(project, "en"), folder)
    assert "In English." in (folder / "docs/index.md").read_text(encoding="utf-8")
    assert not (folder / "docs/index.en.md").exists()


# --- the one writer -----------------------------------------------------------------------------

def test_the_writer_refuses_a_path_outside_the_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (site / "lien").symlink_to(tmp_path / "elsewhere")
    writer = SiteWriter(site)
    for rel in ("../evil.txt", "/tmp/evil.txt", "a/../../evil.txt", "lien/evil.txt", ""):
        with pytest.raises(OutsideSite):
            writer.write(rel, b"x")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "elsewhere/evil.txt").exists()
    with pytest.raises(OutsideSite):
        writer.write_all({"admin/x.js": b"x", "index.html": b"x"}, folder="admin")


def test_the_writer_leaves_unchanged_bytes_alone(tmp_path):
    writer = SiteWriter(tmp_path)
    assert writer.write("a/b.txt", b"un") is True
    before = (tmp_path / "a/b.txt").stat().st_mtime_ns
    assert writer.write("a/b.txt", b"un") is False
    assert (tmp_path / "a/b.txt").stat().st_mtime_ns == before
    assert writer.write("a/b.txt", b"deux") is True and (tmp_path / "a/b.txt").read_bytes() == b"deux"


def test_kept_files_are_linked_never_written_through_and_a_link_out_is_refused(tmp_path):
    """Linked files (the search index's, thousands of them: ``SiteWriter._link``) are hard links to
    the kept ones; the same file already there is left alone; a different one is replaced whole (the
    previous site, linked to it, keeps its bytes); a symbolic link in the folder is refused."""
    from infopsoc.pipeline.writer import Linked

    kept = tmp_path / "kept"
    kept.mkdir()
    for name in ("a", "b", "c", "d"):
        (kept / name).write_text(f"kept {name}")
    site = tmp_path / "site"
    files = {f"index/{n}/{name}.json": Linked(kept / name) for n in (1, 2) for name in ("a", "b", "c")}
    writer = SiteWriter(site)
    writer.write_all(files, folder="index")
    assert len(writer.written) == 6 and all(os.path.samefile(site / rel, path) for rel, path in files.items())
    again = SiteWriter(site)
    again.write_all(files, folder="index")
    assert again.written == [] and again.unchanged == 6
    # a site whose file is another one (an older site linked to it keeps its bytes)
    older = tmp_path / "older.json"
    os.link(site / "index/1/b.json", older)
    (site / "index/1/c.json").unlink()
    (site / "index/1/c.json").write_text("autre chose")
    changed = dict(files, **{"index/1/b.json": Linked(kept / "d")})
    third = SiteWriter(site)
    third.write_all(changed, folder="index")
    assert sorted(third.written) == ["index/1/b.json", "index/1/c.json"]
    assert (site / "index/1/b.json").read_text() == "kept d" and older.read_text() == "kept b"
    assert os.path.samefile(site / "index/1/c.json", kept / "c")
    (tmp_path / "elsewhere").mkdir()
    (site / "index/2/b.json").unlink()  # not the first of its folder: the quick way meets it
    (site / "index/2/b.json").symlink_to(tmp_path / "elsewhere" / "b.json")
    with pytest.raises(OutsideSite):
        SiteWriter(site).write_all(files, folder="index")
    assert not (tmp_path / "elsewhere" / "b.json").exists()


def test_files_copied_from_elsewhere_are_linked_to_kept_copies_never_written_through(tmp_path):
    """The editor's files (from node_modules/, 5.9 MB) are copied once into the cache's store
    (pipeline/copies.py), then hard-linked into each site. A source changed in any way is copied
    again; a kept copy written through a site's link is never linked again; a site keeps its bytes."""
    import time

    from infopsoc.pipeline.copies import CopyStore

    source = tmp_path / "node_modules" / "decap-cms.js"
    source.parent.mkdir()
    source.write_bytes(b"version 1")
    store = CopyStore(tmp_path / ".cache" / "copies")

    def build(name: str) -> Path:
        site = tmp_path / name
        SiteWriter(site, copies=store).write_all({"admin/decap-cms.js": source, "admin/config.yml": b"x"},
                                                 folder="admin")
        return site / "admin" / "decap-cms.js"

    first, second = build("site1"), build("site2")
    kept = list(store.folder.iterdir())
    assert len(kept) == 1 and first.read_bytes() == second.read_bytes() == b"version 1"
    assert os.path.samefile(first, kept[0]) and os.path.samefile(second, kept[0])
    assert not os.path.samefile(first, source)  # a copy, never the source itself
    # the source changes (npm ci): a new copy; the older sites keep theirs
    time.sleep(0.01)
    source.write_bytes(b"version 2")
    third = build("site3")
    assert third.read_bytes() == b"version 2" and first.read_bytes() == b"version 1"
    # a kept copy written through a site's link (in place): not linked again, copied anew
    with open(third, "r+b") as stream:
        stream.write(b"ALTERED!!")
    fourth = build("site4")
    assert fourth.read_bytes() == b"version 2" and not os.path.samefile(fourth, third)
    # a kept copy gone under the writer (another build's store removed it): the source is copied
    store.kept = lambda path: tmp_path / ".cache" / "copies" / "gone"
    assert build("site5").read_bytes() == b"version 2"
    # a source that is not a regular file is never kept
    assert CopyStore(tmp_path / "other").kept(tmp_path / "node_modules") is None


def test_the_pdf_worker_starts_only_for_a_language_with_bulletins_of_its_own(tmp_path):
    """``has_bulletins``, by the bulletins' file names before the content is loaded: French has them, English
    only once a bulletin is translated (its fork server loaded WeasyPrint for nothing, on the core the
    French build needs)."""
    from infopsoc.pipeline.build import has_bulletins

    tree = Tree(tmp_path)
    populate(tree)
    settings = Settings.from_mkdocs_yml(tree.root / "mkdocs.yml")
    assert has_bulletins(settings, "fr") and not has_bulletins(settings, "en")
    tree.write("bulletins/info-psoc-03.en.md", bulletin_text(3, "Issue 3", "2017-10-18"))
    assert has_bulletins(settings, "en")


def test_an_output_folder_holds_exactly_its_files(tmp_path):
    (tmp_path / "admin/old").mkdir(parents=True)
    (tmp_path / "admin/old/stale.js").write_text("x")
    (tmp_path / "admin/stale.txt").write_text("x")
    (tmp_path / "index.html").write_text("pas au dossier")
    SiteWriter(tmp_path).write_all({"admin/index.html": b"<p>", "admin/sub/a.js": b"1"}, folder="admin")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "admin/index.html", "admin/sub/a.js", "index.html"]


class _Colophon:
    """An output made in a test: one module-like object, one line in the registry."""

    name, folder = "colophon", None

    def wanted(self, needs) -> bool:
        return needs.lang == "fr"

    def files(self, needs):
        slugs = sorted(needs.publishable())
        return {"colophon.txt": f"{needs.lang}: {', '.join(slugs)}\n".encode()}


class _Escaping:
    name, folder = "escaping", None

    def wanted(self, needs) -> bool:
        return True

    def files(self, needs):
        return {"../evasion.txt": b"x"}


def test_a_new_output_is_one_object_and_one_line_in_the_registry(project, monkeypatch):
    monkeypatch.setattr(registry, "OUTPUTS", [*registry.OUTPUTS, _Colophon()])
    site = project.build()
    assert (site / "colophon.txt").read_text(encoding="utf-8") == "fr: info-psoc-01, info-psoc-02\n"
    assert project.plugin.build is not None


def test_an_output_cannot_write_outside_the_site(project, monkeypatch):
    from mkdocs.exceptions import BuildError

    monkeypatch.setattr(registry, "OUTPUTS", [*registry.OUTPUTS, _Escaping()])
    with pytest.raises((OutsideSite, BuildError)):
        project.build()
    assert not (project.root / "evasion.txt").exists()


def test_no_code_of_the_adapter_or_of_the_outputs_writes_into_the_site():
    """They return files; the writer alone writes them (pipeline/writer.py). (plugin/engine.py, MkDocs'
    French front, is no part of a build; the PDFs' and the search index's caches are in .cache/.)"""
    package = Path(__file__).resolve().parents[1] / "scripts/infopsoc"
    calls = ("write_text(", "write_bytes(", "copyfile(", "copytree(", "os.replace(", ".unlink(", "rmtree(", "open(")
    checked = [package / "plugin/events.py", package / "plugin/render_cache.py", package / "plugin/config.py",
               package / "plugin/page_reuse.py",
               *(package / "outputs" / name for name in ("admin.py", "feeds.py", "export.py", "publishable.py",
                                                           "base.py", "pdf/document.py"))]
    found = [f"{path.name}: {call}" for path in checked for call in calls if call in path.read_text(encoding="utf-8")]
    assert found == []


# --- an engine that runs no plugin of ours -------------------------------------------------------

SHIM = '''
import json
from pathlib import Path
from infopsoc.content.model import Settings
from infopsoc.pipeline import load
from infopsoc.pipeline.build import localize_extensions

def on_config(config):  # the glossary's and the typography's extensions, the theme's data: nothing else
    root = Path(config.config_file_path).parent
    localize_extensions(config.markdown_extensions, config.mdx_configs, "fr")
    loaded, _ = load(Settings.from_mkdocs_yml(root / "mkdocs.yml"), "fr", extensions=list(config.markdown_extensions),
                     extension_configs=config.mdx_configs, caches=root / ".cache")
    config.markdown_extensions = loaded.extensions
    config.extra["infopsoc"] = json.loads((root / "stage/infopsoc.json").read_text(encoding="utf-8"))["site"]
    return config
'''


def test_an_engine_without_our_plugin_builds_from_the_staging_folder(tmp_path, monkeypatch):
    """MkDocs with no plugin of ours (as Zensical or ProperDocs would run): the staging folder, a
    three-line shim for the Markdown extensions, then finish() on the written site. The feeds come
    out as the adapter's build writes them (tests/golden/site/rss.xml)."""
    import logging
    import re

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from conftest import GOLDEN_SITE, fixture_project
    from infopsoc.pipeline import docs_files
    from infopsoc.pipeline.build import Build
    from infopsoc.pipeline.repairs import theme_inline_scripts

    tree = fixture_project(tmp_path / "project")
    root = tree.root
    settings = Settings.from_mkdocs_yml(root / "mkdocs.yml")
    config_text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    names = re.findall(r"^  - ([a-z_.]+)$", config_text.split("markdown_extensions:")[1], flags=re.M)
    options = {"toc": {"permalink": True, "permalink_title": "x"}}
    prepared = prepare_language(settings, "fr", extensions=names + ["toc"], extension_configs=dict(options),
                                caches=root / ".cache")
    write_staging(prepared, root / "stage")
    text = re.sub(r"^plugins:\n(?:  .*\n)+", "plugins: []\n", config_text, flags=re.M)
    text = text.replace("docs_dir: content", "docs_dir: stage/docs") + "\nhooks:\n  - shim.py\n"
    (root / "engine.yml").write_text(text, encoding="utf-8")
    (root / "shim.py").write_text(SHIM, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1508328000")
    config = load_config(str(root / "engine.yml"), site_dir=str(root / "site"), strict=False)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    import material

    run = Build(settings, "fr", extensions=names + ["toc"], extension_configs=dict(options), caches=root / ".cache",
                pdf=False, pdf_cache=root / ".cache/pdf", author="CTROC", strict=True, preview=False,
                log=logging.getLogger("test"), inline_scripts=theme_inline_scripts(Path(material.__file__).parent / "templates"))
    run.prepare(docs_files(settings))
    run.converted_from_site(root / "site")
    run.finish(root / "site", pages_done=False)
    site = root / "site"
    bulletin = (site / "bulletins/info-psoc-02/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in bulletin and "data-infopsoc-fragment" not in bulletin
    assert 'class="md-select__link ip-lang-en"' in bulletin  # the switcher, from page.meta.infopsoc
    assert (site / "glossaire.json").read_bytes() == (GOLDEN_SITE / "glossaire.json").read_bytes()
    assert (site / "rss.xml").read_bytes() == (GOLDEN_SITE / "rss.xml").read_bytes()
    assert (site / "admin/config.yml").is_file() and (site / "index-recherche/meta.json").is_file()


# --- issue 32: what runs while the PDFs still render ------------------------------------------------

class _Recorded:
    """An output that writes one file and records, in ``log``, when it ran."""

    folder = None

    def __init__(self, name: str, log: list[str], waits: bool = False):
        self.name, self.log, self.waits = name, log, waits

    def wanted(self, needs) -> bool:
        return True

    def files(self, needs):
        self.log.append(self.name)
        return {f"{self.name}.txt": b"x"}


def test_what_the_build_keeps_is_saved_before_an_output_that_waits_and_again_at_the_end(tmp_path):
    """An output that ``waits`` (the PDFs, rendering on workers) runs after the others, and the build's
    memo is saved before it waits (``meanwhile``), then again at the end: the outputs after it (the
    feeds) may use results the first save did not hold (the second writes nothing when they did not)."""
    from infopsoc.outputs.base import Needs
    from infopsoc.pipeline.build import finish

    log: list[str] = []
    outputs = [_Recorded("export", log), _Recorded("pdf", log, waits=True), _Recorded("feeds", log)]
    needs = Needs(site=None, lang="fr", site_dir=tmp_path, caches=None)
    finish(needs, outputs, meanwhile=lambda: log.append("saved"))
    assert log == ["export", "saved", "pdf", "feeds", "saved"]
    # without an output that waits: saved once, at the end, as before
    log.clear()
    finish(needs, [_Recorded("export", log), _Recorded("feeds", log)], meanwhile=lambda: log.append("saved"))
    assert log == ["export", "feeds", "saved"]


def test_the_outputs_that_need_no_pdf_come_before_the_pdfs_and_the_feeds_after():
    names = [type(output).__name__ for output in registry.OUTPUTS]
    pdfs = names.index("PdfOutput")
    assert [n for n in names[pdfs + 1:]] == ["FeedsOutput"]  # the feeds give each PDF's size
    assert {"ExportOutput", "AdminOutput", "MaterialScriptOutput"} <= set(names[:pdfs])
    assert [o for o in registry.OUTPUTS if getattr(o, "waits", False)] == [registry.OUTPUTS[pdfs]]
