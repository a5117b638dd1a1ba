"""MkDocs run for staff: its builds and its preview, speaking French.

``python -m infopsoc.plugin.engine build|serve …`` is what ``infopsoc build`` and ``infopsoc serve``
start, in place of ``python -m mkdocs``. It differs from MkDocs' own command in two ways:

- **the terminal is French**: MkDocs' English lines are translated (« Site construit en 1,2 s ») or
  silenced (« Cleaning site directory », « Watching paths », the redirect of ``/`` that MkDocs logs
  as a warning); the content's own messages are already French (``check``'s text);
- **the preview never hangs on a mistake**: when a build fails, every page of the preview answers at
  once with a French page that gives the file, the line, what is wrong and what to do (the same text
  as ``check``); that page carries the live-reload script, so it gives way to the site by itself
  as soon as the file is fixed and saved. The editor (``admin/``) and the site's assets keep being
  served. MkDocs' server, by contrast, holds every request until the build succeeds.

A busy port is a French sentence, not a traceback.
"""

from __future__ import annotations

import errno
import logging
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError, ConfigurationError
from mkdocs.livereload import LiveReloadServer, _serve_url, _timestamp

from infopsoc.core.urls import own_hosts
from infopsoc.outputs.admin import ADMIN_DIR
from infopsoc.pipeline import quick, terminal
from infopsoc.pipeline.terminal import busy_port_message, error_page
from infopsoc.pipeline.watcher import SaveObserver, start_watching
from infopsoc.plugin.preview import LastBuild, Superseded, install_whole_writes

#: MkDocs' loggers (its own, the livereload server's, Material's and the plugins' are all below it)
ENGINE_LOGGER = "mkdocs"

# --- the terminal in French ---------------------------------------------------------------------

#: MkDocs' English lines: a French line (``str.format`` of the match's groups), or None to silence it
ENGINE_LINES: list[tuple[re.Pattern, str | None]] = [
    (re.compile(r"^Cleaning site directory$"), None),
    (re.compile(r"^Building documentation to directory: "), None),
    (re.compile(r"^Building documentation\.\.\.$"), None),
    (re.compile(r"^The directory contains stale files"), None),
    (re.compile(r"^Documentation built in ([0-9]+)\.([0-9]+) seconds$"), "construction terminée en {0},{1} s"),
    (re.compile(r"^(?:\[[0-9:]+\] )?Watching paths for changes"), None),
    (re.compile(r"^(?:\[[0-9:]+\] )?Serving on (\S+)"), "Aperçu sur {0}   (Ctrl+C pour arrêter)"),
    (re.compile(r"^(?:\[[0-9:]+\] )?Detected file changes$"), "Modification détectée : reconstruction…"),
    (re.compile(r"^(?:\[[0-9:]+\] )?Reloading browsers$"), None),  # the build's own line says it
    (re.compile(r"^(?:\[[0-9:]+\] )?Browser connected: "), None),
    (re.compile(r"^(?:\[[0-9:]+\] )?\"GET [^\"]*\" code (?:30[0-9]|500)$"), None),  # redirects; the error page
    (re.compile(r"^(?:\[[0-9:]+\] )?\"GET /favicon\.ico[^\"]*\" code 404$"), None),  # asked by every browser
    (re.compile(r"^(?:\[[0-9:]+\] )?\"GET ([^ \"]*)[^\"]*\" code 404$"), "Page introuvable dans l'aperçu : {0}"),
    (re.compile(r"^Shutting down\.\.\.$"), "Arrêt de l'aperçu."),
    (re.compile(r"^A 'dirty' build is being performed"), None),
    (re.compile(r"^An error happened during the rebuild"), None),  # the error page says it
    (re.compile(r"^Error (?:building|reading) page '.*': " + re.escape(Superseded.MESSAGE) + "$"), None),
    (re.compile(r"^The following pages are being built only for the preview"), None),
    (re.compile(r"^Aborted with (\d+) warnings? in strict mode!$"),
     "construction arrêtée : {0} avertissement(s) ci-dessus bloquent la publication"),
]

#: MkDocs' lines as staff should read them (pipeline/terminal.py)
french_line = terminal.translator(ENGINE_LINES)


def french_logging(level: int = logging.INFO) -> logging.Handler:
    """Send the engine's log to stderr in French (MkDocs' own command would print it in English)."""
    return terminal.french_logging(ENGINE_LOGGER, french_line, level)


# --- build ----------------------------------------------------------------------------------------

def run_build(config_file: str, site_dir: str | None, strict: bool) -> int:
    """``mkdocs build``, in French: 0 when the site is built, 1 otherwise (the reason is logged)."""
    try:
        config = load_config(config_file=config_file, site_dir=site_dir, strict=strict or None)
    except ConfigurationError as exc:
        logging.getLogger(ENGINE_LOGGER).error(f"la configuration du site est invalide : {exc}")
        return 1
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except Abort as exc:
        french = french_line(str(exc))
        if french and not str(exc).startswith("Aborted with a BuildError"):
            logging.getLogger(ENGINE_LOGGER).error(french)
        return 1
    finally:
        config.plugins.on_shutdown()
    return 0


# --- the preview ----------------------------------------------------------------------------------

def error_text(messages: list[str], exc: BaseException | None) -> str:
    """What went wrong, for the error page: the build's error lines, else the exception itself."""
    lines = [m for m in messages if not m.startswith("Aborted with")]
    if lines:
        return "\n".join(lines)
    if exc is None:
        return "erreur inconnue"
    if isinstance(exc, (Abort, BuildError, ConfigurationError)):
        return french_line(str(exc)) or str(exc)
    return ("erreur inattendue pendant la construction de l'aperçu — relancez make serve ; si elle revient, "
            "signalez-la avec ce texte :\n" + "".join(traceback.format_exception_only(type(exc), exc)).strip())


#: the request being answered, per thread (the server answers each request in its own thread)
_request = threading.local()


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, with a French error page in place of a stalled browser, and the
    content editor kept apart: ``admin/`` stays served during an error, and is served without the
    live-reload script (each save in the editor changes the repository, the preview rebuilds, and
    the script reloaded the editor about three seconds later: what was typed meanwhile was lost)."""

    #: pages under these folders of the site stay served during an error, without live reload
    KEPT = (f"{ADMIN_DIR}/",)

    def __init__(self, *, builder, host: str, port: int, **kwargs) -> None:
        super().__init__(builder=builder, host=host, port=port, **kwargs)
        self.hosts = own_hosts(host, port)  # --- security --- the preview shows drafts: its own names only
        self.build_error: str | None = None
        self.observer = self.saves = SaveObserver()  # --- performance --- a save is seen at once (watcher.py)
        self._polls_waiting = self._polls_arrived = 0  # the browsers' live-reload requests (show_now)
        self.RequestHandlerClass = _RequestLines.under(self.RequestHandlerClass)

    # --- performance --- (issue 32) a save shown at once: MkDocs' loop, but the wait after a save
    # ends as soon as every written file is closed again, and a builder may show the browsers its
    # first page before the whole rebuild is done (:meth:`show_now`)

    #: the quiet wanted after the last change, once every written file is closed again
    SETTLE = 0.01

    def _build_loop(self) -> None:
        while True:
            with self._rebuild_cond:
                while not self._rebuild_cond.wait_for(lambda: self._want_rebuild or self._shutdown,
                                                      timeout=self.shutdown_delay):
                    pass  # woken now and then: Ctrl+C is received
                if self._shutdown:
                    break
                logging.getLogger("mkdocs.livereload").info("Detected file changes")
                while self._rebuild_cond.wait(timeout=self.SETTLE if self.saves.settled() else self.build_delay):
                    pass  # changes keep coming
                self._wanted_epoch = _timestamp()
                self._want_rebuild = False
            try:
                self.builder()
            except Exception:  # noqa: BLE001 (as MkDocs' loop: the server lives on)
                traceback.print_exc()
                continue
            with self._epoch_cond:
                self._visible_epoch = self._wanted_epoch
                self._epoch_cond.notify_all()

    #: how long the rest of a rebuild may wait for the browsers to load the page shown first
    RELOAD_WAIT = 2.0

    def show_now(self) -> None:
        """The browsers reload now (a page is ready; the rest of the rebuild waits): requests are answered
        again, and this returns when every browser that was waiting has loaded its page again (its next
        poll arrived), or after :attr:`RELOAD_WAIT` — a rebuild running meanwhile would slow the page's
        load several times over (one process: the server's threads wait for the build's)."""
        with self._epoch_cond:
            waiting, arrived = self._polls_waiting, self._polls_arrived
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()
            if waiting:
                self._epoch_cond.wait_for(lambda: self._polls_arrived - arrived >= waiting, timeout=self.RELOAD_WAIT)

    def wants_rebuild(self) -> bool:
        """A change was seen since the rebuild running started."""
        with self._rebuild_cond:
            return self._want_rebuild

    def tell_again(self) -> None:
        """After :meth:`show_now`, the browsers reload once more when the rebuild is done."""
        with self._epoch_cond:
            self._wanted_epoch = max(_timestamp(), self._visible_epoch + 1)

    def _serve_request(self, environ, start_response) -> Iterable[bytes] | None:
        host = environ.get("HTTP_HOST", "").lower()
        if self.hosts is not None and host not in self.hosts:  # another name pointed at this computer
            text = (f"Adresse refusée ({host or 'aucune'}) : l'aperçu ne répond qu'à sa propre adresse, "
                    f"{self.url}\n").encode("utf-8")
            start_response("421 Misdirected Request", [("Content-Type", "text/plain; charset=utf-8"),
                                                        ("Content-Length", str(len(text))), ("Cache-Control", "no-store")])
            return [text]
        error = self.build_error
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        if path.startswith("/livereload/"):  # a page open in a browser, loaded, waits for the next change
            with self._epoch_cond:
                self._polls_waiting += 1
                self._polls_arrived += 1
                self._epoch_cond.notify_all()
            try:
                return super()._serve_request(environ, start_response)
            finally:
                with self._epoch_cond:
                    self._polls_waiting -= 1
        if error is not None and self._is_page(path):
            with self._epoch_cond:
                epoch = self._visible_epoch
            content = self._inject_js_into_html(error_page(error), epoch)
            start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8"),
                                                         ("Content-Length", str(len(content))),
                                                         ("Cache-Control", "no-store")])
            return [content]
        _request.kept = self._in_kept(path)
        if self._IMMUTABLE.search(path):  # --- performance --- a reload does not fetch the theme's bundles again
            def start_response(status, headers, exc_info=None, _start=start_response):
                cached = [("Cache-Control", "max-age=31536000, immutable")] if status.startswith("200") else []
                return _start(status, headers + cached, exc_info) if exc_info else _start(status, headers + cached)
        try:
            return super()._serve_request(environ, start_response)
        finally:
            _request.kept = False

    #: the theme's files named by their content (``bundle.a5f9d56c.min.js``): what they hold never changes
    _IMMUTABLE = re.compile(r"/assets/[^?#]*\.[0-9a-f]{8}\.min\.(?:js|css)$")

    def _inject_js_into_html(self, content, epoch):
        return content if getattr(_request, "kept", False) else super()._inject_js_into_html(content, epoch)

    def _in_kept(self, path: str) -> bool:
        """``path`` is under a folder of :attr:`KEPT` (``/info-psoc/admin`` and ``/info-psoc/admin/…``)."""
        path += "/"
        return path.startswith(self.mount_path) and path[len(self.mount_path):].startswith(self.KEPT)

    def _is_page(self, path: str) -> bool:
        """A page of the site (not an asset, the live-reload poll or the editor)."""
        if path.startswith("/livereload/") or not (path + "/").startswith(self.mount_path):
            return False
        if self._in_kept(path):
            return False
        last = path[len(self.mount_path):].rsplit("/", 1)[-1]
        return last == "" or last.endswith(".html") or "." not in last

    def bind(self) -> None:
        """Take the port first (a busy port is said before a build is wasted)."""
        self.server_bind()
        self.server_activate()

    def serve(self, *, open_in_browser: bool = False) -> None:  # noqa: ARG002 (MkDocs' signature)
        """As MkDocs' ``serve``, the port being already taken by :meth:`bind`."""
        if self._watched_paths:
            start_watching(self)
        logging.getLogger("mkdocs.livereload").info(f"Serving on {self.url}")
        self.serve_thread.start()
        self._build_loop()


class _RequestLines:
    """MkDocs logs a request answered other than 200 (a missing favicon, the error page) as a warning,
    and a strict build that runs meanwhile counts it as its own: the rebuild that follows a fix, or
    the rest of a rebuild while the browser loads the page shown first, was refused for « 1
    avertissement » nobody could see. Said at INFO here: the terminal shows them as before."""

    @staticmethod
    def under(handler_class):
        class Handler(handler_class):
            def log_request(self, code="-", size="-"):
                level = logging.DEBUG if str(code) == "200" else logging.INFO
                logging.getLogger("mkdocs.livereload").log(level, f'"{self.requestline}" code {code}')
        return Handler


def run_serve(config_file: str, dev_addr: str | None, dirty: bool) -> int:
    """``mkdocs serve --livereload``, in French, with the error page (see the module's docstring)."""
    log = logging.getLogger(ENGINE_LOGGER)
    site_dir = tempfile.mkdtemp(prefix="infopsoc-apercu-")

    def get_config():
        return load_config(config_file=config_file, site_dir=site_dir, dev_addr=dev_addr)

    try:
        config = get_config()
    except ConfigurationError as exc:
        log.error(f"la configuration du site est invalide : {exc}")
        shutil.rmtree(site_dir, ignore_errors=True)
        return 1
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)
    server: PreviewServer | None = None
    kept: LastBuild | None = None  # --- performance --- the last whole build's objects, for the saves after it

    def show_saved_page() -> bool:
        """The saved page made again and shown at once, when the save allows it (pipeline/quick.py);
        otherwise the last build's objects are no longer used (the whole rebuild must be done first)."""
        nonlocal kept
        saves = server.saves.take()
        saved = saves.one_file()
        shown = None
        started = time.monotonic()
        if saved is not None and kept is not None and server.build_error is None:
            try:
                shown = kept.render(saved)
            except Exception:  # noqa: BLE001 (the whole rebuild that follows says what is wrong)
                shown = None
        if shown is None:
            kept = None
            return False
        ready = time.monotonic()
        log.info(f"page {shown} à jour {_seconds(ready - saves.first)} s après l'enregistrement (faite en "
                 f"{_seconds(ready - started)} s) ; le reste du site suit")
        server.show_now()
        return True

    def builder(config=None) -> None:
        nonlocal kept
        shown = server is not None and show_saved_page()
        before = quick.pages_state(Path(site_dir)) if shown else None
        if config is None:
            config = get_config()
        config.site_url = serve_url
        # keeps this build's objects (plugin/preview.py); after a page shown first, a newer save stops it
        current = LastBuild(superseded=(lambda: server.wants_rebuild()) if shown else None)
        config.plugins["infopsoc-preview"] = current
        catcher = terminal.ErrorCatcher()
        logging.getLogger(ENGINE_LOGGER).addHandler(catcher)
        try:
            build(config, serve_url=serve_url, dirty=dirty)
        except Superseded:
            log.info(Superseded.MESSAGE)  # the saved page is shown next; the rebuild after it redoes every page
            return
        except Exception as exc:  # noqa: BLE001 (any failure is shown in the browser, the server lives on)
            kept = None
            if server is not None:
                server.build_error = error_text(catcher.messages, exc)
            if not catcher.messages:
                log.error(error_text([], exc))
            log.error("l'aperçu montre ce message dans le navigateur ; il se recharge de lui-même une fois "
                      "le fichier corrigé et enregistré")
        else:
            kept, current.done = current, True
            if server is not None:
                if server.build_error is not None:
                    log.info("erreur corrigée : l'aperçu est de nouveau à jour")
                server.build_error = None
        finally:
            logging.getLogger(ENGINE_LOGGER).removeHandler(catcher)
        # the browsers reload again only when the rebuild changed a page, or failed
        if shown and (server.build_error is not None or quick.pages_state(Path(site_dir)) != before):
            server.tell_again()

    server = PreviewServer(builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path)
    try:
        server.bind()
    except OSError as exc:
        server.server_close()
        shutil.rmtree(site_dir, ignore_errors=True)
        if exc.errno == errno.EADDRINUSE:
            log.error(busy_port_message(host, port))
        elif exc.errno in (errno.EACCES, errno.EADDRNOTAVAIL):
            log.error(f"impossible d'écouter sur {host}:{port} ({exc.strerror}) — choisissez une autre adresse : "
                      "infopsoc serve --dev-addr 127.0.0.1:8001")
        else:
            log.error(f"impossible de démarrer l'aperçu sur {host}:{port} : {exc.strerror or exc}")
        return 1

    def not_found(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = not_found
    install_whole_writes()  # --- performance --- a page read while the rebuild runs is never half written
    config.plugins.on_startup(command="serve", dirty=dirty)
    try:
        builder(config)  # the first build: a mistake shows in the browser too, the preview starts anyway
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            _ignore_stops()
            log.info("Shutting down...")
        finally:
            _ignore_stops()  # a second Ctrl+C or kill (the command forwards its own) must not cut the shutdown
            server.shutdown()
    finally:
        _ignore_stops()
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _ignore_stops() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


# --- the command ----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser, commands = terminal.engine_parser("python -m infopsoc.plugin.engine")
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("--config-file", "-f", required=True)
    serve_parser.add_argument("--dev-addr", "-a")
    serve_parser.add_argument("--dirty", action="store_true")
    args = parser.parse_args(argv)
    french_logging()
    # stopped by `kill` as by Ctrl+C: the preview's temporary folder is removed on the way out
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.command == "build":
        return run_build(args.config_file, args.site_dir, args.strict)
    try:
        return run_serve(args.config_file, args.dev_addr, args.dirty)
    except KeyboardInterrupt:
        return 0


def exit_build(code: int) -> None:
    """End a build's process without the interpreter freeing each of its objects one by one (~0.5 s
    after a 300-bulletin build, on the path of ``infopsoc build``): what its exit runs (the atexit
    functions: logging's flush, the workers' ends) is run, the streams flushed, then the process ends.
    A thread still running (none should be), or a profiler or tracer (cProfile writes its figures after
    the exit): the ordinary exit."""
    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    import atexit
    import os

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    result = main()
    if sys.argv[1:2] == ["build"]:  # --- performance ---
        exit_build(result)
    sys.exit(result)
