// The public report follows new verdicts without reloading. No build step.
//
// Served by an ASGI server the page follows a Server-Sent Events stream (EventSource
// reconnects by itself and catches up from its last event id); served by a WSGI server,
// or when the stream is refused (a busy server answers 503), it polls the same events as
// JSON. Each event carries the claim's part of the page, rendered by the page's own
// partials: its entry, its row of the summary table, the marked text around it and the
// counts. Nothing is fetched per event, except the marked text once the document has
// grown since the page was loaded.
(function () {
  "use strict";

  const config = document.getElementById("report-live");
  if (!config) return;
  const statusLine = document.getElementById("report-live-status");
  const POLL_MS = 2000;
  let last = Number(config.dataset.after || 0);
  let stopped = false;

  function say(text) {
    statusLine.textContent = text;
    statusLine.hidden = !text;
  }

  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function codePoints(text) {
    return Array.from(text).length; // offsets are code points, as the server counts
  }

  // --- The summary table and the claims, in text order -------------------------------

  function key(row) {
    return [row.dataset.start, row.dataset.end, row.dataset.claim].map(Number);
  }

  function precedes(a, b) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  }

  function placeRow(change) {
    const body = document.querySelector("#report-table tbody");
    const fresh = parse(change.row).querySelector("tr");
    const old = body.querySelector('tr[data-claim="' + change.claim + '"]');
    if (old) {
      old.replaceWith(fresh);
      return null;
    }
    const next = Array.from(body.rows).find((row) => precedes(key(fresh), key(row)));
    body.insertBefore(fresh, next || null);
    return next || null;
  }

  function placeEntry(change, nextRow) {
    const fresh = parse(change.entry).querySelector("article");
    const old = document.getElementById("claim-" + change.claim);
    if (old) {
      old.replaceWith(fresh);
      return;
    }
    const next = nextRow && document.getElementById("claim-" + nextRow.dataset.claim);
    document.getElementById("report-claims").insertBefore(fresh, next || null);
  }

  // --- The marked text ----------------------------------------------------------------

  // The text is plain text between spans of overlapping claims, each naming its bounds.
  // The new span covers its old ones whole (a claim never crosses a span's bounds), so it
  // replaces them and the plain text it reaches into. False when the page's text is not
  // the one the event was rendered from (the document grew, or lost a span).
  function placeText(change) {
    const root = document.querySelector("#report-text .document-text");
    if (Number(root.dataset.length) !== change.length) return false;
    const { start, end, html } = change.text;
    const covered = [];
    let at = 0;
    for (const node of Array.from(root.childNodes)) {
      const span = node.nodeType === Node.ELEMENT_NODE && node.classList.contains("claims");
      const from = at;
      at += span ? node.dataset.end - node.dataset.start : codePoints(node.textContent);
      if (span && Number(node.dataset.start) !== from) return false;
      if (at > start && from < end) covered.push({ node, span, from, to: at });
    }
    if (at !== change.length || !covered.length) return false;
    if (covered.some((c) => c.span && (c.from < start || c.to > end))) return false;
    const first = covered[0];
    const final = covered[covered.length - 1];
    const parts = [];
    if (!first.span && first.from < start) {
      parts.push(Array.from(first.node.textContent).slice(0, start - first.from).join(""));
    }
    parts.push(parse(html).querySelector("span.claims"));
    if (!final.span && final.to > end) {
      parts.push(Array.from(final.node.textContent).slice(end - final.from).join(""));
    }
    first.node.before(...parts);
    covered.forEach((c) => c.node.remove());
    return true;
  }

  // Loads of the text asked for, and the newest one shown: loads may answer out of
  // order, and an older answer, arriving last, would undo the marks of a newer one.
  let textAsked = 0;
  let textShown = 0;

  async function refetchText() {
    // The document grew since the page was loaded: its marked text is fetched once.
    const asked = ++textAsked;
    const response = await fetch(location.pathname, { credentials: "omit" });
    if (!response.ok) return;
    const html = await response.text();
    if (asked < textShown) return;
    const fresh = new DOMParser()
      .parseFromString(html, "text/html")
      .querySelector("#report-text .document-text");
    if (!fresh) return;
    textShown = asked;
    document.querySelector("#report-text .document-text").replaceWith(fresh);
  }

  // --- Applying an event --------------------------------------------------------------

  const WORDS = {
    "verdict.published": (n) => "New fact-check: claim " + n + ".",
    "verdict.corrected": (n) => "The verdict on claim " + n + " was corrected.",
    "verdict.retracted": (n) => "The verdict on claim " + n + " was retracted.",
  };

  function apply(change) {
    if (change.id <= last && config.dataset.mode === "poll") return;
    last = Math.max(last, change.id);
    if (change.kind === "report.changed") {
      location.replace(change.url); // published again: the whole page may differ
      return;
    }
    const words = WORDS[change.kind];
    if (!words) return;
    ["report-table", "report-text", "report-claims"].forEach((id) => {
      document.getElementById(id).hidden = false;
    });
    document.getElementById("report-counts").innerHTML = change.counts;
    placeEntry(change, placeRow(change));
    if (!placeText(change)) refetchText();
    say(words(change.number));
  }

  function stop() {
    stopped = true;
    config.dataset.state = "closed";
    say("This report has been withdrawn: it is no longer public, and this page shows it as it was.");
  }

  // --- Transports ---------------------------------------------------------------------

  function stream() {
    const source = new EventSource(config.dataset.stream + "?after=" + last);
    source.addEventListener("ready", () => {
      config.dataset.state = "live";
    });
    source.addEventListener("change", (event) => apply(JSON.parse(event.data)));
    source.addEventListener("closed", () => {
      source.close();
      stop();
    });
    source.addEventListener("error", () => {
      if (stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (a busy server's 503, a withdrawn report's 404): poll instead.
        config.dataset.mode = "poll";
        poll();
      } else {
        config.dataset.state = "reconnecting";
      }
    });
  }

  async function poll() {
    try {
      const response = await fetch(config.dataset.poll + "?after=" + last, {
        credentials: "omit",
      });
      if (response.status === 404) {
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
      config.dataset.state = "reconnecting";
    }
    if (!stopped) setTimeout(poll, POLL_MS);
  }

  if (config.dataset.mode === "stream") stream();
  else poll();
})();
