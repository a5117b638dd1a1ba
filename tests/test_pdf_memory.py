"""Issue 32: the PDF worker's memory is bounded. A bulletin too large to be laid out is not sent to
WeasyPrint (a table of 20 000 rows took 1.6 GB in the worker), a render past the worker's memory
stops; either way the build names the bulletin and says what to do, in French, without a traceback,
and a strict build fails.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from conftest import Tree, bulletin_text, run_infopsoc

from infopsoc.outputs import pdf as pdf_package
from infopsoc.outputs.pdf import jobs, weasy

#: the worker's peak memory must stay under this (a worker holds ~80-130 MB rendering a bulletin);
#: the document below, laid out whole, would take over 400 MB
PEAK_BOUND_KB = 350 * 1024


def wide_table(rows: int, columns: int) -> str:
    """A table under the check's 1 000 rows that holds more elements than a PDF may lay out."""
    head = "| " + " | ".join(f"Colonne {c}" for c in range(columns)) + " |"
    rule = "|" + "---|" * columns
    lines = [head, rule] + ["| " + " | ".join(f"{r}-{c}" for c in range(columns)) + " |" for r in range(rows)]
    return "\n".join(lines) + "\n"


def emphasised(paragraphs: int, words: int) -> str:
    """Paragraphs of emphasised words: more elements than a PDF may lay out, that the source check does
    not count (it counts paragraphs, not inline marks): the build's own bound is the last word."""
    return "\n\n".join(" ".join(f"*mot-{p}-{w}*" for w in range(words)) for p in range(paragraphs)) + "\n"


def test_check_counts_the_elements_the_pdf_would_refuse(tmp_path):
    """A wide table under the 1 000 rows (900 × 12: ~11 700 elements) is refused by `check` at the line
    where it passes the PDF's bound, with what to do, before any build."""
    tree = Tree(tmp_path / "project")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Grand tableau", "2017-11",
                                                          body="Le tableau :\n\n" + wide_table(900, 12)))
    result = run_infopsoc(tree.root, "check")
    assert result.returncode == 1, result.stdout
    found = re.search(r"bulletins/info-psoc-01\.md:(\d+): ce bulletin est trop long pour son PDF : plus de "
                      rf"{weasy.MAX_ELEMENTS} éléments", result.stdout)
    assert found, result.stdout
    assert 600 < int(found.group(1)) < 700  # the row where it passes 8 000: 8 000 / 13 ≈ row 615
    assert "découpez-le" in result.stdout and "content/documents/" in result.stdout
    # a long list under the bound, the real bulletin's kind of table: accepted
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Liste", "2017-11", body=wide_table(300, 4)
                                                          + "\n" + "\n".join(f"- point {i}" for i in range(2000))))
    assert run_infopsoc(tree.root, "check").returncode == 0


def _worker_peaks() -> list[int]:
    """The peak resident memory (kB) of each live PDF worker of this process's pool."""
    peaks = []
    for pid in list(getattr(jobs._pool, "_processes", None) or {}):
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
        peaks.append(int(re.search(r"VmHWM:\s*(\d+)", status).group(1)))
    return peaks


def test_a_bulletin_too_large_for_the_pdf_is_never_laid_out(tmp_path, caplog, monkeypatch):
    tree = Tree(tmp_path / "project")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Petit", "2017-10", body="Un texte court."))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Grand texte", "2017-11",
                                                          body="Le texte :\n\n" + emphasised(250, 40)))
    jobs.shutdown()  # a pool of this test only: its workers' peaks are this build's
    # the build's end stops the workers (PdfStep.close): their peaks are read just before
    peaks: list[int] = []

    def shutdown_after_reading_peaks() -> None:
        peaks.extend(_worker_peaks())
        jobs.shutdown()

    monkeypatch.setattr(pdf_package, "shutdown", shutdown_after_reading_peaks)
    try:
        with caplog.at_level(logging.WARNING):
            tree.build(pdf=True, strict=False)
    finally:
        jobs.shutdown()
    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert "bulletins/info-psoc-02.md : PDF non fait, le bulletin est trop long pour être mis en page" in messages
    assert f"au plus {weasy.MAX_ELEMENTS}" in messages
    assert "découpez-le" in messages and "content/documents/" in messages
    # the other bulletin has its PDF; the large one has none, and its page no link to it
    site = tmp_path / "project" / "site"
    assert sorted(p.name for p in site.rglob("*.pdf")) == ["info-psoc-01.pdf"]
    assert ".pdf" not in (site / "bulletins/info-psoc-02/index.html").read_text(encoding="utf-8").split("<article", 1)[1]
    assert peaks and max(peaks) < PEAK_BOUND_KB, peaks


def test_the_real_command_fails_with_the_message_and_no_traceback(tmp_path):
    tree = Tree(tmp_path / "project")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Grand texte", "2017-11",
                                                          body="Le texte :\n\n" + emphasised(250, 40)))
    result = run_infopsoc(tree.root, "build", pdf=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "info-psoc-01 : bulletins/info-psoc-01.md : PDF non fait, le bulletin est trop long" in result.stderr
    assert "site/ n'a pas été modifié" in result.stderr
    assert not (tree.root / "site").exists()


@pytest.mark.parametrize("rows", [20_000])
def test_a_20000_row_table_is_refused_by_check_before_any_pdf(tmp_path, rows):
    """The issue's case: the source check names it first (its line, what to do)."""
    tree = Tree(tmp_path / "project")
    table = "| Région | Organismes |\n|---|---:|\n" + "\n".join(f"| Région {i} | {i} |" for i in range(rows)) + "\n"
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Énorme", "2017-11", body=table))
    result = run_infopsoc(tree.root, "check")
    assert result.returncode == 1
    assert "bulletins/info-psoc-01.md:" in result.stdout and "plus de 1000 lignes" in result.stdout


def test_a_render_past_the_worker_memory_stops_with_a_message(tmp_path):
    """Under the elements' bound but past the worker's memory (here set low): MemoryError in the
    worker, caught; the build names the bulletin and the bound."""
    tree = Tree(tmp_path / "project")
    items = "\n".join(f"- Région {i} : {i} organismes, {i * 7} $" for i in range(3000)) + "\n"
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Longue liste", "2017-11", body=items))
    result = run_infopsoc(tree.root, "build", pdf=True, env={"INFOPSOC_PDF_MEMORY_MB": "200"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert ("info-psoc-01 : bulletins/info-psoc-01.md : PDF non fait, sa mise en page a dépassé la mémoire "
            "permise (200 Mo)") in result.stderr, output[-3000:]


def test_a_worker_that_dies_names_its_bulletin_s_file():
    """The system may stop the worker outright (its memory) rather than raise MemoryError in it: the
    message names the bulletin's file all the same."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    died: Future = Future()
    died.set_exception(BrokenProcessPool("A child process terminated abruptly"))
    outcomes = list(jobs._results({died: ("info-psoc-01", "fr", "bulletins/info-psoc-01.md")}))
    assert [o.path for o in outcomes] == [None]
    assert outcomes[0].warnings[0].startswith("bulletins/info-psoc-01.md : PDF non fait, sa mise en page a dépassé "
                                              "la mémoire permise"), outcomes[0].warnings
