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
from infopsoc.core.media import MEDIA_TYPES
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
                # the comment `infopsoc new` writes, or the form's own words where a comment's would not fit
                own = admin.FORM_HINTS.get((name, field["name"]), spec.hint)
                assert own in field.get("hint", ""), (name, field["name"])
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
    items = []
    for folder, schema in (("bulletins", bulletins.SCHEMA), ("glossary", glossary.SCHEMA), ("timeline", timeline.SCHEMA)):
        for path in sorted((REPO / folder).glob("*.md")):
            lines = path.read_text(encoding="utf-8").split("\n")
            end = lines.index("---", 1)
            meta = yaml.load("\n".join(lines[1:end]), Loader=_Loader)
            items.append({"meta": meta, "description": describe(schema), "python": dump(meta, describe(schema))})
    (tmp_path / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    runner = tmp_path / "run.js"
    runner.write_text("""
const {dump} = require(%s);  // the editor's writer, as Node loads it (InfoPsocFrontMatter)
const items = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const bad = items.filter(i => dump(i.meta, i.description) !== i.python).map(i => i.python);
console.log(JSON.stringify({count: items.length, bad}));
""" % json.dumps(str(admin.FILES / "infopsoc-admin.js")), encoding="utf-8")
    out = json.loads(subprocess.run(["node", str(runner), str(tmp_path / "items.json")], check=True,
                                    capture_output=True, text=True).stdout)
    assert out["count"] > 50 and out["bad"] == []


def _run_admin_script(tmp_path, built, program: str):
    """infopsoc-admin.js run by Node with Decap's registry stubbed; ``program`` sees ``format``
    (the front matter format it registers), ``FIELDS`` and ``events`` (its event handlers)."""
    runner = tmp_path / "run.js"
    runner.write_text("""
const fs = require("fs"), vm = require("vm");
const jsyaml = require(%(yaml)s);
const fields = fs.readFileSync(%(fields)s, "utf8");
const formats = {}, events = {};
const CMS = {getLocale: () => ({editor: {editorToolbar: {}}}), registerLocale() {},
  registerCustomFormat: (n, e, f) => { formats[n] = f; }, getBackend: () => null,
  registerEventListener: (l) => { events[l.name] = l.handler; }, registerPreviewStyle() {},
  registerPreviewTemplate() {}, registerEditorComponent() {}, init() {}};
function XMLHttpRequest() {}
XMLHttpRequest.prototype.open = function (m, url) { this.url = url; };
XMLHttpRequest.prototype.send = function () { this.responseText = this.url === "decap-fr.json" ? "{}" : fields; };
function MutationObserver() {} MutationObserver.prototype.observe = function () {};
vm.runInNewContext(fs.readFileSync(%(script)s, "utf8"), {window: {CMS, jsyaml, h() {}, createClass() {}},
  XMLHttpRequest, MutationObserver, document: {body: {}}, console, Intl, Date, JSON, Object, Array, Math, Proxy,
  Reflect, Promise, Error});
const FIELDS = JSON.parse(fields), format = formats[FIELDS.format];
%(program)s
""" % {"yaml": json.dumps(str(REPO / "node_modules/js-yaml")),
       "fields": json.dumps(str(built.root / "site/admin/infopsoc-fields.json")),
       "script": json.dumps(str(admin.FILES / "infopsoc-admin.js")), "program": program}, encoding="utf-8")
    done = subprocess.run(["node", str(runner)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_editor_changes_only_the_changed_keys_lines(tmp_path, built):
    """Every item of the project, read and written by the editor's format: unchanged, the same
    bytes; one field changed, one line changed (quotes, order, comments and blank lines kept)."""
    items = []
    for collection, key in (("bulletins", "title"), ("glossary", "expansion"), ("timeline", "title")):
        for path in sorted((REPO / collection).glob("*.md")):
            items.append({"collection": collection, "key": key, "name": path.name,
                          "text": path.read_text(encoding="utf-8")})
    (tmp_path / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    out = _run_admin_script(tmp_path, built, """
const items = JSON.parse(fs.readFileSync(%s, "utf8"));
console.log(JSON.stringify(items.map(i => {
  const order = FIELDS.collections[i.collection].order.concat(["body"]);
  const data = format.fromFile(i.text);
  const changed = Object.assign({}, data, {[i.key]: data[i.key] + " (corrigé)"});
  return {name: i.name, same: format.toFile(data, order), changed: format.toFile(changed, order)};
})));
""" % json.dumps(str(tmp_path / "items.json")))
    assert len(out) == len(items) > 90
    for item, result in zip(items, out):
        assert result["same"] == item["text"], item["name"]
        old, new = item["text"].split("\n"), result["changed"].split("\n")
        assert len(old) == len(new), item["name"]
        differing = [(a, b) for a, b in zip(old, new) if a != b]
        assert len(differing) == 1 and differing[0][1].startswith(item["key"] + ": "), (item["name"], differing)


def test_the_editor_keeps_comments_and_removes_an_unticked_draft(tmp_path, built):
    text = ('---\nnumber: 4\ntitle: "Un titre"  # le titre du numéro\ndate: 2018-01\n'
            "# une note écrite à la main\ndraft: true  # brouillon\nacronyms:\n- ACA\n- PSOC\n---\n\nLe texte.\n")
    out = _run_admin_script(tmp_path, built, """
const order = FIELDS.collections.bulletins.order.concat(["body"]);
const data = format.fromFile(%s);
console.log(JSON.stringify([
  format.toFile(Object.assign({}, data, {draft: false}), order),
  format.toFile(Object.assign({}, data, {title: "Autre titre", summary: "Un résumé"}), order),
  format.toFile(Object.assign({}, data, {_infopsoc_source: undefined}), order),
]));
""" % json.dumps(text))
    unticked, retitled, new_file = out
    assert unticked == text.replace("draft: true  # brouillon\n", "")
    hint = bulletins.SCHEMA.fields["summary"].hint
    assert retitled == text.replace('"Un titre"  # le titre du numéro\ndate: 2018-01\n',
                                    f'"Autre titre"  # le titre du numéro\ndate: 2018-01\nsummary: "Un résumé"'
                                    f'{"  # " + hint if hint else ""}\n')
    meta, _ = text.split("---\n")[1], None
    assert new_file.startswith(dump(yaml.load(meta, Loader=_Loader), describe(bulletins.SCHEMA)))  # a new file: the one form


def test_the_editor_refuses_to_publish_a_draft_and_a_taken_number(tmp_path, built):
    out = _run_admin_script(tmp_path, built, """
const entry = (data, extra) => ({get: (k) => Object.assign({data: {get: (f) => data[f], set: (f, v) => Object.assign({}, data, {[f]: v})},
                                                         collection: "bulletins"}, extra)[k]});
(async () => {
  const results = [];
  try { events.prePublish({entry: entry({draft: true})}); results.push("published"); } catch (e) { results.push(e.message); }
  results.push(events.prePublish({entry: entry({draft: false})}) === undefined ? "ok" : "?");
  try { await events.preSave({entry: entry({number: 1}, {newRecord: true})}); results.push("saved"); }
  catch (e) { results.push(e.message); }
  const saved = await events.preSave({entry: entry({number: 7}, {newRecord: true})});
  results.push(saved[FIELDS.file_key]);
  console.log(JSON.stringify(results));
})();
""")
    assert "« Brouillon » est encore cochée" in out[0] and out[1] == "ok"
    assert out[2].startswith("le numéro 1 est déjà pris (") and "mettez 2" in out[2]
    assert out[3] == "info-psoc-07"


def test_editor_media_and_preview_settings(built):
    config = _config(built)
    assert config["media_folder"] == "content/images" and config["public_folder"] == "../images"
    assert config["show_preview_links"] is False
    fields = json.loads((built.root / "site/admin/infopsoc-fields.json").read_text(encoding="utf-8"))
    assert fields["media_types"] == sorted(MEDIA_TYPES) and ".html" not in fields["media_types"] and ".svg" in fields["media_types"]
    draft = next(f for f in _collection(config, "bulletins")["fields"] if f["name"] == "draft")
    assert "retirez la ligne" not in draft["hint"] and "décochez" in draft["hint"]


def test_the_members_file_written_by_the_editor_reads_back_as_written(tmp_path, built):
    """data/membres.yml through the editor's format: unchanged, the same bytes (each member's own
    lines kept, comments included); a member added with quotes, a colon and the characters YAML may
    not hold as they are reads back, by the members loader (the one check and the build use),
    exactly as typed."""
    real = (REPO / "data/membres.yml").read_text(encoding="utf-8")
    real = real.replace("- url: http://www.troc02.org/\n", "# a note\n- url: http://www.troc02.org/  # its site\n\n") + "# the end\n"
    typed = {"url": "https://www.exemple.org/a?b=1", "name": "TROC « Centre » : l'été \u2028 fin\u0085", "region": "Estrie"}
    out = _run_admin_script(tmp_path, built, """
const members = formats[FIELDS.members_format], text = %s;
const data = members.fromFile(text);
const added = Object.assign({}, data, {members: data.members.concat([%s])});
console.log(JSON.stringify([members.toFile(data), members.toFile(added)]));
""" % (json.dumps(real), json.dumps(typed, ensure_ascii=False)))
    same, with_new = out
    assert same == real
    assert with_new.startswith(real.removesuffix("# the end\n")) and with_new.endswith("# the end\n")
    path = tmp_path / "data/membres.yml"
    path.parent.mkdir()
    path.write_text(with_new, encoding="utf-8")
    loaded, problems = members.load_members(path, tmp_path)
    name_line = with_new.split("\n").index(next(line for line in with_new.split("\n") if "Centre" in line)) + 1
    assert [(p.line, p.message) for p in problems] == [(name_line, "« name » : caractère invisible interdit (U+0085)")]
    assert loaded[-1].url != typed["url"]  # the name's U+0085 is refused at its line…
    typed["name"] = typed["name"].replace("\u0085", "")  # … at its line, and without it the member is as typed
    with_new = with_new.replace("\\u0085", "")
    path.write_text(with_new, encoding="utf-8")
    loaded, problems = members.load_members(path, tmp_path)
    typed["name"] = " ".join(typed["name"].split())  # spaces of a text are collapsed, as a title's are
    assert problems == [] and (loaded[-1].url, loaded[-1].name, loaded[-1].region) == tuple(typed.values())
