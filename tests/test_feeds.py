"""The RSS and Atom feeds: real MkDocs builds of a fixture tree, read back with feedparser.

One test per rule of the W3C Feed Validation Service that the issue lists, checked
without the network on the files the build wrote.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import locale
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import lxml.html
import frontmatter
import pytest
from lxml import etree

from conftest import REPO, TODAY, Tree, bulletin_text, french_punctuation
from infopsoc.content.bulletins import load_bulletins
from infopsoc.outputs.feeds import FEED_ENTRIES, Enclosure, build_feeds, entry_id, publication_time
from infopsoc.outputs.publishable import publishable_html

SITE_URL = "https://www.ctroc.org/info-psoc/"
NS = {"atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/",
      "dc": "http://purl.org/dc/elements/1.1/"}
TORONTO = ZoneInfo("America/Toronto")

# A title and a text that XML, HTML and Markdown each want to change.
TRICKY_TITLE = 'Budget & « priorités » < 2018 : l\'« essentiel », "vraiment" 🎉'
TRICKY_SUMMARY = 'Les < 10 % & les « hausses » "réelles" 🎉.'
# the same, as French typography prints them (no-break spaces: core/typography.py)
TRICKY_TITLE_FR = 'Budget & «\u00a0priorités\u00a0» < 2018\u00a0: l\'«\u00a0essentiel\u00a0», "vraiment" 🎉'
TRICKY_SUMMARY_FR = 'Les < 10\u00a0% & les «\u00a0hausses\u00a0» "réelles" 🎉.'
TRICKY_TEXT = 'Le PSOC & les < 10 % : « hausses » "réelles" et l\'avenir 🎉.'
TRICKY_TEXT_FR = 'Le PSOC & les < 10\u00a0%\u00a0: «\u00a0hausses\u00a0» "réelles" et l\'avenir 🎉.'

UNSAFE_BODY = """\
Voir le [numéro 3](info-psoc-03.md#revision-brochure-psoc) et la photo.

![Photo de l'assemblée](../assets/images/photo.png)

<p>Texte qui reste.</p>

<p><a href="https://www.exemple.org/">piège</a> et <a href="mailto:info@exemple.org">autre piège</a>.</p>

<p><img src="../../assets/images/photo.png" alt="Photo brute"></p>
"""
# --- security --- what the build refuses since issue 19 (raw_html.py) no longer reaches the feeds through a
# build: the feeds' own cleaning of it is tested on the HTML directly (test_clean_html_…)
HOSTILE_HTML = """\
<style>p { color: red; }</style>
<p style="color: red" onmouseover="alert(1)">Texte qui reste.</p>
<p><a href="javascript:alert(1)" onclick="alert(2)">piège</a> et <a href=" jav&#x09;ascript:alert(3)">autre piège</a>.</p>
<p><img src="../../assets/images/photo.png" srcset="https://evil.example/p.png 2x" alt="Photo brute"></p>
"""


def _tricky_bulletin() -> str:
    def single_quoted(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"
    return "\n".join([
        "---", "number: 4", f"title: {single_quoted(TRICKY_TITLE)}", "date: 2018-01-15",
        f"summary: {single_quoted(TRICKY_SUMMARY)}", "topics:", "  - Budget & « priorités »",
        "---", "", TRICKY_TEXT, "",
    ])


def _fill(tree: Tree) -> Tree:
    # the real #3, without the list of its « Quelques acronymes » box (this tree has no glossary to explain them)
    real = (REPO / "bulletins/info-psoc-03.md").read_text(encoding="utf-8")
    tree.write("bulletins/info-psoc-03.md", re.sub(r"^acronyms:\n(?:  - .*\n)+", "", real, count=1, flags=re.M))
    tree.write("content/assets/images/photo.png", (REPO / "theme/assets/images/info-psoc-icon.png").read_bytes())
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05-02", body=UNSAFE_BODY,
                                                          topics=["Convention"]))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième du même mois", "2017-10"))
    tree.write("bulletins/info-psoc-04.md", _tricky_bulletin())
    tree.write("bulletins/info-psoc-05.md", bulletin_text(5, "Brouillon secret", "2018-02", draft="true"))
    return tree


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Tree:
    tree = _fill(Tree(tmp_path_factory.mktemp("feeds") / "project"))
    tree.build()
    return tree


def _xml(tree: Tree, name: str) -> etree._Element:
    return etree.fromstring((tree.root / "site" / name).read_bytes())


def _parsed(tree: Tree, name: str):
    return feedparser.parse((tree.root / "site" / name).read_bytes())


def _contents(tree: Tree) -> list[str]:
    """Every HTML text of both feeds: content and description/summary."""
    rss, atom = _xml(tree, "rss.xml"), _xml(tree, "atom.xml")
    texts = [e.text for e in rss.iterfind("channel/item/content:encoded", NS)]
    texts += [e.text for e in rss.iterfind("channel/item/description")]
    texts += [e.text for e in atom.iterfind("atom:entry/atom:content", NS)]
    assert len(texts) == 12
    return texts


def _site_file(tree: Tree, url: str) -> Path:
    path = urlsplit(urldefrag(url)[0]).path
    rel = path[len(urlsplit(SITE_URL).path):]
    target = tree.root / "site" / rel
    return target / "index.html" if rel == "" or rel.endswith("/") else target


# --- what the feeds must show ----------------------------------------------------------

@pytest.mark.parametrize("name, version", [("rss.xml", "rss20"), ("atom.xml", "atom10")])
def test_feeds_parse_without_error_newest_first_without_drafts(built, name, version):
    feed = _parsed(built, name)
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == version
    assert [e.title.split(" — ")[0] for e in feed.entries] == [f"Info-PSOC no\u00a0{n}" for n in (4, 3, 2, 1)]
    assert b"Brouillon secret" not in (built.root / "site" / name).read_bytes()


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_info_psoc_3_is_listed_with_its_full_text(built, name):
    entry = next(e for e in _parsed(built, name).entries if e.id == "tag:ctroc.org,2017-10:info-psoc/fr/3")
    real = frontmatter.load(REPO / "bulletins/info-psoc-03.md")
    # as printed in French: no-break spaces before « : », thin ones before « ! », in « no 3 »
    assert entry.title == "Info-PSOC no\u00a03 — " + french_punctuation(real["title"])
    assert entry.link == SITE_URL + "bulletins/info-psoc-03/"
    assert [t.term for t in entry.tags] == ["Révision de la brochure PSOC", "Représentations politiques",
                                          "Liens CTROC et TRPOCB", "Engagez-vous pour le communautaire"]
    assert entry.summary.startswith("Le MSSS tarde à préciser le contenu")
    content = entry.content[0].value
    text = lxml.html.fragment_fromstring(content, create_parent="div").text_content()
    for sentence in [
        "Par ce bulletin, la Coalition des Tables régionales",
        "Une délégation de la TRPOCB a rencontré les fonctionnaires du MSSS le 19 octobre.",
        "nourrir la réflexion collective au sujet de son amélioration",
        "Rappelons-nous que la Convention PSOC actuelle est le fruit de 18\u00a0mois",  # « 18 mois »: no break
        "Pour rejoindre et suivre la CTROC",
        "La brochure n’a fait l’objet d’aucune révision majeure depuis sa création en 1973",  # last footnote
    ]:
        assert sentence in text
    assert content.count('class="footnote-ref"') == 3
    assert content.count('class="admonition') >= 4
    # the page's own header and navigation, and MkDocs' ¶ anchors, stay on the site
    assert "headerlink" not in content and "¶" not in text
    assert "ip-bulletin-head" not in content and "ip-prevnext" not in content


def test_every_link_of_the_feeds_resolves_to_a_file_in_site(built):
    urls: list[str] = []
    for name in ("rss.xml", "atom.xml"):
        root = _xml(built, name)
        urls += [e.get("href") for e in root.iter("{%s}link" % NS["atom"])]
        urls += [e.text for e in root.iter("link") if e.text]
        urls += [e.text for e in root.iter("url", "{%s}icon" % NS["atom"], "{%s}logo" % NS["atom"])]
    for html in _contents(built):
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        for element, _attribute, link, _pos in fragment.iterlinks():
            urls.append(link)
    internal = [u for u in urls if u.startswith(SITE_URL)]
    external = [u for u in urls if not u.startswith(SITE_URL)]
    for url in internal:
        assert _site_file(built, url).is_file(), url
    for url in external:
        assert urlsplit(url).scheme in {"http", "https", "mailto"}, url
    # not vacuous: the pages, the image in a bulletin, the feeds' images, both feeds
    for expected in ["bulletins/info-psoc-03/", "assets/images/photo.png", "assets/images/info-psoc-icon.png",
                     "assets/images/info-psoc-logo.png", "rss.xml", "atom.xml"]:
        assert SITE_URL + expected in internal, expected


def test_two_builds_give_byte_identical_feeds(tmp_path):
    tree = _fill(Tree(tmp_path / "project"))
    tree.build()
    first = {name: tree.read(name).encode() for name in ("rss.xml", "atom.xml")}
    shutil.rmtree(tree.root / "site")
    tree.build()
    assert {name: tree.read(name).encode() for name in ("rss.xml", "atom.xml")} == first


def _as_text(detail) -> str:
    """What a reader shows: the text itself, or the text of the HTML."""
    if detail.type == "text/html":
        return lxml.html.fragment_fromstring(detail.value, create_parent="div").text_content()
    assert detail.type == "text/plain"
    return detail.value


def test_a_bulletin_with_markup_characters_and_emoji_comes_through_intact(built):
    for name in ("rss.xml", "atom.xml"):
        entry = next(e for e in _parsed(built, name).entries if e.id.endswith("/fr/4"))
        assert entry.title == f"Info-PSOC no\u00a04 — {TRICKY_TITLE_FR}"
        assert _as_text(entry.summary_detail) == TRICKY_SUMMARY_FR
        assert [t.term for t in entry.tags] == ["Budget & « priorités »"]
        content = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
        assert content.text_content().strip() == TRICKY_TEXT_FR
    # the page itself kept its front matter (an emoji once made MkDocs drop it) and
    # shows no footnotes placeholder (Markdown leaves one when there is no footnote)
    page = built.read("bulletins/info-psoc-04/index.html")
    assert lxml.html.fromstring(page).findtext(".//title") == f"Info-PSOC no\u00a04 — {TRICKY_TITLE_FR} - Info-PSOC"
    assert "Footnotes Go Here" not in page


def test_the_enclosure_hook_announces_a_file_in_both_formats(tmp_path):
    folder = _mkdir(tmp_path / "bulletins")
    (folder / "info-psoc-03.md").write_text(bulletin_text(3, "Troisième", "2017-10"), encoding="utf-8")
    (folder / "info-psoc-02.md").write_text(bulletin_text(2, "Deuxième", "2017-09"), encoding="utf-8")
    bulletins, problems = load_bulletins(folder, tmp_path, TODAY)
    assert problems == []
    pdf = tmp_path / "info-psoc-03.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 1000)
    url = SITE_URL + "bulletins/info-psoc-03/info-psoc-03.pdf"
    feeds = build_feeds(bulletins, {}, site_url=SITE_URL, lang="fr",
                        enclosure=lambda b: Enclosure.for_file(url, pdf, "application/pdf") if b.number == 3 else None)
    for name in ("rss.xml", "atom.xml"):
        entries = feedparser.parse(feeds[name]).entries
        announced = [(e.id, [(x.href, x.length, x.type) for x in e.enclosures]) for e in entries]
        assert announced == [("tag:ctroc.org,2017-10:info-psoc/fr/3", [(url, "1009", "application/pdf")]),
                             ("tag:ctroc.org,2017-10:info-psoc/fr/2", [])]
        assert entries[0].link == SITE_URL + "bulletins/info-psoc-03/"
    item = etree.fromstring(feeds["rss.xml"]).find("channel/item")
    assert item.find("enclosure").attrib == {"url": url, "length": "1009", "type": "application/pdf"}


def test_the_feeds_hold_the_newest_issues_only(tmp_path):
    folder = _mkdir(tmp_path / "bulletins")
    count = FEED_ENTRIES + 5
    for n in range(1, count + 1):
        (folder / f"info-psoc-{n:02d}.md").write_text(
            bulletin_text(n, f"Numéro {n}", f"{2000 + n // 12}-{n % 12 + 1:02d}"), encoding="utf-8")
    bulletins, problems = load_bulletins(folder, tmp_path, TODAY)
    assert problems == [] and len(bulletins) == count
    feeds = build_feeds(bulletins, {}, site_url=SITE_URL, lang="fr")
    for name in ("rss.xml", "atom.xml"):
        ids = [e.id for e in feedparser.parse(feeds[name]).entries]
        assert ids == [f"tag:ctroc.org,2017-10:info-psoc/fr/{n}" for n in range(count, count - FEED_ENTRIES, -1)]


def test_a_feed_without_bulletins_is_valid_and_dated_by_the_authority(tmp_path):
    feeds = build_feeds([], {}, site_url=SITE_URL, lang="fr")
    for name in ("rss.xml", "atom.xml"):
        feed = feedparser.parse(feeds[name])
        assert feed.bozo is False and feed.entries == []
    assert etree.fromstring(feeds["atom.xml"]).findtext("atom:updated", namespaces=NS) == "2017-10-01T12:00:00-04:00"


def test_the_id_does_not_follow_what_staff_may_edit(tmp_path):
    def only_bulletin(text: str, name: str = "info-psoc-03.md"):
        folder = tmp_path / name.removesuffix(".md") / "bulletins"
        folder.mkdir(parents=True)
        (folder / name).write_text(text, encoding="utf-8")
        items, problems = load_bulletins(folder, folder.parent, TODAY)
        assert problems == []
        return items[0]

    original = only_bulletin(bulletin_text(3, "Titre", "2017-10", summary="Un."))
    edited = only_bulletin(bulletin_text(3, "Titre corrigé", "2017-10-18", summary="Deux."), "info-psoc-trois.md")
    assert entry_id(original) == entry_id(edited) == "tag:ctroc.org,2017-10:info-psoc/fr/3"


# --- the W3C Feed Validation Service's rules ---------------------------------------------

@pytest.mark.parametrize("name, media_type", [("rss.xml", "application/rss+xml"), ("atom.xml", "application/atom+xml")])
def test_rule_self_link_present_absolute_and_matching_the_feeds_place(built, name, media_type):
    root = _xml(built, name)
    selfs = [e for e in root.iter("{%s}link" % NS["atom"]) if e.get("rel") == "self"]
    assert len(selfs) == 1
    href = selfs[0].get("href")
    assert urlsplit(href).scheme == "https" and urlsplit(href).netloc == "www.ctroc.org"
    assert href == SITE_URL + name
    assert _site_file(built, href) == built.root / "site" / name
    assert selfs[0].get("type") == media_type
    if name == "rss.xml":  # the channel's <link> is the site, not the feed
        assert root.findtext("channel/link") == SITE_URL


RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                    r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}$")


def _rss_dates(rss: bytes) -> list[str]:
    root = etree.fromstring(rss)
    return [e.text for e in root.iter("pubDate", "lastBuildDate")]


def test_rule_rfc822_dates_parse_and_use_english_names(built):
    dates = _rss_dates((built.root / "site/rss.xml").read_bytes())
    assert len(dates) == 5  # the channel and four items
    for text in dates:
        assert RFC822.match(text), text
        assert email.utils.parsedate_to_datetime(text).tzinfo is not None
    root = _xml(built, "rss.xml")
    # a month-precision issue stands on the 1st at 12:00 in Toronto, plus its number in seconds
    third = next(i for i in root.iterfind("channel/item") if i.findtext("guid").endswith("/3"))
    assert third.findtext("pubDate") == "Sun, 01 Oct 2017 12:00:03 -0400"
    assert email.utils.parsedate_to_datetime(third.findtext("pubDate")) == dt.datetime(2017, 10, 1, 12, 0, 3, tzinfo=TORONTO)
    # the channel's date is the newest bulletin's, not the clock's
    assert root.findtext("channel/lastBuildDate") == "Mon, 15 Jan 2018 12:00:04 -0500"


@pytest.fixture
def french_locale(tmp_path, monkeypatch):
    """The process switched to fr_CA.UTF-8 (compiled here if the machine lacks it)."""
    saved = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, "fr_CA.UTF-8")
    except locale.Error:
        if not shutil.which("localedef"):
            pytest.skip("no fr_CA locale and no localedef to make one")
        result = subprocess.run(["localedef", "-i", "fr_CA", "-f", "UTF-8", str(tmp_path / "fr_CA.UTF-8")],
                                capture_output=True)
        if result.returncode != 0:
            pytest.skip("localedef could not make fr_CA.UTF-8")
        monkeypatch.setenv("LOCPATH", str(tmp_path))
        locale.setlocale(locale.LC_ALL, "fr_CA.UTF-8")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def test_rule_dates_keep_english_names_under_a_french_locale(tmp_path, french_locale):
    october = dt.datetime(2017, 10, 1)
    assert october.strftime("%a %b") != "Sun Oct", "the French locale is not active: the test would prove nothing"
    folder = _mkdir(tmp_path / "bulletins")
    (folder / "info-psoc-03.md").write_text(bulletin_text(3, "Troisième", "2017-10"), encoding="utf-8")
    bulletins, _ = load_bulletins(folder, tmp_path, TODAY)
    feeds = build_feeds(bulletins, {}, site_url=SITE_URL, lang="fr")
    assert _rss_dates(feeds["rss.xml"]) == ["Sun, 01 Oct 2017 12:00:03 -0400"] * 2
    assert october.strftime("%a %b") != "Sun Oct", "the feed builder must not change the process's locale"


def test_rule_guid_not_a_url_says_it_is_not_a_permalink(built):
    guids = list(_xml(built, "rss.xml").iterfind("channel/item/guid"))
    assert len(guids) == 4
    tag = re.compile(r"^tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
    for guid in guids:
        assert not guid.text.startswith(("http:", "https:"))
        assert guid.get("isPermaLink") == "false"
        assert tag.match(guid.text), guid.text


def test_rule_no_relative_url_inside_content(built):
    seen = set()
    for html in _contents(built):
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in fragment.iter():
            for attribute in ("href", "src", "cite", "poster"):
                if element.get(attribute) is not None:
                    value = element.get(attribute)
                    assert urlsplit(value).scheme, f"{attribute}={value!r}"
                    seen.add(value)
            for candidate in (element.get("srcset") or "").split(","):
                if candidate.strip():
                    assert urlsplit(candidate.split()[0]).scheme, candidate
    # the relative Markdown link, image and footnote of the sources, made absolute
    assert SITE_URL + "bulletins/info-psoc-03/#revision-brochure-psoc" in seen
    assert SITE_URL + "assets/images/photo.png" in seen
    assert SITE_URL + "bulletins/info-psoc-03/#fn:1" in seen


def test_rule_no_unsafe_element_or_attribute_in_content(built):
    contents = _contents(built)
    for html in contents:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in fragment.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in {"script", "style", "iframe", "object", "embed", "meta", "applet", "frame"}
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on") and name.lower() != "style", name
                assert "javascript" not in re.sub(r"\s", "", value).lower(), value
        assert "alert(" not in html and "evil.example" not in html
    first = next(html for html in contents if "Texte qui reste." in html)
    # the harmless text around what was removed is kept
    assert "piège" in first and "autre piège" in first and "Photo brute" in first


def test_the_feeds_cleaning_drops_what_the_allow_list_refuses():
    cleaned = publishable_html(HOSTILE_HTML, SITE_URL + "bulletins/info-psoc-01/")
    fragment = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    for element in fragment.iter():
        assert element.tag not in {"script", "style", "iframe", "object", "embed", "meta"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and name.lower() not in ("style", "srcset"), name
            assert "javascript" not in re.sub(r"\s", "", value).lower(), value
    assert "alert(" not in cleaned and "evil.example" not in cleaned
    assert "Texte qui reste." in cleaned and "piège" in cleaned and "autre piège" in cleaned and "Photo brute" in cleaned


def test_clean_html_drops_the_elements_the_source_check_refuses():
    # script, iframe, object and embed are refused in a bulletin's source (infopsoc check, the build):
    # the feeds drop them all the same (nh3 alone: no deny-list after it)
    html = ('<p>Avant</p><script>alert("script")</script><iframe src="https://evil.example/"></iframe><p>Après</p>'
            '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">')
    cleaned = publishable_html(html, SITE_URL + "bulletins/info-psoc-01/")
    assert "Avant" in cleaned and "Après" in cleaned
    assert "alert(" not in cleaned and "evil.example" not in cleaned
    for tag in ("script", "iframe", "object", "embed"):
        assert f"<{tag}" not in cleaned


@pytest.mark.parametrize("name, path", [("rss.xml", "channel/item/guid"), ("atom.xml", "atom:entry/atom:id")])
def test_rule_no_duplicate_ids(built, name, path):
    ids = [e.text for e in _xml(built, name).iterfind(path, NS)]
    assert len(ids) == 4 and len(set(ids)) == len(ids)
    assert ids == [f"tag:ctroc.org,2017-10:info-psoc/fr/{n}" for n in (4, 3, 2, 1)]


def test_rule_no_duplicate_atom_updated(built):
    root = _xml(built, "atom.xml")
    stamps = [e.text for e in root.iterfind("atom:entry/atom:updated", NS)]
    assert len(stamps) == 4 and len(set(stamps)) == 4
    # issues 2 and 3 are both dated 2017-10
    assert stamps[1:3] == ["2017-10-01T12:00:03-04:00", "2017-10-01T12:00:02-04:00"]
    assert root.findtext("atom:updated", namespaces=NS) == stamps[0] == "2018-01-15T12:00:04-05:00"


EMAIL = re.compile(r"^[a-zA-Z0-9_\-+.]+@([a-zA-Z0-9\-]+\.)+[a-zA-Z]{2,}( \([^()]+\))?$")


def test_rule_rss_author_is_an_email_or_dc_creator(built):
    root = _xml(built, "rss.xml")
    for tag in ("managingEditor", "webMaster"):
        assert EMAIL.match(root.findtext(f"channel/{tag}")), tag
    items = list(root.iterfind("channel/item"))
    for item in items:
        for author in item.iterfind("author"):
            assert EMAIL.match(author.text), author.text
        assert item.findtext("dc:creator", namespaces=NS) == "CTROC"
    atom = _xml(built, "atom.xml")
    assert atom.findtext("atom:author/atom:name", namespaces=NS) == "CTROC"


def test_rule_language_code_is_valid(built):
    rss, atom = _xml(built, "rss.xml"), _xml(built, "atom.xml")
    bcp47 = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
    assert rss.findtext("channel/language") == "fr-CA"
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr-CA"
    assert bcp47.match(rss.findtext("channel/language"))
    assert _parsed(built, "rss.xml").feed.language == "fr-CA"


# --- the pages link to the feeds ---------------------------------------------------------

def test_every_page_has_autodiscovery_links_and_a_visible_subscribe_link(built):
    site = built.root / "site"
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "admin")  # not the editor
    assert len(pages) >= 6
    for page in pages:
        document = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        found = {}
        for link in document.iterfind(".//head/link[@rel='alternate'][@type]"):  # hreflang links have no type
            href = link.get("href")
            if href.startswith("/"):  # 404.html links from the site's root
                target = site / href[len(urlsplit(SITE_URL).path):]
            else:
                target = (page.parent / href).resolve()
            found[link.get("type")] = target
        assert found == {"application/rss+xml": site / "rss.xml", "application/atom+xml": site / "atom.xml"}, page
        visible = document.find(".//nav[@class='ip-subscribe']")
        assert visible is not None, page
        assert visible.get("aria-label") == "S'abonner aux nouveaux numéros"
        first = visible.find(".//a")
        assert first.text_content().strip() == "S'abonner (RSS)"
