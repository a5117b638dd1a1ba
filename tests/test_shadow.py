"""The shadow build: the real project built by Zensical (``infopsoc build --engine zensical``), each
page's article compared with the MkDocs build's (text and links), the differences against the committed
list (tests/shadow-differences.yml); and the Zensical site through the same gates as MkDocs': valid HTML
(vnu), internal links, no request to another host (privacy), axe-core in Chromium.

The comparison itself (infopsoc/engines/shadow.py) is tested on small pages first: a test that
cannot fail would prove nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, commit_epoch, copy_project
from infopsoc.engines import shadow
from site_checks import (VNU_JAR, LinkChecker, LocalServer, RequestWatch, axe_violations, foreign_resources_in_site,
                         vnu_errors)
from test_quality import PAGES, SITE_URL, _need, _site_url

KNOWN = REPO / "tests" / "shadow-differences.yml"


# --- the comparison, on small pages ---------------------------------------------------------------

def _page(folder: Path, name: str, article: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><body><nav><a href='/'>menu</a></nav><article>{article}</article>"
                    "</body></html>", encoding="utf-8")


def test_the_comparison_sees_text_links_and_pages(tmp_path):
    a, b = tmp_path / "mkdocs", tmp_path / "zensical"
    _page(a, "index.html", "<h1>Titre</h1><p>Un <a href='x/'>lien</a> et du texte.</p>")
    _page(b, "index.html", "<a id='__skip'></a><h1>Titre</h1><p>Un <a href='x/'>lien</a> et du   texte.</p>")
    _page(a, "x/index.html", "<p>Un texte.</p><ul><li>un</li><li>deux</li></ul>")
    _page(b, "x/index.html", "<p>Un autre texte.</p><ul><li>un</li><li>deux</li></ul>")
    _page(a, "seule/index.html", "<p>Ici seulement.</p>")
    _page(b, "y/index.html", "<p>Là seulement.</p>")
    _page(a, "z/index.html", "<p>Pareil, <img src='i.png' alt='image'></p>")
    _page(b, "z/index.html", "<p>Pareil, <img src='j.png' alt='image'></p>")
    result = shadow.compare(a, b)
    assert result.compared == 3 and result.equal == 0
    found = {(d.page, d.kind, d.detail) for d in result.differences}
    assert found == {
        ("index.html", "link-extra", "id=__skip «»"),
        ("x/index.html", "text", "-Un texte."), ("x/index.html", "text", "+Un autre texte."),
        ("seule/index.html", "page-missing", "absente de la construction Zensical"),
        ("y/index.html", "page-extra", "absente de la construction MkDocs"),
        ("z/index.html", "link-missing", "img i.png «image»"), ("z/index.html", "link-extra", "img j.png «image»"),
    }


def test_a_new_difference_and_a_vanished_one_are_both_reported(tmp_path):
    known_file = tmp_path / "known.yml"
    known_file.write_text("- kind: link-extra\n  detail: 'id=__skip «»'\n  reason: le saut\n"
                          "- kind: text\n  detail: '-Disparue.'\n  pages: 'x/*'\n  reason: ne se produit plus\n",
                          encoding="utf-8")
    differences = [shadow.Difference("index.html", "link-extra", "id=__skip «»"),
                   shadow.Difference("x/index.html", "text", "+Nouvelle.")]
    text, ok = shadow.report(shadow.Comparison(2, 0, differences), shadow.load_known(known_file))
    assert not ok
    assert "connue ×1 [link-extra] * : le saut" in text
    assert "NOUVELLE : x/index.html [text] +Nouvelle." in text
    assert "DISPARUE" in text and "-Disparue." in text


def test_every_known_difference_says_why():
    entries = shadow.load_known(KNOWN)
    assert all(len(entry.reason) > 40 for entry in entries)


# --- the real project, both engines ---------------------------------------------------------------

@pytest.fixture(scope="session")
def zensical_build(tmp_path_factory):
    """The real project built once per session by Zensical, as ``make build ENGINE=zensical`` does
    (both languages, PDFs on), in a temporary copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    env = {k: v for k, v in os.environ.items() if k != "INFOPSOC_PDF"}
    env.update(NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=env.get("SOURCE_DATE_EPOCH") or commit_epoch())
    result = subprocess.run([sys.executable, "-m", "infopsoc.cli", "build", "--engine", "zensical"], cwd=project,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    return project / "site", result.stdout + result.stderr


@pytest.fixture(scope="session")
def zensical_site(zensical_build) -> Path:
    return zensical_build[0]


def test_the_shadow_build_differs_only_as_listed(real_site, zensical_site):
    """Each page's article, MkDocs' against Zensical's: every difference is listed with its reason,
    every listed difference still happens. The figures are printed (pytest -s) for the report."""
    comparison = shadow.compare(real_site, zensical_site)
    text, ok = shadow.report(comparison, shadow.load_known(KNOWN))
    print("\n" + text)
    assert comparison.compared >= 60  # both languages: every page of the real project
    assert ok, text


def test_zensical_builds_every_page_feed_pdf_and_the_editor(real_site, zensical_site, zensical_build):
    """Every page of both languages, the feeds, the PDFs, the search index and /admin/, as MkDocs' build."""
    def files(site: Path, pattern: str) -> set[str]:
        return {p.relative_to(site).as_posix() for p in site.rglob(pattern)}

    assert files(zensical_site, "*.html") == files(real_site, "*.html")
    for pattern in ("rss.xml", "atom.xml", "*.pdf", "sitemap.xml", "glossaire.json"):
        assert files(zensical_site, pattern) == files(real_site, pattern), pattern
    assert (zensical_site / "admin" / "index.html").is_file() and (zensical_site / "admin" / "config.yml").is_file()
    assert not (zensical_site / "search.json").exists()  # Zensical's own index: the project has its own
    output = zensical_build[1]
    assert "Traceback" not in output and "Zensical : 35 pages (fr)" in output


def test_the_feeds_pdfs_export_and_search_index_are_the_same_under_both_engines(real_site, zensical_site):
    """What the pipeline makes from the engine's pages does not depend on the engine: the feeds, the
    glossary export, the search index and the PDFs are byte-identical; the sitemaps list the same
    addresses with the same language versions (Zensical gives no update date: no <lastmod>)."""
    import xml.etree.ElementTree as ET

    same = ["rss.xml", "atom.xml", "glossaire.json", "en/rss.xml", "en/atom.xml", "en/glossaire.json"]
    same += [p.relative_to(real_site).as_posix() for p in real_site.rglob("*.pdf")]
    for index in real_site.rglob("index-recherche"):
        same += [p.relative_to(real_site).as_posix() for p in index.rglob("*") if p.is_file()]
    assert len(same) > 10
    differ = [name for name in same if (real_site / name).read_bytes() != (zensical_site / name).read_bytes()]
    assert differ == []
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}

    def urls(path: Path) -> dict:
        return {u.find("s:loc", ns).text: sorted((a.get("hreflang"), a.get("href")) for a in u.findall("x:link", ns))
                for u in ET.parse(path).getroot().findall("s:url", ns)}

    for sitemap in ("sitemap.xml", "en/sitemap.xml"):
        assert urls(zensical_site / sitemap) == urls(real_site / sitemap), sitemap


def test_each_language_has_its_own_menu_under_zensical(real_site, zensical_site):
    """mkdocs.en.yml inherits mkdocs.yml and sets its own nav: MkDocs replaces the list, Zensical's loader
    appended it (the English pages had both menus); the menus (the header's tabs) are MkDocs' in both languages."""
    import lxml.html

    def tabs(page: Path) -> list[str]:
        return [" ".join(a.text_content().split()) for a in lxml.html.parse(str(page)).getroot().xpath(
            '//nav[contains(@class, "md-tabs")]//a[contains(@class, "md-tabs__link")]')]

    for page in ("index.html", "en/index.html", "en/glossaire/psoc/index.html"):
        assert tabs(zensical_site / page) == tabs(real_site / page) != [], page
    assert "Home" in tabs(zensical_site / "en/index.html") and "Accueil" not in tabs(zensical_site / "en/index.html")


def test_the_zensical_site_is_valid_html(zensical_site):
    _need(VNU_JAR.is_file(), "vnu.jar (npm)")
    pages = sorted(zensical_site.rglob("*.html"))
    assert len(pages) > 50
    assert vnu_errors(pages) == []


def test_the_zensical_site_s_links_and_anchors_resolve(zensical_site):
    assert LinkChecker(zensical_site, _site_url()).check_site() == []


def test_the_zensical_site_asks_no_other_host(zensical_site):
    found, read = foreign_resources_in_site(zensical_site, SITE_URL)
    assert found == [] and read > 50


@pytest.fixture(scope="module")
def zensical_server(zensical_site):
    with LocalServer(zensical_site) as running:
        yield running


@pytest.fixture(scope="module")
def zensical_screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("zensical-screenshots")


@pytest.mark.parametrize("kind", ["accueil", "bulletin", "archives", "glossaire", "terme", "chronologie",
                                  "en-home", "en-term", "recherche"])
def test_zensical_pages_pass_axe_and_ask_no_other_host(kind, zensical_server, browser, zensical_screenshots):
    """axe-core (WCAG 2.1 A/AA) in Chromium on one page of each kind of the Zensical site; every request
    stays on the site; no console error. Screenshots in pytest's temporary folder (zensical-screenshots0/)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        page = context.new_page()
        watch = RequestWatch(page, zensical_server.origin, SITE_URL)
        page.goto(f"{zensical_server.origin}/{PAGES[kind]}", wait_until="load")
        page.screenshot(path=str(zensical_screenshots / f"{kind}.png"), full_page=True)
        assert axe_violations(page) == [], kind
        page.wait_for_load_state("networkidle")
        assert watch.foreign == [], f"{kind} : requêtes vers d'autres hôtes"
        assert watch.console_errors == [], f"{kind} : erreurs dans la console"
    finally:
        context.close()


# --- security --- (a hostile title under Zensical's template engine)

def test_zensical_escapes_a_hostile_title_and_summary(tmp_path):
    """A bulletin's title and summary holding HTML reach Zensical's templates through the staged front
    matter (page.meta, the title tag, the navigation, OpenGraph): shown as typed, never as markup."""
    from conftest import bulletin_text, fixture_project, run_infopsoc

    tree = fixture_project(tmp_path / "project")
    tree.write("bulletins/info-psoc-03.md", bulletin_text(
        3, 'Le <img src=x onerror=alert(1)> et « co »', "2017-11", 'Fin\\"><script>alert(2)</script>'))
    result = run_infopsoc(tree.root, "build", "--engine", "zensical")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tree.root / "site/bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as typed
    for other in ("index.html", "bulletins/index.html", "rss.xml"):
        text = (tree.root / "site" / other).read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert(2)" not in text, other
