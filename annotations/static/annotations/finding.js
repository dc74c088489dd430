// Finding one's way in a long document: find in the text (matches highlighted, stepped
// through with a count), and the claim filters applied without a page reload (htmx swaps
// the reading view; the form still submits without scripts). Runs after document.js.
(function () {
  "use strict";

  const textRoot = document.getElementById("document-text");
  const bar = document.querySelector("search.find");
  if (!textRoot || !bar) return;
  const input = document.getElementById("find-input");
  const count = document.getElementById("find-count");
  // The CSS Custom Highlight API marks matches without touching the DOM, so the text's
  // offset spans (and selections made from them) stay as they are.
  const painted = "highlights" in CSS;
  bar.hidden = false;

  let ranges = [];
  let current = -1;

  // The visible document text as one string, with where each text node starts in it.
  // Badges (claim numbers) are left out; blocks are kept apart so no match spans two.
  function index() {
    const nodes = [];
    let text = "";
    let block = null;
    textRoot.querySelectorAll("span[data-offset]").forEach((span) => {
      const node = span.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) return;
      const owner = span.closest(".doc-block");
      if (block !== null && owner !== block) text += "\u0000"; // matched by no query
      block = owner;
      nodes.push({ node, start: text.length });
      text += node.data;
    });
    return { nodes, text };
  }

  function locate(nodes, at, isEnd) {
    // The last node starting at or before `at` (for an end, strictly before).
    let low = 0;
    let high = nodes.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      const start = nodes[mid].start;
      if (start < at || (!isEnd && start === at)) low = mid;
      else high = mid - 1;
    }
    return nodes[low];
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
  }

  let searched = null; // the value the matches were found for

  function search() {
    searched = input.value;
    const query = input.value.trim();
    ranges = [];
    current = -1;
    if (query) {
      const { nodes, text } = index();
      const pattern = new RegExp(escapeRegExp(query).replace(/\s+/g, "\\s+"), "gi");
      for (const match of text.matchAll(pattern)) {
        const end = match.index + match[0].length;
        const first = locate(nodes, match.index, false);
        const last = locate(nodes, end, true);
        const range = document.createRange();
        range.setStart(first.node, match.index - first.start);
        range.setEnd(last.node, end - last.start);
        ranges.push(range);
      }
    }
    if (ranges.length) current = firstBelowTop();
    paint();
  }

  // Start from the first match on screen (or below it), as a browser's own find does.
  function firstBelowTop() {
    const found = ranges.findIndex((range) => range.getBoundingClientRect().bottom >= 0);
    return found >= 0 ? found : 0;
  }

  function paint() {
    if (painted) {
      CSS.highlights.set("find-match", new Highlight(...ranges));
      CSS.highlights.set("find-current", new Highlight(...(current >= 0 ? [ranges[current]] : [])));
    }
    if (!input.value.trim()) count.textContent = "";
    else if (!ranges.length) count.textContent = "No matches";
    else count.textContent = current + 1 + " of " + ranges.length;
    bar.dataset.matches = String(ranges.length);
    if (current < 0) return;
    const target = ranges[current].startContainer.parentElement;
    target.scrollIntoView({ block: "center" });
    if (!painted) {
      // No highlight API: show the current match as the selection instead.
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(ranges[current]);
    }
  }

  function step(direction) {
    if (!ranges.length) return;
    current = (current + direction + ranges.length) % ranges.length;
    paint();
  }

  let typing = null;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(search, 150); // a long document: search once the typing pauses
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(typing);
    // Enter on a query not searched yet (typed within the pause) finds it; on the same
    // query it steps through the matches.
    if (searched !== input.value) search();
    else step(event.shiftKey ? -1 : 1);
  });
  input.addEventListener("search", () => {
    if (!input.value) search(); // the clear button of a search field
  });
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("[data-find-step]");
    if (button) step(Number(button.dataset.findStep));
  });
  // "/" opens find, as in many reading tools; not while typing in a field.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (document.querySelector("dialog[open]")) return;
    event.preventDefault();
    input.focus();
    input.select();
  });

  // --- Filters without a reload -------------------------------------------------------------

  function filterQuery(search) {
    const params = new URLSearchParams(search);
    params.delete("claim");
    params.sort();
    return params.toString();
  }

  let shown = filterQuery(location.search);

  textRoot.addEventListener("htmx:afterSwap", () => {
    shown = filterQuery(location.search);
    // The open claim stays marked as open in the new text; find runs on the new text.
    const state = document.querySelector("#panel #claim-state");
    if (state) {
      textRoot
        .querySelectorAll('mark[data-claim="' + state.dataset.claim + '"]')
        .forEach((mark) => mark.classList.add("is-open"));
    }
    if (input.value.trim()) search();
  });
  document.body.addEventListener("htmx:pushedIntoHistory", () => {
    shown = filterQuery(location.search);
  });
  // Back or forward to other filters: the page they name, whole.
  window.addEventListener("popstate", () => {
    if (filterQuery(location.search) !== shown) location.reload();
  });
})();
