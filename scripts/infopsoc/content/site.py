"""Loading the site: every collection read, validated and cross-checked.

:func:`load_site` is the single entry point shared by the engine adapter (the build) and
the CLI (``infopsoc check``), so that they never disagree: one run reports every problem of
every file.
"""

from __future__ import annotations

import datetime as dt

from infopsoc.content.bulletins import load_bulletins
from infopsoc.content.checks.capitals import check_pages
from infopsoc.content.checks.links import check_links
from infopsoc.content.checks.markup import check_markup
from infopsoc.content.checks.nav import check_nav
from infopsoc.content.checks.paths import check_addresses, check_paths
from infopsoc.content.checks.placeholders import check_placeholders
from infopsoc.content.checks.printable import check_printable
from infopsoc.content.checks.static import check_static
from infopsoc.content.glossary import check_acronym_boxes, load_glossary
from infopsoc.content.members import load_members
from infopsoc.content.model import Settings, Site
from infopsoc.content.timeline import check_references, load_timeline
from infopsoc.core.dates import checks_day
from infopsoc.core.i18n import DEFAULT_LANGUAGE
from infopsoc.core.problems import Report

__all__ = ["Settings", "Site", "load_site"]


def load_site(settings: Settings, on: dt.date | None = None) -> tuple[Site, Report]:
    report = Report()
    root = settings.root
    day = on or checks_day()
    # --- security --- a source that leads out of the repository is never read: those problems first
    refused = check_paths(settings)
    if refused:
        report.extend(refused)
        return Site(settings=settings, bulletins=[]), report
    bulletins, problems = load_bulletins(settings.path("bulletins_dir"), root, day)
    report.extend(problems)
    site = Site(settings=settings, bulletins=bulletins)
    # --- glossary ---
    site.glossary, problems = load_glossary(settings.path("glossary_dir"), root, day)
    report.extend(problems)
    report.extend(check_acronym_boxes(bulletins, site.glossary))
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
    report.extend(check_markup(site))  # --- security --- (attribute lists, nesting, local images)
    report.extend(check_placeholders(site))
    report.extend(check_addresses(site))
    report.extend(check_static(settings))  # --- security --- (what is copied as it is)
    report.extend(check_nav(settings))  # --- reliability ---
    report.extend(check_printable(site))
    return site, report
