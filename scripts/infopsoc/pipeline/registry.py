"""Every output of a build, in the order they run (outputs.base.Output). A new output: its module,
and one line here.

The search index comes first: its files are made on a thread while the others run (the PDFs are
waited for meanwhile). The PDFs come before the feeds, which announce them with their sizes.
"""

from __future__ import annotations

from infopsoc.outputs.admin import AdminOutput
from infopsoc.outputs.export import ExportOutput
from infopsoc.outputs.feeds import FeedsOutput
from infopsoc.outputs.search import SearchOutput, SearchScriptOutput
from infopsoc.pipeline.pdfs import PdfOutput
from infopsoc.pipeline.repairs import MaterialScriptOutput, PagesOutput


#: the outputs of every build, in order
OUTPUTS = [
    PagesOutput(),  # an engine without our plugin: fragments, CSP, Material's repairs on the written pages
    SearchOutput(),
    SearchScriptOutput(),
    PdfOutput(),  # the PDFs started while the engine converted, waited for, and the links to them
    FeedsOutput(),
    MaterialScriptOutput(),
    ExportOutput(),
    AdminOutput(),
]
