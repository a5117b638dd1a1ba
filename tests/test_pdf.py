"""The printable PDFs: real MkDocs builds, real WeasyPrint renders, read back with pypdf."""

from __future__ import annotations

import math
from pathlib import Path
import re

import pypdf
import frontmatter
import pytest
import weasyprint
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from conftest import REPO, bulletin_text, french_punctuation, run_infopsoc
from infopsoc.outputs import pdf
from infopsoc.outputs.pdf import document, weasy
from infopsoc.render.pdf_link import human_size

SOURCE = REPO / "bulletins/info-psoc-03.md"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text(reader: pypdf.PdfReader) -> list[str]:
    return [_squash(page.extract_text()) for page in reader.pages]


def _outline(reader: pypdf.PdfReader, items=None, depth=0) -> list[tuple[int, str]]:
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += _outline(reader, item, depth + 1)
        else:
            found.append((depth, item.title))
    return found


def _build(tree, **overrides):
    """A real build of a fixture tree that also hands back our plugin (its report, its PDFs)."""
    site = tree.root / "site"
    config = load_config(str(tree.root / "mkdocs.yml"), site_dir=str(site), **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return config.plugins["infopsoc"]


# --- the real bulletin #3, built once ---------------------------------------------------------

@pytest.fixture(scope="module")
def real(real_build):
    """The real project, built once per session (conftest.real_build), and its bulletin #3's PDF."""
    site = real_build.site
    assert "WeasyPrint" not in real_build.output  # no WeasyPrint warning at all
    reader = pypdf.PdfReader(site / "pdf/info-psoc-03.pdf")
    return site, reader, _text(reader)


def _source_sections() -> list[str]:
    return re.findall(r"^## (.+?)(?: \{#[^}]+\})?$", SOURCE.read_text(encoding="utf-8"), re.MULTILINE)


def _source_footnotes() -> list[str]:
    notes = re.findall(r"^\[\^\d+\]: (.+)$", SOURCE.read_text(encoding="utf-8"), re.MULTILINE)
    # the printed text of a note: its link's text without Markdown's brackets and address
    return [_squash(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", note)) for note in notes]


def test_real_bulletin_reads_as_the_printed_issue(real):
    _site, reader, pages = real
    assert len(reader.pages) >= 2
    first = pages[0]
    assert "INFO-PSOC #3" in first
    assert "Octobre 2017" in first
    assert "Coalition des Tables régionales d’organismes communautaires (CTROC)" in first
    assert "DANS CE NUMÉRO" in first  # set in capitals by the stylesheet
    whole = " ".join(pages)
    sections = _source_sections()
    assert len(sections) == 4
    for title in sections:
        assert title in whole
        assert title in first  # listed in « Dans ce numéro »
    for chrome in ("Numéro précédent", "Rechercher", "¶", "↩"):
        assert chrome not in whole


def test_real_bulletin_pages_are_us_letter_with_footer(real):
    _site, reader, pages = real
    total = len(reader.pages)
    for number, (page, text) in enumerate(zip(reader.pages, pages), 1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
        assert f"{number}/{total}" in text
        assert "www.ctroc.org/info-psoc" in text


def test_real_bulletin_metadata(real):
    _site, reader, _pages = real
    info = reader.metadata
    title = frontmatter.load(REPO / 'bulletins/info-psoc-03.md')['title']
    assert info.title == f"Info-PSOC no\u00a03 — {french_punctuation(title)}"
    assert info.author == "CTROC"
    text = SOURCE.read_text(encoding="utf-8")
    summary = re.search(r'^summary: "(.+)"$', text, re.MULTILINE).group(1)
    assert info.subject == french_punctuation(summary)
    assert info["/Keywords"] == ("Révision de la brochure PSOC, Représentations politiques, "
                                 "Liens CTROC et TRPOCB, Engagez-vous pour le communautaire")
    assert info["/CreationDate"].startswith("D:201710")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr-CA"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()


def test_real_bulletin_outline_lists_the_sections(real):
    _site, reader, _pages = real
    outline = _outline(reader)
    assert [title for depth, title in outline if depth == 0] == [french_punctuation(s) for s in _source_sections()]
    assert (1, "Ce qui a été confirmé") in outline


def test_real_bulletin_footnotes_at_the_foot_of_their_page(real):
    _site, reader, pages = real
    notes = _source_footnotes()
    assert len(notes) == 3
    # the words just before each call, in the source
    calls = ["nouvelles orientations ministérielles proposées concernant le PSOC",
             "d’avoir un PSOC cohérent avec la PRAC",
             "l’espace de collaboration pour la rédaction finale de la brochure?"]
    for number, (note, call) in enumerate(zip(notes, calls), 1):
        holding = [i for i, text in enumerate(pages) if f"{number}. {note[:60]}" in text]
        assert holding, f"footnote {number} missing"
        assert call in pages[holding[0]], f"footnote {number} is not on the page of its call"


def test_real_bulletin_links_are_clickable_and_print_their_address(real):
    _site, reader, pages = real
    uris = {annot.get_object()["/A"].get("/URI") for page in reader.pages for annot in page.get("/Annots", [])
            if "/A" in annot.get_object()}
    assert "http://www.crocat.ca/about.aspx" in uris
    assert "mailto:info@ctroc.org" in uris
    whole = " ".join(pages)
    assert "crocat.ca (http://www.crocat.ca/about.aspx)" in whole
    # a link whose text is its address is not printed twice
    assert "trocbsl.org (http" not in whole


def test_real_bulletin_page_links_to_its_pdf_with_its_size(real):
    site, _reader, _pages = real
    page = (site / "bulletins/info-psoc-03/index.html").read_text(encoding="utf-8")
    match = re.search(r'<a href="([^"]+)" type="application/pdf" download>Version imprimable \(PDF, (\d+) ko\)</a>', page)
    assert match, "no PDF link on the bulletin page"
    target = (site / "bulletins/info-psoc-03" / match.group(1)).resolve()
    assert target == (site / "pdf/info-psoc-03.pdf").resolve()
    assert int(match.group(2)) == math.ceil(target.stat().st_size / 1000)


def test_every_page_has_the_print_stylesheet(real):
    site, _reader, _pages = real
    assert "@media print" in (site / "assets/stylesheets/print.css").read_text(encoding="utf-8")
    for page in ("index.html", "bulletins/index.html", "bulletins/info-psoc-03/index.html"):
        assert "assets/stylesheets/print.css" in (site / page).read_text(encoding="utf-8"), page


# --- fixture trees ----------------------------------------------------------------------------

def _rendered_count(caplog) -> tuple[int, int]:
    found = [re.search(r"PDF : (\d+) rendu\(s\), (\d+) tiré\(s\) du cache", r.getMessage()) for r in caplog.records]
    found = [m for m in found if m]
    assert found, "no PDF report in the log"
    rendered, cached = found[-1].groups()
    return int(rendered), int(cached)


def test_cache_renders_only_what_changed(tree, caplog):
    caplog.set_level("INFO", logger="mkdocs.plugins.infopsoc")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05", body="Un[^1].\n\n[^1]: Note un."))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-10", body="## Section\n\nDeux."))
    plugin = _build(tree)
    assert _rendered_count(caplog) == (2, 0)
    first = (tree.root / "site/pdf/info-psoc-01.pdf").read_bytes()

    caplog.clear()
    plugin = _build(tree)
    assert _rendered_count(caplog) == (0, 2)
    assert plugin.pdf.report.from_cache == ["info-psoc-01", "info-psoc-02"]
    assert (tree.root / "site/pdf/info-psoc-01.pdf").read_bytes() == first

    caplog.clear()
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-10", body="## Section\n\nDeux, revu."))
    plugin = _build(tree)
    assert _rendered_count(caplog) == (1, 1)
    assert plugin.pdf.report.rendered == ["info-psoc-02"]

    # a change to the print stylesheet concerns every PDF
    caplog.clear()
    css = tree.root / "theme/assets/stylesheets/print-bulletin.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { color: black; }\n", encoding="utf-8")
    _build(tree)
    assert _rendered_count(caplog) == (2, 0)


def test_same_source_gives_the_same_pdf_bytes(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05-02", topics=["Convention"],
                                                          body="## Une section\n\nTexte[^1].\n\n[^1]: Une note."))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-10"))
    plugin = _build(tree)  # two cold renders: on the worker processes
    assert plugin.pdf.report.rendered == ["info-psoc-01", "info-psoc-02"]
    first = (tree.root / "site/pdf/info-psoc-01.pdf").read_bytes()
    for cached in (tree.root / ".cache/pdf/fr").glob("info-psoc-01.*"):
        cached.unlink()
    plugin = _build(tree)  # one cold render: in this process
    assert plugin.pdf.report.rendered == ["info-psoc-01"]
    assert (tree.root / "site/pdf/info-psoc-01.pdf").read_bytes() == first
    info = pypdf.PdfReader(tree.root / "site/pdf/info-psoc-01.pdf").metadata
    assert info["/CreationDate"].startswith("D:20160502")
    assert info["/Keywords"] == "Convention"


def test_workers_find_a_pdf_by_its_print_document_when_its_inputs_record_is_stale(tree):
    import json

    for n in (1, 2):
        tree.write(f"bulletins/info-psoc-0{n}.md", bulletin_text(n, f"Numéro {n}", f"201{n}-05"))
    plugin = _build(tree)
    assert plugin.pdf.report.rendered == ["info-psoc-01", "info-psoc-02"]
    first = (tree.root / "site/pdf/info-psoc-02.pdf").read_bytes()
    records = sorted((tree.root / ".cache/pdf/fr").glob("info-psoc-0?.json"))
    sources = {}
    for record in records:
        data = json.loads(record.read_text(encoding="utf-8"))
        sources[record.name], data["source"] = data["source"], "autre"
        record.write_text(json.dumps(data), encoding="utf-8")
    plugin = _build(tree)  # both print documents are built (on the workers) and found in the cache
    assert plugin.pdf.report.rendered == []
    assert plugin.pdf.report.from_cache == ["info-psoc-01", "info-psoc-02"]
    assert (tree.root / "site/pdf/info-psoc-02.pdf").read_bytes() == first
    for record in records:  # and the inputs are recorded again, for the next build
        assert json.loads(record.read_text(encoding="utf-8"))["source"] == sources[record.name]


def _one_document(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05", body="## Une section\n\n*Texte* **gras**."))
    plugin = _build(tree)
    site = tree.root / "site"
    files = {p.relative_to(site).as_posix(): str(p) for p in site.rglob("*") if p.is_file()}
    site_url = plugin.site.settings.site_url
    document = pdf.print_html(plugin.site.bulletins[0], plugin.build.publishable()["info-psoc-01"].html, site_url=site_url,
                              author="CTROC")
    return document, site_url, files


def _fresh(document, site_url, files) -> bytes:
    """WeasyPrint on its own: a new font configuration for the document."""
    return pdf.lay_out(document, site_url, files).write_pdf(pdf_variant=pdf.PDF_VARIANT,
                                                           pdf_identifier=document.key()[:32].encode("ascii"))


def test_fonts_are_decoded_once_per_process_and_still_guard_the_cache(tree, tmp_path):
    document, site_url, files = _one_document(tree)
    first = pdf.render(document, site_url, files)
    fonts = weasy._fonts
    again = pdf.render(document, site_url, files)
    assert weasy._fonts is fonts  # kept ...
    assert again.pdf == first.pdf == _fresh(document, site_url, files)  # ... with the same bytes
    # ... and the font files are still among the files the render depends on, for the cache
    assert again.deps == first.deps
    assert {"fonts/NotoSerif-Regular.woff", "fonts/NotoSans-Bold.woff"} <= set(again.deps)

    # a font file changes: a new configuration, a different PDF, a new hash in the record
    other = tmp_path / "other.woff"
    other.write_bytes(Path(files["fonts/NotoSans-Regular.woff"]).read_bytes())
    changed = dict(files, **{"fonts/NotoSerif-Regular.woff": str(other)})
    swapped = pdf.render(document, site_url, changed)
    assert weasy._fonts is not fonts
    assert swapped.deps["fonts/NotoSerif-Regular.woff"] != first.deps["fonts/NotoSerif-Regular.woff"]
    assert swapped.pdf != first.pdf and swapped.pdf == _fresh(document, site_url, changed)


def test_a_new_face_for_a_family_already_loaded_renders_on_fresh_fonts(tree):
    document, site_url, files = _one_document(tree)
    usual = pdf.render(document, site_url, files)
    fonts = weasy._fonts
    face = ('<style>@font-face { font-family: "IP Serif"; font-weight: 400; font-style: normal; '
            'src: url(../../fonts/NotoSans-Regular.woff) format("woff2"); }</style></head>')
    odd = pdf.PrintDocument(document.slug, document.lang, document.html.replace("</head>", face), document.base_url)
    rendered = pdf.render(odd, site_url, files)
    assert weasy._fonts is not fonts and not rendered.warnings
    assert rendered.pdf == _fresh(odd, site_url, files) != usual.pdf


def test_a_pdf_renders_with_the_cycle_collector_paused_and_the_same_bytes(tree, monkeypatch):
    """Issue 32: the collector does not walk WeasyPrint's objects again and again while a PDF renders
    (10-15 % of a render); it is on again once the PDF is made, and a caller that paused it itself
    finds it paused. The bytes are those of WeasyPrint on its own."""
    import gc

    document, site_url, files = _one_document(tree)
    during: list[bool] = []
    write_pdf = weasyprint.document.Document.write_pdf

    def watched(self, *args, **kwargs):
        during.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", watched)
    rendered = pdf.render(document, site_url, files)
    assert during == [False] and gc.isenabled()
    assert rendered.pdf == _fresh(document, site_url, files)  # (WeasyPrint alone: the collector on)
    assert during == [False, True]
    gc.disable()
    try:
        pdf.render(document, site_url, files)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_workers_fork_from_a_server_whose_objects_are_frozen():
    """The fork server loaded WeasyPrint and moved its objects out of the collector's reach: a worker's
    collections do not walk them (nor copy the memory it shares with the server)."""
    import gc

    from infopsoc.outputs.pdf import jobs

    pool = jobs._get_pool(1)
    assert pool.submit(gc.get_freeze_count).result(timeout=300) > 10_000


def test_the_pdf_workers_end_with_the_build(tree):
    """Their pool's threads would make the engine's exit the interpreter's slow one (plugin/engine.py)."""
    import threading

    from infopsoc.outputs.pdf import jobs

    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05"))
    tree.write("bulletins/info-psoc-02.md", bulletin_text(2, "Deuxième", "2017-10"))
    plugin = _build(tree)
    assert plugin.pdf.report.rendered == ["info-psoc-01", "info-psoc-02"]  # on the workers
    assert jobs._pool is None
    assert not [t for t in threading.enumerate() if "Executor" in type(t).__name__ or "QueueFeeder" in t.name]


def test_enclosure_for_the_feeds(tree):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05"))
    plugin = _build(tree)
    url, length, mime = plugin.pdf.enclosure("info-psoc-01")
    assert url == "https://www.ctroc.org/info-psoc/pdf/info-psoc-01.pdf"
    assert length == (tree.root / "site/pdf/info-psoc-01.pdf").stat().st_size
    assert mime == "application/pdf"
    assert plugin.pdf.enclosure("info-psoc-99") is None


def test_pdfs_can_be_turned_off(tree, monkeypatch):
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05"))
    _build(tree, plugins={"search": {}, "infopsoc": {"pdf": False}})
    assert not (tree.root / "site/pdf").exists()
    assert "Version imprimable" not in tree.read("bulletins/info-psoc-01/index.html")
    monkeypatch.setenv("INFOPSOC_PDF", "1")  # forces them, as under `serve`
    _build(tree, plugins={"search": {}, "infopsoc": {"pdf": False}})
    assert (tree.root / "site/pdf/info-psoc-01.pdf").is_file()


def test_a_resource_off_the_site_is_refused_before_and_during_the_pdf(tree, caplog):
    # The content check stops an external image first, with file and line ...
    body = 'Texte.\n\n<img src="https://example.org/logo.png" alt="Logo">\n'
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Premier", "2016-05", body=body))
    with pytest.raises((PluginError, Abort)):
        _build(tree)
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "bulletins/info-psoc-01.md:10:" in errors and "https://example.org/logo.png" in errors
    assert not (tree.root / ".cache/pdf/fr/info-psoc-01.pdf").exists()
    # ... and WeasyPrint's fetcher would refuse it anyway: no network request from a PDF render.
    fetcher = pdf.site_fetcher("https://www.ctroc.org/info-psoc/", {})
    with pytest.raises(ValueError, match="adresse hors du site refusée"):
        fetcher.fetch("https://example.org/logo.png")


WIDE = """Un texte avec une adresse très longue : https://www.example.org/{long}.

Et un lien : [le document]({url}).

| {heads} |
|{seps}|
| {cells} |
"""


def _overflowing(document: weasyprint.document.Document) -> list[str]:
    """Boxes that reach past the page's right margin."""
    found = []
    for page in document.pages:
        box = page._page_box
        right = box.content_box_x() + box.width
        for child in box.descendants():
            if getattr(child, "width", None) is None or getattr(child, "position_x", None) is None:
                continue
            end = child.border_box_x() + child.border_width()
            if end > right + 0.5:
                found.append(f"{type(child).__name__} ends at {end:.0f} > {right:.0f}: {getattr(child, 'text', '')[:40]!r}")
    return found


def test_wide_table_and_long_url_stay_on_the_page(tree):
    long = "chemin-" + "tres-long-" * 25 + "fin"
    url = "https://www.example.org/" + "segment/" * 30 + "document.pdf"
    body = WIDE.format(long=long, url=url,
                       heads=" | ".join(f"Colonne{i}" for i in range(12)), seps="|".join(["---"] * 12),
                       cells=" | ".join("Interdisciplinarité" + str(i) + "constitutionnellement" for i in range(12)))
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Large", "2016-05", body=body))
    plugin = _build(tree)  # strict: no WeasyPrint warning
    site = tree.root / "site"
    files = {p.relative_to(site).as_posix(): str(p) for p in site.rglob("*") if p.is_file()}
    bulletin = plugin.site.bulletins[0]
    document = pdf.print_html(bulletin, plugin.build.publishable()["info-psoc-01"].html, site_url=plugin.site.settings.site_url,
                              author="CTROC")
    assert _overflowing(pdf.lay_out(document, plugin.site.settings.site_url, files)) == []
    # the check does find an overflow when nothing wraps
    unwrapped = weasyprint.CSS(string="* { overflow-wrap: normal !important; } table { table-layout: auto !important; }")
    assert _overflowing(pdf.lay_out(document, plugin.site.settings.site_url, files, stylesheets=[unwrapped]))
    text = " ".join(_text(pypdf.PdfReader(site / "pdf/info-psoc-01.pdf")))
    assert "Colonne11" in text.replace(" ", "")
    assert "Footnotes Go Here" not in text


def test_print_body_moves_footnotes_and_drops_web_chrome():
    rendered = ('<header class="ip-bulletin-head"><h1>T</h1></header>'
                '<h2 id="s">Section<a class="headerlink" href="#s">¶</a></h2>'
                '<p>Texte<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> suite.</p>'
                '<div class="footnote"><hr><ol><li id="fn:1"><p>La <em>note</em>.&#160;'
                '<a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>'
                '<nav class="ip-prevnext"><a href="../x/">Numéro précédent</a></nav>')
    from infopsoc.outputs.publishable import publishable_html

    body, sections = document.print_body(publishable_html(rendered, "https://www.ctroc.org/info-psoc/bulletins/x/"))
    assert sections == [pdf.Section("s", "Section")]
    assert '<span class="ip-footnote" id="fn:1">La <em>note</em>.</span> suite.' in body
    for gone in ("ip-bulletin-head", "headerlink", "footnote-backref", "ip-prevnext", "<hr>"):
        assert gone not in body


def test_pdfs_are_off_under_serve_unless_asked(monkeypatch):
    from infopsoc.pipeline.pdfs import pdf_wanted

    monkeypatch.delenv("INFOPSOC_PDF", raising=False)
    assert pdf_wanted(None, is_serve=False) is True
    assert pdf_wanted(None, is_serve=True) is False
    assert pdf_wanted(True, is_serve=True) is True
    monkeypatch.setenv("INFOPSOC_PDF", "1")
    assert pdf_wanted(False, is_serve=True) is True
    monkeypatch.setenv("INFOPSOC_PDF", "0")
    assert pdf_wanted(None, is_serve=False) is False


def test_progress_bar_only_on_a_terminal():
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert pdf.terminal_progress(io.StringIO()) is None
    stream = Terminal()
    show = pdf.terminal_progress(stream)
    show(0, 4)
    show(4, 4)
    assert stream.getvalue().endswith("] 4/4\n")


def test_sizes_in_the_link():
    assert human_size(60821, "fr") == "61 ko"
    assert human_size(1_250_000, "fr") == "1,2 Mo"
    assert human_size(1_250_000, "en") == "1.2 MB"


def test_the_real_feeds_announce_the_pdf_as_enclosure(real):
    import feedparser

    site, _reader, _pages = real
    pdf = site / "pdf/info-psoc-03.pdf"
    for name in ("rss.xml", "atom.xml"):
        entry = next(e for e in feedparser.parse((site / name).read_bytes()).entries if "info-psoc-03" in e.link)
        [enclosure] = entry.enclosures
        assert enclosure.href == "https://www.ctroc.org/info-psoc/pdf/info-psoc-03.pdf"
        assert int(enclosure.length) == pdf.stat().st_size
        assert enclosure.type == "application/pdf"


def test_weasyprints_messages_reach_staff_in_french(tree):
    document, site_url, files = _one_document(tree)
    twice = document.html.replace("<main>", '<main><p id="meme">Un.</p><p id="meme">Deux.</p>')
    rendered = pdf.render(pdf.PrintDocument(document.slug, document.lang, twice, document.base_url), site_url, files)
    assert rendered.warnings == ["l'ancre « meme » est définie deux fois : donnez un autre identifiant (ou titre)"
                                 " à l'une des deux"]
    assert weasy.in_french('.notdef glyph rendered for Unicode string unsupported by fonts: "𝄞" (U+1D11E)') == (
        "le caractère « 𝄞 » (U+1D11E) n'a pas de glyphe dans les polices du PDF : remplacez-le par un caractère courant")
    assert weasy.in_french("This row has more columns than the table, ignored 2 cells").startswith(
        "une ligne d'un tableau a plus de colonnes que son en-tête (2 cellule(s)")
    assert weasy.in_french("Something new").startswith("problème de mise en page du PDF (")
    assert "sudo tools/system/install.sh build" in weasy.in_french(  # a machine without libharfbuzz-subset0
        'Using fontTools instead of HarfBuzz-Subset for font "IP Sans". This will be unsupported in future versions'
        " of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package manager.")


def test_a_machine_without_weasyprints_libraries_is_told_what_to_install(tree, tmp_path):
    """A machine missing a system library (here HarfBuzz's subsetter, as on a bare Debian): the real
    build stops with one French message naming the library and the fix, no traceback, site/ untouched."""
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libharfbuzz-subset.so.0': libharfbuzz-subset.so.0: "
        "cannot open shared object file: No such file or directory\")\n", encoding="utf-8")
    tree.write("bulletins/info-psoc-01.md", bulletin_text(1, "Un", "2017-10-18", body="Texte."))
    result = run_infopsoc(tree.root, "build", pdf=True, env={"PYTHONPATH": str(fake.parent)})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "WeasyPrint ne trouve pas la bibliothèque « libharfbuzz-subset.so.0 »" in output
    assert "libharfbuzz-subset0" in output and "INFOPSOC_PDF=0" in output
    assert "Traceback" not in output and "unexpected EOF" not in output
    assert not (tree.root / "site").exists()


def test_real_bulletin_acronym_box_is_whole_on_one_page(real):
    _site, reader, _pages = real
    pages = [page for page in _text(reader) if "ACRONYMES" in page.upper()]
    assert len(pages) == 1  # a float would be cut at the foot of a page: the box is a block kept whole
    for name in ("ACA :", "CISSS/CIUSSS :", "CTROC :", "MSSS :", "PRAC :", "PSOC :", "TRPOCB :"):
        assert name.replace(" :", "\u00a0:") in pages[0] or name in pages[0], name


# --- issue 29: four pages, as the printed October 2017 issue, the acronyms beside the text ----------

def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x min, y min, x max, y max) of one page, from poppler's pdftotext."""
    import subprocess

    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)]


def test_real_bulletin_has_four_pages_with_the_acronyms_beside_the_last_section(real):
    site, reader, pages = real
    assert len(reader.pages) == 4  # the printed issue's count (it had five: the box alone on the last page)
    last = pages[-1]
    assert "QUELQUES ACRONYMES" in last.upper() and "Engagez-vous pour le communautaire" in last
    words = _words(site / "pdf/info-psoc-03.pdf", 4)
    title = next(w for w in words if w[0] == "QUELQUES")
    box_left, box_top = title[1], title[2]
    assert box_left > 612 / 2 - 30  # on the right half of the page
    # beside the text: words of the section's paragraphs share the box's lines, to its left
    beside = [w for w in words if w[3] < box_left and box_top <= w[2] <= box_top + 100]
    assert len(beside) > 20, beside
    # and the page is used: its last words stand in its lower half
    assert max(w[4] for w in words if not w[0].endswith("/4")) > 792 / 2


def test_the_acronyms_beside_the_last_section_are_never_cut(tree):
    # WeasyPrint cuts a float at the foot of a page: the heading, the box and the text beside it are
    # one block. Last sections placed at many heights of a page: the box is whole on one page each time.
    letters = "ABCDEFGHIJKL"
    for letter in letters:
        tree.write(f"glossary/s{letter.lower()}.md", f"---\nterm: SIG{letter}\nexpansion: \"Une expansion assez longue "
                                                   f"pour tenir sur deux lignes de l'encadré {letter}\"\nkind: sigle\n---\nUn sigle.\n")
    sentence = "Une phrase ordinaire du bulletin, pour remplir la page d'un texte courant. "
    uses = " ".join(f"SIG{letter}" for letter in letters)
    for n in range(1, 7):
        body = "\n\n".join([f"## Première section\n\n{uses}."] + [sentence * 9] * (n + 3)
                           + ["## Dernière section", sentence * 6, sentence * 6, sentence * 6])
        tree.write(f"bulletins/info-psoc-0{n}.md", bulletin_text(n, f"Numéro {n}", f"2017-0{n}", body=body))
    site = tree.build(pdf=True)
    for n in range(1, 7):
        reader = pypdf.PdfReader(site / f"pdf/info-psoc-0{n}.pdf")
        pages = [_squash(page.extract_text()) for page in reader.pages]
        holding = [i for i, text in enumerate(pages) if "ACRONYMES" in text.upper() or "SIGL" in text]
        first = [i for i, text in enumerate(pages) if "ACRONYMES" in text.upper()]
        last = [i for i, text in enumerate(pages) if "encadré L" in text]
        assert first == last and len(first) == 1, (n, holding)
