"""The engines other than MkDocs, each behind its own adapter (only that module imports its engine).

- :mod:`infopsoc.engines.properdocs`: ProperDocs, a drop-in fork of MkDocs 1.6 — the unchanged
  project (plugin, Material, theme) runs on it; the MkDocs adapter (``plugin/``) is reused as it is.
- :mod:`infopsoc.engines.zensical`: Zensical, which runs no MkDocs plugin — the pipeline prepares a
  staging folder, Zensical renders it, the pipeline finishes the written site.

``infopsoc build --engine NAME`` starts ``python -m`` the adapter's module (:data:`MODULES`), as it
starts ``infopsoc.plugin.engine`` for MkDocs; each adapter takes the same arguments
(``build --config-file F --site-dir D --strict``) and says its lines in French.
"""
