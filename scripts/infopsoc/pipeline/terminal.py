"""The build's terminal and the preview's error page in French, for any engine's front.

An engine's front (``plugin/engine.py`` for MkDocs and ProperDocs) gives the table of its English lines
(:func:`translator`); the formatting, the filter, the error page and the messages are the same for all.
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import sys
from typing import Callable, Iterable

#: one engine line: a pattern and its French (``str.format`` of the match's groups), or None to silence it
Lines = Iterable[tuple[re.Pattern, "str | None"]]

LEVEL_LABELS = {logging.WARNING: "avertissement : ", logging.ERROR: "erreur : ", logging.CRITICAL: "erreur : "}


def translator(lines: Lines) -> Callable[[str], "str | None"]:
    """A function giving one of the engine's lines as staff should read it: translated, kept (already
    French or unknown), or None (silenced)."""
    table = list(lines)

    def french_line(message: str) -> str | None:
        for pattern, french in table:
            match = pattern.match(message)
            if match:
                return None if french is None else french.format(*match.groups())
        return message

    return french_line


class FrenchFormatter(logging.Formatter):
    """The engine's lines translated, with a French label for warnings and errors (none for information)."""

    def format(self, record: logging.LogRecord) -> str:
        message = getattr(record, "french", None) or record.getMessage()
        label = LEVEL_LABELS.get(record.levelno, "")
        if label and message.lower().startswith(label.strip(" :")):
            label = ""
        return label + message


class FrenchFilter(logging.Filter):
    """Drops the engine's lines that say nothing to staff; keeps the translation of the others."""

    def __init__(self, french_line: Callable[[str], "str | None"]) -> None:
        super().__init__()
        self.french_line = french_line

    def filter(self, record: logging.LogRecord) -> bool:
        french = self.french_line(record.getMessage())
        if french is None:
            return False
        record.french = french
        return True


def french_logging(logger_name: str, french_line: Callable[[str], "str | None"],
                   level: int = logging.INFO) -> logging.Handler:
    """Send the engine's log (``logger_name``) to stderr in French (its own command prints English)."""
    logger = logging.getLogger(logger_name)
    logger.setLevel(level)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(FrenchFormatter())
    handler.addFilter(FrenchFilter(french_line))
    logger.addHandler(handler)
    return handler


class ErrorCatcher(logging.Handler):
    """The error lines of one build (an engine logs a failed build's message before it aborts)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# --- the preview's error page ---------------------------------------------------------------------

#: What the error page says around the problems (the problems themselves are check's text)
ERROR_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aperçu : une erreur à corriger</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; }}
h1 {{ font-size: 1.5rem; color: #a4000f; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; background: #fff4f4; border-left: 4px solid #a4000f;
      padding: 1rem; font-size: 0.95rem; }}
.wait {{ color: #444; }}
</style>
</head>
<body>
<main>
<h1>L'aperçu ne peut pas être mis à jour</h1>
<p>Le site n'a pas pu être construit. Voici ce qu'il faut corriger (fichier, ligne, problème — quoi faire) :</p>
<pre id="infopsoc-build-error">{problems}</pre>
<p>Corrigez le fichier indiqué et enregistrez-le : <strong>cette page se recharge d'elle-même</strong>
dès que le site est de nouveau construit. La même liste s'obtient avec <code>make check</code>.</p>
<p class="wait">L'éditeur de contenu reste ouvert à son adresse habituelle (admin/).</p>
</main>
</body>
</html>
"""


def error_page(problems: str) -> bytes:
    return ERROR_PAGE.format(problems=html.escape(problems)).encode("utf-8")


def busy_port_message(host: str, port: int) -> str:
    return (f"le port {port} est déjà utilisé sur {host} : un autre aperçu (make serve, make edit) tourne sans doute "
            f"déjà — ouvrez-le dans le navigateur, ou arrêtez-le (Ctrl+C dans son terminal), ou choisissez un autre "
            f"port : infopsoc serve --dev-addr {host}:{port + 1}")


def engine_parser(prog: str) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """An engine's command (``python -m <engine> build …``) and its subcommands: ``build`` with what
    ``infopsoc build`` passes to every engine (cli/publish.py), declared once for all of them."""
    parser = argparse.ArgumentParser(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build")
    build.add_argument("--config-file", "-f", required=True)
    build.add_argument("--site-dir", "-d")
    build.add_argument("--strict", action="store_true")
    return parser, commands
