"""The preview rebuilds only what a save changed (`infopsoc serve` runs MkDocs with --dirty).

Real MkDocs builds in this process, as `mkdocs serve` makes them: the configuration is read
again before each build and the plugin object lives on. Every page written by a build is
recognised by its modification time (set in the past before the next build).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import bulletin_text, ctrl_c_reaches
from infopsoc.pipeline.dirty import ChangeTracker

PAST = 1_000_000_000  # 2001: the time every output is given before a rebuild


class Preview:
    """Dirty builds of a tree into its own folder, like `mkdocs serve --dirty`."""

    def __init__(self, tree):
        self.tree = tree
        self.site = tree.root / "preview"
        self.started = False

    def build(self) -> set[str]:
        """Build; the pages (``x/index.html``) written by this build."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        for path in self.site.rglob("*.html") if self.site.exists() else []:
            os.utime(path, ns=(PAST * 10**9, PAST * 10**9))
        config = load_config(str(self.tree.root / "mkdocs.yml"), site_dir=str(self.site))
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        config.site_url = "http://127.0.0.1:8000/info-psoc/"
        build(config, serve_url=config.site_url, dirty=True)
        return {p.relative_to(self.site).as_posix() for p in self.site.rglob("index.html")
                if p.stat().st_mtime_ns != PAST * 10**9}

    def read(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")

    def close(self):
        from mkdocs.config import load_config

        load_config(str(self.tree.root / "mkdocs.yml")).plugins.on_shutdown()


@pytest.fixture
def preview(tree):
    tree.write("glossary/psoc.md", '---\nterm: PSOC\nexpansion: "Programme de soutien aux organismes '
                                   'communautaires"\n---\nLe programme.\n')
    for n in (1, 2, 3):
        tree.write(f"bulletins/info-psoc-0{n}.md",
                   bulletin_text(n, f"Numéro {n}", f"2017-0{n}", body=f"Le PSOC au numéro {n}.\n"))
    tree.write("content/la-ctroc.md", "# La CTROC\n\nUne page écrite à la main.\n")
    found = Preview(tree)
    everything = found.build()
    assert {"index.html", "la-ctroc/index.html", "bulletins/index.html", "bulletins/info-psoc-02/index.html",
            "glossaire/psoc/index.html"} <= everything
    yield found
    found.close()


def test_saving_a_bulletin_rebuilds_its_page_only(preview):
    path = preview.tree.root / "bulletins/info-psoc-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace("au numéro 2.", "au numéro 2, corrigé."),
                    encoding="utf-8")
    assert preview.build() == {"bulletins/info-psoc-02/index.html"}
    assert "au numéro 2, corrigé." in preview.read("bulletins/info-psoc-02/index.html")
    assert preview.build() == set()  # nothing saved, nothing rebuilt


def test_a_new_title_reaches_every_page_that_shows_it(preview):
    path = preview.tree.root / "bulletins/info-psoc-03.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Numéro 3", "Le troisième, retitré"), encoding="utf-8")
    rebuilt = preview.build()
    # its page, the archive, the term page listing it, and the home page (its directive shows the latest issue)
    assert rebuilt == {"bulletins/info-psoc-03/index.html", "bulletins/index.html", "glossaire/psoc/index.html",
                       "index.html"}
    for page in rebuilt:
        assert "Le troisième, retitré" in preview.read(page), page


def test_a_glossary_change_rebuilds_every_page(preview):
    before = preview.read("bulletins/info-psoc-01/index.html")
    assert "Programme de soutien aux organismes communautaires" in before
    path = preview.tree.root / "glossary/psoc.md"
    path.write_text(path.read_text(encoding="utf-8").replace("aux organismes", "à tous les organismes"),
                    encoding="utf-8")
    rebuilt = preview.build()
    assert {"bulletins/info-psoc-01/index.html", "la-ctroc/index.html", "index.html"} <= rebuilt
    assert "Programme de soutien à tous les organismes communautaires" in preview.read("bulletins/info-psoc-01/index.html")


def test_a_hand_written_page_is_rebuilt_when_saved(preview):
    preview.tree.write("content/la-ctroc.md", "# La CTROC\n\nUne page modifiée.\n")
    assert preview.build() == {"la-ctroc/index.html"}
    assert "Une page modifiée." in preview.read("la-ctroc/index.html")


def test_a_new_bulletin_rebuilds_everything(preview):
    preview.tree.write("bulletins/info-psoc-04.md", bulletin_text(4, "Numéro 4", "2017-04", body="Nouveau.\n"))
    rebuilt = preview.build()
    assert {"bulletins/info-psoc-04/index.html", "bulletins/info-psoc-01/index.html", "la-ctroc/index.html"} <= rebuilt


def test_the_tracker_says_what_changed():
    tracker = ChangeTracker()
    assert tracker.plan("s1", {"a.md": "1", "b.md": "1"}) is None  # the first build: everything
    assert tracker.plan("s1", {"a.md": "1", "b.md": "1"}) == set()
    assert tracker.plan("s1", {"a.md": "2", "b.md": "1"}) == {"a.md"}
    assert tracker.plan("s1", {"a.md": "2", "b.md": "1", "c.md": "1"}) == {"c.md"}
    assert tracker.plan("s2", {"a.md": "2", "b.md": "1", "c.md": "1"}) is None  # the structure changed
    tracker.forget()
    assert tracker.plan("s2", {"a.md": "2", "b.md": "1", "c.md": "1"}) is None  # after a failed build


# --- the preview as staff use it: `infopsoc serve`, a mistake, the browser ------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningPreview:
    """`infopsoc serve` started for real on a free port, its terminal collected."""

    def __init__(self, root, port: int):
        import subprocess
        import sys
        import tempfile

        self.root, self.port = root, port
        self.url = f"http://127.0.0.1:{port}/info-psoc/"
        self.log = tempfile.TemporaryFile("w+", encoding="utf-8")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOPSOC_PDF="0")
        self.process = subprocess.Popen([sys.executable, "-m", "infopsoc.cli", "serve", "--dev-addr",
                                         f"127.0.0.1:{port}"], cwd=root, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, text=True, preexec_fn=ctrl_c_reaches)

    def wait_until_up(self, timeout: float = 120) -> None:
        import time
        import urllib.error
        import urllib.request

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.process.poll() is None, self.output()
            try:
                urllib.request.urlopen(self.url, timeout=5).close()
                return
            except urllib.error.HTTPError:  # the error page: up too
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise AssertionError("the preview did not start:\n" + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> str:
        import signal
        import subprocess

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl+C
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.output()


#: MkDocs' English lines that staff must not see (issue 29)
ENGLISH_LINES = ("Cleaning site directory", "Documentation built", "Watching paths", "Serving on", "code 302",
                 "Aborted with", "appear stuck", "Building documentation", "Traceback", "INFO", "WARNING", "ERROR")


@pytest.fixture
def running_preview(tmp_path):
    from conftest import fixture_project

    tree = fixture_project(tmp_path / "project")
    found = RunningPreview(tree.root, _free_port())
    try:
        found.wait_until_up()
        yield found
    finally:
        found.stop()


def test_a_mistake_shows_in_every_page_of_the_preview_at_once_and_goes_away_when_fixed(running_preview, browser):
    import time

    source = running_preview.root / "bulletins/info-psoc-01.md"
    original = source.read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(running_preview.url + "bulletins/info-psoc-01/")
        assert page.locator("article h1").count() == 1
        # an accented link to a glossary page that does not exist: the build stops
        source.write_text(original + "\nVoir [le réseau](../glossary/réseau.md).\n\n!!! note \"Encadré\"\n  Mal décalé.\n",
                          encoding="utf-8")
        # the page open in the browser gives way to the error page by itself (live reload)
        page.wait_for_selector("#infopsoc-build-error", timeout=30_000)
        message = page.inner_text("#infopsoc-build-error")
        assert "bulletins/info-psoc-01.md:" in message and "glossary/réseau.md" in message, message
        assert "— " in message  # what to do, as check says it
        assert "avertissement : le texte de l'encadré" in message  # the warnings too, as check prints them
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert "se recharge d'elle-même" in page.inner_text("body")
        # every page of the preview answers at once with the same message (MkDocs' own server stalls)
        other = browser.new_page()
        for address in ("", "la-ctroc/", "glossaire/psoc/", "bulletins/info-psoc-02/"):
            start = time.monotonic()
            response = other.goto(running_preview.url + address)
            elapsed = time.monotonic() - start
            assert elapsed < 1.0, (address, elapsed)
            assert response.status == 500
            assert other.inner_text("#infopsoc-build-error") == message
        other.close()
        # the site's assets stay served (the editor, the stylesheets)
        assert page.request.get(running_preview.url + "admin/").ok
        # fixed and saved: the page comes back by itself
        source.write_text(original, encoding="utf-8")
        page.wait_for_selector("article h1", timeout=30_000)
        assert page.locator("#infopsoc-build-error").count() == 0
    finally:
        page.close()
        source.write_text(original, encoding="utf-8")
    output = running_preview.stop()
    assert "glossary/réseau.md" in output and "Aperçu sur" in output, output
    for english in ENGLISH_LINES:
        assert english not in output, (english, output)


def test_a_first_build_that_fails_still_opens_the_preview(tmp_path, browser):
    from conftest import fixture_project

    tree = fixture_project(tmp_path / "project")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Un", "2017-13-45"))
    found = RunningPreview(tree.root, _free_port())
    try:
        found.wait_until_up()
        page = browser.new_page()
        page.goto(found.url)
        assert "bulletins/info-psoc-01.md" in page.inner_text("#infopsoc-build-error")
        page.close()
    finally:
        output = found.stop()
    assert "Traceback" not in output, output


def test_a_busy_port_is_a_french_sentence(running_preview):
    second = RunningPreview(running_preview.root, running_preview.port)
    assert second.process.wait(timeout=120) == 1
    output = second.output()
    assert f"le port {running_preview.port} est déjà utilisé" in output, output
    for english in ENGLISH_LINES:
        assert english not in output, (english, output)


def test_the_preview_answers_only_its_own_names(running_preview):
    """The preview shows drafts: a web page that points a name of its own at 127.0.0.1 (DNS rebinding)
    gets nothing from it, not even the editor's page; its own names are answered."""
    import http.client

    def status(host: str, path: str = "/info-psoc/") -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", running_preview.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": host})
            answer = connection.getresponse()
            return answer.status, answer.read().decode("utf-8")
        finally:
            connection.close()

    port = running_preview.port
    for own in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert status(own)[0] == 200, own
    for other in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"127.0.0.1.evil.example:{port}"):
        for path in ("/info-psoc/", "/info-psoc/admin/", "/info-psoc/bulletins/"):
            code, text = status(other, path)
            assert code == 421, (other, path, code)
            assert "l'aperçu ne répond qu'à sa propre adresse" in text and "<" not in text


def test_own_hosts_of_a_local_server():
    from infopsoc.core.urls import own_hosts

    assert own_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "localhost:8000" in own_hosts("localhost", 8000)
    assert own_hosts("0.0.0.0", 8000) is None  # served on the network by choice: any name
    assert own_hosts("192.168.1.20", 8000) is None


def test_the_error_page_escapes_what_it_shows():
    from infopsoc.pipeline.terminal import error_page

    page = error_page('bulletins/<script>alert(1)</script>.md:3: « </pre><img src=x onerror=alert(1)> »').decode()
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and 'lang="fr"' in page


@pytest.mark.parametrize("english, french", [
    ("Cleaning site directory", None),
    ("Documentation built in 12.34 seconds", "construction terminée en 12,34 s"),
    ("[12:00:01] Watching paths for changes: 'content', 'mkdocs.yml'", None),
    ('[12:00:02] "GET / HTTP/1.1" code 302', None),
    ('[12:00:02] "GET /info-psoc/perdu/ HTTP/1.1" code 404', "Page introuvable dans l'aperçu : /info-psoc/perdu/"),
    ("[12:00:03] Serving on http://127.0.0.1:8000/info-psoc/", "Aperçu sur http://127.0.0.1:8000/info-psoc/   (Ctrl+C pour arrêter)"),
    ("An error happened during the rebuild. The server will appear stuck until build errors are resolved.", None),
    ("Aborted with 2 warnings in strict mode!", "construction arrêtée : 2 avertissement(s) ci-dessus bloquent la publication"),
    ("bulletins/x.md:3: déjà en français", "bulletins/x.md:3: déjà en français"),
])
def test_the_engines_lines_in_french(english, french):
    from infopsoc.plugin.engine import french_line

    assert french_line(english) == french


def test_stopping_the_preview_stops_its_server(running_preview):
    import signal
    import socket

    running_preview.process.send_signal(signal.SIGTERM)  # `kill`, as Ctrl+C: the engine must not go on alone
    assert running_preview.process.wait(timeout=30) == 0
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", running_preview.port)) != 0  # nobody serves the port any more
    assert "Arrêt de l'aperçu." in running_preview.output()


def test_the_preview_ends_with_its_command_killed_outright(running_preview):
    """``infopsoc serve`` killed outright (SIGKILL: no time to stop anything): its engine does not go on
    serving alone, holding the port the next preview asks for."""
    import socket
    import time

    running_preview.process.kill()
    running_preview.process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", running_preview.port)) != 0:
                break
        time.sleep(0.2)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", running_preview.port)) != 0  # nobody serves the port any more
