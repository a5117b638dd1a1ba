"""The timeline: date precision, order, checks, and the built /chronologie/ page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, TODAY, bulletin_text
from infopsoc.content.timeline import check_anchors, check_references, in_order, load_timeline


def event_text(date="1994", title="Régionalisation du PSOC", sources="  - bulletin: info-psoc-03", extra="", body="Texte."):
    return f"---\ndate: {date}\ntitle: \"{title}\"\n{extra}sources:\n{sources}\n---\n{body}\n"


def load(tmp_path: Path, files: dict[str, str]):
    folder = tmp_path / "timeline"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_timeline(folder, tmp_path, TODAY)


def test_precision_is_kept_and_year_sorts_before_day_of_same_year(tmp_path):
    events, problems = load(tmp_path, {
        "1994-05-02-b.md": event_text("1994-05-02"),
        "1994-a.md": event_text("1994"),
        "1994-05-c.md": event_text("1994-05"),
        "1973-d.md": event_text("1973"),
    })
    assert problems == []
    ordered = in_order(events, "fr")
    assert [e.anchor for e in ordered] == ["1973-d", "1994-a", "1994-05-c", "1994-05-02-b"]
    assert [e.date_text("fr") for e in ordered] == ["1973", "1994", "mai 1994", "2 mai 1994"]


def test_periods_are_shown_as_intervals(tmp_path):
    events, problems = load(tmp_path, {
        "2015-convention.md": event_text("2015", extra="end: 2018\n"),
        "2017-10-18-rencontres.md": event_text("2017-10-18", extra="end: 2017-10-19\n"),
    })
    assert problems == []
    texts = {e.anchor: e.date_text("fr") for e in events}
    assert texts["2015-convention"] == "2015\u2009–\u20092018"
    assert texts["2017-10-18-rencontres"] == "18–19 octobre 2017"
    meeting = next(e for e in events if e.anchor == "2017-10-18-rencontres")
    assert meeting.date_text("en") == "October 18–19, 2017"


def test_end_before_date_is_an_error(tmp_path):
    _events, problems = load(tmp_path, {"2018-x.md": event_text("2018", extra="end: 2015\n")})
    assert [(p.path, p.line) for p in problems] == [("timeline/2018-x.md", 4)]
    assert "avant le début" in problems[0].message


def test_file_name_must_start_with_the_date(tmp_path):
    _events, problems = load(tmp_path, {"1995-x.md": event_text("1994")})
    assert [(p.line, "ne commence pas par la date" in p.message) for p in problems] == [(2, True)]


def test_bad_source_shape(tmp_path):
    _events, problems = load(tmp_path, {"1994-x.md": event_text(sources="  - info-psoc-03")})
    assert [(p.line, "chaque source" in p.message) for p in problems] == [(4, True)]


def test_unknown_bulletin_and_unknown_term_are_errors(tmp_path):
    events, problems = load(tmp_path, {
        "1994-x.md": event_text(sources="  - bulletin: info-psoc-99\n  - citation: \"Un livre\"", extra="terms:\n  - PSOC\n  - XYZ\n"),
    })
    assert problems == []
    problems = check_references(events, {"info-psoc-03"}, lambda name: name if name == "PSOC" else None)
    assert sorted((p.line, p.message) for p in problems) == [
        (4, "le terme « XYZ » n'est pas dans le glossaire"),
        (7, "la source « bulletin: info-psoc-99 » ne correspond à aucun bulletin"),
    ]


def test_two_events_with_the_same_anchor(tmp_path):
    events, problems = load(tmp_path, {"1994-x.md": event_text()})
    assert problems == []
    twin = load(tmp_path / "other", {"1994-x.md": event_text()})[0]
    duplicates = check_anchors(events + twin)
    assert len(duplicates) == 1 and "déjà celle de" in duplicates[0].message


def test_the_real_timeline_is_valid():
    from infopsoc.content.site import Settings, load_site

    site, report = load_site(Settings(root=REPO), TODAY)
    timeline_problems = [p.format() for p in report.problems if p.path.startswith("timeline/")]
    assert timeline_problems == []
    years = [e.date.year for e in site.timeline_in("fr")]
    assert years[0] == 1973 and years[-1] == 2022 and years == sorted(years)


@pytest.fixture
def built(tree):
    tree.write("bulletins/info-psoc-03.md", bulletin_text(3, "Troisième", "2017-10"))
    tree.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: Programme de soutien aux organismes communautaires\n---\nLe programme.\n")
    tree.write("timeline/1994-regionalisation-du-psoc.md", event_text("1994", extra="terms:\n  - PSOC\n"))
    tree.write("timeline/1973-naissance.md", event_text("1973", "Naissance", sources='  - citation: "Présentation, mars 2022"'))
    tree.write("timeline/2017-10-18-rencontre.md", event_text("2017-10-18", "Rencontre", extra="end: 2017-10-19\n"))
    tree.build()
    return tree


def test_timeline_page_in_order_with_anchors_and_decades(built):
    html = built.read("chronologie/index.html")
    anchors = re.findall(r'<h3 id="([^"]+)"', html)
    assert anchors == ["1973-naissance", "1994-regionalisation-du-psoc", "2017-10-18-rencontre"]
    decades = re.findall(r'<h2 id="(annees-\d+)"', html)
    assert decades == ["annees-1970", "annees-1990", "annees-2010"]
    assert 'href="#annees-1990"' in html
    assert '<ol class="ip-timeline">' in html
    assert '<time datetime="2017-10-18">18–19 octobre 2017</time>' in html
    assert 'href="../bulletins/info-psoc-03/"' in html
    assert 'href="../glossaire/psoc/"' in html
    assert "Présentation, mars 2022" in html


def test_bulletin_lists_the_events_citing_it(built):
    html = built.read("bulletins/info-psoc-03/index.html")
    assert "Dans la chronologie" in html
    assert 'href="../../chronologie/#1994-regionalisation-du-psoc"' in html
    assert 'href="../../chronologie/#2017-10-18-rencontre"' in html
    assert "#1973-naissance" not in html
