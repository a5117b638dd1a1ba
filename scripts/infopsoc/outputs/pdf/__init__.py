"""Printable PDFs of the bulletins, made by WeasyPrint (nothing here imports MkDocs).

- ``document``: a bulletin's converted page made into a print document (masthead, contents,
  footnotes at their call, web-only parts dropped) with its template ``print-bulletin.html.j2``;
- ``weasy``: WeasyPrint set up for it (a fetcher that serves site files only, shared fonts,
  warnings captured);
- ``cache``: PDFs kept between builds, by the hash of everything they are made from;
- ``jobs``: the build's PDFs on long-lived worker processes, started early, then published.
"""

from infopsoc.outputs.pdf.cache import Cache, PdfFile, Rendered
from infopsoc.outputs.pdf.document import PDF_VARIANT, PrintDocument, Section, print_html
from infopsoc.outputs.pdf.jobs import (
                                       EarlyPdfs,
                                       PrintJob,
                                       RenderReport,
                                       make_pdfs,
                                       render_pdfs,
                                       shutdown,
                                       terminal_progress,
                                       warm_up,
)
from infopsoc.outputs.pdf.weasy import PdfEngineMissing, lay_out, render, site_fetcher

__all__ = ["Cache", "EarlyPdfs", "PDF_VARIANT", "PdfEngineMissing", "PdfFile", "PrintDocument", "PrintJob", "RenderReport",
           "Rendered", "Section", "lay_out", "make_pdfs", "print_html", "render", "render_pdfs",
           "shutdown", "site_fetcher", "terminal_progress", "warm_up"]
