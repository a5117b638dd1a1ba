"""``glossaire.json``: the glossary as data, for the regional tables' own sites and tools.

Each term's address is its permanent page; definitions are plain text.
"""

from __future__ import annotations

import json

from infopsoc.content.glossary import Term
from infopsoc.content.model import Site
from infopsoc.core.i18n import LANGUAGES
from infopsoc.core.text import plain_text
from infopsoc.core.urls import GLOSSARY_DIR, GLOSSARY_EXPORT
from infopsoc.outputs.base import Needs


def page_url(term: Term, site_url: str, directory_urls: bool = True) -> str:
    """The absolute address of a term's page."""
    path = term.url if directory_urls else f"{GLOSSARY_DIR}/{term.slug}.html"
    return site_url.rstrip("/") + "/" + path


def glossary_export(site: Site, lang: str, directory_urls: bool = True) -> str:
    """``glossaire.json``: each term of the site's language, with its text in every language.

    The address is the term's permanent page; definitions are plain text.
    """
    terms = []
    for term in site.glossary.terms(lang):
        entry: dict = {"slug": term.slug, "url": page_url(term, site.settings.site_url, directory_urls)}
        for code in LANGUAGES:
            version = site.glossary.get(term.slug, code)
            if version is None:
                continue
            entry[code] = {
                "term": version.term,
                "expansion": version.expansion,
                "aliases": version.aliases,
                "definition": plain_text(version.body),
            }
        terms.append(entry)
    document = {
        "site_url": site.settings.site_url,
        "page_language": lang,
        "languages": [code for code in LANGUAGES if site.glossary.terms(code)],
        "terms": terms,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class ExportOutput:
    """``glossaire.json`` beside each language's pages (outputs.base.Output)."""

    name, folder = "export", None

    def wanted(self, needs: Needs) -> bool:
        return True

    def files(self, needs: Needs) -> dict[str, bytes]:
        text = glossary_export(needs.site, needs.lang, directory_urls=needs.directory_urls)
        return {GLOSSARY_EXPORT: text.encode("utf-8")}
