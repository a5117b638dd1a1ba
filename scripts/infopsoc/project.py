"""The whole site's content: every collection loaded and cross-checked.

This is the single entry point shared by the MkDocs plugin and the CLI, so that
``infopsoc check`` and the build never disagree.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .bulletins import Bulletin, load_bulletins, published
from .members import Member, load_members
from .glossary import Glossary, check_pages, load_glossary
from .problems import Report
from .i18n import DEFAULT_LANGUAGE
from .timeline import Event, check_references, in_order, load_timeline


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
        for key, value in overrides.items():
            setattr(settings, key, value)
        return settings

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
    # (lang, bulletin slug) -> slugs of the terms the bulletin uses; filled by the renderer's pre-pass
    term_usage: dict[tuple[str, str], list[str]] = field(default_factory=dict)
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


def dating_day() -> dt.date:
    """The day a new item is dated by ``infopsoc new``: the day of ``SOURCE_DATE_EPOCH`` when
    set (reproducible scaffolds), otherwise today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def today() -> dt.date:
    """The day the checks measure « the future » from: today, or the day of ``SOURCE_DATE_EPOCH``
    when that is later.

    Only the future-date check uses it (no output depends on it). ``infopsoc build`` pins
    ``SOURCE_DATE_EPOCH`` to the last commit (or to 1980 outside git): taking the later day keeps
    a bulletin written since then from being refused as « more than a year in the future ».
    """
    # --- reliability ---
    return max(dt.date.today(), dating_day())


def load_site(settings: Settings, on: dt.date | None = None) -> tuple[Site, Report]:
    from .links import check_links  # both need Site: imported here to avoid a cycle
    from .scaffold import check_placeholders

    report = Report()
    root = settings.root
    day = on or today()
    bulletins, problems = load_bulletins(settings.path("bulletins_dir"), root, day)
    report.extend(problems)
    site = Site(settings=settings, bulletins=bulletins)
    # --- glossary ---
    site.glossary, problems = load_glossary(settings.path("glossary_dir"), root, day)
    report.extend(problems)
    # --- timeline ---
    site.timeline, problems = load_timeline(settings.path("timeline_dir"), root, day)
    report.extend(problems)
    # --- knowledge base ---
    site.members, problems = load_members(settings.path("members_file"), root)
    report.extend(problems)
    # --- cross-checks ---
    french_bulletins = {b.slug for b in site.bulletins if b.lang == "fr"}
    report.extend(check_references(site.timeline, french_bulletins,
                                   lambda name: site.glossary.resolve(name, DEFAULT_LANGUAGE)))
    page_folders = [settings.path("bulletins_dir"), settings.path("glossary_dir"), root / settings.docs_dir]
    report.extend(check_pages(root, page_folders, site.glossary, settings.acronym_allow))
    # --- links ---  (last: links may point at any collection's generated pages)
    report.extend(check_links(site))
    report.extend(check_placeholders(site))
    return site, report
