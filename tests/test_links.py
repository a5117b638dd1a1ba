"""The link, image, footnote and raw-HTML checks on Markdown texts (infopsoc.content.checks.links)."""

from __future__ import annotations

import pytest

from conftest import bulletin_text
from infopsoc.content.checks.links import Targets, Text, check_text
from infopsoc.content.site import Settings, load_site

TARGETS = Targets(
    files={"index.md", "bulletins/index.md", "bulletins/info-psoc-03.md", "images/logo.png", "docs/guide.pdf",
           "ressources/index.md"},
    drafts={"bulletins/info-psoc-04.md"},
)


def problems(body: str, *, bulletin: bool = True, draft: bool = False, uri: str = "bulletins/info-psoc-05.md",
             first_line: int = 1):
    doc = Text("bulletins/info-psoc-05.md", uri, body, first_line, bulletin=bulletin, draft=draft)
    return [(p.line, p.severity, p.message) for p in check_text(doc, TARGETS)]


@pytest.mark.parametrize("body", [
    "[le 3](info-psoc-03.md) et [l'archive](index.md) et [l'accueil](../index.md)",
    "[section](info-psoc-03.md#ce-qui-a-ete-confirme) et [ici](#plus-bas)",
    "[site](https://www.ctroc.org/) [courriel](mailto:info@ctroc.org) <https://example.org/>",
    "![Logo](../images/logo.png) et [le guide](../docs/guide.pdf \"Le guide\")",
    "[![Logo](../images/logo.png)](info-psoc-03.md)",
    "[avec espaces](<info-psoc-03.md>) et [encodé](../docs/guide%2Epdf)",
    "[réf][trois] puis [trois] et [Trois][]\n\n[trois]: info-psoc-03.md",
    "Un appel[^a] et un autre[^b].\n\n[^a]: Note a.\n[^b]: Note b.",
    "!!! note \"Encadré\"\n\n    Dans l'encadré[^1].\n\n[^1]: La note.",
])
def test_fine_texts(body):
    assert problems(body) == []


@pytest.mark.parametrize("body", [
    "`[pas un lien](nulle-part.md)` ni `<script>`",
    "```\n[pas un lien](nulle-part.md)\n[^9]\n<iframe>\n```",
    "~~~~markdown\n![x](absente.png)\n~~~~",
    "<!-- [commentaire](nulle-part.md) [^7] <script> -->",
])
def test_code_and_comments_are_not_checked(body):
    assert problems(body) == []


def test_line_numbers_count_from_the_body_line():
    found = problems("Texte.\n\n```\nx\n```\n[perdu](perdu.md)", first_line=8)
    assert [line for line, _, _ in found] == [13]


@pytest.mark.parametrize("body, fragment", [
    ("[perdu](info-psoc-09.md)", "mène à une page qui n'existe pas (bulletins/info-psoc-09.md)"),
    ("![x](../images/absente.png)", "l'image « ../images/absente.png » n'existe pas (fichier attendu : content/images/absente.png)"),
    ("[doc](../docs/absent.pdf)", "mène à un fichier qui n'existe pas (content/docs/absent.pdf)"),
    ("[abs](/bulletins/info-psoc-03/)", "est une adresse absolue"),
    ("[dossier](../ressources/)", "vise l'adresse d'une page, pas son fichier"),
    ("[loin](../../ailleurs.md)", "sort du site"),
    ("[vide]()", "n'a pas d'adresse"),
    ("[mal](javascript:alert(1))", "exécute du code"),
    ("![pisteur](https://example.org/pixel.png)", "est chargée depuis un autre site"),
    ('<img src="//example.org/pixel.png" alt="">', "est chargé depuis un autre site"),
    ("[réf][inconnue]", "« inconnue », qui n'est définie nulle part"),
    ("[def]: nulle-part.md", "mène à une page qui n'existe pas"),
    ("Un appel[^2].", "l'appel de note « [^2] » n'a pas de note"),
    ("<iframe src=x></iframe>", "la balise « <iframe> » n'est pas permise"),
    ("<OBJECT data=x>", "la balise « <object> »"),
    ("<embed src=x>", "la balise « <embed> »"),
    ("[brouillon](info-psoc-04.md)", "mène à un bulletin encore en brouillon"),
])
def test_errors(body, fragment):
    found = problems(body)
    assert len(found) == 1, found
    line, severity, message = found[0]
    assert severity == "error" and line == 1 and fragment in message, message


def test_a_close_name_is_suggested_only_when_it_is_clear():
    [(_, _, one)] = problems("[x](info-psoc-033.md)")
    doc = Text("bulletins/info-psoc-05.md", "bulletins/info-psoc-05.md", "[x](info-psoc-033.md)", bulletin=True)
    assert "vouliez-vous écrire (info-psoc-03.md)" in check_text(doc, TARGETS)[0].hint
    assert "info-psoc-033.md" in one


def test_an_unused_note_is_a_warning():
    assert problems("Texte.\n\n[^1]: Note.") == [(3, "warning", "la note « [^1] » n'est appelée nulle part dans le texte")]


def test_a_draft_may_link_to_a_draft():
    assert problems("[brouillon](info-psoc-04.md)", draft=True) == []


def test_raw_html_in_pages_passes_the_same_allow_list():  # issue 19: one policy for bulletins and pages
    assert problems("<script>x</script>", bulletin=False, uri="index.md") == [
        (1, "error", "la balise « <script> » n'est pas permise")]
    assert problems('<div class="x">y</div>', bulletin=False, uri="index.md") == []


def test_the_whole_site_content_pages_and_drafts(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="[accueil](../index.md) [page](../guide.md)"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, draft="true", body="[perdu](nulle-part.md)"))
    tree.write("content/guide.md", "---\ntitle: Guide\n---\n# Guide\n\n[le 1](bulletins/info-psoc-01.md) "
                                   "[le 2](bulletins/info-psoc-02.md) ![x](images/x.png)\n")
    tree.write("content/images/x.png", b"\x89PNG\r\n\x1a\n")

    def found(drafts: bool) -> list[str]:
        settings = Settings.from_mkdocs_yml(tree.root / "mkdocs.yml", drafts=drafts)
        return [p.format() for p in load_site(settings)[1].problems]

    published = found(drafts=False)  # the build: drafts are not looked at, links to them are errors
    assert len(published) == 1 and published[0].startswith(
        "content/guide.md:6: le lien « bulletins/info-psoc-02.md » mène à un bulletin encore en brouillon")
    preview = found(drafts=True)  # check and serve: the draft's own links are checked too
    assert len(preview) == 2
    assert any(p.startswith("bulletins/info-psoc-02.md:9: le lien « nulle-part.md »") for p in preview)


@pytest.mark.parametrize("url, hint", [
    ("/info-psoc/bulletins/info-psoc-03/", "(info-psoc-03.md)"),
    ("/index.md", "(../index.md)"),
    ("/images/logo.png", "(../images/logo.png)"),
])
def test_an_absolute_address_gets_its_relative_form(url, hint):
    doc = Text("bulletins/info-psoc-05.md", "bulletins/info-psoc-05.md", f"[x]({url})", bulletin=True)
    [problem] = check_text(doc, TARGETS)
    assert "adresse absolue" in problem.message and hint in problem.hint


def test_every_built_page_is_a_known_link_target(tree):
    """generated_uris lists the generated pages without rendering them: it must not miss one."""
    from infopsoc.content.checks.links import docs_files, generated_uris

    tree.with_real_content()
    site_dir = tree.build()
    settings = Settings.from_mkdocs_yml(tree.root / "mkdocs.yml")
    site, report = load_site(settings)
    assert report.errors == []
    known = docs_files(settings.path("docs_dir")) | generated_uris(site)
    pages = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html")]
    pages = [p for p in pages if not p.startswith("admin/")]  # the content editor: not a page of the site
    assert len(pages) > 20
    for page in pages:
        folder = page.removesuffix("index.html").rstrip("/")
        candidates = {f"{folder}.md", f"{folder}/index.md"} if folder else {"index.md"}
        assert candidates & known, page


# --- issue 29: what a commit or the Markdown would lose without a word --------------------------

@pytest.mark.parametrize("body, line, fragment", [
    ("!!! note \"Comité\"\n  Deux espaces seulement.", 2, "est décalé de 2 espaces au lieu de quatre espaces"),
    ("Avant.\n\n!!! info \"La CTROC\"\n\n  La CTROC unit treize regroupements.", 5, "décalé de 2 espaces"),
    ("??? tip \"Astuce\"\n   Trois espaces.", 2, "décalé de 3 espaces"),
    ("!!! note\nCollé sans retrait.", 2, "est pas décalé au lieu"),
    ("- un point\n\n    !!! note \"Dans la liste\"\n      Deux de plus.", 4, "décalé de 2 espaces"),
])
def test_an_encadre_whose_text_is_not_indented_by_four_spaces_is_a_warning(body, line, fragment):
    found = problems(body)
    assert [(found_line, severity) for found_line, severity, _ in found] == [(line, "warning")], found
    assert fragment.replace("est pas", "n'est pas") in found[0][2] or fragment in found[0][2], found


@pytest.mark.parametrize("body", [
    "!!! note \"Bien fait\"\n    Quatre espaces.",
    "!!! note \"Bien fait\"\n\n    Après une ligne vide.\n\n    Deux paragraphes.",
    "!!! note \"Tabulation\"\n\tUne tabulation vaut quatre espaces.",
    "!!! note \"Titre seul\"\n\nUn paragraphe après, hors de l'encadré, voulu.",
    "```\n!!! note\n  dans du code\n```",
    "!!! note \"Imbriqués\"\n    !!! tip \"Dedans\"\n        Le texte.",
])
def test_well_indented_encadres_say_nothing(body):
    assert problems(body) == []


def test_a_file_that_git_does_not_track_is_a_warning(tree):
    import subprocess

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(tree.root)]
    subprocess.run([*git, "init", "-q"], check=True)
    tree.write("content/images/carte.png", b"\x89PNG\r\n\x1a\n")
    tree.write("content/docs/guide.pdf", b"%PDF-1.4\n")
    tree.write("bulletins/info-psoc-04.md", bulletin_text(
        4, "Quatre", "2017-11", body="Texte.\n\n![La carte](../images/carte.png)\n\n[Le guide](../docs/guide.pdf)\n"))
    subprocess.run([*git, "add", "bulletins/", "mkdocs.yml", "theme", "content/index.md"], check=True)

    def found():
        _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml", drafts=True))
        return [p for p in report.warnings if "git" in p.message]

    warned = found()
    assert [(p.path, p.line) for p in warned] == [("bulletins/info-psoc-04.md", 10), ("bulletins/info-psoc-04.md", 12)]
    assert "l'image « ../images/carte.png » n'est pas encore dans git (content/images/carte.png)" in warned[0].message
    assert "git add content/images/carte.png" in warned[0].hint and "git add bulletins/ content/" in warned[0].hint
    assert "le fichier lié « ../docs/guide.pdf »" in warned[1].message
    subprocess.run([*git, "add", "content/"], check=True)
    assert found() == []


def test_outside_git_nothing_is_said_about_tracking(tree):
    tree.write("content/images/carte.png", b"\x89PNG\r\n\x1a\n")
    tree.write("bulletins/info-psoc-04.md", bulletin_text(4, "Quatre", "2017-11", body="![La carte](../images/carte.png)\n"))
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml", drafts=True))
    assert not [p for p in report.problems if "git" in p.message]


def test_no_far_name_is_suggested_for_a_missing_page_of_a_folder():
    # issue 29: « ../glossaire/réseau.md » was answered « vouliez-vous écrire (../glossaire/prac.md) ? »
    targets = Targets(files={"glossaire/prac.md", "glossaire/psoc.md", "glossaire/reseau-public.md"})
    doc = Text("bulletins/info-psoc-05.md", "bulletins/info-psoc-05.md", "[x](../glossaire/réseau.md)", bulletin=True)
    [problem] = check_text(doc, targets)
    assert "vouliez-vous" not in problem.hint, problem.hint
    doc = Text("bulletins/info-psoc-05.md", "bulletins/info-psoc-05.md", "[x](../glossaire/pracc.md)", bulletin=True)
    assert "vouliez-vous écrire (../glossaire/prac.md)" in check_text(doc, targets)[0].hint
