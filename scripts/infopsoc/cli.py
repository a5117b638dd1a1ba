"""La ligne de commande d'Info-PSOC : vérifier, construire, prévisualiser.

A thin layer over plain functions: each command's docstring is its ``--help``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from .project import Settings, load_site

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _settings(config: Path, **overrides) -> Settings:
    if not config.is_file():
        raise click.ClickException(f"fichier de configuration introuvable : {config} — lancez la commande à la racine du dépôt")
    return Settings.from_mkdocs_yml(config, **overrides)


@click.group(context_settings=CONTEXT)
@click.option("-f", "--config-file", "config", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
              show_default=True, help="Le fichier de configuration du site.")
@click.pass_context
def main(ctx: click.Context, config: Path) -> None:
    """Info-PSOC : publier les bulletins, le glossaire et la chronologie de la CTROC.

    \b
    Exemples :
      infopsoc check          vérifier tout le contenu
      infopsoc build          construire le site dans site/
      infopsoc serve          prévisualiser sur http://127.0.0.1:8000/
    """
    ctx.obj = config


@main.command(context_settings=CONTEXT)
@click.option("--strict", is_flag=True, help="Traiter les avertissements comme des erreurs.")
@click.pass_obj
def check(config: Path, strict: bool) -> None:
    """Vérifier les bulletins, le glossaire et la chronologie.

    Affiche chaque problème sous la forme « fichier:ligne: message », puis un
    résumé. Sort avec le code 1 s'il y a des erreurs (ou des avertissements
    avec --strict).

    \b
    Exemple :
      infopsoc check --strict
    """
    _site, report = load_site(_settings(config, drafts=True))
    for problem in report.errors + report.warnings:
        click.echo(problem.format())
    click.echo(report.summary())
    if report.errors or (strict and report.warnings):
        sys.exit(1)


@main.command(context_settings=CONTEXT)
@click.option("-d", "--site-dir", type=click.Path(path_type=Path), default=None,
              help="Dossier de sortie (par défaut : site/).")
@click.pass_obj
def build(config: Path, site_dir: Path | None) -> None:
    """Construire le site complet (pages, fils RSS, PDF) dans site/.

    Le site est construit dans un dossier temporaire et ne remplace site/ que si
    tout a réussi : une erreur laisse le site précédent intact.

    \b
    Exemple :
      infopsoc build
    """
    config = config.resolve()
    target = (site_dir or config.parent / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    epoch = _source_date_epoch(config.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
    try:
        code = _mkdocs(["build", "--strict", "--config-file", str(config), "--site-dir", str(staging)],
                       SOURCE_DATE_EPOCH=epoch)
        if code != 0:
            raise click.ClickException("la construction a échoué (voir les messages ci-dessus) ; site/ n'a pas été modifié")
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    click.echo(f"Site construit dans {target}")


@main.command(context_settings=CONTEXT)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Adresse d'écoute.")
@click.pass_obj
def serve(config: Path, dev_addr: str) -> None:
    """Prévisualiser le site, brouillons compris, avec rechargement automatique.

    \b
    Exemple :
      infopsoc serve
    """
    sys.exit(_mkdocs(["serve", "--livereload", "--config-file", str(config), "--dev-addr", dev_addr]))


def _mkdocs(args: list[str], **extra_env: str) -> int:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **extra_env)
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], env=env)


# --- reliability ---
#: The build time outside git (and when git is missing): 1980-01-01 00:00 UTC, the date reproducible
#: builds conventionally use (the ZIP epoch). Only dates that describe the build itself take it
#: (the sitemap's <lastmod>, the sitemap.xml.gz header); content dates come from the content.
FALLBACK_EPOCH = 315532800


def _source_date_epoch(root: Path) -> str:
    """The build's time, so that two builds of one commit are byte-identical.

    ``SOURCE_DATE_EPOCH`` when set (it must be a whole number of seconds); otherwise the time of the
    last git commit of ``root``; otherwise :data:`FALLBACK_EPOCH`.
    """
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is not None:
        if not given.strip().isdigit():
            raise click.ClickException(f"SOURCE_DATE_EPOCH vaut « {given} » : un nombre de secondes est attendu "
                                       "(par exemple 1508284800), ou retirez cette variable")
        return given.strip()
    try:
        result = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                                capture_output=True, text=True, check=False)
    except OSError:  # git is not installed
        return str(FALLBACK_EPOCH)
    stamp = result.stdout.strip()
    return stamp if result.returncode == 0 and stamp.isdigit() else str(FALLBACK_EPOCH)


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames (no half-written site)."""
    old = target.with_name(f".{target.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old.exists() and not target.exists():
            old.rename(target)  # put the previous site back
        raise
    if old.exists():
        shutil.rmtree(old)


if __name__ == "__main__":  # pragma: no cover
    main()
