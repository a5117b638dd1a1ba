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
from infopsoc.content.options import OPTIONS, default, editor_default, read_options
from infopsoc.content.timeline import Event, in_order


@dataclass
class Settings:
    """Where the site's sources are and how it is built: the options of ``mkdocs.yml``, declared in
    :mod:`infopsoc.content.options` (one field per option, same name, the declared default), and
    what the engine's configuration says (``site_url``, ``docs_dir``, the menus)."""

    root: Path
    site_url: str = "https://www.ctroc.org/info-psoc/"
    docs_dir: str = "content"
    # --- the options (content/options.py) ---
    bulletins_dir: str = default("bulletins_dir")
    glossary_dir: str = default("glossary_dir")
    timeline_dir: str = default("timeline_dir")
    drafts: bool = False  # the option's « not set » (None) is « no » here; the engine's adapter decides for serve
    lang: str | None = default("lang")
    acronym_allow: list[str] = field(default_factory=lambda: default("acronym_allow"))
    # --- knowledge base ---
    members_file: str = default("members_file")
    # --- pdf ---
    pdf: bool | None = default("pdf")
    pdf_cache_dir: str = default("pdf_cache_dir")
    # --- editor --- (``editor:``: repo, branch, auth_url; each key's default from content/options.py)
    editor: dict = field(default_factory=lambda: default("editor"))
    # --- reliability --- each configuration file's ``nav`` (the menu), by file name: a page of the
    # docs folder missing from one is refused (content/checks/nav.py); no entry, no check
    navs: dict[str, list] = field(default_factory=dict)
    # the pages meant to stay out of the menu (``not_in_nav`` of mkdocs.yml: the search page), one pattern a line
    not_in_nav: list[str] = field(default_factory=list)

    @property
    def editor_branch(self) -> str:
        """The branch the content editor publishes to (``editor: branch:``)."""
        return self.editor.get("branch") or editor_default("branch")

    @classmethod
    def from_mkdocs_yml(cls, config_file: Path, **overrides) -> "Settings":
        """Read our settings from ``mkdocs.yml`` without MkDocs (for the CLI and the other engines).

        The options are checked against their declaration as MkDocs checks them: an unknown
        option or a wrong type raises :class:`~infopsoc.content.options.OptionError` (French)."""
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
        options: dict = {}
        for plugin in data.get("plugins") or []:
            if isinstance(plugin, dict) and "infopsoc" in plugin:
                options = read_options(plugin["infopsoc"], where=config_file.name)
        settings = cls.from_options(config_file.parent, data.get("site_url") or cls.site_url, options)
        settings.docs_dir = data.get("docs_dir", settings.docs_dir)
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
        """The settings from the plugin's options (every declared option present is taken; one not
        set, ``None``, keeps its default)."""
        known = {o.name: options[o.name] for o in OPTIONS if options.get(o.name) is not None}
        if "editor" in known:  # each key not written (MkDocs gives it as None) keeps its declared default
            known["editor"] = {**default("editor"), **{k: v for k, v in dict(known["editor"]).items() if v is not None}}
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

    def has_bulletin(self, slug: str, lang: str) -> bool:
        """Whether ``bulletins_in(lang)`` holds the bulletin ``slug`` (asked by every bulletin's page)."""
        key = ("slugs", lang, self.settings.drafts, id(self.bulletins), len(self.bulletins))
        if key not in self._published:
            self._published[key] = frozenset(b.slug for b in self.bulletins_in(lang))
        return slug in self._published[key]
