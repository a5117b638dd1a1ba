"""The Content-Security-Policy of the site's pages, as a ``<meta http-equiv>`` (GitHub Pages sets no
headers): what a page may load and run, so that a script that got into a page anyway (past the
raw-HTML allow-list, the SVG check) does not run on the site's origin, which is also the editor's.

- scripts: the site's own files (``'self'``) and, by their SHA-256, the inline scripts the theme
  writes (Material's few lines in ``<head>`` that read the reader's settings, and its one line after
  the text that opens a tab named in the address). No other inline script, no ``eval``, no event
  handler attribute (``onclick=…``) runs. The preview (``infopsoc serve``) adds ``'unsafe-inline'``
  instead of hashes: MkDocs' live reload injects a new inline script into every answer; the preview
  runs on the staff's own computer, not on the site's origin;
- styles: the site's files and inline styles (tables' ``text-align`` from Markdown, Material's
  script setting positions): a style cannot run code;
- images: the site's files and ``data:`` (Material's icons in its stylesheet); fonts, fetches
  (the search index), workers: the site only; no plugin (``object-src 'none'``), no ``<base>``
  elsewhere, forms sent to the site only (the search form).

Nothing from another host: the site makes no request to a third party (Law 25).
``frame-ancestors`` cannot be set in a ``<meta>`` (browsers ignore it there).
"""

from __future__ import annotations

import base64
import hashlib
import re

#: An inline script that runs (no ``src``, no ``type`` such as ``application/json``).
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_CHARSET = '<meta charset="utf-8">'


def script_hash(script: str) -> str:
    """The CSP source that allows one inline script: ``'sha256-…'`` of its exact text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_policy(script_sources: list[str]) -> str:
    """The policy of a page whose inline scripts are allowed by ``script_sources``."""
    scripts = " ".join(["'self'", *script_sources])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; worker-src 'self'; media-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'")


def with_policy(html: str, trusted_scripts: frozenset[str], *, preview: bool = False) -> str:
    """``html`` (a whole page) with its policy as the first element after ``<meta charset>``.

    The inline scripts allowed are those of ``<head>`` (written by the theme only: a page's text
    is in ``<body>``) and those whose text is one of ``trusted_scripts`` (the theme's, after the
    text). A page without ``<meta charset="utf-8">`` is returned as it is.
    """
    at = html.find(_CHARSET)
    if at < 0 or "Content-Security-Policy" in html[:html.find("</head>")]:
        return html
    if preview:
        sources = ["'unsafe-inline'"]
    else:
        head_end = html.find("</head>")
        found = [m.group(1) for m in _INLINE_SCRIPT.finditer(html, 0, head_end)]
        found += [m.group(1) for m in _INLINE_SCRIPT.finditer(html, head_end) if m.group(1) in trusted_scripts]
        sources = sorted({script_hash(script) for script in found})
    meta = f'<meta http-equiv="Content-Security-Policy" content="{page_policy(sources)}">'
    end = at + len(_CHARSET)
    return html[:end] + "\n    " + meta + html[end:]
