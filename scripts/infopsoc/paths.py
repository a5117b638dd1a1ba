"""Places in the site: relative links between pages, by string operations only.

They run for every generated link (tens of thousands at 300 bulletins); ``posixpath.relpath``
asks the OS for the working folder at each call. Paths here are inside the site: relative,
``/``-separated, without ``..``.
"""

from __future__ import annotations


def relpath(target: str, folder: str) -> str:
    """``posixpath.relpath(target, folder)`` for two paths inside the site."""
    to = [part for part in target.split("/") if part and part != "."]
    start = [part for part in folder.split("/") if part and part != "."]
    common = 0
    while common < len(start) and common < len(to) and start[common] == to[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def page_url(src_uri: str) -> str:
    """A page's address within its build (directory URLs): ``glossaire/aca.md`` -> ``glossaire/aca/``."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_uri: str, to_uri: str) -> str:
    """The relative address from one page to another, both given as Markdown paths."""
    found = relpath(page_url(to_uri), page_url(from_uri))
    return found if found.endswith("/") else found + "/"
