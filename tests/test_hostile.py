"""Hostile or careless content and disk states (issues 19, 28): the output folder, symbolic links.

Each case runs the real ``infopsoc`` command and asserts the French message, the exit code, that no
traceback reaches the user, and that ``site/`` and the sources are as they were.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import Tree, alive as _alive, bulletin_text, ctrl_c_reaches, children as _children, cmdline as _cmdline, populate, \
    run_infopsoc, tree_snapshot


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Tree:
    tree = populate(Tree(tmp_path_factory.mktemp("hostile") / "project"))
    subprocess.run(["git", "init", "-q", str(tree.root)], check=True)
    result = run_infopsoc(tree.root, "build")
    assert result.returncode == 0, result.stderr
    return tree


def _no_traceback(result) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    return output


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".site-build-", ".site-old")))


# --- the output folder: never one that holds anything else -----------------------------------

@pytest.mark.parametrize("site_dir, expected", [
    (".", "c'est le dossier du projet"),
    ("..", "un dossier qui contient le projet"),
    ("bulletins", "ce dossier contient des sources du site (bulletins)"),
    ("content", "ce dossier contient des sources du site (content)"),
    ("content/images", "ce dossier contient des sources du site (content)"),
    (".git", "ce dossier contient des sources du site (.git)"),
    ("theme", "ce dossier contient des sources du site (le thème)"),
    ("data", "ce dossier contient des sources du site (data)"),
])
def test_an_output_folder_that_holds_the_project_or_its_sources_is_refused(built, site_dir, expected):
    before = tree_snapshot(built.root)
    result = run_infopsoc(built.root, "build", "--site-dir", site_dir)
    output = _no_traceback(result)
    assert result.returncode == 1
    assert expected in output
    assert "choisissez un dossier" in output
    assert tree_snapshot(built.root) == before


def test_an_output_folder_that_is_not_a_site_is_never_replaced(built, tmp_path):
    documents = tmp_path / "documents"
    (documents / "lettre.txt").parent.mkdir()
    (documents / "lettre.txt").write_text("précieux", encoding="utf-8")
    result = run_infopsoc(built.root, "build", "--site-dir", str(documents))
    output = _no_traceback(result)
    assert result.returncode == 1
    assert "n'est pas vide et ne contient pas un site construit par infopsoc" in output
    assert (documents / "lettre.txt").read_text(encoding="utf-8") == "précieux"
    assert sorted(p.name for p in documents.iterdir()) == ["lettre.txt"]


def test_a_file_as_output_folder_is_refused(built, tmp_path):
    file = tmp_path / "site"
    file.write_text("x", encoding="utf-8")
    result = run_infopsoc(built.root, "build", "--site-dir", str(file))
    assert result.returncode == 1
    assert "ce n'est pas un dossier" in _no_traceback(result)
    assert file.read_text(encoding="utf-8") == "x"


def test_a_new_site_has_the_permissions_of_the_umask(built, tmp_path):
    target = tmp_path / "apercu"
    result = run_infopsoc(built.root, "build", "--site-dir", str(target))
    assert result.returncode == 0, result.stderr
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~mask
    assert _leftovers(tmp_path) == []


def test_leftovers_of_a_killed_build_are_removed(built):
    site = built.root / "site"
    killed = built.root / ".site-build-abc123"
    (killed / "assets").mkdir(parents=True)
    (killed / "assets" / "gros.js").write_bytes(b"x" * 1000)
    old = built.root / ".site-old"
    old.mkdir()
    result = run_infopsoc(built.root, "build")
    assert result.returncode == 0, result.stderr
    assert _leftovers(built.root) == []
    assert (site / "index.html").is_file()


def test_a_read_only_site_is_replaced_without_a_traceback(built):
    site = built.root / "site"
    for current, dirs, files in os.walk(site):
        for name in files:
            os.chmod(Path(current) / name, 0o444)
        os.chmod(current, 0o555)
    try:
        result = run_infopsoc(built.root, "build")
    finally:
        for path in [built.root / ".site-old", site]:
            if path.exists():
                for current, dirs, files in os.walk(path):
                    os.chmod(current, 0o755)
    output = _no_traceback(result)
    assert result.returncode == 0, output
    assert (site / "index.html").is_file()
    assert _leftovers(built.root) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_output_folder_that_cannot_be_written_is_a_french_message(built, tmp_path):
    locked = tmp_path / "verrouille"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run_infopsoc(built.root, "build", "--site-dir", str(locked / "site"))
    finally:
        locked.chmod(0o755)
    output = _no_traceback(result)
    assert result.returncode == 1
    assert "pas le droit d'écrire dans" in output
    assert list(locked.iterdir()) == []


def test_two_builds_at_once_in_one_folder_both_succeed(built):
    results = []

    def build():  # --force: the second must build, not find the first's site up to date
        results.append(run_infopsoc(built.root, "build", "--force"))

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert result.returncode == 0, result.stderr
        _no_traceback(result)
    assert any("une autre construction est en cours" in r.stderr for r in results)
    assert _leftovers(built.root) == []
    assert (built.root / "site" / "index.html").is_file()


# --- symbolic links: the sources come from the repository only ----------------------------------

SECRET = "racine:x:0:0:secret-de-la-machine\n"


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "hors-depot" / "passwd"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


LINKS = {
    "content/passwd.txt": "content/passwd.txt: lien symbolique vers un fichier hors du dépôt",
    "content/images/photo.png": "content/images/photo.png: lien symbolique vers un fichier hors du dépôt",
    "content/secret.md": "content/secret.md: lien symbolique vers un fichier hors du dépôt",
    "bulletins/info-psoc-02.md": "bulletins/info-psoc-02.md: lien symbolique vers un fichier hors du dépôt",
    "glossary/cisss.md": "glossary/cisss.md: lien symbolique vers un fichier hors du dépôt",
    "timeline/1990-x.md": "timeline/1990-x.md: lien symbolique vers un fichier hors du dépôt",
    "theme/assets/secret.css": "theme/assets/secret.css: lien symbolique vers un fichier hors du dépôt",
    "data/membres.yml": "data/membres.yml: lien symbolique vers un fichier hors du dépôt",
}


@pytest.mark.parametrize("rel", list(LINKS))
def test_a_link_out_of_the_repository_is_refused_by_check_and_build(tmp_path, outside, rel):
    tree = populate(Tree(tmp_path / "project"))
    outside.write_text(bulletin_text(2, "Secret", "2017-11") if rel.endswith(".md") else SECRET, encoding="utf-8")
    link = tree.root / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists():
        link.unlink()
    link.symlink_to(outside)
    sources = tree_snapshot(tree.root)
    for command in ("check", "build"):
        result = run_infopsoc(tree.root, command)
        output = _no_traceback(result)
        assert result.returncode == 1, output
        assert LINKS[rel] in output
        assert "remplacez le lien par une copie du fichier" in output
    assert not (tree.root / "site").exists()
    assert tree_snapshot(tree.root) == sources


def test_a_link_out_of_the_repository_never_reaches_the_site_even_past_the_checks(tmp_path, outside):
    """The engine's own list of files is filtered too (plugin on_files), whatever loaded the site."""
    from infopsoc.pipeline.prepare import refused_docs

    tree = populate(Tree(tmp_path / "project"))
    (tree.root / "content/passwd.txt").symlink_to(outside)
    docs = tree.root / "content"
    files = {uri: docs / uri for uri in ("passwd.txt", "index.md")}
    refused, problems = refused_docs(files, tree.root)
    assert refused == ["passwd.txt"]
    assert [p.format().split(" — ")[0] for p in problems] == [
        f"content/passwd.txt: lien symbolique vers un fichier hors du dépôt ({outside})"]


@pytest.mark.parametrize("make", ["file-loop", "folder-loop", "dangling"])
def test_a_link_loop_or_a_dangling_link_is_a_french_message(tmp_path, make):
    tree = populate(Tree(tmp_path / "project"))
    content = tree.root / "content"
    if make == "file-loop":
        (content / "a.md").symlink_to(content / "b.md")
        (content / "b.md").symlink_to(content / "a.md")
        expected = "content/a.md: lien symbolique en boucle"
    elif make == "folder-loop":
        (content / "boucle").symlink_to(content / "boucle")
        expected = "content/boucle: lien symbolique en boucle"
    else:
        (content / "manquant.png").symlink_to(content / "nulle-part.png")
        expected = "content/manquant.png: lien symbolique vers un fichier qui n'existe pas"
    for command in ("check", "build"):
        result = run_infopsoc(tree.root, command)
        output = _no_traceback(result)
        assert result.returncode == 1, output
        assert expected in output
    assert not (tree.root / "site").exists()


INSIDE_LINKS = {
    # issue 28: links that stay inside the repository reach .git (a token in .git/config), ignored folders
    "content/dotgit": ("../.git", "content/dotgit: lien symbolique (vers .git)"),
    "content/gitconfig.txt": ("../.git/config", "content/gitconfig.txt: lien symbolique (vers .git/config)"),
    "content/images/logo-copie.png": ("logo.png", "content/images/logo-copie.png: lien symbolique (vers content/images/logo.png)"),
    "theme/venv": ("../.venv", "theme/venv: lien symbolique (vers .venv)"),
    "data/autres.yml": ("membres.yml", "data/autres.yml: lien symbolique (vers data/membres.yml)"),
    "glossary": ("content", "glossary: lien symbolique (vers content)"),
}


@pytest.mark.parametrize("rel", list(INSIDE_LINKS))
def test_every_link_is_refused_even_inside_the_repository(tmp_path, rel):
    tree = populate(Tree(tmp_path / "project"))
    subprocess.run(["git", "init", "-q", str(tree.root)], check=True)
    (tree.root / ".git/config").write_text("[remote \"origin\"]\n\turl = https://user:ghp_jeton@github.com/x/y\n",
                                          encoding="utf-8")
    (tree.root / ".venv").mkdir()
    (tree.root / ".venv/secret.txt").write_text("jeton", encoding="utf-8")
    tree.write("content/images/logo.png", b"\x89PNG\r\n\x1a\n")
    target, expected = INSIDE_LINKS[rel]
    link = tree.root / rel
    if link.is_dir():
        shutil.rmtree(link)
    link.symlink_to(target)
    sources = tree_snapshot(tree.root)
    for command in ("check", "check", "build"):
        result = run_infopsoc(tree.root, command)
        output = _no_traceback(result)
        assert result.returncode == 1, output
        assert expected in output, output
        assert "le site n'accepte aucun lien symbolique" in output
    assert not (tree.root / "site").exists()
    assert tree_snapshot(tree.root) == sources


def test_a_folder_reached_through_a_link_never_reaches_the_site_even_past_the_checks(tmp_path):
    """The engine's list of files (MkDocs follows links to folders) is filtered too."""
    from infopsoc.pipeline.prepare import refused_docs

    tree = populate(Tree(tmp_path / "project"))
    subprocess.run(["git", "init", "-q", str(tree.root)], check=True)
    (tree.root / "content/dotgit").symlink_to("../.git")
    docs = tree.root / "content"
    files = {uri: docs / uri for uri in ("dotgit/config", "dotgit/HEAD", "index.md")}
    refused, problems = refused_docs(files, tree.root)
    assert refused == ["dotgit/config", "dotgit/HEAD"]
    assert [p.format().split(" — ")[0] for p in problems] == [
        "content/dotgit: lien symbolique (vers .git) : le site n'accepte aucun lien symbolique"]


def test_every_checkout_in_ci_leaves_no_token_in_the_repository():
    """actions/checkout writes the job's token into .git/config unless told not to (issue 28)."""
    import yaml

    from conftest import REPO

    checkouts = []
    for workflow in sorted((REPO / ".github/workflows").glob("*.y*ml")):
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    checkouts.append((workflow.name, (step.get("with") or {}).get("persist-credentials")))
    assert checkouts, "no actions/checkout step found"
    assert all(value is False for _name, value in checkouts), checkouts


# --- issue 28: the output folder, the lock, an interrupted build, errors without a traceback ---

def test_an_output_folder_holding_tracked_files_is_refused(built):
    golden = built.root / "tests/golden/site"
    (golden / "glossaire").mkdir(parents=True)
    (golden / "index.html").write_text("<p>attendu</p>", encoding="utf-8")
    (golden / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (golden / "glossaire/index.html").write_text("<p>attendu</p>", encoding="utf-8")
    subprocess.run(["git", "-C", str(built.root), "add", "tests"], check=True)
    try:
        before = tree_snapshot(built.root / "tests")
        result = run_infopsoc(built.root, "build", "--site-dir", "tests/golden/site")
        output = _no_traceback(result)
        assert result.returncode == 1
        assert "ce dossier contient 3 fichier(s) suivi(s) par git (glossaire/index.html, index.html, sitemap.xml)" in output
        assert tree_snapshot(built.root / "tests") == before
        assert _leftovers(built.root / "tests/golden") == []
    finally:
        subprocess.run(["git", "-C", str(built.root), "rm", "-rq", "--cached", "tests"], check=True)
        shutil.rmtree(built.root / "tests")


def test_builds_of_two_folders_side_by_side_do_not_wait_for_each_other(built, tmp_path):
    results = []

    def build(name):
        results.append(run_infopsoc(built.root, "build", "--site-dir", str(tmp_path / name)))

    threads = [threading.Thread(target=build, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
        assert "une autre construction est en cours" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # nothing else left beside them


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killing_infopsoc_stops_mkdocs_too(built, how):
    import time

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="0")
    for _attempt in range(3):
        site = tree_snapshot(built.root / "site")
        process = subprocess.Popen([sys.executable, "-m", "infopsoc.cli", "build", "--force"], cwd=built.root,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=ctrl_c_reaches)
        deadline = time.monotonic() + 60
        children: list[int] = []
        while not children and time.monotonic() < deadline:
            children = [c for c in _children(process.pid) if b"infopsoc.plugin.engine" in _cmdline(c)]
            time.sleep(0.05)
        assert children, "mkdocs never started"
        process.send_signal(how)  # at once: with the pages reused, a small site is built in a fraction of a second
        out, err = process.communicate(timeout=60)
        deadline = time.monotonic() + 20
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        # a small site with warm caches can be built whole before the signal lands: that run says
        # nothing of an interruption, and is tried again
        if not (how != signal.SIGKILL and process.returncode == 0 and "Site construit" in out):
            break
    assert not any(_alive(c) for c in children), "mkdocs still running"
    assert "Traceback" not in err, err[-3000:]
    if how != signal.SIGKILL:
        assert process.returncode == 130
        assert "construction interrompue ; site/ n'a pas été modifié" in err
        assert _leftovers(built.root) == []
    else:  # killed outright: the next build removes what it left
        result = run_infopsoc(built.root, "build")
        assert result.returncode == 0, result.stderr[-2000:]
        assert _leftovers(built.root) == []
        return
    assert tree_snapshot(built.root / "site") == site


HOOKS = {
    # a conversion that recurses too deep (what 1000 nested <div markdown> do to Python-Markdown)
    "recursion": ("import markdown\n"
                  "def _deep(self, text):\n    raise RecursionError('maximum recursion depth exceeded')\n"
                  "def on_page_markdown(text, page, config, files):\n"
                  "    if page.file.src_uri == 'index.md':\n        markdown.Markdown.convert = _deep\n"
                  "    return text\n",
                  "content/index.md: le texte est imbriqué trop profondément"),
    "disk-full": ("import errno\n"
                  "def on_post_build(config):\n    raise OSError(errno.ENOSPC, 'No space left on device', 'site/x')\n",
                  "le disque est plein : la construction a échoué ; site/ n'a pas été modifié"),
    "internal": ("def on_post_build(config):\n    raise ValueError('défaut du programme')\n",
                 "erreur interne de la construction (ValueError: défaut du programme)"),
}


@pytest.mark.parametrize("case", list(HOOKS))
def test_an_error_inside_the_build_is_a_french_message_without_traceback(tmp_path, case):
    """MkDocs runs a hook file (mkdocs.yml ``hooks:``) in the real build: it raises what a full disk, a
    text nested too deep or a defect of the program raise there."""
    code, expected = HOOKS[case]
    tree = populate(Tree(tmp_path / "project"))
    tree.write("hooks/panne.py", code)
    with (tree.root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hooks/panne.py\n")
    sources = tree_snapshot(tree.root)
    result = run_infopsoc(tree.root, "build")
    output = _no_traceback(result)
    assert result.returncode == 1, output
    assert expected in output, output
    assert "Error reading page" not in output and "Aborted" not in output
    assert not (tree.root / "site").exists()
    after = {rel: value for rel, value in tree_snapshot(tree.root).items() if not rel.startswith(".cache/")}
    assert after == sources  # the build's caches aside
    if case == "internal":  # the traceback is kept for whoever maintains the site
        kept = Path(output.split("en joignant le fichier ")[1].split()[0])
        assert "ValueError: défaut du programme" in kept.read_text(encoding="utf-8")
        kept.unlink()


def test_the_builds_own_refusal_names_the_source_not_the_generated_page(tmp_path):
    """Past check (here: the raw-HTML allow-list of the converted page), the build names the file."""
    from infopsoc.pipeline.build import raw_html_report

    report = raw_html_report('<p onclick="x">t</p>', "glossary/roc.md", True)
    assert [p.format() for p in report.errors] == [
        "glossary/roc.md: l'attribut « onclick » (du code exécuté) n'est pas permis — retirez ce HTML ou cet attribut "
        "de ce fichier"]
