"""Shared helpers and fixtures: small project trees built for real with MkDocs, the real project
built once per session in a temporary copy, the CLI run in a subprocess.

Nothing here writes into the checkout: every build happens in a temporary folder (the real
project is copied first, so that its caches, ``.cache/``, land in the copy too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def pytest_sessionstart(session):
    """Before any test: the system packages the tests need (tools/system/packages.txt), each one
    missing named in French with the command that installs it."""
    result = subprocess.run(["bash", str(REPO / "tools/system/install.sh"), "--check", "test"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.exit(result.stderr.strip() or result.stdout.strip(), returncode=3)


def french_punctuation(text: str) -> str:
    """``text`` with the spaces before « : ; ! ? » and inside « guillemets » that French typography makes unbreakable: what a
    title or summary typed with ordinary spaces looks like once printed (a model for expectations,
    kept independent of core/typography.py, whose rules tests/test_typography.py checks one by one)."""
    return (text.replace(" :", "\u00a0:").replace(" ;", "\u202f;").replace(" !", "\u202f!")
            .replace(" ?", "\u202f?").replace("« ", "«\u00a0").replace(" »", "\u00a0»"))


def bulletin_text(number=1, title="Titre", date="2017-10", summary="Résumé.", body="Texte du bulletin.", **extra) -> str:
    lines = ["---", f"number: {number}", f'title: "{title}"', f"date: {date}", f'summary: "{summary}"']
    for key, value in extra.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {v}" for v in value]
        else:
            lines.append(f"{key}: {value}")
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def _without_nav(config: Path) -> str:
    """A configuration of the real project without its ``nav`` (a fixture has other pages)."""
    return re.sub(r"^nav:\n(?:[ \-].*\n)+", "", config.read_text(encoding="utf-8"), flags=re.MULTILINE)


class Tree:
    """A throw-away Info-PSOC project: the real mkdocs.yml (minus nav) and theme."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "mkdocs.yml").write_text(_without_nav(REPO / "mkdocs.yml"), encoding="utf-8")
        shutil.copytree(REPO / "theme", root / "theme")
        self.write("content/index.md", "# Accueil\n\n<!-- infopsoc: latest-bulletin -->\n")
        for name in ("bulletins", "glossary", "timeline"):
            (root / name).mkdir(exist_ok=True)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def build(self, pdf: bool | None = False, **overrides):
        """A real MkDocs build in this process; returns the site folder.

        PDFs are skipped unless asked (``pdf=True``), to keep tests about other things fast;
        ``pdf=None`` leaves the choice to the configuration and the environment.
        """
        saved = os.environ.get("INFOPSOC_PDF")
        if pdf is not None:
            os.environ["INFOPSOC_PDF"] = "1" if pdf else "0"
        try:
            return self._build(**overrides)
        finally:
            if saved is None:
                os.environ.pop("INFOPSOC_PDF", None)
            else:
                os.environ["INFOPSOC_PDF"] = saved

    def _build(self, **overrides):
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        site = self.root / "site"
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(site), **overrides)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        self.plugin = config.plugins["infopsoc"]  # the last build's plugin: its site, rendered HTML, report
        return site

    def read(self, rel: str) -> str:
        return (self.root / "site" / rel).read_text(encoding="utf-8")

    def with_english(self) -> Tree:
        """This tree with the real English configuration (mkdocs.en.yml, minus nav): ``infopsoc build``
        then builds both languages."""
        (self.root / "mkdocs.en.yml").write_text(_without_nav(REPO / "mkdocs.en.yml"), encoding="utf-8")
        return self

    def with_real_content(self) -> Tree:
        """This tree with a fresh copy of the real content: bulletins, glossary, timeline, pages, data."""
        for name in ("bulletins", "glossary", "timeline", "content", "data"):
            shutil.rmtree(self.root / name, ignore_errors=True)
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, self.root / name)
        return self


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path / "project")


@pytest.fixture(autouse=True)
def _quiet_mkdocs_logs():
    # MkDocs adds handlers per build; keep the test output readable.
    logging.getLogger("mkdocs").propagate = True
    yield


#: A small but complete project: two French bulletins and one English, terms, events, members
#: (tests/fixtures/project/README.md).
FIXTURE_PROJECT = Path(__file__).resolve().parent / "fixtures" / "project"
#: Its built site, kept as the expected output (test_golden.py)
GOLDEN_SITE = Path(__file__).resolve().parent / "golden" / "site"


def fixture_project(root: Path) -> Tree:
    """The fixture project, with the real configuration and theme, in both languages, at ``root``."""
    tree = Tree(root).with_english()
    shutil.copytree(FIXTURE_PROJECT, root, dirs_exist_ok=True)
    return tree


# --- reliability ---
def populate(tree: Tree) -> Tree:
    """Every collection, a little of each: a bulletin with a note, a term, an event, the members."""
    tree.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Premier numéro", "2017-10-18", body="Le PSOC[^1] en bref.\n\n[^1]: Une note.\n"))
    tree.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: \"Programme de soutien aux organismes "
                                   "communautaires\"\n---\nLe programme.\n")
    tree.write("timeline/1973-naissance-du-psoc.md", "---\ndate: 1973\ntitle: \"Naissance du PSOC\"\n"
                                                     "sources:\n  - bulletin: info-psoc-01\nterms: [PSOC]\n---\nTexte.\n")
    tree.write("data/membres.yml", "- url: https://www.exemple.org/\n  name: TROC de l'exemple\n")
    return tree


def term_text(term: str, expansion: str, see_also=None, aliases=None, body="Une définition.") -> str:
    """The source of a glossary entry."""
    lines = ["---", f"term: {term}", f"expansion: {json.dumps(expansion, ensure_ascii=False)}"]
    for key, values in (("see_also", see_also), ("aliases", aliases)):
        if values is not None:
            lines.append(f"{key}:")
            lines += [f"  - {v}" for v in values]
    lines += ["---", body, ""]
    return "\n".join(lines)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under ``folder``: content hash and modification time."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            found[rel + "/"] = ("dir", 0)
        else:
            found[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return found


def run_infopsoc(root: Path, *args: str, env: dict | None = None, pdf: bool = False,
                 timeout: float | None = 600) -> subprocess.CompletedProcess:
    """The real ``infopsoc`` command (``python -m infopsoc.cli``) run in ``root``, PDFs off unless asked."""
    environ = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="1" if pdf else "0", **(env or {}))
    return subprocess.run([sys.executable, "-m", "infopsoc.cli", *args], cwd=root, env=environ,
                          capture_output=True, text=True, timeout=timeout)


# --- the real project, copied -----------------------------------------------------------------

def copy_project(target: Path) -> Path:
    """A copy of the project as it is being edited: its files that git tracks or would track
    (``git ls-files --cached --others --exclude-standard``), without site/, caches or .venv/."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


def commit_epoch() -> str:
    """The time of the checkout's last commit: what ``infopsoc build`` takes in place (cli._source_date_epoch)."""
    result = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True)
    stamp = result.stdout.strip()
    return stamp if result.returncode == 0 and stamp.isdigit() else "315532800"


@dataclasses.dataclass(frozen=True)
class RealBuild:
    project: Path  # the temporary copy of the project
    site: Path
    output: str    # what the command printed (stdout and stderr)


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> RealBuild:
    """The real project built once per session by the real command, as a user runs it
    (``infopsoc build``: both languages, PDFs on), in a temporary copy of the project.

    Read-only for the tests: several modules share it.
    """
    project = copy_project(tmp_path_factory.mktemp("real") / "project")
    env = {k: v for k, v in os.environ.items() if k != "INFOPSOC_PDF"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.setdefault("SOURCE_DATE_EPOCH", commit_epoch())
    result = subprocess.run([sys.executable, "-m", "infopsoc.cli", "build"], cwd=project, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    return RealBuild(project, project / "site", result.stdout + result.stderr)


@pytest.fixture(scope="session")
def real_site(real_build) -> Path:
    """The real project's built site (see :func:`real_build`)."""
    return real_build.site


# --- content editor (/admin/) ---------------------------------------------------------------------
# A copy of the project in a temporary git repository, its site built with the editor pointing at
# a local backend (decap-server, MODE=git) started on a free port. Used by tests/test_admin_e2e.py.

import socket as _socket
import time as _time

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def free_port() -> int:
    with _socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


class EditorProject:
    """The project copied into ``root`` (a git repository on ``main``), edited through ``make edit``."""

    def __init__(self, root: Path):
        self.root = copy_project(root)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "copie du projet")
        self.port = free_port()          # the editor's backend (the guard in front of decap-server)
        self.preview_port = free_port()  # the preview, which serves /admin/ too
        self.process: subprocess.Popen | None = None
        self.output = root.parent / "make-edit.log"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.preview_port}/info-psoc/admin/"

    def infopsoc(self, *args: str) -> subprocess.CompletedProcess:
        return run_infopsoc(self.root, *args, env={"INFOPSOC_EDITOR_PORT": str(self.port)})

    def start_make_edit(self) -> None:
        """``make edit`` as staff run it, in the copy (the checkout's .venv and node_modules)."""
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="0", **GIT_ENV)
        # -o: the checkout's installs are taken as they are (never re-made from the copy's files)
        command = ["make", "--no-print-directory", "-o", str(REPO / ".venv/.installed"),
                   "-o", str(REPO / "node_modules/.installed"), "edit", f"ADDR=127.0.0.1:{self.preview_port}",
                   f"EDIT_PORT={self.port}", f"VENV={REPO / '.venv'}",
                   f"NODE_STAMP={REPO / 'node_modules/.installed'}"]
        with self.output.open("w") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        import urllib.request
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError("make edit stopped: " + self.output.read_text())
            try:
                with urllib.request.urlopen(self.admin_url + "config.yml", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                _time.sleep(0.2)
        raise RuntimeError("make edit did not start: " + self.output.read_text())

    def stop_make_edit(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the session started for make edit: ours only
            self.process.wait(timeout=30)
            self.process = None

    def show(self, ref: str, rel: str) -> str:
        return git(self.root, "show", f"{ref}:{rel}")


# --- security --- (tests/test_hostile.py)
def tree_snapshot(folder: Path) -> dict[str, str]:
    """Every file, folder and link under ``folder`` (links not followed): what it holds.

    Unlike :func:`snapshot`, it records links as links (a link loop is a legal entry) and an
    absent folder as empty.
    """

    found = {}
    if not folder.exists():
        return found
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                found[rel + "/"] = "dir"
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


# --- search --- (tests/test_search.py and the tests that read what a page puts in the index)
def search_index_pages(bundle: Path) -> dict[str, dict]:
    """The pages of a search index (``site/index-recherche``, outputs/search.py), by address, as
    ``{"url", "content": every text of the page, "meta": {"title", "kicker", "lang"?},
    "anchors": [{"id", "text"}]}``: what a result shows and its excerpts are cut from (the
    index keeps them by section: ``sections/<n>.json``, in the pages' order)."""
    import json

    pages: dict[str, dict] = {}
    files = sorted((bundle / "sections").glob("*.json"), key=lambda path: int(path.stem))
    for part in (json.loads(path.read_text(encoding="utf-8")) for path in files):
        page = pages.setdefault(part["url"], {
            "url": part["url"], "content": [], "anchors": [],
            "meta": {key: part[key] for key in ("title", "kicker", "lang") if key in part}})
        page["content"].append(f"{part['heading']} {part['text']}")
        if part["anchor"] and all(a["id"] != part["anchor"] for a in page["anchors"]):
            page["anchors"].append({"id": part["anchor"], "text": part["heading"]})
    for page in pages.values():
        page["content"] = " ".join(page["content"])
    return pages


# --- browser --- one Chromium for the whole session, shared by test_quality.py and test_search.py
# (Playwright's sync API cannot run two at once in one process)
@pytest.fixture(scope="session")
def browser():
    from site_checks import AXE_JS, CHROMIUM, CHROMIUM_ARGS

    if not (CHROMIUM.is_file() and AXE_JS.is_file()):
        message = "Chromium (/usr/bin/chromium) ou axe-core (npm) manque : lancez `make test` (npm ci) ou `.ci/run`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def fresh_page(browser):
    """A new page in a context of its own (no cookies, storage or service worker shared with another
    test's), as a reader arriving; ``options`` are the context's (``viewport``…). Closed after the test."""
    contexts = []

    def _new(**options):
        context = browser.new_context(service_workers="block", **options)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


# --- processes (the kill tests) ---
def ctrl_c_reaches() -> None:
    """``preexec_fn`` of a command a test interrupts with SIGINT: Ctrl+C reaches it as in a terminal. A
    suite run in the background (a shell's ``&``, nohup) hands its processes SIGINT ignored, and Python
    then never raises KeyboardInterrupt: the command would finish, and the test fail for that alone."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> bytes:
    """A process's command line; empty once it has ended (infopsoc's short git calls come and go)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
