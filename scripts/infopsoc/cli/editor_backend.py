"""The guard in front of the content editor's local backend (``make edit``).

Decap CMS's local backend (decap-server, git mode) writes any path of the repository it is
given, commits, and answers any ``Host``: a web page that rebinds its name to 127.0.0.1 could
talk to it as if it were the editor and, for instance, write ``.git/config``. So decap-server
listens on a Unix socket only (``decap_backend.js``), and this small HTTP server is the only
door, on 127.0.0.1:PORT. It answers only requests

- whose ``Host`` is its own address and port (``127.0.0.1:PORT`` or ``localhost:PORT``) and
  whose ``Origin``, when sent, is the editor's own page (the preview's address, ``http://127.0.0.1:8000``);
- that name a known action of the editor, with collections and slugs of the editor's form, and
  paths inside what the editor may touch (``content/editable.py``): the collections' Markdown
  files, the media folder's images and PDFs, the list of members. No dotfile, no ``.git``, no
  Makefile, ``scripts/``, ``theme/``, ``.github/``, ``.ci/``, no link (symlink) on the way.

Everything else gets a 403 with a French sentence, and is never passed on.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from infopsoc.content.checks.static import bytes_problems
from infopsoc.content.editable import COLLECTIONS, SLUG, Editable
from infopsoc.core.media import MEDIA_TYPES
from infopsoc.core.urls import own_hosts

API = "/api/v1"
MAX_BODY = 60 * 1024 * 1024  # decap-server's own limit is 50 MB of JSON
_LOOPBACK_ORIGIN = re.compile(r"^http://(127\.0\.0\.1|localhost)(:\d{1,5})?$")
#: action → what its parameters name: paths of files, folders, and whether it names an item
_FILES = {"getEntry": ("path",), "unpublishedEntryDataFile": ("path",), "unpublishedEntryMediaFile": ("path",),
          "getMediaFile": ("path",), "deleteFile": ("path",)}
_ITEM = {"unpublishedEntryDataFile", "unpublishedEntryMediaFile", "deleteUnpublishedEntry",
         "updateUnpublishedEntryStatus", "publishUnpublishedEntry", "getDeployPreview"}
ACTIONS = {"info", "entriesByFolder", "entriesByFiles", "getEntry", "unpublishedEntries", "unpublishedEntry",
           "unpublishedEntryDataFile", "unpublishedEntryMediaFile", "deleteUnpublishedEntry", "persistEntry",
           "updateUnpublishedEntryStatus", "publishUnpublishedEntry", "getMedia", "getMediaFile", "persistMedia",
           "deleteFile", "deleteFiles", "getDeployPreview"}


class Refused(Exception):
    """A request the guard does not pass on; the message says why, in French."""


class Guard:
    """The rules: which requests reach decap-server."""

    def __init__(self, root: Path, editable: Editable, port: int, branch: str = "main",
                 origins: set[str] | None = None):
        self.root = root.resolve()
        self.branch = branch
        self.origins = origins  # the editor's own page (the preview's address); None: any page of this computer
        self.editable = editable
        self.hosts = own_hosts("127.0.0.1", port)

    def check_headers(self, host: str | None, origin: str | None) -> None:
        if (host or "").lower() not in self.hosts:
            raise Refused(f"adresse refusée ({host!r}) : l'éditeur ne répond qu'à http://127.0.0.1 sur son propre port")
        if origin is not None and not (origin in self.origins if self.origins else _LOOPBACK_ORIGIN.match(origin)):
            raise Refused(f"page refusée ({origin!r}) : seul l'éditeur ouvert sur cet ordinateur peut écrire")

    def check_request(self, body: Any) -> None:
        if not isinstance(body, dict) or body.get("action") not in ACTIONS:
            raise Refused("demande inconnue de l'éditeur")
        action, params = body["action"], body.get("params")
        if action == "info":
            return
        if not isinstance(params, dict):
            raise Refused("demande incomplète de l'éditeur")
        if params.get("branch") != self.branch or body.get("branch", self.branch) != self.branch:
            raise Refused(f"branche refusée ({params.get('branch')!r}) : l'éditeur travaille sur {self.branch}")
        for key in _FILES.get(action, ()):
            self._file(params.get(key))
        if action in _ITEM:
            self._item(params.get("collection"), params.get("slug"))
        if action == "unpublishedEntry":
            if params.get("id") is not None:
                collection, _, slug = str(params["id"]).partition("/")
                self._item(collection, slug)
            else:
                self._item(params.get("collection"), params.get("slug"))
        elif action == "entriesByFolder":
            self._folder(params.get("folder"))
        elif action == "getMedia":
            if params.get("mediaFolder") != self.editable.media_folder:
                raise Refused(f"dossier refusé ({params.get('mediaFolder')!r}) : les images sont dans "
                              f"{self.editable.media_folder}/")
        elif action == "entriesByFiles":
            for item in _list(params.get("files")):
                self._file(item.get("path") if isinstance(item, dict) else None)
        elif action == "deleteFiles":
            for path in _list(params.get("paths")):
                self._file(path)
        elif action == "persistMedia":
            asset = params.get("asset")
            self._file(asset.get("path") if isinstance(asset, dict) else None)
            self._media_bytes(asset)
        elif action == "persistEntry":
            self._persist(params)

    def _persist(self, params: dict) -> None:
        files = params.get("dataFiles") if params.get("dataFiles") is not None else [params.get("entry")]
        options = params.get("options") if isinstance(params.get("options"), dict) else {}
        collection = options.get("collectionName")
        if collection is not None and collection not in COLLECTIONS:
            raise Refused(f"collection inconnue ({collection!r})")
        for item in _list(files):
            if not isinstance(item, dict):
                raise Refused("demande incomplète de l'éditeur")
            self._file(item.get("path"))
            if item.get("newPath") is not None:
                self._file(item.get("newPath"))
            if not isinstance(item.get("slug"), str) or not SLUG.match(item["slug"]):
                raise Refused(f"nom de fichier refusé ({item.get('slug')!r})")
        for asset in _list(params.get("assets")):
            self._file(asset.get("path") if isinstance(asset, dict) else None)

    def _item(self, collection: Any, slug: Any) -> None:
        if collection not in COLLECTIONS:
            raise Refused(f"collection inconnue ({collection!r})")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise Refused(f"nom de fichier refusé ({slug!r})")

    def _folder(self, folder: Any) -> None:
        if not isinstance(folder, str) or not self.editable.allows_folder(folder):
            raise Refused(f"dossier refusé ({folder!r}) : l'éditeur ne lit que les dossiers du contenu")
        self._no_link(folder.rstrip("/"))

    def _media_bytes(self, asset: dict) -> None:
        """An upload's bytes, read as ``check`` reads a file of ``content/`` (an SVG holding code, a
        « .png » holding HTML are refused before they reach the repository)."""
        if asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
            raise Refused("fichier refusé : l'éditeur envoie les images encodées (base64)")
        try:
            data = base64.b64decode(asset["content"], validate=True)
        except (binascii.Error, ValueError):
            raise Refused("fichier refusé : son contenu n'est pas lisible") from None
        suffix = "." + asset["path"].rpartition(".")[2].lower()
        for line, message, hint in bytes_problems(suffix, data):
            where = f" (ligne {line})" if line else ""
            raise Refused(f"« {asset['path'].rsplit('/', 1)[-1]} »{where} : {message} — {hint}")

    def _file(self, path: Any) -> None:
        if not isinstance(path, str) or not self.editable.allows_file(path):
            kinds = ", ".join(sorted(MEDIA_TYPES))
            raise Refused(f"fichier refusé ({path!r}) : l'éditeur n'écrit que les textes des collections "
                          "(bulletins, glossaire, chronologie, pages), la liste des membres et, dans le dossier "
                          f"des images, les fichiers de ces types : {kinds}")
        self._no_link(path)

    def _no_link(self, rel: str) -> None:
        """No part of the path is a link (symlink) that could lead elsewhere."""
        current = self.root
        for part in rel.split("/"):
            current = current / part
            if current.is_symlink():
                raise Refused(f"fichier refusé ({rel!r}) : c'est un lien vers un autre fichier")


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise Refused("demande incomplète de l'éditeur")
    return value


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 120):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def make_server(guard: Guard, backend_socket: str, port: int) -> ThreadingHTTPServer:
    """The guard's HTTP server on 127.0.0.1:``port`` (not started), passing on to ``backend_socket``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "infopsoc-editor"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # the editor's requests are not the terminal's business

        def _refuse(self, reason: str, status: int = 403) -> None:
            data = json.dumps({"error": reason}, ensure_ascii=False).encode()
            self.send_response(status)
            origin = self.headers.get("Origin")
            if origin and _LOOPBACK_ORIGIN.match(origin):
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _pass(self, body: bytes | None) -> None:
            connection = _UnixConnection(backend_socket)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("content-type", "origin", "access-control-request-method",
                                        "access-control-request-headers")}
            headers["Host"] = "localhost"
            try:
                connection.request(self.command, API, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except OSError:
                self._refuse("le serveur de l'éditeur ne répond pas : relancez make edit", 502)
                return
            finally:
                connection.close()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "date",
                                       "x-powered-by"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _guarded(self) -> bool:
            try:
                guard.check_headers(self.headers.get("Host"), self.headers.get("Origin"))
            except Refused as refusal:
                self._refuse(str(refusal))
                return False
            if self.path != API:
                self._refuse("adresse inconnue", 404)
                return False
            return True

        def do_OPTIONS(self):  # noqa: N802 - http.server's naming
            if self._guarded():
                self._pass(None)

        def do_POST(self):  # noqa: N802
            if not self._guarded():
                return
            try:
                length = int(self.headers.get("Content-Length") or "0")
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY:
                self._refuse("demande trop grande ou vide", 413)
                return
            body = self.rfile.read(length)
            try:
                guard.check_request(json.loads(body))
            except (ValueError, UnicodeDecodeError):
                self._refuse("demande illisible")
                return
            except Refused as refusal:
                self._refuse(str(refusal))
                return
            self._pass(body)

        def do_GET(self):  # noqa: N802
            if self._guarded():
                self._refuse("adresse inconnue", 404)

        do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="editor-guard", daemon=True)
    thread.start()
    return thread


# --- the processes: decap-server behind the guard ----------------------------------------------

class BackendError(Exception):
    """The editor's backend cannot start; the message says why and what to do (French)."""


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def node_modules(root: Path) -> Path:
    """The project's node_modules (a copy of the project without one uses the checkout's)."""
    for base in (root, Path(__file__).resolve().parents[3]):
        if (base / "node_modules" / "decap-server").is_dir():
            return base / "node_modules"
    raise BackendError("decap-server est introuvable : lancez « make build » (il installe node_modules), puis relancez")


class EditorBackend:
    """decap-server on a Unix socket in a private folder, the guard on 127.0.0.1:``port``."""

    def __init__(self, root: Path, editable: Editable, port: int, branch: str, page_address: str):
        self.root, self.editable, self.port, self.branch = root, editable, port, branch
        host, _, page_port = page_address.rpartition(":")
        loopback = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
        self.origins = {f"http://{name}:{page_port}" for name in loopback}
        self.folder: Path | None = None
        self.node = None
        self.server: ThreadingHTTPServer | None = None

    def __enter__(self) -> "EditorBackend":
        try:
            inside = subprocess.run(["git", "-C", str(self.root), "rev-parse", "--is-inside-work-tree"],
                                    capture_output=True).returncode == 0
        except OSError:
            raise BackendError("git est introuvable sur cet ordinateur : installez-le, puis relancez make edit") from None
        if not inside:
            raise BackendError(f"{self.root} n'est pas un dépôt git : l'éditeur enregistre chaque texte par un commit "
                               "— lancez make edit dans le dossier cloné du dépôt")
        modules = node_modules(self.root)
        self.folder = Path(tempfile.mkdtemp(prefix="infopsoc-editeur-"))  # mode 700: this user only
        sock = self.folder / "decap.sock"
        env = dict(os.environ, GIT_REPO_DIRECTORY=str(self.root.resolve()), INFOPSOC_NODE_MODULES=str(modules),
                   LOG_LEVEL=os.environ.get("LOG_LEVEL", "warn"))
        try:
            self.node = subprocess.Popen(["node", str(Path(__file__).with_name("decap_backend.js")), str(sock)], env=env)
        except OSError:
            self.__exit__(None, None, None)
            raise BackendError("Node.js (la commande node) est introuvable : installez-le, puis relancez make edit") from None
        for _ in range(200):
            if sock.exists() or self.node.poll() is not None:
                break
            time.sleep(0.05)
        if not sock.exists():
            self.__exit__(None, None, None)
            raise BackendError("le serveur de l'éditeur (decap-server) n'a pas démarré : voir le message ci-dessus")
        try:
            guard = Guard(self.root, self.editable, self.port, self.branch, self.origins)
            self.server = make_server(guard, str(sock), self.port)
        except OSError:
            self.__exit__(None, None, None)
            raise BackendError(busy_port_message(self.port)) from None
        serve_in_thread(self.server)
        return self

    def __exit__(self, *_exc) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self.node is not None:
            self.node.terminate()
            try:
                self.node.wait(timeout=10)
            except Exception:  # noqa: BLE001 - a stuck child is killed
                self.node.kill()
            self.node = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def busy_port_message(port: int) -> str:
    return (f"le port {port} est déjà pris sur cet ordinateur (un aperçu « make serve » ou un autre « make edit » "
            "tourne peut-être dans un autre terminal) : arrêtez-le avec Ctrl+C dans ce terminal, ou choisissez "
            "d'autres ports, par exemple : make edit ADDR=127.0.0.1:8010 EDIT_PORT=8091")
