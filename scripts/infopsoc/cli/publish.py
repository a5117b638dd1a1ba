"""Putting a built site in place without ever losing anything else.

``infopsoc build`` replaces its output folder as a whole. This module decides which folders may be
replaced (never the project, a parent of it, a source folder or ``.git``, never a folder that is not
a site), keeps one build per folder at a time (a lock beside the target), builds beside the target
(same file system: the swap is two renames), removes what killed builds left, gives the new site the
umask's permissions, and turns disk errors into French messages.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import click

from infopsoc.content.model import Settings

#: What a folder built by ``infopsoc build`` always holds (an existing output folder without them is
#: someone's data, never replaced).
SITE_MARKS = ("index.html", "sitemap.xml")


def refuse_dangerous_target(target: Path, settings: Settings, root: Path) -> None:
    """Raise a French error when replacing ``target`` would delete something that is not a site."""
    root = root.resolve()
    if root.is_relative_to(target):
        what = "le dossier du projet" if target == root else "un dossier qui contient le projet"
        raise click.ClickException(f"--site-dir {target} : c'est {what} ; le construire le supprimerait"
                                   " — choisissez un dossier à part, par exemple site/ ou /tmp/apercu")
    protected = {".git": root / ".git", "le thème": root / "theme"}
    for name in ("docs_dir", "bulletins_dir", "glossary_dir", "timeline_dir"):
        protected[getattr(settings, name)] = root / getattr(settings, name)
    protected[Path(settings.members_file).parent.as_posix()] = (root / settings.members_file).parent
    for label, folder in protected.items():
        folder = folder.resolve()
        if folder == root:
            continue
        if target.is_relative_to(folder) or folder.is_relative_to(target):
            raise click.ClickException(f"--site-dir {target} : ce dossier contient des sources du site ({label}) ;"
                                       " le construire les supprimerait — choisissez un dossier à part, par exemple site/")
    if target.exists() and not target.is_dir() or target.is_symlink():
        raise click.ClickException(f"--site-dir {target} : ce n'est pas un dossier ; il serait remplacé"
                                   " — choisissez un dossier vide ou nouveau")
    if target.is_dir() and any(target.iterdir()) and not all((target / mark).is_file() for mark in SITE_MARKS):
        raise click.ClickException(f"--site-dir {target} : ce dossier n'est pas vide et ne contient pas un site"
                                   " construit par infopsoc ; il serait remplacé — choisissez un dossier vide ou nouveau")


@contextlib.contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """One build at a time per output folder: the folder that holds it is locked (``flock``).

    A second build says so in French and waits for the first to end.
    """
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            click.echo(f"une autre construction est en cours dans {target.parent} : attente de sa fin…", err=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def leftovers(target: Path) -> list[Path]:
    """What killed builds of ``target`` left beside it (only ever made by :func:`staging_folder`, :func:`swap`)."""
    found = sorted(target.parent.glob(f".{target.name}-build-*"))
    old = _old(target)
    return [*found, old] if old.exists() else found


def remove_leftovers(target: Path) -> None:
    """Called under the lock: no other build of this folder is running."""
    for path in leftovers(target):
        remove(path)


def staging_folder(target: Path) -> Path:
    """A new folder beside ``target`` (same file system), with the permissions of the umask."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
    staging.chmod(0o777 & ~_umask())
    return staging


def swap(staging: Path, target: Path) -> Path | None:
    """Replace ``target`` by ``staging`` with two renames (no half-written site).

    Returns the previous site, moved aside, for the caller to remove (None when there was none).
    """
    old = _old(target)
    if old.exists():
        remove(old)
    had_site = target.exists()
    if had_site:
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if had_site and not target.exists():
            old.rename(target)  # put the previous site back
        raise
    return old if had_site else None


def remove(path: Path) -> bool:
    """Delete a folder this module made, read-only parts included; False if it stays."""

    def writable_then_retry(function, name, _exc):
        with contextlib.suppress(OSError):
            parent = os.path.dirname(name)
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            os.chmod(name, os.stat(name, follow_symlinks=False).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            function(name)

    if path.is_dir() and not path.is_symlink():
        with contextlib.suppress(OSError):
            path.chmod(path.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)
        shutil.rmtree(path, onerror=writable_then_retry)
        if path.exists():  # a folder is removed after its content: once more, now that it is writable
            shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return not path.exists()


def disk_message(exc: OSError, target: Path) -> str:
    """A disk error while putting the site in place, in French (no traceback)."""
    where = exc.filename or target
    if exc.errno == errno.ENOSPC:
        return (f"le disque est plein ({where}) ; site/ n'a pas été modifié — libérez de la place "
                "(par exemple en supprimant .cache/), puis relancez")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"pas le droit d'écrire dans {where} ; site/ n'a pas été modifié — vérifiez les droits du dossier "
                "(ou choisissez-en un autre avec --site-dir)")
    return f"erreur du disque ({exc.strerror or exc}) sur {where} ; site/ n'a pas été modifié — vérifiez le disque, puis relancez"


DISK_FULL = ("No space left on device", "[Errno 28]")


#: The engine's command: MkDocs run by the plugin's French front (plugin/engine.py), in place of
#: ``python -m mkdocs``, whose lines are English.
ENGINE = "infopsoc.plugin.engine"


def mkdocs_build(args: list[str], extra_env: dict[str, str]) -> tuple[int, bool]:
    """Run MkDocs (through :data:`ENGINE`); its messages (both streams, French) are passed on to stderr
    as they come. Returns (exit code, whether the disk was full)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **extra_env)
    disk_full = False
    with subprocess.Popen([sys.executable, "-m", ENGINE, *args], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace") as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stderr.write(line)
            disk_full = disk_full or any(mark in line for mark in DISK_FULL)
    sys.stderr.flush()
    return process.returncode, disk_full and process.returncode != 0


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}-old")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
