"""Every output of a build, in the order they run (outputs.base.Output). A new output: its module,
and one line here.

The search index comes first: its files are made apart while the others run. The PDFs come last
but the feeds, which announce them with their sizes: the outputs that do not need them are made
while the PDFs still rendering are finished (the build's thread only waits for them at the end).
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
    MaterialScriptOutput(),
    ExportOutput(),
    AdminOutput(),
    PdfOutput(),  # the PDFs started while the engine converted, waited for, and the links to them
    FeedsOutput(),
]
