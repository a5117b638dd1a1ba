"""The RSS 2.0 and Atom feeds of the bulletins, one pair per language.

A domain module: it knows bulletins, their rendered HTML and the site's address,
and imports nothing from MkDocs. The plugin hands it the bulletins and the HTML it
collected, and writes the bytes :func:`build_feeds` returns.

Where the feeds live
    The default language (French) at ``rss.xml`` and ``atom.xml`` under the site's
    address; any other language under its own prefix (``en/rss.xml``,
    ``en/atom.xml``), next to that language's pages. :func:`feed_links` gives the
    same places to the templates (autodiscovery links, « S'abonner (RSS) »).

The identity of an entry
    The number *is* the identity of an Info-PSOC: issue no 3 stays no 3 whatever
    happens to its title, date, summary, file name or address, which staff may
    correct. Each entry's id is therefore a tag URI (RFC 4151) made of a constant
    authority, a constant date, the language and the number, and nothing else::

        tag:ctroc.org,2017-10:info-psoc/fr/3

    ``ctroc.org`` is the CTROC's domain and the October 2017 bulletin names it: the
    CTROC held it at that date, which is all RFC 4151 asks. Never change
    :data:`TAG_AUTHORITY` nor the form of the id: every reader would show every
    issue again as new. The RSS ``guid`` is the same URI with
    ``isPermaLink="false"`` (it is not a URL); the Atom ``id`` is the same URI.
    The feed's own id is ``tag:ctroc.org,2017-10:info-psoc/fr``.

Dates
    A bulletin dated by month stands on the 1st of that month. Every bulletin is
    published at 12:00, America/Toronto time (the CTROC is in Québec), plus as many
    seconds as its number: two issues of the same month never share an ``updated``
    stamp, and an issue's stamp never changes when others are added. The
    channel's ``lastBuildDate`` / ``updated`` is the newest bulletin's stamp, never
    the clock (a feed without bulletins uses the authority date, 2017-10-01 12:00).
    feedgen writes RFC 822 dates in the C locale (English day and month names
    whatever the machine's locale) and RFC 3339 dates with ``isoformat``.

Content
    The full text is the bulletin as every output publishes it (``outputs.publishable``):
    allow-listed by the site's one policy (nh3), without what is web-only (the page header:
    the entry has its own title, summary and topics; the previous/next navigation; the
    headings' ``¶`` permalinks), every link and image absolute against the page's address.

Enclosures
    ``build_feeds(..., enclosure=hook)`` calls ``hook(bulletin)`` for each entry;
    a returned :class:`Enclosure` (absolute URL, length in bytes, media type)
    becomes the RSS ``<enclosure>`` and an Atom ``link rel="enclosure"``. This is
    how the PDF of each issue is announced; ``None`` means no enclosure.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from infopsoc.content.bulletins import Bulletin, published
from infopsoc.core.typography import for_language
from infopsoc.core.i18n import DEFAULT_LANGUAGE, HTML_LANG, strings
from infopsoc.core.urls import ATOM_FEED, RSS_FEED, language_prefix, root_url, with_slash
from infopsoc.outputs.base import Needs
from infopsoc.outputs.publishable import Publishable

# Never change these two: they are part of every published entry id.
TAG_AUTHORITY = "ctroc.org,2017-10"
TAG_PREFIX = f"tag:{TAG_AUTHORITY}:info-psoc"

TIMEZONE = ZoneInfo("America/Toronto")
PUBLICATION_HOUR = 12
AUTHORITY_DATE = dt.datetime(2017, 10, 1, PUBLICATION_HOUR, tzinfo=TIMEZONE)

# The CTROC's address, from the seed bulletin (« Pour rejoindre et suivre la CTROC »).
AUTHOR_NAME = "CTROC"
AUTHOR_EMAIL = "info@ctroc.org"
RSS_EDITOR = f"{AUTHOR_EMAIL} ({AUTHOR_NAME})"

# Images shipped in theme/ (copied to the site by MkDocs): square icon, 2:1 logo.
ICON = "assets/images/info-psoc-icon.png"
ICON_SIZE = 144
LOGO = "assets/images/info-psoc-logo.png"

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class Enclosure:
    """A file announced with an entry (the issue's PDF): absolute URL, bytes, media type."""

    url: str
    length: int
    type: str

    @classmethod
    def for_file(cls, url: str, path: Path, type: str) -> "Enclosure":
        return cls(url=url, length=path.stat().st_size, type=type)


EnclosureHook = Callable[[Bulletin], "Enclosure | None"]


@dataclass(frozen=True)
class FeedLink:
    """One feed of one language, as pages link to it."""

    kind: str  # "rss" or "atom"
    path: str  # from the site's root: "rss.xml", "en/atom.xml"
    url: str  # absolute
    type: str  # media type
    title: str  # the autodiscovery title
    label: str  # the visible link text


@dataclass(frozen=True)
class FeedSet:
    """The feeds of one language, RSS first, and the label of the links to them."""

    label: str
    links: tuple[FeedLink, ...]

    def __iter__(self):
        return iter(self.links)

    def __getitem__(self, kind: str) -> FeedLink:
        return next(link for link in self.links if link.kind == kind)


def feed_links(site_url: str, lang: str) -> FeedSet:
    """The RSS and Atom feeds of ``lang``, as pages link to them."""
    t = strings(lang)
    root = with_slash(site_url)
    prefix = language_prefix(lang)
    return FeedSet(t["subscribe_nav"], (
        FeedLink("rss", prefix + RSS_FEED, urljoin(root, prefix + RSS_FEED), RSS_TYPE,
                 t["feed_rss_name"], t["subscribe_rss"]),
        FeedLink("atom", prefix + ATOM_FEED, urljoin(root, prefix + ATOM_FEED), ATOM_TYPE,
                 t["feed_atom_name"], t["subscribe_atom"]),
    ))


def entry_id(bulletin: Bulletin) -> str:
    """The permanent id of a bulletin in its language's feeds (see the module's doc)."""
    return f"{TAG_PREFIX}/{bulletin.lang}/{bulletin.number}"


def feed_id(lang: str) -> str:
    return f"{TAG_PREFIX}/{lang}"


def publication_time(bulletin: Bulletin) -> dt.datetime:
    """12:00 in Toronto on the bulletin's day (the 1st for a month), plus ``number`` seconds."""
    day = bulletin.date.first_day()
    noon = dt.datetime(day.year, day.month, day.day, PUBLICATION_HOUR, tzinfo=TIMEZONE)
    return noon + dt.timedelta(seconds=bulletin.number)


#: The newest issues only: readers take what is new, and the whole archive, in full text, would
#: weigh 15 MB at 300 issues on every poll. The archive page lists them all.
FEED_ENTRIES = 20


def build_feeds(
    bulletins: Iterable[Bulletin],
    publishable: Mapping[str, Publishable],
    *,
    site_url: str,
    lang: str = DEFAULT_LANGUAGE,
    enclosure: EnclosureHook | None = None,
) -> dict[str, bytes]:
    """The RSS and Atom feeds of ``lang``: ``{path from the site's root: bytes}``.

    ``bulletins`` may hold every bulletin of every language: only the published
    ones of ``lang`` are kept (drafts never), the :data:`FEED_ENTRIES` newest first. ``publishable`` maps a
    slug to the bulletin as every output publishes it (``outputs.publishable``); a bulletin without it
    gets its summary as content.
    """
    items = published(list(bulletins), lang, drafts=False)[:FEED_ENTRIES]
    home = urljoin(with_slash(site_url), language_prefix(lang))
    links = feed_links(site_url, lang)
    entries = [_entry_data(b, publishable.get(b.slug), home, lang, enclosure) for b in items]
    updated = publication_time(items[0]) if items else AUTHORITY_DATE

    rss = _generator(links["rss"], home, lang, updated)
    rss.load_extension("dc", atom=False, rss=True)
    rss.image(url=urljoin(with_slash(site_url), ICON), title=strings(lang)["feed_title"], link=home,
              width=str(ICON_SIZE), height=str(ICON_SIZE))
    rss.managingEditor(RSS_EDITOR)
    rss.webMaster(RSS_EDITOR)
    rss.lastBuildDate(updated)
    atom = _generator(links["atom"], home, lang, updated)
    atom.register_extension("infopsoc", BaseExtension, _AtomLinks, atom=True, rss=False)
    atom.author({"name": AUTHOR_NAME, "email": AUTHOR_EMAIL})
    atom.icon(urljoin(with_slash(site_url), ICON))
    atom.logo(urljoin(with_slash(site_url), LOGO))
    for data in entries:
        _add_entry(rss, data, rss=True)
        _add_entry(atom, data, rss=False)
    return {
        links["rss"].path: rss.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True),
        links["atom"].path: atom.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True),
    }


# --- channel and entries -----------------------------------------------------------

def _generator(self_link: FeedLink, home: str, lang: str, updated: dt.datetime) -> FeedGenerator:
    t = strings(lang)
    fg = FeedGenerator()
    fg.id(feed_id(lang))
    fg.title(_xml_text(t["feed_title"]))
    fg.description(_xml_text(t["feed_description"]))
    fg.language(HTML_LANG[lang])
    # The self link first: feedgen takes the RSS channel <link> from the last link() call.
    fg.link(href=self_link.url, rel="self", type=self_link.type)
    fg.link(href=home, rel="alternate", type="text/html")
    fg.updated(updated)
    fg.generator("Info-PSOC")
    return fg


@dataclass(frozen=True)
class _EntryData:
    id: str
    title: str
    url: str
    published: dt.datetime
    summary: str
    content: str
    topics: tuple[str, ...]
    enclosure: Enclosure | None


def _entry_data(b: Bulletin, found: Publishable | None, home: str, lang: str,
                enclosure: EnclosureHook | None) -> _EntryData:
    t = strings(lang)
    typo = for_language(lang)  # front-matter text does not go through Markdown
    url = urljoin(home, b.url)
    # --- security --- (the site's one allow-list, applied once for every output: outputs.publishable)
    content = found.html if found is not None else f"<p>{html.escape(typo(b.summary))}</p>"
    return _EntryData(
        id=entry_id(b),
        title=_xml_text(t["feed_item_title"].format(label=b.label(lang), title=typo(b.title))),
        url=url,
        published=publication_time(b),
        summary=_xml_text(typo(b.summary)),
        content=_xml_text(content),
        topics=tuple(_xml_text(topic) for topic in b.topics),
        enclosure=enclosure(b) if enclosure else None,
    )


def _add_entry(fg: FeedGenerator, data: _EntryData, *, rss: bool) -> None:
    fe = fg.add_entry(order="append")
    fe.id(data.id)  # also the RSS guid, with isPermaLink="false"
    fe.title(data.title)
    fe.published(data.published)
    fe.updated(data.published)
    fe.content(data.content, type="html")
    for topic in data.topics:
        fe.category(term=topic, label=topic)
    if rss:
        fe.link(href=data.url)
        # RSS <description> is HTML: the summary, escaped
        fe.summary(html.escape(data.summary, quote=False))
        fe.dc.dc_creator(AUTHOR_NAME)
        if data.enclosure is not None:
            fe.enclosure(url=data.enclosure.url, length=str(data.enclosure.length), type=data.enclosure.type)
    else:
        fe.summary(data.summary, type="text")
        fe.infopsoc.add(href=data.url, rel="alternate", type="text/html")
        if data.enclosure is not None:
            fe.infopsoc.add(href=data.enclosure.url, rel="enclosure", type=data.enclosure.type,
                            length=str(data.enclosure.length))


class _AtomLinks(BaseEntryExtension):
    """An Atom entry's links, written whole.

    feedgen 1.0's ``FeedEntry.atom_entry`` drops every attribute but ``href`` of an
    entry's links (its loop reuses the link's name for the new element), which
    would turn an enclosure into an alternate link; this extension writes them.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def add(self, **attributes: str) -> None:
        self.links.append(attributes)

    def extend_atom(self, entry):
        for attributes in self.links:
            link = etree.SubElement(entry, "link")
            for name in ("href", "rel", "type", "length"):
                if attributes.get(name):
                    link.set(name, attributes[name])
        return entry


class FeedsOutput:
    """This language's RSS and Atom feeds, each entry with its PDF as an enclosure (outputs.base.Output)."""

    name, folder = "feeds", None

    def wanted(self, needs: Needs) -> bool:
        return True

    def files(self, needs: Needs) -> dict[str, bytes]:
        def enclosure(bulletin: Bulletin) -> Enclosure | None:
            found = needs.enclosure(bulletin.slug)
            return Enclosure(*found) if found else None

        # the French site's address: the feeds place every language from it
        feeds = build_feeds(needs.site.bulletins, needs.publishable(), lang=needs.lang, enclosure=enclosure,
                            site_url=root_url(needs.site.settings.site_url, needs.lang))
        prefix = language_prefix(needs.lang)  # paths from this build's root: en/rss.xml -> rss.xml
        return {path.removeprefix(prefix): data for path, data in feeds.items()}


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Text XML can hold (feedgen refuses control characters)."""
    return _XML_INVALID.sub("", value)
