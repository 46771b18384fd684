/* Client-side search for the portal. Loads the local search-index.json (a list of
   {title, kind, summary, tags, text, url}, url relative to the site root), ranks matches in
   title > tags > summary > text, and builds every result with textContent: index data is
   never parsed as HTML. Opened from disk, where browsers refuse fetch, it loads
   search-index.js instead: the same records without their full text. No dependencies; the only
   request is for the local index. */
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
  var docs = null;
  var timer = null;

  function fold(s) {
    s = String(s == null ? "" : s).toLowerCase();
    if (s.normalize) s = s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return s;
  }

  function terms(query) {
    var seen = {};
    return fold(query).split(/\s+/).filter(function (t) {
      if (!t || seen[t]) return false;
      seen[t] = true;
      return true;
    });
  }

  function prepare(raw) {
    if (!Array.isArray(raw)) return [];
    return raw.filter(function (d) {
      /* Only relative links into the portal: never a scheme such as javascript:. */
      return d && typeof d.url === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(d.url) && d.url.indexOf("//") !== 0;
    }).map(function (d) {
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

  function search(query) {
    var ts = terms(query);
    if (!ts.length || !docs) return [];
    var hits = [];
    docs.forEach(function (doc) {
      var s = score(doc, ts);
      if (s > 0) hits.push({ doc: doc, score: s });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || a.doc.title.localeCompare(b.doc.title);
    });
    return hits;
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

  function render(query) {
    var ts = terms(query);
    list.textContent = "";
    if (!ts.length) {
      status.textContent = docs ? "Type to search " + docs.length + " items." : "";
      return;
    }
    var hits = search(query);
    if (!hits.length) {
      status.textContent = "No results for “" + query.trim() + "”" +
        (fromDisk ? " in names, tags and summaries (on a web server, search reads the full text too)" : "") +
        ". Try fewer or shorter words, or browse below.";
      return;
    }
    status.textContent = (hits.length > LIMIT ? "Top " + LIMIT + " of " : "") + hits.length +
      (hits.length === 1 ? " result" : " results") + " for “" + query.trim() + "”" +
      (fromDisk ? " in names, tags and summaries (on a web server, search reads the full text too)" : "");

    hits.slice(0, LIMIT).forEach(function (hit) {
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
    render(input.value);
    remember(input.value);
  }

  function results() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-result]"));
  }

  input.addEventListener("input", function () {
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

  function ready(raw) {
    docs = prepare(raw);
    render(input.value);
    if (!initial) input.focus();
  }

  function failed() {
    list.textContent = "";
    status.textContent = window.location.protocol === "file:"
      ? "Search cannot load its index when the portal is opened straight from disk in this browser. Open the portal through a web server (for example gtm serve), or browse below."
      : "The search index could not be loaded. Try reloading the page, or browse below.";
  }

  if (Array.isArray(window.GTM_SEARCH_INDEX)) {
    ready(window.GTM_SEARCH_INDEX);
  } else if (fromDisk) {
    status.textContent = "Loading the search index…";
    var script = document.createElement("script");
    script.src = titlesUrl;
    script.onload = function () {
      if (Array.isArray(window.GTM_SEARCH_INDEX)) ready(window.GTM_SEARCH_INDEX);
      else failed();
    };
    script.onerror = failed;
    document.head.appendChild(script);
  } else if (window.fetch) {
    status.textContent = "Loading the search index…";
    window.fetch(indexUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(ready, failed);
  } else {
    failed();
  }
})();
