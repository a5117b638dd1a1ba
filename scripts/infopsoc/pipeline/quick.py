"""The preview's quick path: one saved file, its own page made again at once from the last build.

After a save, the preview (``infopsoc serve``) rebuilds the whole language: every collection loaded and
checked again, every page's inputs compared, the outputs finished. At 300 bulletins that takes
seconds, and staff wait for the one page they are looking at (issue 32: « saved → shown in half a
second »). When the saved file is the source of one page and the save changes nothing any other
page shows, that page can be made first, from the last build's content with only this file read
again; the whole rebuild follows at once and brings everything else up to date (and corrects the
page, should it differ).

:func:`quick_page` says whether a save is such a change and gives the page's new Markdown. It is
deliberately narrow: anything else is answered None (« rebuild everything first », as before):

- a **bulletin** (``bulletins/<slug>.md``) whose front matter is unchanged — its number, title,
  date, summary, topics, acronyms and draft status appear in the archive, its neighbours, the home
  page, the term pages, the feeds and the timeline; its body appears on its own page only (its
  search entry and the term pages that list it are brought up to date by the rebuild that follows);
- a **hand-written page** of the docs folder whose front matter and first heading are unchanged
  (its title is in every page's menu);
- never a new, removed or renamed file, a glossary term (every page marks its terms), a timeline
  event, the theme or the configuration;
- never a file with a problem that ``check`` would report from the file alone (front matter, a
  directive): the rebuild shows the error page, with every problem, as before.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from infopsoc.content.bulletins import SCHEMA as BULLETIN_SCHEMA
from infopsoc.content.bulletins import Bulletin
from infopsoc.content.sources import read_source
from infopsoc.content.timeline import citing
from infopsoc.core.dates import checks_day
from infopsoc.core.urls import bulletin_uri
from infopsoc.pipeline.prepare import Prepared, PreparedPage
from infopsoc.render.glossary_markdown import GlossaryExtension, terms_used
from infopsoc.render.pages import bulletin_page, expand_directives, neighbours
from infopsoc.render.typography import FrenchTypographyExtension

#: a bulletin's values that other pages show (everything but its body)
_SHOWN_ELSEWHERE = ("slug", "lang", "number", "title", "date", "summary", "topics", "acronyms", "draft")


def quick_page(prepared: Prepared, path: Path, extension_configs: dict) -> PreparedPage | None:
    """The page ``path`` (a saved file) is the source of, made again from the last build (``prepared``);
    None when the save may change anything else, or when the file has a problem (see the module)."""
    settings = prepared.loaded.settings
    try:
        path = Path(path).resolve()
        if path.parent == settings.path("bulletins_dir").resolve():
            return _bulletin(prepared, path, extension_configs)
        docs = (settings.root / settings.docs_dir).resolve()
        if path.suffix == ".md" and path.is_relative_to(docs):
            return _hand_written(prepared, path)
    except (OSError, UnicodeDecodeError):  # gone, or being written: the rebuild says what is wrong
        return None
    return None


def _bulletin(prepared: Prepared, path: Path, extension_configs: dict) -> PreparedPage | None:
    site, lang, root = prepared.site, prepared.lang, prepared.loaded.settings.root
    source, problems = read_source(path, root)
    if source is None or problems or source.lang != lang:
        return None
    old_page = prepared.pages.get(bulletin_uri(source.stem))
    shown = site.bulletins_in(lang)
    index = next((i for i, b in enumerate(shown) if b.slug == source.stem), None)
    if old_page is None or old_page.kind != "bulletin" or index is None:
        return None
    old = shown[index]
    values, problems = BULLETIN_SCHEMA.validate(source, checks_day())
    if problems:
        return None
    new = Bulletin(slug=source.stem, lang=source.lang, body=source.body, source=source, **values)
    if any(getattr(new, name) != getattr(old, name) for name in _SHOWN_ELSEWHERE) or old.source.rel != source.rel:
        return None
    if new.body == old.body:
        return old_page
    # the terms its body uses (the acronyms box), as the glossary's pre-pass finds them
    others = [e for e in prepared.loaded.extensions if not isinstance(e, (GlossaryExtension, FrenchTypographyExtension))]
    terms = site.glossary.terms(lang)
    used = terms_used({new.slug: new.body}, terms, others, extension_configs).get(new.slug, [])
    older, newer = neighbours(shown, index)
    acronyms = site.glossary.acronym_box(new.acronyms, used, lang)
    page = bulletin_page(new, older, newer, lang, acronyms, citing(site.timeline_in(lang), new.slug))
    return dataclasses.replace(old_page, text=page.content, fragments=page.fragments)


_FRONT_MATTER = re.compile(r"\A---\s*\n.*?^(?:---|\.\.\.)\s*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#(?!#)[ \t]*(.*?)[ \t#]*$|^(.+)\n=+[ \t]*$", re.MULTILINE)


def _head(text: str) -> tuple[str, str]:
    """A page's front matter and first level-1 heading: what the menu and the other pages show of it."""
    front = _FRONT_MATTER.match(text)
    heading = _HEADING.search(text, front.end() if front else 0)
    return (front.group(0) if front else ""), (heading.group(0) if heading else "")


def _hand_written(prepared: Prepared, path: Path) -> PreparedPage | None:
    old_page = next((p for p in prepared.pages.values() if not p.generated and p.path and p.path.resolve() == path), None)
    if old_page is None:
        return None
    text = path.read_text(encoding="utf-8-sig")
    if "infopsoc:" in text:
        text, problems = expand_directives(text, old_page.src_uri, old_page.source, prepared.site, prepared.lang)
        if problems:
            return None
    if _head(text) != _head(old_page.text):
        return None
    return old_page if text == old_page.text else dataclasses.replace(old_page, text=text)


def pages_state(site_dir: Path) -> dict[str, tuple[int, int]]:
    """Each page of a built site (``*.html``) and its size and modification time: what a rebuild changed
    shows as a difference (the preview writes a page only when its bytes change)."""
    found = {}
    for folder, _dirs, names in os.walk(site_dir):
        for name in names:
            if name.endswith(".html"):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found[os.path.join(folder, name)] = (stat.st_size, stat.st_mtime_ns)
    return found
