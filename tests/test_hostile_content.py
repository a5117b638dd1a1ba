"""Careless content the build refuses is reported by ``check`` first, in French (issue 19)."""

from __future__ import annotations

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
