"""The glossary in real MkDocs builds: a small fixture tree, then the real site."""

from __future__ import annotations

import json
import logging
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from mkdocs.exceptions import Abort, PluginError

from conftest import REPO, TODAY, bulletin_text, term_text
from infopsoc.content.glossary import load_glossary


class Abbrs(HTMLParser):
    """Every <abbr> of a page's article: its text, title, and the tags it sits in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.found: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "abbr":
            self._current = {"title": attrs.get("title"), "text": "",
                             "inside": [(t, a) for t, a in self.stack]}
        if tag not in {"br", "hr", "img", "meta", "link", "input"}:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "abbr" and self._current is not None:
            self.found.append(self._current)
            self._current = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data


def abbrs(html: str) -> list[dict]:
    article = html[html.index('<article class="md-content__inner'):html.rindex("</article>")]
    parser = Abbrs()
    parser.feed(article)
    return parser.found


def _in(abbr: dict, tag: str, css: str | None = None) -> bool:
    return any(t == tag and (css is None or css in (a.get("class") or "").split()) for t, a in abbr["inside"])


# --- a small tree ----------------------------------------------------------------

@pytest.fixture
def small(tree):
    tree.write("glossary/psoc.md", term_text("PSOC", "Programme de soutien aux organismes communautaires",
                                             see_also=["ROC"]))
    tree.write("glossary/roc.md", term_text("ROC", "Regroupement d'organismes communautaires", see_also=["PSOC"],
                                            body="Un ROC regroupe des organismes ; le PSOC les finance."))
    tree.write("glossary/loi-120.md", term_text("Loi 120", "Loi sur les services de santé"))
    tree.write("glossary/psoc.en.md", term_text("PSOC", "Community organizations support program"))
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05", body="Le PSOC.\n"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-10",
                                                          body="## Le ROC\n\nLe PSOC et le ROC, encore le PSOC.\n"))
    return tree


def test_term_pages_index_and_box(small):
    small.build()
    term = small.read("glossaire/psoc/index.html")
    assert "Programme de soutien aux organismes communautaires" in term
    # « Dans les bulletins »: newest first, linked
    listing = term[term.index('id="dans-les-bulletins"'):]
    assert listing.index('href="../../bulletins/info-psoc-02/"') < listing.index('href="../../bulletins/info-psoc-01/"')
    # « Voir aussi »
    assert '<a href="../roc/">ROC</a>' in term[term.index('id="voir-aussi"'):]
    # the ROC page is used only by no 2 (its heading does not count in no 1, which never names it)
    roc = small.read("glossaire/roc/index.html")
    assert "info-psoc-02" in roc and "info-psoc-01" not in roc
    assert "Aucun bulletin publié n'emploie encore ce terme." in small.read("glossaire/loi-120/index.html")

    index = small.read("glossaire/index.html")
    assert [m for m in re.findall(r'<a href="#(lettre-\w+)">', index)] == ["lettre-l", "lettre-p", "lettre-r"]
    assert re.findall(r'<dt id="([\w-]+)"><a href="([\w-]+/)">', index) == [
        ("loi-120", "loi-120/"), ("psoc", "psoc/"), ("roc", "roc/")]
    assert "<abbr" not in index[index.index('<article class="md-content__inner'):]

    # the box lists exactly the terms the bulletin uses, A–Z
    second = small.read("bulletins/info-psoc-02/index.html")
    box = second[second.index("Quelques acronymes"):]
    box = box[:box.index("</div>")]
    assert re.findall(r"<strong>([^<]+)</strong>", box) == ["PSOC", "ROC"]
    first = small.read("bulletins/info-psoc-01/index.html")
    assert re.findall(r'<a href="../../glossaire/(\w+)/"><strong>', first) == ["psoc"]


def test_glossary_export(small):
    site = small.build()
    data = json.loads((site / "glossaire.json").read_text(encoding="utf-8"))
    assert [t["slug"] for t in data["terms"]] == ["loi-120", "psoc", "roc"]
    psoc = data["terms"][1]
    assert psoc["url"] == "https://www.ctroc.org/info-psoc/glossaire/psoc/"
    assert psoc["fr"]["expansion"] == "Programme de soutien aux organismes communautaires"
    assert psoc["en"]["expansion"] == "Community organizations support program"
    assert data["terms"][2]["fr"]["definition"] == "Un ROC regroupe des organismes ; le PSOC les finance."
    assert "en" not in data["terms"][2]


def test_unknown_see_also_fails_the_build_with_file_and_line(small):
    small.write("glossary/roc.md", term_text("ROC", "Regroupement", see_also=["PSOC", "TROC"]))
    with pytest.raises(Abort) as info:
        small.build()
    error = info.value.__context__
    assert isinstance(error, PluginError)
    assert "glossary/roc.md:6: « see_also » : le terme « TROC » n'existe pas dans le glossaire" in str(error)


def test_unknown_capitals_are_shown_but_do_not_fail_a_strict_build(small, caplog):
    small.write("bulletins/info-psoc-03.md", bulletin_text(3, "Troisième", "2017-11",
                                                           body="Le PSOC.\n\nLe ZORGLUB et MAIS.\n"))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.infopsoc"):
        site = small.build(strict=True)
    assert (site / "bulletins/info-psoc-03/index.html").is_file()
    records = [r for r in caplog.records if "ZORGLUB" in r.getMessage()]
    assert [(r.levelno, r.getMessage().split(" — ")[0]) for r in records] == [
        (logging.INFO, "bulletins/info-psoc-03.md:10: avertissement : « ZORGLUB » est en capitales mais n'est pas dans le glossaire")]
    assert not any("MAIS" in r.getMessage() for r in caplog.records)  # in the allow-list of mkdocs.yml


# --- the real site (conftest.real_site: built once per session, in a temporary copy) ---------

def test_one_page_per_term(real_site):
    slugs = sorted(p.stem for p in (REPO / "glossary").glob("*.md") if "." not in p.stem)
    assert (real_site / "glossaire/aca/index.html").is_file()
    assert sorted(p.parent.name for p in (real_site / "glossaire").glob("*/index.html")) == slugs
    index = (real_site / "glossaire/index.html").read_text(encoding="utf-8")
    for slug in slugs:
        assert f'id="{slug}"' in index


BULLETIN_3_TERMS = {
    "aca", "brochure-psoc", "cadre-regional", "cisss", "ciusss", "convention-de-soutien-financier", "ctroc",
    "ententes-pour-activites-specifiques", "financement-a-la-mission", "info-psoc", "msss", "ocasss", "prac",
    "projets-ponctuels", "psoc", "reddition-de-comptes", "roc", "soc", "troc", "trpocb",
}


def test_bulletin_3_marks_and_links_its_terms(real_site):
    html = (real_site / "bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    found = abbrs(html)
    # the box is the one the October 2017 issue printed (tests/test_acronym_box.py): acronyms the text marks
    box = html[html.index('class="admonition abstract ip-acronyms'):]
    box = box[:box.index("</div>")]
    listed = re.findall(r'<a href="../../glossaire/([\w-]+)/"><strong>', box)
    assert listed == ["aca", "cisss", "ciusss", "ctroc", "msss", "prac", "psoc", "trpocb"]
    assert set(listed) < BULLETIN_3_TERMS
    # the hand-made box is gone: one box only
    assert html.count("Quelques acronymes") == 1
    assert '!!! abstract "Quelques acronymes"' not in (REPO / "bulletins/info-psoc-03.md").read_text(encoding="utf-8")

    glossary, _problems = load_glossary(REPO / "glossary", REPO, TODAY)
    for abbr in found:
        term = glossary.resolve(" ".join(abbr["text"].split()))
        abbr["slug"] = term.slug if term and term.expansion == abbr["title"] else None
    assert {a["slug"] for a in found} == BULLETIN_3_TERMS  # an <abbr> for each term it uses, nothing else
    for abbr in found:
        assert not any(_in(abbr, h) for h in ("h1", "h2", "h3", "h4", "h5", "h6")), abbr
        links = [a for t, a in abbr["inside"] if t == "a"]
        assert all("ip-term" in (a.get("class") or "") for a in links), abbr
        assert not _in(abbr, "p", "admonition-title") and not _in(abbr, "header")
    # the first occurrence of each term, and only it, is linked to the term's page
    for slug in BULLETIN_3_TERMS:
        mine = [a for a in found if a["slug"] == slug]
        linked = [_in(a, "a", "ip-term") for a in mine]
        assert linked[0] and not any(linked[1:]), slug
        assert f'<a class="ip-term" href="../../glossaire/{slug}/">' in html
    # boundaries: « CISSS » and « CIUSSS » of « Les CISSS et CIUSSS », the heading « CISSS-CIUSSS » untouched
    assert re.search(r"<h4[^>]*>Au sein du ministère et des CISSS-CIUSSS<", html)
    assert "INFO-PSOC seront produits" in html


def test_term_pages_list_bulletin_3(real_site):
    for slug in BULLETIN_3_TERMS:
        page = (real_site / f"glossaire/{slug}/index.html").read_text(encoding="utf-8")
        listing = page[page.index('id="dans-les-bulletins"'):]
        assert '<a href="../../bulletins/info-psoc-03/">Info-PSOC no\u00a03 — ' in listing, slug
    loi = (real_site / "glossaire/loi-120/index.html").read_text(encoding="utf-8")
    assert "info-psoc-03" not in loi[loi.index('id="dans-les-bulletins"'):]


def test_glossary_json_lists_every_term_with_absolute_urls(real_site):
    data = json.loads((real_site / "glossaire.json").read_text(encoding="utf-8"))
    slugs = sorted(p.stem for p in (REPO / "glossary").glob("*.md") if "." not in p.stem)
    assert sorted(t["slug"] for t in data["terms"]) == slugs
    for entry in data["terms"]:
        url = urlparse(entry["url"])
        assert url.scheme == "https" and url.netloc == "www.ctroc.org", entry["url"]
        assert (real_site / url.path.removeprefix("/info-psoc/") / "index.html").is_file()
        for lang in ("fr", "en"):
            assert entry[lang]["term"] and entry[lang]["expansion"] and entry[lang]["definition"]
            assert "<" not in entry[lang]["definition"] and "**" not in entry[lang]["definition"]
