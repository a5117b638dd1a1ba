"""The content editor at ``/admin/``: Decap CMS, configured from the collections' own schemas.

:func:`decap_config` writes the editor's ``config.yml`` from the schemas that ``infopsoc check``
and the build use (``bulletins.SCHEMA``, ``glossary.SCHEMA``, ``timeline.SCHEMA``,
``members.FIELDS``): a field exists in the editor exactly when it exists in the schema, with the
schema's guidance (``Field.hint``) as its hint. :func:`admin_files` gives the editor's files for the built
site: Decap's files copied from ``node_modules`` (no CDN), ``config.yml``, the description of
the written form (``infopsoc-fields.json``, see ``content/frontmatter.py``) and the page.

Nothing here imports MkDocs; :class:`AdminOutput` is an output of the French build (pipeline/registry.py).
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any

import yaml

from infopsoc.content import bulletins, glossary, members, timeline
from infopsoc.content.branches import numbers_on_branches
from infopsoc.content.editable import MEDIA_SUBDIR, media_folder
from infopsoc.content.frontmatter import describe, kind_of
from infopsoc.content.schema import Field, Schema
from infopsoc.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from infopsoc.core.media import MEDIA_TYPES
from infopsoc.outputs.base import Needs

FILES = Path(__file__).with_name("admin_files")
ADMIN_DIR = "admin"
#: decap-cms's prebuilt files: the main script and the chunks it loads from its own folder
DECAP_DIST = Path("node_modules/decap-cms/dist")
JS_YAML = Path("node_modules/js-yaml/dist/js-yaml.min.js")
#: the port of the local backend (decap-server) that `make edit` starts
DEFAULT_PROXY_PORT = 8081
FORMAT = "infopsoc-md"          # registered by infopsoc-admin.js (the written form of content/frontmatter.py)
MEMBERS_FORMAT = "infopsoc-members"
#: the key the editor fills in before saving a new bulletin: its file name (info-psoc-04), never written
FILE_KEY = "_infopsoc_file"

# --- what staff read: labels (the hints come from the schemas) ---------------------------------

LABELS = {
    "bulletins": ("Bulletins", "Bulletin"),
    "glossary": ("Glossaire", "Terme"),
    "timeline": ("Chronologie", "Événement"),
    "pages": ("Pages", "Page"),
    "members": ("Membres", "Membres"),
}
FIELD_LABELS = {
    "number": "Numéro", "title": "Titre", "date": "Date", "summary": "Résumé", "topics": "Sujets",
    "draft": "Brouillon", "term": "Terme (sigle)", "expansion": "Forme longue", "see_also": "Voir aussi",
    "aliases": "Autres graphies", "end": "Fin de la période", "sources": "Sources", "terms": "Termes en cause",
    "body": "Texte", "description": "Description (partage)", "url": "Adresse du site", "name": "Nom",
    "region": "Région", "bulletin": "Bulletin", "citation": "Autre document",
    "kind": "Sorte (sigle ou terme)", "acronyms": "Encadré « Quelques acronymes »",
}
EXTRA_HINTS = {
    ("bulletins", "number"): "proposé : le prochain numéro libre ; le fichier s'appellera info-psoc-NN.md. "
                             "Ne changez jamais le numéro d'un bulletin publié.",
    ("bulletins", "date"): "AAAA-MM-JJ, ou AAAA-MM si seul le mois compte (par exemple 2017-10-18 ou 2017-10)",
    ("timeline", "date"): "AAAA, AAAA-MM ou AAAA-MM-JJ : écrivez seulement ce qui est connu (1994, 2017-10)",
    ("timeline", "end"): "facultatif : la fin d'une période, à la même précision (par exemple 2018)",
    ("bulletins", "summary"): "une ou deux phrases (archive, accueil, fil RSS)",
    ("glossary", "term"): "tel qu'on l'écrit, par exemple CISSS",
}
#: the hint of a field in the form, where the schema's (a comment in the file) would not make sense
FORM_HINTS = {
    ("bulletins", "draft"): "cochée : le bulletin n'est visible que dans l'aperçu, pas sur le site publié. Quand il "
                            "est prêt à paraître : décochez, « Enregistrer », puis « Publier ». L'éditeur refuse de "
                            "publier un bulletin dont la case est encore cochée.",
}
BODY_HINT = ("Markdown. Un nouveau paragraphe : une ligne vide avant lui (un seul retour à la ligne continue "
             "le même paragraphe). Une section : une ligne « ## Titre ». Une note : « texte[^1] » puis, en bas, "
             "« [^1]: la note ». Un encadré : « !!! note \"Titre\" », une ligne vide, puis le texte décalé "
             "de quatre espaces. Un lien vers un numéro : [Info-PSOC no 3](info-psoc-03.md).")
DATE_PATTERNS = {
    ("month", "day"): r"^\d{4}-\d{2}(-\d{2})?$",
    ("year", "month", "day"): r"^\d{4}(-\d{2}(-\d{2})?)?$",
}


def collection_schemas() -> dict[str, Schema]:
    """The collections the editor shows with a schema of the project (one schema, three uses)."""
    return {"bulletins": bulletins.SCHEMA, "glossary": glossary.SCHEMA, "timeline": timeline.SCHEMA}


def _date_pattern(field: Field) -> str:
    precisions = tuple(inspect.getclosurevars(field.convert).nonlocals["precisions"])
    return DATE_PATTERNS[precisions]


def _field(collection: str, field: Field, next_number: int | None) -> dict[str, Any]:
    kind = kind_of(field)
    out: dict[str, Any] = {"name": field.name, "label": FIELD_LABELS.get(field.name, field.name),
                           "required": field.required, "i18n": True}
    own = FORM_HINTS.get((collection, field.name), field.hint)
    hint = " — ".join(h for h in (EXTRA_HINTS.get((collection, field.name)), own) if h)
    if hint:
        out["hint"] = hint
    if kind == "int":
        out.update(widget="number", value_type="int", min=1)
        if field.name == "number" and next_number is not None:
            out["default"] = next_number
    elif kind == "text" and getattr(field.convert, "choices", None):
        out.update(widget="select", options=list(field.convert.choices))
        if field.default is not None:
            out["default"] = field.default() if callable(field.default) else field.default
    elif kind == "text":
        out["widget"] = "text" if field.name in ("summary", "expansion") else "string"
    elif kind == "date":
        out.update(widget="string", pattern=[_date_pattern(field), "écrivez la date sous la forme indiquée"])
    elif kind == "bool":
        out.update(widget="boolean", default=field.name == "draft")
    elif kind == "list" and field.name in ("see_also", "terms"):
        out.update(widget="relation", collection="glossary", value_field="term", search_fields=["term", "expansion"],
                   display_fields=["term"], multiple=True)
    elif kind == "list":
        out.update(widget="list", allow_add=True)
    elif kind == "sources":
        out.update(widget="list", allow_add=True, summary="{{fields.bulletin}}{{fields.citation}}", fields=[
            {"name": "bulletin", "label": FIELD_LABELS["bulletin"], "widget": "relation", "required": False,
             "collection": "bulletins", "value_field": "{{slug}}", "search_fields": ["title", "number"],
             "display_fields": ["{{number}} — {{title}}"]},
            {"name": "citation", "label": FIELD_LABELS["citation"], "widget": "string", "required": False},
        ])
    if not field.required and kind in ("list", "sources"):
        out["required"] = False
    return out


def _body() -> dict[str, Any]:
    # raw Markdown only: the rich-text mode rewrites what it cannot show (encadrés, notes, attributs)
    return {"name": "body", "label": FIELD_LABELS["body"], "widget": "markdown", "modes": ["raw"],
            "hint": BODY_HINT, "i18n": True, "required": False}


def _i18n() -> dict[str, Any]:
    """One file per language beside the French one (infopsoc-admin.js maps Decap's x.fr.md to x.md)."""
    return {"structure": "multiple_files", "locales": list(LANGUAGES), "default_locale": DEFAULT_LANGUAGE}


def decap_config(site, editor: dict | None = None, proxy_port: int | None = None) -> dict[str, Any]:
    """The editor's configuration, from the schemas and the site's settings."""
    settings = site.settings
    # the options' keys, each with its declared default (content/options.py EDITOR), then those given
    editor = {**settings.editor, **{k: v for k, v in (editor or {}).items() if v is not None}}
    next_number = max(taken_numbers(site), default=0) + 1
    backend: dict[str, Any] = {"name": "github", "repo": editor["repo"], "branch": editor["branch"],
                               "commit_messages": {"create": "Éditeur : nouveau {{collection}} « {{slug}} »",
                                                   "update": "Éditeur : {{collection}} « {{slug}} » modifié",
                                                   "delete": "Éditeur : {{collection}} « {{slug}} » supprimé",
                                                   "uploadMedia": "Éditeur : image {{path}}",
                                                   "deleteMedia": "Éditeur : image {{path}} supprimée"}}
    if editor.get("auth_url"):
        backend["base_url"] = editor["auth_url"]
    port = proxy_port or DEFAULT_PROXY_PORT
    collections: list[dict[str, Any]] = []
    folders = {"bulletins": settings.bulletins_dir, "glossary": settings.glossary_dir,
               "timeline": settings.timeline_dir}
    slugs = {"bulletins": "{{fields.%s}}" % FILE_KEY, "glossary": "{{slug}}", "timeline": "{{fields.date}}-{{slug}}"}
    identifiers = {"bulletins": "title", "glossary": "term", "timeline": "title"}
    summaries = {"bulletins": "no {{number}} — {{title}} ({{date}})", "glossary": "{{term}} — {{expansion}}",
                 "timeline": "{{date}} — {{title}}"}
    for name, schema in collection_schemas().items():
        label, singular = LABELS[name]
        collection = {
            "name": name, "label": label, "label_singular": singular, "folder": folders[name],
            "extension": "md", "format": FORMAT, "create": True, "slug": slugs[name],
            "identifier_field": identifiers[name], "summary": summaries[name], "i18n": True,
            "fields": [_field(name, f, next_number) for f in schema.fields.values()] + [_body()],
        }
        if name == "bulletins":
            collection["sortable_fields"] = ["number", "date", "title"]
        collections.append(collection)
    collections.append({
        "name": "pages", "label": LABELS["pages"][0], "label_singular": LABELS["pages"][1],
        "folder": settings.docs_dir, "extension": "md", "format": FORMAT, "create": False, "delete": False,
        "identifier_field": "title", "i18n": True,
        "fields": [{"name": "title", "label": FIELD_LABELS["title"], "widget": "string", "required": False, "i18n": True},
                   {"name": "description", "label": FIELD_LABELS["description"], "widget": "text", "required": False,
                    "i18n": True, "hint": "le résumé montré quand on partage la page (Facebook, etc.)"},
                   _body()],
    })
    collections.append({
        "name": "members", "label": LABELS["members"][0], "format": MEMBERS_FORMAT,
        "files": [{"name": "membres", "label": "Tables régionales membres", "file": settings.members_file,
                   "fields": [{"name": "members", "label": "Tables régionales membres", "widget": "list",
                               "summary": "{{fields.name}} {{fields.url}}",
                               "hint": "l'ordre de la liste est celui de la page « La CTROC »",
                               "fields": [_member_field(n) for n in members.FIELDS]}]}],
    })
    return {
        "locale": "fr",
        "backend": backend,
        "local_backend": {"url": f"http://127.0.0.1:{port}/api/v1", "allowed_hosts": ["127.0.0.1", "localhost"]},
        "publish_mode": "editorial_workflow",
        "i18n": _i18n(),
        "media_folder": media_folder(settings),
        "public_folder": f"../{MEDIA_SUBDIR}",
        # « Vérifier l'aperçu » asks the host for a deploy preview, which neither GitHub Pages nor
        # make edit has: it spun forever. The form's own preview pane shows the text as the site does.
        "show_preview_links": False,
        "site_url": settings.site_url,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections,
    }


def _member_field(name: str) -> dict[str, Any]:
    field = {"name": name, "label": FIELD_LABELS[name], "widget": "string", "required": name == "url"}
    if name == "url":
        field.update(pattern=[r"^https?://\S+\.\S+$", "l'adresse complète, par exemple https://www.exemple.org/"],
                     hint="obligatoire : l'adresse complète du site")
    return field


def taken_numbers(site) -> dict[int, str]:
    """Bulletin numbers taken here (drafts included) and on every branch git knows: number → where."""
    taken = {b.number: b.source.rel
             for b in site.bulletins if b.lang == DEFAULT_LANGUAGE}
    for number, where in numbers_on_branches(site.settings.root, site.settings.bulletins_dir).items():
        taken.setdefault(number, where)
    return taken


def field_description(site=None) -> dict[str, Any]:
    """What infopsoc-admin.js needs to write files in the form of content/frontmatter.py."""
    return {
        "collections": {name: describe(schema) for name, schema in collection_schemas().items()},
        "pages": {"order": ["title", "description"], "kinds": {"title": "text", "description": "text"}, "hints": {},
                  "required": []},
        "file_key": FILE_KEY,
        "format": FORMAT,
        "members_format": MEMBERS_FORMAT,
        "default_locale": DEFAULT_LANGUAGE,
        "media_types": sorted(MEDIA_TYPES),  # what an upload may be (core/media.py)
        # the editor refuses a new bulletin's number taken here or on a branch (the proposal skips them)
        "taken_numbers": {str(n): where for n, where in sorted(taken_numbers(site).items())} if site else {},
    }


def stylesheets(site_dir: Path, extra_css: list[str]) -> list[str]:
    """The site's own stylesheets (Material's, then the project's), relative to /admin/."""
    found = []
    for folder in ("assets/stylesheets", "assets/stylesheets/classic"):  # Material's; Zensical's classic variant
        found += sorted(p.relative_to(site_dir).as_posix() for p in site_dir.glob(f"{folder}/main.*.min.css"))
        found += sorted(p.relative_to(site_dir).as_posix() for p in site_dir.glob(f"{folder}/palette.*.min.css"))
    return [f"../{path}" for path in found + list(extra_css)]


def admin_files(site_dir: Path, site, editor: dict | None = None, extra_css: list[str] = (),
                root: Path | None = None) -> dict[str, "bytes | Path"]:
    """The editor's files, by their path from the site's root (``admin/…``); Decap's come from the
    project's node_modules."""
    root = root or site.settings.root
    dist = _node_modules(root) / DECAP_DIST.relative_to("node_modules")
    if not (dist / "decap-cms.js").is_file():
        raise FileNotFoundError(f"{dist / 'decap-cms.js'} : lancez « npm ci --ignore-scripts » (make build le fait)")
    files: dict[str, bytes | Path] = {path.name: path for path in sorted(dist.glob("*decap-cms.js"))}
    files["js-yaml.min.js"] = _node_modules(root) / JS_YAML.relative_to("node_modules")
    files.update({path.name: path for path in sorted(FILES.iterdir()) if path.is_file()})
    port = os.environ.get("INFOPSOC_EDITOR_PORT", "")
    config = decap_config(site, editor, int(port) if port.isdigit() else None)
    header = "# Généré par infopsoc à chaque construction, à partir des schémas : ne pas modifier.\n"
    files["config.yml"] = (header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)).encode()
    description = dict(field_description(site), stylesheets=stylesheets(site_dir, list(extra_css)))
    files["infopsoc-fields.json"] = json.dumps(description, ensure_ascii=False, indent=1).encode()
    return {f"{ADMIN_DIR}/{name}": content for name, content in files.items()}


class AdminOutput:
    """The editor at ``/admin/``, beside the French site only (outputs.base.Output): the folder holds
    exactly its files; a file with the same bytes is left alone (a preview's rebuild does not rewrite it)."""

    name, folder = "admin", ADMIN_DIR

    def wanted(self, needs: Needs) -> bool:
        return needs.lang == DEFAULT_LANGUAGE

    def files(self, needs: Needs) -> dict[str, "bytes | Path"]:
        return admin_files(needs.site_dir, needs.site, needs.editor, needs.extra_css)


def _node_modules(root: Path) -> Path:
    """The project's node_modules (a copy of the project without one uses the checkout's)."""
    for base in (root, Path(__file__).resolve().parents[3]):
        if (base / "node_modules" / "decap-cms").is_dir():
            return base / "node_modules"
    return root / "node_modules"
