"""Property-based: whatever staff type, loading returns items or problems, never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TODAY
from infopsoc.content.bulletins import load_bulletins

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["2017-10", "2017-02-30", "1994", "2017-10-18", "", "10:00", "~", "null"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
keys = st.sampled_from(["number", "title", "date", "summary", "topics", "draft", "term", "expansion", "end", "sources", "x"]) | st.text(max_size=10)
front_matter = st.dictionaries(keys, values, max_size=7)
bodies = st.text(max_size=300)


def _write_and_load(text: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "bulletins").mkdir()
        (root / "bulletins" / "info-psoc-01.md").write_bytes(text)
        return load_bulletins(root / "bulletins", root, TODAY)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter, bodies)
def test_structured_front_matter_never_raises(meta, body):
    dumped = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
    items, problems = _write_and_load(f"---\n{dumped}---\n{body}".encode("utf-8", "surrogatepass"))
    assert items or problems
    for problem in problems:
        assert problem.path == "bulletins/info-psoc-01.md" and problem.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_never_raise(raw):
    items, problems = _write_and_load(raw)
    assert items or problems


# --- reliability: every collection, and the members file ---

from infopsoc.content.checks.capitals import check_pages  # noqa: E402
from infopsoc.content.glossary import load_glossary  # noqa: E402
from infopsoc.content.members import load_members  # noqa: E402
from infopsoc.content.timeline import load_timeline  # noqa: E402

COLLECTIONS = {
    "glossary": ("cisss.md", load_glossary),
    "timeline": ("1994-regionalisation.md", load_timeline),
}


def _load_collection(folder: str, raw: bytes):
    name, loader = COLLECTIONS[folder]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / folder).mkdir()
        (root / folder / name).write_bytes(raw)
        loaded, problems = loader(root / folder, root, TODAY)
        # the checks over every page read the same file: they must hold too
        problems = list(problems) + check_pages(root, [root / folder], load_glossary(root / "none", root, TODAY)[0])
        return list(loaded.terms() if folder == "glossary" else loaded), problems


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(COLLECTIONS)), front_matter, bodies)
def test_collections_structured_front_matter_never_raises(folder, meta, body):
    dumped = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
    items, problems = _load_collection(folder, f"---\n{dumped}---\n{body}".encode("utf-8", "surrogatepass"))
    assert items or [p for p in problems if p.is_error]
    for problem in problems:
        assert problem.path.startswith(folder + "/") and problem.message


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(COLLECTIONS)),
       st.binary(max_size=200) | st.text(max_size=200).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass")))
def test_collections_arbitrary_bytes_never_raise(folder, raw):
    items, problems = _load_collection(folder, raw)
    assert items or [p for p in problems if p.is_error]


members = st.lists(st.dictionaries(st.sampled_from(["url", "name", "region", "nom", "x"]) | st.text(max_size=6),
                                   values, max_size=4) | values, max_size=4)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members | values, st.binary(max_size=120))
def test_members_file_never_raises(data, raw):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "membres.yml"
        for content in (yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass"), raw):
            path.write_bytes(content)
            found, problems = load_members(path, root)
            assert isinstance(found, list)
            for problem in problems:
                assert problem.path == "membres.yml" and problem.message
