"""Putting a built site in place without ever losing anything else.

``infopsoc build`` replaces its output folder as a whole. This module decides which folders may be
replaced (never the project, a parent of it, a source folder or ``.git``, never a folder that is not
a site), keeps one build per folder at a time (a lock of that folder), builds beside the target
(same file system: the swap is two renames), removes what killed builds left, gives the new site the
umask's permissions, and turns disk errors into French messages.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import fcntl
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import click

from infopsoc.content.model import Settings
from infopsoc.core.processes import die_with_parent

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
    tracked = tracked_files(target)
    if tracked:
        shown = ", ".join(tracked[:3]) + (" …" if len(tracked) > 3 else "")
        raise click.ClickException(f"--site-dir {target} : ce dossier contient {len(tracked)} fichier(s) suivi(s) par git"
                                   f" ({shown}) ; le construire les remplacerait — choisissez un dossier à part,"
                                   " par exemple site/ ou /tmp/apercu")
    if target.is_dir() and any(target.iterdir()) and not all((target / mark).is_file() for mark in SITE_MARKS):
        raise click.ClickException(f"--site-dir {target} : ce dossier n'est pas vide et ne contient pas un site"
                                   " construit par infopsoc ; il serait remplacé — choisissez un dossier vide ou nouveau")


def tracked_files(target: Path) -> list[str]:
    """The files under ``target`` that a git repository tracks (``tests/golden/site``), as git names them."""
    if not target.is_dir():
        return []
    try:
        result = subprocess.run(["git", "-C", str(target), "ls-files", "-z", "--", "."], capture_output=True,
                                text=True, check=False)
    except OSError:  # git is not installed
        return []
    return sorted(filter(None, result.stdout.split("\0"))) if result.returncode == 0 else []


@contextlib.contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """One build at a time per output folder: a lock file of this folder (``flock``), in the user's
    temporary folder, named by the folder's path. Builds of other folders, beside it, do not wait.

    A second build of the same folder says so in French and waits for the first to end.
    """
    fd = os.open(lock_file(target), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            click.echo(f"une autre construction est en cours dans {target} : attente de sa fin…", err=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def lock_file(target: Path) -> Path:
    """The lock of one output folder (never in the project: nothing is left beside the sources)."""
    folder = Path(tempfile.gettempdir()) / f"infopsoc-verrous-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    name = hashlib.sha256(str(target.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / f"{name}.lock"


def leftover_prefixes(target: Path) -> tuple[str, ...]:
    """The names beside ``target`` that only builds make: staging folders, the previous site, its removal."""
    return (f".{target.name}-build-", f".{target.name}-removed-", f".{target.name}-old")


def leftovers(target: Path) -> list[Path]:
    """What killed builds of ``target`` left beside it (only ever made by :func:`staging_folder`,
    :func:`swap`, :func:`discard`)."""
    found = sorted([*target.parent.glob(f".{target.name}-build-*"), *target.parent.glob(f".{target.name}-removed-*")])
    old = _old(target)
    return [*found, old] if old.exists() else found


def remove_leftovers(target: Path) -> None:
    """Called under the lock: no other build of this folder is running. A previous site being removed
    (:func:`discard`) may still be under way in the background: it is left to a remover in the
    background too (waiting for it here made a build that finds nothing changed wait seconds)."""
    removing = f".{target.name}-removed-"
    for path in leftovers(target):
        if path.name.startswith(removing):
            _remove_in_background(path)
        else:
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


# --- performance ---
def discard(old: Path, target: Path) -> bool:
    """Remove the previous site (moved aside by :func:`swap`) without making the build wait for it.

    Deleting a site is deleting every file of it (16 000 at 1 000 bulletins: up to a third of a
    rebuild's time measured on a busy machine). The new site is already in place: the old one is
    renamed ``.site-removed-…`` and removed by a child process of its own, which the command does
    not wait for. A removal cut short (the machine stopped) is finished by the next build
    (:func:`remove_leftovers`). False when it could not even be renamed: then it is removed here.
    """
    trash = target.with_name(f".{target.name}-removed-{os.getpid()}-{time.monotonic_ns()}")
    try:
        old.rename(trash)
    except OSError:
        return remove(old)
    return _remove_in_background(trash)


def _remove_in_background(trash: Path) -> bool:
    """Remove ``trash`` by a child process of its own, not waited for (see :func:`discard`)."""
    try:
        pid = os.fork()
    except OSError:
        return remove(trash)
    if pid == 0:  # the child: its own session (a Ctrl+C of the terminal does not cut it), no stream or
        try:      # lock of the command kept open (whoever reads its output, or waits for the lock, is done)
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.closerange(3, 65536)
            remove(trash)
        finally:
            os._exit(0)
    return True


def remove(path: Path) -> bool:
    """Delete a folder this module made, read-only parts included; False if it stays."""

    def writable_then_retry(function, name, _exc):
        with contextlib.suppress(OSError):
            parent = os.path.dirname(name)
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            # a file's own mode is left alone: removing it needs only its folder's, and the file may be
            # a page of the new site too (a hard link: pipeline/reuse.py)
            if stat.S_ISDIR(os.lstat(name).st_mode):
                os.chmod(name, os.lstat(name).st_mode | stat.S_IWUSR | stat.S_IXUSR)
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

#: ``infopsoc build --engine NAME``: the module each engine runs (same arguments, French lines).
#: MkDocs is the default; the others are optional (``make build ENGINE=…`` installs them).
ENGINES = {"mkdocs": ENGINE,
           "properdocs": "infopsoc.engines.properdocs",
           "zensical": "infopsoc.engines.zensical"}
DEFAULT_ENGINE = "mkdocs"


#: MkDocs' English line before a page's error; the error that follows names the source.
_PAGE_ERROR = re.compile(r"^(ERROR\s+-\s+|erreur : )Error (?:reading|building) page '(.*)':(.*)$")


def run_engines(runs: list[tuple[list[str], dict[str, str]]], module: str = ENGINE) -> list[tuple[int, bool]]:
    """Run several engines at once (``runs``: each one's arguments and environment; one per language;
    each through ``module``, :data:`ENGINE` by default, which says MkDocs' lines in French). Their messages
    (both streams) are passed on to stderr, but a Python traceback: that is kept in a file, named in a
    French message (a content mistake never shows staff a traceback). Never interleaved: the first's as they come,
    each next one's whole once the previous one has ended. When one fails, the ones after it are
    stopped (their messages would repeat the same mistakes) and said nothing of. An interruption
    (Ctrl+C, kill) stops them all. Returns each one's (exit code, whether the disk was full)."""
    started: list[_EngineRun] = []
    try:
        for args, extra_env in runs:
            started.append(_EngineRun(args, extra_env, module, live=not started))
        results: list[tuple[int, bool]] = []
        for index, run in enumerate(started):
            code, disk_full = run.wait()
            results.append((code, disk_full))
            if code != 0:
                for later in started[index + 1:]:
                    later.stop()
                    results.append((-1, False))
                break
            if index + 1 < len(started):
                started[index + 1].go_live()
        return results
    except BaseException:  # --- reliability --- interrupted (Ctrl+C, kill): every engine goes with it
        for run in started:
            run.stop()
        raise


class _EngineRun:
    """One engine's process, its lines read by a thread: written to stderr when ``live``, kept until then."""

    def __init__(self, args: list[str], extra_env: dict[str, str], module: str, live: bool):
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **extra_env)
        self.disk_full, self.page, self._live = False, None, live
        self.traceback: list[str] = []
        self._kept: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen([sys.executable, "-m", module, *args], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, errors="replace",
                                        start_new_session=True,
                                        preexec_fn=die_with_parent)  # (SIGTERM when infopsoc ends, even killed outright)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _say(self, line: str) -> None:
        with self._lock:
            if self._live:
                sys.stderr.write(line)
            else:
                self._kept.append(line)

    def go_live(self) -> None:
        with self._lock:
            sys.stderr.writelines(self._kept)
            self._kept.clear()
            self._live = True

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # the stream closed under it: the engine was stopped
            self._read_lines()

    def _read_lines(self) -> None:
        in_traceback = False
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.disk_full = self.disk_full or any(mark in line for mark in DISK_FULL)
            if line.startswith("Traceback (most recent call last):"):
                in_traceback = True
            if in_traceback:
                self.traceback.append(line)
                # the traceback ends on the exception's own line (not indented, not a chaining line)
                if line.strip() and not line[0].isspace() and not line.startswith(
                        ("Traceback", "During handling", "The above exception")):
                    in_traceback = False
                continue
            found = _PAGE_ERROR.match(line)
            if found:
                self.page = found.group(2)
                detail = found.group(3).strip()
                line = f"erreur : page {self.page} :{' ' + detail if detail else ''}\n"
            self._say(line)

    def wait(self) -> tuple[int, bool]:
        """Wait for the engine to end (interruptible), then its last messages; (exit code, disk full)."""
        while self._reader.is_alive():
            self._reader.join(0.2)
        while True:
            try:
                code = self.process.wait(0.2)
                break
            except subprocess.TimeoutExpired:
                continue
        self.process.stdout.close()
        self.go_live()
        sys.stderr.flush()
        if self.traceback and not self.disk_full:
            sys.stderr.write(_internal_error(self.traceback, self.page) + "\n")
        return code, self.disk_full and code != 0

    def stop(self) -> None:
        _stop(self.process)  # its reader ends with its output


def _internal_error(traceback: list[str], page: str | None) -> str:
    """A French message for a traceback, the traceback itself kept in a file for whoever maintains the site."""
    last = traceback[-1].strip()
    fd, name = tempfile.mkstemp(prefix="infopsoc-erreur-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as kept:
        kept.writelines(traceback)
    where = f" (page {page})" if page else ""
    if last.startswith("RecursionError"):
        return (f"erreur : un texte est imbriqué trop profondément{where} — simplifiez les listes, citations ou "
                f"balises imbriquées (infopsoc check les situe) ; détail technique : {name}")
    if last.startswith("MemoryError"):
        return (f"erreur : la mémoire a manqué pendant la construction{where} — un texte ou un tableau est sans doute "
                f"trop grand : découpez-le ; détail technique : {name}")
    return (f"erreur interne de la construction{where} ({last[:200]}) — signalez-la à la personne qui entretient "
            f"le site en joignant le fichier {name}")


def terminated(_signum, _frame) -> None:
    """SIGTERM (``kill``) as an interruption: MkDocs is stopped and the staging folder removed."""
    raise KeyboardInterrupt


def _stop(process: subprocess.Popen) -> None:
    """End MkDocs and what it started (its PDF workers): its whole process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}-old")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
