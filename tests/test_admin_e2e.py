"""The content editor at /admin/, for real: headless Chromium, Decap CMS, decap-server (git mode).

A copy of the project in a temporary git repository; the site is built with the editor pointing
at the local backend; staff's steps are done through the form (new bulletin, new term, a change
to every existing item) and what reaches the repository is read back and checked.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

import feedparser
import pytest

from conftest import REPO, EditorProject, french_punctuation, git
from infopsoc.content import bulletins, glossary, timeline
from infopsoc.content.frontmatter import describe, dump
from infopsoc.content.sources import YamlLoader as _Loader, read_source
from site_checks import LocalServer

import yaml
from playwright.sync_api import expect

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
TITLE = "L'été « chaud » du PSOC : la suite"
BODY = ["Un premier paragraphe, avec une précision en note[^1].", "",
        '!!! note "Un encadré"', "", "    Le texte de l'encadré, décalé de quatre espaces.", "",
        "[^1]: Le texte de la note."]
SCHEMAS = {"bulletins": bulletins.SCHEMA, "glossary": glossary.SCHEMA, "timeline": timeline.SCHEMA}


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="infopsoc-admin-shots-"))
    print(f"\ncaptures d'écran : {folder}")
    return folder


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    if not (REPO / "node_modules/decap-server").is_dir() or not Path("/usr/bin/chromium").exists():
        pytest.fail("node_modules (npm ci) and /usr/bin/chromium are needed")
    project = EditorProject(tmp_path_factory.mktemp("editor") / "projet")
    built = project.infopsoc("build")
    assert built.returncode == 0, built.stdout + built.stderr
    # the served copy: the build's site/ is replaced by later builds of the test
    served = project.root.parent / "servi"
    shutil.copytree(project.root / "site", served)
    project.start_backend()
    from playwright.sync_api import sync_playwright
    with LocalServer(served) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-CA")
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: d.accept())
        page.goto(f"{server.origin}/admin/")
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_text("Collections").wait_for()
        yield project, page, server, requests
        browser.close()
    project.stop_backend()


def _publish(page) -> None:
    """Editorial workflow: the item is « Prêt », then published (merged into main)."""
    page.get_by_role("button", name=re.compile("^Statut")).click()
    page.get_by_role("menuitem", name=re.compile("Prêt")).click()
    page.wait_for_timeout(800)
    page.get_by_role("button", name=re.compile("^Publier")).click()
    page.get_by_role("menuitem", name=re.compile("Publier maintenant")).click()


def _wait_saved(page) -> None:
    try:
        page.get_by_text("Entrée enregistrée").first.wait_for(timeout=20000)
    except Exception:
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "infopsoc-admin-not-saved.png"), full_page=True)
        raise
    page.get_by_text(re.compile("^Statut")).first.wait_for(timeout=20000)  # the item reloaded from its branch


def _type_body(page, lines: list[str]) -> None:
    body = page.locator("[data-slate-editor]").first  # the French column
    body.click()
    for i, line in enumerate(lines):
        if i:
            page.keyboard.press("Enter")
        if line:
            page.keyboard.insert_text(line)


def _field(page, label: str):
    """The French form's control for a label (the label's « for »; the English one is the second)."""
    tag = page.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).first
    tag.wait_for()
    return page.locator(f"[id='{tag.get_attribute('for')}']")


def _meta(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    end = lines.index("---", 1)
    return yaml.load("\n".join(lines[1:end]), Loader=_Loader), "\n".join(lines[end + 1:])


def test_a_new_bulletin_through_the_form(editor, shots):
    project, page, server, _requests = editor
    page.goto(f"{server.origin}/admin/#/collections/bulletins")
    page.get_by_text(re.compile("no 3 —")).wait_for()
    page.screenshot(path=str(shots / "liste-des-bulletins.png"))
    page.goto(f"{server.origin}/admin/#/collections/bulletins/new")
    number = _field(page, "Numéro")
    assert number.input_value() == "4"  # the next free number, proposed
    _field(page, "Titre").fill(TITLE)
    _field(page, "Date").fill("2018-01-15")
    _field(page, "Résumé").fill("Un résumé « avec guillemets » et l'apostrophe.")
    _type_body(page, BODY)
    page.get_by_title("Édition multilingue").click()  # one language, and the preview beside it
    page.wait_for_timeout(300)
    if not page.locator("iframe").count():
        page.get_by_title("Aperçu").click()
    preview = page.frame_locator("iframe").first
    preview.get_by_text("Info-PSOC no 4").wait_for()
    page.wait_for_timeout(500)
    # the preview writes the date and shows the note as the site does
    expect(preview.locator("time")).to_have_text("15 janvier 2018")
    expect(preview.locator("sup")).to_have_text("1")
    expect(preview.locator(".footnote li")).to_have_text("Le texte de la note.")
    expect(preview.locator(".admonition.note")).to_contain_text("Le texte de l'encadré")
    assert "[^1]" not in preview.locator("article").inner_text()
    page.screenshot(path=str(shots / "formulaire-bulletin-et-apercu.png"))
    page.get_by_role("button", name="Enregistrer").click()
    _wait_saved(page)
    # the editorial workflow: a branch, a commit; main is untouched until publication
    text = project.show("cms/bulletins/info-psoc-04", "bulletins/info-psoc-04.md")
    assert not (project.root / "bulletins/info-psoc-04.md").exists()
    _publish(page)
    page.wait_for_timeout(1500)
    path = project.root / "bulletins/info-psoc-04.md"
    assert path.read_text(encoding="utf-8") == text
    source, problems = read_source(path, project.root)
    assert problems == []
    values, problems = bulletins.SCHEMA.validate(source, dt.date(2026, 1, 1))
    assert problems == []
    assert (values["number"], values["title"], values["draft"]) == (4, TITLE, True)
    assert source.body.rstrip("\n").split("\n") == BODY
    assert text.startswith(dump(source.meta, describe(bulletins.SCHEMA)))  # the form `infopsoc new` writes
    assert not list((project.root / "bulletins").glob("*.fr.md"))
    checked = project.infopsoc("check")
    assert checked.returncode == 0, checked.stdout
    # published: draft removed, then built
    path.write_text(re.sub(r"^draft: true.*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    git(project.root, "commit", "-q", "-am", "Publier le no 4")  # the local backend commits a dirty tree too
    built = project.infopsoc("build")
    assert built.returncode == 0, built.stdout + built.stderr
    site = project.root / "site"
    page_html = (site / "bulletins/info-psoc-04/index.html").read_text(encoding="utf-8")
    assert 'class="admonition note"' in page_html and 'class="footnote"' in page_html
    for rel in ("index.html", "bulletins/index.html"):
        assert "info-psoc-04/" in (site / rel).read_text(encoding="utf-8"), rel
    for feed in ("rss.xml", "atom.xml"):
        titles = [e.title for e in feedparser.parse(str(site / feed)).entries]
        assert any(french_punctuation(TITLE) in t for t in titles), (feed, titles)


def test_a_new_term_through_the_form_becomes_an_abbr(editor):
    project, page, server, _requests = editor
    page.goto(f"{server.origin}/admin/#/collections/glossary/new")
    page.reload()  # a fresh editor: nothing kept from the item before
    _field(page, "Terme (sigle)").fill("FRQZ")
    _field(page, "Forme longue").fill("Fonds régional québécois des zones")
    _type_body(page, ["Le FRQZ est un fonds imaginaire, écrit pour ce test."])
    page.get_by_role("button", name="Enregistrer").click()
    _wait_saved(page)
    _publish(page)
    page.wait_for_timeout(1500)
    path = project.root / "glossary/frqz.md"
    source, problems = read_source(path, project.root)
    assert problems == [] and source.meta["term"] == "FRQZ"
    bulletin = project.root / "bulletins/info-psoc-03.md"
    bulletin.write_text(bulletin.read_text(encoding="utf-8") + "\nLe FRQZ en parle aussi.\n", encoding="utf-8")
    checked = project.infopsoc("check")
    assert checked.returncode == 0, checked.stdout
    built = project.infopsoc("build")
    assert built.returncode == 0, built.stdout + built.stderr
    html = (project.root / "site/bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr[^>]*title="Fonds régional québécois des zones"[^>]*>FRQZ</abbr>', html), "no <abbr>"
    git(project.root, "checkout", "--", "bulletins/info-psoc-03.md")


CHANGES = {"bulletins": ("title", "Titre", " (corrigé)"), "glossary": ("expansion", "Forme longue", " (corrigée)"),
           "timeline": ("title", "Titre", " (corrigé)")}


def _items():
    for collection, folder in (("bulletins", "bulletins"), ("glossary", "glossary"), ("timeline", "timeline")):
        for path in sorted((REPO / folder).glob("*.md")):
            if not re.search(r"\.[a-z]{2}\.md$", path.name):
                yield collection, f"{folder}/{path.name}"


@pytest.mark.parametrize("collection, rel", list(_items()))
def test_changing_one_field_changes_only_that_field(editor, collection, rel):
    project, page, server, _requests = editor
    name, label, suffix = CHANGES[collection]
    before = (REPO / rel).read_text(encoding="utf-8")
    slug = Path(rel).stem
    page.goto(f"{server.origin}/admin/#/collections/{collection}/entries/{slug}")
    page.reload()  # a fresh editor: nothing kept from the item before
    field = _field(page, label)
    old_meta, old_body = _meta(before)
    expect(field).to_have_value(str(old_meta[name]), timeout=20000)  # the item as the file has it
    page.wait_for_timeout(500)  # the form settles (the relation fields load the lists they choose from)
    field.fill(str(old_meta[name]) + suffix)
    expect(field).to_have_value(str(old_meta[name]) + suffix)
    page.get_by_role("button", name="Enregistrer").click()
    _wait_saved(page)
    branch = f"cms/{collection}/{slug}"
    english = rel[: -len(".md")] + ".en.md"
    changed = git(project.root, "diff", "--name-only", "main", branch).split()
    assert rel in changed and set(changed) <= {rel, english}, changed  # every other file untouched
    after = project.show(branch, rel)
    new_meta, new_body = _meta(after)
    assert new_body == old_body  # no body line lost or changed
    assert new_meta == dict(old_meta, **{name: old_meta[name] + suffix})  # no value lost
    # the only other change: the front matter in the form `infopsoc new` writes
    assert after == dump(new_meta, describe(SCHEMAS[collection])) + new_body
    if english in changed:  # saved beside the French: at most normalised, nothing lost
        en_before, en_after = (REPO / english).read_text(encoding="utf-8"), project.show(branch, english)
        assert _meta(en_after) == _meta(en_before)
        assert en_after == dump(_meta(en_after)[0], describe(SCHEMAS[collection])) + _meta(en_after)[1]
    git(project.root, "branch", "-D", branch)


def test_the_editor_asks_no_other_host(editor):
    _project, _page, server, requests = editor
    hosts = {re.match(r"^[a-z]+://([^/]+)", url).group(1) for url in requests if re.match(r"^[a-z]+://", url)}
    assert hosts and hosts <= {server.origin.split("//")[1], f"127.0.0.1:{_project.port}"}, hosts


def test_the_editor_has_no_phrase_left_in_english(editor):
    """Every phrase of Decap's English catalogue has its French one (decap-fr.json completes Decap's)."""
    _project, page, _server, _requests = editor
    missing = page.evaluate("""() => {
      const fr = CMS.getLocale("fr"), en = CMS.getLocale("en"), out = [];
      (function walk(a, b, path) {
        for (const k in a) {
          if (a[k] && typeof a[k] === "object") walk(a[k], (b || {})[k], path + k + ".");
          else if (!b || typeof b[k] !== "string") out.push(path + k);
        }
      })(en, fr, "");
      return out;
    }""")
    assert missing == []
