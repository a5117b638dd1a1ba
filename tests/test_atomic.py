"""Atomic output: a build that fails at any step leaves the previous site/ exactly as it was.

Each case runs the real ``infopsoc build`` (which runs MkDocs in a subprocess) on a small tree whose
site/ was built before. Content mistakes are made for real (a bad file); crashes that content
cannot cause (a WeasyPrint crash, a bug, a full disk) are injected into the MkDocs process by a
``sitecustomize`` module put on its ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import Tree, bulletin_text, populate, run_infopsoc, snapshot

# Imported by every Python process started with this folder on PYTHONPATH (the CLI and the MkDocs
# it runs, plugin/engine.py); it patches the step named by INFOPSOC_TEST_FAIL, in the MkDocs process only.
SITECUSTOMIZE = '''
import errno, os, sys

STEP = os.environ.get("INFOPSOC_TEST_FAIL")


def _crash(what):
    def crash(*args, **kwargs):
        raise RuntimeError(f"injected crash: {what}")
    return crash


def _disk_full(real, after):
    calls = []
    def write(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)
    return write


if STEP and sys.orig_argv[1:3] == ["-m", "infopsoc.plugin.engine"]:
    import importlib
    prepare = importlib.import_module("infopsoc.pipeline.prepare")  # the module (the package exports its function)
    if STEP == "files-bug":
        prepare.generate_pages = _crash("generate_pages")
    elif STEP == "render-bug":
        prepare.expand_directives = _crash("expand_directives")
    elif STEP == "pdf-crash":
        import infopsoc.outputs.pdf.jobs as jobs
        jobs.render_pdfs = _crash("WeasyPrint")
    elif STEP == "pdf-disk-full":
        import infopsoc.pipeline.writer as writer
        real_write = writer.SiteWriter.write
        def write(self, rel, content):  # a PDF put in the site (linked or copied) by the one writer
            if rel.endswith(".pdf"):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(self, rel, content)
        writer.SiteWriter.write = write
    elif STEP == "feeds-bug":
        import infopsoc.outputs.feeds as feeds
        feeds.build_feeds = _crash("build_feeds")
    elif STEP == "exports-bug":
        import infopsoc.outputs.export as export
        export.glossary_export = _crash("glossary_export")
    elif STEP == "pages-disk-full":
        import mkdocs.utils
        mkdocs.utils.write_file = _disk_full(mkdocs.utils.write_file, 3)
'''


def infopsoc(root: Path, *args: str, inject: str | None = None, env: dict | None = None,
             pdf: bool = False) -> subprocess.CompletedProcess:
    """The real command (conftest.run_infopsoc), with a crash injected at the step ``inject``."""
    env = dict(env or {})
    if inject:
        hooks = root.parent / "hooks"
        hooks.mkdir(exist_ok=True)
        (hooks / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE), encoding="utf-8")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")]))
        env["INFOPSOC_TEST_FAIL"] = inject
    return run_infopsoc(root, *args, env=env, pdf=pdf)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Tree:
    tree = populate(Tree(tmp_path_factory.mktemp("atomic") / "project"))
    result = infopsoc(tree.root, "build", pdf=True)
    assert result.returncode == 0, result.stderr
    assert (tree.root / "site/bulletins/info-psoc-01/index.html").is_file()
    assert list((tree.root / "site").rglob("*.pdf")), "the previous site holds its PDFs"
    return tree


# A content mistake at each step, made for real: the build stops with a message, no traceback.
CONTENT_ERRORS = {
    # on_config: the collections are loaded and checked
    "load": ("bulletins/info-psoc-02.md", "---\nnumber: deux\ntitle: x\ndate: 2017-10\nsummary: x\n---\n",
             "bulletins/info-psoc-02.md:2: « number »"),
    # on_files: a hand-written page takes the address of a generated one
    "files": ("content/bulletins/index.md", "# Archives à la main\n",
              "content/bulletins/index.md: cette page porte la même adresse qu'une page générée"),
    # on_page_markdown: a page is rendered with an unknown directive
    "render": ("content/autre.md", "# Autre\n\n<!-- infopsoc: dernier -->\n",
               "content/autre.md:3: directive « dernier » inconnue"),
    # the end of a strict build: a broken link is a warning, and warnings abort it after on_post_build
    "strict": ("content/autre.md", "# Autre\n\n[lien](nulle-part.md)\n", "nulle-part.md"),
}


@pytest.mark.parametrize("step", list(CONTENT_ERRORS))
def test_content_error_at_any_step_leaves_the_site_as_it_was(built, step):
    rel, text, expected = CONTENT_ERRORS[step]
    before = snapshot(built.root / "site")
    bad = built.write(rel, text)
    try:
        result = infopsoc(built.root, "build")
    finally:
        bad.unlink()
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert expected in output
    assert "Traceback" not in output
    assert "site/ n'a pas été modifié" in result.stderr
    assert snapshot(built.root / "site") == before
    assert _leftovers(built) == []


@pytest.mark.parametrize("step", ["files-bug", "render-bug", "pdf-crash", "pdf-disk-full", "feeds-bug",
                                  "exports-bug", "pages-disk-full"])
def test_crash_at_any_step_leaves_the_site_as_it_was(built, step):
    before = snapshot(built.root / "site")
    # PDFs are made only in the PDF cases; a new bulletin makes the PDF step render, not reuse the cache
    bad = built.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-11"))
    try:
        result = infopsoc(built.root, "build", inject=step, pdf=step.startswith("pdf"))
    finally:
        bad.unlink()
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert ("injected crash" in output) or ("le disque est plein" in output), output[-2000:]
    assert "Traceback" not in output, output[-3000:]  # issue 28: kept in a file, named in French
    assert "site/ n'a pas été modifié" in result.stderr
    assert snapshot(built.root / "site") == before
    assert _leftovers(built) == []


def test_the_injection_itself_changes_nothing_when_off(built):
    """The hooks are inert without a step: the same build then succeeds (the cases above test something)."""
    result = infopsoc(built.root, "build", inject="none", pdf=False)
    assert result.returncode == 0, result.stderr
    assert _leftovers(built) == []


def test_a_failed_first_build_leaves_no_site_at_all(tmp_path):
    tree = populate(Tree(tmp_path / "project"))
    tree.write("glossary/psoc.md", "---\nterm: PSOC\n---\nLe programme.\n")
    result = infopsoc(tree.root, "build")
    assert result.returncode != 0
    assert "glossary/psoc.md:1: le champ obligatoire « expansion » manque" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tree.root / "site").exists()
    assert _leftovers(tree) == []


def _leftovers(tree: Tree) -> list[str]:
    return sorted(p.name for p in tree.root.iterdir() if p.name.startswith((".site-build-", ".site-old")))
