"""The staff's command line, driven with click's CliRunner on copies of the real project."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from conftest import REPO, bulletin_text
from infopsoc.cli.commands import main, serve_env
from infopsoc.content.site import Settings
from infopsoc.content.sources import read_source

# 2018-01-15 12:00 UTC: "today" for every command of these tests
EPOCH = str(int(dt.datetime(2018, 1, 15, 12, tzinfo=dt.timezone.utc).timestamp()))


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def project(tree):
    """A fresh copy of the real content: bulletins, glossary, timeline, pages, data."""
    return tree.with_real_content()


def run(tree, *args: str):
    result = CliRunner().invoke(main, ["-f", str(tree.root / "mkdocs.yml"), *args], prog_name="infopsoc")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _archive_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Info-PSOC no\s(\d+) ·", html)]


# --- new bulletin ---------------------------------------------------------------------

def test_new_bulletin_takes_the_next_number_and_today(project):
    result = run(project, "new", "bulletin", "--title", "Test")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "bulletins/info-psoc-04.md"
    source, problems = read_source(project.root / "bulletins/info-psoc-04.md", project.root)
    assert problems == []
    assert source.meta["number"] == 4
    assert source.meta["title"] == "Test"
    assert source.meta["date"] == "2018-01-15"  # SOURCE_DATE_EPOCH's day
    assert source.meta["draft"] is True
    assert "[^1]" in source.body and "!!! note" in source.body


def test_new_bulletin_skips_numbers_taken_on_other_branches(project):
    """A no 4 on a branch of the computer path and a no 5 in progress in the editor (cms/…):
    `make new-bulletin` on main takes 6, and names where 4 is when asked for it."""
    from conftest import GIT_ENV, git
    env = dict(os.environ, **GIT_ENV)
    root = project.root
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "copie"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    no3 = (root / "bulletins/info-psoc-03.md").read_text(encoding="utf-8")
    for branch, number in (("ordinateur", 4), ("cms/bulletins/info-psoc-05", 5)):
        subprocess.run(["git", "switch", "-q", "-c", branch, "main"], cwd=root, env=env, check=True)
        (root / f"bulletins/info-psoc-{number:02d}.md").write_text(no3, encoding="utf-8")
        subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", f"no {number}"], cwd=root, env=env, check=True)
    subprocess.run(["git", "switch", "-q", "main"], cwd=root, env=env, check=True)
    result = run(project, "new", "bulletin", "--title", "Autre", "--number", "4")
    assert result.exit_code != 0
    assert "le numéro 4 est déjà pris par bulletins/info-psoc-04.md, branche ordinateur" in result.output
    assert "prochain numéro libre (6)" in result.output
    result = run(project, "new", "bulletin", "--title", "Test")
    assert result.exit_code == 0 and result.stdout.strip() == "bulletins/info-psoc-06.md", result.output
    assert git(root, "branch", "--show-current").strip() == "main"


def test_a_number_in_use_is_refused_and_the_file_is_left_alone(project):
    assert run(project, "new", "bulletin", "--title", "Test").exit_code == 0
    path = project.root / "bulletins/info-psoc-04.md"
    before = path.read_bytes()
    result = run(project, "new", "bulletin", "--title", "Autre", "--number", "4")
    assert result.exit_code != 0
    assert "le numéro 4 est déjà pris par bulletins/info-psoc-04.md" in result.output
    assert "prochain numéro libre (5)" in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in (project.root / "bulletins").glob("*.md")) == ["info-psoc-03.md", "info-psoc-04.md"]
    # the real bulletin's number too
    assert run(project, "new", "bulletin", "--title", "x", "--number", "3").exit_code != 0


def test_drafts_and_broken_files_count_as_taken(project):
    project.write("bulletins/info-psoc-07.md", "pas d'en-tête du tout\n")  # unreadable, still number 7
    result = run(project, "new", "bulletin", "--title", "Suivant")
    assert result.stdout.strip() == "bulletins/info-psoc-08.md"
    assert run(project, "new", "bulletin", "--title", "x", "--number", "7").exit_code != 0
    assert (project.root / "bulletins/info-psoc-07.md").read_text(encoding="utf-8") == "pas d'en-tête du tout\n"


def test_a_chosen_number_and_date(project):
    result = run(project, "new", "bulletin", "--title", "Bilan : l'année « 2017 »", "--number", "12", "--date", "2017-12")
    assert result.exit_code == 0, result.output
    source, problems = read_source(project.root / "bulletins/info-psoc-12.md", project.root)
    assert problems == [] and source.meta["title"] == "Bilan : l'année « 2017 »" and source.meta["date"] == "2017-12"


@pytest.mark.parametrize("date, fragment", [
    ("2018-02-30", "la date « 2018-02-30 » n'existe pas"),
    ("15/01/2018", "n'est pas une date reconnue"),
    ("2018", "pas assez précise"),
    ("2031-01-01", "plus d'un an dans le futur"),
])
def test_a_bad_date_is_refused(project, date, fragment):
    result = run(project, "new", "bulletin", "--title", "x", "--date", date)
    assert result.exit_code != 0
    assert fragment in result.output and " — " in result.output  # what is wrong, then what to do
    assert not (project.root / "bulletins/info-psoc-04.md").exists()


def test_the_new_bulletin_passes_check_with_a_reminder(project):
    run(project, "new", "bulletin", "--title", "Test")
    result = run(project, "check")
    assert result.exit_code == 0, result.output
    assert "bulletins/info-psoc-04.md:5: avertissement : texte à compléter : « À compléter »" in result.output
    assert "0 erreur" in result.output
    assert run(project, "check", "--strict").exit_code == 1


def _publish(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^draft: .*\n", "", text, flags=re.M).replace("À compléter", "Texte du numéro")
    path.write_text(text, encoding="utf-8")


def test_publishing_with_placeholders_left_is_an_error(project):
    run(project, "new", "bulletin", "--title", "Test")
    path = project.root / "bulletins/info-psoc-04.md"
    path.write_text(re.sub(r"^draft: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "bulletins/info-psoc-04.md:5: texte à compléter" in result.output
    assert "remettez « draft: true »" in result.output


def test_after_a_real_build_the_new_issue_is_first_in_the_archive(project):
    run(project, "new", "bulletin", "--title", "Le numéro de test")
    _publish(project.root / "bulletins/info-psoc-04.md")
    assert run(project, "check").exit_code == 0
    site = project.root / "site"
    result = run(project, "build", "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    html = (site / "bulletins/index.html").read_text(encoding="utf-8")
    assert _archive_numbers(html)[:2] == [4, 3]
    page = (site / "bulletins/info-psoc-04/index.html").read_text(encoding="utf-8")
    assert "Le numéro de test" in page and 'class="footnote-ref"' in page and 'class="admonition note"' in page
    assert "Mode d'emploi" not in re.sub(r"<!--.*?-->", "", page, flags=re.S)  # the instructions stay a comment


def test_a_draft_is_first_in_the_preview_archive(project):
    run(project, "new", "bulletin", "--title", "Brouillon du mois")
    project.build(plugins={"search": {}, "infopsoc": {"drafts": True}})
    assert _archive_numbers(project.read("bulletins/index.html"))[:2] == [4, 3]


# --- new term, new event --------------------------------------------------------------

def test_new_term(project):
    result = run(project, "new", "term", "Régie régionale", "--expansion", "Régie régionale de la santé")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "glossary/regie-regionale.md"
    source, problems = read_source(project.root / "glossary/regie-regionale.md", project.root)
    assert problems == []
    assert source.meta == {"term": "Régie régionale", "expansion": "Régie régionale de la santé",
                           "kind": "sigle", "see_also": [], "aliases": []}
    assert "À compléter" in source.body


def test_a_term_already_in_the_glossary_is_refused(project):
    before = (project.root / "glossary/cisss.md").read_bytes()
    result = run(project, "new", "term", "cisss", "--expansion", "x")
    assert result.exit_code != 0 and "déjà dans le glossaire (glossary/cisss.md)" in result.output
    # a new spelling whose file name is taken: never overwritten
    result = run(project, "new", "term", "LOI-120", "--expansion", "x")
    assert result.exit_code != 0 and "glossary/loi-120.md existe déjà" in result.output
    assert (project.root / "glossary/cisss.md").read_bytes() == before


def test_new_event_keeps_the_date_precision(project):
    result = run(project, "new", "event", "--date", "2017-10", "--title", "Œuvre collective : l'été")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "timeline/2017-10-oeuvre-collective-l-ete.md"
    path = project.root / "timeline/2017-10-oeuvre-collective-l-ete.md"
    source, problems = read_source(path, project.root)
    assert problems == []
    assert source.meta["date"] == "2017-10" and source.meta["title"] == "Œuvre collective : l'été"
    assert source.meta["terms"] == [] and source.meta["sources"][0]["citation"].startswith("À compléter")
    before = path.read_bytes()
    again = run(project, "new", "event", "--date", "2017-10", "--title", "Œuvre collective : l'été")
    assert again.exit_code != 0 and "existe déjà" in again.output and path.read_bytes() == before
    assert run(project, "new", "event", "--date", "2017-13", "--title", "x").exit_code != 0


def test_new_term_and_event_pass_the_real_schemas(project):
    run(project, "new", "term", "Régie régionale", "--expansion", "Régie régionale de la santé")
    run(project, "new", "event", "--date", "2017-10", "--title", "Un événement")
    result = run(project, "check")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().split("\n")
    assert lines[-1] == "0 erreur, 2 avertissements."
    # term, expansion, kind, see_also, aliases: the placeholder is line 8
    assert lines[0].startswith("glossary/regie-regionale.md:8: avertissement : texte à compléter")
    # the source's guidance is a comment on the « sources: » line (content/frontmatter.py): the placeholder is line 5
    assert lines[1].startswith("timeline/2017-10-un-evenement.md:5: avertissement : texte à compléter")


@pytest.mark.parametrize("text, slug", [
    ("CISSS", "cisss"),
    ("Financement à la mission", "financement-a-la-mission"),
    ("Loi 120", "loi-120"),
    ("  Cœur  d’action ", "coeur-d-action"),
])
def test_slugify(text, slug):
    from infopsoc.cli.scaffold import slugify
    assert slugify(text) == slug


# --- check --------------------------------------------------------------------------

def test_check_lists_every_error_with_file_and_line(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, date="2017-02-30"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, body="\n".join([
        "Voir [l'accueil](../index.md) et [le neuvième](info-psoc-09.md).",       # line 8: fine, then missing
        "![Logo](../images/logo.png)",                                           # line 9: missing image
        "Un appel[^1] sans note.",                                               # line 10
        "<script>alert(1)</script>",                                             # line 11
    ])))
    tree.write("content/index.md", "# Accueil\n\nLe [dernier](bulletins/info-psoc-02.md), "
                                   "[l'archive](bulletins/index.md), [perdu](nulle-part.md).\n")
    result = run(tree, "check")
    assert result.exit_code == 1
    lines = result.output.strip().split("\n")
    expected = [
        "bulletins/info-psoc-01.md:4: « date » : la date « 2017-02-30 » n'existe pas",
        "bulletins/info-psoc-02.md:8: le lien « info-psoc-09.md » mène à une page qui n'existe pas",
        "bulletins/info-psoc-02.md:9: l'image « ../images/logo.png » n'existe pas (fichier attendu : content/images/logo.png)",
        "bulletins/info-psoc-02.md:10: l'appel de note « [^1] » n'a pas de note",
        "bulletins/info-psoc-02.md:11: la balise « <script> » n'est pas permise",
        "content/index.md:3: le lien « nulle-part.md » mène à une page qui n'existe pas",
    ]
    for start in expected:
        assert sum(line.startswith(start) for line in lines) == 1, (start, result.output)
    assert lines[-1] == "6 erreurs, 0 avertissement."
    assert all(" — " in line for line in lines[:-1])  # each says what to do


def test_warnings_alone_pass_unless_strict(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Texte.\n\n[^1]: Une note que rien n'appelle."))
    result = run(tree, "check")
    assert result.exit_code == 0
    assert "bulletins/info-psoc-01.md:10: avertissement : la note « [^1] » n'est appelée nulle part" in result.output
    assert result.output.strip().endswith("0 erreur, 1 avertissement.")
    strict = run(tree, "check", "--strict")
    assert strict.exit_code == 1 and "1 avertissement" in strict.output


def test_a_clean_tree_says_so(project):
    result = run(project, "check")
    assert result.exit_code == 0 and result.output.strip().endswith("Aucun problème trouvé.")


def test_the_build_reports_the_same_link_problems(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Voir [ailleurs](info-psoc-02.md)."))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tree.root,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "bulletins/info-psoc-01.md:8: le lien « info-psoc-02.md » mène à une page qui n'existe pas" in result.stderr


# --- French help and errors -----------------------------------------------------------

@pytest.mark.parametrize("command", [[], ["new"], ["new", "bulletin"], ["new", "term"], ["new", "event"],
                                     ["check"], ["build"], ["serve"]])
def test_every_help_is_french_with_an_example(tree, command):
    result = run(tree, *command, "--help")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("Utilisation : infopsoc")
    assert "Exemple" in text and re.search(r"^\s+infopsoc \w+", text, re.M)
    assert "Afficher cette aide et quitter." in text
    for english in (r"Usage:", r"Show this message", r"Commands:", r"\[default:", r"\[required\]", r"\bTEXT\b",
                    r"\bINTEGER\b", r"\bCOMMAND\b"):
        assert not re.search(english, text), english


@pytest.mark.parametrize("args, fragment", [
    (["new", "bulletin"], "il manque le titre"),
    (["new", "bulletin", "--title", "x", "--number", "deux"], "« deux » n'est pas un nombre entier"),
    (["new", "term", "CISSS"], "il manque la forme longue"),
    (["new", "event", "--title", "x"], "il manque la date"),
    (["check", "--strct"], "option inconnue : --strct"),
    (["publier"], "commande inconnue : « publier »"),
])
def test_usage_errors_are_french_and_point_to_help(tree, args, fragment):
    result = run(tree, *args)
    assert result.exit_code == 2
    assert result.output.startswith("Erreur : ") and fragment in result.output
    assert "--help" in result.output and "Error:" not in result.output


def test_a_missing_configuration_says_where_to_run(tmp_path):
    result = CliRunner().invoke(main, ["-f", str(tmp_path / "mkdocs.yml"), "check"])
    assert result.exit_code == 1
    assert "Erreur : fichier de configuration introuvable" in result.output and "racine du dépôt" in result.output


# --- serve ----------------------------------------------------------------------------

def test_serve_asks_for_pdfs_only_with_the_flag():
    assert serve_env(pdf=True)["INFOPSOC_PDF"] == "1"
    assert "INFOPSOC_PDF" not in serve_env(pdf=False)
    assert serve_env(pdf=False)["INFOPSOC_DRAFTS"] == "1"


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, attempts: int = 120) -> str:
    for _ in range(attempts):
        page = _get(url)
        if page is not None and text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared at {url}")


def test_serve_shows_drafts_and_rebuilds_when_a_bulletin_changes(project):
    run(project, "new", "bulletin", "--title", "Brouillon à prévisualiser")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "infopsoc.cli", "-f", str(project.root / "mkdocs.yml"), "serve",
         "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        base = urlsplit(Settings.from_mkdocs_yml(project.root / "mkdocs.yml").site_url).path  # serve mounts the site there
        url = f"http://127.0.0.1:{port}{base}bulletins/info-psoc-04/"
        page = _wait_for(url, "Brouillon à prévisualiser")
        assert "livereload" in page  # the browser reloads itself
        path = project.root / "bulletins/info-psoc-04.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Brouillon à prévisualiser", "Titre corrigé"),
                        encoding="utf-8")
        _wait_for(url, "Titre corrigé")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()


# --- make shortcuts -------------------------------------------------------------------

@pytest.mark.skipif(not (REPO / ".venv/bin/infopsoc").exists(), reason="needs the project's .venv (make test)")
def test_make_new_bulletin_keeps_quotes_in_the_title(project):
    title = "L'été « 2018 » : \"spécial\""
    result = subprocess.run(["make", "-s", "-C", str(REPO), "-o", ".venv/.installed", "new-bulletin",
                             f"CONFIG={project.root / 'mkdocs.yml'}", f"TITLE={title}", "NUMBER=9"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "bulletins/info-psoc-09.md"
    source, _ = read_source(project.root / "bulletins/info-psoc-09.md", project.root)
    assert source.meta["title"] == title
    missing = subprocess.run(["make", "-s", "-C", str(REPO), "-o", ".venv/.installed", "new-bulletin",
                              f"CONFIG={project.root / 'mkdocs.yml'}"], capture_output=True, text=True)
    assert missing.returncode != 0 and "make new-bulletin TITLE=" in missing.stderr


# --- the publishing workflow ----------------------------------------------------------

@pytest.mark.parametrize("workflow", sorted((REPO / ".github/workflows").glob("*.yml")), ids=lambda p: p.name)
def test_every_workflow_passes_actionlint(workflow):
    actionlint = Path(sys.executable).parent / "actionlint"
    if not actionlint.exists():
        actionlint = Path(shutil.which("actionlint") or "actionlint")
    result = subprocess.run([str(actionlint), "-no-color", str(workflow)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses  # pinned to commit SHAs
    checkouts = text.count("actions/checkout@")
    assert text.count("persist-credentials: false") == checkouts  # no token left in .git/config


def test_the_publish_workflow():
    workflow = REPO / ".github/workflows/publish.yml"
    text = workflow.read_text(encoding="utf-8")
    # every action pinned to a full commit SHA
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert "fetch-depth: 0" in text and "make test" in text and "make build" in text
    assert "actions/deploy-pages@" in text and "actions/upload-pages-artifact@" in text
    assert "hashFiles('requirements.lock', 'requirements-dev.lock'" in text
    assert re.search(r"path: \.cache\n\s+key: build-cache-.*github\.run_id", text)  # PDFs are not redone each run
    assert "tools/system/install.sh test" in text  # the same system packages as .ci/run (tools/system/packages.txt)


# --- PUBLIER.md -------------------------------------------------------------------------

def test_the_messages_quoted_in_publier_md_are_the_real_ones(project):
    """PUBLIER.md shows staff real `check` messages: they must stay what the code prints."""
    run(project, "new", "bulletin", "--title", "Le PSOC en 2018")  # info-psoc-04.md, a draft
    for path in (Path(__file__).parent / "fixtures/publier").glob("*.md"):
        shutil.copy(path, project.root / "bulletins" / path.name)
    output = run(project, "check").output.splitlines()
    guide = (REPO / "PUBLIER.md").read_text(encoding="utf-8")
    quoted = [line for block in re.findall(r"```text\n(.*?)```", guide, re.S) for line in block.splitlines()
              if line.startswith("bulletins/")]
    assert len(quoted) >= 12
    for line in quoted:
        if "déjà pris" in line and line.startswith("Erreur"):
            continue
        assert line in output, line
    assert f"`{output[-1]}`" in guide  # the summary line
    assert "(PUBLIER.md)" in (REPO / "README.md").read_text(encoding="utf-8")  # linked from the README


# --- editor ---

def test_edit_on_a_busy_port_says_so_in_french(project):
    """`make edit` while `make serve` (or another `make edit`) holds the port: one French sentence."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        for args in (["--dev-addr", f"127.0.0.1:{busy}"], ["--port", str(busy), "--dev-addr", "127.0.0.1:0"]):
            result = run(project, "edit", *args)
            assert result.exit_code == 1, result.output
            assert f"le port {busy} est déjà pris" in result.output and "make edit ADDR=" in result.output
            assert "Traceback" not in result.output and "Address already in use" not in result.output
