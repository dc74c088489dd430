"""Live updates: what each reader gets of the desk's events, and the process's bus that
brings the events to the open streams.

- `Reader`: one user's stream (of one document, or of every desk for the queues and
  the notification counter). Every event is asked of the permission map at send time,
  with the membership read again for each batch: a blind desk's annotator gets nothing
  of colleagues' work on a claim before submitting their own, hidden work reaches
  editors only, and a removed member's stream ends. A payload carries what the page
  needs to update itself (the claim's state as this reader sees it, the rating, a
  comment's quote), so readers do not each fetch a fragment per event.
- `Bus`: one per process. On PostgreSQL one connection LISTENs on CHANNEL (a trigger
  on the events table NOTIFYs each event as its transaction commits, migration 0035)
  and the process fans the events out to its streams by asyncio queues; on SQLite
  (development) the bus polls the events table instead.
- `db()`: every database call of a stream runs in a worker thread that closes its
  connection afterwards (under `make serve`: gives it back to the process's pool), so an
  open stream holds no connection between events.
"""

import asyncio
import logging
from collections import defaultdict
from types import SimpleNamespace

import psycopg
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, connections

from annotations.models import Claim, Comment, Event, Rating, Workspace
from annotations.models.annotations import Annotation
from annotations.permissions import (
    Viewer,
    claims_with_state,
    forget_roles,
    notifications_for,
    readable_workspace_ids,
)

log = logging.getLogger(__name__)

CHANNEL = "factcheck_events"
# Kinds that change what the claim's mark shows (its derived state).
STATEFUL = {
    Event.Kind.CLAIM_CREATED,
    Event.Kind.ANNOTATION_SAVED,
    Event.Kind.ANNOTATION_SUBMITTED,
    Event.Kind.ANNOTATION_DELETED,
    Event.Kind.ANNOTATION_HIDDEN,
    Event.Kind.ANNOTATION_UNHIDDEN,
    Event.Kind.REVIEW_DECIDED,
    Event.Kind.VERDICT_PUBLISHED,
    Event.Kind.VERDICT_CORRECTED,
    Event.Kind.VERDICT_RETRACTED,
}
# Verdicts are published to every member: their events name no one's work.
VERDICTS = {
    Event.Kind.VERDICT_PUBLISHED,
    Event.Kind.VERDICT_CORRECTED,
    Event.Kind.VERDICT_RETRACTED,
}
CATCH_UP_LIMIT = 500
# Events waiting for one stream before it is dropped (and reconnects to catch up).
QUEUE_LIMIT = 1000


async def db(function, *args):
    """Run a database function in a worker thread that closes its connection after."""

    def closing():
        try:
            return function(*args)
        finally:
            connections.close_all()

    return await sync_to_async(closing, thread_sensitive=False)()


def prepare(events: list[Event]) -> list[Event]:
    """Load, once for every reader of the batch, what the events' payloads need as it
    stands now: the annotations' authors and hidden flags, the comments' hidden flags,
    the claims' states (as a reader who sees all the work sees them), the ratings."""
    annotation_ids = {e.annotation_id for e in events if e.annotation_id}
    comment_ids = {e.data["comment"] for e in events if e.data.get("comment")}
    claim_ids = {e.claim_id for e in events if e.claim_id and e.kind in STATEFUL}
    workspace_ids = {e.workspace_id for e in events}
    annotations = {
        pk: SimpleNamespace(author_id=author, hidden=hidden, claim_id=claim)
        for pk, author, hidden, claim in Annotation.objects.filter(
            pk__in=annotation_ids
        ).values_list("pk", "author_id", "hidden", "claim_id")
    }
    hidden_comments = {
        pk
        for pk, hidden in Comment.objects.filter(pk__in=comment_ids).values_list("pk", "hidden")
        if hidden
    }
    states = _states(None, claim_ids)
    ratings = {
        pk: {"label": label, "colour": colour}
        for pk, label, colour in Rating.objects.filter(
            scale__workspace_id__in=workspace_ids
        ).values_list("pk", "label", "colour")
    }
    for event in events:
        data = dict(event.data)
        if data.get("comment"):
            data["comment_hidden"] = data["comment"] in hidden_comments
        annotation = annotations.get(event.annotation_id)
        if annotation is None and event.annotation_id:  # a deleted draft
            annotation = SimpleNamespace(
                author_id=data.get("author"), hidden=data.get("hidden"), claim_id=event.claim_id
            )
        event.live = SimpleNamespace(
            data=data,
            annotation=None if event.kind in VERDICTS else annotation,
            state=states.get(event.claim_id),
            ratings=ratings,
        )
    return events


def _states(user, claim_ids) -> dict[int, str]:
    rows = claims_with_state(user, Claim.objects.filter(pk__in=claim_ids)).values_list(
        "pk", "has_verdict", "has_approved", "has_annotation"
    )
    return {pk: Claim.derive_state(*flags) for pk, *flags in rows}


class Reader:
    """One user's stream: of one document (`document_id`, in `workspace_id`), or of every
    desk they read (both None)."""

    def __init__(self, user, *, workspace_id=None, document_id=None):
        self.user = user
        self.workspace_id = workspace_id
        self.document_id = document_id

    def workspace_ids(self) -> list[int]:
        if self.workspace_id is not None:
            return [self.workspace_id]
        forget_roles(self.user)
        return readable_workspace_ids(self.user)

    def viewers(self, workspace_ids) -> dict[int, Viewer]:
        """A fresh Viewer per desk the user still reads (memberships read again)."""
        forget_roles(self.user)
        workspaces = Workspace.objects.in_bulk(workspace_ids)
        viewers = {pk: Viewer(self.user, ws) for pk, ws in workspaces.items()}
        return {pk: viewer for pk, viewer in viewers.items() if viewer.reads}

    def still_reads(self) -> bool:
        return self.workspace_id is None or bool(self.viewers([self.workspace_id]))

    def catch_up(self, after: int) -> list[dict] | None:
        """The payloads of the events after `after` (reconnects, the polling page)."""
        events = Event.objects.filter(pk__gt=after)
        if self.workspace_id is not None:
            events = events.filter(workspace_id=self.workspace_id)
        else:
            events = events.filter(workspace_id__in=self.workspace_ids())
        events = list(events[:CATCH_UP_LIMIT])
        # Where the next catch-up starts, past events this reader was not given too.
        self.seen = max([after] + [event.pk for event in events])
        return self.read(prepare(events))

    def read(self, events: list[Event]) -> list[dict] | None:
        """This reader's payloads of prepared events; None once the user may no longer
        read the stream's desk (the stream ends)."""
        viewers = self.viewers({e.workspace_id for e in events} | {self.workspace_id} - {None})
        if self.workspace_id is not None and self.workspace_id not in viewers:
            return None
        payloads = []
        for event in events:
            viewer = viewers.get(event.workspace_id)
            if self.document_id is not None and event.document_id not in (None, self.document_id):
                continue
            payload = viewer and self.payload(event, viewer)
            if payload:
                payloads.append(payload)
        return payloads

    def payload(self, event: Event, viewer: Viewer) -> dict | None:
        live, kind = event.live, event.kind
        data = live.data
        if kind == Event.Kind.MEMBER_CHANGED:
            if data.get("member") != self.user.pk:
                return None
            return {"id": event.pk, "kind": kind, "role": viewer.role}
        if not viewer.sees_event(SimpleNamespace(kind=kind, data=data), live.annotation):
            return None
        payload = {
            "id": event.pk,
            "kind": kind,
            "document": event.document_id,
            "claim": event.claim_id,
            "number": data.get("number"),
            "actor": data.get("actor_name", ""),
            "mine": event.actor_id == self.user.pk,
        }
        if kind in STATEFUL and event.claim_id:
            payload["state"] = self._state(event, viewer)
        if kind == Event.Kind.CLAIM_CREATED:
            payload.update(start=data["start"], end=data["end"])
        if live.annotation is not None:
            payload.update(status=data.get("status"), author=live.annotation.author_id)
            payload["rating"] = live.ratings.get(data.get("rating"))
        if kind in VERDICTS:
            retracted = kind == Event.Kind.VERDICT_RETRACTED
            payload["rating"] = None if retracted else live.ratings.get(data.get("verdict_rating"))
        hidden = SimpleNamespace(hidden=bool(data.get("comment_hidden")))
        if data.get("quote") and viewer.sees_comment(hidden):
            payload["quote"] = data["quote"]
            payload["decision"] = data.get("decision", "")
        if self.user.pk in data.get("notified", ()):
            unread = notifications_for(self.user).filter(read_at__isnull=True)
            payload["unread"] = unread.count()
        return payload

    def _state(self, event, viewer) -> str | None:
        """The claim's state as this reader sees it: the batch's, unless a blind desk
        limits the reader to their own work on the claim."""
        if viewer.blind_limited and not viewer.sees_colleagues_on(event.claim_id):
            return _states(self.user, [event.claim_id]).get(event.claim_id)
        return event.live.state

    def leave(self) -> None:
        """The stream ended: the reader is no longer on the claims they had open, and
        lets go of those they took (a page that comes back takes them again)."""
        if self.document_id is None:
            return
        for claim_id, on in Event.on_claims(self.document_id).items():
            mine = on["taken_by"] and on["taken_by"][0] == self.user.pk
            if self.user.pk not in on["viewing"] and not mine:
                continue
            claim = Claim.objects.select_related("document__workspace").filter(pk=claim_id).first()
            if claim is None or not self.still_reads():
                continue
            if self.user.pk in on["viewing"]:
                claim.mark_presence(self.user, here=False)
            if mine:
                claim.release(self.user)


class Bus:
    """The process's one source of events for its streams (see the module's doc)."""

    def __init__(self):
        self.loop = None
        self.task = None
        self.last = None
        self.ready = None  # set once the bus knows where the events it delivers start
        self.queues: dict[int, set[asyncio.Queue]] = defaultdict(set)

    def join(self, workspace_ids) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new server in this process (tests)
            self.__init__()
            self.loop = loop
        if self.task is None or self.task.done():
            self.ready = asyncio.Event()
            self.task = loop.create_task(self._run())
        queue = asyncio.Queue(maxsize=QUEUE_LIMIT)
        for pk in workspace_ids:
            self.queues[pk].add(queue)
        return queue

    def leave(self, queue) -> None:
        for queues in self.queues.values():
            queues.discard(queue)

    def deliver(self, events) -> None:
        for event in events:
            self.last = max(self.last or 0, event.pk)
            for queue in list(self.queues.get(event.workspace_id, ())):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    # A reader that cannot keep up is dropped; it reconnects and catches
                    # up from the table.
                    self.leave(queue)
                    queue.overflowed = True

    async def _run(self) -> None:
        while True:
            try:
                if self.last is None:
                    self.last = await db(_last_event_id)
                    self.ready.set()
                if connection.vendor == "postgresql":
                    await self._listen()
                else:
                    await self._poll()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("The live bus lost its connection; reconnecting.")
                await asyncio.sleep(1)

    async def _fetch_after(self) -> None:
        last = self.last
        self.deliver(await db(lambda: prepare(list(Event.objects.filter(pk__gt=last)[:1000]))))

    async def _poll(self) -> None:
        while True:
            await self._fetch_after()
            await asyncio.sleep(settings.LIVE_POLL_SECONDS)

    async def _listen(self) -> None:
        params = connection.settings_dict
        conn = await psycopg.AsyncConnection.connect(
            dbname=params["NAME"],
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            autocommit=True,
        )
        async with conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            await self._fetch_after()  # what committed while nobody listened
            async for notice in conn.notifies():
                pk, workspace_id = map(int, notice.payload.split())
                if self.queues.get(workspace_id):  # a stream of this process follows it
                    self.deliver(await db(_events_by_id, [pk]))


def _events_by_id(ids) -> list[Event]:
    return prepare(list(Event.objects.filter(pk__in=ids)))


def _last_event_id() -> int:
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


bus = Bus()
