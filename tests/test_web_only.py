"""One description of a bulletin for every output: what the web page holds for the web only
(core.html: the page header, the previous/next issues, « Dans la chronologie », the headings'
permalinks) reaches neither the feeds (rss.xml, atom.xml) nor the PDF's print document.

Checked on a real build of the fixture project, on bulletin no 2, whose page has all of them.
"""

from __future__ import annotations

import feedparser
import lxml.html
import pytest

from conftest import fixture_project
from infopsoc.core.html import WEB_ONLY_CLASSES, is_web_only
from infopsoc.outputs.pdf import print_html

SLUG = "info-psoc-02"
BODY = ("Ce qui a été confirmé", "La consultation portera sur quatre thèmes.", "Selon le ministère, à l'automne.")


def web_only_elements(html: str) -> list[str]:
    """Each element of ``html`` that core.html says is web-only: tag and classes."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [f"<{e.tag} class=\"{e.get('class')}\">" for e in root.iter() if is_web_only(e.get("class"))]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tree = fixture_project(tmp_path_factory.mktemp("web-only") / "project")
    tree.build(pdf=False)
    return tree


def test_the_bulletin_page_has_every_web_only_part(built):
    """The input of the outputs holds them all (else the tests below would prove nothing)."""
    rendered = built.plugin.rendered[SLUG]
    found = " ".join(web_only_elements(rendered))
    for name in WEB_ONLY_CLASSES - {"ip-web-only"}:
        assert name in found, name
    assert "ip-in-timeline ip-web-only" in found and "Dans la chronologie" in rendered
    page = built.read(f"bulletins/{SLUG}/index.html")
    assert "Dans la chronologie" in page and 'class="headerlink"' in page


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_no_web_only_element_reaches_the_feeds(built, name):
    raw = built.read(name)
    entry = next(e for e in feedparser.parse(raw.encode("utf-8")).entries if SLUG in e.link)
    content = entry.content[0].value
    for text in BODY:
        assert text in content  # the bulletin's text is there...
    assert web_only_elements(content) == []  # ...and nothing of the web page's chrome
    assert "Dans la chronologie" not in raw and "ip-in-timeline" not in raw
    assert "headerlink" not in raw and "ip-prevnext" not in raw and "ip-bulletin-head" not in raw


def test_no_web_only_element_reaches_the_print_document(built):
    site = built.plugin.site
    bulletin = next(b for b in site.bulletins if b.slug == SLUG and b.lang == "fr")
    document = print_html(bulletin, built.plugin.build.publishable()[SLUG].html, site_url=site.settings.site_url,
                          author="CTROC", lang="fr").html
    body = lxml.html.document_fromstring(document).find("body")
    text = body.text_content()
    for expected in BODY:
        assert expected in text
    assert web_only_elements(lxml.html.tostring(body, encoding="unicode")) == []
    assert "Dans la chronologie" not in document and "¶" not in text
    for name in ("ip-in-timeline", "ip-prevnext", "headerlink", "ip-bulletin-head"):
        assert name not in document, name
