"""Headings kept out of the table of contents: a Python-Markdown extension.

A heading marked ``{: data-toc-exclude }`` (attr_list) keeps its id, so links to it
still work, and stays a heading for screen readers' heading navigation, but gets no
permalink and no entry in the table of contents. The archive's cards are such
headings: each card's title already links to its bulletin, and a permalink on each of
300 cards is a link with a title that Material turns into a tooltip when the page
loads (about a second of a phone's main thread: BENCHMARKS.md, Lighthouse).

Runs after ``toc`` (priority 5). MkDocs builds a page's table of contents from
``md.toc_tokens``, which this extension prunes; the ``[TOC]`` marker's HTML
(``md.toc``) is left as ``toc`` wrote it. Plain Python-Markdown: no MkDocs here.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


ATTRIBUTE = "data-toc-exclude"
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: After toc (5), before MkDocs' link rewriting (0).
PRIORITY = 4


def _permalink_class(md: markdown.Markdown) -> str:
    for extension in md.registeredExtensions:
        if type(extension).__name__ == "TocExtension":
            return extension.getConfig("permalink_class") or "headerlink"
    return "headerlink"


def prune_tokens(tokens: list[dict], excluded: set[str]) -> list[dict]:
    """``tokens`` (toc's nested list) without the excluded ids; their children move up a level."""
    kept = []
    for token in tokens:
        children = prune_tokens(token.get("children", []), excluded)
        if token["id"] in excluded:
            kept.extend(children)
        else:
            kept.append({**token, "children": children})
    return kept


class _ExcludeHeadings(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        permalink = _permalink_class(self.md)
        excluded = set()
        for el in root.iter():
            if el.tag not in HEADINGS or ATTRIBUTE not in el.attrib:
                continue
            del el.attrib[ATTRIBUTE]
            if "id" in el.attrib:
                excluded.add(el.attrib["id"])
            for child in list(el):
                if child.tag == "a" and permalink in (child.get("class") or "").split():
                    _remove_keeping_tail(el, child)
        if excluded and getattr(self.md, "toc_tokens", None):
            self.md.toc_tokens = prune_tokens(self.md.toc_tokens, excluded)


def _remove_keeping_tail(parent: etree.Element, child: etree.Element) -> None:
    """Remove ``child``, keeping the text that follows it (``permalink_leading`` puts the heading's text
    there). Python-Markdown's tree is the standard library's ElementTree, which has no ``drop_tree``
    (lxml's, used by the outputs)."""
    if child.tail:
        index = list(parent).index(child)
        if index:
            parent[index - 1].tail = (parent[index - 1].tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


class HeadingsExtension(Extension):
    """``{: data-toc-exclude }`` on a heading: no permalink, no table-of-contents entry."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ExcludeHeadings(md), "infopsoc_toc_exclude", PRIORITY)
        md.registerExtension(self)


def makeExtension(**kwargs) -> HeadingsExtension:  # noqa: N802 (Python-Markdown's name)
    return HeadingsExtension(**kwargs)
