"""The catalogue of the generated pages' own words, one entry per language.

Templates never hold user-facing text of their own: they ask this catalogue.
"""

from __future__ import annotations

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
HTML_LANG = {"fr": "fr-CA", "en": "en-CA"}

CATALOGUE: dict[str, dict[str, str]] = {
    "fr": {
        "bulletin_label": "Info-PSOC no {number}",
        "archive_title": "Tous les bulletins",
        "archive_intro": "Les numéros d'Info-PSOC, du plus récent au plus ancien.",
        "archive_years": "Aller à l'année",
        "archive_empty": "Aucun bulletin n'est encore publié.",
        "topics": "Sujets",
        "previous": "Numéro précédent",
        "next": "Numéro suivant",
        "issue_nav": "Autres numéros",
        "latest_bulletin": "Dernier bulletin",
        "read_bulletin": "Lire le bulletin",
        "all_bulletins": "Tous les bulletins",
        "published": "Publié en",
        "draft": "Brouillon : cette page n'est pas publiée.",
        "in_french": "(en français)",
        "notes": "Notes",
        # --- glossary ---
        # --- timeline ---
        # --- feeds ---
        # --- pdf ---
        "pdf_link": "Version imprimable (PDF, {size})",
        "pdf_kb": "{n} ko",
        "pdf_mb": "{n} Mo",
        "pdf_masthead": "INFO-PSOC #{number}",
        "pdf_org": "Coalition des Tables régionales d’organismes communautaires (CTROC)",
        "pdf_contents": "Dans ce numéro",
        "pdf_online": "En ligne :",
        # --- knowledge base, home ---
        # --- cli ---
    },
    "en": {
        "bulletin_label": "Info-PSOC No. {number}",
        "archive_title": "All bulletins",
        "archive_intro": "The issues of Info-PSOC, newest first.",
        "archive_years": "Go to year",
        "archive_empty": "No bulletin has been published yet.",
        "topics": "Topics",
        "previous": "Previous issue",
        "next": "Next issue",
        "issue_nav": "Other issues",
        "latest_bulletin": "Latest bulletin",
        "read_bulletin": "Read the bulletin",
        "all_bulletins": "All bulletins",
        "published": "Published",
        "draft": "Draft: this page is not published.",
        "in_french": "(in French)",
        "notes": "Notes",
        # --- glossary ---
        # --- timeline ---
        # --- feeds ---
        # --- pdf ---
        "pdf_link": "Printable version (PDF, {size})",
        "pdf_kb": "{n} KB",
        "pdf_mb": "{n} MB",
        "pdf_masthead": "INFO-PSOC #{number}",
        "pdf_org": "Coalition des Tables régionales d’organismes communautaires (CTROC)",
        "pdf_contents": "In this issue",
        "pdf_online": "Online:",
        # --- knowledge base, home ---
        # --- cli ---
    },
}


def strings(lang: str) -> dict[str, str]:
    """The catalogue for ``lang``, falling back to French for a missing key."""
    base = dict(CATALOGUE[DEFAULT_LANGUAGE])
    base.update(CATALOGUE.get(lang, {}))
    return base
