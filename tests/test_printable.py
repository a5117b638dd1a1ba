"""Characters the PDF fonts cannot print: `infopsoc check` names file, line, character and code
in French, as a warning (publishing is never blocked by it)."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import bulletin_text

from infopsoc.cli.commands import main
from infopsoc.content.checks.printable import print_coverage, unprintable
from infopsoc.content.model import Settings
from infopsoc.content.site import load_site


def test_the_print_fonts_cover_french_text(tree):
    covered = print_coverage(tree.root)
    assert covered and all(ord(ch) in covered for ch in "Œœ«»’éÉàçÇ½€–—…\u00a0\u202f")
    assert unprintable("Révision ; « œuvre » !\n", covered) == []


def test_an_unprintable_character_is_a_french_warning_with_file_line_and_code(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Merci à toutes et à tous 💚\n"))
    _site, report = load_site(Settings.from_mkdocs_yml(tree.root / "mkdocs.yml"))
    found = [p for p in report.problems if "💚" in p.message]
    assert len(found) == 1
    problem = found[0]
    assert (problem.path, problem.line, problem.severity) == ("bulletins/info-psoc-01.md", 8, "warning")
    assert "U+1F49A" in problem.message and "polices du PDF" in problem.message


def test_check_reports_it_and_does_not_fail(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, body="Flèche → et emoji 💚\n"))
    result = CliRunner().invoke(main, ["--config-file", str(tree.root / "mkdocs.yml"), "check"])
    assert "U+1F49A" in result.output and "bulletins/info-psoc-01.md" in result.output
    assert "Traceback" not in result.output and result.exit_code == 0, result.output
