"""The Content-Security-Policy (issue 28, core/csp.py): every page and /admin/ carry one; under it the
site still works in Chromium (search, language switch, the editor's login screen), and a script
injected into a page does not run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from site_checks import LocalServer

SITE_URL = "https://ctroc.github.io/info-psoc/"
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
#: Recorded in the page before anything of it runs: each violation the browser reports.
WATCH = ("window.__violations = [];"
         "document.addEventListener('securitypolicyviolation',"
         " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture(scope="module")
def site(real_site, tmp_path_factory) -> Path:
    """A copy of the real site, with pages that carry an injected script (as if one got past the checks)."""
    copy = tmp_path_factory.mktemp("csp") / "site"
    shutil.copytree(real_site, copy)
    page = (copy / "le-psoc/index.html").read_text(encoding="utf-8")
    injected = ('<script>window.__pwned = "inline";</script>'
                '<img alt="" src="data:," onerror="window.__pwned = \'handler\'">'
                '<a id="ip-js" href="javascript:window.__pwned=\'link\'">x</a>')
    (copy / "le-psoc/injecte.html").write_text(page.replace("</article>", injected + "</article>", 1), encoding="utf-8")
    admin = (copy / "admin/index.html").read_text(encoding="utf-8")
    (copy / "admin/injecte.html").write_text(admin.replace("</body>", injected + "</body>", 1), encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def server(site):
    with LocalServer(site) as running:
        yield running


@pytest.fixture
def open_page(fresh_page, server):
    def _open(path: str):
        page = fresh_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(WATCH)
        # the site's own published address is answered by the local server; nothing else leaves
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((server.origin, "data:", "blob:"))
                   else route.abort("blockedbyclient"))
        page.goto(f"{server.origin}/{path}", wait_until="load")
        return page, errors

    return _open


def test_every_page_has_the_policy_before_any_script(real_site):
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        found = _META.search(html)
        assert found, path
        policy = found.group(1)
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], policy
        first_script = html.find("<script")
        assert first_script < 0 or found.start() < first_script, path
        assert "http" not in policy.replace("http-equiv", "") or path.parts[-2] == "admin", policy  # no other host


@pytest.mark.parametrize("path", ["", "bulletins/", "bulletins/info-psoc-03/", "glossaire/", "glossaire/cisss/",
                                  "chronologie/", "la-ctroc/", "en/", "en/glossaire/", "404.html"])
def test_pages_run_under_their_policy_without_a_violation(open_page, path):
    page, errors = open_page(path)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__violations") == []
    assert [e for e in errors if "Content Security Policy" in e] == []
    # Material's script ran (it marks the page's components once started)
    assert page.evaluate("typeof document$ !== 'undefined' || !!document.querySelector('[data-md-state]') "
                         "|| typeof __md_get === 'function'")


def test_search_works_under_the_policy(open_page):
    page, errors = open_page("recherche/")
    page.fill("#ip-search-input", "PSOC")
    page.press("#ip-search-input", "Enter")
    page.wait_for_selector(".ip-search__result")
    assert len(page.query_selector_all(".ip-search__result")) > 0
    assert page.evaluate("window.__violations") == []


def test_the_language_switch_works_under_the_policy(open_page, server):
    page, _errors = open_page("le-psoc/")
    page.focus(".ip-lang-en")  # the switcher opens on focus, as with the keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{server.origin}/en/")
    assert page.evaluate("document.documentElement.lang") == "en-CA"
    assert page.evaluate("window.__violations") == []


def test_the_editor_shows_its_login_screen_under_its_policy(open_page):
    page, errors = open_page("admin/")
    page.wait_for_selector("text=Se connecter avec GitHub", timeout=20000)
    assert page.evaluate("window.__violations") == [], errors
    assert "'unsafe-inline'" not in _META.search(page.content()).group(1).split("script-src")[1].split(";")[0]


@pytest.mark.parametrize("path", ["le-psoc/injecte.html", "admin/injecte.html"])
def test_an_injected_script_is_blocked(open_page, path):
    page, _errors = open_page(path)
    page.wait_for_timeout(500)
    page.click("#ip-js", force=True)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    violations = page.evaluate("window.__violations")
    assert any(v.startswith("script-src") for v in violations), violations


def test_the_admin_policy_allows_its_one_inline_script():
    """The hash in admin/index.html is that of the inline line beside it (a change of one needs the other)."""
    from infopsoc.core.csp import script_hash

    html = (REPO / "scripts/infopsoc/outputs/admin_files/index.html").read_text(encoding="utf-8")
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    policy = _META.search(html).group(1)
    assert inline and all(script_hash(script) in policy for script in inline)


def _scripts(policy: str) -> str:
    return policy.split("script-src")[1].split(";")[0]


def test_the_preview_allows_live_reload():
    """``infopsoc serve`` injects its live-reload script into every answer: the preview's policy lets
    inline scripts run (the preview is on the staff's computer, not on the site's origin)."""
    from infopsoc.core.csp import with_policy

    html = '<html><head><meta charset="utf-8"><script>a()</script></head><body></body></html>'
    built = _scripts(_META.search(with_policy(html, frozenset())).group(1))
    preview = _scripts(_META.search(with_policy(html, frozenset(), preview=True)).group(1))
    assert "'unsafe-inline'" not in built and "'sha256-" in built
    assert "'unsafe-inline'" in preview and "'sha256-" not in preview
