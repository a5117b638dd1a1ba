"""The English site beside the French one: real builds of the real project (`infopsoc build`)."""

from __future__ import annotations

import json

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner

from conftest import REPO, bulletin_text, copy_project, search_index_pages
from infopsoc.cli import main
from infopsoc.core.urls import SEARCH_BUNDLE, cross_href, root_url
from infopsoc.core.i18n import split_uri
from infopsoc.render.languages import language_view

SITE_URL = "https://www.ctroc.org/info-psoc/"


def _build(project: Path, pdf: bool) -> Path:
    site = project / "site"
    env = dict(os.environ, INFOPSOC_PDF="1" if pdf else "0", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "infopsoc.cli", "build"], cwd=project, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


@pytest.fixture(scope="module")
def real(real_site) -> Path:
    return real_site  # the real project, built once per session (conftest.real_build)


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> Path:
    """The real project plus an English Info-PSOC no 3 (a test fixture, not a translation)."""
    project = copy_project(tmp_path_factory.mktemp("translated"))
    (project / "bulletins/info-psoc-03.en.md").write_text(
        bulletin_text(3, "Fixture issue three", "2017-10", "An English fixture summary.", "English fixture text."),
        encoding="utf-8")
    return _build(project, pdf=True)


def _html(path: Path):
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def _switcher(site: Path, page: Path) -> dict[str, Path]:
    """{hreflang: the file the language switcher leads to} on one page."""
    found = {}
    for link in _html(page).iterfind(".//a[@class]"):
        if "md-select__link" in link.get("class"):
            found[link.get("hreflang")] = (page.parent / link.get("href") / "index.html").resolve()
    return found


def _url_to_file(site: Path, url: str) -> Path:
    path = urlsplit(url).path[len(urlsplit(SITE_URL).path):]
    return site / path / "index.html"


def _hreflang(page: Path) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href")
            for link in _html(page).iterfind(".//head/link[@rel='alternate'][@hreflang]")}


def test_english_home_is_english(real):
    html = (real / "en/index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="en-CA"', html)
    assert 'aria-label="Search this site"' in html  # the header's search form, in English
    assert "Understanding the PSOC" in html
    french = (real / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="fr-CA"', french) and 'aria-label="Rechercher dans le site"' in french


def test_switcher_goes_to_the_same_page_and_back(real):
    aca = real / "glossaire/aca/index.html"
    english = real / "en/glossaire/aca/index.html"
    assert _switcher(real, aca)["en-CA"] == english.resolve()
    assert _switcher(real, english)["fr-CA"] == aca.resolve()


def test_switcher_goes_home_when_there_is_no_translation():
    # every page of the real project is translated: where the switcher leads otherwise
    from infopsoc.render.languages import _stand_in

    assert _stand_in("la-ctroc.md") == ("", "")
    assert _stand_in("glossaire/aca.md") == ("", "")
    assert _stand_in("bulletins/info-psoc-03.md") == ("bulletins/", "#info-psoc-03")  # its card in the archive


def test_switcher_on_a_french_only_bulletin_lands_on_its_card_in_the_english_archive(real):
    # issue 29: it landed on the English home, which said « No bulletin has been published yet. »
    bulletin = real / "bulletins/info-psoc-03/index.html"
    link = next(a for a in _html(bulletin).iterfind(".//a[@class]")
                if "md-select__link" in a.get("class") and a.get("hreflang") == "en-CA")
    path, _, anchor = link.get("href").partition("#")
    archive = (bulletin.parent / path / "index.html").resolve()
    assert archive == (real / "en/bulletins/index.html").resolve() and anchor == "info-psoc-03"
    card = _html(archive).get_element_by_id("info-psoc-03")
    assert "(in French)" in card.text_content()
    assert _hreflang(bulletin) == {}  # no translation: no hreflang declaration


def test_english_home_shows_the_latest_bulletin_even_in_french_only(real):
    home = real / "en/index.html"
    text = home.read_text(encoding="utf-8")
    assert "No bulletin has been published yet." not in text
    card = next(a for a in _html(home).iterfind(".//article") if "ip-latest" in a.get("class"))
    assert "ip-card--other-language" in card.get("class")
    assert "Info-PSOC No. 3" in card.text_content() and "(in French)" in card.text_content()
    links = {(home.parent / a.get("href") / "index.html").resolve() for a in card.iterfind(".//a")
             if a.get("hreflang") == "fr-CA"}
    assert links == {(real / "bulletins/info-psoc-03/index.html").resolve()}
    assert card.find(".//h2//span[@lang='fr-CA']") is not None  # the French title is marked as French


def test_hreflang_pairs_are_reciprocal_on_every_page(real):
    pages = [p for p in real.rglob("index.html")]
    checked = 0
    for page in pages:
        links = _hreflang(page)
        if not links:
            continue
        checked += 1
        assert set(links) == {"fr-CA", "en-CA", "x-default"}, page
        assert links["x-default"] == links["fr-CA"]
        assert _url_to_file(real, links["fr-CA" if "/en/" in page.as_posix() else "en-CA"]).is_file(), page
        for url in links.values():
            other = _url_to_file(real, url)
            assert other.is_file(), url
            assert _hreflang(other) == links, (page, other)
    terms = len(list((REPO / "glossary").glob("*.en.md")))
    assert checked == 2 * (5 + 3 + terms)  # content pages (the search page too), generated indexes, glossary terms


def test_sitemaps_declare_the_alternates(real):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    sitemap = lxml.etree.parse(str(real / "en/sitemap.xml"))
    entry = next(u for u in sitemap.iterfind("s:url", ns) if u.findtext("s:loc", namespaces=ns).endswith("/en/glossaire/aca/"))
    alternates = {a.get("hreflang"): a.get("href") for a in entry.iterfind("x:link", ns)}
    assert alternates == {"fr-CA": SITE_URL + "glossaire/aca/", "en-CA": SITE_URL + "en/glossaire/aca/",
                          "x-default": SITE_URL + "glossaire/aca/"}


def test_english_archive_marks_french_only_bulletins(real):
    archive = real / "en/bulletins/index.html"
    card = next(a for a in _html(archive).iterfind(".//article") if "ip-card--other-language" in a.get("class"))
    assert "(in French)" in card.text_content()
    link = card.find(".//h3/a")
    assert (archive.parent / link.get("href") / "index.html").resolve() == (real / "bulletins/info-psoc-03/index.html").resolve()
    assert not (real / "en/bulletins/info-psoc-03").exists()
    assert not (real / "en/pdf").exists()


def test_per_language_search_and_feeds(real):
    french, english = search_index_pages(real / SEARCH_BUNDLE), search_index_pages(real / "en" / SEARCH_BUNDLE)
    english_text = json.dumps(english, ensure_ascii=False)
    assert "Understanding the PSOC" in english_text
    assert "Understanding the PSOC" not in json.dumps(french, ensure_ascii=False)
    assert [json.loads((real / folder / SEARCH_BUNDLE / "meta.json").read_text(encoding="utf-8"))["lang"] for folder in ("", "en")] == ["fr", "en"]
    import feedparser

    feed = feedparser.parse((real / "en/rss.xml").read_bytes())
    assert feed.feed.language == "en-CA" and feed.entries == []
    atom = feedparser.parse((real / "en/atom.xml").read_bytes())
    assert atom.feed.get("language", "en-CA").lower() == "en-ca"
    head = _html(real / "en/index.html")
    feeds = {link.get("type"): (real / "en" / link.get("href")).resolve()
             for link in head.iterfind(".//head/link[@rel='alternate'][@type]")}
    assert feeds == {"application/rss+xml": (real / "en/rss.xml").resolve(),
                     "application/atom+xml": (real / "en/atom.xml").resolve()}


def test_adding_an_english_bulletin_is_adding_one_file(translated):
    import feedparser
    from pypdf import PdfReader

    archive = _html(translated / "en/bulletins/index.html")
    assert not [a for a in archive.iterfind(".//article") if "ip-card--other-language" in a.get("class")]
    assert "Fixture issue three" in archive.text_content()
    assert "Fixture issue three" in (translated / "en/bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((translated / "en/rss.xml").read_bytes())
    assert [e.link for e in feed.entries] == [SITE_URL + "en/bulletins/info-psoc-03/"]
    assert feed.entries[0].enclosures[0].href == SITE_URL + "en/pdf/info-psoc-03.pdf"
    pdf = translated / "en/pdf/info-psoc-03.pdf"
    assert "English fixture text" in "".join(p.extract_text() for p in PdfReader(pdf).pages)
    # the two versions now declare each other
    french = translated / "bulletins/info-psoc-03/index.html"
    assert _hreflang(french)["en-CA"] == SITE_URL + "en/bulletins/info-psoc-03/"
    assert _switcher(translated, french)["en-CA"] == (translated / "en/bulletins/info-psoc-03/index.html").resolve()
    # the French site does not change
    assert "Fixture issue three" not in (translated / "bulletins/index.html").read_text(encoding="utf-8")
    assert feedparser.parse((translated / "rss.xml").read_bytes()).entries[0].title.startswith("Info-PSOC no\u00a03")


def _git(project: Path, *args: str, when: str = "2020-01-01T00:00:00") -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)


def test_check_translations_lists_missing_and_stale(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    (project / "content/la-ctroc.en.md").unlink()
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "all")
    aca = project / "glossary/aca.md"
    aca.write_text(aca.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    _git(project, "commit", "-qam", "aca", when="2021-01-01T00:00:00")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--translations"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Collection", "Fichier", "français", "Traduction", "État"]
    rows = {tuple(re.split(r"\s{2,}", line.strip())) for line in lines[2:-1]}
    assert rows == {
        ("bulletins", "bulletins/info-psoc-03.md", "bulletins/info-psoc-03.en.md", "à traduire"),
        ("pages", "content/la-ctroc.md", "content/la-ctroc.en.md", "à traduire"),
        ("glossary", "glossary/aca.md", "glossary/aca.en.md", "à mettre à jour"),
    }
    assert lines[-1] == "2 à traduire, 1 à mettre à jour"


def test_language_view_serves_the_translation_in_its_place():
    uris = ["index.md", "index.en.md", "le-psoc.md", "assets/logo.svg", "sub/page.md", "sub/page.en.md"]
    assert language_view(uris, "fr") == ({"index.md": "index.md", "le-psoc.md": "le-psoc.md",
                                          "assets/logo.svg": "assets/logo.svg", "sub/page.md": "sub/page.md"},
                                         ["index.en.md", "sub/page.en.md"])
    assert language_view(uris, "en") == ({"index.md": "index.en.md", "assets/logo.svg": "assets/logo.svg",
                                          "sub/page.md": "sub/page.en.md"}, ["le-psoc.md"])
    assert split_uri("a.b.md") == ("a.b.md", "fr")


def test_cross_language_addresses():
    assert cross_href("bulletins/", "en", "bulletins/info-psoc-03/", "fr") == "../../bulletins/info-psoc-03/"
    assert cross_href("", "fr", "", "en") == "en/"
    assert cross_href("glossaire/aca/", "fr", "glossaire/aca/", "en") == "../../en/glossaire/aca/"
    assert root_url(SITE_URL + "en/", "en") == SITE_URL and root_url(SITE_URL, "fr") == SITE_URL


# --- issue 29: no English on French pages (Material's and Markdown's own words) ---------------------
#: English words that are not French words too (« documents », « version », « on », « in »… are)
ENGLISH_WORDS = {"the", "with", "and", "of", "to", "is", "this", "from", "jump", "back", "made", "not", "found",
                 "skip", "search", "copy", "copied", "clipboard", "share", "previous", "next", "footnote", "header",
                 "footer", "by", "your", "are", "type", "start", "typing", "results", "matching", "more", "than",
                 "initializing", "filter", "select", "powered", "built", "using", "text", "link",
                 "home", "toggle", "dark", "light"}


def _french_page_words(page: Path) -> list[tuple[str, str]]:
    """(word, context) for each word a reader sees or hears on a page: its text, its titles, labels,
    placeholders and image descriptions, and Material's translations for its scripts."""
    text = page.read_text(encoding="utf-8")
    chunks = []
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', text, re.S)
    if config:
        chunks += list(json.loads(config.group(1)).get("translations", {}).values())
    tree = lxml.html.fromstring(text)
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "code", "pre"):
            continue
        if element.get("lang", "fr").startswith("en"):  # a passage marked as English is English
            continue
        chunks += [element.get(name) for name in ("title", "aria-label", "placeholder", "alt") if element.get(name)]
        chunks += [element.text or ""] + [child.tail or "" for child in element]
    found = []
    for chunk in chunks:
        for match in re.finditer(r"\w+", chunk):
            if match.group().lower() in ENGLISH_WORDS:
                found.append((match.group(), chunk[max(0, match.start() - 30):match.end() + 30]))
    return found


def test_no_english_word_on_french_pages(real):
    pages = [p for p in real.rglob("*.html") if p.relative_to(real).parts[0] not in ("en", "admin")]
    assert len(pages) > 30
    found = {page.relative_to(real).as_posix(): words for page in pages if (words := _french_page_words(page))}
    assert found == {}
    # the words that were English (issue 29), in French now
    bulletin = (real / "bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    assert 'title="Revenir à l\'appel de note 1 dans le texte"' in bulletin.replace("&#39;", "'")
    assert "Material for MkDocs" not in bulletin
    assert "Page introuvable" in (real / "404.html").read_text(encoding="utf-8")


def test_the_english_word_list_finds_what_material_writes():
    # the scan above cannot pass by missing English: Material's own lines are caught
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "x.html"
        sample.write_text('<html lang="fr-CA"><body><footer>Made with <a>Material for MkDocs</a></footer>'
                          '<a class="footnote-backref" title="Jump back to footnote 1 in the text">↩</a>'
                          '<p lang="en-CA">The English summary.</p></body></html>', encoding="utf-8")
        words = [word for word, _ in _french_page_words(sample)]
    assert {"Made", "with", "Jump", "back", "to", "footnote", "the", "text"} <= set(words)
    assert "summary" not in words and "English" not in words
