"""The term marker: a real Python-Markdown conversion with the site's extensions."""

from __future__ import annotations

import json
import re
from html import escape as html_escape

import markdown
import pytest

from conftest import TODAY, term_text
from infopsoc.content.glossary import load_glossary
from hypothesis import given, settings, strategies as st

from infopsoc.core.text import plain_text
from infopsoc.render.glossary_markdown import GlossaryExtension, TermMatcher, name_pattern, terms_used

EXTENSIONS = ["abbr", "admonition", "attr_list", "footnotes", "md_in_html", "toc", "pymdownx.superfences"]

TERMS = {
    "psoc.md": term_text("PSOC", "Programme de soutien aux organismes communautaires"),
    "roc.md": term_text("ROC", "Regroupement d'organismes communautaires"),
    "troc.md": term_text("TROC", "Table régionale d'organismes communautaires"),
    "cisss.md": term_text("CISSS", "Centre intégré de santé et de services sociaux",
                          aliases=["CISSS-CIUSSS", "CISSS/CIUSSS"]),
    "ciusss.md": term_text("CIUSSS", "Centre intégré universitaire"),
    "seuil-plancher.md": term_text("seuil plancher", "Financement minimal", aliases=["seuils planchers"]),
    "cadre-regional.md": term_text("cadre régional", "Balises « régionales »", aliases=["cadres régionaux"]),
    "brochure-psoc.md": term_text("brochure PSOC", "Document d'orientations"),
    "info-psoc.md": term_text("Info-PSOC", 'Le "bulletin"'),
    "convention.md": term_text("Convention de soutien financier", "Convention",
                               aliases=["Convention PSOC", "convention PSOC"]),
}


@pytest.fixture(scope="module")
def terms(tmp_path_factory):
    root = tmp_path_factory.mktemp("glossary-project")
    (root / "glossary").mkdir()
    for name, text in TERMS.items():
        (root / "glossary" / name).write_text(text, encoding="utf-8")
    glossary, problems = load_glossary(root / "glossary", root, TODAY)
    assert problems == []
    return glossary.terms("fr")


def convert(terms, text: str, page: str | None = "bulletins/info-psoc-03.md", meta=None):
    ext = GlossaryExtension(terms)
    ext.set_page(page, meta)
    html = markdown.Markdown(extensions=[*EXTENSIONS, ext]).convert(text)
    return html, ext.used


def marked(html: str) -> list[str]:
    """The text of every <abbr> the marker made (titled with a glossary expansion), in order."""
    expansions = {html_escape(json.loads(re.search(r"^expansion: (.*)$", text, re.M).group(1)), quote=False)
                  .replace('"', "&quot;") for text in TERMS.values()}
    return [text for title, text in re.findall(r'<abbr title="([^"]*)">(.*?)</abbr>', html, flags=re.S)
            if title in expansions]


@pytest.mark.parametrize("text, expected", [
    ("Les TROC et les ROC.", ["TROC", "ROC"]),
    ("Une TROC/ROC de la région.", ["TROC", "ROC"]),
    ("Les CISSS-CIUSSS et le CISSS.", ["CISSS-CIUSSS", "CISSS"]),
    ("Les CISSS/CIUSSS et les CIUSSS.", ["CISSS/CIUSSS", "CIUSSS"]),
    ("Le PSOCé, le PSOC2, le XPSOC, le _PSOC et l’INFO-PSOC.", []),
    ("L’ACA du PSOC, d'un PSOC, (PSOC), « PSOC ».", ["PSOC", "PSOC", "PSOC", "PSOC"]),
    ("Le psoc, le Psoc et le PSOC.", ["PSOC"]),
    ("Les seuils planchers, Seuils planchers, le seuil\nplancher.", ["seuils planchers", "Seuils planchers", "seuil\nplancher"]),
    ("Les cadres régionaux, les cadres regionaux.", ["cadres régionaux"]),
    ("La nouvelle brochure PSOC et la Brochure PSOC.", ["brochure PSOC", "Brochure PSOC"]),
    ("La convention PSOC, la Convention PSOC, la Convention de soutien financier.",
     ["convention PSOC", "Convention PSOC", "Convention de soutien financier"]),
    ("Suivez l’Info-PSOC #2 et l'info-PSOC.", ["Info-PSOC", "info-PSOC"]),
])
def test_boundaries_aliases_accents_and_case(terms, text, expected):
    html, _used = convert(terms, text)
    assert marked(html) == expected


def test_headings_links_code_and_existing_abbreviations_are_left_alone(terms):
    text = "\n".join([
        "# Le PSOC et les TROC {#titre}",
        "",
        "## Au sein des CISSS/CIUSSS",
        "",
        "Voir [le PSOC](https://example.org/) et `PSOC` et <abbr title=\"x\">ROC</abbr>.",
        "",
        "```",
        "PSOC dans un bloc de code",
        "```",
        "",
        '!!! note "La TROC"',
        "",
        "    Dans l'encadré, la TROC.",
        "",
        "Le CIUSSS.",
        "",
        "*[CIUSSS]: défini par la page",
    ])
    html, used = convert(terms, text)
    assert re.search(r"<h1[^>]*>Le PSOC et les TROC<", html)
    assert re.search(r"<h2[^>]*>Au sein des CISSS/<abbr title=\"défini par la page\">CIUSSS</abbr><", html)
    assert '<a href="https://example.org/">le PSOC</a>' in html
    assert "<code>PSOC</code>" in html and "PSOC dans un bloc de code" in html
    assert '<abbr title="x">ROC</abbr>' in html
    assert '<p class="admonition-title">La TROC</p>' in html
    assert '<abbr title="défini par la page">CIUSSS</abbr>' in html
    assert marked(html) == ["TROC"]  # only the admonition's body
    assert used == ["troc"]


def test_first_occurrence_is_linked_relative_to_the_page(terms):
    html, used = convert(terms, "Le **PSOC**, le PSOC.\n\n- Les TROC et le PSOC\n- la TROC[^1]\n\n[^1]: Le ROC.\n")
    links = re.findall(r'<a class="ip-term" href="([^"]+)"><abbr title="([^"]+)">(\w+)</abbr></a>', html)
    assert links == [
        ("../glossaire/psoc.md", "Programme de soutien aux organismes communautaires", "PSOC"),
        ("../glossaire/troc.md", "Table régionale d'organismes communautaires", "TROC"),
        ("../glossaire/roc.md", "Regroupement d'organismes communautaires", "ROC"),
    ]
    assert html.index("<strong><a class=\"ip-term\"") < html.index("le <abbr")
    assert marked(html) == ["PSOC", "PSOC", "TROC", "PSOC", "TROC", "ROC"]
    assert used == ["psoc", "troc", "roc"]


def test_links_from_other_places_and_without_a_page(terms):
    html, _ = convert(terms, "Le PSOC.", page="index.md")
    assert 'href="glossaire/psoc.md"' in html
    html, _ = convert(terms, "Le PSOC.", page="glossaire/roc.md")
    assert 'href="psoc.md"' in html
    html, _ = convert(terms, "Le PSOC.", page=None)
    assert "<a " not in html and marked(html) == ["PSOC"]


def test_a_term_page_does_not_mark_its_own_term(terms):
    html, used = convert(terms, "Le PSOC, le ROC et la brochure PSOC.", page="glossaire/psoc.md")
    assert marked(html) == ["ROC", "brochure PSOC"]
    assert used == ["roc", "brochure-psoc"]


def test_a_page_may_turn_marking_off(terms):
    html, used = convert(terms, "Le PSOC.", meta={"infopsoc": {"glossary": False}})
    assert "<abbr" not in html and used == []


def test_expansions_are_escaped_in_the_title(terms):
    html, _ = convert(terms, "L'Info-PSOC et les cadres régionaux.")
    assert '<abbr title="Le &quot;bulletin&quot;">Info-PSOC</abbr>' in html
    assert '<abbr title="Balises « régionales »">cadres régionaux</abbr>' in html


def test_no_class_skips_generated_lists(terms):
    html, used = convert(terms, '<div class="ip-noterms" markdown="1">\n\n- le PSOC\n\n</div>\n\nLe ROC.\n')
    assert marked(html) == ["ROC"] and used == ["roc"]


def test_terms_used_sees_what_the_page_marks(terms):
    texts = {
        "a": "## Le PSOC\n\nLa TROC.\n\n!!! note\n\n    Le CISSS.\n",
        "b": "Rien ici, sauf `ROC` et [PSOC](x.md).",
    }
    assert terms_used(texts, terms, EXTENSIONS, {}) == {"a": ["troc", "cisss"], "b": []}


def test_terms_used_cache_gives_the_same_answers_and_follows_edits(terms, tmp_path):
    cache = tmp_path / "usage.json"
    texts = {"a": "La TROC et le CISSS.\n", "b": "Le PSOC.\n"}
    fresh = terms_used(texts, terms, EXTENSIONS, {})
    assert terms_used(texts, terms, EXTENSIONS, {}, cache) == fresh == {"a": ["troc", "cisss"], "b": ["psoc"]}
    assert cache.is_file()
    assert terms_used(texts, terms, EXTENSIONS, {}, cache) == fresh  # answered from the file
    # an edited text is converted again; a text no longer present is dropped from the file
    edited = {"a": "Le ROC seulement.\n"}
    assert terms_used(edited, terms, EXTENSIONS, {}, cache) == {"a": ["roc"]}
    assert len(json.loads(cache.read_text(encoding="utf-8"))["texts"]) == 1
    # other terms: the file's answers are not used
    fewer = [t for t in terms if t.slug != "roc"]
    assert terms_used(edited, fewer, EXTENSIONS, {}, cache) == {"a": []}


def test_matcher_prefilter_keeps_every_first_letter(terms):
    # names starting with a lower-case letter, a capital, an acronym: all still found
    html, used = convert(terms, "Les seuils planchers, la Convention PSOC, le cadre régional et la TROC.\n")
    assert used == ["seuil-plancher", "convention", "cadre-regional", "troc"]


def _reference_find(terms, text):
    """The plain way: one alternation of every name, longest first, tried at every position."""
    patterns = {}
    for term in terms:
        for name in term.names:
            patterns.setdefault(name_pattern(name), term)
    ordered = sorted(patterns.items(), key=lambda item: (-len(item[0]), item[0]))
    regex = re.compile("|".join(f"({p})" for p, _t in ordered))
    return [(m.start(), m.end(), ordered[m.lastindex - 1][1].slug) for m in regex.finditer(text)]


_PIECES = ["PSOC", "ROC", "TROC", "CISSS", "CIUSSS", "-", "/", " ", "\n", "seuil", "seuils", "plancher",
           "planchers", "Seuils", "cadre", "régional", "brochure", "Brochure", "Info", "INFO", "info", "convention",
           "Convention", "de", "soutien", "financier", "l'", "l’", "é", "x", "2", "_", "(", "»", "."]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_indexed_matcher_finds_what_one_alternation_finds(terms, pieces):
    text = "".join(pieces)
    found = [(m.start, m.end, m.term.slug) for m in TermMatcher(terms).find(text)]
    assert found == _reference_find(terms, text)


def test_plain_text_of_a_definition():
    text = "Le **PSOC** est un [programme](x.md) « national ».\n\nDeuxième\nparagraphe &amp; fin.\n\n- un\n- deux\n"
    assert plain_text(text) == "Le PSOC est un programme « national ».\n\nDeuxième paragraphe & fin.\n\nun\n\ndeux"


def test_inline_html_links_code_and_abbr_written_by_hand_are_left_alone(terms):
    html, used = convert(terms, '<a href="x">le **PSOC** et ROC</a>, <code>TROC</code>, '
                                '<abbr title="x">CISSS</abbr> puis <span>CIUSSS</span> et<br/>la TROC.\n\n'
                                'Un <a href="y">seuil plancher\n\nLe cadre régional.')
    assert marked(html) == ["CIUSSS", "TROC", "cadre régional"]
    assert used == ["ciusss", "troc", "cadre-regional"]
