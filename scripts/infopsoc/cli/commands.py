"""La ligne de commande d'Info-PSOC : créer, vérifier, construire, prévisualiser.

A thin layer over plain functions: each command's docstring is its ``--help``
(in French, with an example); content mistakes come back as French messages
that say what to do, never as tracebacks.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path

import click

from infopsoc.cli import publish, scaffold, uptodate
from infopsoc.cli.french_click import FrenchGroup
from infopsoc.cli.translations import translation_status
from infopsoc.content.editable import editable
from infopsoc.content.options import OptionError
from infopsoc.content.site import Settings, load_site
from infopsoc.core.dates import dating_day
from infopsoc.core.processes import die_with_parent
from infopsoc.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, strings
from infopsoc.core.urls import language_prefix

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _settings(config: Path, **overrides) -> Settings:
    if not config.is_file():
        raise click.ClickException(f"fichier de configuration introuvable : {config} — lancez la commande à la racine du dépôt")
    try:
        return Settings.from_mkdocs_yml(config, **overrides)
    except OptionError as exc:  # an option of the plugin unknown or of the wrong type: as the build says it
        raise click.ClickException(f"{exc}\ncorrigez le bloc « - infopsoc: » de {config}") from None


@click.group(cls=FrenchGroup, context_settings=CONTEXT)
@click.option("-f", "--config-file", "config", type=click.Path(path_type=Path), default=Path("mkdocs.yml"),
              metavar="FICHIER", help="Le fichier de configuration du site (par défaut : mkdocs.yml).")
@click.pass_context
def main(ctx: click.Context, config: Path) -> None:
    """Info-PSOC : publier les bulletins, le glossaire et la chronologie de la CTROC.

    \b
    Exemples :
      infopsoc new bulletin --title "Le PSOC en 2018"   créer le prochain numéro
      infopsoc check          vérifier tout le contenu
      infopsoc serve          prévisualiser sur http://127.0.0.1:8000/
      infopsoc edit           l'éditeur de contenu et l'aperçu (…/admin/)
      infopsoc build          construire le site dans site/

    Le mode d'emploi complet est dans PUBLIER.md.
    """
    ctx.obj = config


# --- new ----------------------------------------------------------------------

@main.group(context_settings=CONTEXT)
def new() -> None:
    """Créer un bulletin, un terme du glossaire ou un événement.

    Le fichier est créé avec son en-tête rempli et un texte à compléter ; un
    fichier existant n'est jamais remplacé.

    \b
    Exemples :
      infopsoc new bulletin --title "Le PSOC en 2018"
      infopsoc new term CISSS --expansion "Centre intégré de santé et de services sociaux"
      infopsoc new event --date 1994 --title "Régionalisation du PSOC"
    """


@new.command("bulletin", context_settings=CONTEXT)
@click.option("-t", "--title", metavar="TITRE", help="Le titre du numéro (obligatoire).")
@click.option("--date", "date", metavar="AAAA-MM-JJ", help="La date du numéro (par défaut : aujourd'hui ; AAAA-MM si seul le mois compte).")
@click.option("--number", "number", type=int, metavar="N", help="Le numéro (par défaut : le plus grand numéro + 1).")
@click.pass_obj
def new_bulletin(config: Path, title: str | None, date: str | None, number: int | None) -> None:
    """Créer le prochain numéro d'Info-PSOC, en brouillon.

    Crée bulletins/info-psoc-NN.md avec le prochain numéro libre, la date du
    jour, l'en-tête rempli (draft: true) et un texte type à compléter, puis
    affiche le chemin du fichier. Remplacez chaque « À compléter » : tant
    qu'il en reste, « make check » le signale, et un bulletin publié ne
    peut pas en contenir.

    \b
    Exemples :
      infopsoc new bulletin --title "Le PSOC en 2018"
      infopsoc new bulletin --title "Numéro spécial" --date 2018-01-15 --number 5
    """
    if not title or not title.strip():
        raise click.UsageError('il manque le titre : ajoutez --title "Le titre du numéro"')
    settings = _settings(config)
    created = _scaffold(scaffold.new_bulletin, settings.root, settings.path("bulletins_dir"), title, dating_day(),
                        date=date, number=number)
    _created(created, settings.root, "Complétez-le, puis vérifiez avec : make check")


@new.command("term", context_settings=CONTEXT)
@click.argument("term", metavar="SIGLE", required=False)
@click.option("-e", "--expansion", metavar="TEXTE", help="La forme longue du sigle (obligatoire).")
@click.pass_obj
def new_term(config: Path, term: str | None, expansion: str | None) -> None:
    """Ajouter un terme (un sigle) au glossaire.

    Crée glossary/<nom>.md (le terme en minuscules, sans accents ni espaces)
    avec l'en-tête rempli et une définition à compléter.

    \b
    Exemple :
      infopsoc new term CISSS --expansion "Centre intégré de santé et de services sociaux"
    """
    if not term or not term.strip():
        raise click.UsageError('il manque le terme : infopsoc new term SIGLE --expansion "La forme longue"')
    if not expansion or not expansion.strip():
        raise click.UsageError(f'il manque la forme longue : infopsoc new term {term} --expansion "La forme longue"')
    settings = _settings(config)
    created = _scaffold(scaffold.new_term, settings.root, settings.path("glossary_dir"), term, expansion)
    _created(created, settings.root, "Écrivez la définition, puis vérifiez avec : make check")


@new.command("event", context_settings=CONTEXT)
@click.option("--date", "date", metavar="DATE", help="AAAA, AAAA-MM ou AAAA-MM-JJ : la précision est gardée (obligatoire).")
@click.option("-t", "--title", metavar="TITRE", help="Le titre de l'événement (obligatoire).")
@click.pass_obj
def new_event(config: Path, date: str | None, title: str | None) -> None:
    """Ajouter un événement à la chronologie.

    Crée timeline/<date>-<titre>.md avec l'en-tête rempli, une source et un
    texte à compléter.

    \b
    Exemple :
      infopsoc new event --date 2017-10-18 --title "Rencontre d'information au MSSS"
    """
    if not date or not date.strip():
        raise click.UsageError('il manque la date : ajoutez --date AAAA-MM-JJ (ou AAAA-MM, ou AAAA)')
    if not title or not title.strip():
        raise click.UsageError('il manque le titre : ajoutez --title "Le titre de l\'événement"')
    settings = _settings(config)
    created = _scaffold(scaffold.new_event, settings.root, settings.path("timeline_dir"), date, title)
    _created(created, settings.root, "Complétez-le, puis vérifiez avec : make check")


def _scaffold(function, *args, **kwargs) -> scaffold.Created:
    try:
        return function(*args, **kwargs)
    except scaffold.ScaffoldError as exc:
        raise click.ClickException(f"{exc.message} — {exc.hint}" if exc.hint else exc.message) from None


def _created(created: scaffold.Created, root: Path, next_step: str) -> None:
    path = created.path
    click.echo(path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path))
    click.echo(next_step, err=True)


# --- check, build, serve ---------------------------------------------------------

@main.command(context_settings=CONTEXT)
@click.option("--strict", is_flag=True, help="Traiter les avertissements comme des erreurs.")
@click.option("--translations", is_flag=True,
              help="Lister plutôt, par collection, les textes sans version anglaise et les traductions en retard.")
@click.pass_obj
def check(config: Path, strict: bool, translations: bool) -> None:
    """Vérifier tout le contenu (brouillons compris).

    Vérifie les en-têtes des bulletins (et des autres collections), les liens
    vers les pages et les images, les notes de bas de page, les « À compléter »
    restés dans le texte. Affiche chaque problème sous la forme
    « fichier:ligne: message — quoi faire », puis un résumé. Sort avec le code
    1 s'il y a des erreurs ; les avertissements seuls ne bloquent pas, sauf
    avec --strict.

    \b
    Exemples :
      infopsoc check
      infopsoc check --strict
      infopsoc check --translations
    """
    if translations:
        _check_translations(_settings(config))
        return
    settings = _settings(config, drafts=True)
    for lang in LANGUAGES:  # --- reliability --- each language's menu lists every page
        language_config = _language_config(config, lang)
        if lang != DEFAULT_LANGUAGE and language_config is not None:
            settings.add_language_config(language_config)
    _site, report = load_site(settings)
    for problem in report.errors + report.warnings:
        click.echo(problem.format())
    click.echo(report.summary())
    if report.errors or (strict and report.warnings):
        sys.exit(1)


@main.command(context_settings=CONTEXT)
@click.option("-d", "--site-dir", type=click.Path(path_type=Path), default=None, metavar="DOSSIER",
              help="Dossier de sortie (par défaut : site/).")
@click.option("--force", is_flag=True, help="Tout reconstruire (aucune page reprise du site précédent), même si rien n'a changé depuis la dernière construction.")
@click.option("--engine", default=publish.DEFAULT_ENGINE,
              metavar="MOTEUR", help="Le moteur qui produit les pages : mkdocs (par défaut), properdocs ou "
                                     "zensical (à installer avec make build ENGINE=…).")
@click.pass_obj
def build(config: Path, site_dir: Path | None, engine: str, force: bool) -> None:
    """Construire le site à publier dans site/.

    Pages, fils RSS et PDF ; les brouillons ne sont pas publiés. Le site est
    construit dans un dossier
    temporaire et ne remplace site/ que si tout a réussi : une erreur laisse le
    site précédent intact. Si rien n'a changé depuis la dernière construction
    (textes, thème, configuration, code, paquets installés), site/ est laissé
    tel quel et la commande le dit ; sinon, les pages que la modification ne
    touche pas sont reprises telles quelles du site précédent. Les deux
    langues sont construites en même temps. --force reconstruit tout.

    \b
    Exemples :
      infopsoc build
      infopsoc build --site-dir /tmp/apercu
      infopsoc build --force
      infopsoc build --engine zensical
    """
    settings = _settings(config)
    _engine_installed(engine)
    config = config.resolve()
    root = config.parent
    target = (site_dir or root / "site").resolve()
    # --- reliability --- (the folder is replaced as a whole: never one that holds anything else)
    publish.refuse_dangerous_target(target, settings, root)
    epoch = _source_date_epoch(root)
    signal.signal(signal.SIGTERM, publish.terminated)  # --- reliability --- `kill` stops MkDocs too
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with publish.build_lock(target):
            publish.remove_leftovers(target)
            # --- performance --- (the inputs are taken before the build: a file saved while it
            # runs makes the next build run too)
            configs = [c for c in (_language_config(config, lang) for lang in LANGUAGES) if c is not None]
            inputs = uptodate.build_inputs(root, target, configs, {"epoch": epoch, "strict": "1", "engine": engine})
            if not force and uptodate.is_up_to_date(root, target, inputs):
                click.echo(f"Rien n'a changé depuis la dernière construction (textes, thème, configuration, code) :"
                           f" le site de {target} est à jour, il n'a pas été refait.")
                return
            uptodate.forget(root, target)
            staging = publish.staging_folder(target)
            try:
                # --- performance --- the pages that did not change are taken from the site replaced
                records = _build_languages(config, staging, epoch, engine, target=target,
                                           reuse_from=None if force or not target.is_dir() else target)
                old = publish.swap(staging, target)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
            _commit_records(records)
            _remember(root, target, inputs)
            # the new site is in place: the previous one is removed in the background (a previous
            # site that cannot be removed is only reported)
            if old is not None and not publish.discard(old, target):
                click.echo(f"avertissement : l'ancien site n'a pas pu être supprimé ({old}) — "
                           "supprimez ce dossier à la main (vérifiez ses droits d'écriture)", err=True)
    except OSError as exc:
        raise click.ClickException(publish.disk_message(exc, target)) from None
    except KeyboardInterrupt:
        click.echo("construction interrompue ; site/ n'a pas été modifié", err=True)
        sys.exit(130)
    click.echo(f"Site construit dans {target}")


def _commit_records(records: list[Path]) -> None:
    """The new site is in place: its pages' records for the next build (pipeline/reuse.py)."""
    from infopsoc.pipeline import reuse

    try:
        reuse.commit(records)
    except OSError:  # a record that cannot be put in place: the next build renders every page
        reuse.discard(records)
        for path in records:
            path.unlink(missing_ok=True)


def _remember(root: Path, target: Path, inputs: str) -> None:
    """The new site is in place: its record for the next build (a record that cannot be written
    only makes the next build run in full)."""
    try:
        uptodate.remember(root, target, inputs)
    except OSError:
        uptodate.forget(root, target)


def _engine_installed(engine: str) -> None:
    """A French error when the chosen engine is unknown, or not installed (the optional engines are not in
    requirements.lock)."""
    if engine not in publish.ENGINES:
        known = sorted(publish.ENGINES)
        raise click.UsageError(f"moteur inconnu : « {engine} » — choisissez {', '.join(known[:-1])} ou {known[-1]}")
    package = engine if engine != publish.DEFAULT_ENGINE else "mkdocs"
    if importlib.util.find_spec(package) is None:
        raise click.ClickException(f"le moteur {engine} n'est pas installé — lancez make build ENGINE={engine}, "
                                   "qui l'installe (requirements-engines.lock), ou choisissez --engine mkdocs")


def _build_languages(config: Path, staging: Path, epoch: str, engine: str = publish.DEFAULT_ENGINE, *,
                     target: Path | None = None, reuse_from: Path | None = None) -> list[Path]:
    """Every language's build into ``staging`` by ``engine``, all at once (one engine process each):
    French at the root, the others built beside it (a build empties its folder first), then moved
    into their folder. Each build reuses the unchanged pages of ``reuse_from`` (the site it replaces:
    pipeline/reuse.py) and leaves its records for the next one; returns their files, for
    :func:`reuse.commit` once the site is in place."""
    from infopsoc.pipeline import reuse  # (not on the path of a build that finds nothing changed)

    target = target or staging
    records_dir = config.parent / uptodate.RECORDS
    runs, folders, records = [], {}, []
    try:
        for lang in LANGUAGES:
            language_config = _language_config(config, lang)
            if language_config is None:
                continue
            folders[lang] = staging if lang == DEFAULT_LANGUAGE else publish.staging_folder(target)
            records.append(reuse.records_file(records_dir, target, lang))
            previous = reuse_from / language_prefix(lang) if reuse_from is not None else None
            env = {"SOURCE_DATE_EPOCH": epoch, reuse.RECORDS_ENV: str(records[-1]),
                   reuse.PREVIOUS_ENV: str(previous) if previous is not None and previous.is_dir() else ""}
            runs.append((["build", "--strict", "--config-file", str(language_config), "--site-dir", str(folders[lang])],
                         env))
        reuse.discard(records)
        results = publish.run_engines(runs, publish.ENGINES[engine])
        if any(disk_full for _code, disk_full in results):
            raise click.ClickException("le disque est plein : la construction a échoué ; site/ n'a pas été modifié"
                                       " — libérez de la place (par exemple en supprimant .cache/), puis relancez")
        if any(code != 0 for code, _disk_full in results):
            raise click.ClickException("la construction a échoué (voir les messages ci-dessus) ; site/ n'a pas été modifié"
                                       " — corrigez les erreurs signalées (make check les liste toutes), puis relancez")
        for lang, folder in folders.items():
            if folder != staging:  # into its place in the French site
                place = staging / language_prefix(lang)
                if place.exists():
                    publish.remove(place)
                folder.rename(place)
        return records
    except BaseException:
        reuse.discard(records)
        raise
    finally:
        for folder in folders.values():
            if folder != staging and folder.exists():
                publish.remove(folder)


@main.command(context_settings=CONTEXT)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", metavar="HÔTE:PORT",
              help="Adresse d'écoute (par défaut : 127.0.0.1:8000).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE,
              help="La langue à prévisualiser, une à la fois (par défaut : fr).")
@click.option("--pdf", is_flag=True, help="Produire aussi les PDF (plus lent ; sinon ils sont omis dans l'aperçu).")
@click.pass_obj
def serve(config: Path, dev_addr: str, lang: str, pdf: bool) -> None:
    """Prévisualiser le site (brouillons compris).

    Ouvre l'aperçu, brouillons compris, sur http://127.0.0.1:8000/ : la
    page du navigateur se
    recharge à chaque enregistrement d'un bulletin, d'un terme, d'un
    événement, d'une page ou du thème. Seules les pages touchées par
    l'enregistrement sont refaites (toutes si le glossaire, le thème ou la
    liste des pages change). Arrêtez l'aperçu avec Ctrl+C.

    \b
    Exemples :
      infopsoc serve
      infopsoc serve --pdf
      infopsoc serve --lang en
    """
    _settings(config)
    language_config = _language_config(config, lang)
    if language_config is None:
        raise click.ClickException(f"pas de configuration pour la langue « {lang} » : créez {_language_file(config, lang).name}")
    # --dirty: after a save, only the pages whose inputs changed are rebuilt (see incremental.py)
    args = ["serve", "--dirty", "--config-file", str(language_config), "--dev-addr", dev_addr]
    sys.exit(_engine(args, serve_env(pdf)))


@main.command(context_settings=CONTEXT)
@click.option("-p", "--port", type=click.IntRange(1, 65535), default=8081, metavar="PORT",
              help="Le port du serveur de l'éditeur, sur 127.0.0.1 (par défaut : 8081).")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", metavar="HÔTE:PORT",
              help="Adresse de l'aperçu et de l'éditeur (par défaut : 127.0.0.1:8000).")
@click.pass_obj
def edit(config: Path, port: int, dev_addr: str) -> None:
    """Ouvrir l'éditeur de contenu sur cet ordinateur, avec l'aperçu.

    L'éditeur (http://127.0.0.1:8000/info-psoc/admin/) enregistre chaque
    texte par un commit du dépôt local, sur une branche cms/… par texte en
    cours ; « Publier » la fusionne dans la branche principale. Il n'écrit que
    les textes des collections, la liste des membres et les images. Arrêtez
    avec Ctrl+C.

    \b
    Exemples :
      infopsoc edit
      infopsoc edit --port 8091 --dev-addr 127.0.0.1:8010
    """
    from infopsoc.cli import editor_backend  # (its imports are not on a build's path)

    settings = _settings(config)
    host, _, preview_port = dev_addr.rpartition(":")
    if not preview_port.isdigit() or not host:
        raise click.ClickException(f"adresse incomprise : « {dev_addr} » — écrivez-la sous la forme 127.0.0.1:8000")
    for busy in (int(preview_port), port):
        if not editor_backend.port_is_free(host if busy == int(preview_port) else "127.0.0.1", busy):
            raise click.ClickException(editor_backend.busy_port_message(busy))
    root = config.resolve().parent
    path = urllib.parse.urlsplit(settings.site_url).path
    try:
        with editor_backend.EditorBackend(root, editable(settings), port, settings.editor_branch, dev_addr):
            click.echo(f"Éditeur de contenu : http://{dev_addr}{path}admin/   (Ctrl+C pour arrêter)")
            language_config = _language_config(config, DEFAULT_LANGUAGE) or config
            # the preview, as `infopsoc serve` runs it (French lines, the error page, a kill stops it)
            args = ["serve", "--dirty", "--config-file", str(language_config), "--dev-addr", dev_addr]
            code = _engine(args, {**serve_env(False), "INFOPSOC_EDITOR_PORT": str(port)})
    except editor_backend.BackendError as error:
        raise click.ClickException(str(error)) from None
    sys.exit(code)


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


def serve_env(pdf: bool) -> dict[str, str]:
    """The preview's environment: drafts shown; PDFs only when asked."""
    env = {"INFOPSOC_DRAFTS": "1"}
    if pdf:
        env["INFOPSOC_PDF"] = "1"
    return env


def _engine(args: list[str], extra_env: dict[str, str] | None = None) -> int:
    """MkDocs, run by the plugin's French front (plugin/engine.py: French lines, the preview's error page)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(extra_env or {}))
    # (the engine ends with this command, even killed outright: it would go on serving, alone, holding its port)
    with subprocess.Popen([sys.executable, "-m", publish.ENGINE, *args], env=env,
                          preexec_fn=die_with_parent) as process:
        # a `kill` of this command reaches the engine too (it would go on serving, alone)
        previous = signal.signal(signal.SIGTERM, lambda signum, _frame: process.send_signal(signum))
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl+C ends the preview: not an error; the engine says goodbye itself
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)


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


if __name__ == "__main__":  # pragma: no cover  (python -m infopsoc.cli: see __main__.py)
    main()
