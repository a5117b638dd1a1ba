"""French typography: the non-breaking spaces of a French publication, rule by rule, in text,
in converted Markdown and in a real build (pages and feeds); « 1er » in dates."""

from __future__ import annotations

import feedparser
import markdown
import pytest

from conftest import bulletin_text

from infopsoc.content.timeline import load_timeline
from infopsoc.core.dates import PartialDate
from infopsoc.core.i18n import strings
from infopsoc.core.typography import NBSP, NNBSP, french
from infopsoc.render.typography import FrenchTypographyExtension, with_typography


@pytest.mark.parametrize("text, expected", [
    # thin no-break space before ; ! ?
    ("à venir !", f"à venir{NNBSP}!"),
    ("quoi ?", f"quoi{NNBSP}?"),
    ("un ; deux", f"un{NNBSP}; deux"),
    ("bravo !!!", f"bravo{NNBSP}!!!"),
    # no-break space before :
    ("PSOC : la suite", f"PSOC{NBSP}: la suite"),
    # inside guillemets
    ("« jour de la marmotte »", f"«{NBSP}jour de la marmotte{NBSP}»"),
    # between a number and its unit, $ or %
    ("10 millions d'investissement", f"10{NBSP}millions d'investissement"),
    ("5 %", f"5{NBSP}%"),
    ("300 $", f"300{NBSP}$"),
    ("18 mois de négociations", f"18{NBSP}mois de négociations"),
    # « no 3 »
    ("Info-PSOC no 3", f"Info-PSOC no{NBSP}3"),
    # a space already unbreakable is given its right width
    (f"venir{NBSP}!", f"venir{NNBSP}!"),
])
def test_each_rule(text, expected):
    assert french(text) == expected


@pytest.mark.parametrize("text", [
    "http://www.ctroc.org/?a=1",   # URLs: no space, nothing changes
    "à 10:00",                    # times
    "autonomes?",                 # no space typed: none is added
    "le 18 octobre",              # a number before a word that is not a unit
    "piano 3",                    # « no » only as a word
    "3 000 organismes",
])
def test_text_without_a_rule_is_unchanged(text):
    assert french(text) == text


def test_french_is_idempotent():
    once = french("« venir ! » : 10 % ; no 3 ?")
    assert french(once) == once


def convert(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "toc", FrenchTypographyExtension()])


def test_markdown_text_gets_the_spaces_code_urls_and_attributes_do_not():
    html = convert('Venir ! Voir [le lien](http://a.b/?x=1 "Titre : oui") et <http://a.b/c?d>.\n\n'
                   "`a ; b` et\n\n    code : oui ?\n")
    assert f"Venir{NNBSP}!" in html
    assert 'title="Titre : oui"' in html          # attribute values untouched
    assert 'href="http://a.b/?x=1"' in html
    assert ">http://a.b/c?d</a>" in html          # a link showing its address
    assert "<code>a ; b</code>" in html            # inline code
    assert "code : oui ?" in html                  # code block


def test_escaped_signs_and_headings_keep_their_anchor():
    html = convert("## PSOC : à venir \\! {#x}\n\n# Le PSOC, c'est quoi ?\n")
    assert f'<h2 id="x">PSOC{NBSP}: à venir{NNBSP}!</h2>' in html
    assert 'id="le-psoc-cest-quoi"' in html  # the slug folds the no-break space


def test_registered_for_french_only():
    assert any(isinstance(e, FrenchTypographyExtension) for e in with_typography(["toc"], "fr"))
    assert with_typography(["toc", FrenchTypographyExtension()], "en") == ["toc"]
    assert len([e for e in with_typography([FrenchTypographyExtension()], "fr")
                if isinstance(e, FrenchTypographyExtension)]) == 1


def test_catalogue_is_typeset_in_french_only():
    assert strings("fr")["bulletin_label"].format(number=3) == f"Info-PSOC no{NBSP}3"
    assert strings("fr")["sources"] == f"Sources{NBSP}:"
    assert all(NBSP not in v and NNBSP not in v for v in (strings("en")[k] for k in ("bulletin_label", "draft", "sources")))


# --- dates ----------------------------------------------------------------------

@pytest.mark.parametrize("raw, fr, en", [
    ("2018-04-01", "1er avril 2018", "April 1, 2018"),
    ("2018-04-11", "11 avril 2018", "April 11, 2018"),
    ("2017-10-18", "18 octobre 2017", "October 18, 2017"),
    ("2018-04", "avril 2018", "April 2018"),
])
def test_first_of_the_month_is_1er(raw, fr, en):
    date = PartialDate.parse(raw)
    assert date.format("fr") == fr
    assert date.format("en") == en


def test_timeline_period_starting_on_the_first_says_1er(tmp_path):
    folder = tmp_path / "timeline"
    folder.mkdir()
    (folder / "2018-04-01-x.md").write_text("---\ndate: 2018-04-01\nend: 2018-04-03\ntitle: \"X\"\n"
                                            "sources:\n  - citation: \"Une source\"\n---\nTexte.\n", encoding="utf-8")
    events, problems = load_timeline(folder, tmp_path, PartialDate.parse("2026-01-01").first_day())
    assert not problems
    assert events[0].date_text("fr") == "1er–3 avril 2018"


# --- a real build: pages and feeds -------------------------------------------------

def test_built_french_page_and_feed_have_the_spaces(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Des informations qui tardent à venir !", "2018-04-01", summary="Quoi ? Le PSOC : 10 millions.",
        body="Reste à voir ! Le « PSOC » : no 3, 5 %.\n\nVoir <http://www.ctroc.org/?a=1>.\n"))
    site = tree.build()
    page = (site / "bulletins/info-psoc-01/index.html").read_text(encoding="utf-8")
    assert f"Reste à voir{NNBSP}!" in page
    assert f"«{NBSP}PSOC{NBSP}»{NBSP}: no{NBSP}3, 5{NBSP}%." in page
    assert f"tardent à venir{NNBSP}!" in page
    assert "1er avril 2018" in page
    assert 'href="http://www.ctroc.org/?a=1"' in page
    feed = feedparser.parse((site / "rss.xml").read_bytes())
    entry = feed.entries[0]
    assert entry.title.endswith(f"venir{NNBSP}!")
    assert f"Reste à voir{NNBSP}!" in entry.content[0].value


# --- issue 29: across element boundaries (a note call, an abbreviation, a link, emphasis) ----------

@pytest.mark.parametrize("source, expected", [
    ("Le PRAC[^2] ; la suite.\n\n[^2]: La note.", f"</sup>{NNBSP}; la suite"),
    ("Les [projets ponctuels](x.md) ; la suite.", f"</a>{NNBSP}; la suite"),
    ("La *brochure PSOC* : la suite.", f"</em>{NBSP}: la suite"),
    ("Votre **ROC** ! Et `code` ? Oui.", f"</strong>{NNBSP}! Et <code>code</code>{NNBSP}? Oui"),
    ("« [le lien](x.md) » et la fin.", f"«{NBSP}<a href=\"x.md\">le lien</a>{NBSP}» et"),
])
def test_the_space_after_an_inline_element_is_typeset_too(source, expected):
    html = markdown.markdown(source, extensions=["footnotes", FrenchTypographyExtension()])
    assert expected in html, html


@pytest.mark.parametrize("source, kept", [
    ("Le renvoi[^1] 3 mois plus tard.\n\n[^1]: Note.", f"</sup> 3{NBSP}mois"),  # a note call is not a number
    ("Une ligne.\n\n; pas une phrase", "<p>; pas une phrase</p>"),       # no element before
    ("Un [lien](x.md)? collé", "</a>? collé"),                            # no space typed: none added
])
def test_only_the_typed_space_after_an_element_changes(source, kept):
    html = markdown.markdown(source, extensions=["footnotes", FrenchTypographyExtension()])
    assert kept in html, html


def test_across_elements_in_the_page_the_feed_and_the_pdf(tree):
    import io

    import pypdf

    tree.write("glossary/roc.md", '---\nterm: ROC\nexpansion: "Regroupement d\'organismes communautaires"\n---\nUn regroupement.\n')
    tree.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Un", "2017-10", body="Contactez votre ROC : la suite. Le PRAC[^1] ; puis [le site](../index.md) !\n\n"
                                 "[^1]: La note.\n"))
    site = tree.build(pdf=True)
    page = (site / "bulletins/info-psoc-01/index.html").read_text(encoding="utf-8")
    assert f"ROC</abbr></a>{NBSP}: la suite" in page or f"ROC</abbr>{NBSP}: la suite" in page, page
    assert f"</sup>{NNBSP}; puis" in page
    assert f"le site</a>{NNBSP}!" in page
    content = feedparser.parse((site / "rss.xml").read_bytes()).entries[0].content[0].value
    assert f"</sup>{NNBSP}; puis" in content and f"le site</a>{NNBSP}!" in content
    assert f"{NBSP}: la suite" in content and " : la suite" not in content
    pdf = next((site / "pdf").glob("*.pdf"))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    flat = " ".join(text.split(" "))
    assert "ROC : la suite" not in flat and "site !" not in flat, text
    assert f"ROC{NBSP}: la suite" in text or f"ROC{NBSP}:" in text, text
