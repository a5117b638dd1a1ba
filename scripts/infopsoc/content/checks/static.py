"""The files of ``content/`` besides its pages: an allow-list of types, and SVG images without code.

The site's origin is also the editor's (``/admin/``, where staff keep their GitHub session): a file
copied as it is must never run there. So only the types below are copied (images, PDF and office
documents), an image's first bytes must be of its type (a « .png » that holds HTML is refused), an
HTML file is refused (a page is written in Markdown, whose raw HTML passes the one allow-list of
``raw_html``), and an SVG image — a document that browsers run scripts in when it is opened by
itself — is read and refused, at its line, when it holds anything but a drawing:

- an element outside SVG's namespace and the editors' metadata (Inkscape, Sodipodi, RDF, Dublin
  Core): no ``<script>``, no ``<foreignObject>``, no XHTML, no ``<animate>``/``<set>`` (they can
  rewrite a link into ``javascript:``);
- an event handler (``onload``…), a link or reference (``href``, ``xlink:href``, ``url(…)``) that
  leaves the image (only ``#id``, and ``data:`` raster images for ``<image>``), an ``@import``;
- a DOCTYPE or entity (the « billion laughs »), a processing instruction (``xml-stylesheet``).

Refusing rather than rewriting: an SVG rewritten by a sanitizer could draw otherwise than its
author saw, silently; a refusal names the file and line, and every drawing program can export a
plain SVG (PUBLIER.md). No SVG sanitizer is maintained on PyPI today (nh3/ammonia is for HTML).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from pathlib import Path

from infopsoc.content.checks.links import docs_files
from infopsoc.content.model import Settings
from infopsoc.core.media import MEDIA_TYPES
from infopsoc.core.problems import Problem

#: What ``content/`` may hold besides its Markdown pages: the one list of ``core/media.py``, which
#: the editor's uploads read too.
PAGE_SUFFIX = ".md"
#: The first bytes of a file of each type (a browser that sniffs would otherwise show HTML).
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"), ".pdf": (b"%PDF-",),
}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Namespaces of what drawing programs write beside the drawing: data, never shown or run.
METADATA_NS = frozenset({
    "http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/", "http://web.resource.org/cc/", "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/Extensibility/1.0/", "http://ns.adobe.com/SaveForWeb/1.0/", "http://ns.adobe.com/Variables/1.0/",
    "http://ns.adobe.com/GenericCustomNamespace/1.0/", "http://ns.adobe.com/Graphs/1.0/", "http://ns.adobe.com/xap/1.0/",
})
#: SVG elements that run code, embed another document or change attributes over time.
SVG_REFUSED = frozenset({"script", "foreignObject", "iframe", "embed", "object", "handler", "listener",
                         "animate", "set", "animateMotion", "animateTransform", "discard"})
#: ``url(…)`` in an attribute or a style: only a reference inside the image (``url(#dégradé)``).
_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)", re.I)
_RASTER_DATA = re.compile(r"data:image/(?:png|jpe?g|gif|webp);base64,", re.I)
SVG_HINT = ("le site n'accepte que des dessins SVG simples (sans code ni référence externe) : réexportez l'image "
            "(Inkscape : « SVG simple »), ou enregistrez-la en PNG")


def check_static(settings: Settings) -> list[Problem]:
    """Every file of ``content/`` that is not a page: its type, its first bytes, an SVG's content."""
    docs = settings.path("docs_dir")
    problems: list[Problem] = []
    for rel in sorted(docs_files(docs)):
        path = docs / rel
        shown = f"{settings.docs_dir}/{rel}"
        suffix = path.suffix.lower()
        if suffix == PAGE_SUFFIX:
            continue
        if suffix in (".html", ".htm", ".xhtml", ".shtml"):
            problems.append(Problem(shown, None, "un fichier HTML n'est pas publié tel quel (il pourrait exécuter du code "
                                                 "sur le site)",
                                    "écrivez la page en Markdown (un fichier .md) : son HTML passe la liste de ce qui "
                                    "est permis"))
            continue
        if suffix not in MEDIA_TYPES:
            kinds = ", ".join(sorted(MEDIA_TYPES))
            problems.append(Problem(shown, None, f"ce type de fichier ({suffix or 'sans extension'}) n'est pas publié",
                                    f"le site publie les pages (.md), les images et les documents : {kinds} ; "
                                    "retirez ce fichier ou convertissez-le"))
            continue
        problems.extend(Problem(shown, line, message, hint) for line, message, hint in bytes_problems(suffix, path.read_bytes()))
    return problems


def bytes_problems(suffix: str, data: bytes) -> list[tuple[int | None, str, str]]:
    """What is wrong with the bytes of a file of type ``suffix``: (line, message, hint), in French.
    Read by ``check`` for ``content/`` and by the editor's backend for an upload."""
    if suffix in MAGIC and not data.startswith(MAGIC[suffix]):
        return [(None, f"le contenu de ce fichier n'est pas celui d'un fichier {suffix}",
                 "enregistrez le fichier dans le format que dit son extension")]
    if suffix == ".svg":
        return [(line, message, SVG_HINT) for line, message in svg_problems(data)]
    return []


def svg_problems(data: bytes) -> list[tuple[int | None, str]]:
    """What makes an SVG more than a drawing: (line, French message); empty for a plain drawing."""
    found: list[tuple[int | None, str]] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    where = lambda: parser.CurrentLineNumber  # noqa: E731
    root_seen = []

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not root_seen:
            root_seen.append(name)
            if name != f"{SVG_NS} svg":
                found.append((where(), "ce fichier n'est pas une image SVG (son premier élément n'est pas <svg>)"))
        if namespace in METADATA_NS:
            pass
        elif namespace != SVG_NS:
            found.append((where(), f"l'élément « {local} » ({namespace or 'sans espace de noms'}) n'est pas un "
                                   "élément de dessin SVG"))
        elif local in SVG_REFUSED:
            found.append((where(), f"l'élément « <{local}> » n'est pas permis dans une image SVG"))
        for attribute, value in attributes.items():
            message = _svg_attribute_problem(local, attribute, value)
            if message:
                found.append((where(), message))

    def text(data_: str) -> None:
        message = _style_problem(data_)
        if message:
            found.append((where(), message))

    def doctype(*_args) -> None:
        found.append((where(), "une déclaration DOCTYPE ou ENTITY n'est pas permise dans une image SVG"))
        raise _Stop  # nothing is expanded

    def instruction(target: str, _data: str) -> None:
        found.append((where(), f"l'instruction « <?{target} …?> » n'est pas permise dans une image SVG"))

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except xml.parsers.expat.ExpatError as exc:
        found.append((exc.lineno, "image SVG illisible : ce n'est pas du XML valide à cette ligne"))
    if not root_seen and not found:
        found.append((None, "ce fichier n'est pas une image SVG"))
    return found


class _Stop(Exception):
    """Ends the reading of an SVG at its first DOCTYPE or ENTITY."""


def _svg_attribute_problem(element: str, attribute: str, value: str) -> str | None:
    namespace, _, local = attribute.rpartition(" ")
    if local.lower().startswith("on"):
        return f"l'attribut « {local} » (du code exécuté) n'est pas permis dans une image SVG"
    if local == "href" and namespace in ("", XLINK_NS):
        target = value.strip()
        if target.startswith("#") or (element == "image" and _RASTER_DATA.match(target)):
            return None
        return f"le lien « {target[:80]} » sort de l'image : seul un renvoi interne (#…) est permis dans une image SVG"
    if local in ("src", "action", "formaction", "to", "values", "from", "by") and namespace == "":
        if ":" in value or "/" in value:
            return f"l'attribut « {local} » (« {value.strip()[:80]} ») n'est pas permis dans une image SVG"
    return _style_problem(value)


def _style_problem(value: str) -> str | None:
    if "@import" in value.lower():
        return "« @import » charge une feuille de style d'ailleurs : pas permis dans une image SVG"
    for _quote, target in _URL.findall(value):
        if not target.strip().startswith("#"):
            return f"la référence « url({target.strip()[:80]}) » sort de l'image : seul url(#…) est permis dans une image SVG"
    return None


def is_published_type(rel: str) -> bool:
    """Whether a file of ``content/`` is of a type the site publishes (pages included)."""
    suffix = Path(rel).suffix.lower()
    return suffix == PAGE_SUFFIX or suffix in MEDIA_TYPES
