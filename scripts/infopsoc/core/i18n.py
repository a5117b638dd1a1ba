"""The catalogue of the generated pages' own words, one entry per language.

Templates never hold user-facing text of their own: they ask this catalogue.
"""

from __future__ import annotations

from infopsoc.core.typography import for_language

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
HTML_LANG = {"fr": "fr-CA", "en": "en-CA"}

CATALOGUE: dict[str, dict[str, str]] = {
    "fr": {
        "bulletin_label": "Info-PSOC no\u00a0{number}",
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
        "glossary_title": "Glossaire",
        "glossary_intro": "Les sigles et les termes du milieu communautaire et du PSOC, expliqués en quelques phrases.",
        "glossary_letters": "Aller à la lettre",
        "glossary_empty": "Le glossaire est vide.",
        "glossary_all": "Tout le glossaire",
        "see_also": "Voir aussi",
        "in_bulletins": "Dans les bulletins",
        "in_bulletins_none": "Aucun bulletin publié n'emploie encore ce terme.",
        "acronyms_box": "Quelques acronymes",
        "box_separator": "\u00a0: ",
        # --- timeline ---
        "timeline_title": "Chronologie du PSOC",
        "timeline_intro": "Les grandes étapes du Programme de soutien aux organismes communautaires, de 1973 à aujourd'hui, d'après les documents de la CTROC.",
        "timeline_decades": "Aller à la décennie",
        "timeline_empty": "La chronologie est vide.",
        "decade": "Années {decade}",
        "sources": "Sources :",
        "terms": "Termes :",
        "in_timeline": "Dans la chronologie",
        "day_interval": "{start}–{end} {month} {year}",
        # --- feeds ---
        "feed_title": "Info-PSOC — le bulletin de la CTROC",
        "feed_description": ("Le bulletin de la Coalition des Tables régionales d'organismes communautaires (CTROC) "
                             "sur le Programme de soutien aux organismes communautaires (PSOC)."),
        "feed_item_title": "{label} — {title}",
        "feed_rss_name": "Info-PSOC (RSS)",
        "feed_atom_name": "Info-PSOC (Atom)",
        "subscribe_rss": "S'abonner (RSS)",
        "subscribe_atom": "Atom",
        "subscribe_nav": "S'abonner aux nouveaux numéros",
        # --- pdf ---
        "pdf_link": "Version imprimable (PDF, {size})",
        "pdf_kb": "{n} ko",
        "pdf_mb": "{n} Mo",
        "pdf_masthead": "INFO-PSOC #{number}",
        "pdf_org": "Coalition des Tables régionales d’organismes communautaires (CTROC)",
        "pdf_contents": "Dans ce numéro",
        "pdf_online": "En ligne :",
        # --- knowledge base, home ---
        "members_label": "Les tables régionales membres de la CTROC",
        "members_empty": "La liste des membres n'est pas encore remplie.",
        # --- quality ---
        "search_dialog": "Recherche dans le site",
        # --- search --- (outputs/search.py: the header's form and the search page's script)
        "search_label": "Rechercher dans le site",
        "search_placeholder": "Un mot, un sigle…",
        "search_button": "Rechercher",
        "search_results": "Résultats de la recherche",
        "search_loading": "Recherche en cours…",
        "search_none": "Aucune page ne contient « {query} ».",
        "search_one": "1 page trouvée pour « {query} ».",
        "search_many": "{count} pages trouvées pour « {query} ».",
        "search_more": "Afficher plus de résultats",
        "search_in_other": "(en français)",
        "search_corrected": "Résultats pour « {query} ».",
        "search_instead": "Chercher plutôt « {query} »",
        "search_partial": "Aucune page ne contient tous les mots : voici celles qui en contiennent le plus.",
        "search_phrase_cut": "(L'expression a été cherchée dans les premières pages seulement.)",
        "search_unavailable": "La recherche n'est pas disponible ici (aperçu sans index) : construisez le site avec make build.",
        # --- bilingual ---
        "permalink_title": "Lien vers cette section",
        # Material's and Markdown's own English words on French pages (issue 29)
        "footnote_backlink": "Revenir à l'appel de note %d dans le texte",
        "not_found_title": "Page introuvable",
        "not_found_text": "Aucune page du site ne porte cette adresse. Les bulletins sont tous dans l'archive :",
        "language_name": "Français",
        "translations_header": "Collection | Fichier français | Traduction | État",
        "translations_missing": "à traduire",
        "translations_stale": "à mettre à jour",
        "translations_none": "Toutes les traductions sont à jour.",
        "translations_summary": "{missing} à traduire, {stale} à mettre à jour",
        # --- cli ---
        # the marker that scaffolds (infopsoc new) leave where staff must write
        "placeholder": "À compléter",
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
        "glossary_title": "Glossary",
        "glossary_intro": "The acronyms and terms of the community sector and of the PSOC, explained in a few sentences.",
        "glossary_letters": "Go to letter",
        "glossary_empty": "The glossary is empty.",
        "glossary_all": "The whole glossary",
        "see_also": "See also",
        "in_bulletins": "In the bulletins",
        "in_bulletins_none": "No published bulletin uses this term yet.",
        "acronyms_box": "Some acronyms",
        "box_separator": ": ",
        # --- timeline ---
        "timeline_title": "PSOC timeline",
        "timeline_intro": "The milestones of the Programme de soutien aux organismes communautaires, from 1973 to today, from the CTROC's documents.",
        "timeline_decades": "Go to decade",
        "timeline_empty": "The timeline is empty.",
        "decade": "{decade}s",
        "sources": "Sources:",
        "terms": "Terms:",
        "in_timeline": "In the timeline",
        "day_interval": "{month} {start}–{end}, {year}",
        # --- feeds ---
        "feed_title": "Info-PSOC — the CTROC's bulletin",
        "feed_description": ("The bulletin of the Coalition des Tables régionales d'organismes communautaires (CTROC) "
                             "on the Programme de soutien aux organismes communautaires (PSOC)."),
        "feed_item_title": "{label} — {title}",
        "feed_rss_name": "Info-PSOC (RSS)",
        "feed_atom_name": "Info-PSOC (Atom)",
        "subscribe_rss": "Subscribe (RSS)",
        "subscribe_atom": "Atom",
        "subscribe_nav": "Subscribe to new issues",
        # --- pdf ---
        "pdf_link": "Printable version (PDF, {size})",
        "pdf_kb": "{n} KB",
        "pdf_mb": "{n} MB",
        "pdf_masthead": "INFO-PSOC #{number}",
        "pdf_org": "Coalition des Tables régionales d’organismes communautaires (CTROC)",
        "pdf_contents": "In this issue",
        "pdf_online": "Online:",
        # --- knowledge base, home ---
        "members_label": "The CTROC's member regional tables",
        "members_empty": "The list of members has not been filled in yet.",
        # --- quality ---
        "search_dialog": "Search this site",
        # --- search ---
        "search_label": "Search this site",
        "search_placeholder": "A word, an acronym…",
        "search_button": "Search",
        "search_results": "Search results",
        "search_loading": "Searching…",
        "search_none": "No page contains “{query}”.",
        "search_one": "1 page found for “{query}”.",
        "search_many": "{count} pages found for “{query}”.",
        "search_more": "Show more results",
        "search_in_other": "(in French)",
        "search_corrected": "Results for “{query}”.",
        "search_instead": "Search instead for “{query}”",
        "search_partial": "No page holds every word: these hold the most.",
        "search_phrase_cut": "(The phrase was looked for in the first pages only.)",
        "search_unavailable": "Search is not available here (preview without an index): build the site with make build.",
        # --- bilingual ---
        "permalink_title": "Link to this section",
        "footnote_backlink": "Jump back to footnote %d in the text",
        "not_found_title": "Page not found",
        "not_found_text": "No page of the site has this address. Every bulletin is in the archive:",
        "language_name": "English",
        "translations_header": "Collection | French file | Translation | Status",
        "translations_missing": "to translate",
        "translations_stale": "to update",
        "translations_none": "Every translation is up to date.",
        "translations_summary": "{missing} to translate, {stale} to update",
        # --- cli ---
        "placeholder": "To be completed",
    },
}


# French words are printed with French typography (« Sources : », « no 3 »), wherever they land:
# Markdown pages, HTML templates, feeds, PDFs, the command line.
_TYPESET = {lang: {key: for_language(lang)(value) for key, value in words.items()} for lang, words in CATALOGUE.items()}


def strings(lang: str) -> dict[str, str]:
    """The catalogue for ``lang``, falling back to French for a missing key."""
    base = dict(_TYPESET[DEFAULT_LANGUAGE])
    base.update(_TYPESET.get(lang, {}))
    return base


def split_uri(src_uri: str) -> tuple[str, str]:
    """``le-psoc.en.md`` → (``le-psoc.md``, ``en``); ``le-psoc.md`` → (``le-psoc.md``, ``fr``)."""
    if src_uri.endswith(".md"):
        stem = src_uri[: -len(".md")]
        base, dot, lang = stem.rpartition(".")
        if dot and lang in LANGUAGES and lang != DEFAULT_LANGUAGE and "/" not in lang:
            return base + ".md", lang
    return src_uri, DEFAULT_LANGUAGE


def counted(number: int, singular: str, plural: str) -> str:
    """« 1 page convertie », « 0 page convertie », « 34 pages converties »: French takes the singular
    below two (the terminal's counts, in French)."""
    return f"{number} {singular if abs(number) < 2 else plural}"
