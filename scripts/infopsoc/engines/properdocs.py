"""ProperDocs (a drop-in fork of MkDocs 1.6) running the unchanged project.

How it loads what was written against ``mkdocs``: importing :mod:`properdocs.replacement` puts an
import hook first in ``sys.meta_path`` that answers every ``mkdocs.*`` import with the matching
``properdocs.*`` module (and sets ``sys.modules["mkdocs"]``). So our plugin (``plugin/``), Material and
its extensions, which import ``mkdocs.…``, get ProperDocs' classes; ProperDocs reads the
``mkdocs.plugins`` and ``mkdocs.themes`` entry points as well as its own, so ``plugins: [infopsoc]``
and ``theme: material`` resolve as under MkDocs. The hook must be installed before anything imports
``mkdocs``: this module does it first, then runs the MkDocs adapter's French front
(:mod:`infopsoc.plugin.engine`) unchanged.

Logging: ProperDocs logs under ``properdocs`` (and counts strict mode's warnings there); the plugin
logs under ``mkdocs.plugins.infopsoc``. As ProperDocs' own command does, ``mkdocs`` is made a child of
``properdocs``, and the French front is pointed at ``properdocs``: both kinds of lines are translated
and every warning counts in ``--strict``.

The only difference in the output is Material's generator tag (``mkdocs-ProperDocs 1.6.7``):
tests/test_engines.py builds the fixture project with it and compares with the golden tree.
"""

from __future__ import annotations

import logging
import sys

import properdocs.replacement  # noqa: F401  (first: every later `import mkdocs…` is ProperDocs)

#: the logger ProperDocs writes to (its strict mode counts the warnings it receives)
LOGGER = "properdocs"


def main(argv: list[str] | None = None) -> int:
    from infopsoc.plugin import engine

    legacy = logging.getLogger("mkdocs")
    legacy.parent = logging.getLogger(LOGGER)
    legacy.setLevel(logging.NOTSET)
    legacy.propagate = True
    for handler in list(legacy.handlers):
        legacy.removeHandler(handler)
    engine.ENGINE_LOGGER = LOGGER  # the French front configures and reads ProperDocs' logger
    return engine.main(argv)


if __name__ == "__main__":
    sys.exit(main())
