/* Info-PSOC: the search page's script (theme/infopsoc-search.html).
 *
 * It reads the index that outputs/search.py writes (its docstring describes the files), and only
 * at the first search: a page opened without words fetches nothing of it. For each word of a
 * query it fetches one slice of the word list (the word's family, compared without case or
 * accents) and, for a family of many sections, its file (the sections that hold it, with their
 * scores); then, for each result shown, the file of its best section (five results at a time).
 *
 * Ranking is by section: a page is as good as its best section for the query (a timeline entry,
 * a part of a bulletin, a definition), plus a little for what its other sections hold; the result
 * links to that section. A page must hold every word of the query; when none does, the pages
 * that hold the most are shown, and the status says so. A word that no page holds is matched to
 * the nearest forms the index holds (a typo: one or two letters, by the word's length) and the
 * page offers to search as typed. Words in « guillemets » or "quotes" must follow each other in a
 * section (checked on the sections' files). Words the glossary adds to a section (an acronym's
 * expansion) count less than the words it holds.
 *
 * The part that depends on nothing but its arguments (cutting and folding words, reading a
 * query, distances, scores, ranking, excerpts) is `core`: node's test runner loads this file
 * and tests it (tests/js/search.test.js), the page uses it the same way.
 */
(function () {
  "use strict";

  var core = (function () {
    // The same cut and comparison as outputs/search.py (WORD, words, folded): tests/test_search.py
    // runs both on the same texts. A word: a letter or digit, then letters, digits, « _ » and the
    // accents that follow a letter (U+0300-U+036F, as Python's pattern).
    var WORD = /[\p{L}\p{N}][\p{L}\p{N}_\u0300-\u036f]*/gu;
    var LIGATURES = { "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE" };
    var GLOSSARY_MARK = "~";   // a word the glossary added to a section (outputs/search.py)
    var WEIGHTS = { typed: 2, folded: 1.5, family: 1, glossary: 0.35 };
    var SHORTER = 3;           // letters a family's form may lack against the form typed
    var MAX_WORDS = 10;        // words of a query looked up at most
    var FROM_ELSEWHERE = 0.5;  // a word held by another section of the page counts half in a section
    var FROM_OPENING = 0.8;    // a word of the page's opening (its title) counts four fifths

    function lower(word) {
      return word.normalize("NFC").replace(/[œŒæÆ]/g, function (c) { return LIGATURES[c]; }).toLowerCase();
    }

    // Without case or accents, as Python's casefold() after removing the marks: upper then lower
    // case writes « ß » « ss » and « ﬁ » « fi » as it does; « ς » is « σ » and Cherokee's small
    // letters are its capitals there.
    function fold(word) {
      var plain = word.replace(/[œŒæÆ]/g, function (c) { return LIGATURES[c]; }).replace(/\u2019/g, "'")
        .normalize("NFD").replace(/[\p{Mn}\p{Me}]/gu, function (mark) { return mark === "\u034f" ? mark : ""; });
      return plain.replace(/[^ı]+/g, function (run) { return run.toUpperCase().toLowerCase(); }).replace(/ς/g, "σ").replace(/ß/g, "ss").replace(/[\uab70-\uabbf\u13f8-\u13fd]/g, function (c) {
        var code = c.charCodeAt(0);
        return String.fromCharCode(code >= 0xab70 ? code - 0xab70 + 0x13a0 : code - 8);
      });
    }

    function words(text) {
      return String(text).normalize("NFC").match(WORD) || [];
    }

    // A template's {count} and {query} filled in (a function as replacement: « $& » in a query is
    // text, not a pattern of String.replace).
    function fill(template, values) {
      return template.replace(/\{(\w+)\}/g, function (whole, key) {
        return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
      });
    }

    // A query's words to look up and its phrases (in « guillemets » or "quotes": words that must
    // follow each other). Words a text is made of (« de », « la ») are left out of the look-up
    // when there are others, but kept in the phrases.
    function parse(query, minor) {
      var phrases = [];
      var loose = [];
      var parts = String(query).split(/["«»“”]/);
      parts.forEach(function (part, n) {
        var found = words(part);
        if (n % 2 === 1 && found.length > 1) {
          phrases.push(found);
        } else {
          loose = loose.concat(found);
        }
      });
      var all = loose.concat.apply(loose, phrases);
      var kept = all.filter(function (word) { return !isMinor(minor, word); });
      var seen = new Set();
      var look = (kept.length ? kept : all).filter(function (word) {
        var key = fold(word);
        return seen.has(key) ? false : (seen.add(key), true);
      }).slice(0, MAX_WORDS);  // a pasted page is not a query: each word costs requests
      return { words: look, phrases: phrases };
    }

    function isMinor(minor, word) {
      return minor instanceof Set ? minor.has(fold(word)) : false;
    }

    // Edit distance with transpositions (« TRPOBC » is one from « TRPOCB »), stopped past `max`.
    function distance(a, b, max) {
      if (Math.abs(a.length - b.length) > max) {
        return max + 1;
      }
      var before = null;
      var previous = [];
      for (var j = 0; j <= b.length; j++) {
        previous.push(j);
      }
      for (var i = 1; i <= a.length; i++) {
        var row = [i];
        var smallest = i;
        for (var k = 1; k <= b.length; k++) {
          var cost = a[i - 1] === b[k - 1] ? 0 : 1;
          var value = Math.min(previous[k] + 1, row[k - 1] + 1, previous[k - 1] + cost);
          if (before && i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) {
            value = Math.min(value, before[k - 2] + 1);
          }
          row.push(value);
          smallest = Math.min(smallest, value);
        }
        if (smallest > max) {
          return max + 1;
        }
        before = previous;
        previous = row;
      }
      return previous[b.length];
    }

    // How far a typed word may be from a form the index holds: none for a number or a short
    // word, one letter from five letters (four for an acronym typed in capitals), two from eight.
    function tolerance(word) {
      var form = fold(word);
      if (/\p{N}/u.test(form)) {
        return 0;
      }
      var length = Array.from(form).length;
      var capitals = word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase();
      return length >= 8 ? 2 : length >= 5 || (capitals && length === 4) ? 1 : 0;
    }

    // The forms nearest to a word that no page holds, among `forms` (folded): those at the
    // smallest distance within the word's tolerance, at most `limit`.
    function nearest(word, forms, limit) {
      var max = tolerance(word);
      var form = fold(word);
      if (!max) {
        return [];
      }
      var best = max + 1;
      var found = [];
      forms.forEach(function (other) {
        if (other === form || /\p{N}/u.test(other)) {
          return;
        }
        var d = distance(form, other, Math.min(max, best));
        if (d < best) {
          best = d;
          found = [other];
        } else if (d === best && d <= max) {
          found.push(other);
        }
      });
      return best <= max ? found.sort().slice(0, limit || 3) : [];
    }

    // A family's file ({form: [page, score, section, page, score, section…]}: each page that holds
    // the form, as its difference from the previous one, with the score of its best section for
    // it and that section's place in the page) as the score of each section for the word typed:
    // a form as typed counts twice, a form written otherwise (accents, case) one and a half times,
    // the other forms of its family once, and the words the glossary added (marked) a third of
    // that. `into`: a Map section -> score; `firsts`: each page's first section.
    // When the form typed is in the family, its forms much shorter are not (« regionalization »
    // does not find every page saying « region »: Snowball gives them one stem).
    function addFamily(family, typed, into, marks, firsts) {
      var exact = lower(typed);
      var plain = fold(typed);
      var keys = Object.keys(family);
      var held = keys.some(function (key) { return fold(key.replace(GLOSSARY_MARK, "")) === plain; });
      keys.forEach(function (key) {
        var added = key.charAt(0) === GLOSSARY_MARK;
        var form = added ? key.slice(1) : key;
        var folded = fold(form);
        if (held && folded.length + SHORTER < plain.length) {
          return;
        }
        var weight = form === exact ? WEIGHTS.typed : folded === plain ? WEIGHTS.folded : WEIGHTS.family;
        if (added) {
          weight *= WEIGHTS.glossary;
        } else if (marks) {
          marks.set(folded, folded === plain ? 2 : Math.max(marks.get(folded) || 0, 1));
        }
        var numbers = family[key];
        var page = 0;
        for (var n = 0; n < numbers.length; n += 3) {
          page += numbers[n];
          var section = firsts[page] + numbers[n + 2];
          into.set(section, (into.get(section) || 0) + weight * numbers[n + 1]);
        }
      });
      return into;
    }

    // Pages ranked for a query. `perWord`: for each word, a Map section -> score (each page's best
    // section for it); `pageOf`: the page of a section; `firstOf`: a page's first section (its
    // title and opening). A page is as good as its best section: the words it holds, plus half
    // of each other word's best score elsewhere on the page (four fifths from its opening, which
    // the title speaks for). Pages holding every word come first; when none does, the pages
    // holding the most (and one less, for three words or more), and `partial` says so.
    function rank(perWord, pageOf, firstOf) {
      var n = perWord.length;
      var pages = new Map();     // page -> {page, best, score, held: Set, perWord: [[section, score]…]}
      perWord.forEach(function (scores, w) {
        scores.forEach(function (score, section) {
          var page = pageOf(section);
          var info = pages.get(page);
          if (!info) {
            info = { page: page, best: -1, score: -1, held: new Set(), perWord: [], sections: [] };
            pages.set(page, info);
          }
          info.held.add(w);
          info.perWord.push([w, section, score]);
        });
      });
      var most = 0;
      pages.forEach(function (info) {
        most = Math.max(most, info.held.size);
        var first = firstOf ? firstOf(info.page) : -1;
        var values = new Map();
        info.perWord.forEach(function (entry) {
          values.set(entry[1], 0);
        });
        values.forEach(function (value, section) {
          var bestOf = new Array(n).fill(0);
          info.perWord.forEach(function (entry) {
            var share = entry[1] === section ? 1 : entry[1] === first ? FROM_OPENING : FROM_ELSEWHERE;
            bestOf[entry[0]] = Math.max(bestOf[entry[0]], share * entry[2]);
          });
          values.set(section, bestOf.reduce(function (a, b) { return a + b; }, 0));
        });
        values.forEach(function (value, section) {
          if (value > info.score || (value === info.score && section < info.best)) {
            info.best = section;
            info.score = value;
          }
        });
        info.sections = Array.from(values.keys()).sort(function (a, b) {
          return values.get(b) - values.get(a) || a - b;
        });
      });
      var least = most === n ? n : Math.max(1, n >= 3 ? most - 1 : most);
      var ranked = Array.from(pages.values()).filter(function (info) {
        return info.held.size >= least;
      }).sort(function (a, b) {
        return b.held.size - a.held.size || b.score - a.score || a.page - b.page;
      });
      return { pages: ranked, partial: n > 1 && most < n && ranked.length > 0 };
    }

    // Whether the words of a phrase follow each other in a text (compared folded; a word of the
    // text may end with an « s » or « x » the phrase's word has not).
    function hasPhrase(text, phrase) {
      var want = phrase.map(fold);
      var have = words(text).map(fold);
      for (var start = 0; start + want.length <= have.length; start++) {
        var k = 0;
        while (k < want.length && same(have[start + k], want[k])) {
          k++;
        }
        if (k === want.length) {
          return true;
        }
      }
      return false;
    }

    function same(held, wanted) {
      return held === wanted || (held.length === wanted.length + 1 && held.indexOf(wanted) === 0 && /[sx]$/.test(held));
    }

    // The best window of `size` words of a text: the one with the most marked words (`marks`:
    // folded form -> 2 for the forms typed, 1 for their family). As [start, end, [[from, to]…]]
    // (character offsets, the marked words inside), or null when nothing in it is marked.
    function excerpt(text, marks, size) {
      var spans = [];
      var match;
      var pattern = new RegExp(WORD.source, "gu");
      while ((match = pattern.exec(text)) !== null) {
        spans.push([match.index, match.index + match[0].length, marks.get(fold(match[0])) || 0]);
      }
      var best = -1;
      var bestValue = 0;
      spans.forEach(function (span, n) {
        if (!span[2]) {
          return;
        }
        var start = Math.max(0, n - 2);
        var value = 0;
        for (var k = start; k < Math.min(spans.length, start + size); k++) {
          value += spans[k][2];
        }
        if (value > bestValue) {
          best = start;
          bestValue = value;
        }
      });
      if (best < 0) {
        return null;
      }
      // it starts shortly before its strongest word (a form as typed before the rest of its family)
      var strongest = best;
      for (var k = best; k < Math.min(spans.length, best + size); k++) {
        if (spans[k][2] > spans[strongest][2]) {
          strongest = k;
        }
      }
      while (best < strongest && (spans[best][2] || strongest - best > 2)) {
        best++;
      }
      var last = Math.min(spans.length, best + size) - 1;
      var marked = [];
      for (var m = best; m <= last; m++) {
        if (spans[m][2]) {
          marked.push([spans[m][0], spans[m][1]]);
        }
      }
      return { start: spans[best][0], end: spans[last][1], marked: marked, value: bestValue };
    }

    // The first results once their sections' files are read: a result whose title, kicker or
    // section heading holds more of the query's words comes first (a term's page whose name holds
    // one word of three does not pass the bulletin titled with all three), then the index's order.
    // `results`: [{title, kicker, heading}…] in the index's order; the order to show them in.
    function byHeadings(results, wanted) {
      var want = wanted.map(fold);
      var held = results.map(function (data) {
        var have = words([data.title, data.kicker, data.heading].join(" ")).map(fold);
        return want.filter(function (w) {
          return have.some(function (h) { return same(h, w); });
        }).length;
      });
      return results.map(function (data, n) { return n; }).sort(function (a, b) {
        return held[b] - held[a] || a - b;
      });
    }

    // The page of each section, and the first section of each page, from meta.json's runs
    // [[sections a page has, pages]…].
    function pagesOfSections(runs) {
      var owners = [];
      var page = 0;
      runs.forEach(function (run) {
        for (var p = 0; p < run[1]; p++, page++) {
          for (var s = 0; s < run[0]; s++) {
            owners.push(page);
          }
        }
      });
      return owners;
    }

    function firstSections(runs) {
      var firsts = [];
      var section = 0;
      runs.forEach(function (run) {
        for (var p = 0; p < run[1]; p++) {
          firsts.push(section);
          section += run[0];
        }
      });
      return firsts;
    }

    // Whether a page number is in runs [[first, last]…] (meta.json's `missing`).
    function inRuns(runs, page) {
      return (runs || []).some(function (run) { return page >= run[0] && page <= run[1]; });
    }

    return {
      WORD: WORD, lower: lower, fold: fold, words: words, fill: fill, parse: parse, distance: distance,
      tolerance: tolerance, nearest: nearest, addFamily: addFamily, rank: rank, hasPhrase: hasPhrase,
      excerpt: excerpt, byHeadings: byHeadings, pagesOfSections: pagesOfSections, firstSections: firstSections, inRuns: inRuns
    };
  })();

  if (typeof module === "object" && module.exports) {
    module.exports = core;  // node's test runner
    return;
  }

  var form = typeof document !== "undefined" && document.querySelector("form.ip-search");
  if (!form || !window.URL || !window.fetch) {
    return;
  }
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("ip-search-status");
  var section = document.querySelector(".ip-search__results");
  var list = section.querySelector(".ip-search__list");
  var more = section.querySelector(".ip-search__more");
  var words = JSON.parse(form.getAttribute("data-words"));
  var minor = new Set(JSON.parse(form.getAttribute("data-minor") || "[]"));  // « de », « la », « the », folded
  var bundle = new URL(form.getAttribute("data-bundle"), window.location.href);
  var root = new URL("../", bundle);                         // this language's home
  var defaultRoot = new URL(form.getAttribute("data-default-root") || "./", root);  // the French site's
  var VERSION = 2;     // the index's format (outputs/search.py FORMAT_VERSION)
  var PAGE = 5;        // results shown at a time: each one fetches its best section's file
  var EXCERPT = 24;    // words in an excerpt
  var PREFIXED = 30;   // forms a word not found as such may begin (« organism » : « organismes »…)
  var PHRASE_CHECKS = 12;  // sections' files fetched at most to check a query's phrases
  var asked = 0;       // the number of the latest search: older answers are dropped
  var found = [];      // the pages of the latest search, best first
  var marked = new Map();  // the forms to mark in its excerpts (folded): 2 for the forms typed, 1 for their family
  var shown = 0;
  var timer = null;
  var files = new Map();   // what was fetched, by address (a promise of its JSON)
  var instead = document.createElement("p");  // « Chercher plutôt « … » » after a correction
  instead.className = "ip-search__instead";
  instead.hidden = true;
  status.parentNode.insertBefore(instead, status.nextSibling);

  function say(text) {
    status.textContent = text;
  }

  function get(base, path) {
    var address = new URL(path, base).href;
    if (!files.has(address)) {
      var promise = fetch(address).then(function (response) {
        if (!response.ok) {
          throw new Error(path + ": " + response.status);
        }
        return response.json();
      });
      files.set(address, promise);
      promise.catch(function () { files.delete(address); });  // tried again at the next search
    }
    return files.get(address);
  }

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // This language's index, and the indexes whose untranslated pages it shows too (the French
  // bulletins on the English site): each with its sections' pages, numbered after the previous.
  function indexes() {
    return get(bundle, "meta.json").then(function (data) {
      var others = Object.keys(data.also || {}).map(function (lang) {
        var base = new URL(data.also[lang], bundle);
        return get(base, "meta.json").then(function (other) {
          return { base: base, meta: other, lang: lang, only: other.missing && other.missing[data.lang] };
        }).catch(function () { return null; });
      });
      return Promise.all(others).then(function (more) {
        var all = [{ base: bundle, meta: data, lang: null, only: null }].concat(more.filter(Boolean));
        var sections = 0;
        var pages = 0;
        all.forEach(function (index) {
          if (index.meta.version !== VERSION) {
            throw new Error("index version " + index.meta.version);
          }
          index.owners = core.pagesOfSections(index.meta.sections);
          index.firsts = core.firstSections(index.meta.sections);
          index.firstSection = sections;
          index.firstPage = pages;
          sections += index.owners.length;
          pages += index.meta.pages;
        });
        return all;
      });
    });
  }

  // The slice of the word list that holds a folded form: the one of its longest prefix.
  function slice(index, form) {
    var shards = index.meta.shards;
    for (var n = form.length; n >= 0; n--) {
      if (has(shards, form.slice(0, n))) {
        return get(index.base, "mots/" + shards[form.slice(0, n)] + ".json");
      }
    }
    return Promise.resolve({ w: {}, f: {} });
  }

  // The families of a word in one index: its own form's, else the form without a plural ending,
  // else those of the forms it begins (three letters at least), else (`fix`) the nearest forms
  // (a typo). A family of a few sections is in the slice; the others have their own file.
  function families(index, word, fix) {
    var form = core.fold(word);
    var single = form.length > 3 && /[sx]$/.test(form) ? form.slice(0, -1) : form;
    return Promise.all([slice(index, form), single !== form ? slice(index, single) : null]).then(function (slices) {
      var own = slices[0];
      var ids = [];
      var from = own;
      var near = [];
      if (has(own.w, form)) {
        ids = own.w[form].split(" ");
      } else if (slices[1] && has(slices[1].w, single)) {
        from = slices[1];
        ids = from.w[single].split(" ");
      } else {
        var begun = form.length >= 3 ? Object.keys(own.w).filter(function (other) {
          return other.indexOf(form) === 0;
        }).sort().slice(0, PREFIXED) : [];
        if (!begun.length && fix) {
          near = core.nearest(word, Object.keys(own.w));
          begun = near;
        }
        var seen = new Set();
        begun.forEach(function (other) {
          own.w[other].split(" ").forEach(function (id) { seen.add(id); });
        });
        ids = Array.from(seen).sort();
      }
      return Promise.all(ids.map(function (id) {
        return has(from.f, id) ? from.f[id] : get(index.base, "familles/w-" + id + ".json");
      })).then(function (found) {
        return { families: found, near: near };
      });
    });
  }

  // The sections that hold a word in every index (numbered across them), with its scores. A typo
  // is looked for only when no index holds the word in a page its search shows (an English word is
  // not « corrected » into a French one of the French index the English search reads too).
  function sectionsOf(all, word, fix, marks) {
    var look = function (typo) {
      return Promise.all(all.map(function (index) { return families(index, word, typo); })).then(function (perIndex) {
        var scores = new Map();
        var near = [];
        var seen = new Map();
        perIndex.forEach(function (answer, n) {
          var index = all[n];
          var local = new Map();
          answer.families.forEach(function (family) {
            core.addFamily(family, answer.near.length ? answer.near[0] : word, local, seen, index.firsts);
          });
          local.forEach(function (score, unit) {
            if (!index.only || core.inRuns(index.only, index.owners[unit])) {
              scores.set(index.firstSection + unit, score);
            }
          });
          near = near.concat(answer.near);
        });
        return { scores: scores, near: Array.from(new Set(near)), marks: seen };
      });
    };
    return look(false).then(function (answer) {
      return answer.scores.size || !fix ? answer : look(true);
    }).then(function (answer) {
      answer.marks.forEach(function (value, form) {
        marks.set(form, Math.max(marks.get(form) || 0, value));
      });
      return answer;
    });
  }

  // Where a section (numbered across the indexes) is: its index and its own number there.
  function locate(all, unit) {
    for (var n = all.length - 1; n >= 0; n--) {
      if (unit >= all[n].firstSection) {
        return { index: all[n], unit: unit - all[n].firstSection };
      }
    }
    return null;
  }

  function sectionFile(all, unit) {
    var place = locate(all, unit);
    return get(place.index.base, "sections/" + place.unit + ".json").then(function (data) {
      var copy = Object.assign({}, data);
      if (place.index.lang) {
        copy.lang = place.index.lang;
      }
      return copy;
    });
  }

  function find(query, exact) {
    var parsed = core.parse(query, minor);
    var marks = new Map();
    if (!parsed.words.length) {
      return Promise.resolve({ pages: [], marks: marks, corrected: null, partial: false, words: [], all: [] });
    }
    return indexes().then(function (all) {
      var pageOf = function (unit) {
        var place = locate(all, unit);
        return place.index.firstPage + place.index.owners[place.unit];
      };
      return Promise.all(parsed.words.map(function (word) {
        return sectionsOf(all, word, !exact, marks);
      })).then(function (perWord) {
        var corrected = null;
        perWord.forEach(function (answer, n) {
          if (answer.near.length) {
            corrected = corrected || parsed.words.slice();
            corrected[n] = answer.near[0];
          }
        });
        var firstOf = function (page) {
          for (var n = all.length - 1; n >= 0; n--) {
            if (page >= all[n].firstPage) {
              return all[n].firstSection + all[n].firsts[page - all[n].firstPage];
            }
          }
          return -1;
        };
        var ranking = core.rank(perWord.map(function (answer) { return answer.scores; }), pageOf, firstOf);
        var answer = { pages: ranking.pages, marks: marks, partial: ranking.partial, words: corrected || parsed.words,
                       corrected: corrected && corrected.join(" "), all: all };
        return parsed.phrases.length ? keepPhrases(answer, parsed.phrases) : answer;
      });
    });
  }

  // The pages whose sections hold the query's phrases, checked on the sections' files (at most
  // PHRASE_CHECKS of them, best pages first); each page's best section becomes the one that does.
  function keepPhrases(answer, phrases) {
    var budget = PHRASE_CHECKS;
    var kept = [];
    var pages = answer.partial ? [] : answer.pages;  // a page without every word holds no phrase of them
    function next(n) {
      if (n >= pages.length || budget <= 0 || kept.length >= PAGE) {
        answer.pages = kept;
        answer.partial = false;
        answer.cut = n < pages.length;
        return answer;
      }
      var info = pages[n];
      var candidates = info.sections.slice(0, Math.min(3, budget));
      budget -= candidates.length;
      return Promise.all(candidates.map(function (unit) { return sectionFile(answer.all, unit); })).then(function (datas) {
        for (var k = 0; k < datas.length; k++) {
          var text = datas[k].heading + " — " + datas[k].text;
          if (phrases.every(function (phrase) { return core.hasPhrase(text, phrase); })) {
            info.best = candidates[k];
            kept.push(info);
            break;
          }
        }
        return next(n + 1);
      });
    }
    return next(0);
  }

  function address(data) {
    var base = data.lang ? defaultRoot : root;
    var url = new URL(data.url.replace(/^\//, ""), base).href;
    return data.anchor ? url + "#" + encodeURIComponent(data.anchor) : url;
  }

  // An excerpt as nodes: text and <mark>s, nothing of it read as HTML.
  function excerptOf(text) {
    var cut = core.excerpt(text, marked, EXCERPT);
    if (!cut) {
      return null;
    }
    var paragraph = document.createElement("p");
    paragraph.className = "ip-search__excerpt";
    if (cut.start > 0) {
      paragraph.appendChild(document.createTextNode("… "));
    }
    var at = cut.start;
    cut.marked.forEach(function (span) {
      paragraph.appendChild(document.createTextNode(text.slice(at, span[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(span[0], span[1]);
      paragraph.appendChild(mark);
      at = span[1];
    });
    paragraph.appendChild(document.createTextNode(text.slice(at, cut.end)));
    if (cut.end < text.length) {
      paragraph.appendChild(document.createTextNode(" …"));
    }
    return paragraph;
  }

  function link(href, text) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  // A result: the page's title (a link to its best section), a bulletin's number and date, and
  // the best section: its heading (a link) and an excerpt with the words marked.
  function render(data) {
    var item = document.createElement("li");
    item.className = "ip-search__result";
    var title = document.createElement("h2");
    title.className = "ip-search__title";
    title.appendChild(link(address(data), data.title || data.url));
    if (data.lang) {
      var other = document.createElement("span");
      other.className = "ip-search__lang";
      other.textContent = " " + words.in_other;
      title.appendChild(other);
      title.firstChild.setAttribute("hreflang", data.lang);
    }
    item.appendChild(title);
    if (data.kicker) {
      var kicker = document.createElement("p");
      kicker.className = "ip-search__kicker";
      kicker.textContent = data.kicker;
      item.appendChild(kicker);
    }
    if (data.anchor && data.heading && data.heading !== data.title) {
      var group = document.createElement("ul");
      group.className = "ip-search__sections";
      var entry = document.createElement("li");
      entry.appendChild(link(address(data), data.heading));
      var own = excerptOf(data.text);  // none when only the heading holds the words: the link shows them
      if (own) {
        entry.appendChild(own);
      }
      group.appendChild(entry);
      item.appendChild(group);
    } else {
      var whole = excerptOf(data.text);
      if (whole) {
        item.appendChild(whole);
      }
    }
    return item;
  }

  function showMore(focus, all) {
    var batch = found.slice(shown, shown + PAGE);
    var number = asked;
    return Promise.all(batch.map(function (info) { return sectionFile(all, info.best); })).then(function (datas) {
      if (number !== asked) {
        return;
      }
      if (shown === 0 && looked.length) {  // the first results: those titled with the words first
        var order = core.byHeadings(datas, looked);
        datas = order.map(function (n) { return datas[n]; });
        var firsts = order.map(function (n) { return batch[n]; });
        found.splice.apply(found, [0, firsts.length].concat(firsts));
      }
      var first = null;
      datas.forEach(function (data) {
        var item = render(data);
        list.appendChild(item);
        first = first || item.querySelector("a");
      });
      shown += batch.length;
      more.hidden = shown >= found.length;
      if (focus && first) {
        first.focus();
      }
    });
  }

  var current = null;  // the indexes of the latest search
  var looked = [];     // the words it looked for (as corrected)

  function search(query, exact) {
    var number = ++asked;
    query = query.trim();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) + (exact ? "&exact=1" : "")
                                                  : window.location.pathname);
    }
    instead.hidden = true;
    instead.textContent = "";
    if (!query) {
      list.textContent = "";
      section.hidden = true;
      say("");
      return Promise.resolve();
    }
    say(words.loading);
    return find(query, exact).then(function (answer) {
      if (number !== asked) {
        return;
      }
      found = answer.pages;
      marked = answer.marks;
      looked = answer.words;
      current = answer.all;
      shown = 0;
      list.textContent = "";
      var count = found.length;
      var text = count === 0 ? words.none : count === 1 ? words.one : words.many;
      var said = count && answer.corrected ? answer.corrected : query;
      section.hidden = count === 0;
      more.hidden = true;
      return showMore(false, answer.all).then(function () {
        var line = core.fill(text, { count: count, query: said });
        if (answer.partial) {
          line += " " + core.fill(words.partial, { query: said });
        }
        if (answer.cut) {
          line += " " + words.phrase_cut;
        }
        say(line);
        if (count && answer.corrected) {
          instead.appendChild(document.createTextNode(core.fill(words.corrected, { query: answer.corrected }) + " "));
          var again = link("?q=" + encodeURIComponent(query) + "&exact=1", core.fill(words.instead, { query: query }));
          again.addEventListener("click", function (event) {
            event.preventDefault();
            input.value = query;
            search(query, true);
          });
          instead.appendChild(again);
          instead.hidden = false;
        }
      });
    }).catch(function () {
      if (number === asked) {
        section.hidden = true;
        say(words.unavailable);
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    search(input.value, false);
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(input.value, false); }, 300);
  });
  more.addEventListener("click", function () { showMore(true, current); });

  var params = new URLSearchParams(window.location.search);
  var start = params.get("q");
  if (start) {
    input.value = start;
    search(start, params.get("exact") === "1");
  }
})();
