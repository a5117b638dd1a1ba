"""Info-PSOC: the CTROC's publishing system.

The domain (collections, validation, generated pages, feeds, PDFs) lives in plain
modules that import nothing from MkDocs; ``plugin`` is the only MkDocs adapter.
"""

__version__ = "0.1.0"
