"""What a bulletin's page holds that only the web shows, declared once for every output.

The feeds and the PDF take a bulletin's text from its converted page. The page also holds
what only makes sense on the site: its header (the feed entry and the PDF masthead show the
title, date and summary their own way), the previous/next issue, its place in the timeline,
the headings' permalinks. :data:`WEB_ONLY_CLASSES` names them all (a new web-only part of a
template takes :data:`WEB_ONLY_CLASS`); ``outputs.publishable`` drops exactly what :func:`is_web_only`
says, once for every output (tests/test_web_only.py checks the feeds and the PDF).
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


#: the attribute that keeps a part of a page out of the search index (outputs/search.py): lists of other
#: pages, the « Quelques acronymes » box. The project's own name: Material's search plugin read
#: ``data-search-exclude``, and no engine must act on ours (render/templates write it)
SEARCH_EXCLUDE = "data-ip-search-exclude"
