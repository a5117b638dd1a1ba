"""The site's search (outputs/search.py, its index; theme/infopsoc-search.html and its script).

Searched as a reader would, in headless Chromium on the real built site: with and without
accents, singular and plural, acronym and expansion, French and English, and a query that finds
nothing. Also: no index bytes before a search, drafts never indexed, the glossary both ways on a
small project, the results accessible at 390 px, the index the same byte for byte.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Tree, bulletin_text, run_infopsoc, search_index_pages
from site_checks import AXE_JS, CHROMIUM, LocalServer, RequestWatch, axe_violations, tab_through

from infopsoc.core.urls import SEARCH_BUNDLE

SITE_URL = "https://www.ctroc.org/info-psoc/"

# query (as typed) -> pages that must be among the results; [] : nothing may be found.
# A page given as "first:" must be the first result.
FRENCH = {
    "régionalisation": ["le-psoc/", "glossaire/loi-120/", "chronologie/"],
    "regionalisation": ["le-psoc/", "glossaire/loi-120/", "chronologie/"],
    "REGIONALISATION": ["le-psoc/", "glossaire/loi-120/", "chronologie/"],
    "financement": ["glossaire/financement-a-la-mission/", "le-psoc/"],
    "financements": ["glossaire/financement-a-la-mission/", "le-psoc/"],
    "organisme": ["glossaire/ocasss/", "la-ctroc/"],
    "organismes": ["glossaire/ocasss/", "la-ctroc/"],
    "MSSS": ["first:glossaire/msss/", "bulletins/info-psoc-03/", "le-psoc/"],
    "ministère de la santé": ["glossaire/msss/", "bulletins/info-psoc-03/"],
    "ministere de la sante": ["glossaire/msss/", "bulletins/info-psoc-03/"],
    "œuvre": ["bulletins/info-psoc-03/", "glossaire/convention-de-soutien-financier/"],
    "oeuvre": ["bulletins/info-psoc-03/", "glossaire/convention-de-soutien-financier/"],
    "xqzwv": [],
    "kangourou": [],   # nine letters: two typos allowed, and still nothing near
    "1492": [],        # a number is never corrected (1994 is two digits away)
}
ENGLISH = {
    "funding": ["en/le-psoc/", "en/glossaire/financement-a-la-mission/"],
    "fundings": ["en/le-psoc/", "en/glossaire/financement-a-la-mission/"],
    "MSSS": ["first:en/glossaire/msss/", "bulletins/info-psoc-03/"],  # the bulletin: French only
    "xqzwv": [],
}
# sets of queries that must find the same pages
SAME = [("régionalisation", "regionalisation", "REGIONALISATION"), ("financement", "financements"),
        ("organisme", "organismes"), ("œuvre", "oeuvre")]


def _need_browser() -> None:
    if CHROMIUM.is_file() and AXE_JS.is_file():
        return
    message = "Chromium (/usr/bin/chromium) ou axe-core (npm) manque : lancez `make test` ou `.ci/run`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(real_site):
    with LocalServer(real_site) as running:
        yield running


class Reader:
    """A fresh browser context at a given width, every request watched (none leaves the machine)."""

    def __init__(self, browser, origin: str, width: int = 390):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
        self.page = self.context.new_page()
        self.origin = origin
        self.watch = RequestWatch(self.page, origin, SITE_URL)

    def open(self, path: str):
        self.page.goto(f"{self.origin}/{path}", wait_until="load")
        return self.page

    def search(self, query: str, lang_prefix: str = "") -> list[str]:
        """Type ``query`` on the search page and submit: the results' addresses, from the site's root."""
        page = self.open(f"{lang_prefix}recherche/")
        page.fill("#ip-search-input", query)
        page.press("#ip-search-input", "Enter")
        page.wait_for_function("q => { const s = document.getElementById('ip-search-status').textContent;"
                               " return s.includes(q) || /disponible|available/.test(s); }", arg=query)
        while page.is_visible(".ip-search__more"):  # every result, five at a time
            count = len(page.query_selector_all(".ip-search__result"))
            page.click(".ip-search__more")
            page.wait_for_function(f"() => document.querySelectorAll('.ip-search__result').length > {count}")
        # each result links to its best section: the page is the address without the #anchor
        return [a.get_attribute("href").removeprefix(self.origin + "/").split("#")[0]
                for a in page.query_selector_all(".ip-search__title a")]

    def search_status(self, query: str, lang_prefix: str = "") -> list[str]:
        """As ``search``, waiting for any final status line (a corrected query shows other words);
        the first results only."""
        page = self.open(f"{lang_prefix}recherche/")
        page.fill("#ip-search-input", query)
        page.press("#ip-search-input", "Enter")
        page.wait_for_function("() => { const s = document.getElementById('ip-search-status').textContent;"
                               " return s && !/Recherche en cours|Searching/.test(s); }")
        return [a.get_attribute("href").removeprefix(self.origin + "/").split("#")[0]
                for a in page.query_selector_all(".ip-search__title a")]

    def fetched(self, part: str) -> list[str]:
        return [url for url in self.watch.requests if f"/{part}" in url]

    def close(self):
        self.context.close()


@pytest.fixture
def reader(browser, server):
    made = []

    def _reader(width: int = 390) -> Reader:
        made.append(Reader(browser, server.origin, width))
        return made[-1]

    yield _reader
    for one in made:
        one.close()


def _check_table(reader: Reader, table: dict, prefix: str) -> dict[str, list[str]]:
    failures, found = [], {}
    for query, expected in table.items():
        results = reader.search(query, prefix)
        found[query] = results
        if not expected and results:
            failures.append(f"{query!r} ne devait rien trouver : {results}")
        for page in expected:
            if page.startswith("first:"):
                page = page.removeprefix("first:")
                if not results or results[0] != page:
                    failures.append(f"{query!r} : {page} n'est pas le premier résultat ({results[:3]})")
            elif page not in results:
                failures.append(f"{query!r} : {page} manque ({results})")
    assert failures == []
    return found


# --- the real site, in the browser -------------------------------------------------------

def test_french_queries_find_their_pages(reader):
    one = reader()
    found = _check_table(one, FRENCH, "")
    for queries in SAME:
        assert len({tuple(sorted(found[q])) for q in queries}) == 1, {q: found[q] for q in queries}
    assert one.watch.foreign == [] and one.watch.console_errors == []


def test_each_acronym_finds_its_own_glossary_page_first(reader):
    """Every acronym of the glossary (kind: sigle), searched as it is written: its term's page first
    (« PSOC » is also in « brochure PSOC », « Info-PSOC » and every bulletin)."""
    import frontmatter

    one = reader()
    failures = []
    for source in sorted((REPO / "glossary").glob("*.md")):
        slug, _, lang = source.name.removesuffix(".md").partition(".")  # msss.md, msss.en.md
        meta = frontmatter.load(source).metadata
        if meta.get("kind") != "sigle":
            continue
        prefix = f"{lang}/" if lang else ""
        found = one.search(str(meta["term"]), prefix)
        if not found or found[0] != f"{prefix}glossaire/{slug}/":
            failures.append(f"{meta['term']} ({lang or 'fr'}): {found[:3]}")
    assert failures == []


def test_english_queries_find_their_pages_and_say_french_only_bulletins(reader):
    one = reader()
    _check_table(one, ENGLISH, "en/")
    one.search("MSSS", "en/")
    french = one.page.query_selector('.ip-search__title a[href*="/bulletins/info-psoc-03/"]')  # to a section
    assert french.get_attribute("hreflang") == "fr"
    title = french.evaluate("a => a.parentElement.textContent")
    assert title.endswith("(in French)")
    # only English pages otherwise: the French site's other pages are not in the English index
    assert all(url.startswith("en/") for url in one.search("financement à la mission", "en/")
               if url != "bulletins/info-psoc-03/")
    # one Snowball stem for « region », « regional », « regionalization »: the long word typed no
    # longer finds every page that says « region » (issue 31: 29 of 34 pages)
    assert len(one.search("regionalization", "en/")) * 3 < len(one.search("region", "en/"))
    # an English word is corrected among the English words, not into the French index's
    assert one.search_status("regionalisation", "en/")
    assert "“regionalization”" in one.page.text_content("#ip-search-status")
    assert one.watch.foreign == [] and one.watch.console_errors == []


def test_a_result_shows_title_number_date_excerpt_and_sections(reader):
    one = reader()
    one.search("Engagez-vous")
    item = one.page.query_selector('.ip-search__result:has(a[href*="bulletins/info-psoc-03/"])')
    assert item is not None
    assert item.query_selector(".ip-search__title").text_content().startswith("Révision de la brochure PSOC")
    assert item.query_selector(".ip-search__kicker").text_content() == "Info-PSOC no\u00a03 · octobre 2017"  # the French typography's no-break space
    assert item.query_selector(".ip-search__excerpt mark").text_content().lower().startswith("engagez")
    section = item.query_selector(".ip-search__sections a")
    assert section is not None and "#engagez-vous" in section.get_attribute("href")


def test_a_result_links_to_its_best_section(reader):
    """Ranked by section: « Lucie Charlebois » is told in one part of the bulletin and in one entry
    of the timeline; each result links to that part, and shows its heading and an excerpt."""
    one = reader()
    found = one.search("Lucie Charlebois")
    assert {"bulletins/info-psoc-03/", "chronologie/"} <= set(found[:3]), found
    links = [a.get_attribute("href") for a in one.page.query_selector_all(".ip-search__title a")][:3]
    assert any(link.endswith("/bulletins/info-psoc-03/#representations-politiques") for link in links), links
    assert any(link.endswith("/chronologie/#2017-09-28-lettre-a-la-ministre-lucie-charlebois") for link in links), links
    marks = {m.text_content() for m in one.page.query_selector_all(".ip-search__result mark")}
    assert {"Lucie", "Charlebois"} <= marks
    # a long page no longer beats the entry about a year with its many mentions of it, nor a
    # term page that names it in passing
    assert one.search("1973")[0] in {"chronologie/", "le-psoc/"}


def test_a_typo_is_corrected_and_the_reader_can_search_as_typed(reader):
    one = reader()
    found = one.search_status("finacement")
    assert "glossaire/financement-a-la-mission/" in found[:3], found
    status = one.page.text_content("#ip-search-status")
    assert "financement" in status and "finacement" not in status
    instead = one.page.query_selector(".ip-search__instead")
    assert instead.is_visible()
    assert instead.text_content().replace("\u00a0", " ") == "Résultats pour « financement ». Chercher plutôt « finacement »"
    instead.query_selector("a").click()
    one.page.wait_for_function("() => document.getElementById('ip-search-status').textContent.includes('Aucune page')")
    assert one.page.text_content("#ip-search-status").replace("\u00a0", " ") == "Aucune page ne contient « finacement »."
    assert "exact=1" in one.page.url
    # an acronym with two letters swapped, a word of an expansion with one letter missing
    assert one.search_status("TRPOBC")[0] == "glossaire/trpocb/"
    assert one.search_status("acion communautaire autonome")[:3].count("glossaire/aca/") == 1


def test_several_words_none_holding_all_and_phrases(reader):
    one = reader()
    found = one.search_status("MSSS kangourou")
    assert found and found[0] == "glossaire/msss/"
    assert "Aucune page ne contient tous les mots" in one.page.text_content("#ip-search-status")
    # a phrase in guillemets or quotes: its words in that order, in one section
    assert set(one.search_status("« jour de la marmotte »")) == {"le-psoc/", "chronologie/"}
    assert one.search_status('"brochure PSOC nationale"')[0] in {"chronologie/", "le-psoc/"}
    assert one.search_status('"nationale brochure PSOC"') == []
    # words typed count more than the glossary's: « table » is held by few pages, and the page
    # of the term spelt « Table régionale… » comes before the pages that only say « TROC »
    assert one.search_status("table régionale")[0] in {"glossaire/troc/", "la-ctroc/"}


def test_the_status_line_shows_the_query_as_typed(reader):
    """Issue 28: « $& » in a query was read as String.replace's pattern: the status line showed
    its template's text instead."""
    one = reader()
    one.search_status("PSOC $& $$")
    assert one.page.text_content("#ip-search-status").replace("\u00a0", " ").endswith("pour « PSOC $& $$ ».")
    for query in ("$&", '"', "« »", "%"):  # no word at all: nothing found, said as for any query
        assert one.search_status(query) == []
        assert one.page.text_content("#ip-search-status").replace("\u00a0", " ") == f"Aucune page ne contient « {query} »."


def test_words_a_text_is_made_of_are_not_marked_when_the_query_has_others(reader):
    one = reader()
    results = one.search("ministère de la santé")
    assert "glossaire/msss/" in results
    marked = [m.text_content().lower() for m in one.page.query_selector_all(".ip-search__excerpt mark")]
    assert marked, "nothing marked"
    assert not {"de", "la", "des", "du", "le", "les"} & set(marked), marked
    # a query of such words only is searched as typed
    one.search("de la")
    assert one.page.query_selector_all(".ip-search__excerpt mark"), "« de la » alone marks its words"


def test_no_index_bytes_before_a_search(reader):
    one = reader()
    for path in ("", "bulletins/info-psoc-03/", "glossaire/", "en/", "recherche/"):
        one.open(path).wait_for_load_state("networkidle")
    assert one.fetched(SEARCH_BUNDLE + "/") == [], "une page a chargé l'index avant toute recherche"
    one.search("PSOC")
    assert one.fetched(SEARCH_BUNDLE + "/meta.json") and one.fetched(SEARCH_BUNDLE + "/mots/")
    assert one.fetched(SEARCH_BUNDLE + "/familles/w-psoc.json") and one.fetched(SEARCH_BUNDLE + "/sections/")


@pytest.mark.parametrize("width", [390, 1280])
def test_results_are_accessible_and_keyboard_usable(reader, width):
    one = reader(width)
    one.search("financement")
    page = one.page
    assert page.is_visible(".ip-search__result")
    assert axe_violations(page) == [], f"résultats ouverts à {width} px"
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # from the search box, Tab reaches the button, then the first result
    page.focus("#ip-search-input")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.ip-search__result') !== null")
    assert focused
    # the header's form opens the search page with the words
    header = page.query_selector("form.ip-search-form")
    assert header.get_attribute("role") == "search"
    stops = [s["label"] for s in tab_through(one.open(""), limit=40)]
    assert "Rechercher" in stops


def test_the_header_form_searches_without_script(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server.origin}/le-psoc/")
        page.click("form.ip-search-form button")
        assert page.url.startswith(f"{server.origin}/recherche/?q=")
    finally:
        context.close()


# --- the index ----------------------------------------------------------------------------

indexed = search_index_pages


def test_each_language_has_its_index_and_no_draft_or_search_page(real_site):
    french, english = indexed(real_site / SEARCH_BUNDLE), indexed(real_site / "en" / SEARCH_BUNDLE)
    assert "/bulletins/info-psoc-03/" in french and "/le-psoc/" in french
    assert not any(url.startswith("/en/") for url in french)
    assert "/recherche/" not in french and "/recherche/" not in english
    # the French-only bulletin is indexed once, in the French index, which the English search reads
    # for it (issue 28: the English index held every untranslated bulletin a second time)
    assert "/bulletins/info-psoc-03/" not in english
    assert "Understanding the PSOC" in json.dumps(english, ensure_ascii=False)
    metas = [json.loads((real_site / folder / SEARCH_BUNDLE / "meta.json").read_text(encoding="utf-8")) for folder in ("", "en")]
    number = sorted(french).index("/bulletins/info-psoc-03/")
    assert metas[0]["missing"] == {"en": [[number, number]]}
    assert metas[1]["also"] == {"fr": f"../../{SEARCH_BUNDLE}/"}
    names = {p.name for p in (real_site / SEARCH_BUNDLE).iterdir()}
    assert names == {"meta.json", "mots", "familles", "sections"}, names


def test_glossary_both_ways_drafts_never_and_terms_first(tree: Tree, browser):
    """On a small project: an acronym's expansion finds the page that only says the acronym, the
    acronym finds the page that only spells it out, the term's page comes first, a draft is not
    indexed even in a build that shows drafts."""
    _need_browser()
    tree.write("content/recherche.md", (REPO / "content/recherche.md").read_text(encoding="utf-8"))
    tree.write("glossary/msss.md", "---\nterm: MSSS\nexpansion: Ministère de la Santé et des Services sociaux\n---\n"
                                   "Le ministère.\n")
    tree.write("content/sigle.md", "# Sigle seul\n\nLe MSSS a répondu.\n")
    tree.write("content/long.md", "# En toutes lettres\n\nLe ministère de la Santé et des Services sociaux a répondu.\n")
    tree.write("content/cote.md", "# Dossier\n\nLa cote du dossier est connue.\n")
    tree.write("content/fleuve.md", "# Fleuve\n\nLa côte du fleuve est connue.\n")
    # words that are names of every JavaScript object's properties (issue 28: « constructor »
    # made a page lose its excerpts)
    tree.write("content/objet.md", "# Objet\n\nLe constructor et le toString du prototype, hasOwnProperty et valueOf.\n")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Publié", "2017-10-18", body="Texte publié."))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Brouillon", "2017-11-18", body="Texte zorglubesque.",
                                                          draft="true"))
    site = tree.build(plugins={"infopsoc": {"drafts": True}})
    assert (site / "bulletins/info-psoc-02/index.html").is_file()  # shown, but not indexed:
    pages = indexed(site / SEARCH_BUNDLE)
    assert "/bulletins/info-psoc-01/" in pages and "/bulletins/info-psoc-02/" not in pages
    with LocalServer(site) as local:
        one = Reader(browser, local.origin)
        try:
            assert "sigle/" in one.search("ministère de la santé")
            found = one.search("msss")
            assert found[0] == "glossaire/msss/" and "long/" in found and "sigle/" in found
            assert one.search("zorglubesque") == []
            # the same word but for its accents: the form typed comes first, the other is found too
            assert one.search("côte")[:2] == ["fleuve/", "cote/"]
            assert one.search("cote")[:2] == ["cote/", "fleuve/"]
            for word in ("prototype", "constructor", "hasOwnProperty", "valueOf"):
                assert one.search(word) == ["objet/"], word
                marks = [m.text_content() for m in one.page.query_selector_all(".ip-search__excerpt mark")]
                assert marks == [word], (word, marks)
        finally:
            one.close()
        # without an index (the preview of `make serve`), the page says so in the reader's language
        shutil.rmtree(site / SEARCH_BUNDLE)
        one = Reader(browser, local.origin)
        try:
            assert one.search("msss") == []
            assert "construisez le site" in one.page.text_content("#ip-search-status")
        finally:
            one.close()


def test_a_word_costs_each_page_the_same_however_often_it_is_there():
    """Issue 21's goal for a first search at 1 000 bulletins: a word's file grows with the pages
    that hold it, not with how often they hold it (Pagefind kept each place of a word: 108 kB for
    a word found 28 times in each of 1 000 bulletins), and the word list is cut into slices."""
    import gzip

    from infopsoc.outputs.search import build_index, section_entry

    def archive(times: int) -> dict[str, bytes]:
        return build_index([{"url": f"/bulletins/{n}/", "title": f"Numéro {n}", "kicker": "", "own_term": False,
                             "units": [section_entry("", f"Numéro {n}", "texte", {"financement": float(times),
                                                     "financements": 1.0, f"mot{n}": 1.0}, {}, "fr")]}
                            for n in range(1000)], "fr")

    once, often = archive(1), archive(40)
    for files in (once, often):
        family = files["familles/w-financ.json"]
        assert set(json.loads(family)) == {"financement", "financements"}
        assert len(gzip.compress(family)) < 6 * 1024
        slices = [data for name, data in files.items() if name.startswith("mots/")]
        assert len(slices) > 2 and max(len(gzip.compress(data)) for data in slices) < 8 * 1024
    assert abs(len(often["familles/w-financ.json"]) - len(once["familles/w-financ.json"])) < 2 * 1000


def test_the_index_is_the_same_byte_for_byte(tree: Tree):
    """Two builds of the same sources, with different hash seeds, give the same index files."""
    tree.write("glossary/msss.md", "---\nterm: MSSS\nexpansion: Ministère de la Santé et des Services sociaux\n"
                                   "aliases: [msss, Msss]\n---\nLe ministère.\n")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Un", "2017-10-18", body="Le MSSS, le msss, le Msss."))
    bundles = []
    for seed in ("1", "2"):
        shutil.rmtree(tree.root / ".cache", ignore_errors=True)  # the second build must not reuse the first's
        site = tree.root / f"site-{seed}"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="0", PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-m", "infopsoc.cli", "build", "--site-dir", str(site)],
                                cwd=tree.root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        bundle = site / SEARCH_BUNDLE
        bundles.append({p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()})
    assert len(bundles[0]) > 5 and bundles[0] == bundles[1]


def _bundle(site: Path) -> dict[str, bytes]:
    bundle = site / SEARCH_BUNDLE
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def test_a_rebuild_reuses_the_index_only_for_the_same_pages(tree: Tree):
    """The index kept in .cache/search is reused when no page of the index changed, and only then;
    what a build with the cache publishes is what a build without it publishes, byte for byte."""
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Un", "2017-10-18", body="Le mot azurite."))

    def build(name: str) -> tuple[Path, bool]:
        site = tree.root / name
        result = run_infopsoc(tree.root, "build", "--site-dir", str(site))
        assert result.returncode == 0, result.stdout + result.stderr
        lines = re.findall(r"Recherche : .*", result.stdout + result.stderr)
        assert len(lines) == 1, lines
        return site, "repris" in lines[0]

    first, reused = build("site-1")
    assert not reused
    again, reused = build("site-2")
    assert reused and _bundle(again) == _bundle(first)
    # one page changed, one added: the index is made again
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Un", "2017-10-18", body="Le mot béryl."))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deux", "2017-11-18", body="Le mot cinabre."))
    changed, reused = build("site-3")
    assert not reused
    pages = search_index_pages(changed / SEARCH_BUNDLE)
    assert "béryl" in pages["/bulletins/info-psoc-01/"]["content"]
    assert "azurite" not in json.dumps(pages, ensure_ascii=False)
    assert "/bulletins/info-psoc-02/" in pages
    shutil.rmtree(tree.root / ".cache")
    fresh, reused = build("site-4")
    assert not reused and _bundle(fresh) == _bundle(changed)
    # a page removed leaves the index
    (tree.root / "bulletins/info-psoc-02.md").unlink()
    removed, reused = build("site-5")
    assert not reused and "/bulletins/info-psoc-02/" not in search_index_pages(removed / SEARCH_BUNDLE)


def _from_scratch(tree: Tree) -> dict[str, bytes]:
    """The index of the tree as it is, made with no cache at all (no kept index, no kept entries)."""
    from infopsoc.core import memo

    kept = tree.root / ".cache-kept"
    (tree.root / ".cache").rename(kept)
    saved = {name: dict(m.entries) for name, m in memo._MEMOS.items()}
    try:
        for m in memo._MEMOS.values():
            m.entries.clear()
        return _bundle(tree.build())
    finally:
        shutil.rmtree(tree.root / ".cache")
        kept.rename(tree.root / ".cache")
        for name, entries in saved.items():
            memo._MEMOS[name].entries.update(entries)


def test_after_each_edit_the_kept_index_writes_only_what_changed_and_is_the_one_made_from_scratch(tree: Tree, caplog):
    """Issue 32: after an edit, the index is made from the kept entries and only its files whose
    bytes changed are written into the cache (the others are the kept ones, linked into the site);
    what the site gets is, file by file, the index a build without any cache makes. Edits: a
    body, a title, a date, a new bulletin, a removed one, a glossary term."""
    tree.write("glossary/msss.md", "---\nterm: MSSS\nexpansion: Ministère de la Santé et des Services sociaux\n---\n"
                                   "Le ministère.\n")
    for n in range(1, 7):
        tree.write(f"bulletins/info-psoc-{n:02d}.md",
                   bulletin_text(n, f"Numéro {n}", f"2018-{n:02d}-10",
                                 body=f"## Financement\n\nLe MSSS et le financement {n}.\n\n## Suite\n\nLe mot{n} et la suite."))
    store = tree.root / ".cache" / "search" / "fr"

    def build() -> tuple[dict[str, bytes], str]:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            site = tree.build()
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Recherche :")]
        assert len(lines) == 1, lines
        bundle = _bundle(site)
        # the site's files are the kept ones (hard links), never copies
        inodes = {p.stat().st_ino for p in (store / "files").iterdir()}
        assert all((site / SEARCH_BUNDLE / rel).stat().st_ino in inodes for rel in bundle)
        return bundle, lines[0]

    first, line = build()
    assert "changés" not in line and "repris" not in line  # an empty cache: every file written
    first_site = {rel: data for rel, data in first.items()}
    edits = {
        "body": lambda: tree.write("bulletins/info-psoc-03.md", bulletin_text(
            3, "Numéro 3", "2018-03-10", body="## Financement\n\nLe MSSS et le financement 3, et un ajout.\n\n"
                                              "## Suite\n\nLe mot3 et la suite.")),
        "title": lambda: tree.write("bulletins/info-psoc-04.md", bulletin_text(
            4, "Quatrième numéro", "2018-04-10", body="## Financement\n\nLe MSSS et le financement 4.\n\n"
                                                      "## Suite\n\nLe mot4 et la suite.")),
        "date": lambda: tree.write("bulletins/info-psoc-05.md", bulletin_text(
            5, "Numéro 5", "2018-05-20", body="## Financement\n\nLe MSSS et le financement 5.\n\n"
                                              "## Suite\n\nLe mot5 et la suite.")),
        "new bulletin": lambda: tree.write("bulletins/info-psoc-07.md", bulletin_text(
            7, "Numéro 7", "2018-07-10", body="## Financement\n\nLe MSSS, le financement 7 et la béryl.")),
        "removed bulletin": lambda: (tree.root / "bulletins/info-psoc-02.md").unlink(),
        "glossary term": lambda: tree.write("glossary/msss.md", "---\nterm: MSSS\nexpansion: Ministère de la "
                                                               "Santé et des Services sociaux du Québec\n---\nLe ministère.\n"),
    }
    written = {}
    for name, edit in edits.items():
        edit()
        incremental, line = build()
        assert "repris" not in line, name
        scratch = _from_scratch(tree)
        assert sorted(incremental) == sorted(scratch), name
        different = [rel for rel in scratch if incremental[rel] != scratch[rel]]
        assert not different, (name, different)
        changed = re.search(r"(\d+) fichiers? changés? sur (\d+)", line)
        written[name] = changed and int(changed.group(1))
    # a body edit writes a few files of the index, not all of them
    assert written["body"] and written["body"] < len(first) / 2, written
    # the first build's files were never written through (its site links to the same kept files)
    assert first == first_site
    # nothing changed: the kept index is taken whole
    again, line = build()
    assert "repris" in line and again == _from_scratch(tree)


def test_the_index_made_by_a_child_process_is_the_one_made_here_and_pages_are_read_before_they_are_written(
        tree: Tree, monkeypatch):
    """On Linux the index is made and kept by a forked child (``apart``: the other core); it is, file by
    file, the one made in the build's own process. The pages taken from the previous site are read
    where they are, before the writer links them (``Needs.unwritten``): the same entries."""
    from infopsoc.content.model import Settings
    from infopsoc.content.site import load_site
    from infopsoc.outputs import search

    for n in range(1, 4):
        tree.write(f"bulletins/info-psoc-{n:02d}.md",
                   bulletin_text(n, f"Numéro {n}", f"2018-{n:02d}-10", body=f"## Financement\n\nLe financement {n}."))
    built = tree.build()
    site, _report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))

    def made(cache: str, unwritten: dict | None = None, site_dir: Path = built) -> dict[str, bytes]:
        job = search.IndexJob(site_dir, site, "fr", tmp / cache, unwritten=unwritten)
        return {name: Path(path).read_bytes() for name, path in job.future.result(timeout=60).items()}

    tmp = tree.root / ".index-tests"
    monkeypatch.setattr(search, "APART", False)
    here = made("here")
    monkeypatch.setattr(search, "APART", sys.platform == "linux")
    assert made("apart") == here
    # the same pages, half of them not written yet: read where they will be taken from
    elsewhere = tree.root / "previous"
    shutil.copytree(built, elsewhere)
    partial = tree.root / "partial"
    shutil.copytree(built, partial)
    unwritten = {}
    for page in sorted(partial.glob("bulletins/*/index.html"))[:2]:
        rel = page.relative_to(partial).as_posix()
        page.unlink()
        unwritten[rel] = elsewhere / rel
    assert made("partial", unwritten, partial) == here
    # a child lost (killed, or no answer in time): the index is made in the build's own process
    def lost(*_args, **_kwargs):
        raise search.ApartLost("perdu")
    monkeypatch.setattr(search, "APART", True)
    monkeypatch.setattr(search, "apart", lost)
    assert made("lost") == here
    assert [d.url for d in search.documents(partial, site, "fr", unwritten)] == \
        [d.url for d in search.documents(built, site, "fr")]


def test_work_apart_gives_its_result_or_its_failure_and_writes_nothing_to_the_output(capfd):
    from infopsoc.outputs.search import APART, apart

    if not APART:
        pytest.skip("a child process is forked on Linux only")

    def work(n: int) -> dict:
        print("ce que le travail écrit ne paraît pas")
        return {"n": n * 2, "pid": os.getpid()}

    def fails() -> None:
        raise ValueError("une erreur du travail")

    def hangs() -> None:
        import time
        time.sleep(60)

    result = apart(work, 21)
    assert result["n"] == 42 and result["pid"] != os.getpid()
    with pytest.raises(ChildProcessError, match="une erreur du travail"):
        apart(fails)
    out, err = capfd.readouterr()
    assert "ne paraît pas" not in out + err
    # a child that gives nothing in time is stopped (never left behind): the caller does the work itself
    from infopsoc.outputs.search import ApartLost

    def children() -> set[str]:  # (Linux's list of a process's children; empty where the kernel has none)
        tasks = [task / "children" for task in Path("/proc/self/task").iterdir()]
        return {pid for task in tasks if task.is_file() for pid in task.read_text().split()}

    before = children()
    with pytest.raises(ApartLost):
        apart(hangs, timeout=0.5)
    assert children() <= before  # stopped and reaped: no child of this process is left


def test_work_apart_ends_with_the_engine_killed_outright():
    """The engine killed outright (SIGKILL: infopsoc killed, its engines follow): the child process
    making the index goes with it, never left running."""
    import time

    from conftest import alive, children
    from infopsoc.outputs.search import APART

    if not APART:
        pytest.skip("a child process is forked on Linux only")
    script = "import time\nfrom infopsoc.outputs.search import apart\nprint('go', flush=True)\napart(time.sleep, 60)\n"
    engine = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert engine.stdout.readline().strip() == "go"
        deadline = time.monotonic() + 20
        while not (kids := children(engine.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kids, "no child process"
    finally:
        engine.kill()
        engine.wait()
    deadline = time.monotonic() + 20
    while any(alive(kid) for kid in kids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(kid) for kid in kids), "the child is still running"


def test_the_store_removes_only_the_files_no_kept_index_names_and_only_its_own(tmp_path):
    """``IndexStore.collect``: the newest indexes (and those used lately) and their files stay; the
    files only older indexes named go, off the build's path; a file it did not make is left."""
    from infopsoc.outputs.search import IndexStore

    store = IndexStore(tmp_path / "fr")
    made = {}
    for n, key in enumerate(("a" * 32, "b" * 32, "c" * 32)):
        made[key], written = store.keep(key, {"meta.json": f"meta {n}".encode(), "sections/0.json": b"same",
                                              f"mots/{n}.json": f"only {n}".encode()})
        assert written == (3 if n == 0 else 2)  # sections/0.json is kept once
    assert len(list((tmp_path / "fr" / "files").iterdir())) == 7
    stranger = tmp_path / "fr" / "files" / "notes.txt"
    stranger.write_text("not the store's")
    old = 1_000_000_000
    for path in (tmp_path / "fr").glob("index-*.json"):
        os.utime(path, (old, old))
    os.utime(tmp_path / "fr" / f"index-{'c' * 32}.json", (old + 2, old + 2))
    os.utime(tmp_path / "fr" / f"index-{'b' * 32}.json", (old + 1, old + 1))
    store.collect()
    assert store.find("a" * 32) is None
    for key in ("b" * 32, "c" * 32):
        found = store.find(key)
        assert found == made[key] and all(path.is_file() for path in found.values())
    assert stranger.is_file()
    assert len([p for p in (tmp_path / "fr" / "files").iterdir() if p != stranger]) == 5
    # a file no index names may be half-written (a build stopped before writing its index): replaced
    import hashlib
    digest = hashlib.blake2b(b"whole", digest_size=20).hexdigest()
    (tmp_path / "fr" / "files" / digest).write_bytes(b"wh")
    found, written = store.keep("d" * 32, {"meta.json": b"whole"})
    assert written == 1 and found["meta.json"].read_bytes() == b"whole"
    # an index edited to name another path, or a file outside the store, is not taken
    index = tmp_path / "fr" / f"index-{'d' * 32}.json"
    for names in ({"../../index.html": digest}, {"meta.json": "../../../etc/passwd"}):
        index.write_text(json.dumps(names))
        assert store.find("d" * 32) is None


# --- the script's pure part, with node's test runner; its word rules against the index's -----

def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node manque (Node 20) : il fait tourner les tests du script de recherche")
        pytest.skip("node manque")
    return node


def test_the_search_script_passes_its_unit_tests(tmp_path):
    """tests/js/search.test.js: ranking, folding, typos, phrases, excerpts of the page's script,
    run by node's own test runner (`node --test`), on the script as written and as the site serves
    it (compacted: outputs/search.py ``compact``); any failing test fails this one."""
    from infopsoc.outputs.search import compact

    source = REPO / "theme/assets/javascripts/infopsoc-search.js"
    served = tmp_path / "infopsoc-search.js"
    served.write_text(compact(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert len(served.read_bytes()) < 0.75 * len(source.read_bytes())
    for script in (source, served):
        result = subprocess.run([_node(), "--test", str(REPO / "tests" / "js")], capture_output=True, text=True,
                                timeout=120, env=dict(os.environ, INFOPSOC_SEARCH_SCRIPT=str(script)))
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert re.search(r"^# pass [1-9]\d*$", result.stdout, re.M) and re.search(r"^# fail 0$", result.stdout, re.M)


#: texts where the two word rules could part: marks, ligatures, apostrophes, scripts, digits
_TEXTS = ["Régionalisation ŒUVRE cæcum l’ACA l'action Straße ﬁn Ǆemal İstanbul ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ",
          "e\u0301te\u0301 n\u0303 ǅ Ⅻ ①②  ½ ٣٤ २०१७ 𝔄𝔅 ＡＢＣ a_b _c d__ 2015-2018 no\u00a03",
          "Ǉ ǈ ǉ ſ ﬀ ﬃ K Å Ω ẞ ŉ ǰ ΐ ﬆ և Ꭰꭰ"]


def test_the_script_cuts_and_folds_words_as_the_index_does():
    """One rule, two languages: the script's words and folding (``core.words``, ``core.lower``,
    ``core.fold``) give what outputs/search.py's give, on texts chosen to part them and on random
    letters of many scripts (seeded)."""
    import random

    from infopsoc.outputs.search import folded, words

    rng = random.Random(31)
    blocks = [(0x20, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x530, 0x58F), (0x1E00, 0x1FFF), (0x300, 0x36F),
              (0xFB00, 0xFB06), (0x2160, 0x2188), (0x13A0, 0x13FD), (0xAB70, 0xABBF), (0x2000, 0x206F)]
    texts = _TEXTS + ["".join(chr(rng.randint(*rng.choice(blocks))) for _ in range(60)) for _ in range(200)]
    script = ("const core = require(process.argv[1]); const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(texts.map(t => core.words(t).map(w => [core.lower(w), core.fold(w)]))));")
    result = subprocess.run([_node(), "-e", script, str(REPO / "theme/assets/javascripts/infopsoc-search.js")],
                            input=json.dumps(texts), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    differences = []
    for text, from_script in zip(texts, json.loads(result.stdout)):
        from_index = [[word, folded(word)] for word in words(text)]
        if from_script != from_index:
            differences.append((text, from_index, from_script))
    assert differences == [], differences[:3]


def test_a_slice_of_the_word_list_stays_small_whatever_the_words_share():
    """Issue 28: 10 000 words sharing six letters made one 686 kB slice (the cut stopped at six
    letters). The word list is cut as deep as it takes."""
    import gzip

    from infopsoc.outputs.search import SHARD_FORMS, build_index, section_entry

    shared = [f"prefix{n:05d}" for n in range(10_000)]
    files = build_index([{"url": f"/p/{n}/", "title": "Page", "kicker": "", "own_term": False,
                          "units": [section_entry("", "Page", " ".join(shared[n::10]),
                                                  {word: 1.0 for word in shared[n::10]}, {}, "fr")]}
                         for n in range(10)], "fr")
    slices = {name: json.loads(data) for name, data in files.items() if name.startswith("mots/")}
    forms = {form for data in slices.values() for form in data["w"]}
    assert len(forms) == 10_000  # every word once
    assert max(len(data["w"]) for data in slices.values()) <= SHARD_FORMS
    assert max(len(files[name]) for name in slices) < 40_000
    assert max(len(gzip.compress(files[name])) for name in slices) < 8_000


def test_a_long_section_is_cut_in_pieces_a_result_fetches_one_of():
    """A result fetches the file of its best section, not its page: a section longer than
    PIECE_CHARS is cut between words, each piece under the same heading and anchor."""
    from infopsoc.outputs.search import PIECE_CHARS, _pieces

    text = " ".join(f"mot{n}" for n in range(2000))
    pieces = _pieces(text)
    assert len(pieces) > 5 and all(len(piece) <= PIECE_CHARS for piece in pieces)
    assert " ".join(pieces) == text
    assert _pieces("court") == ["court"] and _pieces("") == [""]
