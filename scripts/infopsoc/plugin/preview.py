"""The preview server's live reload, kept off the content editor.

``mkdocs serve`` injects its live-reload script into every HTML page it serves, ``/admin/``
included: each save in the editor changes the repository, the preview rebuilds, and the script
reloaded the editor about three seconds later (what was typed meanwhile was lost). The editor's
page is served as it was built, without the script; every other page keeps it.
"""

from __future__ import annotations

import threading

from infopsoc.outputs.admin import ADMIN_DIR

_request = threading.local()  # the server answers each request in its own thread


def keep_live_reload_off_editor(server) -> None:
    """Serve ``<site>/admin/…`` without the live-reload script (``server``: MkDocs' LiveReloadServer)."""
    inject, serve = server._inject_js_into_html, server._serve_request
    editor = server.mount_path.rstrip("/") + f"/{ADMIN_DIR}/"

    def _serve_request(environ, start_response):
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        _request.editor = (path + "/").startswith(editor)
        try:
            return serve(environ, start_response)
        finally:
            _request.editor = False

    def _inject_js_into_html(content, epoch):
        return content if getattr(_request, "editor", False) else inject(content, epoch)

    server._serve_request = _serve_request
    server._inject_js_into_html = _inject_js_into_html
