"""The command line: ``infopsoc check | build | serve | new …`` (click, French help).

It reads the collections (``content``) without MkDocs; ``build`` and ``serve`` hand the work to
the engine through MkDocs' own command functions, with the plugin configured by ``mkdocs.yml``.
"""

from infopsoc.cli.commands import main

__all__ = ["main"]
