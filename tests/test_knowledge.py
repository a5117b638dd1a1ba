"""The knowledge base: hand-written pages, the members data file, the home page,
search, sharing metadata and the palette, checked on real MkDocs builds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from PIL import Image

from conftest import REPO, french_punctuation, search_index_pages

from infopsoc.content.members import load_members
from infopsoc.core.urls import SEARCH_BUNDLE

SITE_URL = "https://www.ctroc.org/info-psoc/"
KNOWLEDGE_PAGES = ["le-psoc/", "qui-fait-quoi/", "la-ctroc/"]


class _Page(HTMLParser):
    """The links of a page's article, its <meta> tags and its <link> tags."""

    def __init__(self):
        super().__init__()
        self.article_links: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self._article_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "article":
            self._article_depth += 1
        elif tag == "a" and self._article_depth and "href" in attrs:
            self.article_links.append(attrs["href"])
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "article" and self._article_depth:
            self._article_depth -= 1


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# --- pages and home ---------------------------------------------------------------

def test_knowledge_pages_are_one_click_from_the_home_page(real_site):
    home = parse((real_site / "index.html").read_text(encoding="utf-8"))
    targets = {urljoin("/", href).lstrip("/") for href in home.article_links}
    for url in KNOWLEDGE_PAGES + ["bulletins/", "bulletins/info-psoc-03/"]:
        assert url in targets, f"the home page's content has no link to {url}"
        assert (real_site / url / "index.html").is_file()


def test_home_page_offers_the_rss_subscription(real_site):
    html = read(real_site, "")
    assert re.search(r'<a class="md-button" href="rss.xml" type="application/rss\+xml">S&#39;abonner \(RSS\)</a>|<a class="md-button" href="rss.xml" type="application/rss\+xml">S\'abonner \(RSS\)</a>', html)
    assert (real_site / "rss.xml").is_file()


def test_knowledge_pages_are_in_a_section_with_breadcrumbs(real_site):
    html = read(real_site, "la-ctroc")
    assert '<nav class="md-path"' in html
    tabs = re.findall(r'class="md-tabs__link[^"]*"[^>]*>\s*([^<]+?)\s*<', html)
    assert tabs[:3] == ["Accueil", "Bulletins", "Le PSOC"]


# --- members ----------------------------------------------------------------------

def test_members_list_in_the_built_page_comes_from_the_data_file(real_site):
    data = yaml.safe_load((REPO / "data/membres.yml").read_text(encoding="utf-8"))
    html = read(real_site, "la-ctroc")
    block = re.search(r'<ul class="ip-members".*?</ul>', html, flags=re.DOTALL).group(0)
    assert re.findall(r'<a href="([^"]+)"', block) == [m["url"] for m in data]
    assert "ROC Estrie" in block


def test_a_member_added_to_the_data_file_appears_in_the_page(tree):
    tree.write("data/membres.yml", "- url: https://troc-fictive.example.org/\n  name: TROC Fictive\n  region: Région fictive\n"
                                   "- url: http://www.autre-exemple.qc.ca/accueil/\n")
    tree.write("content/membres.md", "# Membres\n\n<!-- infopsoc: members -->\n")
    tree.build()
    html = tree.read("membres/index.html")
    assert '<a href="https://troc-fictive.example.org/">TROC Fictive</a>' in html
    assert "Région fictive" in html
    assert '<a href="http://www.autre-exemple.qc.ca/accueil/">autre-exemple.qc.ca/accueil</a>' in html
    assert "trocbsl" not in html  # nothing comes from elsewhere than the data file


def test_a_bad_members_file_fails_the_build_with_file_and_line(tree):
    tree.write("data/membres.yml", "\n".join([
        "- url: https://bon.example.org/",     # 1
        "- name: Sans adresse",                # 2
        "- url: www.sans-protocole.org",       # 3
        "- url: https://bon.example.org",      # 4 (same site as line 1)
        "  nom: Faute de frappe",              # 5
        "",
    ]))
    tree.write("content/membres.md", "# Membres\n\n<!-- infopsoc: members -->\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree.root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "data/membres.yml:2: le champ obligatoire « url » manque — ajoutez par exemple : url: https://www.exemple.org/" in result.stderr
    assert "data/membres.yml:3: « url » : l'adresse « www.sans-protocole.org » doit commencer par https://" in result.stderr
    assert "data/membres.yml:4: le site https://bon.example.org est déjà dans la liste (ligne 1)" in result.stderr
    assert "data/membres.yml:5: champ inconnu « nom » dans un membre de la liste — vouliez-vous écrire « name » ?" in result.stderr


@pytest.mark.parametrize("text, line, message", [
    ("url: https://a.example.org/\n", 1, "le fichier doit être une liste de membres"),
    ("- url: https://a.example.org/\n- url: [https://b.example.org/]\n", 2, "« url » : un texte est attendu, pas une liste"),
    ("- url: https://a.example.org/\n- url: https://localhost/\n", 2, "n'a pas de nom de site valide"),
    ("- url: https://a.example.org/\n- url: https://b.example.org/ x\n", 2, "contient une espace"),
    ("- url: https://a.example.org/\n- url: \"https://b.example.org/\n", 2, "guillemet non fermé"),
    ("- url: https://a.example.org/\n\t- url: https://b.example.org/\n", 2, "tabulation"),
    (b"- url: https://a.example.org/\n- name: Caf\xe9\n", 2, "n'est pas encodé en UTF-8"),
])
def test_members_file_mistakes_are_problems_with_a_line(tmp_path, text, line, message):
    path = tmp_path / "data/membres.yml"
    path.parent.mkdir()
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _members, problems = load_members(path, tmp_path)
    assert [(p.path, p.line) for p in problems if p.is_error] == [("data/membres.yml", line)]
    assert message in problems[0].message


def test_the_real_members_file_is_clean():
    members, problems = load_members(REPO / "data/membres.yml", REPO)
    assert problems == []
    assert len(members) == 13  # the 13 sites of the October 2017 bulletin


def test_members_directive_without_a_data_file_is_an_error(tree):
    tree.write("content/membres.md", "# Membres\n\n<!-- infopsoc: members -->\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree.root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "content/membres.md:3: la liste des membres a besoin du fichier data/membres.yml, introuvable" in result.stderr


# --- search -----------------------------------------------------------------------

def _search(site: Path, query: str) -> list[str]:
    """Pages whose indexed title or text (the search index, outputs/search.py) holds every word of
    the query, as written (tests/test_search.py searches in the browser, accents and stems included)."""
    words = query.lower().split()
    return [url.lstrip("/") for url, page in search_index_pages(site / SEARCH_BUNDLE).items()
            if all(w in (page["meta"].get("title", "") + " " + page["content"]).lower() for w in words)]


def test_search_index_is_french(real_site):
    entry = json.loads((real_site / SEARCH_BUNDLE / "meta.json").read_text(encoding="utf-8"))
    assert entry["lang"] == "fr"


def test_search_finds_seuils_planchers_on_the_psoc_page(real_site):
    assert "le-psoc/" in _search(real_site, "seuils planchers")


def test_search_finds_trpocb_on_the_ctroc_page_and_in_the_bulletin(real_site):
    found = _search(real_site, "TRPOCB")
    assert "la-ctroc/" in found and "bulletins/info-psoc-03/" in found
    sections = search_index_pages(real_site / SEARCH_BUNDLE)["/la-ctroc/"]["anchors"]
    assert any("TRPOCB" in anchor["text"] for anchor in sections)  # a section title: the page ranks high


# --- sharing metadata -------------------------------------------------------------

@pytest.mark.parametrize("url", ["", "bulletins/", "bulletins/info-psoc-03/"] + KNOWLEDGE_PAGES)
def test_every_page_has_absolute_opengraph_and_twitter_metadata(real_site, url):
    page = parse((real_site / url / "index.html").read_text(encoding="utf-8"))
    meta = page.meta
    assert meta["og:url"] == SITE_URL + url
    assert meta["og:locale"] == "fr_CA"
    assert meta["og:title"] and meta["og:description"]
    assert meta["twitter:card"] == "summary_large_image"
    for key in ("og:image", "twitter:image"):
        image = urlsplit(meta[key])
        assert image.scheme == "https" and image.netloc == "www.ctroc.org"
        assert (real_site / image.path.removeprefix("/info-psoc/")).is_file()
    assert meta["og:type"] == ("article" if url.startswith("bulletins/info-psoc-") else "website")


def test_a_shared_bulletin_shows_its_title_and_summary(real_site):
    meta = parse(read(real_site, "bulletins/info-psoc-03")).meta
    source = (REPO / "bulletins/info-psoc-03.md").read_text(encoding="utf-8")
    summary = yaml.safe_load(source.split("---")[1])["summary"]
    assert meta["og:description"] == french_punctuation(summary) == meta["twitter:description"]
    assert meta["og:title"].startswith("Info-PSOC no\u00a03 — Révision de la brochure PSOC")


def test_page_without_description_falls_back_to_the_site_description(tree):
    tree.write("content/sans.md", "# Une page sans description\n")
    tree.build()
    meta = parse(tree.read("sans/index.html")).meta
    assert meta["og:title"] == "Une page sans description"
    assert meta["og:description"].startswith("Le bulletin de la Coalition des Tables régionales")


def test_social_image_wordmark_and_favicon_are_shipped(real_site):
    with Image.open(real_site / "assets/images/infopsoc-social.png") as image:
        assert image.size == (1200, 630) and image.format == "PNG"
    html = (real_site / "index.html").read_text(encoding="utf-8")
    icons = [link["href"] for link in parse(html).links if link.get("rel") == "icon"]
    assert icons and icons[0].endswith("favicon.svg")
    assert (real_site / "assets/images/favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    assert 'src="assets/images/infopsoc-wordmark.svg"' in html
    assert "fonts.googleapis.com" not in html


# --- palette ----------------------------------------------------------------------

def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _over(colour: str, background: str) -> str:
    """An #rrggbbaa colour flattened onto an opaque background."""
    if len(colour) == 7:
        return colour
    alpha = int(colour[7:9], 16) / 255
    mixed = [round(int(colour[i:i + 2], 16) * alpha + int(background[i:i + 2], 16) * (1 - alpha)) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def contrast(foreground: str, background: str) -> float:
    high, low = sorted([_luminance(_over(foreground, background)), _luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_palette_has_aa_contrast():
    css = (REPO / "theme/assets/stylesheets/infopsoc.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    var = {name: value.lower() for name, value in re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?)\s*;", css)}
    white = "#ffffff"
    pairs = {
        "body text": (var["--md-typeset-color"], white),
        "secondary text": (var["--md-default-fg-color--light"], white),
        "secondary text on paper": (var["--ip-muted"], var["--ip-paper"]),
        "header text on primary": (var["--md-primary-bg-color"], var["--md-primary-fg-color"]),
        "dim header text on primary": (var["--md-primary-bg-color--light"], var["--md-primary-fg-color"]),
        "links": (var["--md-primary-fg-color"], white),
        "links on paper": (var["--md-primary-fg-color"], var["--ip-paper"]),
        "hovered links": (var["--md-accent-fg-color"], white),
        "headings": (var["--ip-plum-dark"], white),
        "topics and labels": (var["--ip-plum-dark"], var["--ip-rose-light"]),
        "footer text": (var["--md-footer-fg-color--lighter"], var["--md-footer-bg-color"]),
        "wordmark on primary": (var["--ip-rose"], var["--md-primary-fg-color"]),
    }
    low = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in pairs.items() if contrast(fg, bg) < 4.5}
    assert low == {}


def test_directive_problems_point_at_the_line_in_a_page_with_front_matter(tree):
    tree.write("content/membres.md", "---\ntitle: Membres\ndescription: x\n---\n# Membres\n\n<!-- infopsoc: members -->\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree.root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "content/membres.md:7: la liste des membres a besoin du fichier" in result.stderr
