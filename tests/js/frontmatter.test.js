// The editor's front-matter writer (InfoPsocFrontMatter, the first part of
// scripts/infopsoc/outputs/admin_files/infopsoc-admin.js) on the declared form's cases,
// tests/fixtures/frontmatter-form.json, which tests/test_frontmatter.py runs through Python's
// writer too: `node --test tests/js/` (tests/test_frontmatter.py and tests/test_search.py run it).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const REPO = path.join(__dirname, "..", "..");
const writer = require(path.join(REPO, "scripts", "infopsoc", "outputs", "admin_files", "infopsoc-admin.js"));
const jsyaml = require(path.join(REPO, "node_modules", "js-yaml"));
const form = JSON.parse(fs.readFileSync(path.join(REPO, "tests", "fixtures", "frontmatter-form.json"), "utf8"));

// What the form leaves out: the editor's notes, empty values, a false switch; a group's empty fields.
function kept(meta, description) {
  const out = {};
  for (const [key, value] of Object.entries(meta)) {
    const kind = description.kinds[key] || "";
    if (key.startsWith("_infopsoc") || value === null || value === "" || (kind === "bool" && value === false)) continue;
    out[key] = Array.isArray(value) ? value.map((v) => (v && typeof v === "object" && !Array.isArray(v))
      ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== "")) : v) : value;
  }
  return out;
}

test("the declared form has cases", () => {
  assert.ok(form.cases.length >= 10);
});

for (const c of form.cases) {
  test(`written form: ${c.why}`, () => {
    const text = writer.dump(c.meta, form.description);
    assert.equal(text, c.text);
    const back = jsyaml.load(text.slice(4, -4), { schema: jsyaml.CORE_SCHEMA }) || {};
    assert.deepEqual(back, kept(c.meta, form.description));
  });
}

test("a file read and written again unchanged keeps its bytes (update)", () => {
  for (const c of form.cases) {
    const parts = writer.split(c.text + "Le texte.\n");
    assert.equal(parts.body, "Le texte.\n");
    assert.equal(writer.update(parts.source, parts.meta, form.description), c.text, c.why);
  }
});

test("the characters YAML may not hold as they are are escaped in every JSON value", () => {
  assert.equal(writer.json("a\u0085b\u2028c"), '"a\\u0085b\\u2028c"');
  assert.equal(writer.json({ t: "\u007f" }), '{"t":"\\u007f"}');
});
