"""The domain runs without the engine: with ``mkdocs`` and ``material`` unimportable, the
collections load, the Markdown renders and the outputs (feeds, glossary export) are made.

Porting to another engine must be a change of ``plugin/`` only (ARCHITECTURE.md), and the pipeline
(prepare, staging, finish) runs without it; import-linter
checks the imports that are written down, this test checks the ones that happen at run time
(a function-local import, an import made by a dependency). It runs in a fresh interpreter, where a
``sys.meta_path`` finder installed before any ``infopsoc`` import refuses the engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import feedparser
import pytest

from conftest import GOLDEN_SITE, fixture_project

# The blocker, then the domain: every module of core, content, render and outputs, then a site.
SCRIPT = textwrap.dedent('''
    import importlib, json, pkgutil, sys
    from pathlib import Path

    BLOCKED = ("mkdocs", "material")

    class NoEngine:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"the engine is not available here: {name}")
            return None

    sys.meta_path.insert(0, NoEngine())
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker does not block")

    import infopsoc
    modules = []
    for part in ("core", "content", "render", "outputs", "pipeline"):
        package = importlib.import_module(f"infopsoc.{part}")
        modules.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"infopsoc.{part}."):
            modules.append(importlib.import_module(info.name).__name__)

    import markdown
    from infopsoc.content.site import Settings, load_site
    from infopsoc.outputs.feeds import build_feeds
    from infopsoc.render.glossary_markdown import GlossaryExtension
    from infopsoc.outputs.export import glossary_export
    from infopsoc.outputs.publishable import publishable
    from infopsoc.pipeline import prepare_language, write_staging

    root = Path(sys.argv[1])
    site, report = load_site(Settings.from_mkdocs_yml(root / "mkdocs.yml"))
    extension = GlossaryExtension(site.glossary.terms("fr"))
    rendered = {}
    for bulletin in site.bulletins:
        if bulletin.lang == "fr":
            extension.set_page(bulletin.src_uri)
            html = markdown.markdown(bulletin.body, extensions=["footnotes", "attr_list", extension])
            rendered[bulletin.slug] = publishable(bulletin, html, site.settings.site_url + bulletin.url)
    feeds = build_feeds(site.bulletins, rendered, site_url=site.settings.site_url, lang="fr")
    # the pipeline's prepare step, as an engine without our plugin reads it (the staging folder)
    prepared = prepare_language(Settings.from_mkdocs_yml(root / "mkdocs.yml"), "fr",
                                extensions=["footnotes", "attr_list", "md_in_html"], extension_configs={})
    staged = write_staging(prepared, root / ".cache/engine/fr")["written"]
    print(json.dumps({
        "modules": modules,
        "errors": [str(p) for p in report.errors],
        "engine_loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
        "feeds": {path: data.decode("utf-8") for path, data in feeds.items()},
        "export": glossary_export(site, "fr"),
        "staged": staged,
    }))
''')


@pytest.fixture(scope="module")
def without_engine(tmp_path_factory) -> dict:
    tree = fixture_project(tmp_path_factory.mktemp("no-engine") / "project")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tree.root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_the_domain_imports_without_the_engine(without_engine):
    modules = without_engine["modules"]
    for name in ("infopsoc.core.urls", "infopsoc.content.site", "infopsoc.content.checks.links",
                 "infopsoc.render.pages", "infopsoc.render.glossary_pages", "infopsoc.outputs.feeds", "infopsoc.outputs.pdf"):
        assert name in modules
    assert without_engine["engine_loaded"] == []
    assert without_engine["errors"] == []


def test_the_feeds_are_made_without_the_engine(without_engine):
    feeds = without_engine["feeds"]
    assert sorted(feeds) == ["atom.xml", "rss.xml"]
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse(feeds[name].encode("utf-8"))
        assert not parsed.bozo, parsed.bozo_exception
        assert [e.title for e in parsed.entries] == ["Info-PSOC no\u00a02 — Une rencontre d'information au ministère",
                                                     "Info-PSOC no\u00a01 — Premier numéro\u00a0: le PSOC en bref"]
        content = parsed.entries[0].content[0].value
        assert "Ce qui a été confirmé" in content  # the rendered HTML, not the summary
        assert '<abbr title="Table régionale d\'organismes communautaires">TROC</abbr>' in content  # the glossary marked it
        # relative links made absolute from the bulletin's page (MkDocs, absent here, would also
        # have turned « info-psoc-01.md » into its page's address)
        assert 'href="https://www.ctroc.org/info-psoc/bulletins/info-psoc-02/#fnref:1"' in content


def test_the_glossary_export_without_the_engine_is_the_built_sites(without_engine):
    """Byte for byte what the MkDocs build publishes (the golden site, test_golden.py)."""
    export = without_engine["export"]
    assert [t["slug"] for t in json.loads(export)["terms"]] == ["ctroc", "psoc", "troc"]
    assert export.encode("utf-8") == (GOLDEN_SITE / "glossaire.json").read_bytes()


def test_the_pipeline_prepares_the_staging_folder_without_the_engine(without_engine):
    """Every page an engine without our plugin renders, written by the pipeline alone."""
    staged = without_engine["staged"]
    for page in ("docs/index.md", "docs/bulletins/index.md", "docs/bulletins/info-psoc-01.md",
                 "docs/glossaire/troc.md", "docs/chronologie/index.md", "infopsoc.json"):
        assert page in staged
    assert "docs/index.en.md" not in staged  # the French build's view
