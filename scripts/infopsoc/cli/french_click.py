"""Click in French: help pages and error messages for people who are not programmers.

Click writes its own words (« Usage: », « Error: », « Missing option ») in English.
These command classes write them in French, and :class:`FrenchGroup` shows every
error as « Erreur : … » followed by where to find help, never a traceback.
"""

from __future__ import annotations

import re
import sys

import click

HELP_TEXT = "Afficher cette aide et quitter."


def _help_option(command: click.Command, ctx: click.Context) -> click.Option | None:
    option = click.Command.get_help_option(command, ctx)
    if option is not None:
        option.help = HELP_TEXT
    return option


class FrenchCommand(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        return _help_option(self, ctx)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="Utilisation : ")

    def format_arguments(self, ctx, formatter):
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(a.help is not None for a in args):
            with formatter.section("Arguments"):
                formatter.write_dl([a.get_help_record(ctx) for a in args])


class FrenchGroup(click.Group):
    command_class = FrenchCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)

    get_help_option = FrenchCommand.get_help_option
    format_usage = FrenchCommand.format_usage

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commandes"):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            click.echo(f"Erreur : {usage_message(exc)}", err=True)
            if exc.ctx is not None:
                click.echo(f"Pour l'aide : {exc.ctx.command_path} --help", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Erreur : {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Interrompu.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


FrenchGroup.group_class = FrenchGroup


def _param_name(exc: click.UsageError) -> str:
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint:
        return hint if isinstance(hint, str) else " / ".join(hint)
    if param is not None:
        if isinstance(param, click.Argument):
            return param.make_metavar(exc.ctx) if exc.ctx else param.name or ""
        return " / ".join(param.opts)
    return ""


_ENGLISH = [
    (re.compile(r"^No such command '(.+)'\.$"), "commande inconnue : « {0} »"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "argument en trop : {0}"),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), "l'option {0} demande une valeur"),
    (re.compile(r"^Missing command\.$"), "il manque la commande"),
    (re.compile(r"^'(.+)' is not a valid integer(?: range)?\.$"), "« {0} » n'est pas un nombre entier"),
]


def usage_message(exc: click.UsageError) -> str:
    """A French sentence for the usage errors click raises."""
    if isinstance(exc, click.MissingParameter):
        what = "l'argument" if isinstance(exc.param, click.Argument) else "l'option"
        return f"il manque {what} {_param_name(exc)}"
    if isinstance(exc, click.NoSuchOption):
        text = f"option inconnue : {exc.option_name}"
        if exc.possibilities:
            text += f" (vouliez-vous écrire {', '.join(sorted(exc.possibilities))} ?)"
        return text
    message = exc.message
    for pattern, french in _ENGLISH:
        match = pattern.match(message)
        if match:
            message = french.format(*match.groups())
            break
    if isinstance(exc, click.BadParameter) and _param_name(exc):
        return f"valeur invalide pour {_param_name(exc)} : {message}"
    return message
