"""Live updates of the pages: Server-Sent Event streams (async views, served by the ASGI
workers), the same events as JSON for a page served by a WSGI server (development's
runserver), and presence on a claim ("who is here", "I'm on it")."""

import asyncio
import json
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST, require_safe

from annotations import live, parsing
from annotations.models import Document, Event, InvalidInput, NotVisible, WorkflowError
from annotations.permissions import can
from annotations.web.common import _readable_claim, _refused

STREAM_HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    # nginx: pass the stream through as it is written.
    "X-Accel-Buffering": "no",
}


def _after(request) -> int | None:
    """Where a reader resumes: the browser's Last-Event-ID on a reconnect, else the
    page's ?after= (the last event when it was rendered); None: from now on."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after")
    return parsing.parse_int(raw, "after", optional=True) if raw else None


def _sse(payload: dict) -> str:
    return f"id: {payload['id']}\nevent: change\ndata: {json.dumps(payload)}\n\n"


def _open_reader(request, document_pk):
    """The reader of the stream, or the answer refusing it (runs in a worker thread)."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponse("Log in to follow live updates.", status=401)
    if document_pk is None:
        return live.Reader(user)
    document = Document.objects.filter(pk=document_pk).select_related("workspace").first()
    if document is None or not can(user, "document.read", document):
        return HttpResponse("No such document.", status=404)
    return live.Reader(user, workspace_id=document.workspace_id, document_id=document.pk)


async def document_stream(request, pk):
    """The events of one document (and the reader's notification counter)."""
    return await _stream_response(request, pk)


async def desk_stream(request):
    """The events of every desk the user reads: the review queue and the counter."""
    return await _stream_response(request, None)


async def _stream_response(request, document_pk):
    try:
        after = _after(request)
    except parsing.InvalidValue as exc:
        return _refused(exc)
    reader = await live.db(_open_reader, request, document_pk)
    if isinstance(reader, HttpResponse):
        return reader
    workspace_ids = await live.db(reader.workspace_ids)
    response = StreamingHttpResponse(
        _events(reader, workspace_ids, after),
        content_type="text/event-stream; charset=utf-8",
        headers=STREAM_HEADERS,
    )
    return response


async def _events(reader, workspace_ids, after):
    queue = live.bus.join(workspace_ids, reader.document_id)
    try:
        await live.bus.ready.wait()
        yield f"retry: {settings.LIVE_RETRY_MS}\n\n"
        caught = set()
        if after is not None:
            backlog = await live.db(reader.catch_up, after)
            if backlog is None:
                yield "event: closed\ndata: {}\n\n"
                return
            for payload in backlog:
                caught.add(payload["id"])
                yield _sse(payload)
        # From here on every committed event reaches the queue.
        yield "event: ready\ndata: {}\n\n"
        while True:
            try:
                batch = [await asyncio.wait_for(queue.get(), settings.LIVE_HEARTBEAT_SECONDS)]
            except TimeoutError:
                if getattr(queue, "overflowed", False):
                    return  # the browser reconnects and catches up from the table
                # Membership is asked again even when nothing happens.
                if time.monotonic() >= reader.fresh_until:
                    if not await live.db(reader.still_reads):
                        yield "event: closed\ndata: {}\n\n"
                        return
                yield ": still here\n\n"
                continue
            while not queue.empty():
                batch.append(queue.get_nowait())
            batch = [event for event in batch if event.pk not in caught]
            if not batch:
                continue
            # Most batches need no query: read on the loop, not in a thread.
            if reader.quick(batch):
                payloads = reader.payloads(batch)
            else:
                payloads = await live.db(reader.read, batch)
            if payloads is None:
                yield "event: closed\ndata: {}\n\n"
                return
            for payload in payloads:
                yield _sse(payload)
    finally:
        live.bus.leave(queue)
        await live.db(reader.leave)


@login_required
@require_safe
def document_events(request, pk):
    """The stream's events as JSON after ?after=<id>: the page polls this when it is
    not served by an ASGI server. {"events": [...], "last": id}; without ?after, no
    events and the newest id; 404 once the user may not read the document."""
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    if not can(request.user, "document.read", document):
        raise Http404("No such document.")
    reader = live.Reader(request.user, workspace_id=document.workspace_id, document_id=pk)
    return _polled(request, reader)


@login_required
@require_safe
def desk_events(request):
    """desk_stream's events as JSON, like document_events."""
    return _polled(request, live.Reader(request.user))


def _polled(request, reader):
    try:
        after = _after(request)
    except parsing.InvalidValue as exc:
        return _refused(exc)
    if after is None:
        return JsonResponse({"events": [], "last": last_event_id()})
    events = reader.catch_up(after)
    if events is None:
        raise Http404("No such document.")
    return JsonResponse({"events": events, "last": reader.seen})


def last_event_id() -> int:
    """Where a page's live updates start: the newest event when it is rendered."""
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@login_required
@require_POST
def claim_presence(request, pk):
    """The reader opened (here=1) or left (here=0) the claim; take=1 / take=0 takes it
    ("I'm on it") or lets it go. 204; 404 for a claim the user may not read; 403 for a
    member who may not take claims."""
    claim = _readable_claim(request, pk)
    try:
        here = parsing.parse_int(request.POST.get("here"), "here", high=1, optional=True)
        take = parsing.parse_int(request.POST.get("take"), "take", high=1, optional=True)
    except parsing.InvalidValue as exc:
        return _refused(exc)
    if here is None and take is None:
        return _refused(InvalidInput("Say here=1/0 or take=1/0.", field="here"))
    try:
        if here is not None:
            claim.mark_presence(request.user, here=bool(here))
        if take is not None:
            (claim.take if take else claim.release)(request.user)
    except NotVisible:
        raise Http404("No such claim.") from None
    except WorkflowError as exc:
        return HttpResponse(exc.message, status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)


def live_context(user, document) -> dict:
    """What the document page's live updates start from: the newest event as the page
    is rendered, who is on which claim, and whether the reader may take claims."""
    return {
        "live_after": last_event_id(),
        "presence": presence_of(document),
        "can_take": can(user, "claim.take", document),
    }


def presence_of(document) -> dict[int, dict]:
    """Who is on which claim of the document now, for the page as it is rendered."""
    return {
        claim: {
            "viewing": sorted(on["viewing"].values()),
            "taken_by": on["taken_by"][1] if on["taken_by"] else "",
        }
        for claim, on in Event.on_claims(document.pk).items()
    }
