// The search page's pure part (theme/assets/javascripts/infopsoc-search.js, `core`), with node's
// own test runner: `node --test tests/js/` (tests/test_search.py runs it, so `make test` does).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

// INFOPSOC_SEARCH_SCRIPT: the same tests on the compacted script the site serves (outputs/search.py)
const core = require(process.env.INFOPSOC_SEARCH_SCRIPT || path.join(__dirname, "..", "..", "theme", "assets", "javascripts", "infopsoc-search.js"));

test("folding: case, accents, ligatures, apostrophes, ß", () => {
  assert.equal(core.fold("RÉGIONALISATION"), "regionalisation");
  assert.equal(core.fold("Œuvre"), "oeuvre");
  assert.equal(core.fold("cæcum"), "caecum");
  assert.equal(core.fold("l’action"), "l'action");
  assert.equal(core.fold("Straße"), "strasse");
  assert.equal(core.lower("Œuvre"), "oeuvre");
  assert.equal(core.lower("Côte"), "côte");  // accents kept: a form typed as written ranks first
});

test("words: letters and digits with their marks, never punctuation", () => {
  assert.deepEqual(core.words("Info-PSOC no 3 : l’ACA, 2015-2018!"), ["Info", "PSOC", "no", "3", "l", "ACA", "2015", "2018"]);
  assert.deepEqual(core.words("e\u0301te\u0301 _x"), ["\u00e9t\u00e9", "x"]);  // composed, as Python does
  assert.deepEqual(core.words(""), []);
});

test("a template is filled with the query as text ($& and $1 are not patterns)", () => {
  assert.equal(core.fill("Aucune page ne contient « {query} ».", { query: "a$&b$1$$" }),
               "Aucune page ne contient « a$&b$1$$ ».");
  assert.equal(core.fill("{count} pages pour « {query} »", { count: 3, query: "{count}" }), "3 pages pour « {count} »");
});

test("a query: minor words left out when there are others, phrases in quotes kept whole", () => {
  const minor = new Set(["de", "la", "le"]);
  assert.deepEqual(core.parse("ministère de la santé", minor), { words: ["ministère", "santé"], phrases: [] });
  assert.deepEqual(core.parse("de la", minor).words, ["de", "la"]);
  const guillemets = core.parse("« jour de la marmotte » MSSS", minor);
  assert.deepEqual(guillemets.phrases, [["jour", "de", "la", "marmotte"]]);
  assert.deepEqual(guillemets.words, ["MSSS", "jour", "marmotte"]);
  assert.deepEqual(core.parse('"brochure PSOC nationale"', minor).phrases, [["brochure", "PSOC", "nationale"]]);
  assert.deepEqual(core.parse('"PSOC"', minor), { words: ["PSOC"], phrases: [] });  // one word: no phrase
  assert.deepEqual(core.parse("PSOC psoc Psoc", minor).words, ["PSOC"]);  // the same word once
  const long = Array.from({ length: 500 }, (_, n) => "mot" + n).join(" ");
  assert.equal(core.parse(long, minor).words.length, 10);  // a pasted text: its first ten words
  assert.deepEqual(core.parse("constructor __proto__", new Set()).words, ["constructor", "__proto__".replace(/^_+/, "")]);
});

test("distance: insertions, deletions, substitutions, transpositions, stopped past the limit", () => {
  assert.equal(core.distance("finacement", "financement", 2), 1);
  assert.equal(core.distance("trpobc", "trpocb", 2), 1);
  assert.equal(core.distance("communotaire", "communautaire", 2), 2);
  assert.equal(core.distance("abc", "abc", 2), 0);
  assert.equal(core.distance("kangourou", "organisme", 2), 3);  // past the limit: limit + 1
  assert.equal(core.distance("a", "abcdef", 2), 3);
});

test("tolerance scales with the word's length; numbers are never corrected", () => {
  assert.equal(core.tolerance("mot"), 0);
  assert.equal(core.tolerance("PSCO"), 1);   // an acronym typed in capitals
  assert.equal(core.tolerance("psco"), 0);
  assert.equal(core.tolerance("acion"), 1);
  assert.equal(core.tolerance("finacement"), 2);
  assert.equal(core.tolerance("1492"), 0);
  assert.equal(core.tolerance("covid19"), 0);
});

test("nearest: the forms at the smallest distance within the tolerance", () => {
  const forms = ["financement", "financements", "finance", "action", "avion", "trpocb", "1994", "communautaire"];
  assert.deepEqual(core.nearest("finacement", forms), ["financement"]);
  assert.deepEqual(core.nearest("TRPOBC", forms), ["trpocb"]);
  assert.deepEqual(core.nearest("acion", forms), ["action", "avion"]);
  assert.deepEqual(core.nearest("communotaire", forms), ["communautaire"]);
  assert.deepEqual(core.nearest("1492", forms), []);
  assert.deepEqual(core.nearest("kangourou", forms), []);
  assert.deepEqual(core.nearest("mot", ["mots", "moi"]), []);  // too short to correct
});

test("a family's scores: each page's best section, the form typed counts most, the glossary's words least", () => {
  // pages 0-3; page 0 has sections 0-1, page 1 section 2, page 2 sections 3-4, page 3 section 5
  const firsts = core.firstSections([[2, 1], [1, 1], [2, 1], [1, 1]]);
  assert.deepEqual(firsts, [0, 2, 3, 5]);
  // [page (difference), score, section's place in the page…]
  const family = { "côte": [0, 10, 0, 2, 10, 1], "cote": [1, 10, 0], "~côtes": [3, 10, 0] };
  const marks = new Map();
  const scores = core.addFamily(family, "côte", new Map(), marks, firsts);
  assert.deepEqual([...scores.entries()].sort((a, b) => a[0] - b[0]), [[0, 20], [2, 15], [4, 20], [5, 3.5]]);
  assert.equal(marks.get("cote"), 2);
  assert.equal(marks.has("cotes"), false);  // a glossary's word is not in the text: nothing to mark
  const typedPlain = core.addFamily(family, "cote", new Map(), null, firsts);
  assert.ok(typedPlain.get(2) > typedPlain.get(0));
  // one stem for « region », « regional », « regionalization »: the long form typed leaves out the
  // forms much shorter; a short form typed keeps the long ones; a form no page holds keeps all
  const region = { region: [0, 10, 0], regional: [1, 10, 0], regionalization: [2, 10, 0], regionalized: [3, 10, 0] };
  assert.deepEqual([...core.addFamily(region, "regionalization", new Map(), null, firsts).keys()].sort(), [3, 5]);
  assert.equal(core.addFamily(region, "region", new Map(), null, firsts).size, 4);
  assert.equal(core.addFamily(region, "regionalizations", new Map(), null, firsts).size, 4);
});

test("ranking by section: the best section wins, a short page does not beat the page about the query", () => {
  // sections 0-1: page 0 (a long page, its section 1 about both words); 2: page 1 (a term page
  // holding one word strongly); 3: page 2 (holds both words, weakly)
  const pageOf = (s) => [0, 0, 1, 2][s];
  const perWord = [new Map([[1, 50], [2, 90], [3, 10]]), new Map([[0, 5], [1, 60], [3, 10]])];
  const { pages, partial } = core.rank(perWord, pageOf);
  assert.deepEqual(pages.map((p) => p.page), [0, 2]);  // page 1 lacks a word: left out
  assert.equal(pages[0].best, 1);
  assert.equal(partial, false);
});

test("ranking: when no page holds every word, the pages holding the most, and it says so", () => {
  const pageOf = (s) => s;
  const perWord = [new Map([[0, 10], [1, 10]]), new Map([[1, 10], [2, 50]]), new Map([[3, 10]])];
  const { pages, partial } = core.rank(perWord, pageOf);
  assert.equal(partial, true);
  assert.deepEqual(pages.map((p) => p.page), [1, 2, 0, 3]);  // two words first, then one
  const single = core.rank([new Map([[0, 1]]), new Map([[1, 1]])], pageOf);
  assert.equal(single.partial, true);
  assert.deepEqual(single.pages.map((p) => p.page).sort(), [0, 1]);
  assert.deepEqual(core.rank([new Map()], pageOf), { pages: [], partial: false });
});

test("phrases: the words follow each other, compared folded, a plural allowed", () => {
  assert.ok(core.hasPhrase("… au « jour de la marmotte ».", ["jour", "de", "la", "marmotte"]));
  assert.ok(core.hasPhrase("Première BROCHURE psoc nationale", ["brochure", "PSOC", "nationale"]));
  assert.ok(core.hasPhrase("des seuils planchers", ["seuil", "plancher"]));
  assert.ok(!core.hasPhrase("la brochure nationale du PSOC", ["brochure", "PSOC", "nationale"]));
  assert.ok(!core.hasPhrase("", ["a", "b"]));
});

test("excerpts: the window with the most marked words, as offsets; none when nothing is marked", () => {
  const text = "Un texte sans rien. Puis la consultation du MSSS annoncée en 2017, enfin la fin.";
  const marks = new Map([["consultation", 2], ["msss", 2]]);
  const cut = core.excerpt(text, marks, 6);
  assert.ok(cut.start > 0 && cut.end <= text.length);
  assert.deepEqual(cut.marked.map(([a, b]) => text.slice(a, b)), ["consultation", "MSSS"]);
  assert.equal(core.excerpt(text, new Map([["absent", 2]]), 6), null);
  // « constructor » in a text is a word like any other (marks are a Map, not an object)
  assert.deepEqual(core.excerpt("le constructor du toString", new Map([["du", 1]]), 5).marked.length, 1);
});

test("the first results: those whose title, kicker or heading hold more of the words first", () => {
  const results = [{ title: "brochure PSOC", kicker: "Glossaire", heading: "" },
                   { title: "Révision de la brochure PSOC", kicker: "Info-PSOC no 3", heading: "" },
                   { title: "Autre", kicker: "", heading: "Révisions" }];
  assert.deepEqual(core.byHeadings(results, ["révision", "brochure", "PSOC"]), [1, 0, 2]);
  assert.deepEqual(core.byHeadings(results, ["absent"]), [0, 1, 2]);
});

test("meta.json's runs: the page of each section, and the untranslated pages", () => {
  assert.deepEqual(core.pagesOfSections([[2, 1], [1, 3], [3, 1]]), [0, 0, 1, 2, 3, 4, 4, 4]);
  assert.ok(core.inRuns([[2, 4], [9, 9]], 3) && core.inRuns([[2, 4], [9, 9]], 9));
  assert.ok(!core.inRuns([[2, 4]], 5) && !core.inRuns(undefined, 0));
});
