/* gtm serve's live-reload client: injected into served pages only, never into built files.
   After each published build it brings the page up to date without a reload when it can: the
   page's new HTML is morphed in (scroll position kept), a changed stylesheet is swapped; a
   changed script or image, or anything unexpected, reloads the page. It lays the diagnostics
   over the page while the content is broken; the overlay lives in a shadow root so the theme
   cannot restyle it. */
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = script ? script.getAttribute("data-generation") : null;
  var page = script ? script.getAttribute("data-page") : "";
  var CLIENT = "/__gtm__/client.js";
  var host = null;

  function overlay(problems, live) {
    if (!host) {
      host = document.createElement("gtm-problems");
      host.attachShadow({ mode: "open" });
      document.documentElement.appendChild(host);
    }
    var root = host.shadowRoot;
    root.textContent = "";
    var style = document.createElement("style");
    style.textContent =
      ":host{all:initial}" +
      ".box{position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#1f1f24;color:#f5f5f7;font:14px/1.5 'DejaVu Sans Mono',ui-monospace,monospace;" +
      "border-top:4px solid #e5484d;padding:16px 20px;box-shadow:0 -8px 24px rgba(0,0,0,.35)}" +
      "h2{font:600 15px/1.4 system-ui,sans-serif;margin:0 0 8px;color:#ffb4b4}" +
      "p{margin:0 0 10px;font-family:system-ui,sans-serif;color:#c9c9d1}" +
      "li{margin:4px 0;white-space:pre-wrap;word-break:break-word}" +
      "ul{margin:0;padding-left:18px}.warning{color:#ffd27a}";
    var box = document.createElement("section");
    box.className = "box";
    box.setAttribute("role", "alert");
    var title = document.createElement("h2");
    var count = problems.length + (problems.length === 1 ? " problem" : " problems");
    title.textContent = live
      ? "The last save has " + count + ": this page shows the last good build"
      : "The portal could not be built: " + count;
    var hint = document.createElement("p");
    hint.textContent = live
      ? "Fix the file and save; this message goes away by itself."
      : "Fix the files and save; the portal appears here by itself.";
    var list = document.createElement("ul");
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.className = problem.severity;
      item.textContent = problem.text;
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(hint);
    box.appendChild(list);
    root.appendChild(style);
    root.appendChild(box);
  }

  function clear() {
    if (host) {
      host.remove();
      host = null;
    }
  }

  function pathOf(address) {
    try {
      return decodeURIComponent(new URL(address, location.href).pathname).replace(/^\//, "");
    } catch (e) {
      return null;
    }
  }

  /* What this page shows of the files a build changed: its own HTML, its stylesheets, or
     other files it loaded (scripts, images, icons). */
  function touched(changed) {
    var files = {};
    changed.forEach(function (name) { files[name] = true; });
    var found = { page: !!files[page], styles: [], other: false };
    Array.prototype.forEach.call(document.querySelectorAll("link[href]"), function (link) {
      if (!files[pathOf(link.getAttribute("href"))]) return;
      if (link.rel === "stylesheet") found.styles.push(link);
      else found.other = true;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[src]"), function (element) {
      var source = element.getAttribute("src");
      if (source !== CLIENT && files[pathOf(source)]) found.other = true;
    });
    return found;
  }

  function swapStyle(link, generation) {
    var fresh = link.cloneNode();
    fresh.href = link.getAttribute("href").split("?")[0] + "?" + generation;
    fresh.onload = fresh.onerror = function () { link.remove(); };
    link.after(fresh);
  }

  function shape(doc) {
    var addresses = [];
    doc.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (element) {
      var address = element.getAttribute("href") || element.getAttribute("src");
      if (address !== CLIENT) addresses.push(address.split("?")[0]);
    });
    return addresses.join(" ");
  }

  /* The new page in place of the old, in the same document: no request for its stylesheets
     and scripts, no blank frame, the scroll position kept. Its scripts run again on the new
     content. Anything the page cannot take this way reloads it. */
  var morphs = 0;
  function morph(generation) {
    var x = window.scrollX, y = window.scrollY;
    var mine = ++morphs;
    loaded = generation;
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (text) {
        if (mine !== morphs) return;  // a newer build's page is on its way
        var doc = new DOMParser().parseFromString(text, "text/html");
        if (shape(doc) !== shape(document)) throw new Error("other stylesheets or scripts");
        var kept = "link[rel=stylesheet], script";
        Array.prototype.slice.call(document.head.children).forEach(function (element) {
          if (!element.matches(kept)) element.remove();
        });
        Array.prototype.slice.call(doc.head.children).forEach(function (element) {
          if (!element.matches(kept)) document.head.appendChild(document.adoptNode(element));
        });
        ["lang", "class", "dir"].forEach(function (name) {
          var value = doc.documentElement.getAttribute(name);
          if (value === null) document.documentElement.removeAttribute(name);
          else document.documentElement.setAttribute(name, value);
        });
        var body = document.adoptNode(doc.body);
        var own = body.querySelector('script[src="' + CLIENT + '"]');
        if (own) own.remove();
        Array.prototype.forEach.call(body.querySelectorAll("script"), function (old) {
          var again = document.createElement("script");
          Array.prototype.forEach.call(old.attributes, function (attribute) {
            again.setAttribute(attribute.name, attribute.value);
          });
          again.async = false;
          again.text = old.text;
          old.replaceWith(again);
        });
        document.body.replaceWith(body);
        window.scrollTo(x, y);
      })
      .catch(function () { location.reload(); });
  }

  function refresh(state) {
    var generation = state.generation;
    if (!page || !state.changed || state.after !== loaded || !window.fetch || !window.DOMParser) {
      location.reload();
      return;
    }
    var found = touched(state.changed);
    if (found.other) {
      location.reload();
      return;
    }
    found.styles.forEach(function (link) { swapStyle(link, generation); });
    if (found.page) morph(generation);
    else loaded = generation;
  }

  if (!window.EventSource) return;
  var events = new EventSource("/__gtm__/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.problems.length) {
      overlay(state.problems, state.live);
    } else if (state.generation !== loaded) {
      clear();
      refresh(state);
    } else {
      clear();
    }
  };
})();
