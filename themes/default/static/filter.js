/* Tag filter for list pages. Progressive enhancement: without this script every card shows
   and the filter buttons stay hidden. No dependencies, no network. */
(function () {
  "use strict";

  var filter = document.querySelector("[data-tag-filter]");
  if (!filter) return;

  var buttons = Array.prototype.slice.call(filter.querySelectorAll("button[data-tag]"));
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-card]"));
  var status = filter.querySelector("[data-tag-status]");
  var noMatch = document.querySelector("[data-no-match]");

  var cardTags = cards.map(function (card) {
    return Array.prototype.map.call(card.querySelectorAll("[data-tag]"), function (chip) {
      return chip.getAttribute("data-tag");
    });
  });

  function apply(tag, remember) {
    var known = buttons.some(function (b) { return b.getAttribute("data-tag") === tag; });
    if (!known) tag = "";
    var shown = 0;
    cards.forEach(function (card, i) {
      var visible = tag === "" || cardTags[i].indexOf(tag) !== -1;
      card.hidden = !visible;
      if (visible) shown += 1;
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-tag") === tag ? "true" : "false");
    });
    if (noMatch) noMatch.hidden = shown !== 0;
    if (status) {
      status.textContent = tag === ""
        ? "Showing all " + cards.length + " items"
        : "Showing " + shown + " of " + cards.length + " items tagged " + tag;
    }
    if (remember && window.history && window.history.replaceState) {
      try {
        var url = new URL(window.location.href);
        if (tag) url.searchParams.set("tag", tag); else url.searchParams.delete("tag");
        window.history.replaceState(null, "", url.toString());
      } catch (e) { /* file:// in some browsers: the filter still works */ }
    }
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var tag = b.getAttribute("data-tag");
      var active = b.getAttribute("aria-pressed") === "true";
      apply(active && tag !== "" ? "" : tag, true);
    });
  });

  /* Clicking a tag chip on a card filters by that tag too. */
  cards.forEach(function (card) {
    card.addEventListener("click", function (event) {
      var chip = event.target.closest ? event.target.closest("[data-tag]") : null;
      if (chip && card.contains(chip)) apply(chip.getAttribute("data-tag"), true);
    });
  });

  filter.hidden = false;
  var initial = "";
  try { initial = new URLSearchParams(window.location.search).get("tag") || ""; } catch (e) { initial = ""; }
  apply(initial, false);
})();
