// Live updates: colleagues' work appears as it happens. No build step.
//
// Every page of a logged-in user follows one source of events (#live): the document
// page its document's, the other pages the user's desks' (review queue, notification
// counter). Served by an ASGI server it is a Server-Sent Events stream (EventSource
// reconnects by itself and catches up from its last event id); served by a WSGI server
// (development) the page polls the same events as JSON. Events arrive already filtered
// for this reader and carry what the page shows, so nothing is fetched again per event.
(function () {
  "use strict";

  const config = document.getElementById("live");
  if (!config) return;
  const page = document.querySelector(".document-page");
  const textRoot = document.getElementById("document-text");
  const panel = document.getElementById("panel");
  const feed = document.getElementById("live-feed");
  const statusLine = document.getElementById("live-status");
  const me = config.dataset.me || "";
  const STATE_ICONS = { unchecked: "○", in_progress: "◐", approved: "✓", published: "★" };
  const STATE_LABELS = {
    unchecked: "unchecked",
    in_progress: "in progress",
    approved: "approved",
    published: "published",
  };
  const VERBS = {
    "claim.created": "added claim",
    "claim.edited": "deleted, merged or split claim",
    "claim.assigned": "assigned claim",
    "claim.taken": "is on claim",
    "claim.released": "let go of claim",
    "annotation.saved": "saved work on claim",
    "annotation.submitted": "submitted claim",
    "annotation.deleted": "deleted a draft on claim",
    "annotation.hidden": "hid work on claim",
    "annotation.unhidden": "showed work again on claim",
    "comment.posted": "commented on claim",
    "comment.hidden": "moderated a comment on claim",
    "review.decided": "reviewed claim",
    "verdict.published": "published a verdict on claim",
    "verdict.corrected": "corrected the verdict on claim",
    "verdict.retracted": "retracted the verdict on claim",
    "flag.raised": "flagged work on claim",
    "flag.resolved": "resolved a flag on claim",
  };
  const QUEUE_KINDS = new Set([
    "annotation.saved",
    "annotation.submitted",
    "annotation.deleted",
    "annotation.hidden",
    "annotation.unhidden",
    "review.decided",
  ]);
  let last = Number(config.dataset.after || 0);
  let stopped = false;

  function say(text) {
    if (statusLine) statusLine.textContent = text;
  }

  function csrfToken() {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  }

  // --- Who is on which claim ------------------------------------------------------------

  const presenceData = document.getElementById("live-presence");
  // claim id -> {viewing: Set of names, takenBy: name or ""}
  const presence = new Map();
  if (presenceData) {
    for (const [claim, on] of Object.entries(JSON.parse(presenceData.textContent))) {
      presence.set(claim, { viewing: new Set(on.viewing), takenBy: on.taken_by });
    }
  }
  let openClaim = null;
  let holding = null; // the claim this reader took ("I'm on it")

  function on(claim) {
    if (!presence.has(claim)) presence.set(claim, { viewing: new Set(), takenBy: "" });
    return presence.get(claim);
  }

  function showPresence(claim) {
    const state = on(claim);
    if (textRoot) {
      textRoot.querySelectorAll('a.claim-badge[data-claim="' + claim + '"]').forEach((badge) => {
        if (state.takenBy) badge.dataset.taken = state.takenBy;
        else delete badge.dataset.taken;
      });
    }
    if (claim === openClaim) showPresenceBar();
  }

  function showPresenceBar() {
    const body = panel && panel.querySelector(".panel-body");
    if (!body) return;
    let bar = body.querySelector(".presence-bar");
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "presence-bar";
      bar.innerHTML = '<p class="presence-who" role="status"></p>';
      if (config.dataset.canTake) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "take-claim";
        button.addEventListener("click", toggleTake);
        bar.append(button);
      }
      body.querySelector(".panel-head").after(bar);
    }
    const state = on(openClaim);
    const others = Array.from(state.viewing).filter((name) => name !== me);
    const words = [];
    if (others.length) words.push("Also here: " + others.join(", ") + ".");
    if (state.takenBy) {
      words.push((state.takenBy === me ? "You are" : state.takenBy + " is") + " on it.");
    }
    bar.querySelector(".presence-who").textContent = words.join(" ") || "Nobody else is here.";
    const button = bar.querySelector(".take-claim");
    if (button) button.textContent = state.takenBy === me ? "Let it go" : "I'm on it";
  }

  function postPresence(claim, fields, beacon) {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    const url = config.dataset.presenceUrl.replace("/0/", "/" + claim + "/");
    if (beacon) {
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(url, body);
      return Promise.resolve();
    }
    return fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).catch(() => say("Your presence could not be sent."));
  }

  function toggleTake() {
    const claim = openClaim;
    const taking = on(claim).takenBy !== me;
    holding = taking ? claim : null;
    postPresence(claim, { take: taking ? "1" : "0" });
  }

  // Stepping through claims (j/k) posts only where the reader stops.
  let posted = null; // the claim the server was told this reader is on
  let presenceTimer = null;

  function openedClaim(claim) {
    if (claim === openClaim) return;
    openClaim = claim;
    clearTimeout(presenceTimer);
    presenceTimer = setTimeout(() => {
      if (posted === openClaim) return;
      if (posted) postPresence(posted, { here: "0" });
      if (openClaim) postPresence(openClaim, { here: "1" });
      posted = openClaim;
    }, 600);
  }

  if (panel && page) {
    panel.addEventListener("htmx:afterSwap", () => {
      const state = panel.querySelector("#claim-state");
      openedClaim(state ? state.dataset.claim : null);
      if (openClaim) showPresenceBar();
    });
    const initial = panel.querySelector("#claim-state");
    if (initial) {
      openedClaim(initial.dataset.claim);
      showPresenceBar();
    }
    panel.addEventListener("click", (event) => {
      if (event.target.closest("[data-close-panel]")) openedClaim(null);
    });
    window.addEventListener("pagehide", () => {
      if (holding) postPresence(holding, { take: "0" }, true);
      if (posted) postPresence(posted, { here: "0" }, true);
    });
    presence.forEach((_, claim) => showPresence(claim));
  }

  // --- Applying a change ----------------------------------------------------------------

  function showState(change) {
    if (!textRoot || !change.state) return;
    const id = String(change.claim);
    const published = change.state === "published";
    textRoot.querySelectorAll('mark[data-claim="' + id + '"]').forEach((mark) => {
      mark.dataset.state = change.state;
      if (published && change.rating) mark.style.setProperty("--rating", change.rating.colour);
      else if (!published) mark.style.removeProperty("--rating");
    });
    const badge = textRoot.querySelector('a.claim-badge[data-claim="' + id + '"]');
    if (!badge) return;
    badge.querySelector(".claim-icon").textContent = STATE_ICONS[change.state];
    const hidden = badge.querySelector(".claim-state");
    let said = STATE_LABELS[change.state];
    if (hidden.textContent.includes(", not checkable")) said += ", not checkable";
    hidden.textContent = said;
  }

  function showInFeed(change) {
    const verb = VERBS[change.kind];
    if (!feed || !verb) return;
    const item = document.createElement("li");
    item.dataset.kind = change.kind;
    item.dataset.claim = change.claim;
    let words = change.actor + " " + verb + " " + change.number;
    if (change.kind === "review.decided") {
      words += change.decision === "approve" ? ": approved" : ": changes requested";
    }
    if (change.rating && change.kind.startsWith("verdict.")) words += ", " + change.rating.label;
    if (change.kind === "claim.created" && change.reference) {
      const by = change.reference.publisher || "a fact-checker";
      const rated = change.reference.rating ? " rated it " + change.reference.rating : "";
      words += ": checked before, " + by + rated;
    } else if (change.kind === "claim.created" && change.prior_verdict) {
      words += ": matches an earlier verdict";
    }
    item.textContent = words;
    if (change.quote) {
      const quote = document.createElement("q");
      quote.textContent = change.quote;
      item.append(" ", quote);
    }
    feed.prepend(item);
    while (feed.children.length > 30) feed.lastElementChild.remove();
  }

  let refreshing = null;
  let refreshAgain = false;

  function refreshText() {
    // A new claim changes the text's marks: the one fetch that needs the server's layout.
    // Claims that arrive together (a live document's chunk, or claims made while a
    // fetch is on its way) share one more fetch, not one each.
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = htmx
      .ajax("GET", location.pathname + location.search, {
        target: "#document-text",
        select: "#document-text > *",
        swap: "innerHTML",
      })
      .then(() => presence.forEach((_, claim) => showPresence(claim)))
      .finally(() => {
        refreshing = null;
        if (refreshAgain) {
          refreshAgain = false;
          refreshText();
        }
      });
  }

  function refreshPanel(change) {
    // Only readers with this claim open, and never over text being typed.
    const typing = panel.contains(document.activeElement) && document.activeElement.form;
    if (typing || change.mine) return;
    const url = page.dataset.panelUrl.replace("/0/", "/" + change.claim + "/");
    htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" });
  }

  function onDocument(change) {
    const claim = String(change.claim);
    if (change.kind === "claim.viewed") on(claim).viewing.add(change.actor);
    else if (change.kind === "claim.left") on(claim).viewing.delete(change.actor);
    else if (change.kind === "claim.taken") on(claim).takenBy = change.actor;
    else if (change.kind === "claim.released" || change.kind === "annotation.submitted") {
      if (on(claim).takenBy === change.actor) on(claim).takenBy = "";
      if (holding === claim && change.actor === me) holding = null;
    }
    if (/^claim\.(viewed|left|taken|released)$/.test(change.kind)) showPresence(claim);
    const unmarked = !textRoot.querySelector('[data-claim="' + claim + '"]');
    if ((change.kind === "claim.created" && unmarked) || change.kind === "claim.edited")
      refreshText();
    showState(change);
    showInFeed(change);
    const work = /^(annotation|comment|review|verdict)\./.test(change.kind);
    if (work && claim === openClaim) refreshPanel(change);
  }

  function onDesk(change) {
    const queue = document.querySelector("table.list[data-live-queue]");
    if (!queue || !QUEUE_KINDS.has(change.kind)) return;
    fetch(location.href, { credentials: "same-origin" })
      .then((response) => response.text())
      .then((html) => {
        const fresh = new DOMParser()
          .parseFromString(html, "text/html")
          .querySelector("table.list[data-live-queue]");
        if (fresh) queue.replaceWith(fresh);
      });
  }

  function showUnread(count) {
    const link = document.getElementById("notification-link");
    if (!link) return;
    link.setAttribute("aria-label", "Notifications, " + count + " unread");
    let counter = link.querySelector(".counter");
    if (!count) {
      if (counter) counter.remove();
      return;
    }
    if (!counter) {
      counter = document.createElement("span");
      counter.className = "counter";
      link.append(" ", counter);
    }
    counter.textContent = count;
  }

  function apply(change) {
    if (change.id <= last && config.dataset.mode === "poll") return;
    last = Math.max(last, change.id);
    if (change.unread !== undefined) showUnread(change.unread);
    if (change.kind === "member.changed") {
      // A new role sees more or less: the page is rendered again for it.
      location.reload();
      return;
    }
    if (page) onDocument(change);
    else onDesk(change);
  }

  function stop() {
    stopped = true;
    say("Live updates stopped: you are no longer a member of this desk.");
    config.dataset.state = "closed";
  }

  // --- Transports -----------------------------------------------------------------------

  function stream() {
    const url = config.dataset.stream + (last ? "?after=" + last : "");
    const source = new EventSource(url);
    let dropped = false;
    source.addEventListener("ready", () => {
      config.dataset.state = "live";
      say("");
      if (dropped) {
        // Back after a drop: the server let our presence go with the old stream.
        if (posted) postPresence(posted, { here: "1" });
        if (holding) postPresence(holding, { take: "1" });
      }
    });
    source.addEventListener("change", (event) => apply(JSON.parse(event.data)));
    source.addEventListener("closed", () => {
      source.close();
      stop();
    });
    source.addEventListener("error", () => {
      if (stopped) return;
      dropped = true;
      config.dataset.state = "reconnecting";
      say("Reconnecting…");
    });
  }

  async function poll() {
    const url = config.dataset.poll + (page ? "?after=" + last : last ? "?after=" + last : "");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.status === 404 || response.status === 403) {
        stop();
        return;
      }
      if (response.ok) {
        const answer = await response.json();
        answer.events.forEach(apply);
        last = Math.max(last, answer.last);
        config.dataset.state = "live";
      }
    } catch (error) {
      say("Reconnecting…");
    }
    if (!stopped) setTimeout(poll, 2000);
  }

  if (config.dataset.mode === "stream") stream();
  else poll();
})();
