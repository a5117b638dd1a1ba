"""The content editor at /admin/, for real: headless Chromium, Decap CMS, `make edit`.

A copy of the project in a temporary git repository, with a bulletin no 4 on a branch of the
computer path; `make edit` runs in it as staff run it (the preview, the editor, the backend
behind its guard); staff's steps are done through the form (a new bulletin from its first save
to its publication, two corrections of no 3, a new term, a change to every existing item) and
what reaches the repository is read back and checked.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import feedparser
import pytest

from conftest import REPO, EditorProject, french_punctuation, git
from infopsoc.content import bulletins
from infopsoc.content.sources import YamlLoader as _Loader, read_source

import yaml
from playwright.sync_api import expect

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
TITLE = "L'été « chaud » du PSOC : la suite"
BODY = ["Un premier paragraphe, avec une précision en note[^1].", "",
        '!!! note "Un encadré"', "", "    Le texte de l'encadré, décalé de quatre espaces.", "",
        "[^1]: Le texte de la note."]
SHOTS = Path(tempfile.gettempdir())


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
    # a bulletin no 4 written on a branch of the computer path, not merged yet
    git(project.root, "switch", "-q", "-c", "ordinateur")
    no3 = (project.root / "bulletins/info-psoc-03.md").read_text(encoding="utf-8")
    (project.root / "bulletins/info-psoc-04.md").write_text(no3.replace("number: 3", "number: 4", 1), encoding="utf-8")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "no 4 sur l'ordinateur")
    git(project.root, "switch", "-q", "main")
    project.start_make_edit()
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-CA")
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: d.accept())
            page.goto(project.admin_url)
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_text("Collections").wait_for()
            yield project, page, requests
            browser.close()
    finally:
        project.stop_make_edit()


def _go(page, project, route: str, fresh: bool = False) -> None:
    """Open a route of the editor (the same page: only the part after # changes)."""
    page.goto(project.admin_url + "#/" + route)
    if fresh:
        page.reload()  # a fresh editor: nothing kept from the item before


def _mark(page) -> None:
    page.evaluate("window.__infopsocSameEditor = true")


def _assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__infopsocSameEditor === true"), "the editor's page was reloaded"


def _publish(page) -> None:
    """Editorial workflow: the item is « Prêt », then published (merged into main)."""
    page.get_by_role("button", name=re.compile("^Statut")).click()
    page.get_by_role("menuitem", name=re.compile("Prêt")).click()
    page.wait_for_timeout(800)
    page.get_by_role("button", name=re.compile("^Publier")).click()
    page.get_by_role("menuitem", name=re.compile("Publier maintenant")).click()


def _commits(project, branch: str) -> int:
    found = subprocess.run(["git", "rev-list", "--count", f"main..{branch}"], cwd=project.root,
                           capture_output=True, text=True)
    return int(found.stdout) if found.returncode == 0 else 0


def _save(page, project, branch: str) -> str:
    """« Enregistrer », then wait for its commit on the item's branch; the commit's name."""
    before = _commits(project, branch)
    page.get_by_role("button", name="Enregistrer").click()
    for _ in range(100):
        if _commits(project, branch) == before + 1:
            break
        page.wait_for_timeout(200)
    else:
        page.screenshot(path=str(SHOTS / "infopsoc-admin-not-saved.png"), full_page=True)
        raise AssertionError(f"« Enregistrer » made no commit on {branch}")
    page.get_by_text(re.compile("^Statut")).first.wait_for(timeout=20000)  # the item reloaded from its branch
    expect(page.get_by_text("Modifications enregistrées")).to_be_visible(timeout=20000)
    return git(project.root, "rev-parse", branch).strip()


def _changed_lines(project, old: str, new: str, rel: str) -> list[str]:
    """The lines a commit removed (« -… ») and added (« +… ») in one file, without context."""
    diff = git(project.root, "diff", "-U0", old, new, "--", rel)
    return [line for line in diff.split("\n") if line[:1] and line[0] in "+-" and not line.startswith(("+++", "---"))]


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
    tag = page.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}( \\(optionnel\\))?$", re.I)).first
    tag.wait_for()
    return page.locator(f"[id='{tag.get_attribute('for')}']")


def _meta(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    end = lines.index("---", 1)
    return yaml.load("\n".join(lines[1:end]), Loader=_Loader), "\n".join(lines[end + 1:])


def test_a_new_bulletin_from_its_first_save_to_the_site(editor, shots):
    """Create, save, correct, save again, untick « Brouillon », save, publish: each save is a commit,
    the editor's page is never reloaded by the preview, and the bulletin is on the site."""
    project, page, _requests = editor
    _go(page, project, "collections/bulletins")
    page.get_by_text(re.compile("no 3 —")).wait_for()
    page.screenshot(path=str(shots / "liste-des-bulletins.png"))
    _go(page, project, "collections/bulletins/new")
    _mark(page)
    loads: list[str] = []
    page.on("load", lambda: loads.append("load"))
    number = _field(page, "Numéro")
    expect(number).to_have_value("5")  # the next free number: no 4 is taken on the branch « ordinateur »
    _field(page, "Titre").fill(TITLE)
    _field(page, "Date").fill("2018-01-15")
    _field(page, "Résumé").fill("Un résumé « avec guillemets » et l'apostrophe.")
    _type_body(page, BODY)
    # the number of the other branch is refused, with the free one named
    number.fill("4")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(re.compile("le numéro 4 est déjà pris .*ordinateur.*mettez 5"))).to_be_visible(timeout=20000)
    assert "cms/bulletins/info-psoc-04" not in git(project.root, "branch", "--list")
    number.fill("5")
    page.get_by_title("Édition multilingue").click()  # one language, and the preview beside it
    page.wait_for_timeout(300)
    if not page.locator("iframe").count():
        page.get_by_title("Aperçu").click()
    preview = page.frame_locator("iframe").first
    preview.get_by_text("Info-PSOC no 5").wait_for()
    page.wait_for_timeout(500)
    # the preview writes the date and shows the note as the site does
    expect(preview.locator("time")).to_have_text("15 janvier 2018")
    expect(preview.locator("sup")).to_have_text("1")
    expect(preview.locator(".footnote li")).to_have_text("Le texte de la note.")
    expect(preview.locator(".admonition.note")).to_contain_text("Le texte de l'encadré")
    assert "[^1]" not in preview.locator("article").inner_text()
    page.screenshot(path=str(shots / "formulaire-bulletin-et-apercu.png"))
    branch, rel = "cms/bulletins/info-psoc-05", "bulletins/info-psoc-05.md"
    first = _save(page, project, branch)  # the editorial workflow: a branch, a commit; main untouched
    assert not (project.root / rel).exists()
    text = project.show(first, rel)
    values, problems = bulletins.SCHEMA.validate(read_source_text(project, rel, text), dt.date(2026, 1, 1))
    assert problems == [] and (values["number"], values["title"], values["draft"]) == (5, TITLE, True)
    assert not list((project.root / "bulletins").glob("*.fr.md"))
    # a correction, saved a second time: one more commit, the title's line only
    _field(page, "Titre").fill(TITLE + " (bis)")
    second = _save(page, project, branch)
    assert len(_changed_lines(project, first, second, rel)) == 2  # one line out, one line in
    expect(page.get_by_text("Vérifier l'aperçu")).to_be_hidden()  # no deployed preview to wait for
    page.screenshot(path=str(shots / "editeur-apres-le-deuxieme-enregistrement.png"))
    shutil.copy(shots / "editeur-apres-le-deuxieme-enregistrement.png", SHOTS / "infopsoc-editeur-deuxieme-enregistrement.png")
    # « Publier » while « Brouillon » is still ticked: refused, in French, nothing reaches main
    _publish(page)
    expect(page.get_by_text(re.compile("« Brouillon » est encore cochée"))).to_be_visible(timeout=20000)
    assert not (project.root / rel).exists()
    page.keyboard.press("Escape")
    # untick « Brouillon », save (a third commit: the draft line goes), publish
    _field(page, "Brouillon").click()
    third = _save(page, project, branch)
    assert _changed_lines(project, second, third, rel) == ["-draft: true  # " + bulletins.SCHEMA.fields["draft"].hint]
    assert _commits(project, branch) == 3
    _publish(page)
    for _ in range(100):
        if (project.root / rel).exists() and branch not in git(project.root, "branch", "--list"):
            break
        page.wait_for_timeout(200)
    published = project.show("main", rel)
    assert published == project.show(third, rel) and "draft" not in published  # really published
    _assert_not_reloaded(page)
    assert loads == []
    checked = project.infopsoc("check")
    assert checked.returncode == 0, checked.stdout
    built = project.infopsoc("build")
    assert built.returncode == 0, built.stdout + built.stderr
    site = project.root / "site"
    page_html = (site / "bulletins/info-psoc-05/index.html").read_text(encoding="utf-8")
    assert 'class="admonition note"' in page_html and 'class="footnote"' in page_html
    for rel_page in ("index.html", "bulletins/index.html"):
        assert "info-psoc-05/" in (site / rel_page).read_text(encoding="utf-8"), rel_page
    for feed in ("rss.xml", "atom.xml"):
        titles = [e.title for e in feedparser.parse(str(site / feed)).entries]
        assert any(french_punctuation(TITLE + " (bis)") in t for t in titles), (feed, titles)


def read_source_text(project, rel: str, text: str):
    """The front matter of ``text`` read as the build reads the file ``rel``."""
    scratch = project.root.parent / "lu" / rel
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_text(text, encoding="utf-8")
    source, problems = read_source(scratch, project.root.parent / "lu")
    assert problems == []
    return source


def test_no_3_corrected_twice_changes_one_line_each_time(editor, shots):
    project, page, _requests = editor
    rel, branch = "bulletins/info-psoc-03.md", "cms/bulletins/info-psoc-03"
    _go(page, project, "collections/bulletins/entries/info-psoc-03", fresh=True)
    _mark(page)
    title = _field(page, "Titre")
    expect(title).to_have_value(re.compile("^Révision de la brochure PSOC"), timeout=20000)
    page.wait_for_timeout(500)  # the form settles (the relation fields load the lists they choose from)
    old = title.input_value()
    commits = ["main"]
    for suffix in (" (corrigé)", " (corrigé deux fois)"):
        _field(page, "Titre").fill(old + suffix)
        commits.append(_save(page, project, branch))
        changed = _changed_lines(project, commits[-2], commits[-1], rel)
        assert len(changed) == 2 and changed[0].startswith("-title: ") and changed[1].startswith("+title: "), changed
        assert _meta(project.show(commits[-1], rel))[0]["title"] == old + suffix
    page.screenshot(path=str(shots / "no-3-deux-corrections.png"))
    _assert_not_reloaded(page)
    assert git(project.root, "diff", "--name-only", "main", branch).split() == [rel]
    git(project.root, "branch", "-D", branch)


def test_a_new_term_through_the_form_becomes_an_abbr(editor):
    project, page, _requests = editor
    _go(page, project, "collections/glossary/new", fresh=True)
    _field(page, "Terme (sigle)").fill("FRQZ")
    _field(page, "Forme longue").fill("Fonds régional québécois des zones")
    _type_body(page, ["Le FRQZ est un fonds imaginaire, écrit pour ce test."])
    _save(page, project, "cms/glossary/frqz")
    _publish(page)
    path = project.root / "glossary/frqz.md"
    for _ in range(100):
        if path.exists():
            break
        page.wait_for_timeout(200)
    source, problems = read_source(path, project.root)
    assert problems == [] and source.meta["term"] == "FRQZ"
    bulletin = project.root / "bulletins/info-psoc-03.md"
    bulletin.write_text(bulletin.read_text(encoding="utf-8") + "\nLe FRQZ en parle aussi.\n", encoding="utf-8")
    try:
        checked = project.infopsoc("check")
        assert checked.returncode == 0, checked.stdout
        built = project.infopsoc("build")
        assert built.returncode == 0, built.stdout + built.stderr
        html = (project.root / "site/bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
        assert re.search(r'<abbr[^>]*title="Fonds régional québécois des zones"[^>]*>FRQZ</abbr>', html), "no <abbr>"
    finally:
        git(project.root, "checkout", "--", "bulletins/info-psoc-03.md")


CHANGES = {"bulletins": ("title", "Titre", " (corrigé)"), "glossary": ("expansion", "Forme longue", " (corrigée)"),
           "timeline": ("title", "Titre", " (corrigé)")}


def _items():
    for collection, folder in (("bulletins", "bulletins"), ("glossary", "glossary"), ("timeline", "timeline")):
        for path in sorted((REPO / folder).glob("*.md")):
            if not re.search(r"\.[a-z]{2}\.md$", path.name):
                yield collection, f"{folder}/{path.name}"


@pytest.mark.parametrize("collection, rel", list(_items()))
def test_changing_one_field_changes_only_that_line(editor, collection, rel):
    """Every existing item: one field changed in the form, one line changed in the file (its
    order, quotes, comments and blank lines kept); the English file beside it untouched."""
    project, page, _requests = editor
    name, label, suffix = CHANGES[collection]
    before = (REPO / rel).read_text(encoding="utf-8")
    slug = Path(rel).stem
    _go(page, project, f"collections/{collection}/entries/{slug}", fresh=True)
    field = _field(page, label)
    old_meta, old_body = _meta(before)
    expect(field).to_have_value(str(old_meta[name]), timeout=20000)  # the item as the file has it
    page.wait_for_timeout(500)  # the form settles (the relation fields load the lists they choose from)
    field.fill(str(old_meta[name]) + suffix)
    expect(field).to_have_value(str(old_meta[name]) + suffix)
    branch = f"cms/{collection}/{slug}"
    commit = _save(page, project, branch)
    assert git(project.root, "diff", "--name-only", "main", branch).split() == [rel]  # every other file untouched
    changed = _changed_lines(project, "main", commit, rel)
    assert [line[:1] for line in changed] == ["-", "+"] and changed[0].startswith(f"-{name}: "), changed
    after = project.show(branch, rel)
    new_meta, new_body = _meta(after)
    assert new_body == old_body  # no body line lost or changed
    assert new_meta == dict(old_meta, **{name: old_meta[name] + suffix})  # no value lost
    git(project.root, "branch", "-D", branch)


def test_changing_one_members_region_changes_only_its_lines(editor, shots):
    """data/membres.yml in the editor: one member's region added, that member's lines changed and
    nothing else (the opening comment, every other member's lines kept); check reads it clean."""
    project, page, _requests = editor
    rel = "data/membres.yml"
    before = (project.root / rel).read_text(encoding="utf-8")
    _go(page, project, "collections/members/entries/membres", fresh=True)
    member = page.get_by_text("http://www.troc02.org/", exact=True).locator("xpath=..")  # its summary's item
    member.locator("button").first.click()  # the chevron: the member's fields open
    field = member.locator("input[id^='region-field']")
    expect(field).to_be_visible()
    page.wait_for_timeout(500)
    field.fill("Saguenay–Lac-Saint-Jean")
    page.screenshot(path=str(shots / "membres-une-region.png"))
    branch = "cms/members/membres"
    commit = _save(page, project, branch)
    changed = _changed_lines(project, "main", commit, rel)
    assert changed == ['+  region: "Saguenay–Lac-Saint-Jean"'], changed
    after = project.show(branch, rel)
    assert after.replace('  region: "Saguenay–Lac-Saint-Jean"\n', "") == before
    git(project.root, "branch", "-D", branch)


def test_the_editor_asks_no_other_host(editor):
    project, _page, requests = editor
    hosts = {re.match(r"^[a-z]+://([^/]+)", url).group(1) for url in requests if re.match(r"^[a-z]+://", url)}
    assert hosts and hosts <= {f"127.0.0.1:{project.preview_port}", f"127.0.0.1:{project.port}"}, hosts


def _decap_english() -> dict:
    """Decap's own English catalogue, read from its package (the page registers French in its place)."""
    module = REPO / "node_modules/decap-cms-locales/dist/esm/en/index.js"
    out = subprocess.run(["node", "--input-type=module", "-e",
                          f"import en from {json.dumps(module.as_uri())}; console.log(JSON.stringify(en));"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_the_editor_has_no_phrase_left_in_english(editor):
    """Every phrase of Decap's English catalogue has its French one (decap-fr.json completes Decap's),
    the first screen included (drawn before the configuration names the language), and the
    workflow's dates carry no English month."""
    project, page, _requests = editor
    english = _decap_english()
    french = page.evaluate("() => CMS.getLocale('fr')")
    missing = []

    def walk(en, fr, path):
        for key, value in en.items():
            if isinstance(value, dict):
                walk(value, (fr or {}).get(key), path + key + ".")
            elif not isinstance((fr or {}).get(key), str):
                missing.append(path + key)
    walk(english, french, "")
    assert missing == []
    assert page.evaluate("() => CMS.getLocale('en').app.app.loadingConfig") == "Chargement de la configuration..."
    assert french["app"]["header"]["media"] == "Médias"
    # a text in progress, then the workflow's page: its card's date
    _go(page, project, "collections/timeline/entries/1973-naissance-du-psoc", fresh=True)
    expect(_field(page, "Titre")).not_to_have_value("", timeout=20000)
    page.wait_for_timeout(500)
    _field(page, "Titre").fill(_field(page, "Titre").input_value() + " (à revoir)")
    _save(page, project, "cms/timeline/1973-naissance-du-psoc")
    _go(page, project, "workflow")
    expect(page.get_by_text("En préparation").first).to_be_visible(timeout=20000)
    text = page.locator("body").inner_text()
    assert not re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                         r"December|Loading|Media)\b", text), text
    page.screenshot(path=str(SHOTS / "infopsoc-editeur-flux.png"))
    git(project.root, "branch", "-D", "cms/timeline/1973-naissance-du-psoc")


def test_the_preview_never_reloads_the_editor(editor):
    """The preview's live-reload script is on the site's pages, never on /admin/."""
    import urllib.request
    project, _page, _requests = editor
    with urllib.request.urlopen(project.admin_url) as answer:
        assert b"livereload" not in answer.read()
    with urllib.request.urlopen(project.admin_url.replace("admin/", "")) as answer:
        assert b"livereload" in answer.read()


# --- the backend's guard (issue 28): what a web page or a forged request cannot do -------------------

def _ask(project, body, host: str | None = None, origin: str | None = None, path: str = "/api/v1"):
    connection = http.client.HTTPConnection("127.0.0.1", project.port, timeout=30)
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Host": host or f"127.0.0.1:{project.port}"}
    if origin:
        headers["Origin"] = origin
    connection.request("POST", path, body=data, headers=headers)
    answer = connection.getresponse()
    text = answer.read().decode()
    connection.close()
    return answer.status, text


def _persist(path: str, raw: str = "[core]\n\tfsmonitor = touch /tmp/pwned\n", slug: str = "x") -> dict:
    return {"action": "persistEntry", "params": {
        "branch": "main", "dataFiles": [{"slug": slug, "path": path, "raw": raw}], "assets": [],
        "options": {"collectionName": "bulletins", "commitMessage": "x", "useWorkflow": True, "status": "draft"}}}


def _repository_state(project) -> tuple[str, str, str]:
    return (git(project.root, "for-each-ref"), (project.root / ".git/config").read_text(),
            git(project.root, "status", "--porcelain"))


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{{port}}", "127.0.0.1", "127.0.0.1:1",
                                  "localhost.evil.example:{port}", "0.0.0.0:{port}"])
def test_the_backend_answers_only_its_own_host(editor, host):
    project, _page, _requests = editor
    before = _repository_state(project)
    status, text = _ask(project, _persist("bulletins/info-psoc-09.md", "---\nnumber: 9\n---\n", "info-psoc-09"),
                        host=host.format(port=project.port))
    assert status == 403 and "adresse refusée" in json.loads(text)["error"]
    status, _text = _ask(project, {"action": "info"}, host=host.format(port=project.port))
    assert status == 403
    assert _repository_state(project) == before


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1",
                                    "http://localhost:1", "https://127.0.0.1:{preview}"])
def test_the_backend_refuses_a_page_of_another_site(editor, origin):
    """Only the editor's own page (the preview's address) may write, not another site, nor another
    server of this computer."""
    project, _page, _requests = editor
    before = _repository_state(project)
    status, text = _ask(project, _persist("bulletins/info-psoc-09.md", "---\n---\n", "info-psoc-09"),
                        origin=origin.format(preview=project.preview_port))
    assert status == 403 and "page refusée" in json.loads(text)["error"]
    assert _repository_state(project) == before


@pytest.mark.parametrize("path", [".git/config", ".git/hooks/pre-commit", "Makefile", ".github/workflows/x.yml",
                                  ".ci/run", "scripts/infopsoc/__init__.py", "theme/main.html", ".env",
                                  "bulletins/.cache.md", "bulletins/../Makefile", "/etc/passwd", "mkdocs.yml",
                                  "bulletins/x.yml", "content/images/outil.js", "content/images/page.html",
                                  "content/sub/x.md", "bulletins\\..\\Makefile", "data/autre.yml"])
def test_the_backend_writes_only_the_editors_files(editor, path):
    project, _page, _requests = editor
    target = (project.root / path.replace("\\", "/")) if not path.startswith("/") else Path(path)
    was = target.read_bytes() if target.is_file() else None
    before = _repository_state(project)
    status, text = _ask(project, _persist(path))
    assert status == 403, text
    assert "refusé" in json.loads(text)["error"]
    media = {"action": "persistMedia", "params": {"branch": "main", "asset": {
        "path": path, "content": "PHN2Zz48L3N2Zz4=", "encoding": "base64"}, "options": {"commitMessage": "x"}}}
    assert _ask(project, media)[0] == 403
    for action in ({"action": "getEntry", "params": {"branch": "main", "path": path}},
                   {"action": "deleteFile", "params": {"branch": "main", "path": path, "options": {"commitMessage": "x"}}}):
        assert _ask(project, action)[0] == 403
    assert _repository_state(project) == before
    assert (target.read_bytes() if target.is_file() else None) == was


@pytest.mark.parametrize("name, data, expected", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>fetch("/admin/")</script></svg>',
     "« logo.svg » (ligne 2) : l'élément « <script> » n'est pas permis dans une image SVG"),
    ("photo.png", b"<html><script>alert(1)</script></html>", "« photo.png » : le contenu de ce fichier n'est pas"),
])
def test_the_backend_reads_an_uploads_bytes_as_check_does(editor, name, data, expected):
    """An upload of an allowed type is read as ``check`` reads content/ (content/checks/static.py):
    an SVG holding a script, a « .png » holding HTML never reach the repository."""
    import base64

    project, _page, _requests = editor
    before = _repository_state(project)
    media = {"action": "persistMedia", "params": {"branch": "main", "asset": {
        "path": f"content/images/{name}", "content": base64.b64encode(data).decode(), "encoding": "base64"},
        "options": {"commitMessage": "x"}}}
    status, text = _ask(project, media)
    assert status == 403 and expected in json.loads(text)["error"], text
    assert _repository_state(project) == before
    assert not (project.root / "content/images" / name).exists()


def test_the_backend_refuses_a_link_out_of_the_folders_and_other_branches(editor):
    project, _page, _requests = editor
    link = project.root / "bulletins/lien.md"
    link.symlink_to("../.git/config")
    try:
        before = _repository_state(project)
        assert _ask(project, _persist("bulletins/lien.md"))[0] == 403
        assert _ask(project, {"action": "getEntry", "params": {"branch": "main", "path": "bulletins/lien.md"}})[0] == 403
        listing = {"action": "entriesByFolder", "params": {"branch": "main", "folder": ".git", "extension": "md", "depth": 1}}
        assert _ask(project, listing)[0] == 403
        other = {"action": "getEntry", "params": {"branch": "ordinateur", "path": "bulletins/info-psoc-04.md"}}
        assert _ask(project, other)[0] == 403  # decap-server would check that branch out
        slug = {"action": "publishUnpublishedEntry", "params": {"branch": "main", "collection": "bulletins",
                                                                "slug": "../../x"}}
        assert _ask(project, slug)[0] == 403
        assert _ask(project, {"action": "runCommand", "params": {"branch": "main"}})[0] == 403
        assert _ask(project, {"action": "info"}, path="/api/v1/../x")[0] == 404
        assert _repository_state(project) == before
    finally:
        link.unlink()


def test_the_backend_still_saves_what_the_editor_saves(editor):
    """The same request as the editor's, through the guard: a commit on its branch."""
    project, _page, _requests = editor
    raw = (REPO / "glossary/aca.md").read_text(encoding="utf-8").replace("\n---\n", "\nsee_also: []\n---\n", 1)
    request = _persist("glossary/aca.md", raw, "aca")
    request["params"]["options"]["collectionName"] = "glossary"
    status, text = _ask(project, request, origin=f"http://127.0.0.1:{project.preview_port}")
    assert status == 200, text
    assert _commits(project, "cms/glossary/aca") == 1
    git(project.root, "branch", "-D", "cms/glossary/aca")


def test_uploads_are_the_types_the_site_publishes(editor, tmp_path):
    """« Médias »: the file chooser offers the accepted types (core/media.py, the list ``check`` reads);
    an HTML file is refused with a French sentence and reaches nothing; a PNG is saved by a commit."""
    from infopsoc.core.media import MEDIA_TYPES
    project, page, _requests = editor
    svg = tmp_path / "page.html"
    svg.write_text('<script>alert(1)</script>', encoding="utf-8")
    png = tmp_path / "carte.png"
    png.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
                                  "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"))
    _go(page, project, "collections/bulletins", fresh=True)
    page.get_by_text("Médias").first.click()
    chooser = page.locator("input[type=file]")
    expect(chooser).to_have_attribute("accept", ",".join(sorted(MEDIA_TYPES)))
    before = git(project.root, "rev-parse", "main")
    chooser.set_input_files(str(svg))
    refused = page.get_by_text(re.compile("« page.html » : l'éditeur n'accepte que les images et les documents"))
    expect(refused).to_be_visible()
    assert refused.first.inner_text().startswith("Fichier non enregistré : « page.html »")  # Decap's own words too
    assert "Failed" not in page.inner_text("body")
    assert git(project.root, "rev-parse", "main") == before
    assert not (project.root / "content/images/page.html").exists()
    chooser.set_input_files(str(png))
    for _ in range(100):
        if git(project.root, "rev-parse", "main") != before:
            break
        page.wait_for_timeout(200)
    assert git(project.root, "show", "--name-only", "--format=", "main").split() == ["content/images/carte.png"]
    assert (project.root / "content/images/carte.png").read_bytes() == png.read_bytes()
