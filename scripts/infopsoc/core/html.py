"""What a bulletin's page holds that only the web shows, declared once for every output.

The feeds and the PDF take a bulletin's text from its converted page. The page also holds
what only makes sense on the site: its header (the feed entry and the PDF masthead show the
title, date and summary their own way), the previous/next issue, its place in the timeline,
the headings' permalinks. :data:`WEB_ONLY_CLASSES` names them all (a new web-only part of a
template takes :data:`WEB_ONLY_CLASS`); both outputs drop exactly what :func:`is_web_only`
says, so they cannot drift apart (tests/test_web_only.py checks both).
"""

from __future__ import annotations

from collections.abc import Iterable

#: the class that marks a part of a page as web-only (templates put it on the element)
WEB_ONLY_CLASS = "ip-web-only"
WEB_ONLY_CLASSES = frozenset({
    WEB_ONLY_CLASS,     # e.g. a bulletin's « Dans la chronologie » (render/templates/bulletin.md.j2)
    "ip-bulletin-head",  # a bulletin page's header: number, date, title, summary, topics
    "ip-prevnext",       # the previous and next issues
    "headerlink",        # the headings' permalinks (the ``toc`` extension's ``permalink_class``)
})


def is_web_only(classes: str | Iterable[str] | None) -> bool:
    """Whether an element with these classes (an attribute value, or a list) is web-only."""
    if classes is None:
        return False
    names = classes.split() if isinstance(classes, str) else classes
    return not WEB_ONLY_CLASSES.isdisjoint(names)


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
