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

from .i18n import DEFAULT_LANGUAGE, LANGUAGES, strings
from .project import Settings, load_site
from .translations import language_prefix, translation_status

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
@click.option("--translations", is_flag=True,
              help="Lister plutôt, par collection, les textes sans version anglaise et les traductions en retard.")
@click.pass_obj
def check(config: Path, strict: bool, translations: bool) -> None:
    """Vérifier les bulletins, le glossaire et la chronologie.

    Affiche chaque problème sous la forme « fichier:ligne: message », puis un
    résumé. Sort avec le code 1 s'il y a des erreurs (ou des avertissements
    avec --strict).

    \b
    Exemple :
      infopsoc check --strict
      infopsoc check --translations
    """
    if translations:
        _check_translations(_settings(config))
        return
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
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
    try:
        # --- bilingual --- French at the root, then each other language in its folder (en/)
        for lang in LANGUAGES:
            language_config = _language_config(config, lang)
            if language_config is None:
                continue
            code = _mkdocs(["build", "--strict", "--config-file", str(language_config),
                            "--site-dir", str(staging / language_prefix(lang))])
            if code != 0:
                raise click.ClickException("la construction a échoué (voir les messages ci-dessus) ; site/ n'a pas été modifié")
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    click.echo(f"Site construit dans {target}")


@main.command(context_settings=CONTEXT)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Adresse d'écoute.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True,
              help="La langue à prévisualiser (une langue à la fois).")
@click.pass_obj
def serve(config: Path, dev_addr: str, lang: str) -> None:
    """Prévisualiser le site, brouillons compris, avec rechargement automatique.

    \b
    Exemples :
      infopsoc serve
      infopsoc serve --lang en
    """
    language_config = _language_config(config, lang)
    if language_config is None:
        raise click.ClickException(f"pas de configuration pour la langue « {lang} » : créez {_language_file(config, lang).name}")
    sys.exit(_mkdocs(["serve", "--livereload", "--config-file", str(language_config), "--dev-addr", dev_addr]))


# --- bilingual ---
def _language_file(config: Path, lang: str) -> Path:
    """mkdocs.yml for French, mkdocs.en.yml for English (it inherits mkdocs.yml)."""
    return config if lang == DEFAULT_LANGUAGE else config.with_name(f"{config.stem}.{lang}{config.suffix}")


def _language_config(config: Path, lang: str) -> Path | None:
    path = _language_file(config, lang)
    return path if path.is_file() else None


def _check_translations(settings: Settings) -> None:
    t = strings(DEFAULT_LANGUAGE)
    folders = {"bulletins": settings.path("bulletins_dir"), "glossary": settings.path("glossary_dir"),
               "timeline": settings.path("timeline_dir"), "pages": settings.root / settings.docs_dir}
    rows = translation_status(settings.root, folders)
    if not rows:
        click.echo(t["translations_none"])
        return
    header = t["translations_header"].split(" | ")
    table = [[r.collection, r.original, r.translation, t[f"translations_{r.status}"]] for r in rows]
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header))]
    for line in [header, ["-" * w for w in widths], *table]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
    click.echo(t["translations_summary"].format(missing=sum(r.status == "missing" for r in rows),
                                                stale=sum(r.status == "stale" for r in rows)))


def _mkdocs(args: list[str]) -> int:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], env=env)


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames (no half-written site)."""
    old = target.with_name(f".{target.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


if __name__ == "__main__":  # pragma: no cover
    main()
