"""What keeps the pages light on a phone (Lighthouse, `make bench`): listing pages without a
table of contents, archive cards without permalinks, a search index without the repeats of
other pages, the print stylesheet out of the rendering path."""

from __future__ import annotations

import json
import re

import markdown
import pytest

from conftest import bulletin_text, search_index_pages
from infopsoc.core.urls import SEARCH_BUNDLE
from infopsoc.render.headings import prune_tokens


# --- infopsoc.render.headings: {: data-toc-exclude } -------------------------------------------------

def _convert(text: str) -> tuple[str, list[dict]]:
    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "toc", "infopsoc.render.headings"],
                           extension_configs={"toc": {"permalink": True, "permalink_title": "Lien"}})
    return md.convert(text), md.toc_tokens


def _ids(tokens: list[dict]) -> list[str]:
    return [i for t in tokens for i in (t["id"], *_ids(t["children"]))]


def test_a_marked_heading_keeps_its_id_but_has_no_permalink_and_no_toc_entry():
    html, tokens = _convert("# Page\n\n## Année {: #y }\n\n<article markdown=\"1\">\n\n"
                            "### [Un numéro](n.md) {: #n1 data-toc-exclude }\n\nRésumé.\n\n</article>\n")
    assert '<h3 id="n1"><a href="n.md">Un numéro</a></h3>' in html
    assert 'href="#y"' in html  # unmarked headings keep theirs
    assert "data-toc-exclude" not in html
    assert _ids(tokens) == ["page", "y"]


def test_the_headings_under_a_marked_one_move_up_in_the_toc():
    html, tokens = _convert("# Page\n\n## Gardé\n\n## Caché {: data-toc-exclude }\n\n### Dessous\n")
    assert [t["id"] for t in tokens[0]["children"]] == ["garde", "dessous"]
    assert 'id="cache"' in html and 'href="#cache"' not in html


def test_prune_tokens_leaves_its_input_alone():
    tokens = [{"id": "a", "children": [{"id": "b", "children": []}]}]
    assert prune_tokens(tokens, {"b"}) == [{"id": "a", "children": []}]
    assert tokens[0]["children"] == [{"id": "b", "children": []}]


# --- the built pages --------------------------------------------------------------------------

@pytest.fixture
def built(tree):
    tree.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: \"Programme de soutien aux organismes "
                                   "communautaires\"\n---\nLe programme.\n")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Premier numéro", "2016-05", body="## Le PSOC\n\nLe PSOC finance la mission globale.\n"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(
        2, "Deuxième numéro", "2017-10", body="## Suite\n\nLe PSOC encore, et le rehaussement.\n"))
    tree.write("timeline/1973-naissance.md", "---\ndate: 1973\ntitle: \"Naissance du programme\"\n"
                                             "sources:\n  - bulletin: info-psoc-01\nterms: [PSOC]\n---\n"
                                             "Un événement daté.\n")
    tree.build()
    return tree


def _index(tree) -> dict[str, dict]:
    return search_index_pages(tree.root / "site" / SEARCH_BUNDLE)


def test_a_bulletin_keeps_its_table_of_contents(built):
    html = built.read("bulletins/info-psoc-01/index.html")
    assert 'data-md-component="toc"' in html and 'href="#le-psoc"' in html


def test_the_search_index_holds_each_text_once(built):
    pages = _index(built)
    # the pages' own text is there
    assert {"/bulletins/info-psoc-01/", "/glossaire/psoc/", "/chronologie/"} <= set(pages)
    assert "Un événement daté" in pages["/chronologie/"]["content"]
    # the lists of other pages are not: archive cards and years, a term's bulletins, the glossary's letters
    assert "Premier numéro" not in pages["/bulletins/"]["content"] and "2016" not in pages["/bulletins/"]["content"]
    assert "Dans les bulletins" not in pages["/glossaire/psoc/"]["content"]
    text = " ".join(page["content"] for url, page in pages.items() if url.startswith("/bulletins/info-psoc-0"))
    # nor, in a bulletin, the acronyms box, the timeline's events or the links to the other issues
    assert "Quelques acronymes" not in text and "Naissance du programme" not in text
    assert "Numéro suivant" not in text and "Numéro précédent" not in text
    # the box and the links are still on the page
    page = built.read("bulletins/info-psoc-01/index.html")
    assert "Quelques acronymes" in page and "Naissance du programme" in page and "Numéro suivant" in page
    assert "data-toc-exclude" not in page


def test_the_print_stylesheet_does_not_delay_display(built):
    html = built.read("bulletins/info-psoc-01/index.html")
    links = re.findall(r'<link rel="stylesheet"[^>]*>', html)
    printed = [link for link in links if "print.css" in link]
    assert printed == ['<link rel="stylesheet" href="../../assets/stylesheets/print.css" media="print">']
    assert html.index("infopsoc.css") < html.index("print.css")  # it overrides the screen styles on paper


def _features(html: str) -> list[str]:
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1)
    return json.loads(config)["features"]


def test_a_page_with_too_many_titles_for_materials_tooltips_keeps_the_browsers(built):
    from infopsoc.pipeline.repairs import TOOLTIP_LIMIT

    # a timeline of many events, each naming the term (each occurrence an <abbr title>)
    for i in range(TOOLTIP_LIMIT // 3 + 1):
        built.write(f"timeline/1980-{i:03d}-evenement.md", f"---\ndate: 1980\ntitle: \"Événement {i}\"\n"
                                                           "sources:\n  - bulletin: info-psoc-01\n---\n"
                                                           "Le PSOC, le PSOC et le PSOC.\n")
    built.build()
    timeline = built.read("chronologie/index.html")
    assert timeline.count("<abbr title=") > TOOLTIP_LIMIT
    assert "content.tooltips" not in _features(timeline)  # the browser shows the same title
    bulletin = built.read("bulletins/info-psoc-01/index.html")
    assert '<abbr title="Programme de soutien' in bulletin and "content.tooltips" in _features(bulletin)
