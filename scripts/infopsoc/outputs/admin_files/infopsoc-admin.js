/* Info-PSOC's additions to Decap CMS (served from /admin/, no other host).
 *
 * 1. The written form: a new file is saved in the form `infopsoc new` writes
 *    (scripts/infopsoc/content/frontmatter.py), from the description the build writes
 *    next to this file (infopsoc-fields.json). A changed file keeps its own lines: only the
 *    changed keys' lines are rewritten (update()); the body is kept byte for byte.
 *    The writer is the first part of this file, InfoPsocFrontMatter: pure functions, no editor,
 *    so that Node loads it too (require()). The form's rules are declared once, as cases, in
 *    tests/fixtures/frontmatter-form.json: tests/js/frontmatter.test.js runs this writer on them,
 *    tests/test_frontmatter.py runs Python's; both must give each case's text.
 * 2. One file per language, French without a suffix: Decap names a French file x.fr.md; the
 *    backends are wrapped so that x.fr.md is x.md in the repository (the project's layout).
 * 3. A new bulletin's file is info-psoc-NN.md (two digits at least), from its number, refused
 *    when the number is taken on any branch; « Publier » refuses a bulletin still in draft;
 *    uploads are images and PDF only.
 * 4. The preview uses the site's own stylesheets, writes dates as the site does and shows footnotes.
 */
var InfoPsocFrontMatter = (function () {
  "use strict";
  var jsyaml = typeof window !== "undefined" && window.jsyaml ? window.jsyaml : require("js-yaml");

  var DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

  function empty(value) {
    return value === null || value === undefined || value === "";
  }

  // A value in JSON (JSON strings are YAML), with DEL, the C1 controls and the line and paragraph
  // separators escaped too: YAML may not hold them as they are (PyYAML refuses DEL, reads U+0085,
  // U+2028 and U+2029 as line breaks, eating the space before).
  function json(value) {
    return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function scalar(value, kind) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number" && Number.isInteger(value)) return String(value);
    if (typeof value === "string" && kind === "date" && DATE.test(value)) return value;
    return json(value);
  }

  function item(value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      var pairs = Object.keys(value).filter(function (k) { return !empty(value[k]); });
      if (!pairs.length) return ["  - {}"];
      return pairs.map(function (k, i) { return (i ? "    " : "  - ") + k + ": " + scalar(value[k]); });
    }
    return ["  - " + scalar(value)];
  }

  // One key's lines in the written form (« key: value  # hint », or a list under « key: »).
  function keyLines(key, value, kind, comment) {
    if (Array.isArray(value)) {
      if (!value.length) return [key + ": []" + comment];
      var lines = [key + ":" + comment];
      value.forEach(function (v) { lines = lines.concat(item(v)); });
      return lines;
    }
    if (value && typeof value === "object") return [key + ": " + json(value) + comment];
    return [key + ": " + scalar(value, kind) + comment];
  }

  function omitted(key, value, kind) {
    return key.indexOf("_infopsoc") === 0 || empty(value) || (kind === "bool" && value === false);
  }

  function dump(meta, description) {
    var order = description.order, kinds = description.kinds, hints = description.hints;
    var keys = order.filter(function (k) { return k in meta; })
      .concat(Object.keys(meta).filter(function (k) { return order.indexOf(k) < 0; }));
    var lines = ["---"];
    keys.forEach(function (key) {
      var value = meta[key], kind = kinds[key] || "";
      if (omitted(key, value, kind)) return;  // the editor's own notes, empty values: never written
      lines = lines.concat(keyLines(key, value, kind, hints[key] ? "  # " + hints[key] : ""));
    });
    lines.push("---");
    return lines.join("\n") + "\n";
  }

  // --- a change to an existing file: only the changed keys' lines ------------------------------
  // The file's own lines are kept as they are (order, quotes, comments, blank lines); a changed
  // key's lines are written anew in the form above (keeping the comment at the end of its line),
  // a key emptied is removed, a new key goes after the key before it in the schema's order.
  function canonical(value) {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).sort().forEach(function (k) { if (!empty(value[k])) out[k] = canonical(value[k]); });
      return out;
    }
    return value;
  }
  function same(a, b) {
    var blank = function (v) { return empty(v) || v === false || (Array.isArray(v) && !v.length); };
    if (blank(a) && blank(b)) return true;
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  }

  function blocks(lines) {  // the front matter's lines → [{key, lines}] (key null: a comment or a blank line)
    var out = [];
    lines.forEach(function (line) {
      var key = /^([A-Za-z_][\w-]*)\s*:(\s|$)/.exec(line);
      var last = out[out.length - 1];
      if (key) out.push({key: key[1], lines: [line]});
      else if (last && last.key && /^(\s|-(\s|$))/.test(line) && line.trim()) last.lines.push(line);
      else out.push({key: null, lines: [line]});
    });
    return out;
  }

  function endComment(line) {  // « title: "x"  # a note » → « # a note » (kept when the value changes)
    for (var i = line.indexOf(" #"); i > 0; i = line.indexOf(" #", i + 1)) {
      try {
        if (JSON.stringify(jsyaml.load(line.slice(0, i), {schema: jsyaml.CORE_SCHEMA})) ===
            JSON.stringify(jsyaml.load(line, {schema: jsyaml.CORE_SCHEMA}))) {
          return "  " + line.slice(i + 1).trim();
        }
      } catch (e) { /* the « #» is inside the value */ }
    }
    return "";
  }

  function update(source, meta, description) {
    var order = description.order, kinds = description.kinds, hints = description.hints;
    var old = jsyaml.load(source, {schema: jsyaml.CORE_SCHEMA}) || {};
    var parts = blocks(source === "" ? [] : source.split("\n"));
    var keys = Object.keys(meta).filter(function (k) { return k.indexOf("_infopsoc") !== 0; });
    Object.keys(old).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    keys.forEach(function (key) {
      var value = meta[key], kind = kinds[key] || "";
      var at = parts.findIndex(function (b) { return b.key === key; });
      if (same(old[key], value)) return;  // unchanged: its lines as they are
      if (at >= 0 && omitted(key, value, kind)) { parts.splice(at, 1); return; }
      if (at >= 0) {
        parts[at] = {key: key, lines: keyLines(key, value, kind, endComment(parts[at].lines[0]))};
        return;
      }
      if (omitted(key, value, kind)) return;
      var block = {key: key, lines: keyLines(key, value, kind, hints[key] ? "  # " + hints[key] : "")};
      var before = order.slice(0, Math.max(order.indexOf(key), 0));
      var after = -1;
      parts.forEach(function (b, i) { if (b.key && before.indexOf(b.key) >= 0) after = i; });
      parts.splice(after + 1, 0, block);
    });
    var lines = [];
    parts.forEach(function (b) { lines = lines.concat(b.lines); });
    return "---\n" + (lines.length ? lines.join("\n") + "\n" : "") + "---\n";
  }

  function split(content) {
    var text = content.replace(/\r\n?/g, "\n").replace(/^\ufeff/, "");
    var lines = text.split("\n");
    if (lines[0].trim() !== "---") return {meta: {}, body: text};
    for (var i = 1; i < lines.length; i++) {
      if (lines[i].replace(/\s+$/, "") === "---") {
        var source = lines.slice(1, i).join("\n");
        var meta = jsyaml.load(source, {schema: jsyaml.CORE_SCHEMA}) || {};
        return {meta: meta, body: lines.slice(i + 1).join("\n"), source: source};
      }
    }
    return {meta: {}, body: text};
  }

  return {dump: dump, update: update, split: split, empty: empty, json: json, same: same};
})();
if (typeof module === "object" && module.exports) module.exports = InfoPsocFrontMatter;

(function () {
  "use strict";
  if (typeof window === "undefined" || !window.CMS) return;  // Node: the writer above only
  var CMS = window.CMS;
  var jsyaml = window.jsyaml;
  var dump = InfoPsocFrontMatter.dump, update = InfoPsocFrontMatter.update;
  var split = InfoPsocFrontMatter.split, empty = InfoPsocFrontMatter.empty, json = InfoPsocFrontMatter.json;
  var same = InfoPsocFrontMatter.same;

  function load(url) {
    var request = new XMLHttpRequest();
    request.open("GET", url, false);  // before the editor starts: its formats need it
    request.send(null);
    return JSON.parse(request.responseText);
  }
  var FIELDS = load("infopsoc-fields.json");

  // Decap's French leaves about forty of its newer phrases in English, and says « Brouillon » for a
  // column of the workflow (the site's « Brouillon » is the switch in the form: one word, one
  // meaning): decap-fr.json's phrases win. The French is also registered as « en »: the first
  // screen (« Chargement de la configuration... ») is drawn before the configuration says « fr ».
  (function completeFrench() {
    var phrases = CMS.getLocale("fr"), ours = load("decap-fr.json");
    if (!phrases) return;
    Object.keys(ours).forEach(function (path) {
      var keys = path.split("."), node = phrases;
      keys.slice(0, -1).forEach(function (k) { node = node[k] = node[k] || {}; });
      node[keys[keys.length - 1]] = ours[path];
    });
    CMS.registerLocale("fr", phrases);
    CMS.registerLocale("en", phrases);
  })();

  // --- 1. the written form (InfoPsocFrontMatter, above) -------------------------------------------
  var SOURCE = "_infopsoc_source";  // never written: the editor's note of the file as it was read

  function describe(sortedKeys) {
    var keys = (sortedKeys || []).filter(function (k) { return k !== "body"; }).join(",");
    var all = Object.assign({pages: FIELDS.pages}, FIELDS.collections);
    for (var name in all) {
      if (all[name].order.join(",") === keys) return all[name];
    }
    return {order: [], kinds: {}, hints: {}};
  }

  CMS.registerCustomFormat(FIELDS.format, "md", {
    fromFile: function (content) {
      var parts = split(content);
      var data = Object.assign({}, parts.meta);
      if (parts.body.trim()) data.body = parts.body;
      if (typeof parts.source === "string") data[SOURCE] = parts.source;  // the file's own lines, for update()
      return data;
    },
    toFile: function (data, sortedKeys) {
      var meta = Object.assign({}, data);
      var body = meta.body || "", source = meta[SOURCE];
      delete meta.body;
      var description = describe(sortedKeys);
      return (typeof source === "string" ? update(source, meta, description) : dump(meta, description)) + body;
    },
  });

  // data/membres.yml: a list at the top (Decap edits it as the field « members »); the file's
  // opening comment is kept as it is, and so is each unchanged member's own block of lines (its
  // quotes, comments, the comment lines before it): only a changed or new member is written anew.
  function memberValue(key, value) {
    if (key === "url" && /^https?:\/\/[^\s#]+$/.test(value) && value.indexOf(": ") < 0) return value;
    return json(value);  // quoted as the front matter's texts are
  }
  function memberBlocks(text) {  // the list's lines → [{lines, value}], a member's comments and blank lines before it
    var blocks = [], pending = [];
    text.split("\n").forEach(function (line) {
      var last = blocks[blocks.length - 1];
      if (/^-(\s|$)/.test(line)) {
        blocks.push({lines: pending.concat([line])});
        pending = [];
      } else if (last && !pending.length && /^\s+\S/.test(line)) {
        last.lines.push(line);
      } else {
        pending.push(line);
      }
    });
    blocks.forEach(function (block) {
      try { block.value = (jsyaml.load(block.lines.join("\n"), {schema: jsyaml.CORE_SCHEMA}) || [])[0]; }
      catch (e) { block.value = undefined; }
    });
    blocks.trailing = pending;  // the comments after the last member
    return blocks;
  }
  CMS.registerCustomFormat(FIELDS.members_format, "yml", {
    fromFile: function (content) {
      var text = content.replace(/\r\n?/g, "\n");
      var header = (text.match(/^(?:#.*\n|\s*\n)*/) || [""])[0];
      return {members: jsyaml.load(text, {schema: jsyaml.CORE_SCHEMA}) || [], _infopsoc_header: header,
              _infopsoc_source: text.slice(header.length)};
    },
    toFile: function (data) {
      var lines = [], blocks = memberBlocks(String(data._infopsoc_source || ""));
      (data.members || []).forEach(function (member) {
        var kept = blocks.filter(function (b) { return !b.used && same(b.value, member); })[0];
        if (kept) {
          kept.used = true;
          lines = lines.concat(kept.lines);
          return;
        }
        var keys = ["url", "name", "region"].filter(function (k) { return !empty(member[k]); });
        keys.forEach(function (k, i) { lines.push((i ? "  " : "- ") + k + ": " + memberValue(k, member[k])); });
      });
      lines = lines.concat(blocks.trailing);
      while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
      return (data._infopsoc_header || "") + lines.join("\n") + "\n";
    },
  });

  // --- 2. French files without a suffix ---------------------------------------------------------
  var i18nFolders = null;
  function folders(config) {
    if (!i18nFolders) {
      i18nFolders = (config.collections || []).filter(function (c) { return c.i18n && c.folder; })
        .map(function (c) { return c.folder.replace(/\/+$/, ""); });
    }
    return i18nFolders;
  }
  var FR = FIELDS.default_locale;
  function fileOf(path, dirs) {  // « bulletins/x.md » → { dir, stem, lang }
    var match = /^(.*)\/([^\/\n]+?)(?:\.([a-z]{2}))?\.md$/.exec(path);
    if (!match || dirs.indexOf(match[1]) < 0) return null;
    return {dir: match[1], stem: match[2], lang: match[3] || ""};
  }
  function toDecap(path, dirs) {
    var f = typeof path === "string" && fileOf(path, dirs);
    return f && !f.lang ? f.dir + "/" + f.stem + "." + FR + ".md" : path;
  }
  function toRepo(path, dirs) {
    var f = typeof path === "string" && fileOf(path, dirs);
    return f && f.lang === FR ? f.dir + "/" + f.stem + ".md" : path;
  }
  function deep(value, map) {
    if (typeof value === "string") return map(value);
    if (Array.isArray(value)) {
      var copy = value.map(function (v) { return deep(v, map); });
      Object.getOwnPropertySymbols(value).forEach(function (s) { copy[s] = value[s]; });
      return copy;
    }
    if (value && Object.getPrototypeOf(value) === Object.prototype) {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = deep(value[k], map); });
      Object.getOwnPropertySymbols(value).forEach(function (s) { out[s] = value[s]; });
      return out;
    }
    return value;
  }
  // Decap writes every language's file of an item; a language the item has no translation in
  // has only the form's defaults (a number, « brouillon »): that file is not written.
  function translated(dataFile, config) {
    var f = fileOf(dataFile.path, folders(config));
    if (!f || !f.lang || f.lang === FR) return true;
    var collection = (config.collections || []).filter(function (c) { return c.folder === f.dir; })[0];
    var description = collection && FIELDS.collections[collection.name];
    if (!description) return true;
    var meta = split(dataFile.raw || "").meta;
    return description.required.every(function (k) { return !empty(meta[k]); });
  }

  // A language file that does not exist (a bulletin with no English version yet) reads as an
  // empty translation. Decap 3.16 leaves that language out of the item it reloads from its
  // branch after a save, then fails on the next save (« Cannot read properties of undefined
  // (reading 'get') » in serializeI18n): the second « Enregistrer » did nothing.
  function untranslated(prop, args, dirs) {
    var path = prop === "getEntry" ? args[0] : prop === "unpublishedEntryDataFile" ? args[2] : null;
    var f = typeof path === "string" && fileOf(path, dirs);
    return f && f.lang && f.lang !== FR ? path : null;
  }

  function wrap(implementation, config) {
    var dirs = folders(config);
    var inbound = function (v) { return deep(v, function (s) { return toRepo(s, dirs); }); };
    var outbound = function (v) { return deep(v, function (s) { return toDecap(s, dirs); }); };
    return new Proxy(implementation, {
      get: function (target, prop) {
        var value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        return function () {
          var args = Array.prototype.slice.call(arguments);
          var assets = prop === "persistMedia" ? [args[0]] : prop === "persistEntry" && args[0] ? args[0].assets || [] : [];
          var refused = assets.filter(function (a) { return a && refusedMedia(a.path); })[0];
          if (refused) return Promise.reject(mediaError(refused.path));
          if (prop === "persistEntry" && args[0] && Array.isArray(args[0].dataFiles)) {
            args[0] = Object.assign({}, args[0], {dataFiles: args[0].dataFiles.filter(function (d) {
              return translated(d, config);
            })});
          }
          var result = value.apply(target, args.map(inbound));
          if (result && typeof result.then === "function") {
            var missing = untranslated(prop, args, dirs);
            return result.then(outbound, function (error) {
              if (missing === null) throw error;
              return prop === "getEntry" ? {file: {path: missing, id: null}, data: ""} : "";
            });
          }
          return outbound(result);
        };
      },
    });
  }
  ["proxy", "github", "git-gateway", "gitlab", "gitea"].forEach(function (name) {
    var registered = CMS.getBackend(name);
    if (!registered) return;
    var init = registered.init;
    registered.init = function (config, options) {
      bulletinFolder = ((config.collections || []).filter(function (c) { return c.name === "bulletins"; })[0] || {}).folder;
      backend = wrap(init(config, options), config);
      return backend;
    };
  });

  // --- 3. a new bulletin's file name and number; publishing; uploads --------------------------
  var backend = null, bulletinFolder = "bulletins";  // the wrapped backend, once signed in
  function bulletinSlug(number) { return "info-psoc-" + (number < 10 ? "0" : "") + number; }

  // Where a number is already taken: this branch, a text in progress in the editor (its cms/
  // branch), or another branch git knows (FIELDS.taken_numbers, written by the build).
  function takenBy(number) {
    var known = (FIELDS.taken_numbers || {})[String(number)];
    if (known) return Promise.resolve(known);
    if (!backend) return Promise.resolve(null);
    var slug = bulletinSlug(number);
    var unpublished = backend.unpublishedEntry({collection: "bulletins", slug: slug})
      .then(function (e) { return e ? "un texte en cours dans l'éditeur (" + slug + ")" : null; }, function () { return null; });
    return unpublished.then(function (where) {
      if (where) return where;
      return backend.getEntry(bulletinFolder + "/" + slug + "." + FR + ".md")
        .then(function (e) { return e && e.data ? bulletinFolder + "/" + slug + ".md" : null; }, function () { return null; });
    });
  }
  function nextFree(number) {
    return takenBy(number).then(function (where) { return where ? nextFree(number + 1) : number; });
  }

  CMS.registerEventListener({
    name: "preSave",
    handler: function (args) {
      var entry = args.entry, data = entry.get("data");
      if (entry.get("collection") !== "bulletins" || !entry.get("newRecord")) return data;
      var number = parseInt(data.get("number"), 10);
      return takenBy(number).then(function (where) {
        if (!where) return data.set(FIELDS.file_key, bulletinSlug(number));
        return nextFree(number + 1).then(function (free) {
          throw new Error("le numéro " + number + " est déjà pris (" + where + ") : mettez " + free +
                          " dans « Numéro », le prochain numéro libre, puis « Enregistrer ».");
        });
      });
    },
  });

  // « Publier maintenant » puts the text on the site's branch: a bulletin still marked
  // « Brouillon » would arrive there unpublished. The editor says so instead.
  CMS.registerEventListener({
    name: "prePublish",
    handler: function (args) {
      var data = args.entry.get("data");
      if (data && data.get && data.get("draft") === true) {
        throw new Error("la case « Brouillon » est encore cochée : décochez-la, « Enregistrer », puis publiez. " +
                        "Sinon le texte arriverait sur le site sans y paraître.");
      }
    },
  });

  // Uploads: the types of core/media.py, the list the site publishes (the backend reads the bytes too).
  function refusedMedia(path) {
    var dot = String(path || "").lastIndexOf(".");
    var extension = dot > 0 ? String(path).slice(dot).toLowerCase() : "";
    return (FIELDS.media_types || []).indexOf(extension) < 0;
  }
  function mediaError(path) {
    return new Error("« " + String(path).split("/").pop() + " » : l'éditeur n'accepte que les images et les documents (" +
                     (FIELDS.media_types || []).join(", ") + ").");
  }

  // --- 4. the preview -------------------------------------------------------------------------
  (FIELDS.stylesheets || []).forEach(function (href) { CMS.registerPreviewStyle(href); });
  CMS.registerPreviewStyle("infopsoc-preview.css");
  var h = window.h, createClass = window.createClass;

  // The date as the site writes it: « 15 janvier 2018 », « 1er avril 2018 », « janvier 2018 ».
  function writtenDate(value) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value || "");
    if (!m || !m[2]) return value || "";
    var options = {month: "long", year: "numeric", timeZone: "UTC"};
    if (m[3]) options.day = "numeric";
    var written = new Intl.DateTimeFormat(FR + "-CA", options).format(new Date(Date.UTC(+m[1], +m[2] - 1, +(m[3] || 1))));
    return m[3] === "01" ? written.replace(/^1 /, "1er ") : written;
  }

  // Footnotes ([^1] ... [^1]: text), which Decap's Markdown preview does not know, shown as the
  // site shows them: a numbered call, the notes at the end. The preview only: the file is untouched.
  var NOTE = /^\[\^([^\]\s]+)\]:[ \t]?(.*)$/;
  function withNotes(body) {
    var lines = String(body || "").split("\n"), kept = [], notes = {}, current = null, fence = false;
    lines.forEach(function (line) {
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      var m = !fence && NOTE.exec(line);
      if (m) { current = m[1]; notes[current] = [m[2]]; return; }
      if (current !== null && (/^( {4}|\t)/.test(line) || (line === "" && notes[current].length))) {
        notes[current].push(line.replace(/^( {4}|\t)/, ""));
        return;
      }
      current = null;
      kept.push(line);
    });
    var order = [];
    var text = kept.join("\n").replace(/\[\^([^\]\s]+)\]/g, function (all, id) {
      if (!(id in notes)) return all;
      if (order.indexOf(id) < 0) order.push(id);
      return '<sup class="ip-preview-note">' + (order.indexOf(id) + 1) + "</sup>";
    });
    if (!order.length) return text;
    var list = order.map(function (id, i) {
      return (i + 1) + ". " + notes[id].join("\n").trim().replace(/\n/g, "\n   ");
    });
    return text + '\n\n<div class="footnote">\n\n<hr>\n\n' + list.join("\n") + "\n\n</div>\n";
  }

  function body(props) {
    var element = props.widgetFor("body");
    if (!element || !element.props || typeof element.props.value !== "string") return element;
    return h(element.type, Object.assign({}, element.props, {key: "b", value: withNotes(element.props.value)}));
  }

  function page(children) {
    // dir: Material's stylesheets place the encadrés' icons and lists' indents by [dir=ltr]
    return h("div", {"data-md-color-scheme": "default", dir: "ltr", className: "md-main"},
      h("div", {className: "md-content"}, h("article", {className: "md-content__inner md-typeset"}, children)));
  }
  CMS.registerPreviewTemplate("bulletins", createClass({
    render: function () {
      var data = this.props.entry.get("data");
      return page([
        h("p", {key: "n", className: "ip-preview-kicker"}, "Info-PSOC no " + (data.get("number") || "")),
        h("h1", {key: "t"}, data.get("title") || ""),
        h("p", {key: "d"}, h("time", {dateTime: data.get("date") || ""}, writtenDate(data.get("date")))),
        h("div", {key: "b"}, body(this.props)),
      ]);
    },
  }));
  ["glossary", "timeline", "pages"].forEach(function (name) {
    CMS.registerPreviewTemplate(name, createClass({
      render: function () {
        var data = this.props.entry.get("data");
        return page([
          h("h1", {key: "t"}, data.get("term") || data.get("title") || ""),
          data.get("expansion") ? h("p", {key: "e"}, h("strong", null, data.get("expansion"))) : null,
          data.get("date") ? h("p", {key: "d"}, h("time", {dateTime: data.get("date")}, writtenDate(data.get("date")))) : null,
          h("div", {key: "b"}, body(this.props)),
        ]);
      },
    }));
  });

  // Material's encadrés (« !!! note "Titre" ») shown as the site shows them
  CMS.registerEditorComponent({
    id: "encadre",
    label: "Encadré",
    fields: [{name: "kind", label: "Sorte", widget: "select", options: ["note", "info", "warning", "abstract"]},
             {name: "title", label: "Titre", widget: "string"},
             {name: "text", label: "Texte", widget: "text"}],
    pattern: /^!!! (\w+)(?: "([^"\n]*)")?\n\n((?: {4}.*(?:\n|$)|\n)+)/,
    fromBlock: function (match) {
      return {kind: match[1], title: match[2] || "", text: match[3].replace(/^ {4}/gm, "").trim()};
    },
    toBlock: function (data) {
      var text = String(data.text || "").split("\n").map(function (l) { return l ? "    " + l : ""; }).join("\n");
      return "!!! " + (data.kind || "note") + ' "' + String(data.title || "").replace(/"/g, "”") + '"\n\n' + text;
    },
    toPreview: function (data) {
      var escape = function (s) {
        return String(s || "").replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
      };
      var paragraphs = String(data.text || "").split(/\n\s*\n/).map(function (p) { return "<p>" + escape(p) + "</p>"; });
      return '<div class="admonition ' + escape(data.kind) + '"><p class="admonition-title">' + escape(data.title) +
        "</p>" + paragraphs.join("") + "</div>";
    },
  });

  // « Vérifier l'aperçu » asks the host for a deployed preview of a text in progress: neither
  // GitHub Pages nor make edit makes one (it spun, then did nothing). The button is hidden; the
  // form's « Aperçu » pane shows the text as the site will.
  // The upload's file chooser offers only the accepted types (the backend refuses the others too).
  var deployLabel = (CMS.getLocale("fr").editor.editorToolbar || {}).deployPreviewPendingButtonLabel;
  var accepted = (FIELDS.media_types || []).join(",");
  // Decap writes one message of its own in English, before the reason it was given (already French,
  // e.g. mediaError above): « Failed to persist media: Error: … ». Said in French where it shows.
  var ENGLISH_PREFIX = /^Failed to persist media: (?:Error: )?/;
  function frenchToasts(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (ENGLISH_PREFIX.test(node.nodeValue)) node.nodeValue = node.nodeValue.replace(ENGLISH_PREFIX, "Fichier non enregistré : ");
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var text = walker.nextNode(); text; text = walker.nextNode()) frenchToasts(text);
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.type === "characterData") frenchToasts(record.target);
      else Array.prototype.forEach.call(record.addedNodes, frenchToasts);
    });
    Array.prototype.forEach.call(document.querySelectorAll("button"), function (button) {
      if (button.textContent.trim() === deployLabel && button.style.display !== "none") button.style.display = "none";
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file]"), function (input) {
      if (input.getAttribute("accept") !== accepted) input.setAttribute("accept", accepted);
    });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});

  CMS.init();
})();
