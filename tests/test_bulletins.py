"""The bulletin schema: golden records and one test per kind of bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, TODAY, bulletin_text
from infopsoc.content.bulletins import load_bulletins, published
from infopsoc.core.dates import PartialDate

GOLDEN = Path(__file__).parent / "golden"


def load(tmp_path: Path, files: dict[str, str | bytes]):
    folder = tmp_path / "bulletins"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return load_bulletins(folder, tmp_path, TODAY)


def test_golden_record(tmp_path):
    folder = tmp_path / "bulletins"
    folder.mkdir()
    shutil.copy(GOLDEN / "valid-bulletin.md", folder)
    items, problems = load_bulletins(folder, tmp_path, TODAY)
    assert problems == []
    expected = json.loads((GOLDEN / "valid-bulletin.json").read_text(encoding="utf-8"))
    assert items[0].record() == expected


def test_the_real_bulletin_is_valid():
    items, problems = load_bulletins(REPO / "bulletins", REPO, TODAY)
    assert [p.format() for p in problems] == []
    b03 = next(b for b in items if b.slug == "info-psoc-03")
    assert b03.number == 3
    assert b03.date == PartialDate(2017, 10)
    assert b03.date.format("fr") == "octobre 2017"


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        # invalid YAML: unclosed quote, tab indentation, colon in an unquoted title
        ('---\nnumber: 1\ntitle: "Sans fin\ndate: 2017-10\nsummary: x\n---\n', 3, "guillemet"),
        ("---\nnumber: 1\n\ttitle: x\ndate: 2017-10\nsummary: x\n---\n", 3, "tabulation"),
        ("---\nnumber: 1\ntitle: Bilan : la suite\ndate: 2017-10\nsummary: x\n---\n", 3, "deux-points"),
        # front matter not closed
        ("---\nnumber: 1\ntitle: x\n", 1, "pas fermé"),
        # missing, empty required field
        ("---\nnumber: 1\ndate: 2017-10\nsummary: x\n---\n", 1, "« title » manque"),
        ('---\nnumber: 1\ntitle: ""\ndate: 2017-10\nsummary: x\n---\n', 3, "« title » est vide"),
        # unknown field, with a suggestion
        ("---\nnumber: 1\ntitle: x\ndate: 2017-10\nsumary: x\n---\n", 5, "champ inconnu « sumary »"),
        # wrong type
        ("---\nnumber: trois\ntitle: x\ndate: 2017-10\nsummary: x\n---\n", 2, "n'est pas un nombre entier"),
        ("---\nnumber: 1\ntitle: x\ndate: 2017-10\nsummary: x\ntopics: {a: b}\n---\n", 6, "liste est attendue"),
        # impossible and far-future dates
        ("---\nnumber: 1\ntitle: x\ndate: 2017-02-30\nsummary: x\n---\n", 4, "n'existe pas"),
        ("---\nnumber: 1\ntitle: x\ndate: 2017-13\nsummary: x\n---\n", 4, "n'existe pas"),
        ("---\nnumber: 1\ntitle: x\ndate: 2099-01-01\nsummary: x\n---\n", 4, "plus d'un an"),
        # empty file, no front matter
        ("", 1, "vide"),
        ("Du texte sans en-tête\n", 1, "ne commence pas"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, text, line, fragment):
    items, problems = load(tmp_path, {"info-psoc-01.md": text})
    assert items == []
    assert problems, "a bad file must give a problem"
    first = problems[0]
    assert first.path == "bulletins/info-psoc-01.md"
    assert first.line == line, first.format()
    assert fragment in first.message
    assert first.hint, "every problem says how to fix it"
    assert first.format().startswith(f"bulletins/info-psoc-01.md:{line}: ")


def test_not_utf8_names_the_line(tmp_path):
    text = bulletin_text(title="Été").encode("latin-1")
    _items, problems = load(tmp_path, {"info-psoc-01.md": text})
    assert len(problems) == 1
    assert "UTF-8" in problems[0].message
    assert problems[0].line == 3


def test_bom_and_windows_line_endings_are_accepted(tmp_path):
    text = ("\ufeff" + bulletin_text()).replace("\n", "\r\n").encode("utf-8")
    items, problems = load(tmp_path, {"info-psoc-01.md": text})
    assert problems == []
    assert items[0].title == "Titre"
    assert "\r" not in items[0].body


def test_duplicate_number_is_reported_on_the_second_file(tmp_path):
    _items, problems = load(tmp_path, {
        "info-psoc-01.md": bulletin_text(number=1),
        "info-psoc-02.md": bulletin_text(number=1),
    })
    assert [(p.path, p.line) for p in problems] == [("bulletins/info-psoc-02.md", 2)]
    assert "déjà pris par bulletins/info-psoc-01.md" in problems[0].message


def test_every_problem_of_every_file_in_one_run(tmp_path):
    _items, problems = load(tmp_path, {
        "a.md": "---\nnumber: zéro\ntitle: \"\"\ndate: 2017-02-30\nsummary: x\nauteur: moi\n---\n",
        "b.md": "---\nnumber: 2\n",
    })
    assert {(p.path, p.line) for p in problems} == {
        ("bulletins/a.md", 2), ("bulletins/a.md", 3), ("bulletins/a.md", 4), ("bulletins/a.md", 6),
        ("bulletins/b.md", 1),
    }


def test_duplicate_key(tmp_path):
    _items, problems = load(tmp_path, {"a.md": "---\nnumber: 1\ntitle: x\ntitle: y\ndate: 2017-10\nsummary: x\n---\n"})
    assert [(p.line, "deux fois" in p.message) for p in problems] == [(4, True)]


def test_english_translation_is_loaded_but_needs_its_original(tmp_path):
    items, problems = load(tmp_path, {
        "info-psoc-01.md": bulletin_text(number=1),
        "info-psoc-01.en.md": bulletin_text(number=1, title="Title"),
        "info-psoc-09.en.md": bulletin_text(number=9),
    })
    assert {(b.slug, b.lang) for b in items} == {("info-psoc-01", "fr"), ("info-psoc-01", "en"), ("info-psoc-09", "en")}
    assert [p.path for p in problems] == ["bulletins/info-psoc-09.en.md"]
    assert [b.slug for b in published(items, "fr")] == ["info-psoc-01"]


def test_order_is_newest_first_with_month_before_day_of_same_month(tmp_path):
    items, problems = load(tmp_path, {
        "a.md": bulletin_text(number=1, date="2017-10"),
        "b.md": bulletin_text(number=2, date="2017-10-18"),
        "c.md": bulletin_text(number=3, date="2018-01"),
        "d.md": bulletin_text(number=4, date="2019-01", draft="true"),
    })
    assert problems == []
    assert [b.number for b in published(items, "fr")] == [3, 2, 1]
    assert [b.number for b in published(items, "fr", drafts=True)] == [4, 3, 2, 1]


def test_bad_slug(tmp_path):
    _items, problems = load(tmp_path, {"Info PSOC 4.md": bulletin_text()})
    assert "nom de fichier" in problems[0].message
