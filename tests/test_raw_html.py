"""Raw HTML passes one allow-list (issue 19): what it would remove is reported by ``check`` with file
and line in French, the build refuses it, and feeds and the print document keep only what it allows."""

from __future__ import annotations

import pytest

from conftest import Tree, bulletin_text, populate, run_infopsoc, tree_snapshot
from infopsoc.content.checks.raw_html import clean, violations

HOSTILE = {
    "onclick": ('<p onclick="alert(1)">Texte</p>', "l'attribut « onclick » (du code exécuté) n'est pas permis"),
    "onmouseover": ('<span onmouseover="alert(1)">x</span>', "l'attribut « onmouseover »"),
    "ontoggle": ('<details ontoggle="alert(1)" open><summary>x</summary></details>', "l'attribut « ontoggle »"),
    "svg-onload": ('<svg onload="alert(1)"></svg>', "l'attribut « onload »"),
    "javascript": ('<a href="javascript:alert(1)">x</a>', "(javascript:) n'est pas permise"),
    "javascript-entities": ('<a href="&#106;avascript:alert(1)">x</a>', "(javascript:) n'est pas permise"),
    "javascript-case": ('<a href="JaVaScRiPt:alert(1)">x</a>', "(javascript:) n'est pas permise"),
    "javascript-tab": ('<a href="java\tscript:alert(1)">x</a>', "(javascript:) n'est pas permise"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=https://x.example/">', "la balise « <meta> »"),
    "base": ('<base href="https://x.example/">', "la balise « <base> »"),
    "form": ('<form action="https://x.example/"><input name="q"></form>', "la balise « <form> »"),
    "stylesheet": ('<link rel="stylesheet" href="https://x.example/a.css">', "la balise « <link> »"),
    "script": ("<script>alert(1)</script>", "la balise « <script> »"),
    "iframe": ('<iframe src="https://x.example/"></iframe>', "la balise « <iframe> »"),
    "style-url": ('<span style="background:url(https://x.example/p.png)">x</span>', "l'attribut « style » n'est pas permis"),
    "td-style-url": ('<table><tr><td style="background:url(https://x.example/p.png)">x</td></tr></table>', "le style"),
    "srcset": ('<img src="images/a.png" srcset="https://x.example/a.png 2x" alt="">', "l'attribut « srcset »"),
    "poster": ('<video poster="https://x.example/p.png"></video>', "la balise « <video> »"),
    "img-other-host": ('<img src="https://x.example/a.png" alt="">', "chargé depuis un autre site"),
    "data-url": ('<img src="data:image/png;base64,AAAA" alt="">', "(data:) n'est pas permise"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_html_in_a_bulletin_is_reported_with_its_line_and_refused_by_the_build(tmp_path, case):
    snippet, expected = HOSTILE[case]
    tree = populate(Tree(tmp_path / "project"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deux", "2017-11", body=f"Avant.\n\n{snippet}\n"))
    sources = tree_snapshot(tree.root)
    check = run_infopsoc(tree.root, "check")
    output = check.stdout + check.stderr
    assert check.returncode == 1, output
    assert "Traceback" not in output
    # four fields between the fences (lines 1-6), a blank line, « Avant. », a blank line: the snippet is line 10
    assert "bulletins/info-psoc-02.md:10: " in output and expected in output, output
    build = run_infopsoc(tree.root, "build")
    assert build.returncode == 1
    assert expected in build.stdout + build.stderr
    assert "Traceback" not in build.stdout + build.stderr
    assert not (tree.root / "site").exists()
    assert tree_snapshot(tree.root) == sources


def _check_page(tmp_path, text: str):
    """``infopsoc check`` on a project with ``text`` as the hand-written page content/autre.md."""
    tree = populate(Tree(tmp_path / "project"))
    tree.write("content/autre.md", text)
    return run_infopsoc(tree.root, "check")


def test_hostile_html_in_a_hand_written_page_is_reported(tmp_path):
    check = _check_page(tmp_path, "# Autre\n\nTexte.\n\n<p><a href=\"javascript:alert(1)\" onclick=\"x\">x</a></p>\n")
    assert check.returncode == 1
    assert "content/autre.md:5: l'attribut « onclick » (du code exécuté) n'est pas permis" in check.stdout
    assert "content/autre.md:5: l'adresse « javascript:alert(1) » (javascript:) n'est pas permise" in check.stdout


def test_a_reference_style_image_from_another_host_is_reported(tmp_path):
    check = _check_page(tmp_path, "# Autre\n\n![photo][p]\n\n[p]: https://x.example/p.png\n")
    assert check.returncode == 1
    assert "content/autre.md:3: l'image « https://x.example/p.png » est chargée depuis un autre site" in check.stdout


def test_the_site_own_markdown_passes_the_policy(tmp_path):
    tree = populate(Tree(tmp_path / "project"))
    body = ('Texte *gras* et `code`[^2].\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n\n!!! note "Note"\n    Dedans.\n\n'
            '??? info "Plus"\n    Caché.\n\n<div class="x" markdown="1">\n**Dedans**\n</div>\n\n'
            'Terme\n:   Définition\n\n[^2]: Note.\n')
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deux", "2017-11", body=body))
    check = run_infopsoc(tree.root, "check")
    assert check.returncode == 0, check.stdout
    site = tree.build()
    page = (site / "bulletins/info-psoc-02/index.html").read_text(encoding="utf-8")
    article = page[page.index("<article"): page.index("</article>")]
    assert violations(article) == []


def test_clean_keeps_the_allowed_and_removes_the_rest():
    dirty = ('<p onclick="x">a <a href="JaVa&#x53;cript:alert(1)">b</a> <img src="https://x.example/p.png" alt="z">'
             '<img src="../i.png" alt=""><span style="background:url(https://x.example/)">s</span>'
             '<script>alert(1)</script><a href="https://ok.example/" hreflang="fr">ok</a></p>')
    assert clean(dirty) == ('<p>a <a>b</a> <img alt="z"><img src="../i.png" alt=""><span>s</span>'
                            '<a href="https://ok.example/" hreflang="fr">ok</a></p>')
