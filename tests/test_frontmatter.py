"""The written form of front matter, declared once as cases (tests/fixtures/frontmatter-form.json),
given by both writers: Python's (content/frontmatter.py, `infopsoc new`) here, the editor's
(infopsoc-admin.js, InfoPsocFrontMatter) by tests/js/frontmatter.test.js, which this module runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO
from infopsoc.content import bulletins, glossary, timeline
from infopsoc.content.frontmatter import KINDS, describe, dump
from infopsoc.content.sources import YamlLoader

FORM = json.loads((REPO / "tests/fixtures/frontmatter-form.json").read_text(encoding="utf-8"))
CASES = FORM["cases"]


def _kept(meta: dict, description: dict) -> dict:
    """What reading the text back gives: the form leaves out the editor's notes, empty values, a
    false switch and a group's empty fields."""
    out = {}
    for key, value in meta.items():
        kind = description["kinds"].get(key, "")
        if key.startswith("_infopsoc") or value is None or value == "" or (kind == "bool" and value is False):
            continue
        out[key] = [{k: v for k, v in item.items() if v not in (None, "")} if isinstance(item, dict) else item
                    for item in value] if isinstance(value, list) else value
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:60] for c in CASES])
def test_the_python_writer_gives_each_declared_case(case):
    text = dump(case["meta"], FORM["description"])
    assert text == case["text"]
    assert (yaml.load(text[4:-4], Loader=YamlLoader) or {}) == _kept(case["meta"], FORM["description"])


def test_the_declared_cases_cover_every_kind_of_field():
    """A kind added to the Python writer (frontmatter.KINDS) needs its cases, or the editor's writer
    could write it otherwise unseen; every collection's fields are of a declared kind."""
    description = FORM["description"]
    used = {description["kinds"][key] for case in CASES for key in case["meta"] if key in description["kinds"]}
    assert set(KINDS) <= set(description["kinds"].values()) and set(KINDS) <= used
    for schema in (bulletins.SCHEMA, glossary.SCHEMA, timeline.SCHEMA):
        assert set(describe(schema)["kinds"].values()) <= set(KINDS)


def test_the_editor_writer_gives_each_declared_case():
    """tests/js/frontmatter.test.js, run by node's own test runner on the same cases."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node manque (Node 20) : il fait tourner les tests de l'éditeur")
        pytest.skip("node manque")
    result = subprocess.run([node, "--test", str(REPO / "tests/js/frontmatter.test.js")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", result.stdout, re.M)
    assert passed and int(passed.group(1)) >= len(CASES) and re.search(r"^# fail 0$", result.stdout, re.M)
