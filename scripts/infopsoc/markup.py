"""Small repairs to the HTML that Material for MkDocs writes, so every page is valid and
accessible (tests/test_quality.py checks them with the Nu HTML Checker and axe-core).

Each repair matches Material's exact output and does nothing when it is absent, so a
Material upgrade that fixes a defect upstream makes the matching repair a no-op.
"""

from __future__ import annotations

import re

# The drawer and search toggles are checkboxes with autocomplete="off" (not allowed on a checkbox).
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')
# A section's label in the navigation gets tabindex="" (an empty string is no integer).
_EMPTY_TABINDEX = re.compile(r' tabindex=""')
# The table of contents' title is a label for the "__toc" toggle, which exists only on pages in the nav.
_TOC_LABEL = re.compile(r'(<label class="md-nav__title") for="__toc"')
# The search dialog has no accessible name.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def repair_material_html(html: str, *, search_label: str) -> str:
    """Return ``html`` (a whole page written by Material) with its known defects repaired."""
    html = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    html = _EMPTY_TABINDEX.sub("", html)
    if 'id="__toc"' not in html:
        html = _TOC_LABEL.sub(r"\1", html)
    label = search_label.replace("&", "&amp;").replace('"', "&quot;")
    html = html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{label}">')
    return html


def remove_keeping_tail(parent, child) -> None:
    """Remove ``child`` (an ElementTree element) from ``parent``, keeping the text that follows it."""
    if child.tail:
        index = list(parent).index(child)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)
