"""Checkers for a built site, used by tests/test_quality.py.

Each returns a list of failures (empty when the check passes), so a test can feed it a
known-bad page and see it fail. The browser ones take a Playwright page on a local server.

A library of checkers, not a test module (pytest collects nothing here), kept out of conftest.py:
only test_quality.py uses it, and its ~250 lines of validator, link-checker, server and browser
machinery would bury the helpers that every test module shares. Shared facts (REPO) come from
conftest.py.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

from conftest import REPO

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
# TOOLCHAIN.md: without the networking flags Chromium reaches outside hosts on its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# --- HTML validity ---------------------------------------------------------------------

def vnu_errors(files: list[Path]) -> list[str]:
    """Errors of the Nu HTML Checker on ``files`` (one JVM for all)."""
    java = shutil.which("java")
    assert java, "Java est nécessaire pour vnu.jar"
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stderr or result.stdout)
    return [f"{m.get('url', '?').split('/')[-2:]}:{m.get('lastLine')}: {m['message']} | {m.get('extract', '').strip()[:120]}"
            for m in report["messages"] if m["type"] in ("error", "non-document-error")]


# --- links -----------------------------------------------------------------------------

_LINK_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
               ("iframe", "src"), ("form", "action"))


class LinkChecker:
    """Resolves internal URLs against the files of ``site`` (no HTTP).

    ``site_url`` is the public address: absolute URLs under it (feeds, exports) are internal.
    """

    def __init__(self, site: Path, site_url: str):
        self.site = site
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.base_path = urlsplit(self.site_url).path
        self._ids: dict[Path, set[str]] = {}

    def ids(self, page: Path) -> set[str]:
        if page not in self._ids:
            tree = lxml.html.fromstring(page.read_bytes())
            self._ids[page] = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")} | {
                e.get("name") for e in tree.iter("a") if e.get("name")}
        return self._ids[page]

    def target(self, url: str, source: Path) -> tuple[Path | None, str]:
        """The file ``url`` (found in ``source``) points to, or None when it is not internal."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            if not url.startswith(self.site_url):
                return None, ""
            path = parts.path[len(self.base_path):]
            resolved = self.site / unquote(path)
        elif parts.scheme or parts.netloc:
            return None, ""  # mailto:, javascript:, data:, //host...
        elif parts.path.startswith("/"):
            path = parts.path[len(self.base_path):] if parts.path.startswith(self.base_path) else parts.path[1:]
            resolved = self.site / unquote(path)
        elif parts.path:
            resolved = source.parent / unquote(parts.path)
        else:
            resolved = source
        return resolved, parts.fragment

    def check(self, url: str, source: Path) -> str | None:
        """A message when ``url`` is internal and broken."""
        resolved, fragment = self.target(url, source)
        if resolved is None:
            return None
        if resolved.is_dir():
            resolved = resolved / "index.html"
        where = source.relative_to(self.site) if source.is_relative_to(self.site) else source
        if not resolved.resolve().is_relative_to(self.site.resolve()):
            return f"{where}: {url} sort du site"
        if not resolved.is_file():
            return f"{where}: {url} ne mène à aucun fichier"
        if fragment and resolved.suffix == ".html" and unquote(fragment) not in self.ids(resolved):
            return f"{where}: {url} : pas d'ancre #{fragment} dans {resolved.relative_to(self.site)}"
        return None

    def check_page(self, page: Path) -> list[str]:
        tree = lxml.html.fromstring(page.read_bytes())
        urls = [e.get(attr) for tag, attr in _LINK_ATTRS for e in tree.iter(tag) if e.get(attr)]
        urls += [part.split()[0] for e in tree.iter("img", "source") for part in (e.get("srcset") or "").split(",") if part.strip()]
        return [m for url in urls if (m := self.check(url.strip(), page))]

    def check_text(self, source: Path) -> list[str]:
        """Every absolute URL under the site's address in a text file (feed, JSON export)."""
        text = source.read_text(encoding="utf-8")
        if source.suffix == ".json":
            text = "\n".join(_json_strings(json.loads(text)))
        text = html.unescape(html.unescape(text))
        urls = set(re.findall(re.escape(self.site_url) + r"[^\s\"'<>)\]]*", text))
        return [m for url in sorted(urls) if (m := self.check(url, source))]

    def check_site(self, extra: tuple[str, ...] = ("rss.xml", "atom.xml", "glossaire.json", "sitemap.xml")) -> list[str]:
        failures = []
        for page in sorted(self.site.rglob("*.html")):
            failures += self.check_page(page)
        for name in extra:
            if (self.site / name).is_file():
                failures += self.check_text(self.site / name)
        return failures


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


# --- a local server ----------------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LocalServer:
    """``folder`` served on 127.0.0.1 by a threaded server (TOOLCHAIN.md: http.server's own queue is tiny)."""

    def __init__(self, folder: Path):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()



# --- privacy: no resource from another host, read from the files -------------------------------

#: Attributes whose URL a browser (or a feed reader) fetches or sends to without a click: any element.
_RESOURCE_ATTRIBUTES = ("src", "srcset", "imagesrcset", "poster", "data", "background", "action", "formaction",
                        "lowsrc", "dynsrc", "longdesc", "manifest", "ping", "codebase", "archive", "usemap",
                        "{http://www.w3.org/1999/xlink}href", "xlink:href")
#: Elements whose ``href`` is fetched as the page loads (``<a>`` and ``<area>`` wait for a click).
_CLICKED = frozenset({"a", "area"})
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
_REFRESH = re.compile(r"""url\s*=\s*['"]?([^'"\s;]+)""", re.I)
#: Feed elements whose address a reader fetches (image, icon, enclosure).
_FEED_RESOURCES = frozenset({"url", "icon", "logo"})


def _is_foreign(url: str, site_host: str) -> bool:
    parts = urlsplit(re.sub(r"[\x00-\x20]+", "", html.unescape(url)))
    if parts.scheme.lower() == "data" or (not parts.scheme and not parts.netloc):
        return False
    return (parts.hostname or "") != site_host


def _srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()]


def foreign_resources(markup: str, site_url: str, where: str = "") -> list[str]:
    """Every URL of another host than ``site_url``'s that ``markup`` (a page, or HTML from a feed)
    makes the reader's browser ask for: resource attributes on any element, ``href`` on any element
    but a link to click, ``style`` attributes and ``<style>`` (``url()``, ``@import``), and
    ``<meta http-equiv=refresh>``."""
    if not markup.strip():
        return []
    host = urlsplit(site_url).hostname or ""
    tree = lxml.html.document_fromstring(markup)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        urls = []
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered in ("srcset", "imagesrcset"):
                urls += _srcset_urls(value)
            elif lowered in _RESOURCE_ATTRIBUTES or name in _RESOURCE_ATTRIBUTES:
                urls.append(value)
            elif lowered == "href" and tag not in _CLICKED:
                urls.append(value)
            elif lowered == "style":
                urls += [a or b for a, b in _CSS_URL.findall(value)]
        if tag == "style" and element.text:
            urls += [a or b for a, b in _CSS_URL.findall(element.text)]
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            urls += _REFRESH.findall(element.get("content") or "")
        found += [f"{where}: <{tag}> {url}" for url in urls if _is_foreign(url, host)]
    return found


def foreign_resources_in_feed(feed: Path, site_url: str) -> list[str]:
    """The same, for a feed: the HTML of every entry (``description``, ``content``, ``summary``) and
    the addresses a feed reader fetches (image, icon, logo, enclosure)."""
    host = urlsplit(site_url).hostname or ""
    root = ET.parse(feed).getroot()
    found = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        text = element.text or ""
        if "<" in text:
            found += foreign_resources(text, site_url, f"{feed.name} <{name}>")
        if name in _FEED_RESOURCES and _is_foreign(text.strip(), host) and text.strip():
            found.append(f"{feed.name}: <{name}> {text.strip()}")
        if name == "enclosure" or (name == "link" and element.get("rel") == "enclosure"):
            url = element.get("url") or element.get("href") or ""
            if _is_foreign(url, host):
                found.append(f"{feed.name}: <{name}> {url}")
    return found


def foreign_resources_in_site(site: Path, site_url: str) -> tuple[list[str], int]:
    """Every page and feed of a built site: (what asks another host, how many files were read)."""
    found, read = [], 0
    for page in sorted(site.rglob("*.html")):
        found += foreign_resources(page.read_text(encoding="utf-8"), site_url, page.relative_to(site).as_posix())
        read += 1
    for feed in sorted([*site.rglob("rss.xml"), *site.rglob("atom.xml")]):
        found += foreign_resources_in_feed(feed, site_url)
        read += 1
    return found, read


# --- in the browser ----------------------------------------------------------------------

def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the loaded ``page``.

    The search dialog's name (``aria-dialog-name``, a best practice in axe) is checked too.
    """
    # evaluated by the test harness (DevTools), not as a <script> of the page: the page's
    # Content-Security-Policy refuses inline scripts, as it should (core/csp.py)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate("() => { " + AXE_JS.read_text(encoding="utf-8") + "\n}")
    result = page.evaluate("""tags => axe.run(document, {
        runOnly: {type: 'tag', values: tags}, rules: {'aria-dialog-name': {enabled: true}}, resultTypes: ['violations']})""",
                           AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]]


class RequestWatch:
    """Records every request of ``page`` and refuses (without sending) those not to ``origin``.

    Also records the ``Set-Cookie`` headers of responses.
    """

    def __init__(self, page, origin: str, site_url: str | None = None):
        self.origin = origin
        # The site's own published address is first-party: in production it *is* the server.
        # Such requests are answered by the local server, never sent to the network.
        self.site_url = site_url
        self.page = page
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.set_cookie: list[str] = []
        # what the page writes to the console as an error (a failed request, an exception)
        self.console_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("response", self._response)
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        elif self.site_url and url.startswith(self.site_url):
            local = self.origin + "/" + url[len(self.site_url):]
            route.fulfill(response=self.page.request.get(local))
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def _response(self, response):
        header = response.headers.get("set-cookie")
        if header:
            self.set_cookie.append(f"{response.url}: {header}")


def cookies_set(page) -> list[str]:
    """Cookies the loaded page holds (``document.cookie`` and the browser context's jar)."""
    found = [c for c in page.evaluate("document.cookie").split(";") if c.strip()]
    found += [f"{c['name']}={c['value']}" for c in page.context.cookies()]
    return found


_FOCUS_PROBE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const label = (e.getAttribute('aria-label') || e.textContent || e.getAttribute('placeholder') || '').trim().replace(/\\s+/g, ' ');
  return {tag: e.tagName.toLowerCase(), cls: e.className && e.className.baseVal === undefined ? e.className : '',
          href: e.getAttribute('href') || '', label: label.slice(0, 80), visible: outline || shadow,
          outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of ``page`` until focus comes back round; each focused element."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(_FOCUS_PROBE)
        if info is None:
            if seen:
                break
            continue
        if seen and info == seen[0]:
            break
        seen.append(info)
    return seen


def invisible_focus(stops: list[dict]) -> list[str]:
    return [f"{s['tag']}.{s['cls']} {s['href']} « {s['label']} » : focus invisible (outline {s['outline']}, box-shadow {s['shadow']})"
            for s in stops if not s["visible"]]
