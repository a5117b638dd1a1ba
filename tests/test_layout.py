"""The package's layout keeps its promises (ARCHITECTURE.md): the contracts are checked by
`lint-imports` in `make test`; what import-linter does not check is checked here."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "scripts" / "infopsoc"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("infopsoc"):
            yield node, node.module, [alias.name for alias in node.names]


def test_no_private_name_is_imported_across_modules():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node, module, names in _imports(path):
            found += [f"{path.relative_to(REPO)}:{node.lineno}: {module}.{name}" for name in names
                      if name.startswith("_")]
    assert found == []


def test_no_relative_imports():
    """Absolute imports only: a module's place in the pipeline reads from its imports."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(REPO)}:{n.lineno}" for n in ast.walk(tree)
                  if isinstance(n, ast.ImportFrom) and n.level]
    assert found == []


def test_every_folder_is_in_the_layers_contract():
    """A new top-level folder must take its place among the layers (the contract is exhaustive)."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    named = {part.strip() for layer in layers["layers"] for part in layer.split("|")}
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert layers["exhaustive"] is True
    assert folders == named == {"core", "content", "render", "outputs", "pipeline", "plugin", "cli", "engines"}


def test_the_contracts_hold():
    """`lint-imports` itself (make test runs it first; this gives its report in the test run)."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 kept, 0 broken" in result.stdout  # 4, and the engines' three (engines/: Zensical, ProperDocs, no MkDocs)


def test_the_pipeline_and_the_outputs_import_no_engine():
    """The contract that keeps the pipeline engine-neutral is there, and names every engine."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    forbidden = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "forbidden"]
    neutral = next(c for c in forbidden if "infopsoc.pipeline" in c["source_modules"] and "zensical" in c["forbidden_modules"])
    assert {"infopsoc.pipeline", "infopsoc.outputs"} <= set(neutral["source_modules"])
    assert {"mkdocs", "material", "zensical", "properdocs"} <= set(neutral["forbidden_modules"])


def test_the_contract_catches_an_engine_import_in_the_pipeline(tmp_path):
    """The contract is not one that cannot fail: a copy of the package whose pipeline imports MkDocs breaks it."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "scripts/infopsoc", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    module = copy / "scripts/infopsoc/pipeline/prepare.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nimport mkdocs  # noqa\n", encoding="utf-8")
    lint = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(copy / "scripts")}
    result = subprocess.run([str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode != 0
    assert "The pipeline and the outputs import no engine" in result.stdout and "BROKEN" in result.stdout


def test_the_entry_points_stay():
    """The plugin's name in mkdocs.yml, the console script and `python -m infopsoc.cli`."""
    from importlib.metadata import entry_points

    (plugin,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "infopsoc"]
    assert plugin.value == "infopsoc.plugin:InfoPsocPlugin" and plugin.load().__name__ == "InfoPsocPlugin"
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "infopsoc"]
    assert script.value == "infopsoc.cli:main"
    result = subprocess.run([sys.executable, "-m", "infopsoc.cli", "--help"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "Utilisation : python -m infopsoc.cli" in result.stdout


def test_code_version_covers_every_subpackage(tmp_path):
    """A change in any subpackage's module or template changes the caches' key."""
    import shutil

    from infopsoc.core import memo

    copy = tmp_path / "infopsoc"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert memo.package_fingerprint(copy) == memo.code_version()
    for nested in ("render/templates/archive.md.j2", "outputs/pdf/jobs.py", "content/checks/links.py"):
        path = copy / nested
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert memo.package_fingerprint(copy) != memo.code_version(), nested
        path.write_bytes(original)
