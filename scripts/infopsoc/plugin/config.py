"""The plugin's options in ``mkdocs.yml`` (``plugins: - infopsoc: …``), typed as MkDocs wants.

The CLI reads the same options without MkDocs (``content.model.Settings.from_mkdocs_yml``).
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class InfoPsocConfig(Config):
    bulletins_dir = c.Type(str, default="bulletins")
    glossary_dir = c.Type(str, default="glossary")
    timeline_dir = c.Type(str, default="timeline")
    drafts = c.Optional(c.Type(bool))
    lang = c.Optional(c.Type(str))  # default: the theme's language (mkdocs.en.yml sets only theme.language)
    acronym_allow = c.ListOfItems(c.Type(str), default=[])
    # --- knowledge base ---
    members_file = c.Type(str, default="data/membres.yml")
    # --- pdf ---
    pdf = c.Optional(c.Type(bool))  # default: on for build, off for serve; INFOPSOC_PDF=1|0 forces
    pdf_cache_dir = c.Type(str, default=".cache/pdf")
    # --- editor --- (/admin/: repo « owner/name », branch, auth_url of the GitHub sign-in relay)
    editor = c.Type(dict, default={})
