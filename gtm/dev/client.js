/* gtm serve's live-reload client: injected into served pages only, never into built files.
   It reloads the page once per published build and lays the diagnostics over the page while
   the content is broken; the overlay lives in a shadow root so the theme cannot restyle it. */
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = script ? script.getAttribute("data-generation") : null;
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

  if (!window.EventSource) return;
  var events = new EventSource("/__gtm__/events");
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.problems.length) {
      overlay(state.problems, state.live);
    } else if (state.generation !== loaded) {
      location.reload();
    } else {
      clear();
    }
  };
})();
