"""The locks install on a fresh machine, today and after the registry has moved on.

``requirements.lock`` (what ``make build`` installs) and ``requirements-dev.lock`` (what ``make test``
adds) pin every package with its hashes. The pip that ships with Python 3.11 (23.2.1) stops in
hash-checking mode when a package asks for another with an extra (WeasyPrint: ``fonttools[woff]``)
and the lock pins that package without it: once a newer release is published, pip resolves the
extra to it and refuses. So the locks write such pins with their extras, ``make lock`` keeps
writing them so, and a real install with each Python's own pip proves it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock", "requirements-engines.lock")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]+)\])?==(\S+)", re.MULTILINE)


def pins(lock: str) -> dict[str, tuple[set[str], str]]:
    """``{canonical name: (extras, version)}`` of a lock file."""
    text = (REPO / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): ({e.strip() for e in extras.split(",")} if extras else set(), version)
            for name, extras, version in PIN.findall(text)}


def _asked_with_extras(name: str, extras: set[str], environment: dict) -> list[Requirement]:
    """The requirements of the installed package ``name`` (with ``extras``) that name an extra."""
    asked = []
    for line in metadata.requires(name) or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker and not any(marker.evaluate({**environment, "extra": extra}) for extra in extras | {""}):
            continue
        if requirement.extras:
            asked.append(requirement)
    return asked


@pytest.mark.parametrize("lock", LOCKS)
def test_a_package_asked_for_with_an_extra_is_pinned_with_it(lock):
    """Every ``pkg[extra]`` a locked package asks for (on Python 3.11, Linux) is pinned as ``pkg[extra]==``."""
    from packaging.markers import default_environment

    environment = {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.0",
                   "sys_platform": "linux", "platform_system": "Linux"}
    locked = pins(lock)
    assert "weasyprint" in locked and "fonttools" in locked
    missing = []
    for name, (extras, version) in locked.items():
        try:
            assert metadata.version(name) == version, f"{name}: the venv is not the lock's ({lock})"
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} of {lock} is not installed in this venv: run `make test`, which installs it")
        for requirement in _asked_with_extras(name, extras, environment):
            target = canonicalize_name(requirement.name)
            if target in locked and not requirement.extras <= locked[target][0]:
                missing.append(f"{name} asks for {requirement}; {lock} pins {target} with {sorted(locked[target][0])}")
    assert not missing, missing
    assert locked["fonttools"][0] >= {"woff"}  # the case that stopped every fresh install in 2026-12


def test_the_two_locks_agree():
    """The build's lock is the dev lock's subset: the same version of every package it holds."""
    build, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: version for name, (_, version) in build.items()} == \
        {name: dev[name][1] for name in build if name in dev}
    assert set(build) < set(dev)
    assert "playwright" not in build and "pytest" not in build  # what only the tests need stays out of the build


def test_the_engines_lock_adds_the_engines_and_changes_nothing_of_the_build():
    """requirements-engines.lock (``make build ENGINE=zensical|properdocs``) is the build's lock plus the
    engines and what only they need, at the dev lock's versions (which holds them too: the shadow build
    runs in ``make test``): installing it never moves a package the MkDocs build uses."""
    build, dev, engines = pins("requirements.lock"), pins("requirements-dev.lock"), pins("requirements-engines.lock")
    assert {name: build[name] for name in build} == {name: engines[name] for name in build}
    assert all(engines[name][1] == dev[name][1] for name in engines)
    assert set(engines) - set(build) == {"zensical", "properdocs", "deepmerge", "tomli"}
    assert engines["zensical"][1] == "0.0.73"  # every 0.1.x needs zensical-ui, which the registry does not serve


def test_make_lock_writes_the_locks_as_they_are():
    """Each lock's header is the command ``make lock`` runs, extras kept (``--no-strip-extras``)."""
    dry_run = subprocess.run(["make", "-n", "lock"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    commands = [" ".join(line.replace("--quiet", "").split()).replace(".venv-lock/bin/", "")
                for line in dry_run.splitlines() if "pip compile" in line]
    for lock in LOCKS:
        header = (REPO / lock).read_text(encoding="utf-8").splitlines()[1].lstrip("# ").strip()
        assert header in commands, (lock, header, commands)
        assert "--no-strip-extras" in header and "--generate-hashes" in header


def _base_python() -> Path:
    """The Python this venv was made from."""
    return Path(getattr(sys, "_base_executable", sys.executable))


def _pythons() -> list[Path]:
    """The Pythons the README supports (3.11 and newer) that this machine has: on the PATH, or pyenv's."""
    found: dict[str, Path] = {}
    candidates = [_base_python()]
    candidates += [Path(p) / f"python3.{minor}" for p in os.environ.get("PATH", "").split(os.pathsep)
                   for minor in range(11, 20)]
    candidates += sorted((Path.home() / ".pyenv/versions").glob("3.*/bin/python3"))
    for python in candidates:
        if not python.is_file():
            continue
        try:
            version = subprocess.run([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                     capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if re.fullmatch(r"3\.(1[1-9])", version) and version not in found:
            found[version] = python
    return [found[v] for v in sorted(found, key=lambda v: int(v.split(".")[1]))]


def _fresh_venv(python: Path, where: Path) -> tuple[list[str], str]:
    """A new venv made by ``python``, with the pip that ships with it (checked, never upgraded)."""
    subprocess.run([str(python), "-m", "venv", str(where)], check=True, capture_output=True)
    pip = [str(where / "bin/python"), "-m", "pip"]
    bundled = subprocess.run([str(where / "bin/python"), "-c", "import ensurepip; print(ensurepip.version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    version = subprocess.run([*pip, "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    assert version == bundled, "the venv's pip must be the one that ships with this Python"
    return pip, version


def _install(pip: list[str], lock: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([*pip, "install", "--quiet", "--no-compile", "--require-hashes", *options, "-r", str(lock)],
                          capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})


def test_the_locks_install_with_the_pip_that_ships_with_python(tmp_path):
    """The build's Python: a fresh venv, its bundled pip, the two locks installed as ``make`` does."""
    pip, version = _fresh_venv(_base_python(), tmp_path / "venv")
    for lock in LOCKS:
        result = _install(pip, REPO / lock)
        assert result.returncode == 0, f"pip {version} refuses {lock}:\n{result.stderr[-3000:]}"
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    installed = subprocess.run([*pip, "list", "--format=freeze"], capture_output=True, text=True, check=True).stdout
    assert f"fonttools=={pins('requirements.lock')['fonttools'][1]}" in installed


@pytest.mark.parametrize("python", [p for p in _pythons() if p != _base_python()] or [_base_python()],
                         ids=lambda p: str(p))
def test_every_python_s_own_pip_accepts_the_locks(python, tmp_path):
    """Every other supported Python this machine has: its bundled pip resolves both locks (a dry run
    checks versions, extras and hashes, the step that failed, without installing)."""
    pip, version = _fresh_venv(python, tmp_path / "venv")
    for lock in LOCKS:
        result = _install(pip, REPO / lock, "--dry-run")
        assert result.returncode == 0, f"pip {version} ({python}) refuses {lock}:\n{result.stderr[-3000:]}"


def test_a_pin_without_its_extra_is_what_breaks_pip_23(tmp_path):
    """The failure this file guards against, reproduced: the same lock with ``fonttools[woff]`` written
    ``fonttools`` is refused by Python 3.11's pip as soon as a newer fonttools is published (4.69.1 is)."""
    stripped = tmp_path / "stripped.lock"
    stripped.write_text((REPO / "requirements.lock").read_text(encoding="utf-8").replace("fonttools[woff]==", "fonttools=="),
                        encoding="utf-8")
    pip, version = _fresh_venv(_base_python(), tmp_path / "venv")
    if version != "23.2.1":
        pytest.skip(f"the case is pip 23.2.1's (Python 3.11.x); this Python ships pip {version}")
    result = _install(pip, stripped, "--dry-run")
    assert result.returncode != 0 and "fonttools[woff]" in result.stderr, result.stderr[-2000:]


# --- the system packages: one list (tools/system/packages.txt), checked before any test -------------

def _system_copy(tmp_path: Path, packages: str) -> Path:
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "install.sh").write_bytes((REPO / "tools/system/install.sh").read_bytes())
    (folder / "packages.txt").write_text(packages, encoding="utf-8")
    return folder / "install.sh"


def test_a_missing_system_package_is_named_with_the_command_to_run(tmp_path):
    script = _system_copy(tmp_path, "# package probe needed\n"
                                    "bash  cmd:bash  build\n"
                                    "paquet-absent  file:/nulle/part/emoji-test.txt  test  # a comment\n"
                                    "autre-absent  lib:infopsoc-nothing-such  build\n")
    result = subprocess.run(["bash", str(script), "--check", "test"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Il manque des paquets système : paquet-absent autre-absent."
                                     " Installez-les avec : sudo tools/system/install.sh test")
    build_only = subprocess.run(["bash", str(script), "--check", "build"], capture_output=True, text=True)
    assert build_only.returncode == 1 and "paquet-absent" not in build_only.stderr and "autre-absent" in build_only.stderr


def test_the_benchmark_s_packages_are_asked_only_by_make_bench(tmp_path):
    """Hugo (the benchmark's reference) is never a condition of `make build` or `make test`."""
    script = _system_copy(tmp_path, "bash  cmd:bash  build\nhugo-absent  cmd:infopsoc-no-such-hugo  bench\n")
    for scope in ("build", "test"):
        assert subprocess.run(["bash", str(script), "--check", scope], capture_output=True).returncode == 0
    bench = subprocess.run(["bash", str(script), "--check", "bench"], capture_output=True, text=True)
    assert bench.returncode == 1 and "hugo-absent" in bench.stderr and "install.sh bench" in bench.stderr
    assert "install.sh bench" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_the_tests_start_only_when_the_system_packages_are_there(tmp_path):
    """pytest stops before any test, with the French sentence, when a package of the list is missing."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "tools").mkdir()
    (project / "tests/conftest.py").write_bytes((REPO / "tests/conftest.py").read_bytes())
    (project / "tests/test_nothing.py").write_text("def test_nothing():\n    raise AssertionError('ran')\n")
    script = _system_copy(project / "tools", "chromium  file:/nulle/part/chromium  test\n")
    assert script == project / "tools/system/install.sh"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")],
                            capture_output=True, text=True, cwd=project)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Il manque des paquets système : chromium" in result.stdout + result.stderr
    assert "ran" not in result.stdout


def test_ci_and_the_workflows_install_the_one_list():
    assert "tools/system/install.sh" in (REPO / ".ci/run").read_text(encoding="utf-8")
    for workflow in sorted((REPO / ".github/workflows").glob("*.yml")):
        text = workflow.read_text(encoding="utf-8")
        if "make test" in text or "make build" in text:
            assert "tools/system/install.sh" in text and "apt-get install" not in text, workflow.name


# --- drift caught before staff meet it: the weekly workflow, the lock refresh, Dependabot ---------

WORKFLOWS = REPO / ".github/workflows"


def _yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_weekly_workflow_runs_the_readme_on_fresh_runners_and_audits():
    workflow = _yaml(WORKFLOWS / "dependances.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"].endswith("1") and "workflow_dispatch" in triggers  # weekly, and by hand
    readme = workflow["jobs"]["readme"]
    assert readme["strategy"]["matrix"]["python"][0] == "3.11"
    runs = [step.get("run", "") for step in readme["steps"]]
    uses = " ".join(step.get("uses", "") for step in readme["steps"])
    assert runs[-2:] == ["make build", "make test"]  # the README's two commands, as written
    assert "actions/cache" not in uses  # a fresh machine: nothing restored
    audit = [step.get("run", "") for step in workflow["jobs"]["audit"]["steps"]]
    assert "tools/audit.sh python" in audit and "tools/audit.sh npm" in audit
    assert workflow["jobs"]["report"]["if"].startswith("failure()")  # a failure opens an issue


def test_the_python_locks_are_refreshed_by_make_lock_in_a_tested_pull_request():
    job = _yaml(WORKFLOWS / "verrous.yml")["jobs"]["relock"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "make lock UPGRADE=1" in script
    assert script.index("make test") < script.index("gh pr create")


def test_dependabot_updates_npm_and_the_actions_weekly_in_groups():
    config = _yaml(REPO / ".github/dependabot.yml")
    assert config["version"] == 2
    updates = {(u["package-ecosystem"], u["directory"]): u for u in config["updates"]}
    npm_locks = {"/" + lock.parent.relative_to(REPO).as_posix() for lock in REPO.glob("tools/*/package-lock.json")}
    assert {directory for (ecosystem, directory) in updates if ecosystem == "npm"} == {"/", *npm_locks}
    assert ("github-actions", "/") in updates
    for update in updates.values():
        assert update["schedule"]["interval"] == "weekly" and update["groups"]


def test_the_audit_says_when_the_advisories_cannot_be_reached_and_passes():
    """Advisory databases are reachable from GitHub, not from every machine: no answer, a sentence, exit 0."""
    env = {**os.environ, "https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    env.pop("GITHUB_ACTIONS", None)
    for what in ("python", "npm"):
        result = subprocess.run(["bash", str(REPO / "tools/audit.sh"), what], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        assert "injoignable" in result.stdout and "rien n'a été vérifié" in result.stdout
    wrong = subprocess.run(["bash", str(REPO / "tools/audit.sh"), "rien"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "usage" in wrong.stderr
