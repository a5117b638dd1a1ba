"""The site's model: where its sources are (:class:`Settings`) and every collection loaded
(:class:`Site`). :func:`infopsoc.content.site.load_site` fills it; every later part reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from infopsoc.content.bulletins import Bulletin, published
from infopsoc.content.glossary import Glossary
from infopsoc.content.members import Member
from infopsoc.content.timeline import Event, in_order


@dataclass
class Settings:
    root: Path
    site_url: str = "https://www.ctroc.org/info-psoc/"
    docs_dir: str = "content"
    bulletins_dir: str = "bulletins"
    glossary_dir: str = "glossary"
    timeline_dir: str = "timeline"
    drafts: bool = False
    acronym_allow: list[str] = field(default_factory=list)
    # --- knowledge base ---
    members_file: str = "data/membres.yml"
    # --- editor --- the branch the content editor publishes to (``editor: branch:`` of the plugin's options)
    editor_branch: str = "main"
    # --- reliability --- each configuration file's ``nav`` (the menu), by file name: a page of the
    # docs folder missing from one is refused (content/checks/nav.py); no entry, no check
    navs: dict[str, list] = field(default_factory=dict)
    # the pages meant to stay out of the menu (``not_in_nav`` of mkdocs.yml: the search page), one pattern a line
    not_in_nav: list[str] = field(default_factory=list)

    @classmethod
    def from_mkdocs_yml(cls, config_file: Path, **overrides) -> "Settings":
        """Read our settings from ``mkdocs.yml`` without MkDocs (for the CLI)."""
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
        options: dict = {}
        for plugin in data.get("plugins") or []:
            if isinstance(plugin, dict) and "infopsoc" in plugin:
                options = plugin["infopsoc"] or {}
        settings = cls.from_options(config_file.parent, data.get("site_url") or cls.site_url, options)
        settings.docs_dir = data.get("docs_dir", settings.docs_dir)
        editor = options.get("editor") if isinstance(options.get("editor"), dict) else {}
        if isinstance(editor.get("branch"), str):
            settings.editor_branch = editor["branch"]
        if data.get("nav"):
            settings.navs[config_file.name] = data["nav"]
        if isinstance(data.get("not_in_nav"), str):
            settings.not_in_nav = data["not_in_nav"].splitlines()
        for key, value in overrides.items():
            setattr(settings, key, value)
        return settings

    def add_language_config(self, config_file: Path) -> None:
        """Also check the menu of a language's configuration file (``mkdocs.en.yml``): its own
        ``nav``, or the one it inherits (``INHERIT: mkdocs.yml``)."""
        try:
            data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
            nav = data.get("nav")
            if nav is None and data.get("INHERIT"):
                parent = yaml.load((config_file.parent / data["INHERIT"]).read_text(encoding="utf-8"),
                                   Loader=_TolerantLoader) or {}
                nav = parent.get("nav")
        except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
            return  # that language's build says what is wrong with its file
        if nav:
            self.navs[config_file.name] = nav

    @classmethod
    def from_options(cls, root: Path, site_url: str, options: dict) -> "Settings":
        known = {k: options[k] for k in ("bulletins_dir", "glossary_dir", "timeline_dir", "drafts", "acronym_allow",
                                           "members_file")
                 if k in options}
        return cls(root=Path(root), site_url=site_url if site_url.endswith("/") else site_url + "/", **known)

    def path(self, name: str) -> Path:
        return self.root / getattr(self, name)


class _TolerantLoader(yaml.SafeLoader):
    """Accepts the ``!!python/name:`` and ``!ENV`` tags mkdocs.yml may hold."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass
class Site:
    settings: Settings
    bulletins: list[Bulletin]
    # --- glossary ---
    glossary: Glossary = field(default_factory=Glossary)
    # --- timeline ---
    # --- knowledge base ---
    members: list[Member] | None = None  # None: no members file
    timeline: list[Event] = field(default_factory=list)
    _published: dict = field(default_factory=dict, repr=False, compare=False)

    def timeline_in(self, lang: str) -> list[Event]:
        return in_order(self.timeline, lang)

    def bulletins_in(self, lang: str) -> list[Bulletin]:
        # asked for by every page (language switcher, hreflang): sorted once per build
        key = (lang, self.settings.drafts, id(self.bulletins), len(self.bulletins))
        if key not in self._published:
            self._published[key] = published(self.bulletins, lang, drafts=self.settings.drafts)
        return list(self._published[key])
