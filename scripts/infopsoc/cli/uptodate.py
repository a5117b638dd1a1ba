"""« Nothing changed »: a build whose inputs are exactly those of the last successful build of the
same output folder does nothing but notice it.

A build's inputs, as one fingerprint (:func:`build_inputs`):

- every file of the project (sources, pages, theme, configuration, data, the lock, the package's
  own code when it lives in the project), by content: a folder is left out only when it is never an
  input (version control, caches, installed packages, the output folders themselves);
- the package's own code when it is installed elsewhere, and which version of every installed
  Python distribution (MkDocs, Material, Markdown's extensions, WeasyPrint…) and of the npm packages
  (the editor's bundle comes from node_modules);
- what git says that a build reads (the build's time, ``SOURCE_DATE_EPOCH``; the branches, whose
  bulletin numbers the editor proposes to skip);
- the environment that changes the output (``INFOPSOC_*``, ``PYTHONPATH``, the variables the
  configuration reads with ``!ENV``) and the command's own options.

After a successful build, a record is kept in the project's ``.cache/builds/`` (never in the site:
it would be published): those inputs, and what the site holds now (each file's name, size,
modification time and inode). A build with the same inputs whose site still holds exactly that
changes nothing. A site edited, removed or replaced by hand, a record missing or unreadable, any
changed input: the build runs as usual. The record is taken before the build starts, so that a
file saved while it runs makes the next build run too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import infopsoc
from infopsoc.cli.publish import leftover_prefixes

#: Folders (any depth) that are never an input of a build.
NOT_INPUTS = frozenset({".git", ".cache", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis",
                        ".mypy_cache", ".ruff_cache", ".import_linter_cache", ".venv-lock", "test-output"})
#: Where the records are kept, in the project (git-ignored)
RECORDS = Path(".cache") / "builds"
#: the PDF cache's folder in a configuration file (``pdf_cache_dir``: the build's caches are beside it)
_CACHE_OPTION = re.compile(r"^\s*pdf_cache_dir:\s*[\"']?([^\s\"'#]+)", re.MULTILINE)
#: ``!ENV VARIABLE`` or ``!ENV [VARIABLE, default]`` in a configuration file
_ENV_TAG = re.compile(r"!ENV\s+\[?\s*([A-Za-z_][A-Za-z0-9_]*)")


def build_inputs(root: Path, target: Path, configs: list[Path], options: dict[str, str]) -> str:
    """The fingerprint of everything the build of ``root`` into ``target`` is made from."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")

    add("options", json.dumps(options, sort_keys=True), sys.version)
    skipped = {target.resolve(), (root / "site").resolve(), *_cache_folders(root, configs)}
    for label, folder in _code_folders(root):
        add("folder", label)
        _add_tree(add, folder, skipped, _leftover_names(target) | _leftover_names(root / "site"))
    add("distributions", *_distributions())
    for base in sorted({root.resolve(), Path(infopsoc.__file__).resolve().parents[2]}):
        lock = base / "node_modules" / ".package-lock.json"  # what npm installed (the editor's bundle)
        add("npm", str(lock), lock.read_bytes() if lock.is_file() else b"-")
    add("git", *_git_state(root))
    add("environment", *sorted(f"{k}={v}" for k, v in os.environ.items()
                               if k.startswith("INFOPSOC_") or k in _environment_names(configs) or k == "PYTHONPATH"))
    return digest.hexdigest()


def site_state(target: Path) -> str | None:
    """What ``target`` holds now: every file's and folder's name, size, modification time and inode
    (None: no site there). A file rewritten, touched, added or removed changes it."""
    if not target.is_dir() or target.is_symlink():
        return None
    entries = []
    top = str(target)
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        here = folder[len(top) + 1:]  # the folder's path from the site's root ("" at the root)
        for name in [*dirs, *sorted(files)]:
            try:
                stat = os.lstat(os.path.join(folder, name))
            except OSError:
                return None
            rel = f"{here}/{name}" if here else name
            entries.append(f"{rel}\0{stat.st_mode}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}")
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogatepass")).hexdigest()


def record_file(root: Path, target: Path) -> Path:
    """The record of the last successful build of ``target`` (one per output folder)."""
    name = hashlib.sha256(str(target.resolve()).encode("utf-8")).hexdigest()[:32]
    return root / RECORDS / f"{name}.json"


def is_up_to_date(root: Path, target: Path, inputs: str) -> bool:
    """Whether the last successful build of ``target`` had ``inputs`` and the site is as it left it."""
    try:
        record = json.loads(record_file(root, target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("inputs") != inputs:
        return False
    state = site_state(target)
    return state is not None and record.get("site") == state


def forget(root: Path, target: Path) -> None:
    """Before a build replaces ``target``: no record says it is up to date while it changes."""
    with contextlib.suppress(FileNotFoundError):
        record_file(root, target).unlink()


def remember(root: Path, target: Path, inputs: str) -> None:
    """After a successful build: its inputs and what the site holds now (written atomically)."""
    path = record_file(root, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps({"inputs": inputs, "site": site_state(target), "target": str(target)}),
                         encoding="utf-8")
    os.replace(temporary, path)


# --- the parts of the fingerprint -----------------------------------------------------------------

def _code_folders(root: Path) -> list[tuple[str, Path]]:
    """The project, and the package's own code when it is not inside the project."""
    folders = [("project", root.resolve())]
    package = Path(infopsoc.__file__).resolve().parent
    if not package.is_relative_to(root.resolve()):
        folders.append(("package", package))
    return folders


def _leftover_names(target: Path) -> set[str]:
    """Beside an output folder: what builds make there (staging folders, the previous site being removed)."""
    return set(leftover_prefixes(target))


def _add_tree(add, top: Path, skipped: set[Path], prefixes: set[str]) -> None:
    """Every file under ``top``, by relative name and content (symbolic links by what they point to)."""
    for folder, dirs, files in os.walk(top):
        keep = []
        for name in sorted(dirs):
            path = Path(folder) / name
            if (name in NOT_INPUTS or name.startswith(".venv") or name.endswith(".egg-info")
                    or any(name.startswith(p) for p in prefixes) or path.resolve() in skipped):
                continue
            if path.is_symlink():
                add("link", os.path.relpath(path, top), os.readlink(path))
                continue
            keep.append(name)
        dirs[:] = keep
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, top)
            if os.path.islink(path):
                add("link", rel, os.readlink(path))
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
                add("file", rel, str(len(data)), data)  # the length first: no two files' bytes run together
            except OSError:
                add("unreadable", rel)


def _distributions() -> list[str]:
    """The installed Python distributions with their versions (their ``.dist-info`` folders' names)."""
    found = set()
    for entry in sys.path:
        with contextlib.suppress(OSError):
            for name in os.listdir(entry or "."):
                if name.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")):
                    found.add(name)
    return sorted(found)


def _git_state(root: Path) -> list[str]:
    """The branches and what they point to (the editor proposes numbers no branch holds); empty
    outside git. The build's time (the last commit's) is among the command's options."""
    try:
        result = subprocess.run(["git", "-C", str(root), "for-each-ref", "--format=%(refname) %(objectname)"],
                                capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ["no git"]
    return [str(result.returncode), result.stdout]


def _cache_folders(root: Path, configs: list[Path]) -> set[Path]:
    """The build's caches, when the configuration puts them elsewhere than ``.cache/`` (the folder
    of ``pdf_cache_dir``): written by every build, they are not its inputs."""
    found = set()
    for config in configs:
        with contextlib.suppress(OSError):
            for value in _CACHE_OPTION.findall(config.read_text(encoding="utf-8", errors="replace")):
                folder = (root / value).parent.resolve()
                if folder != root.resolve():
                    found.add(folder)
    return found


def _environment_names(configs: list[Path]) -> set[str]:
    names: set[str] = set()
    for config in configs:
        with contextlib.suppress(OSError):
            names.update(_ENV_TAG.findall(config.read_text(encoding="utf-8", errors="replace")))
    return names
