/* Client-side search for the portal. Reads search-index/meta.json first: for a small portal
   it then loads the whole search-index.json (a list of {title, kind, summary, tags, text, url},
   url relative to the site root) and finds words anywhere, even inside other words; for a
   large one it fetches only the pieces a query needs (search-index/<digest>/words/<first
   letters>.json, the records that hold each word, and .../docs/<n>.json, the records it shows) and
   finds words by their beginning. Either way it ranks matches in title > tags > summary > text
   and builds every result with textContent: index data is never parsed as HTML. Opened from
   disk, where browsers refuse fetch, it loads search-index.js instead: the records without
   their full text. No dependencies; every request is for the portal's own files. */
(function () {
  "use strict";

  var box = document.querySelector("[data-search]");
  if (!box) return;

  var form = box.querySelector("[data-search-form]");
  var input = box.querySelector("[data-search-input]");
  var status = box.querySelector("[data-search-status]");
  var list = box.querySelector("[data-search-results]");
  var root = box.getAttribute("data-root") || "";
  var indexUrl = box.getAttribute("data-index") || root + "search-index.json";
  var titlesUrl = box.getAttribute("data-titles") || root + "search-index.js";
  var metaUrl = box.getAttribute("data-meta") || root + "search-index/meta.json";
  var fromDisk = window.location.protocol === "file:";

  /* Kind labels, whether the index names kinds by folder ("competitors") or singular
     ("competitor", "message house"). */
  var KINDS = {
    products: "Product", product: "Product",
    personas: "Persona", persona: "Persona",
    competitors: "Battlecard", competitor: "Battlecard",
    positioning: "Positioning",
    messaging: "Message house", "message house": "Message house",
    launches: "Launch", launch: "Launch",
    pages: "Guide", page: "Guide"
  };
  function kindLabel(kind) {
    if (Object.prototype.hasOwnProperty.call(KINDS, kind)) return KINDS[kind];
    return kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : "";
  }
  var LIMIT = 50;
  var FIRST = 10;
  var engine = null;
  var asked = 0;
  var timer = null;

  function fold(s) {
    s = String(s == null ? "" : s).toLowerCase();
    if (s.normalize) s = s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return s;
  }

  function terms(query) {
    var seen = Object.create(null);
    return fold(query).split(/\s+/).filter(function (t) {
      if (!t || seen[t]) return false;
      seen[t] = true;
      return true;
    });
  }

  /* Only relative links into the portal: never a scheme such as javascript:. */
  function safeRecord(d) {
    return d && typeof d.url === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(d.url) && d.url.indexOf("//") !== 0;
  }

  function prepare(raw) {
    if (!Array.isArray(raw)) return [];
    return raw.filter(safeRecord).map(function (d) {
      var tags = Array.isArray(d.tags) ? d.tags.map(String) : [];
      return {
        title: String(d.title || ""),
        kind: String(d.kind || ""),
        summary: String(d.summary || ""),
        tags: tags,
        text: String(d.text || ""),
        url: d.url.replace(/^\/+/, ""),
        fTitle: fold(d.title),
        fTags: tags.map(fold),
        fSummary: fold(d.summary),
        fText: fold(d.text),
        fKind: fold(kindLabel(String(d.kind || "")))
      };
    });
  }

  function wordStart(hay, term) {
    var i = hay.indexOf(term);
    while (i !== -1) {
      if (i === 0 || /[^a-z0-9]/.test(hay.charAt(i - 1))) return true;
      i = hay.indexOf(term, i + 1);
    }
    return false;
  }

  /* Every term must match somewhere; where it matches decides the score. */
  function score(doc, ts) {
    var total = 0;
    for (var i = 0; i < ts.length; i++) {
      var t = ts[i];
      var s = 0;
      if (doc.fTitle.indexOf(t) !== -1) {
        s += wordStart(doc.fTitle, t) ? 100 : 60;
      }
      for (var j = 0; j < doc.fTags.length; j++) {
        if (doc.fTags[j] === t) { s += 40; break; }
        if (doc.fTags[j].indexOf(t) !== -1) { s += 25; break; }
      }
      if (doc.fSummary.indexOf(t) !== -1) s += wordStart(doc.fSummary, t) ? 12 : 8;
      if (doc.fText.indexOf(t) !== -1) s += wordStart(doc.fText, t) ? 3 : 2;
      if (doc.fKind.indexOf(t) !== -1) s += 1;
      if (s === 0) return 0;
      total += s;
    }
    if (doc.fTitle === ts.join(" ")) total += 50;
    return total;
  }

  /* The whole index in memory: every record scored against the terms. */
  function wholeEngine(raw) {
    var docs = prepare(raw);
    return {
      count: docs.length,
      terms: terms,
      find: function (ts) {
        var hits = [];
        docs.forEach(function (doc) {
          var s = score(doc, ts);
          if (s > 0) hits.push({ doc: doc, score: s });
        });
        hits.sort(function (a, b) {
          return b.score - a.score || a.doc.title.localeCompare(b.doc.title);
        });
        return Promise.resolve({ hits: hits.slice(0, LIMIT), total: hits.length });
      }
    };
  }

  /* The index in pieces (see gtm/render/shards.py): a word's file is named by its first
     meta.key letters; each entry of a word's list is (record number - the previous one's) * 32
     + the bits of the fields it is in. Records are numbered in order of their names. */
  var POINTS = [[8, 100, 60], [4, 40, 25], [2, 12, 8], [1, 3, 2], [16, 1, 1]];

  function words(query) {
    var seen = Object.create(null);
    return (fold(query).match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) {
      if (Array.from(w).length < 2 || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }

  function piecesEngine(meta, base) {
    var fetched = {};
    var loaded = {};
    var chunk = meta.chunk;
    var span = Math.pow(2, meta.shift || 5);
    var wordFiles = {};
    (Array.isArray(meta.words) ? meta.words : []).forEach(function (name) { wordFiles[name] = true; });

    /* The word list a word's file holds, or null when no word starts that way. */
    function wordsOf(w) {
      var name = fileOf(w);
      if (!Object.prototype.hasOwnProperty.call(wordFiles, name)) return Promise.resolve(null);
      return get(base + "words/" + name + ".json");
    }

    function get(url) {
      if (!fetched[url]) {
        fetched[url] = window.fetch(url, { credentials: "same-origin" }).then(function (response) {
          /* A piece meta.json names and the server lacks: a newer build replaced them all. */
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
        fetched[url].catch(function () { delete fetched[url]; });
      }
      return fetched[url];
    }

    function fileOf(word) {
      var key = Array.from(word).slice(0, meta.key).join("");
      if (/^[a-z0-9]+$/.test(key)) return key;
      var hex = "";
      new TextEncoder().encode(key).forEach(function (b) { hex += (b < 16 ? "0" : "") + b.toString(16); });
      return "_" + hex;
    }

    function matches(listed, w) {
      var best = new Map();
      Object.keys(listed || {}).forEach(function (word) {
        if (word.indexOf(w) !== 0) return;
        var exact = word === w;
        var doc = 0;
        listed[word].forEach(function (entry) {
          doc += Math.floor(entry / span);
          var bits = entry % span;
          var s = 0;
          POINTS.forEach(function (p) { if (bits & p[0]) s += exact ? p[1] : p[2]; });
          var kept = best.get(doc);
          if (!kept || kept[0] < s) best.set(doc, [s, (bits & 15) === 1]);
        });
      });
      return best;
    }

    /* The records of `ranked` ([number, score, found only in the text] triples), fetched a
       file of them at a time. */
    function load(ranked) {
      var chunks = {};
      ranked.forEach(function (hit) { chunks[Math.floor(hit[0] / chunk)] = true; });
      return Promise.all(Object.keys(chunks).map(function (c) {
        return get(base + "docs/" + c + ".json").then(function (rows) { loaded[c] = rows; });
      })).then(function () {
        var hits = [];
        ranked.forEach(function (hit) {
          var doc = record(hit[0]);
          if (doc) hits.push({ doc: doc, score: hit[1], inText: hit[2] });
        });
        return hits;
      });
    }

    function record(n) {
      var row = (loaded[Math.floor(n / chunk)] || [])[n % chunk];
      if (!Array.isArray(row)) return null;
      return prepare([{ url: row[0], title: row[1], kind: row[2], summary: row[3], tags: row[4] }])[0] || null;
    }

    return {
      count: meta.docs,
      terms: words,
      shortest: meta.key,
      /* While the reader types: the word lists the query will need, fetched ahead. */
      prefetch: function (ts) {
        ts.forEach(function (w) {
          wordsOf(w).catch(function () { /* asked again by the search */ });
        });
      },
      find: function (ts) {
        var lists = ts.map(wordsOf);
        return Promise.all(lists).then(function (found) {
          var scores = null;
          ts.forEach(function (w, i) {
            var mine = matches(found[i], w);
            if (scores === null) { scores = mine; return; }
            var both = new Map();
            scores.forEach(function (s, doc) {
              var m = mine.get(doc);
              if (m) both.set(doc, [s[0] + m[0], s[1] || m[1]]);
            });
            scores = both;
          });
          var ranked = [];
          (scores || new Map()).forEach(function (s, doc) { ranked.push([doc, s[0], s[1]]); });
          ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
          return load(ranked.slice(0, FIRST)).then(function (hits) {
            var rest = ranked.length > FIRST ? load(ranked.slice(FIRST, LIMIT)) : null;
            return { hits: hits, total: ranked.length, rest: rest };
          });
        });
      }
    };
  }

  /* Appends `text` to `el`, wrapping each term in <mark>; text nodes only. */
  function highlight(el, text, ts) {
    var lower = text.toLowerCase();
    if (lower.length !== text.length || !ts.length) {
      el.appendChild(document.createTextNode(text));
      return;
    }
    var pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      for (var i = 0; i < ts.length; i++) {
        var at = lower.indexOf(ts[i], pos);
        if (at !== -1 && (best === -1 || at < best || (at === best && ts[i].length > len))) {
          best = at;
          len = ts[i].length;
        }
      }
      if (best === -1) break;
      if (best > pos) el.appendChild(document.createTextNode(text.slice(pos, best)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(best, best + len);
      el.appendChild(mark);
      pos = best + len;
    }
    if (pos < text.length) el.appendChild(document.createTextNode(text.slice(pos)));
  }

  function plain(markdown) {
    return markdown
      .replace(/```[\s\S]*?```/g, " ")
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "")
      .replace(/\[![A-Z]+\]/g, "")
      .replace(/[*_`~|]+/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  }

  function snippet(doc, ts) {
    var text = plain(doc.text);
    var lower = text.toLowerCase();
    var at = -1;
    for (var i = 0; i < ts.length; i++) {
      var k = lower.indexOf(ts[i]);
      if (k !== -1 && (at === -1 || k < at)) at = k;
    }
    if (at === -1) return "";
    var start = Math.max(0, at - 70);
    var end = Math.min(text.length, at + 130);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space !== -1 && space < at) start = space + 1;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
  }

  function render(query, ts, hits, total) {
    list.textContent = "";
    if (!ts.length) {
      status.textContent = engine ? "Type to search " + engine.count + " items." : "";
      return;
    }
    if (!hits.length) {
      var short = engine.shortest && ts.every(function (t) { return Array.from(t).length < engine.shortest; });
      status.textContent = "No results for “" + query.trim() + "”" +
        (fromDisk ? " in names, tags and summaries (on a web server, search reads the full text too)" : "") +
        (short ? ". Type three letters or more of a word, or browse below." : ". Try fewer or shorter words, or browse below.");
      return;
    }
    status.textContent = (total > LIMIT ? "Top " + LIMIT + " of " : "") + total +
      (total === 1 ? " result" : " results") + " for “" + query.trim() + "”" +
      (fromDisk ? " in names, tags and summaries (on a web server, search reads the full text too)" : "");

    appendHits(hits, ts);
  }

  /* Adds results to the list, text nodes only. */
  function appendHits(hits, ts) {
    hits.forEach(function (hit) {
      var doc = hit.doc;
      var li = document.createElement("li");
      var article = document.createElement("article");
      article.className = "result";

      var kind = document.createElement("p");
      kind.className = "result__kind";
      kind.textContent = kindLabel(doc.kind);
      article.appendChild(kind);

      var h = document.createElement("h2");
      h.className = "result__title";
      var a = document.createElement("a");
      a.href = root + doc.url;
      a.setAttribute("data-result", "");
      highlight(a, doc.title, ts);
      h.appendChild(a);
      article.appendChild(h);

      if (doc.summary) {
        var p = document.createElement("p");
        p.className = "result__summary";
        highlight(p, doc.summary, ts);
        article.appendChild(p);
      }

      var inHead = ts.every(function (t) {
        return doc.fTitle.indexOf(t) !== -1 || doc.fSummary.indexOf(t) !== -1;
      });
      if (!inHead) {
        var snip = snippet(doc, ts);
        if (snip) {
          var sp = document.createElement("p");
          sp.className = "result__snippet";
          highlight(sp, snip, ts);
          article.appendChild(sp);
        } else if (hit.inText) {
          var note = document.createElement("p");
          note.className = "result__snippet";
          note.textContent = "Found in the full text.";
          article.appendChild(note);
        }
      }

      if (doc.tags.length) {
        var ul = document.createElement("ul");
        ul.className = "chips";
        ul.setAttribute("aria-label", "Tags");
        doc.tags.forEach(function (tag) {
          var chip = document.createElement("li");
          chip.className = "chip";
          highlight(chip, tag, ts);
          ul.appendChild(chip);
        });
        article.appendChild(ul);
      }

      li.appendChild(article);
      list.appendChild(li);
    });
  }

  function remember(query) {
    if (!window.history || !window.history.replaceState) return;
    try {
      var url = new URL(window.location.href);
      if (query.trim()) url.searchParams.set("q", query.trim()); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.toString());
    } catch (e) { /* some browsers refuse this on file://; search still works */ }
  }

  function run() {
    var query = input.value;
    var ticket = ++asked;
    var ts = engine ? engine.terms(query) : [];
    remember(query);
    if (!ts.length) {
      render(query, ts, [], 0);
      return;
    }
    engine.find(ts).then(function (found) {
      if (ticket !== asked) return;
      render(query, ts, found.hits, found.total);
      if (found.rest) {
        found.rest.then(function (more) {
          if (ticket === asked) appendHits(more, ts);
        }, function () {
          if (ticket !== asked) return;
          status.textContent = "Showing " + found.hits.length + " of " + found.total +
            " results for “" + query.trim() + "”: the rest could not be loaded. Search again, or reload the page.";
        });
      }
    }, function () {
      if (ticket === asked) failed();
    });
  }

  function results() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-result]"));
  }

  input.addEventListener("input", function () {
    if (engine && engine.prefetch) engine.prefetch(engine.terms(input.value));
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 120);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var first = results()[0];
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape" && input.value) {
      input.value = "";
      run();
    }
  });

  list.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = results();
    var i = links.indexOf(document.activeElement);
    if (i === -1) return;
    event.preventDefault();
    if (event.key === "ArrowDown" && i < links.length - 1) links[i + 1].focus();
    else if (event.key === "ArrowUp") (i > 0 ? links[i - 1] : input).focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    run();
  });

  var initial = "";
  try { initial = new URLSearchParams(window.location.search).get("q") || ""; } catch (e) { initial = ""; }
  input.value = initial;

  function ready(made) {
    engine = made;
    run();
    if (!initial) input.focus();
  }

  function failed() {
    list.textContent = "";
    status.textContent = window.location.protocol === "file:"
      ? "Search cannot load its index when the portal is opened straight from disk in this browser. Open the portal through a web server (for example gtm serve), or browse below."
      : "The search index could not be loaded (it may have been updated since this page opened). Reload the page, or browse below.";
  }

  function loadWhole() {
    return window.fetch(indexUrl, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(wholeEngine);
  }

  if (Array.isArray(window.GTM_SEARCH_INDEX)) {
    ready(wholeEngine(window.GTM_SEARCH_INDEX));
  } else if (fromDisk) {
    status.textContent = "Loading the search index…";
    var script = document.createElement("script");
    script.src = titlesUrl;
    script.onload = function () {
      if (Array.isArray(window.GTM_SEARCH_INDEX)) ready(wholeEngine(window.GTM_SEARCH_INDEX));
      else failed();
    };
    script.onerror = failed;
    document.head.appendChild(script);
  } else if (window.fetch) {
    status.textContent = "Loading the search index…";
    window.fetch(metaUrl, { credentials: "same-origin", cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (meta) {
        if (meta && meta.whole === false && meta.docs > 0 && meta.chunk > 0 && meta.key > 0 &&
            /^[0-9a-f]{16}$/.test(String(meta.pieces))) {
          return piecesEngine(meta, metaUrl.replace(/meta\.json$/, "") + meta.pieces + "/");
        }
        return loadWhole();
      })
      .then(ready, failed);
  } else {
    failed();
  }
})();
