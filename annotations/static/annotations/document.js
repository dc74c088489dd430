// The document page: open claims in the panel (htmx), keyboard shortcuts, and new claims
// from a selection. No build step; runs after htmx (both deferred, in order).
//
// Offsets: the server counts Python code points, the DOM counts UTF-16 units. Every piece
// of document text sits in a <span data-offset="N"> whose text starts at code point N, so
// a selection point is N plus the code points of the span's text before it.
(function () {
  "use strict";

  const page = document.querySelector(".document-page");
  if (!page) return;
  const textRoot = document.getElementById("document-text");
  const panel = document.getElementById("panel");
  const addButton = document.getElementById("add-claim");
  const status = document.getElementById("selection-status");
  const dialog = document.getElementById("shortcuts");
  // Below this width the panel is a sheet over the text (base.css).
  const narrow = window.matchMedia("(max-width: 48rem)");
  const STATE_LABELS = {
    unchecked: "unchecked",
    in_progress: "in progress",
    approved: "approved",
    published: "published",
  };

  // --- Code points ----------------------------------------------------------------------

  function codePoints(text) {
    let n = 0;
    for (const _ of text) n++; // iterates by code point: a surrogate pair counts once
    return n;
  }

  function spanLength(span) {
    if (span._cp === undefined) span._cp = codePoints(span.textContent);
    return span._cp;
  }

  // The code-point offset in the document text of a DOM boundary point (node, offset).
  // Points outside the text spans (in a claim's number badge, between blocks) snap to the
  // next text for a start and to the previous text for an end.
  function documentOffset(node, offset, isStart) {
    const parent = node.nodeType === Node.TEXT_NODE ? node.parentElement : null;
    if (parent && parent.matches("#document-text span[data-offset]")) {
      return Number(parent.dataset.offset) + codePoints(node.data.slice(0, offset));
    }
    const point = document.createRange();
    point.setStart(node, offset);
    point.collapse(true);
    const spans = textRoot.querySelectorAll("span[data-offset]");
    if (isStart) {
      for (const span of spans) {
        if (point.comparePoint(span, 0) >= 0) return Number(span.dataset.offset);
      }
      return null;
    }
    for (let i = spans.length - 1; i >= 0; i--) {
      const span = spans[i];
      if (point.comparePoint(span, span.childNodes.length) <= 0) {
        return Number(span.dataset.offset) + spanLength(span);
      }
    }
    return null;
  }

  function selectionOffsets() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!textRoot.contains(range.commonAncestorContainer)) return null;
    const start = documentOffset(range.startContainer, range.startOffset, true);
    const end = documentOffset(range.endContainer, range.endOffset, false);
    if (start === null || end === null) return null;
    return { start, end };
  }

  // --- The claim panel ------------------------------------------------------------------

  function badges() {
    return Array.from(textRoot.querySelectorAll("a.claim-badge"));
  }

  function badgeOf(id) {
    return textRoot.querySelector('a.claim-badge[data-claim="' + id + '"]');
  }

  function urlWithClaim(id) {
    const params = new URLSearchParams(location.search);
    params.delete("claim");
    const query = params.toString();
    return location.pathname + (query ? "?" + query : "") + "#claim-" + id;
  }

  function openClaim(id, focusBadge) {
    textRoot.querySelectorAll("mark.is-open").forEach((m) => m.classList.remove("is-open"));
    textRoot
      .querySelectorAll('mark[data-claim="' + id + '"]')
      .forEach((m) => m.classList.add("is-open"));
    const badge = badgeOf(id);
    if (badge && focusBadge) {
      badge.focus({ preventScroll: true });
      badge.scrollIntoView({ block: "nearest" });
    }
    history.replaceState(null, "", urlWithClaim(id));
    const url = page.dataset.panelUrl.replace("/0/", "/" + id + "/");
    return htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" });
  }

  function openClaimId() {
    const state = panel.querySelector("#claim-state");
    return state ? state.dataset.claim : null;
  }

  // After every panel swap: the highlight follows the claim's new state, and keyboard
  // focus returns to the control that had it.
  function syncHighlight() {
    const state = panel.querySelector("#claim-state");
    if (!state) return;
    const id = state.dataset.claim;
    textRoot.querySelectorAll('mark[data-claim="' + id + '"]').forEach((mark) => {
      mark.dataset.state = state.dataset.state;
      if (state.dataset.colour) mark.style.setProperty("--rating", state.dataset.colour);
      else mark.style.removeProperty("--rating");
      if (state.dataset.rating) mark.dataset.rating = state.dataset.rating;
      else delete mark.dataset.rating;
    });
    const badge = badgeOf(id);
    if (!badge) return;
    badge.querySelector(".claim-icon").textContent = state.dataset.icon;
    let rating = badge.querySelector(".claim-rating");
    if (state.dataset.ratingLabel) {
      if (!rating) {
        rating = document.createElement("span");
        rating.className = "claim-rating";
        badge.querySelector(".claim-state").after(rating);
      }
      rating.textContent = state.dataset.ratingLabel;
    } else if (rating) {
      rating.remove();
    }
    // The badge's name is its text: the hidden words say the state.
    const hidden = badge.querySelector(".claim-state");
    let said = STATE_LABELS[state.dataset.state];
    if (hidden.textContent.includes(", not checkable")) said += ", not checkable";
    if (state.dataset.ratingLabel) said += ", rated";
    hidden.textContent = said;
  }

  // --- Keeping what the user types across panel swaps -------------------------------------
  // Every action answers with the whole panel, ~200 ms later. Text typed meanwhile, or typed
  // earlier and not part of the request, must survive: a field the user changed (its value
  // differs from the server's copy) keeps the user's text, caret and focus unless the
  // request carried exactly that text (then the server's answer already holds it).

  const TEXT_FIELDS =
    "textarea[id], input[id]:not([type=hidden]):not([type=radio]):not([type=checkbox])";

  panel.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail.elt;
    const form =
      source && (source.tagName === "FORM" ? source : source.form || source.closest("form"));
    const sent = new Map();
    if (form) {
      form.querySelectorAll(TEXT_FIELDS).forEach((field) => sent.set(field.id, field.value));
    }
    event.detail.xhr.sentFields = sent;
  });

  let kept = null;
  panel.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target !== panel) return;
    const active = document.activeElement;
    const sent = (event.detail.xhr && event.detail.xhr.sentFields) || new Map();
    kept = { claim: openClaimId(), fields: [], focus: null, caret: null };
    panel.querySelectorAll(TEXT_FIELDS).forEach((field) => {
      const changed = field.value !== field.defaultValue;
      if (changed && sent.get(field.id) !== field.value) {
        kept.fields.push([field.id, field.value]);
      }
    });
    if (active && panel.contains(active)) {
      kept.inPanel = true;
      kept.focus = active.id
        ? "#" + CSS.escape(active.id)
        : active.name
          ? '[name="' + CSS.escape(active.name) + '"][value="' + CSS.escape(active.value) + '"]'
          : null;
      if (typeof active.selectionStart === "number") {
        kept.caret = [active.selectionStart, active.selectionEnd];
      }
    }
  });

  function restoreKept() {
    const sameClaim = kept && kept.claim === openClaimId();
    if (!sameClaim) return false;
    for (const [id, value] of kept.fields) {
      const field = document.getElementById(id);
      if (field && panel.contains(field)) field.value = value;
    }
    const target = kept.focus && panel.querySelector(kept.focus);
    if (!target) return false;
    target.focus({ preventScroll: true });
    if (kept.caret && typeof target.setSelectionRange === "function") {
      target.setSelectionRange(kept.caret[0], kept.caret[1]);
    }
    return true;
  }

  panel.addEventListener("htmx:afterSwap", (event) => {
    if (event.target !== panel) return;
    syncHighlight();
    const opened = !kept || kept.claim !== openClaimId();
    const wasInPanel = Boolean(kept && kept.inPanel);
    const restored = restoreKept();
    kept = null;
    if (restored) return;
    const message = panel.querySelector(".panel-message");
    // An error, or a control that is gone (a Submit button after submitting): focus goes
    // to what the panel says happened, never back to the top of the page.
    if (message && (message.getAttribute("role") === "alert" || wasInPanel)) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    } else if (wasInPanel && panel.querySelector("#panel-title")) {
      panel.querySelector("#panel-title").focus();
    } else if (opened && narrow.matches) {
      // On a phone the panel is a sheet over the text: focus moves into it, and the
      // claim moves to the top of the screen, above the sheet.
      const title = panel.querySelector("#panel-title");
      if (title) title.focus({ preventScroll: true });
      const mark = textRoot.querySelector("mark.is-open");
      if (mark) mark.scrollIntoView({ block: "start" });
    }
  });

  // --- Revising approved work ---------------------------------------------------------------
  // Approved work is read-only; "Revise" asks first (confirm.js), then unlocks the forms
  // and marks their posts as a deliberate revision.
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("[data-revise]");
    if (!button) return;
    panel.querySelectorAll("fieldset.revise-lock").forEach((set) => (set.disabled = false));
    panel.querySelectorAll('input[name="revise"]').forEach((input) => (input.value = "1"));
    button.closest(".revise-note").remove();
    const rating =
      panel.querySelector('#annotation-form input[name="rating"]:checked') ||
      panel.querySelector('#annotation-form input[name="rating"]');
    if (rating) rating.focus();
  });

  // Posts my annotation form through htmx. Called directly (not by submitting the form)
  // so that it works even before htmx has processed a panel that was just swapped in.
  function postAnnotation(action) {
    const form = panel.querySelector("#annotation-form");
    if (!form) return;
    htmx.ajax("POST", form.getAttribute("action"), {
      source: form,
      target: "#panel",
      swap: "innerHTML",
      values: { action },
    });
  }

  // Picking a rating saves the draft at once (mouse or keys 1-9).
  panel.addEventListener("change", (event) => {
    const input = event.target;
    if (input.name === "rating" && input.form && input.form.id === "annotation-form") {
      postAnnotation("save");
    }
  });

  function closePanel() {
    const id = openClaimId();
    panel.innerHTML = '<p class="muted panel-empty">Claim panel closed.</p>';
    textRoot.querySelectorAll("mark.is-open").forEach((m) => m.classList.remove("is-open"));
    const badge = id && badgeOf(id);
    if (badge) badge.focus();
  }

  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-panel]")) closePanel();
  });

  textRoot.addEventListener("click", (event) => {
    const badge = event.target.closest("a.claim-badge");
    if (badge) {
      event.preventDefault();
      openClaim(badge.dataset.claim, true);
      return;
    }
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // the reader is selecting, not opening
    const mark = event.target.closest("mark[data-claim]");
    if (mark) openClaim(mark.dataset.claim, false);
  });

  // --- New claim from a selection -------------------------------------------------------

  function say(message) {
    status.textContent = message;
  }

  function csrfToken() {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  }

  async function addClaim() {
    const offsets = selectionOffsets();
    if (!offsets) {
      say("Select some words of the document text first, then press “Add claim”.");
      return;
    }
    const body = new FormData();
    body.append("start", offsets.start);
    body.append("end", offsets.end);
    let response;
    try {
      response = await fetch(page.dataset.createUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
    } catch (error) {
      say("The claim could not be added: the server did not answer.");
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      say(answer.error || "The claim could not be added.");
      return;
    }
    say(answer.created ? "Claim added." : "This claim already exists; it is open now.");
    // Reload so that the new mark sits in the text; the hash opens its panel.
    location.replace(urlWithClaim(answer.id));
    location.reload();
  }

  function placeAddButton() {
    const selection = window.getSelection();
    const inText =
      selection &&
      !selection.isCollapsed &&
      selection.rangeCount &&
      textRoot.contains(selection.getRangeAt(0).commonAncestorContainer);
    if (!inText) {
      addButton.hidden = true;
      return;
    }
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    addButton.style.top = window.scrollY + rect.bottom + 6 + "px";
    addButton.style.left = window.scrollX + rect.left + "px";
    addButton.hidden = false;
  }

  document.addEventListener("selectionchange", placeAddButton);
  addButton.addEventListener("mousedown", (event) => event.preventDefault()); // keep selection
  addButton.addEventListener("click", addClaim);

  // --- Keyboard ---------------------------------------------------------------------------

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function step(direction) {
    const all = badges();
    if (!all.length) return;
    const current = all.indexOf(document.activeElement);
    let index;
    if (current >= 0) index = current + direction;
    else {
      const open = openClaimId();
      const at = open ? all.indexOf(badgeOf(open)) : -1;
      index = at >= 0 ? at + direction : direction > 0 ? 0 : all.length - 1;
    }
    index = Math.max(0, Math.min(all.length - 1, index));
    openClaim(all[index].dataset.claim, true);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return; // a dialog has the keys
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const key = event.key;
    if (key === "Escape" && narrow.matches && openClaimId()) {
      closePanel(); // the sheet closes; focus returns to the claim's number
    } else if (key === "j" || key === "k") {
      step(key === "j" ? 1 : -1);
    } else if (/^[1-9]$/.test(key)) {
      const input = panel.querySelector('#annotation-form input[data-key="' + key + '"]');
      if (!input) return;
      if (input.matches(":disabled")) {
        // Approved work: a key must not send it back to review; ask as "Revise" does.
        const revise = panel.querySelector("[data-revise]");
        if (revise) revise.click();
        event.preventDefault();
        return;
      }
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (key === "n") {
      const note = panel.querySelector(".note-input");
      if (!note) return;
      note.focus();
    } else if (key === "s") {
      if (!panel.querySelector('#annotation-form button[value="submit"]')) return;
      postAnnotation("submit");
    } else if (key === "a") {
      addClaim();
    } else if (key === "?") {
      dialog.showModal();
    } else {
      return;
    }
    event.preventDefault();
  });

  document.querySelectorAll("[data-show-shortcuts]").forEach((button) => {
    button.addEventListener("click", () => dialog.showModal());
  });

  // --- On load -----------------------------------------------------------------------------

  const linked = /^#claim-(\d+)$/.exec(location.hash);
  if (linked && !openClaimId() && badgeOf(linked[1])) openClaim(linked[1], true);
  else if (linked && openClaimId()) {
    textRoot
      .querySelectorAll('mark[data-claim="' + linked[1] + '"]')
      .forEach((m) => m.classList.add("is-open"));
  }
})();
