"""Full MkDocs builds of small fixture trees: archive, dates, drafts, navigation."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO, bulletin_text


def _archive_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Info-PSOC no\s(\d+) ·", html)]


@pytest.fixture
def built(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05-02", topics=["Convention"]))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-10"))
    tree.write("bulletins/info-psoc-03.md", bulletin_text(3, "Troisième", "2017-10-18",
                                                          body="Texte[^1].\n\n[^1]: Une note."))
    tree.write("bulletins/info-psoc-04.md", bulletin_text(4, "Brouillon secret", "2018-01", draft="true"))
    tree.build()
    return tree


def test_archive_newest_first_grouped_by_year(built):
    html = built.read("bulletins/index.html")
    assert _archive_numbers(html) == [3, 2, 1]
    assert html.index('id="annee-2017"') < html.index('id="annee-2016"')
    assert 'href="#annee-2016"' in html


def test_month_precision_date_is_shown_as_a_month(built):
    html = built.read("bulletins/info-psoc-02/index.html")
    assert '<time datetime="2017-10">octobre 2017</time>' in html
    assert '<time datetime="2017-10-18">18 octobre 2017</time>' in built.read("bulletins/info-psoc-03/index.html")


def test_drafts_are_not_published(built):
    assert not (built.root / "site/bulletins/info-psoc-04").exists()
    for page in (built.root / "site").rglob("*"):
        if page.is_file() and page.suffix in {".html", ".xml", ".json"}:
            assert "Brouillon secret" not in page.read_text(encoding="utf-8"), page


def test_previous_and_next_links(built):
    middle = built.read("bulletins/info-psoc-02/index.html")
    assert 'href="../info-psoc-01/"' in middle and "Numéro précédent" in middle
    assert 'href="../info-psoc-03/"' in middle and "Numéro suivant" in middle
    newest = built.read("bulletins/info-psoc-03/index.html")
    assert "Numéro suivant" not in newest


def test_footnotes_come_before_the_navigation(built):
    html = built.read("bulletins/info-psoc-03/index.html")
    assert html.index('class="footnote"') < html.index('class="ip-prevnext"')


def test_home_shows_the_latest_issue(built):
    html = built.read("index.html")
    assert "Troisième" in html and 'href="bulletins/info-psoc-03/"' in html


def test_drafts_are_shown_when_asked(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Brouillon", "2018-01", draft="true"))
    tree.build(plugins={"search": {}, "infopsoc": {"drafts": True}})
    assert "Brouillon" in tree.read("bulletins/info-psoc-01/index.html")


def test_content_error_fails_the_build_without_traceback(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, date="2017-02-30"))
    tree.write("bulletins/info-psoc-02.md", "---\nnumber: deux\ntitle: x\ndate: 2017-10\nsummary: x\n---\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree.root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "bulletins/info-psoc-01.md:4: « date » : la date « 2017-02-30 » n'existe pas" in result.stderr
    assert "bulletins/info-psoc-02.md:2:" in result.stderr


def test_unknown_directive_is_an_error(tree):
    tree.write("content/index.md", "# Accueil\n\n<!-- infopsoc: dernier -->\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree.root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "content/index.md:3: directive « dernier » inconnue" in result.stderr


def test_the_real_site_holds_the_whole_bulletin(real_site):
    site = real_site
    html = (site / "bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)  # the glossary wraps acronyms in <abbr>
    seed = (REPO.parent / "shared/seeds/info-psoc-03-octobre-2017.txt")
    for sentence in [
        "Par ce bulletin, la Coalition des Tables régionales",
        "Une délégation de la TRPOCB a rencontré les fonctionnaires du MSSS le 19 octobre.",
        "nourrir la réflexion collective au sujet de son amélioration",
        "Un immense bravo à vous tous et toutes",
        "Rappelons-nous que la Convention PSOC actuelle est le fruit de 18\u00a0mois",  # « 18 mois »: no break
    ]:
        assert sentence in text
    assert html.count('class="footnote-ref"') >= 3
    assert html.count('class="admonition') >= 4


# --- issue 29: `make build` prints French only ------------------------------------------------------
#: MkDocs' English lines (its own command prints them; plugin/engine.py translates or silences them)
ENGINE_ENGLISH = ("Cleaning site directory", "Building documentation", "Documentation built", "INFO", "WARNING",
                  "Aborted", "Traceback")


def test_the_build_speaks_french(real_build):
    for english in ENGINE_ENGLISH:
        assert english not in real_build.output, (english, real_build.output[-3000:])
    assert "construction terminée en " in real_build.output
    assert "Site construit dans" in real_build.output


def test_a_failed_build_speaks_french(tree):
    from conftest import run_infopsoc

    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Un", "2017-10", body="[perdu](info-psoc-09.md)\n"))
    result = run_infopsoc(tree.root, "build")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "bulletins/info-psoc-01.md:" in output and "info-psoc-09.md" in output, output
    for english in ENGINE_ENGLISH:
        assert english not in output, (english, output)
