"""The editor's configuration is generated from the collections' schemas (one schema, three uses)."""

from __future__ import annotations

import json
import re
import subprocess

import yaml

import pytest

from conftest import REPO, Tree, populate, search_index_pages
from infopsoc.cli import scaffold
from infopsoc.content import bulletins, glossary, members, timeline
from infopsoc.content.frontmatter import describe, dump
from infopsoc.core.dates import PartialDate
from infopsoc.core.urls import SEARCH_BUNDLE
from infopsoc.outputs import admin
from infopsoc.content.sources import YamlLoader as _Loader


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Tree:
    tree = populate(Tree(tmp_path_factory.mktemp("admin") / "projet"))
    tree.build()
    return tree


def _config(built) -> dict:
    return yaml.safe_load((built.root / "site/admin/config.yml").read_text(encoding="utf-8"))


def _collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def test_every_schema_field_is_in_the_editor_and_no_other(built):
    config = _config(built)
    for name, schema in admin.collection_schemas().items():
        fields = [f["name"] for f in _collection(config, name)["fields"]]
        assert fields == [*schema.fields, "body"], name
        for field in _collection(config, name)["fields"]:
            if field["name"] in schema.fields:
                spec = schema.fields[field["name"]]
                assert field["required"] == spec.required, (name, field["name"])
                assert spec.hint in field.get("hint", ""), (name, field["name"])  # the comment `infopsoc new` writes
    member_fields = _collection(config, "members")["files"][0]["fields"][0]["fields"]
    assert [f["name"] for f in member_fields] == list(members.FIELDS)


def test_a_field_added_to_a_schema_appears_in_the_editor(monkeypatch, built):
    from infopsoc.content.schema import Field, Schema, text
    extended = Schema("un bulletin", [*bulletins.SCHEMA.fields.values(), Field("subtitle", text, hint="un sous-titre")])
    original = admin.collection_schemas()
    monkeypatch.setattr(admin, "collection_schemas", lambda: dict(original, bulletins=extended))
    from infopsoc.content.model import Settings
    from infopsoc.content.site import load_site
    site, _report = load_site(Settings.from_mkdocs_yml(built.root / "mkdocs.yml"))
    fields = _collection(admin.decap_config(site), "bulletins")["fields"]
    assert [f["name"] for f in fields][-2:] == ["subtitle", "body"]
    assert fields[-2]["hint"] == "un sous-titre"


def test_editor_settings(built):
    config = _config(built)
    assert config["locale"] == "fr"
    assert config["publish_mode"] == "editorial_workflow"
    assert config["i18n"] == {"structure": "multiple_files", "locales": ["fr", "en"], "default_locale": "fr"}
    numbers = [b for b in _collection(config, "bulletins")["fields"] if b["name"] == "number"]
    assert numbers[0]["default"] == 2  # the next free number (the project has number 1)
    draft = next(f for f in _collection(config, "bulletins")["fields"] if f["name"] == "draft")
    assert draft["default"] is True
    body = next(f for f in _collection(config, "bulletins")["fields"] if f["name"] == "body")
    assert body["modes"] == ["raw"]


def test_the_editor_is_served_from_the_site_and_kept_out_of_search_sitemap_and_feeds(built):
    site = built.root / "site"
    admin_dir = site / "admin"
    page = (admin_dir / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    for src in re.findall(r'src="([^"]+)"', page):
        assert "//" not in src and (admin_dir / src).is_file(), src  # no CDN: every script is in the site
    assert (admin_dir / "decap-cms.js").stat().st_size > 1_000_000
    for rel in ("sitemap.xml", "rss.xml", "atom.xml"):
        assert "admin" not in (site / rel).read_text(encoding="utf-8"), rel
    indexed = search_index_pages(site / SEARCH_BUNDLE)  # the search's index
    assert indexed and not any("admin" in url for url in indexed), sorted(indexed)
    for html in site.rglob("*.html"):  # no public page loads any of the editor's code
        if admin_dir not in html.parents:
            assert "decap" not in html.read_text(encoding="utf-8").lower(), html
    assert not (site / "en/admin").exists()
    fields = json.loads((admin_dir / "infopsoc-fields.json").read_text(encoding="utf-8"))
    assert fields["collections"]["bulletins"] == describe(bulletins.SCHEMA)
    assert any("main" in css for css in fields["stylesheets"]) and any("infopsoc.css" in css for css in fields["stylesheets"])


def test_new_files_are_written_in_the_one_form(tmp_path):
    """`infopsoc new` writes the form of content/frontmatter.py: reading it back and writing it again
    gives the same text (so an editor save of an unchanged scaffold changes nothing)."""
    texts = [scaffold.bulletin_text(4, "L'été « chaud » : la suite", PartialDate.parse("2018-01")),
             scaffold.term_text("CISSS", "Centre intégré : de santé"),
             scaffold.event_text(PartialDate.parse("1994"), "Régionalisation")]
    for text, schema in zip(texts, (bulletins.SCHEMA, glossary.SCHEMA, timeline.SCHEMA)):
        lines = text.split("\n")
        end = lines.index("---", 1)
        meta = yaml.load("\n".join(lines[1:end]), Loader=_Loader)
        assert dump(meta, describe(schema)) == "\n".join(lines[: end + 1]) + "\n"
        for field in schema.fields.values():
            if field.hint and field.name in meta:
                assert f"# {field.hint}" in text


def test_the_writer_of_the_editor_and_of_python_agree(tmp_path):
    """infopsoc-admin.js's dump(), run by Node on the project's every item, gives what Python's gives."""
    script = (admin.FILES / "infopsoc-admin.js").read_text(encoding="utf-8")
    dump_js = script[script.index("  var DATE ="):script.index("  function split(")]
    items = []
    for folder, schema in (("bulletins", bulletins.SCHEMA), ("glossary", glossary.SCHEMA), ("timeline", timeline.SCHEMA)):
        for path in sorted((REPO / folder).glob("*.md")):
            lines = path.read_text(encoding="utf-8").split("\n")
            end = lines.index("---", 1)
            meta = yaml.load("\n".join(lines[1:end]), Loader=_Loader)
            items.append({"meta": meta, "description": describe(schema), "python": dump(meta, describe(schema))})
    (tmp_path / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    runner = tmp_path / "run.js"
    runner.write_text(dump_js + """
const items = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const bad = items.filter(i => dump(i.meta, i.description) !== i.python).map(i => i.python);
console.log(JSON.stringify({count: items.length, bad}));
""", encoding="utf-8")
    out = json.loads(subprocess.run(["node", str(runner), str(tmp_path / "items.json")], check=True,
                                    capture_output=True, text=True).stdout)
    assert out["count"] > 50 and out["bad"] == []
