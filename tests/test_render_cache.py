"""Pages converted by an earlier build, reused (render_cache.py): never a different site.

Each build here is a real MkDocs build. "A new process" is simulated by emptying the
conversions kept in memory, so that only the cache file of the earlier build is read.
"""

from __future__ import annotations

import logging
import re
import shutil

import pytest

from conftest import bulletin_text, populate
from infopsoc.core import memo
from infopsoc.plugin import render_cache

PAGES_LINE = re.compile(r"Pages : (\d+) converties?, (\d+) reprises?")


def new_process() -> None:
    """Forget what this process converted and read: the next build starts from the cache file."""
    for kept in (render_cache._RECORDS,):
        kept.entries.clear()
        kept.used.clear()
    memo._LOADED.clear()


def no_cache(tree) -> None:
    new_process()
    shutil.rmtree(tree.root / ".cache", ignore_errors=True)


def counts(caplog) -> tuple[int, int]:
    lines = [PAGES_LINE.search(r.getMessage()) for r in caplog.records]
    found = [m for m in lines if m]
    assert found, "the build says how many pages it converted"
    caplog.clear()
    return int(found[-1].group(1)), int(found[-1].group(2))


def files_of(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tree, caplog):
    caplog.set_level(logging.INFO, logger="mkdocs")
    populate(tree)
    tree.write("content/a-propos.md", "# À propos\n\nVoir [le premier numéro](bulletins/info-psoc-01.md) "
                                      "et [la section](cible.md#une-section).\n")
    tree.write("content/cible.md", "# Cible\n\n## Une section\n\nLe PSOC.\n")
    no_cache(tree)
    return tree


def test_a_second_build_reuses_every_page_and_writes_the_same_site(project, caplog):
    # (Material's search plugin is no longer in mkdocs.yml, outputs/search.py: the adapter no longer
    # keeps its entries)
    first = files_of(project.build())
    converted, reused = counts(caplog)
    assert converted > 5 and reused == 0
    new_process()
    second = files_of(project.build())
    assert counts(caplog) == (0, converted)
    assert second.keys() == first.keys()
    assert [path for path in first if first[path] != second[path]] == []


def test_after_an_edit_the_site_is_the_one_a_build_without_cache_writes(project, caplog):
    project.build()
    pages, _ = counts(caplog)
    project.write("bulletins/info-psoc-01.md", bulletin_text(
        1, "Premier numéro", "2017-10-18", body="Le PSOC[^1] en bref, et la CTROC.\n\n[^1]: Une note.\n"))
    new_process()
    cached = files_of(project.build())
    converted, reused = counts(caplog)
    # the bulletin, and the generated pages that show it; not the others
    assert 1 <= converted < pages / 2 and converted + reused == pages
    assert "et la CTROC" in cached["bulletins/info-psoc-01/index.html"].decode()
    no_cache(project)
    fresh = files_of(project.build())
    assert counts(caplog) == (pages, 0)
    assert [path for path in fresh if fresh[path] != cached.get(path)] == []


def test_a_glossary_change_converts_the_pages_again(project, caplog):
    project.build()
    project.write("glossary/psoc.md", "---\nterm: PSOC\nexpansion: \"Programme de soutien (nouvelle forme)\"\n"
                                      "---\nLe programme.\n")
    new_process()
    project.build()
    assert counts(caplog)[1] == 0
    assert 'title="Programme de soutien (nouvelle forme)"' in project.read("bulletins/info-psoc-01/index.html")


def test_a_link_whose_target_is_gone_stops_the_next_build(project, caplog):
    from mkdocs.exceptions import Abort

    project.build()
    (project.root / "content/cible.md").unlink()
    new_process()
    with pytest.raises(Abort):
        project.build()
    assert any("cible.md#une-section" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_a_page_is_reused_only_while_the_files_its_links_found_are_where_they_were(tmp_path):
    from mkdocs.structure.files import File, Files

    def files(*uris, directory_urls=True):
        return Files([File(uri, str(tmp_path), str(tmp_path / "site"), directory_urls) for uri in uris])

    recording = render_cache._RecordingFiles(files("cible.md", "autre.md"))
    assert recording.get_file_from_path("cible.md").url == "cible/"
    assert recording.get_file_from_path("absente.md") is None
    lookups = recording.lookups
    assert render_cache._lookups_unchanged(lookups, files("cible.md", "nouvelle.md"))
    assert not render_cache._lookups_unchanged(lookups, files("autre.md"))  # the target is gone
    assert not render_cache._lookups_unchanged(lookups, files("cible.md", "absente.md"))  # a missing one came
    assert not render_cache._lookups_unchanged(lookups, files("cible.md", directory_urls=False))  # it moved


def test_a_conversion_that_logged_is_not_kept_so_every_build_says_it_again(project, caplog, monkeypatch):
    from mkdocs.structure.pages import Page

    convert = Page.render

    def render(page, config, files):  # MkDocs warns while converting one page (as for a link it cannot place)
        if page.file.src_uri == "a-propos.md":
            logging.getLogger("mkdocs.structure.pages").warning("Doc file 'a-propos.md': un avertissement")
        convert(page, config, files)

    monkeypatch.setattr(Page, "render", render)
    for _ in range(2):
        new_process()
        project.build(strict=False)
        assert any("un avertissement" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
        converted, reused = counts(caplog)
    assert converted == 1 and reused > 5
