"""Property-based: whatever staff type, loading returns items or problems, never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TODAY
from infopsoc.bulletins import load_bulletins

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
