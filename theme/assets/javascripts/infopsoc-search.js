/* Info-PSOC: the search page's script (theme/infopsoc-search.html).
 *
 * Pagefind's index (outputs/search.py) is imported at the first search only: a page opened
 * without words fetches nothing of it. Each result shows the page's title, a bulletin's number
 * and date, an excerpt with the words marked, and the sections of the page that match, grouped
 * under it. The status line (role="status") says how many pages were found; the results are
 * plain links in a list, reached with Tab.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.ip-search");
  if (!form || !window.URL) {
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
  var leaveMinor = false;  // the latest query has other words: its minor words are not marked
  var bundle = new URL(form.getAttribute("data-bundle"), window.location.href);
  var root = new URL("../", bundle);                         // this language's home
  var defaultRoot = new URL(form.getAttribute("data-default-root") || "./", root);  // the French site's
  var PAGE = 5;        // results shown at a time: each one fetches its page's fragment (~4 kB)
  var engine = null;   // a promise of Pagefind's module, made at the first search
  var asked = 0;       // the number of the latest search: older answers are dropped
  var found = [];      // the results of the latest search
  var shown = 0;
  var timer = null;

  function say(text) {
    status.textContent = text;
  }

  function pagefind() {
    if (!engine) {
      engine = import(new URL("pagefind.js", bundle).href).then(function (module) {
        // Pagefind searches in its web worker (pagefind-worker.js, 12 kB compressed): without it,
        // the search blocked this page's thread (Lighthouse, /recherche/?q=…: TBT 480 ms, LCP
        // 3.0 s and performance 82 against 60 ms, 1.8 s and 100 with it)
        return Promise.resolve(module.options({ baseUrl: "/", excerptLength: 24 })).then(function () {
          return module;
        });
      });
    }
    return engine;
  }

  function address(url, meta) {
    var base = meta && meta.lang ? defaultRoot : root;
    return new URL(url.replace(/^\//, ""), base).href;
  }

  function fold(word) {
    return word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\u2019/g, "'").toLowerCase();
  }

  function isMinor(word) {
    return minor[fold(word).replace(/^[^\w']+|[^\w']+$/g, "")] === true;
  }

  // The query Pagefind gets: without its minor words when it has others, and as typed when it
  // quotes a phrase or is made of minor words only.
  function lookFor(query) {
    var all = query.split(/\s+/).filter(Boolean);
    var kept = all.filter(function (word) { return !isMinor(word); });
    leaveMinor = query.indexOf('"') < 0 && kept.length > 0 && kept.length < all.length;
    return leaveMinor ? kept.join(" ") : query;
  }

  // An excerpt as nodes: text, and the words Pagefind marked; nothing else of its HTML is kept.
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var paragraph = document.createElement("p");
    paragraph.className = "ip-search__excerpt";
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK" && !(leaveMinor && isMinor(node.textContent))) {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(node.textContent));
      }
    });
    return paragraph;
  }

  function link(href, text) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  function render(data) {
    var meta = data.meta || {};
    var item = document.createElement("li");
    item.className = "ip-search__result";
    var title = document.createElement("h2");
    title.className = "ip-search__title";
    title.appendChild(link(address(data.url, meta), meta.title || data.url));
    if (meta.lang) {
      var other = document.createElement("span");
      other.className = "ip-search__lang";
      other.textContent = " " + words.in_other;
      title.appendChild(other);
      title.firstChild.setAttribute("hreflang", meta.lang);
    }
    item.appendChild(title);
    if (meta.kicker) {
      var kicker = document.createElement("p");
      kicker.className = "ip-search__kicker";
      kicker.textContent = meta.kicker;
      item.appendChild(kicker);
    }
    item.appendChild(excerpt(data.excerpt));
    var sections = (data.sub_results || []).filter(function (sub) {
      return sub.url.indexOf("#") > 0 && sub.title !== meta.title;
    }).slice(0, 3);
    if (sections.length) {
      var group = document.createElement("ul");
      group.className = "ip-search__sections";
      sections.forEach(function (sub) {
        var entry = document.createElement("li");
        entry.appendChild(link(address(sub.url, meta), sub.title));
        entry.appendChild(excerpt(sub.excerpt));
        group.appendChild(entry);
      });
      item.appendChild(group);
    }
    return item;
  }

  function showMore(focus) {
    var batch = found.slice(shown, shown + PAGE);
    var number = asked;
    return Promise.all(batch.map(function (result) { return result.data(); })).then(function (pages) {
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
    return pagefind().then(function (module) {
      return module.search(lookFor(query));
    }).then(function (answer) {
      if (number !== asked) {
        return;
      }
      found = answer.results;
      shown = 0;
      list.textContent = "";
      var count = found.length;
      var text = count === 0 ? words.none : count === 1 ? words.one : words.many;
      section.hidden = count === 0;
      more.hidden = true;
      return showMore(false).then(function () {
        say(text.replace("{count}", count).replace("{query}", query));
      });
    }, function () {
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
