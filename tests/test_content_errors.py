"""Every content mistake is a message: glossary, timeline and members, case by case, then one bad
tree through the real ``infopsoc check`` and ``infopsoc build`` (bulletins: tests/test_bulletins.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TODAY, Tree, bulletin_text, populate, run_infopsoc, snapshot
from infopsoc.content.bulletins import load_bulletins
from infopsoc.content.glossary import load_glossary
from infopsoc.content.members import load_members
from infopsoc.content.timeline import load_timeline

BIG = b"x" * (5 * 1024 * 1024)


def _load(tmp_path: Path, folder: str, loader, files: dict[str, str | bytes]):
    target = tmp_path / folder
    target.mkdir(exist_ok=True)
    for name, text in files.items():
        (target / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return loader(target, tmp_path, TODAY)


def _first(problems, rel):
    assert problems, "a bad file must give a problem"
    first = sorted(problems)[0]
    assert first.path == rel and first.hint, first.format()
    return first


GLOSSARY_CASES = [
    ('---\nterm: "CISSS\nexpansion: x\n---\nDéf.\n', 2, "guillemet non fermé"),
    ("---\nterm: CISSS\n\texpansion: x\n---\nDéf.\n", 3, "tabulation"),
    ("---\nterm: CISSS\nexpansion: Centre : intégré\n---\nDéf.\n", 3, "deux-points"),
    ("---\nterm: CISSS\nexpansion: x\n", 1, "pas fermé"),
    ("---\nterm: CISSS\n---\nDéf.\n", 1, "« expansion » manque"),
    ('---\nterm: ""\nexpansion: x\n---\nDéf.\n', 2, "« term » est vide"),
    ("---\nterm: CISSS\nexpansion: x\nsee_aslo: [PSOC]\n---\nDéf.\n", 4, "champ inconnu « see_aslo »"),
    ("---\nterm: [CISSS, CIUSSS]\nexpansion: x\n---\nDéf.\n", 2, "un texte est attendu"),
    ("---\nterm: CISSS\nexpansion: x\naliases: {a: b}\n---\nDéf.\n", 4, "liste est attendue"),
    ("---\nterm: CISSS\nexpansion: x\n---\n\n", 5, "la définition manque"),
    ("", 1, "vide"),
    (BIG, None, "trop gros"),
    ("---\nterm: CISSS\nexpansion: Été\n---\nDéf.\n".encode("latin-1"), 3, "UTF-8"),
]


@pytest.mark.parametrize("text, line, fragment", GLOSSARY_CASES)
def test_glossary_mistakes_name_file_and_line(tmp_path, text, line, fragment):
    glossary, problems = _load(tmp_path, "glossary", load_glossary, {"cisss.md": text})
    first = _first(problems, "glossary/cisss.md")
    assert (first.line, fragment in first.message) == (line, True), first.format()


def test_glossary_duplicate_name_and_french_suffix(tmp_path):
    _glossary, problems = _load(tmp_path, "glossary", load_glossary, {
        "cisss.md": "---\nterm: CISSS\nexpansion: x\n---\nDéf.\n",
        "cisss-bis.md": "---\nterm: cisss\nexpansion: y\n---\nDéf.\n",
        "cisss.fr.md": "---\nterm: CISSS\nexpansion: z\n---\nDéf.\n",
        "Cisss.md": "---\nterm: CISSS\nexpansion: z\n---\nDéf.\n",
    })
    messages = {(p.path, p.line): p.message for p in problems}
    assert "désigne déjà « cisss » (glossary/cisss-bis.md)" in messages[("glossary/cisss.md", 2)]
    assert "deux versions françaises de « cisss »" in messages[("glossary/cisss.fr.md", None)]
    assert "nom de fichier « Cisss.md » invalide" in messages[("glossary/Cisss.md", None)]
    assert len(problems) == 3


def event(date="1994", title='"Régionalisation"', extra=""):
    return f"---\ndate: {date}\ntitle: {title}\n{extra}sources:\n  - citation: \"Présentation, mars 2022\"\n---\nTexte.\n"


TIMELINE_CASES = [
    ('---\ndate: 1994\ntitle: "Sans fin\nsources: []\n---\n', 3, "guillemet non fermé"),
    ("---\ndate: 1994\n\ttitle: x\n---\n", 3, "tabulation"),
    (event(title="Régionalisation : la suite"), 3, "deux-points"),
    ("---\ndate: 1994\ntitle: x\n", 1, "pas fermé"),
    ("---\ndate: 1994\nsources:\n  - citation: x\n---\n", 1, "« title » manque"),
    (event(title='""'), 3, "« title » est vide"),
    (event(extra="lieu: Québec\n"), 4, "champ inconnu « lieu »"),
    (event(date="trois"), 2, "« date »"),
    (event(extra="sources: 3\n").replace("sources:\n  - citation: \"Présentation, mars 2022\"\n", ""), 4,
     "chaque source"),
    (event(date="1994-02-30"), 2, "n'existe pas"),
    (event(extra="end: 1990\n"), 4, "avant le début"),
    ("", 1, "vide"),
    (BIG, None, "trop gros"),
    (event(title='"Été"').encode("latin-1"), 3, "UTF-8"),
]


@pytest.mark.parametrize("text, line, fragment", TIMELINE_CASES)
def test_timeline_mistakes_name_file_and_line(tmp_path, text, line, fragment):
    _events, problems = _load(tmp_path, "timeline", load_timeline, {"1994-regionalisation.md": text})
    first = _first(problems, "timeline/1994-regionalisation.md")
    assert (first.line, fragment in first.message) == (line, True), first.format()


def test_timeline_far_future_is_allowed_but_a_misnamed_or_french_suffixed_file_is_not(tmp_path):
    events, problems = _load(tmp_path, "timeline", load_timeline, {
        "2099-plan.md": event(date="2099"),  # planned events may lie far ahead
        "1994-a.md": event(date="1995"),
        "1994-a.fr.md": event(),
    })
    assert [e.slug for e in events] == ["1994-a", "2099-plan"]
    assert sorted((p.path, p.line) for p in problems) == [("timeline/1994-a.fr.md", None), ("timeline/1994-a.md", 2)]


@pytest.mark.parametrize("folder, loader, name, text", [
    ("glossary", load_glossary, "cisss.md", "---\nterm: CISSS\nexpansion: x\n---\nDéf.\n"),
    ("timeline", load_timeline, "1994-a.md", event()),
    ("bulletins", load_bulletins, "info-psoc-01.md", bulletin_text()),
])
def test_bom_and_windows_line_endings_are_accepted_everywhere(tmp_path, folder, loader, name, text):
    data = ("\ufeff" + text).replace("\n", "\r\n").encode("utf-8")
    _items, problems = _load(tmp_path, folder, loader, {name: data})
    assert problems == []


def test_translated_bulletin_with_another_number_and_french_suffix(tmp_path):
    _items, problems = _load(tmp_path, "bulletins", load_bulletins, {
        "info-psoc-03.md": bulletin_text(3),
        "info-psoc-03.en.md": bulletin_text(4),
        "info-psoc-03.fr.md": bulletin_text(3),
    })
    found = {(p.path, p.line): p.message for p in problems}
    assert "la traduction porte le numéro 4, l'original 3" in found[("bulletins/info-psoc-03.en.md", 2)]
    assert "deux versions françaises" in found[("bulletins/info-psoc-03.fr.md", None)]


MEMBERS_CASES = [
    ('- url: https://a.org/\n  name: "TROC\n', 2, "guillemet non fermé"),
    ("- url: https://a.org/\n\tname: x\n", 2, "tabulation"),
    ("- url: https://a.org/\n  name: TROC : Estrie\n", 2, "deux-points"),
    ("- name: TROC\n", 1, "« url » manque"),
    ('- url: ""\n', 1, "« url » est vide"),
    ("- url: https://a.org/\n  nom: TROC\n", 2, "champ inconnu « nom »"),
    ("- url: [https://a.org/]\n", 1, "« url » : un texte est attendu"),
    ("- url: a.org\n", 1, "doit commencer par https://"),
    ("- url: https://a.org/\n- url: https://A.org\n", 2, "déjà dans la liste"),
    ("url: https://a.org/\n", 1, "une liste de membres"),
    ("- url: https://a.org/\n  name: Été\n".encode("latin-1"), 2, "UTF-8"),
    (BIG, None, "trop gros"),
]


@pytest.mark.parametrize("text, line, fragment", MEMBERS_CASES)
def test_members_mistakes_name_file_and_line(tmp_path, text, line, fragment):
    path = tmp_path / "data" / "membres.yml"
    path.parent.mkdir()
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _members, problems = load_members(path, tmp_path)
    first = _first(problems, "data/membres.yml")
    assert (first.line, fragment in first.message) == (line, True), first.format()


def test_members_bom_crlf_accepted_and_empty_file_is_a_warning(tmp_path):
    path = tmp_path / "membres.yml"
    path.write_bytes("\ufeff- url: https://a.org/\r\n  name: TROC\r\n".encode("utf-8"))
    members, problems = load_members(path, tmp_path)
    assert problems == [] and members[0].name == "TROC"
    path.write_text("", encoding="utf-8")
    members, problems = load_members(path, tmp_path)
    assert members == [] and [p.severity for p in problems] == ["warning"]


# the members file is read as sources are (content/sources.py read_data) and each entry checked by a
# Schema (content/members.py SCHEMA): the same French messages, at the entry's or the key's line
MEMBERS_READ_AS_SOURCES = [
    # (text, [(line, message fragment, hint fragment), …] every error, in order)
    ("- url: https://a.org/\n  name: A\n  name: B\n", [(3, "« name » est écrit deux fois", "une seule ligne")]),
    ('- url: https://a.org/\n  name: "A \\u202e B"\n', [(2, "« name » : caractère invisible qui change le sens", "supprimez")]),
    ("- url: https://a.org/\n- adresse: https://b.org/\n",
     [(2, "champ inconnu « adresse » dans un membre de la liste", "vouliez-vous écrire « url » ?"),
      (2, "le champ obligatoire « url » manque", "url: https://www.exemple.org/")]),
    ("- url: https://a.org/\n  Région: Estrie\n", [(2, "champ inconnu « Région »", "vouliez-vous écrire « region » ?")]),
    ("- url: https://a.org/\n  name: [A, B]\n", [(2, "« name » : un texte est attendu, pas une liste", "une seule ligne")]),
    ("- url: https://a.org/\n  name: yes\n", [(2, "« name » : un texte est attendu", "guillemets")]),
    ("- url: https://a.org/ x\n", [(1, "« url » : l'adresse « https://a.org/ x » contient une espace", "retirez l'espace")]),
    ("- url: ftp://a.org/\n", [(1, "doit commencer par https:// ou http://", "adresse complète")]),
    ("- https://a.org/\n", [(1, "ce membre n'a pas la forme « url: adresse »", "- url: https://www.exemple.org/")]),
    ('- url: https://a.org/\n  name: "TROC\n', [(2, "guillemet non fermé dans le fichier", "fermez la valeur")]),
    ("- url: https://a.org/\n  name: !!python/name:os.system\n", [(2, "étiquette YAML", "retirez l'étiquette")]),
    ("- url: https://a.org/\n  ? [a, b]\n  : c\n", [(2, "à la place d'un nom de champ", "alignés")]),
    ("- url: https://a.org/\n  name\n", [(2, "ligne du fichier sans « nom: valeur »", "alignés")]),
    ("- url: https://a.org/\n  - name\n", [(2, "syntaxe du fichier invalide à cette ligne : « - name »", "alignés")]),
    ("- " * 3000 + "x\n", [(None, "le fichier est imbriqué trop profondément", "simplifiez")]),
    # an entry wrong in one field and listing a site already listed: both said in one run
    ("- url: https://a.org/\n- url: https://a.org\n  nom: A\n",
     [(2, "le site https://a.org est déjà dans la liste (ligne 1)", "retirez l'un"),
      (3, "champ inconnu « nom »", "vouliez-vous écrire « name » ?")]),
]


@pytest.mark.parametrize("text, expected", MEMBERS_READ_AS_SOURCES)
def test_members_file_is_read_and_checked_as_sources_are(tmp_path, text, expected):
    path = tmp_path / "data" / "membres.yml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    members, problems = load_members(path, tmp_path)
    errors = sorted((p for p in problems if p.is_error), key=lambda p: (p.line or 0, p.message))
    assert [p.path for p in errors] == ["data/membres.yml"] * len(expected), [p.format() for p in errors]
    for problem, (line, message, hint) in zip(errors, expected):
        assert (problem.line, message in problem.message, hint in problem.hint) == (line, True, True), problem.format()
    for problem in problems:  # French only: none of PyYAML's English words reach staff
        assert not any(word in problem.format() for word in ("found", "expected", "while", "scalar", "mapping")), \
            problem.format()
    assert members is not None and all(m.url != "https://a.org" for m in members)


def test_members_file_that_is_a_link_is_refused_unread(tmp_path):
    (tmp_path / "data").mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-dehors.yml"
    outside.write_text("- url: https://secret.example.org/\n", encoding="utf-8")
    (tmp_path / "data/membres.yml").symlink_to(outside)
    members, problems = load_members(tmp_path / "data/membres.yml", tmp_path)
    assert members == [] and [p.message for p in problems] == [f"lien symbolique vers un fichier hors du dépôt ({outside})"]
    assert "remplacez le lien par une copie" in problems[0].hint


# --- the whole chain: one bad tree, every mistake reported in one run, nothing published ---

BAD_FILES = {
    "bulletins/info-psoc-02.md": ("---\nnumber: trois\ntitle: x\ndate: 2017-10\nsummary: x\n---\n", ":2: « number »"),
    "bulletins/info-psoc-04.md": (bulletin_text(4, date="2017-02-30"), ":4: « date » : la date « 2017-02-30 » n'existe pas"),
    "bulletins/info-psoc-05.md": (bulletin_text(5, date="2099-01"), ":4: « date » : la date 2099-01 est à plus d'un an"),
    "bulletins/info-psoc-06.md": (bulletin_text(1), ":2: le numéro 1 est déjà pris par bulletins/info-psoc-01.md"),
    "bulletins/info-psoc-01.fr.md": (bulletin_text(1), ": « info-psoc-01.fr.md » et « info-psoc-01.md » sont deux versions"),
    "bulletins/info-psoc-07.md": ("", ":1: le fichier est vide"),
    "bulletins/info-psoc-08.md": (BIG, ": le fichier est trop gros"),
    "glossary/cisss.md": ("---\nterm: CISSS\nexpansion: Centre : intégré\n---\nDéf.\n", ":3: deux-points (:) inattendu"),
    "glossary/msss.md": ("---\nterm: MSSS\nexpansion: Ministère\n".encode("utf-8"), ":1: l'en-tête n'est pas fermé"),
    "glossary/troc.md": ('---\nterm: TROC\nexpansion: "Été"\n---\nDéf.\n'.encode("latin-1"), ":3: le fichier n'est pas encodé en UTF-8"),
    "timeline/1994-a.md": (event(extra="lieu: Québec\n"), ":4: champ inconnu « lieu »"),
    "timeline/1995-b.md": ('---\ndate: 1995\ntitle: ""\nsources: []\n---\n', ":3: le champ obligatoire « title » est vide"),
    "data/membres.yml": ("- url: https://a.org/\n\tname: x\n", ":2: le fichier contient une tabulation"),
}


def test_bad_tree_fails_check_and_build_with_every_message_and_no_traceback(tmp_path):
    tree = populate(Tree(tmp_path / "project"))
    built = run_infopsoc(tree.root, "build")
    assert built.returncode == 0, built.stderr
    before = snapshot(tree.root / "site")
    for rel, (text, _expected) in BAD_FILES.items():
        tree.write(rel, text)

    check = run_infopsoc(tree.root, "check")
    build = run_infopsoc(tree.root, "build")
    for result, output in ((check, check.stdout), (build, build.stderr)):
        assert result.returncode != 0
        assert "Traceback" not in result.stdout + result.stderr
        for rel, (_text, expected) in BAD_FILES.items():
            assert rel + expected in output, (rel + expected, output[-3000:])
    assert snapshot(tree.root / "site") == before
    assert not [p for p in tree.root.iterdir() if p.name.startswith(".site-")]


def test_control_character_is_a_message_not_a_crash(tmp_path):
    _items, problems = _load(tmp_path, "bulletins", load_bulletins,
                             {"info-psoc-01.md": "---\nnumber: 1\ntitle: x\x00\ndate: 2017-10\nsummary: x\n---\n"})
    assert [(p.line, "caractère invisible interdit (code 0x0000)" in p.message) for p in problems] == [(3, True)]
    path = tmp_path / "membres.yml"
    path.write_bytes(b"- url: https://a.org/\n  name: \x07TROC\n")
    _members, problems = load_members(path, tmp_path)
    assert [(p.line, "caractère invisible" in p.message) for p in problems] == [(2, True)]
