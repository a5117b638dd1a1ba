/* Info-PSOC: the search page's script (theme/infopsoc-search.html).
 *
 * It reads the index that outputs/search.py writes (its docstring describes the files), and only
 * at the first search: a page opened without words fetches nothing of it. For each word of a
 * query it fetches one slice of the word list (the word's family, compared without case or
 * accents) and, for a family of many pages, its file (the pages that hold it, with their scores);
 * then the file of each result shown, five at a time. A page must hold every word of the query
 * (words a text is made of, « de », « la », « the », are left out when there are others).
 *
 * Each result shows the page's title, a bulletin's number and date, an excerpt with the words
 * marked, and the sections of the page that hold them, grouped under it. The status line
 * (role="status") says how many pages were found; the results are plain links in a list.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.ip-search");
  if (!form || !window.URL || !window.fetch) {
    return;
  }
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("ip-search-status");
  var section = document.querySelector(".ip-search__results");
  var list = section.querySelector(".ip-search__list");
  var more = section.querySelector(".ip-search__more");
  var words = JSON.parse(form.getAttribute("data-words"));
  var minor = {};      // words a text is made of (« de », « la », « the »), folded
  JSON.parse(form.getAttribute("data-minor") || "[]").forEach(function (word) { minor[word] = true; });
  var bundle = new URL(form.getAttribute("data-bundle"), window.location.href);
  var root = new URL("../", bundle);                         // this language's home
  var defaultRoot = new URL(form.getAttribute("data-default-root") || "./", root);  // the French site's
  var VERSION = 1;     // the index's format (outputs/search.py FORMAT_VERSION)
  var PAGE = 5;        // results shown at a time: each one fetches its page's file
  var EXCERPT = 24;    // words in an excerpt
  var SECTIONS = 3;    // sections shown under a result
  var PREFIXED = 30;   // forms a word not found as such may begin (« organism » : « organismes »…)
  var asked = 0;       // the number of the latest search: older answers are dropped
  var found = [];      // the pages of the latest search, best first
  var marked = {};     // the forms to mark in its excerpts (folded): true, or 2 for the forms typed
  var shown = 0;
  var timer = null;
  var files = {};      // what was fetched, by path (a promise of its JSON)

  // The same cut and comparison as outputs/search.py (words, folded).
  var WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}_]*/gu;
  var LIGATURES = { "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE" };

  function lower(word) {
    return word.normalize("NFC").replace(/[œŒæÆ]/g, function (c) { return LIGATURES[c]; }).toLowerCase();
  }

  function fold(word) {  // Python's casefold() also writes « ß » as « ss »
    return lower(word).normalize("NFD").replace(/\p{M}/gu, "").replace(/\u2019/g, "'").replace(/ß/g, "ss");
  }

  function say(text) {
    status.textContent = text;
  }

  function get(path) {
    if (!files[path]) {
      files[path] = fetch(new URL(path, bundle).href).then(function (response) {
        if (!response.ok) {
          throw new Error(path + ": " + response.status);
        }
        return response.json();
      });
      files[path].catch(function () { delete files[path]; });  // tried again at the next search
    }
    return files[path];
  }

  function meta() {
    return get("meta.json").then(function (data) {
      if (data.version !== VERSION) {
        throw new Error("index version " + data.version);
      }
      return data;
    });
  }

  // The slice of the word list that holds a folded form: the one of its longest prefix.
  function slice(form, shards) {
    for (var n = form.length; n >= 0; n--) {
      if (has(shards, form.slice(0, n))) {
        return get("mots/" + shards[form.slice(0, n)] + ".json");
      }
    }
    return Promise.resolve({ w: {}, f: {} });
  }

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // The families of a word of the query: its own form's, else the form without a plural ending,
  // else those of the forms it begins (three letters at least). A family of a few pages is in
  // the slice; the others have their own file.
  function families(word, shards) {
    var form = fold(word);
    var single = form.length > 3 && /[sx]$/.test(form) ? form.slice(0, -1) : form;
    return Promise.all([slice(form, shards), single !== form ? slice(single, shards) : null]).then(function (slices) {
      var own = slices[0];
      var ids = [];
      var from = own;
      if (has(own.w, form)) {
        ids = own.w[form].split(" ");
      } else if (slices[1] && has(slices[1].w, single)) {
        from = slices[1];
        ids = from.w[single].split(" ");
      } else if (form.length >= 3) {
        var seen = {};
        Object.keys(own.w).filter(function (other) {
          return other.indexOf(form) === 0;
        }).sort().slice(0, PREFIXED).forEach(function (other) {
          own.w[other].split(" ").forEach(function (id) { seen[id] = true; });
        });
        ids = Object.keys(seen);
      }
      return Promise.all(ids.map(function (id) {
        return has(from.f, id) ? from.f[id] : get("familles/w-" + id + ".json");
      }));
    });
  }

  // The pages that hold a word, with its score on each: a form typed as it is written (accents
  // included) counts twice, a form written otherwise (accents, case) one and a half times, the
  // other forms of its family once.
  function pagesOf(word, shards, marks) {
    var typed = lower(word);
    var plain = fold(word);
    return families(word, shards).then(function (familyFiles) {
      var scores = new Map();
      familyFiles.forEach(function (family) {
        Object.keys(family).forEach(function (form) {
          var folded = fold(form);
          var weight = form === typed ? 2 : folded === plain ? 1.5 : 1;
          marks[folded] = folded === plain ? 2 : (marks[folded] || 1);
          var numbers = family[form];
          var page = 0;
          for (var n = 0; n < numbers.length; n += 2) {
            page += numbers[n];
            scores.set(page, (scores.get(page) || 0) + weight * numbers[n + 1]);
          }
        });
      });
      return scores;
    });
  }

  // The words searched for: without the words a text is made of when there are others (a query
  // with quotes, or of such words only, is searched as typed).
  function lookFor(query) {
    var all = query.match(WORD) || [];
    var kept = all.filter(function (word) { return minor[fold(word)] !== true; });
    var leave = query.indexOf('"') < 0 && kept.length > 0;
    return leave ? kept : all;
  }

  function find(query) {
    var terms = lookFor(query);
    var marks = {};
    if (!terms.length) {
      return Promise.resolve({ pages: [], marks: marks });
    }
    return meta().then(function (data) {
      return Promise.all(terms.map(function (word) { return pagesOf(word, data.shards, marks); }));
    }).then(function (perWord) {
      var total = perWord[0];
      perWord.slice(1).forEach(function (scores) {
        var both = new Map();
        total.forEach(function (score, page) {
          if (scores.has(page)) {
            both.set(page, score + scores.get(page));
          }
        });
        total = both;
      });
      var pages = Array.from(total.keys()).sort(function (a, b) {
        return total.get(b) - total.get(a) || a - b;
      });
      return { pages: pages, marks: marks };
    });
  }

  function address(url, data) {
    var base = data && data.lang ? defaultRoot : root;
    return new URL(url.replace(/^\//, ""), base).href;
  }

  // The best window of a text: the one with the most marked words (the forms typed first), as
  // nodes: text and <mark>s, nothing of it read as HTML. Null when nothing in it is marked.
  function excerpt(text) {
    var spans = [];
    var match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      spans.push([match.index, match.index + match[0].length, marked[fold(match[0])] || 0]);
    }
    var best = -1;
    var bestValue = 0;
    spans.forEach(function (span, n) {
      if (!span[2]) {
        return;
      }
      var start = Math.max(0, n - 2);
      var value = 0;
      for (var k = start; k < Math.min(spans.length, start + EXCERPT); k++) {
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
    for (var k = best; k < Math.min(spans.length, best + EXCERPT); k++) {
      if (spans[k][2] > spans[strongest][2]) {
        strongest = k;
      }
    }
    while (best < strongest && (spans[best][2] || strongest - best > 2)) {
      best++;
    }
    var last = Math.min(spans.length, best + EXCERPT) - 1;
    var paragraph = document.createElement("p");
    paragraph.className = "ip-search__excerpt";
    var at = spans[best][0];
    if (at > 0) {
      paragraph.appendChild(document.createTextNode("… "));
    }
    for (var n = best; n <= last; n++) {
      if (spans[n][2]) {
        paragraph.appendChild(document.createTextNode(text.slice(at, spans[n][0])));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(spans[n][0], spans[n][1]);
        paragraph.appendChild(mark);
        at = spans[n][1];
      }
    }
    paragraph.appendChild(document.createTextNode(text.slice(at, spans[last][1])));
    if (spans[last][1] < text.length) {
      paragraph.appendChild(document.createTextNode(" …"));
    }
    paragraph.value = bestValue;
    return paragraph;
  }

  function link(href, text) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  function render(data) {
    var item = document.createElement("li");
    item.className = "ip-search__result";
    var title = document.createElement("h2");
    title.className = "ip-search__title";
    title.appendChild(link(address(data.url, data), data.title || data.url));
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
    var sections = data.sections || [];
    // the page's text with its sections' headings (the first section's text begins with the title)
    var whole = excerpt(sections.map(function (part) {
      return part[0] ? part[1] + " — " + part[2] : part[2];
    }).join(" "));
    if (whole) {
      item.appendChild(whole);
    }
    var parts = sections.filter(function (part) {
      return part[0] && part[1] !== data.title;
    }).map(function (part) {
      return { part: part, text: excerpt(part[1] + " — " + part[2]) };
    }).filter(function (one) { return one.text; }).sort(function (a, b) {
      return b.text.value - a.text.value;
    }).slice(0, SECTIONS);
    if (parts.length) {
      var group = document.createElement("ul");
      group.className = "ip-search__sections";
      parts.forEach(function (one) {
        var entry = document.createElement("li");
        entry.appendChild(link(address(data.url, data) + "#" + encodeURIComponent(one.part[0]), one.part[1]));
        var own = excerpt(one.part[2]);  // none when only the heading holds the words: the link shows them
        if (own) {
          entry.appendChild(own);
        }
        group.appendChild(entry);
      });
      item.appendChild(group);
    }
    return item;
  }

  function showMore(focus) {
    var batch = found.slice(shown, shown + PAGE);
    var number = asked;
    return Promise.all(batch.map(function (page) { return get("pages/" + page + ".json"); })).then(function (pages) {
      if (number !== asked) {
        return;
      }
      var first = null;
      pages.forEach(function (data) {
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

  function search(query) {
    var number = ++asked;
    query = query.trim();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : window.location.pathname);
    }
    if (!query) {
      list.textContent = "";
      section.hidden = true;
      say("");
      return Promise.resolve();
    }
    say(words.loading);
    return find(query).then(function (answer) {
      if (number !== asked) {
        return;
      }
      found = answer.pages;
      marked = answer.marks;
      shown = 0;
      list.textContent = "";
      var count = found.length;
      var text = count === 0 ? words.none : count === 1 ? words.one : words.many;
      section.hidden = count === 0;
      more.hidden = true;
      return showMore(false).then(function () {
        say(text.replace("{count}", count).replace("{query}", query));
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
    search(input.value);
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(input.value); }, 300);
  });
  more.addEventListener("click", function () { showMore(true); });

  var start = new URLSearchParams(window.location.search).get("q");
  if (start) {
    input.value = start;
    search(start);
  }
})();
