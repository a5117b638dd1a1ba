"""Front matter injected into pages (issue 19): every value is shown exactly as typed, everywhere.

One real build (PDF included) of a tree whose bulletin and term carry HTML-looking text; the pages
are parsed as a browser would (html5 parser), the feeds by feedparser, the search index (and the search page, in Chromium) and
the PDF read back with pypdf: each holds the text, nothing of it became markup.
"""

from __future__ import annotations

import json

import feedparser
import pytest
from lxml import html as lxml_html

from conftest import REPO, Tree, populate, search_index_pages
from infopsoc.core.urls import SEARCH_BUNDLE

TITLE = 'Les "balises" et la <Loi 120> & <script>alert(1)</script>'
SUMMARY = 'Résumé "><img src=x onerror=alert(2)> & fin'
EXPANSION = 'Centre <b onmouseover=alert(3)>intégré</b> & "services"'


def _yaml(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tree = populate(Tree(tmp_path_factory.mktemp("injection") / "project"))
    tree.write("bulletins/info-psoc-02.md", f"---\nnumber: 2\ntitle: {_yaml(TITLE)}\ndate: 2017-11-02\n"
                                           f"summary: {_yaml(SUMMARY)}\n---\n\nLe texte.\n")
    tree.write("glossary/cisss.md", f"---\nterm: CISSS\nexpansion: {_yaml(EXPANSION)}\n---\nLa définition.\n")
    tree.write("content/recherche.md", (REPO / "content/recherche.md").read_text(encoding="utf-8"))
    return tree.build(pdf=True)


def _page(site, rel):
    return lxml_html.document_fromstring((site / rel).read_bytes())


def test_a_bulletin_title_and_summary_are_text_in_every_place_of_its_page(site):
    page = _page(site, "bulletins/info-psoc-02/index.html")
    assert page.findtext(".//title") == f"Info-PSOC no\u00a02 — {TITLE} - Info-PSOC"
    assert page.xpath("string(//meta[@name='description']/@content)") == SUMMARY
    assert page.xpath("string(//meta[@property='og:title']/@content)") == f"Info-PSOC no\u00a02 — {TITLE}"
    assert page.xpath("string(//meta[@property='og:description']/@content)") == SUMMARY
    assert page.xpath("string(//article//h1)").strip().removesuffix("¶") == TITLE
    assert page.xpath("string(//p[@class='ip-summary'])") == SUMMARY
    header_title = page.xpath("string(//*[contains(@class,'md-header__topic')][last()])").strip()
    assert header_title == f"Info-PSOC no\u00a02 — {TITLE}"
    _nothing_injected(page)


@pytest.mark.parametrize("rel", ["index.html", "bulletins/index.html", "glossaire/index.html",
                                 "glossaire/cisss/index.html", "bulletins/info-psoc-01/index.html"])
def test_no_value_became_markup_on_any_page(site, rel):
    _nothing_injected(_page(site, rel))


def test_a_term_is_text_on_its_page(site):
    page = _page(site, "glossaire/cisss/index.html")
    assert page.findtext(".//title") == f"CISSS — {EXPANSION} - Info-PSOC"
    assert page.xpath("string(//meta[@name='description']/@content)") == EXPANSION
    assert page.xpath("string(//p[@class='ip-expansion'])") == EXPANSION


def _nothing_injected(page) -> None:
    assert [s.text for s in page.iter("script") if s.text and "alert(" in s.text] == []
    assert page.xpath("//img[@src='x']") == []
    assert page.xpath("//*[@onerror or @onmouseover]") == []


def test_the_search_holds_and_shows_the_title_as_text(site, browser):
    """The search index (outputs/search.py) holds the title as text, and the search page shows the
    title and the excerpt as text: nothing of them becomes an element."""
    from site_checks import LocalServer

    page = search_index_pages(site / SEARCH_BUNDLE)["/bulletins/info-psoc-02/"]
    assert page["meta"]["title"] == TITLE and TITLE in page["content"]
    with LocalServer(site) as local:
        tab = browser.new_page()
        try:
            tab.goto(f"{local.origin}/recherche/?q=balises")
            tab.wait_for_selector(".ip-search__result")
            result = tab.query_selector(".ip-search__result")
            assert result.query_selector(".ip-search__title a").text_content() == TITLE
            assert "la <Loi 120> &" in result.query_selector(".ip-search__excerpt").text_content()
            assert tab.query_selector_all(".ip-search__list img, .ip-search__list script, .ip-search__list loi") == []
        finally:
            tab.close()


@pytest.mark.parametrize("feed", ["rss.xml", "atom.xml"])
def test_the_feeds_hold_the_title_as_typed(site, feed):
    parsed = feedparser.parse((site / feed).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    entry = next(e for e in parsed.entries if e.link.endswith("/info-psoc-02/"))
    assert TITLE in entry.title


def test_the_pdf_holds_the_title_as_typed(site):
    from pypdf import PdfReader

    reader = PdfReader(next(site.rglob("info-psoc-02*.pdf")))
    assert TITLE in reader.metadata.title
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert 'Les "balises" et la <Loi 120> &' in text
