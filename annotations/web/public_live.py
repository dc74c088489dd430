"""The public report's live updates: readers of /reports/<slug>/ see new fact-checks
appear without reloading.

Anyone may follow a published report, so nothing here is filtered per reader: a stream
carries only what the public page shows, the same for everyone. Of a document's events it
keeps the verdicts published, corrected and retracted (the report prints every verdict,
retracted ones as retracted) and the report's own publication; annotations, comments,
reviews, presence and flags never leave the desk. Each verdict's payload is the claim's
part of the page as it stands now, rendered by the page's own partials (the claim's
entry, its row of the summary table, the cluster of the marked text around it, the
counts and chart), so a reader applies it without a fetch, and a reload shows the same.
A process renders a batch of events once for all its streams of that report.

- `/live/reports/<slug>/`: Server-Sent Events from the process's bus (one listening
  connection per process, not one per reader); at most LIVE_PUBLIC_STREAMS open in a
  process, beyond which the stream answers 503 and the page polls instead.
- `/live/reports/<slug>/events/?after=ID`: the same payloads as JSON, polled by a page
  that a WSGI server serves or whose stream failed.

A withdrawn report's stream closes and its events answer 404; a reader resuming from an
event the table no longer holds (older than its retention) is told to load the page again.
"""

import asyncio
import time

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from annotations import live
from annotations.exports.html import chart, entry_view
from annotations.exports.report import build_report, cluster_html, clusters
from annotations.models import Document, Event
from annotations.parsing import InvalidValue
from annotations.web.common import _refused
from annotations.web.live import STREAM_HEADERS, _after, _sse, last_event_id

REPORT_KINDS = {Event.Kind.REPORT_PUBLISHED, Event.Kind.REPORT_WITHDRAWN}
KINDS = live.VERDICTS | REPORT_KINDS
CATCH_UP_LIMIT = 500
# A batch rendered for one stream serves the process's other streams of the report that
# ask for it within this long.
SHARED_SECONDS = 5.0
CLOSED = "event: closed\ndata: {}\n\n"


def published_report(slug) -> Document | None:
    return (
        Document.objects.select_related("workspace")
        .filter(report_slug=slug, report_published_at__isnull=False)
        .first()
    )


def payloads(document_id: int, events: list[Event]) -> list[dict] | None:
    """The public payloads of a document's events, rendered as the report stands now;
    None once the report is not published (the reader stops). Queries: the document,
    then, for a batch with a verdict, the report's (build_report's, a fixed number)."""
    document = (
        Document.objects.select_related("workspace")
        .filter(pk=document_id, report_published_at__isnull=False)
        .first()
    )
    if document is None:
        return None
    events = [e for e in events if e.document_id == document.pk and e.kind in KINDS]
    report = None
    result = []
    for event in events:
        if event.kind in REPORT_KINDS:
            # Published again (other settings, another address), or withdrawn and
            # published again: the whole page may differ, so it is loaded again.
            result.append(changed(event.pk, document))
            continue
        if report is None:
            report = build_report(document, include_approved=document.report_include_approved)
        payload = _verdict_payload(event, report)
        if payload is not None:
            result.append(payload)
    return result


def changed(event_id: int, document) -> dict:
    return {
        "id": event_id,
        "kind": "report.changed",
        "url": reverse("report", args=[document.report_slug]),
    }


def _verdict_payload(event, report) -> dict | None:
    entry = next((e for e in report.entries if e.claim.pk == event.claim_id), None)
    if entry is None:
        return None
    text = report.document.text
    low, high, members = next(c for c in clusters(report.entries) if any(m is entry for m in c[2]))
    low, high = min(low, len(text)), min(high, len(text))
    view = entry_view(entry)
    return {
        "id": event.pk,
        "kind": event.kind,
        "claim": entry.claim.pk,
        "number": entry.number,
        "entry": render_to_string("annotations/exports/report_entry.html", {"entry": view}),
        "row": render_to_string("annotations/exports/report_row.html", {"entry": view}),
        "text": {"start": low, "end": high, "html": cluster_html(text, low, high, members)},
        "length": len(text),
        "counts": render_to_string(
            "annotations/exports/report_counts.html", {"report": report, "chart": chart(report)}
        ),
    }


def catch_up(document, after: int) -> tuple[list[dict] | None, int]:
    """The payloads of the report's events after `after`, and where the next catch-up
    starts. A reader whose `after` is older than the events kept (or who missed more
    than CATCH_UP_LIMIT) gets one "report.changed": the page is loaded again."""
    oldest = Event.objects.order_by("pk").values_list("pk", flat=True).first()
    events = list(
        Event.objects.filter(
            workspace_id=document.workspace_id,
            document_id=document.pk,
            pk__gt=after,
            kind__in=KINDS,
        )[: CATCH_UP_LIMIT + 1]
    )
    last = max([after] + [event.pk for event in events])
    if (oldest is not None and oldest > after + 1 and after > 0) or len(events) > CATCH_UP_LIMIT:
        return [changed(last, document)], last
    if not events:
        return [], last
    # Readers polling a report mostly ask for the same events at about the same time: the
    # process renders them once (the report's publication in the key: a report published
    # again is rendered afresh).
    key = (document.pk, document.report_published_at, tuple(event.pk for event in events))
    now = time.monotonic()
    for old, (at, _) in list(_polled.items()):
        if now - at > SHARED_SECONDS:
            _polled.pop(old, None)
    if key in _polled:
        return _polled[key][1], last
    result = payloads(document.pk, events)
    if result is not None:
        _polled[key] = (now, result)
    return result, last


# Payloads rendered lately for polls: (document, publication, event ids) -> (when, payloads).
_polled: dict[tuple, tuple[float, list[dict]]] = {}


@require_safe
def report_events(request, slug):
    """The public stream's payloads as JSON after ?after=<id> (or the Last-Event-ID):
    {"events": [...], "last": id}; without either, none and the newest id. 404 for an
    unknown or withdrawn report, 400 for a bad id."""
    try:
        after = _after(request)
    except InvalidValue as exc:
        return _refused(exc)
    document = published_report(slug)
    if document is None:
        raise Http404("No such report.")
    if after is None:
        return JsonResponse({"events": [], "last": last_event_id()})
    events, last = catch_up(document, after)
    if events is None:
        raise Http404("No such report.")
    response = JsonResponse({"events": events, "last": last})
    response["Cache-Control"] = "no-cache"
    return response


class Streams:
    """The process's public streams: how many are open (LIVE_PUBLIC_STREAMS at most), and
    the batches rendered lately, shared by the streams of one report."""

    def __init__(self):
        self.open = 0
        self.rendered: dict[tuple, tuple[float, asyncio.Task]] = {}

    async def render(self, document_id: int, events: list[Event]) -> list[dict] | None:
        now = time.monotonic()
        for key, (at, _) in list(self.rendered.items()):
            if now - at > SHARED_SECONDS:
                del self.rendered[key]
        key = (document_id, tuple(event.pk for event in events))
        if key not in self.rendered:
            task = asyncio.ensure_future(live.db(payloads, document_id, events))
            self.rendered[key] = (now, task)
        return await asyncio.shield(self.rendered[key][1])


streams = Streams()


async def report_stream(request, slug):
    """/live/reports/<slug>/: the report's new verdicts as Server-Sent Events."""
    try:
        after = _after(request)
    except InvalidValue as exc:
        return _refused(exc)
    document = await live.db(published_report, slug)
    if document is None:
        return HttpResponse("No such report.", status=404, content_type="text/plain")
    if streams.open >= settings.LIVE_PUBLIC_STREAMS:
        return HttpResponse(
            "Too many readers follow reports on this server just now; "
            "the page checks for new verdicts every few seconds instead.",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )
    return StreamingHttpResponse(
        _events(document, after),
        content_type="text/event-stream; charset=utf-8",
        headers=STREAM_HEADERS,
    )


async def _events(document, after):
    streams.open += 1
    queue = live.bus.join([document.workspace_id], document.pk)
    try:
        await live.bus.ready.wait()
        yield f"retry: {settings.LIVE_RETRY_MS}\n\n"
        caught = set()
        if after is not None:
            backlog, _ = await live.db(catch_up, document, after)
            if backlog is None:
                yield CLOSED
                return
            for payload in backlog:
                caught.add(payload["id"])
                yield _sse(payload)
        yield "event: ready\ndata: {}\n\n"
        async for chunk in _follow(queue, document, caught):
            yield chunk
    finally:
        streams.open -= 1
        live.bus.leave(queue)


async def _follow(queue, document, caught):
    checked = time.monotonic()
    while True:
        try:
            batch = [await asyncio.wait_for(queue.get(), settings.LIVE_HEARTBEAT_SECONDS)]
        except TimeoutError:
            if getattr(queue, "overflowed", False):
                return  # the browser reconnects and catches up from the table
            if time.monotonic() - checked >= settings.LIVE_MEMBERSHIP_SECONDS:
                checked = time.monotonic()
                if not await live.db(_still_published, document.pk):
                    yield CLOSED
                    return
            yield ": still here\n\n"
            continue
        while not queue.empty():
            batch.append(queue.get_nowait())
        # Filtered on the loop: most of a document's events are the desk's alone.
        batch = [
            e
            for e in batch
            if e.document_id == document.pk and e.kind in KINDS and e.pk not in caught
        ]
        if not batch:
            continue
        result = await streams.render(document.pk, batch)
        if result is None:
            yield CLOSED
            return
        for payload in result:
            yield _sse(payload)


def _still_published(document_id) -> bool:
    return Document.objects.filter(pk=document_id, report_published_at__isnull=False).exists()


def live_config(request, document) -> dict:
    """Where the public page follows new verdicts: a stream where an ASGI server serves
    it, else polling (see context_processors.live)."""
    served_by_wsgi = "wsgi.version" in request.META
    slug = document.report_slug
    return {
        "mode": "poll" if served_by_wsgi else "stream",
        "stream": reverse("report_stream", args=[slug]),
        "poll": reverse("report_events", args=[slug]),
        "after": last_event_id(),
    }
