"""Careless content the build refuses is reported by ``check`` first, in French (issue 19)."""

from __future__ import annotations

import shutil

import pytest

from conftest import Tree, bulletin_text, populate, run_infopsoc, tree_snapshot

CASES = {
    "archive-taken": ("bulletins/index.md", bulletin_text(9, "Index", "2017-12"),
                      "bulletins/index.md: ce fichier prend l'adresse d'une page générée (bulletins/index.md)"),
    "glossary-taken": ("glossary/index.md", "---\nterm: INDEX\nexpansion: Tout\n---\nx\n",
                       "glossary/index.md: ce fichier prend l'adresse d'une page générée (glossaire/index.md)"),
    "feed-taken": ("content/rss.xml", "<rss/>", "content/rss.xml: ce fichier porte la même adresse qu'un fichier généré (rss.xml)"),
    "pdf-taken": ("content/pdf/info-psoc-01.pdf", "%PDF-1.4",
                  "content/pdf/info-psoc-01.pdf: ce fichier porte la même adresse qu'un fichier généré (pdf/info-psoc-01.pdf)"),
    "huge-number": ("bulletins/info-psoc-02.md", bulletin_text(100000000000000000000, "Deux", "2017-11"),
                    "bulletins/info-psoc-02.md:2: « number » : 100000000000000000000 est trop grand (au plus 9999)"),
    "number-10000": ("bulletins/info-psoc-02.md", bulletin_text(10000, "Deux", "2017-11"),
                     "« number » : 10000 est trop grand"),
    "deep-yaml": ("bulletins/info-psoc-02.md", "---\nnumber: 2\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\nx\n",
                  "bulletins/info-psoc-02.md: l'en-tête est imbriqué trop profondément"),
    "deep-members": ("data/membres.yml", "- " * 3000 + "x\n", "data/membres.yml: "),
    "file-image": ("content/autre.md", "# Autre\n\n![x](file:///etc/passwd.png)\n",
                   "content/autre.md:3: l'image « file:///etc/passwd.png » n'est pas un fichier du site (file:)"),
    # --- issue 28: what content/ holds besides its pages is copied as it is: an allow-list ---
    "svg-script": ("content/images/logo.svg",
                   '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">\n<rect width="1" height="1"/>\n'
                   '<script>fetch("/admin/")</script>\n</svg>\n',
                   "content/images/logo.svg:3: l'élément « <script> » n'est pas permis dans une image SVG"),
    "svg-handler": ("content/images/logo.svg",
                    '<svg xmlns="http://www.w3.org/2000/svg"\n  onload="alert(document.domain)" viewBox="0 0 1 1"/>\n',
                    "content/images/logo.svg:1: l'attribut « onload » (du code exécuté) n'est pas permis"),
    "svg-xhtml": ("content/images/logo.svg",
                  '<svg xmlns="http://www.w3.org/2000/svg">\n<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
                  'x</p></foreignObject></svg>\n',
                  "content/images/logo.svg:2: l'élément « <foreignObject> » n'est pas permis dans une image SVG"),
    "svg-outside-image": ("content/images/logo.svg",
                          '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
                          '<image xlink:href="https://pisteur.example/p.png"/></svg>\n',
                          "content/images/logo.svg:2: le lien « https://pisteur.example/p.png » sort de l'image"),
    "svg-outside-style": ("content/images/logo.svg",
                          '<svg xmlns="http://www.w3.org/2000/svg">\n<rect style="fill:url(https://x.example/a.svg#g)"/>'
                          '</svg>\n', "content/images/logo.svg:2: la référence « url(https://x.example/a.svg#g) » sort"),
    "svg-javascript-link": ("content/images/logo.svg",
                            '<svg xmlns="http://www.w3.org/2000/svg">\n<a href="javascript:alert(1)"><text>x</text></a>'
                            '</svg>\n', "content/images/logo.svg:2: le lien « javascript:alert(1) » sort de l'image"),
    "svg-entities": ("content/images/logo.svg",
                     '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                     '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>\n',
                     "content/images/logo.svg:2: une déclaration DOCTYPE ou ENTITY n'est pas permise"),
    "html-file": ("content/page.html", "<!doctype html><script>fetch('/admin/')</script>\n",
                  "content/page.html: un fichier HTML n'est pas publié tel quel"),
    "xhtml-file": ("content/images/page.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><script>1</script></html>",
                   "content/images/page.xhtml: un fichier HTML n'est pas publié tel quel"),
    "script-file": ("content/outil.js", "alert(1)\n", "content/outil.js: ce type de fichier (.js) n'est pas publié"),
    "png-holding-html": ("content/images/photo.png", "<html><script>alert(1)</script></html>",
                         "content/images/photo.png: le contenu de ce fichier n'est pas celui d'un fichier .png"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_check_reports_what_the_build_refuses(tmp_path, case):
    rel, text, expected = CASES[case]
    tree = populate(Tree(tmp_path / "project"))
    tree.write(rel, text)
    sources = tree_snapshot(tree.root)
    for command in ("check", "build"):
        result = run_infopsoc(tree.root, command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output, output[-3000:]
        assert expected in output, output
    assert not (tree.root / "site").exists()
    assert tree_snapshot(tree.root) == sources


# --- menus, aliases, direction characters, quotes (issue 19, « risks to settle ») ---------------

NAV = "nav:\n  - Accueil: index.md\n"
ENGLISH = ("expected", "while scanning", "while parsing", "scalar", "The following pages", "Aborted", "Error:")
MORE_CASES = {
    "page-outside-nav": (
        {"mkdocs.yml": NAV, "content/hors-menu.md": "# Hors menu\n\nUne page.\n"},
        "content/hors-menu.md: cette page n'est pas dans le menu (la liste « nav » de mkdocs.yml)"),
    "english-page-outside-nav": (
        {"mkdocs.yml": NAV, "content/hors-menu.en.md": "# Off the menu\n"},
        "content/hors-menu.en.md: cette page n'est pas dans le menu"),
    "alias-common-word": (
        {"glossary/psoc.md": "---\nterm: PSOC\nexpansion: Programme\naliases:\n  - PSOCs\n  - les\n---\nLe programme.\n"},
        "glossary/psoc.md:6: l'alias « les » est un mot courant"),
    "alias-common-word-capitals": (
        {"glossary/psoc.md": "---\nterm: PSOC\nexpansion: Programme\naliases: [De]\n---\nLe programme.\n"},
        "glossary/psoc.md:4: l'alias « De » est un mot courant"),
    "alias-one-letter": (
        {"glossary/psoc.md": "---\nterm: PSOC\nexpansion: Programme\naliases:\n  - P\n---\nLe programme.\n"},
        "glossary/psoc.md:5: l'alias « P » est trop court (au moins 2 lettres)"),
    "bidi-title": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Bilan \u202egnp.exe", "2017-11")},
        "bulletins/info-psoc-02.md:3: caractère invisible qui change le sens d'écriture du texte (U+202E)"),
    "bidi-summary-isolate": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", summary="Résumé \u2067x\u2069.")},
        "bulletins/info-psoc-02.md:5: caractère invisible qui change le sens d'écriture du texte (U+2067, U+2069)"),
    "bidi-term": (
        {"glossary/psoc.md": "---\nterm: PSOC\nexpansion: \"Programme \u202b\"\n---\nLe programme.\n"},
        "glossary/psoc.md:3: caractère invisible qui change le sens d'écriture"),
    "bidi-members": (
        {"data/membres.yml": "- url: https://www.exemple.org/\n  name: \"TROC \u202ede l'exemple\"\n"},
        "data/membres.yml:2: caractère invisible qui change le sens d'écriture"),
    "quote-unclosed-then-more-fields": (
        {"bulletins/info-psoc-02.md": '---\nnumber: 2\ntitle: "Deux\ndate: 2017-11\nsummary: "Résumé."\n---\nx\n'},
        "bulletins/info-psoc-02.md:3: guillemet non fermé dans l'en-tête"),
    "quote-unclosed-last-field": (
        {"bulletins/info-psoc-02.md": '---\nnumber: 2\ndate: 2017-11\nsummary: "Résumé."\ntitle: "Deux\n---\nx\n'},
        "bulletins/info-psoc-02.md:5: guillemet non fermé dans l'en-tête"),
    "quote-apostrophe-inside": (
        {"bulletins/info-psoc-02.md": "---\nnumber: 2\ntitle: 'L'école'\ndate: 2017-11\nsummary: Résumé.\n---\nx\n"},
        "bulletins/info-psoc-02.md:3: apostrophe dans une valeur entre apostrophes"),
    "quote-text-after": (
        {"bulletins/info-psoc-02.md": '---\nnumber: 2\ntitle: "Les balises" et la suite\ndate: 2017-11\nsummary: Résumé.\n---\nx\n'},
        "bulletins/info-psoc-02.md:3: texte après le guillemet fermant de la valeur"),
    "quote-members": (
        {"data/membres.yml": "- url: https://www.exemple.org/\n  name: \"TROC\n  region: Estrie\n- url: https://b.exemple.org/\n  name: \"B\"\n"},
        "data/membres.yml:2: guillemet non fermé"),
    # --- issue 28: one judge — what the build refuses, check reports at the source's line ---
    "attr-onclick-glossary": (
        {"glossary/roc.md": "---\nterm: ROC\nexpansion: Regroupement\n---\nUn paragraphe.\n{: onclick=\"alert(1)\" }\n"},
        "glossary/roc.md:6: liste d'attributs « {: onclick=\"alert(1)\" } » : l'attribut « onclick » (du code exécuté)"),
    "attr-javascript-link-timeline": (
        {"timeline/1990-roc.md": "---\ndate: 1990\ntitle: \"Le ROC\"\nsources:\n  - citation: Archives\n---\nTexte et [lien](https://x.org){: href=\"javascript:alert(2)\" }.\n"},
        "timeline/1990-roc.md:7: liste d'attributs « {: href=\"javascript:alert(2)\" } » : l'adresse « javascript:alert(2) » (javascript:) n'est pas permise"),
    "attr-style-url-bulletin": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body="Un paragraphe.\n{: style=\"background:url(https://x.example/p.png)\" }\n")},
        "bulletins/info-psoc-02.md:9: liste d'attributs « {: style=\"background:url(https://x.example/p.png)\" } » : le style"),
    "attr-src-page": (
        {"content/autre.md": "# Autre\n\n![x](images/rien.png){: src=\"https://pisteur.example/p.gif\" }\n"},
        "content/autre.md:3: liste d'attributs « {: src=\"https://pisteur.example/p.gif\" } » : « https://pisteur.example/p.gif » est chargé depuis un autre site"),
    "raw-html-in-glossary": (
        {"glossary/roc.md": "---\nterm: ROC\nexpansion: Regroupement\n---\nUn <span onmouseover=\"alert(1)\">mot</span>.\n"},
        "glossary/roc.md:5: l'attribut « onmouseover » (du code exécuté) n'est pas permis"),
    # --- issue 28: every parsed string goes through the character check ---
    "escaped-nul-title": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "a \\0 b", "2017-11")},
        "bulletins/info-psoc-02.md:3: « title » : caractère invisible interdit (U+0000)"),
    "escaped-esc-summary": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", summary="x \\x1b[31m rouge")},
        "bulletins/info-psoc-02.md:5: « summary » : caractère invisible interdit (U+001B)"),
    "escaped-bidi-title": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "a \\u202e c", "2017-11")},
        "bulletins/info-psoc-02.md:3: « title » : caractère invisible qui change le sens d'écriture du texte (U+202E)"),
    "escaped-noncharacter-term": (
        {"glossary/roc.md": "---\nterm: ROC\nexpansion: \"Regroupement \\uFFFE\"\n---\nTexte.\n"},
        "glossary/roc.md:3: « expansion » : caractère invisible interdit (U+FFFE)"),
    "escaped-event": (
        {"timeline/1990-roc.md": "---\ndate: 1990\ntitle: \"Le ROC \\x00\"\nsources:\n  - citation: Archives\n---\nTexte.\n"},
        "timeline/1990-roc.md:3: « title » : caractère invisible interdit (U+0000)"),
    "escaped-members": (
        {"data/membres.yml": "- url: https://www.exemple.org/\n  name: \"TROC \\u202e de l'exemple\"\n"},
        "data/membres.yml:2: « name » : caractère invisible qui change le sens d'écriture"),
    "bidi-in-body": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body="# Titre \u202eexe.gnp\n\nTexte.\n")},
        "bulletins/info-psoc-02.md:8: caractère invisible qui change le sens d'écriture du texte (U+202E)"),
    "control-in-body": (
        {"content/autre.md": "# Autre\n\nTexte \x1b[2J effacé.\n"},
        "content/autre.md:3: caractère invisible interdit (U+001B)"),
    # --- issue 28: nesting ---
    "deep-list": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body="Texte.\n\n" + "- " * 500 + "fond\n")},
        "bulletins/info-psoc-02.md:10: imbrication trop profonde : 500 niveaux de listes ou de citations (au plus 16)"),
    "deep-indented-list": (
        {"glossary/roc.md": "---\nterm: ROC\nexpansion: Regroupement\n---\n"
                            + "".join(" " * (4 * i) + "- niveau\n" for i in range(40))},
        "glossary/roc.md:21: imbrication trop profonde : 17 niveaux"),
    "deep-quote": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body=">" * 200 + " citée\n")},
        "bulletins/info-psoc-02.md:8: imbrication trop profonde : 200 niveaux"),
    "deep-html": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body='<div markdown="1">\n' * 1000 + "x\n" + "</div>\n" * 1000)},
        "bulletins/info-psoc-02.md:72: imbrication trop profonde : plus de 64 balises HTML les unes dans les autres"),
    "table-20000-rows": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body="| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 20000)},
        "bulletins/info-psoc-02.md:1010: les tableaux de ce bulletin ont plus de 1000 lignes"),
    # --- issue 28: images that are paths of the computer ---
    "img-etc-passwd": (
        {"bulletins/info-psoc-02.md": bulletin_text(2, "Deux", "2017-11", body="Texte.\n\n<img src=\"/etc/passwd\" alt=\"\">\n")},
        "bulletins/info-psoc-02.md:10: l'image « /etc/passwd » est un chemin de l'ordinateur, pas un fichier du site"),
    "img-file-url-timeline": (
        {"timeline/1990-roc.md": "---\ndate: 1990\ntitle: \"Le ROC\"\nsources:\n  - citation: Archives\n---\n<img src='file:///etc/hostname' alt=''>\n"},
        "timeline/1990-roc.md:7: l'image « file:///etc/hostname » est un chemin de l'ordinateur"),
    # --- issue 28: weak points ---
    "event-twice": (
        {"timeline/1973-naissance-du-psoc-bis.md": "---\ndate: 1973\ntitle: \"Naissance du  PSOC\"\nsources:\n  - citation: Archives\n---\nTexte.\n"},
        "timeline/1973-naissance-du-psoc.md:3: cet événement a la même date et le même titre que "
        "timeline/1973-naissance-du-psoc-bis.md"),
    "see-also-itself": (
        {"glossary/psoc.md": "---\nterm: PSOC\nexpansion: Programme\nsee_also:\n  - PSOC\n---\nLe programme.\n"},
        "glossary/psoc.md:5: « see_also » : « PSOC » est ce terme lui-même"),
}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Tree:
    """A project with a built site/, the one every case starts from."""
    tree = populate(Tree(tmp_path_factory.mktemp("previous") / "project"))
    result = run_infopsoc(tree.root, "build")
    assert result.returncode == 0, result.stderr[-3000:]
    return tree


@pytest.mark.parametrize("case", list(MORE_CASES))
def test_check_and_build_refuse_in_french_at_the_line(tmp_path, previous, case):
    files, expected = MORE_CASES[case]
    project = tmp_path / "project"
    shutil.copytree(previous.root, project, symlinks=True)
    for rel, text in files.items():
        path = project / rel
        if rel == "mkdocs.yml":
            text = path.read_text(encoding="utf-8") + text
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    site = tree_snapshot(project / "site")
    sources = tree_snapshot(project)
    for command in ("check", "build"):
        result = run_infopsoc(project, command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output, output[-3000:]
        assert expected in output, output
        assert not [word for word in ENGLISH if word in output], output
    assert tree_snapshot(project / "site") == site
    assert tree_snapshot(project) == sources


def test_a_page_in_the_menu_and_good_aliases_pass(tmp_path, previous):
    project = tmp_path / "project"
    shutil.copytree(previous.root, project, symlinks=True)
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(NAV + "  - Autre: autre.md\n")
    (project / "content/autre.md").write_text("# Autre\n\nTexte.\n", encoding="utf-8")
    (project / "content/autre.en.md").write_text("# Other\n\nText.\n", encoding="utf-8")
    # a page that not_in_nav names (mkdocs.yml's: the search page) stays out of the menu, as meant
    (project / "content/recherche.md").write_text("# Recherche\n", encoding="utf-8")
    (project / "glossary/psoc.md").write_text("---\nterm: PSOC\nexpansion: Programme\naliases: [PSOCs, Programme PSOC]\n"
                                              "---\nLe programme.\n", encoding="utf-8")
    result = run_infopsoc(project, "check")
    assert result.returncode == 0 and "Aucun problème trouvé." in result.stdout, result.stdout


def test_plain_images_and_documents_are_published(tmp_path):
    """A drawing as Inkscape saves it (metadata, gradients, internal references), a PNG and a PDF
    pass check and reach the site unchanged."""
    from conftest import REPO

    tree = populate(Tree(tmp_path / "project"))
    svg = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
           'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" viewBox="0 0 10 10">\n'
           '<sodipodi:namedview inkscape:zoom="1"/>\n<defs><linearGradient id="g"><stop offset="0" stop-color="red"/>'
           '</linearGradient></defs>\n<rect id="r" width="10" height="10" style="fill:url(#g)"/><use xlink:href="#r"/>\n'
           '<image href="data:image/png;base64,iVBORw0KGgo="/>\n</svg>\n')
    tree.write("content/images/dessin.svg", svg)
    png = (REPO / "theme/assets/images/info-psoc-icon.png").read_bytes()
    tree.write("content/images/photo.png", png)
    tree.write("content/documents/rapport.pdf", b"%PDF-1.4\n%%EOF\n")
    result = run_infopsoc(tree.root, "check")
    assert result.returncode == 0 and "Aucun problème trouvé." in result.stdout, result.stdout
    result = run_infopsoc(tree.root, "build")
    assert result.returncode == 0, result.stderr[-3000:]
    site = tree.root / "site"
    assert (site / "images/dessin.svg").read_text(encoding="utf-8") == svg
    assert (site / "images/photo.png").read_bytes() == png


def test_markdown_in_a_title_is_shown_as_typed_in_every_generated_page(tmp_path):
    """A title holding Markdown (issue 28) passes check and is text wherever the generated pages put it
    (the English archive shows a French-only bulletin's title in a heading, where Markdown is read)."""
    tree = populate(Tree(tmp_path / "project")).with_english()
    title = "Titre [clic](javascript:alert(3)) *gras* `code`"
    tree.write("bulletins/info-psoc-02.md", "---\nnumber: 2\ntitle: 'Titre [clic](javascript:alert(3)) *gras* `code`'\n"
                                            "date: 2017-11\nsummary: \"Résumé [x](javascript:alert(4)).\"\n---\n\nTexte.\n")
    check = run_infopsoc(tree.root, "check")
    assert check.returncode == 0, check.stdout
    result = run_infopsoc(tree.root, "build")
    assert result.returncode == 0, result.stderr[-3000:]
    site = tree.root / "site"
    pages = {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    assert not [rel for rel, html in pages.items() if 'href="javascript' in html]
    assert "<em>gras</em>" not in "".join(pages.values())
    import html as html_module
    for rel in ("en/bulletins/index.html", "bulletins/index.html", "bulletins/info-psoc-02/index.html"):
        assert html_module.escape(title, quote=False) in pages[rel], rel
