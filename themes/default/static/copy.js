/* Copy buttons on artifact pages: each section's heading gets a button that copies the
   section as text, with a link back to it, to paste into Slack, an e-mail or a CRM note (plain
   text with *bold* for chat, and HTML for rich editors). Progressive enhancement: without this
   script the sections and their anchors are the same, only the buttons are missing. Works from
   file:// and without a server; no dependencies, no network. */
(function () {
  "use strict";

  var main = document.getElementById("main");
  if (!main || !document.body.classList.contains("page--artifact")) return;
  var titleElement = main.querySelector("h1");
  var subject = titleElement ? titleElement.textContent.trim() : document.title;
  var eyebrow = main.querySelector(".artifact-head .eyebrow");
  var kind = eyebrow ? eyebrow.textContent.trim() : "";
  var canonical = document.querySelector('link[rel="canonical"]');
  var address = canonical ? canonical.href : window.location.href.split("#")[0];

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  main.appendChild(status);

  function linkTo(id) {
    return address + "#" + id;
  }

  function markLists(section) {
    return Array.prototype.map.call(section.querySelectorAll("li"), function (item) {
      var list = item.parentNode;
      var marker = document.createElement("span");
      var number = Array.prototype.indexOf.call(list.children, item) + 1;
      marker.textContent = list.tagName === "OL" ? number + ". " : "• ";
      var walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
      var first = walker.nextNode();
      while (first && !first.nodeValue.trim()) first = walker.nextNode();
      if (first) first.parentNode.insertBefore(marker, first);
      else item.appendChild(marker);
      return marker;
    });
  }

  function sectionText(section, heading) {
    section.classList.add("is-copying");
    var markers = markLists(section);
    var text = section.innerText;
    var title = heading.innerText.trim();
    markers.forEach(function (marker) { marker.parentNode.removeChild(marker); });
    section.classList.remove("is-copying");
    if (text.indexOf(title) === 0) text = text.slice(title.length);
    return text.replace(/\n{3,}/g, "\n\n").trim();
  }

  function sectionHtml(section) {
    var copy = section.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".copy-button, h2, script"), function (node) {
      node.parentNode.removeChild(node);
    });
    return copy.innerHTML;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function write(plain, html) {
    var clipboard = navigator.clipboard;
    if (clipboard && window.ClipboardItem && clipboard.write) {
      var item = new window.ClipboardItem({
        "text/plain": new Blob([plain], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" })
      });
      return clipboard.write([item]).catch(function () { return fallbackCopy(plain); });
    }
    if (clipboard && clipboard.writeText) {
      return clipboard.writeText(plain).catch(function () { return fallbackCopy(plain); });
    }
    return fallbackCopy(plain);
  }

  function say(button, words) {
    status.textContent = words;
    button.textContent = words === "Copied" ? "Copied" : "Copy";
    window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }

  Array.prototype.forEach.call(main.querySelectorAll("section[aria-labelledby]"), function (section) {
    var heading = document.getElementById(section.getAttribute("aria-labelledby"));
    if (!heading || heading.tagName !== "H2" || !heading.id || !section.contains(heading)) return;
    var title = heading.textContent.trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy “" + title + "” with a link to it");
    button.addEventListener("click", function () {
      var link = linkTo(heading.id);
      var about = subject + (kind ? " " + kind.toLowerCase() : "");
      var plain = "*" + title + "* (" + about + ")\n" + sectionText(section, heading) + "\n" + link;
      var html = "<p><strong>" + escapeHtml(title) + "</strong> (<a href=\"" + escapeHtml(link) +
        "\">" + escapeHtml(about) + "</a>)</p>" + sectionHtml(section);
      write(plain, html).then(
        function () { say(button, "Copied"); },
        function () { say(button, "Copy failed: select the text and copy it"); }
      );
    });
    heading.appendChild(document.createTextNode(" "));
    heading.appendChild(button);
  });
})();
