"""Quality gates on the real built site: valid HTML, accessibility (axe-core, WCAG 2.1 A/AA),
internal links and anchors, no third-party request, no cookie, keyboard focus, screenshots.

The tools come from the project's own files: Debian's chromium (.ci/run), vnu-jar and axe-core
(package-lock.json, `npm ci` run by `make test`), Playwright from requirements.lock. Playwright
drives /usr/bin/chromium: it never downloads a browser.

English pages do not exist yet (bilingual issue): when they do, add them to PAGES.
The language switcher does not exist yet either: the keyboard test will have to reach it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import GOLDEN_SITE, REPO
from site_checks import (VNU_JAR, LinkChecker, LocalServer,
                         RequestWatch, axe_violations, cookies_set, foreign_resources,
                         foreign_resources_in_feed, foreign_resources_in_site, invisible_focus,
                         tab_through, vnu_errors)

# One page of each kind, in French and in English (no English bulletin exists yet).
PAGES = {
    "accueil": "",
    "bulletin": "bulletins/info-psoc-03/",
    "archives": "bulletins/",
    "glossaire": "glossaire/",
    "terme": "glossaire/psoc/",
    "chronologie": "chronologie/",
    "connaissances": "le-psoc/",
    "en-home": "en/",
    "en-archive": "en/bulletins/",
    "en-glossary": "en/glossaire/",
    "en-term": "en/glossaire/psoc/",
    "en-timeline": "en/chronologie/",
    "en-knowledge": "en/le-psoc/",
    "recherche": "recherche/",  # --- search --- (no words: nothing of the index is fetched)
    "en-search": "en/recherche/",
}
WIDTHS = {"telephone": 390, "bureau": 1280}
# The site's published address: its own host in production, answered locally here.
SITE_URL = "https://www.ctroc.org/info-psoc/"


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    message = f"{what} manque : lancez `make test` (npm ci) ou `.ci/run` (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def java_vnu():
    _need(VNU_JAR.is_file() and shutil.which("java") is not None, "vnu.jar (npm) ou Java")


# the browser fixture (one Chromium per session) is in conftest.py


@pytest.fixture(scope="session")
def built_site(real_site) -> Path:
    """The real site, built once per session with the real command, PDFs included (conftest.real_build)."""
    return real_site


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the screenshots go: a temporary folder (pytest keeps its last three runs' folders, under
    /tmp/pytest-of-<user>/pytest-current/screenshots0/), or the folder named by
    ``INFOPSOC_SCREENSHOTS`` (to keep or publish them). Never the checkout."""
    chosen = os.environ.get("INFOPSOC_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def server(built_site):
    with LocalServer(built_site) as running:
        yield running


@pytest.fixture
def open_page(fresh_page):
    """Open a URL in a fresh context (conftest.fresh_page); each request watched."""
    def _open(url: str, origin: str, width: int = 1280):
        page = fresh_page(viewport={"width": width, "height": 900})
        watch = RequestWatch(page, origin, SITE_URL)
        page.goto(url, wait_until="load")
        return page, watch

    return _open


def _site_url() -> str:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in config.splitlines() if line.startswith("site_url:"))


# --- the real site ------------------------------------------------------------------------

def test_every_page_is_valid_html(built_site, java_vnu):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    assert vnu_errors(pages) == []


def test_internal_links_and_anchors_resolve(built_site):
    checker = LinkChecker(built_site, _site_url())
    assert checker.check_site() == []
    # the feeds and the export were really read
    assert checker.check_text(built_site / "rss.xml") == [] and "glossaire/psoc/" in (built_site / "glossaire.json").read_text()


# --- security --- (privacy: every page and feed, every resource attribute, read from the files)
def test_no_page_or_feed_asks_another_host(built_site):
    found, read = foreign_resources_in_site(built_site, SITE_URL)
    assert found == []
    pages = len(list(built_site.rglob("*.html")))
    feeds = len([*built_site.rglob("rss.xml"), *built_site.rglob("atom.xml")])
    assert pages > 50 and feeds == 4 and read == pages + feeds  # every page, the two feeds of each language


def test_the_golden_site_asks_no_other_host():
    found, read = foreign_resources_in_site(GOLDEN_SITE, SITE_URL)
    assert found == [] and read > 20


OTHER = "https://tiers.example"
FOREIGN = {
    "img src": f'<img src="{OTHER}/a.png" alt="">',
    "img srcset": f'<img src="a.png" srcset="b.png 1x, {OTHER}/b.png 2x" alt="">',
    "source srcset": f'<picture><source srcset="{OTHER}/c.webp"><img src="c.png" alt=""></picture>',
    "video poster": f'<video src="v.mp4" poster="{OTHER}/p.jpg"></video>',
    "audio src": f'<audio src="{OTHER}/s.mp3"></audio>',
    "track src": f'<video src="v.mp4"><track src="{OTHER}/t.vtt"></video>',
    "object data": f'<object data="{OTHER}/o.swf"></object>',
    "embed src": f'<embed src="{OTHER}/e.swf">',
    "iframe src": f'<iframe src="{OTHER}/f.html"></iframe>',
    "script src": f'<script src="{OTHER}/x.js"></script>',
    "link stylesheet": f'<link rel="stylesheet" href="{OTHER}/s.css">',
    "link preload": f'<link rel="preload" as="font" href="//tiers.example/f.woff2">',
    "base href": f'<base href="{OTHER}/">',
    "style attribute url()": f'<p style="background: url({OTHER}/bg.png)">x</p>',
    "style element url()": f'<style>body {{ background: url("{OTHER}/bg.png") }}</style>',
    "style element @import": f'<style>@import "{OTHER}/i.css";</style>',
    "meta refresh": f'<meta http-equiv="refresh" content="0; url={OTHER}/">',
    "form action": f'<form action="{OTHER}/collect"><input name="q"></form>',
    "input image": f'<input type="image" src="{OTHER}/b.png" alt="ok">',
    "table background": f'<table background="{OTHER}/t.png"><tr><td>x</td></tr></table>',
    "svg image href": f'<svg><image href="{OTHER}/i.svg"></image></svg>',
    "svg xlink:href": f'<svg><use xlink:href="{OTHER}/sprite.svg#i"></use></svg>',
    "a ping": f'<a href="page.html" ping="{OTHER}/track">x</a>',
    "entity-encoded host": '<img src="https&#58;//tiers.example/e.png" alt="">',
}


@pytest.mark.parametrize("snippet", FOREIGN.values(), ids=FOREIGN.keys())
def test_the_privacy_check_finds_each_kind_of_resource(snippet):
    page = f"<!doctype html><html><head><title>t</title></head><body>{snippet}</body></html>"
    assert len(foreign_resources(page, SITE_URL, "page.html")) == 1


def test_the_privacy_check_lets_links_and_the_sites_own_resources_pass():
    page = (f'<!doctype html><html><head><link rel="stylesheet" href="{SITE_URL}assets/a.css">'
            '<link rel="icon" href="../assets/favicon.svg"></head><body>'
            f'<a href="{OTHER}/page">a link is followed only when clicked</a>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">'
            '<img src="/info-psoc/a.png" srcset="a.png 1x, a@2x.png 2x" alt=""></body></html>')
    assert foreign_resources(page, SITE_URL, "page.html") == []


def test_the_privacy_check_reads_the_html_inside_feeds(tmp_path):
    rss, atom = tmp_path / "rss.xml", tmp_path / "atom.xml"
    rss.write_text('<rss version="2.0"><channel><image><url>https://tiers.example/logo.png</url></image><item>'
                   '<description>&lt;p&gt;Texte&lt;img src="https://tiers.example/pixel.gif"&gt;&lt;/p&gt;</description>'
                   f'<enclosure url="{SITE_URL}pdf/x.pdf" type="application/pdf" length="1"/></item></channel></rss>',
                   encoding="utf-8")
    atom.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">'
                    '&lt;video poster="https://tiers.example/p.jpg"&gt;&lt;/video&gt;</content>'
                    '<link rel="enclosure" href="https://tiers.example/x.pdf"/></entry></feed>', encoding="utf-8")
    assert len(foreign_resources_in_feed(rss, SITE_URL)) == 2
    assert len(foreign_resources_in_feed(atom, SITE_URL)) == 2


@pytest.mark.parametrize("kind", PAGES)
def test_page_is_accessible_private_and_screenshotted(kind, server, open_page, screenshots):
    for name, width in WIDTHS.items():
        page, watch = open_page(f"{server.origin}/{PAGES[kind]}", server.origin, width)
        # the first screen as a reader sees it, then the whole page (in a full-page capture the
        # header's tabs fade out: Material reacts to the enlarged viewport; not a defect of the site)
        page.screenshot(path=str(screenshots / f"{kind}-{name}.png"))
        page.screenshot(path=str(screenshots / f"{kind}-{name}-page.png"), full_page=True)
        assert axe_violations(page) == [], f"{kind} à {width} px"
        page.wait_for_load_state("networkidle")
        assert watch.foreign == [], f"{kind} : requêtes vers d'autres hôtes"
        # Material's language integration asked for …/<page>/sitemap.xml beside each hreflang link
        # (a 404 in production) and for the sitemap itself: markup.repair_material_script
        assert [url for url in watch.requests if url.endswith("sitemap.xml")] == [], kind
        assert watch.console_errors == [], f"{kind} : erreurs dans la console"
        assert watch.set_cookie == [] and cookies_set(page) == [], f"{kind} : cookie"


def test_keyboard_reaches_search_switcher_pdf_and_footnotes(server, open_page):
    page, _ = open_page(f"{server.origin}/{PAGES['bulletin']}", server.origin)
    stops = tab_through(page)
    labels = [(s["cls"], s["href"], s["label"]) for s in stops]
    assert any("ip-search-form__input" in cls for cls, _, _ in labels), labels  # --- search ---
    assert any(label.startswith("Version imprimable (PDF") and href.endswith(".pdf") for _, href, label in labels), labels
    assert any(href.startswith("#fn:") for _, href, _ in labels), labels  # a footnote call
    assert any(href.startswith("#fnref") for _, href, _ in labels), labels  # back from the note
    assert any("ip-lang-en" in cls for cls, _, _ in labels), labels  # the language switcher
    assert invisible_focus(stops) == []


# --- each checker fails on a known-bad page ----------------------------------------------

BAD = {
    "invalid.html": "<!doctype html><html lang=fr><title>x</title><p><div>bloc</p></span>",
    "no-alt.html": ('<!doctype html><html lang="fr"><head><title>x</title></head><body><main>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                    '<p style="color:#bbb;background:#fff">pâle</p></main></body></html>'),
    "links.html": ('<!doctype html><html lang="fr"><head><title>x</title></head><body>'
                   '<a href="absent/">a</a> <a href="#nulle-part">b</a> <a href="ok.html#la">c</a>'
                   ' <a href="ok.html#ici">d</a> <a href="/info-psoc/ok.html">e</a> <a href="https://ailleurs.example/">f</a></body></html>'),
    "ok.html": '<!doctype html><html lang="fr"><head><title>x</title></head><body><p id="ici">ici</p></body></html>',
    "tracker.html": ('<!doctype html><html lang="fr"><head><title>x</title></head><body>'
                     '<img alt="" src="http://example.invalid/x.png"><script>document.cookie = "suivi=1; path=/";</script>'
                     '</body></html>'),
    "no-focus.html": ('<!doctype html><html lang="fr"><head><title>x</title>'
                      '<style>a:focus, a:focus-visible { outline: none; box-shadow: none; }</style></head>'
                      '<body><a href="#a" id="a">un</a> <a href="#b" id="b">deux</a></body></html>'),
}


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, text in BAD.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_vnu_rejects_invalid_html(bad_site, java_vnu):
    errors = vnu_errors([bad_site / "invalid.html", bad_site / "ok.html"])
    assert errors and all("invalid.html" in e for e in errors)


def test_link_checker_rejects_broken_links_and_anchors(bad_site):
    failures = LinkChecker(bad_site, "https://www.ctroc.org/info-psoc/").check_page(bad_site / "links.html")
    assert len(failures) == 3, failures
    assert "absent/" in failures[0] and "#nulle-part" in failures[1] and "ok.html#la" in failures[2]
    feed = bad_site / "feed.xml"
    feed.write_text('<rss><item><link>https://www.ctroc.org/info-psoc/perdu/</link>'
                    '<link>https://www.ctroc.org/info-psoc/ok.html#ici</link></item></rss>', encoding="utf-8")
    assert len(LinkChecker(bad_site, "https://www.ctroc.org/info-psoc/").check_text(feed)) == 1


def test_browser_checkers_reject_bad_pages(bad_site, open_page):
    with LocalServer(bad_site) as local:
        page, _ = open_page(f"{local.origin}/no-alt.html", local.origin)
        found = " ".join(axe_violations(page))
        assert "image-alt" in found and "color-contrast" in found

        page, watch = open_page(f"{local.origin}/tracker.html", local.origin)
        assert watch.foreign == ["http://example.invalid/x.png"]
        assert cookies_set(page)

        page, _ = open_page(f"{local.origin}/no-focus.html", local.origin)
        stops = tab_through(page)
        assert len(stops) == 2 and len(invisible_focus(stops)) == 2

        page, _ = open_page(f"{local.origin}/ok.html", local.origin)
        assert axe_violations(page) == [] and cookies_set(page) == []


def test_materials_script_is_repaired_and_the_repair_keeps_its_length():
    """The installed Material's bundle has the selector the repair expects (an upgrade that changes it
    fails here, not silently), and the repaired bundle keeps its length (its source map stays right)."""
    import material

    from infopsoc.pipeline.repairs import repair_material_script

    bundles = list((Path(material.__file__).parent / "templates/assets/javascripts").glob("bundle.*.min.js"))
    assert len(bundles) == 1
    script = bundles[0].read_text(encoding="utf-8")
    repaired = repair_material_script(script)
    assert repaired != script and len(repaired) == len(script)
    assert "link[rel=alternate]" not in repaired
    assert repair_material_script(repaired) == repaired
