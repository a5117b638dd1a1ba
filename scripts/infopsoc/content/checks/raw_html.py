"""Raw HTML passes one allow-list: the elements and attributes the site's own Markdown produces.

One policy, three uses: :func:`check_raw_html` reports, with file and line, what it would remove
from a bulletin or a page (``infopsoc check``, and the build, which refuses it); :func:`violations`
looks at a converted page (the build refuses a page that breaks it); :func:`clean` (``nh3``, the
maintained successor of bleach) is what feeds and the print document keep of a bulletin's HTML.

Links may be ``http(s)``, ``mailto`` or relative; no event handler, no ``style`` beyond text
alignment, and no resource (image, video, poster, ``srcset``) from another host: the site makes
no request to a third party.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from infopsoc.core.problems import Problem

#: What Markdown and its extensions here produce (tables, footnotes, admonitions, details, abbr,
#: def_list, attr_list, emoji as inline SVG, the templates' own markup).
TAGS = frozenset({
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "footer", "hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p", "pre",
    "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "svg", "path", "g", "title",
})
#: Attributes on every element; ``aria-*`` and ``data-*`` too.
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role", "hidden", "tabindex"})
PREFIXES = ("aria-", "data-")
ATTRIBUTES = {
    "a": {"href", "hreflang", "rel", "type", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "time": {"datetime"}, "details": {"open"}, "abbr": {"title"},
    "q": {"cite"}, "blockquote": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "svg": {"xmlns", "viewbox", "viewBox", "width", "height", "fill"},
    "path": {"d", "fill"}, "g": {"fill"},
}
#: Read by Markdown itself (md_in_html), never in the converted page.
MARKDOWN_ATTRIBUTES = frozenset({"markdown"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
#: Attributes that make the browser fetch something: only from the site itself.
RESOURCE_ATTRIBUTES = frozenset({"src"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
STYLE_PROPERTIES = frozenset({"text-align"})
#: Removed with their content (not only the tags).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _url_problem(attribute: str, value: str) -> str | None:
    """Why a URL is not allowed (French), or None."""
    url = _CONTROL.sub("", value)  # browsers ignore tabs, newlines and spaces inside a scheme
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme and scheme not in URL_SCHEMES:
        return f"l'adresse « {value.strip()} » ({scheme}:) n'est pas permise : seulement http(s), mailto ou un chemin relatif"
    if attribute in RESOURCE_ATTRIBUTES and (scheme or parts.netloc):
        return (f"« {value.strip()} » est chargé depuis un autre site : le site ne fait aucune requête vers un "
                "autre hôte")
    return None


def _style_problem(value: str) -> str | None:
    for declaration in value.split(";"):
        name, _, rest = declaration.partition(":")
        if not declaration.strip():
            continue
        if name.strip().lower() not in STYLE_PROPERTIES or "url(" in rest.lower() or "(" in rest:
            return f"le style « {value.strip()} » n'est pas permis (seul text-align l'est)"
    return None


def attribute_problem(tag: str, name: str, value: str | None) -> str | None:
    """Why an attribute is removed (French), or None when the policy keeps it."""
    name = name.lower()
    if name.startswith("on"):
        return f"l'attribut « {name} » (du code exécuté) n'est pas permis"
    if name not in GLOBAL_ATTRIBUTES and not name.startswith(PREFIXES) and name not in ATTRIBUTES.get(tag, ()):
        return f"l'attribut « {name} » n'est pas permis sur « <{tag}> »"
    if value is None:
        return None
    if name in URL_ATTRIBUTES:
        return _url_problem(name, value)
    if name == "style":
        return _style_problem(value)
    return None


def tag_problem(tag: str) -> str | None:
    if tag in TAGS:
        return None
    return f"la balise « <{tag}> » n'est pas permise"


class _Tags(HTMLParser):
    """Every start tag of a text, with its offset and what the policy would remove."""

    def __init__(self, markdown: bool) -> None:
        super().__init__(convert_charrefs=True)  # entities decoded: &#106;avascript: is javascript:
        self.markdown = markdown
        self.found: list[tuple[tuple[int, int], str]] = []

    def handle_starttag(self, tag, attrs):
        where = self.getpos()
        problem = tag_problem(tag)
        if problem:
            self.found.append((where, problem))
            return
        for name, value in attrs:
            if self.markdown and name in MARKDOWN_ATTRIBUTES:
                continue
            problem = attribute_problem(tag, name, value)
            if problem:
                self.found.append((where, problem))

    handle_startendtag = handle_starttag


def violations(html: str, markdown: bool = False) -> list[tuple[int, str]]:
    """What the policy would remove from ``html``: (line in ``html``, French message).

    ``markdown``: ``html`` is raw HTML in a Markdown source (``markdown="1"`` is Markdown's own).
    """
    parser = _Tags(markdown)
    parser.feed(html)
    parser.close()
    return [(line, message) for (line, _column), message in parser.found]


#: Raw HTML in Markdown: a tag name, then a space, ``/`` or ``>`` (``a < b`` is text, ``<https://…>`` and
#: ``<info-psoc-03.md>`` are addresses).
_RAW_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9-]*(?=[\s/>])[^<>]*>", re.S)


def check_raw_html(rel: str, masked: str, first_line: int = 1) -> list[Problem]:
    """The raw HTML of a Markdown text (code and comments already blanked: links.mask) against the policy."""
    problems = []
    for match in _RAW_TAG.finditer(masked):
        line = first_line + masked.count("\n", 0, match.start())
        for _offset, message in violations(match.group(0), markdown=True):
            problems.append(Problem(rel, line, message,
                                    "le site n'accepte que le HTML que produit le Markdown : retirez-le, ou écrivez "
                                    "le lien ou l'image en Markdown avec une adresse http(s) ou un chemin relatif"))
    return problems


def _keep(tag: str, attribute: str, value: str) -> str | None:
    return None if attribute_problem(tag, attribute, value) else value


def clean(html: str) -> str:
    """``html`` with everything outside the policy removed (feeds, print document)."""
    attributes = {tag: set(names) | GLOBAL_ATTRIBUTES for tag, names in ATTRIBUTES.items()}
    attributes["*"] = set(GLOBAL_ATTRIBUTES)
    return nh3.clean(html, tags=set(TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT), attributes=attributes,
                     generic_attribute_prefixes=set(PREFIXES), attribute_filter=_keep,
                     url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
                     filter_style_properties=set(STYLE_PROPERTIES))
