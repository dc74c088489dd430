"""Live updates: what each reader gets of the desk's events, and the process's bus that
brings the events to the open streams.

- `Reader`: one user's stream (of one document, or of every desk for the queues and
  the notification counter). Every event is asked of the permission map at send time:
  a blind desk's annotator gets nothing of colleagues' work on a claim before
  submitting their own, hidden work reaches editors only, and a removed member's stream
  ends. A payload carries what the page needs to update itself (the claim's state as
  this reader sees it, the rating, a comment's quote), so readers do not each fetch a
  fragment per event. The reader's roles are read again when an event changes this
  user's membership and at least every LIVE_MEMBERSHIP_SECONDS; the desks themselves
  (blind or not) are read once per batch for the whole process. Most batches then
  need no query at all and are read on the event loop (`quick`); a blind desk's
  annotator, a notified reader or a membership change take the query path (`read`).
- `Bus`: one per process. On PostgreSQL one connection LISTENs on CHANNEL (a trigger
  on the events table NOTIFYs each event as its transaction commits, with its desk and
  document: migration 0036) and the process fetches the events its streams follow,
  the notices that arrive meanwhile in one query, and fans them out by asyncio queues to
  the streams of the event's document (or desk); on SQLite (development) the bus polls
  the events table instead.
- `db()`: every database call of a stream runs in a worker thread that closes its
  connection afterwards (under `make serve`: gives it back to the process's pool), so an
  open stream holds no connection between events.
"""

import asyncio
import logging
import random
import time
from collections import defaultdict, deque
from types import SimpleNamespace

import psycopg
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, connections

from annotations.models import Claim, Comment, Event, Rating, Workspace
from annotations.models.annotations import Annotation
from annotations.permissions import (
    ANNOTATOR,
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
# How long the bus gathers notices before it fetches them (one query and one prepare()
# per process for the events of that moment, not per event).
GATHER_SECONDS = 0.1
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
    workspaces = Workspace.objects.in_bulk(workspace_ids)
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
    rating_ids = {e.data.get(k) for e in events for k in ("rating", "verdict_rating")}
    ratings = {  # no query for a batch that names no rating
        pk: {"label": label, "colour": colour}
        for pk, label, colour in Rating.objects.filter(
            pk__in=rating_ids - {None}, scale__workspace_id__in=workspace_ids
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
            workspace=workspaces.get(event.workspace_id),
        )
    return events


def _states(user, claim_ids) -> dict[int, str]:
    # The annotation level, not the two flags made of it: each flag sums the work again.
    rows = claims_with_state(user, Claim.objects.filter(pk__in=claim_ids)).values_list(
        "pk", "has_verdict", "annotation_level"
    )
    return {pk: Claim.derive_state(verdict, level >= 2, level >= 1) for pk, verdict, level in rows}


class Reader:
    """One user's stream: of one document (`document_id`, in `workspace_id`), or of every
    desk they read (both None)."""

    def __init__(self, user, *, workspace_id=None, document_id=None):
        self.user = user
        self.workspace_id = workspace_id
        self.document_id = document_id
        self.roles: dict[int, str] = {}  # the user's role per desk read, as last read
        self.fresh_until = 0.0  # when the roles are to be read again

    def workspace_ids(self) -> list[int]:
        if self.workspace_id is not None:
            # The roles, read as the stream opens rather than at its first event; read
            # again at a random moment within LIVE_MEMBERSHIP_SECONDS, so streams opened
            # together (a restart) do not all read them again at once.
            self.refresh()
            self.fresh_until -= random.uniform(0, settings.LIVE_MEMBERSHIP_SECONDS)
            return [self.workspace_id]
        forget_roles(self.user)
        return readable_workspace_ids(self.user)

    def refresh(self, workspace_ids=()) -> None:
        """Read the user's roles again (queries): on the desk of the stream, or on the
        desks of the events for a stream of every desk."""
        forget_roles(self.user)
        wanted = {self.workspace_id} if self.workspace_id is not None else set(workspace_ids)
        workspaces = Workspace.objects.in_bulk(wanted | set(self.roles))
        roles = {pk: Viewer(self.user, ws).role for pk, ws in workspaces.items()}
        self.roles = {pk: role for pk, role in roles.items() if role is not None}
        self.fresh_until = time.monotonic() + settings.LIVE_MEMBERSHIP_SECONDS

    def viewers(self, workspaces) -> dict[int, Viewer]:
        """A Viewer per desk (as the batch read it) the user reads, with the roles last
        read: no query."""
        viewers = {}
        for pk, workspace in workspaces.items():
            if workspace is not None and self.roles.get(pk) is not None:
                viewer = viewers[pk] = Viewer(self.user, workspace)
                viewer.__dict__["role"] = self.roles[pk]  # its cached_property, known
        return viewers

    def still_reads(self) -> bool:
        self.refresh()
        return self.workspace_id is None or self.workspace_id in self.roles

    def quick(self, events: list[Event]) -> bool:
        """Whether `payloads` gives these prepared events without a query: the roles
        are fresh, and no event changes this user's membership, notifies them, or
        falls on a desk where they annotate blind (their own view of a claim's state)."""
        if time.monotonic() >= self.fresh_until:
            return False
        for event in events:
            data, workspace = event.live.data, event.live.workspace
            if data.get("member") == self.user.pk or self.user.pk in data.get("notified", ()):
                return False
            if workspace is not None and workspace.blind:
                if self.roles.get(workspace.pk) == ANNOTATOR:
                    return False
            if event.workspace_id not in self.roles and self.workspace_id is None:
                return False  # a desk this stream has not asked about yet
        return True

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
        """This reader's payloads of prepared events, the roles read again first
        (queries); None once the user may no longer read the stream's desk."""
        self.refresh({e.workspace_id for e in events})
        return self.payloads(events)

    def payloads(self, events: list[Event]) -> list[dict] | None:
        """This reader's payloads of prepared events with the roles last read; None
        once the user may no longer read the stream's desk (the stream ends)."""
        if self.workspace_id is not None and self.workspace_id not in self.roles:
            return None
        viewers = self.viewers({e.workspace_id: e.live.workspace for e in events})
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
            # Checked before: the desk's published verdict, or a reference fact-check
            # (published elsewhere), that says the same (a live document's new claims).
            if "prior_verdict" in data:
                payload["prior_verdict"] = data["prior_verdict"]
            if "reference" in data:
                payload["reference"] = data["reference"]
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
        # Streams by (desk, document): a document's stream hears its document's events
        # and the desk's events about no document; (desk, None) a stream of every desk.
        self.queues: dict[tuple, set[asyncio.Queue]] = defaultdict(set)
        self.pending: set[int] = set()  # notified events not fetched yet
        self.fetching = None
        # The events delivered last: one both caught up on (as the bus starts listening)
        # and notified is delivered once.
        self.delivered = deque(maxlen=QUEUE_LIMIT)

    def join(self, workspace_ids, document_id=None) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new server in this process (tests)
            self.__init__()
            self.loop = loop
        if self.task is None or self.task.done():
            self.ready = asyncio.Event()
            self.task = loop.create_task(self._run())
        queue = asyncio.Queue(maxsize=QUEUE_LIMIT)
        for pk in workspace_ids:
            self.queues[pk, document_id].add(queue)
        return queue

    def leave(self, queue) -> None:
        for key, queues in list(self.queues.items()):
            queues.discard(queue)
            if not queues:
                del self.queues[key]

    def followers(self, workspace_id, document_id) -> set[asyncio.Queue]:
        """The queues of the streams an event of this desk and document reaches."""
        if document_id:
            return self.queues.get((workspace_id, None), set()) | self.queues.get(
                (workspace_id, document_id), set()
            )
        return {q for (ws, _), queues in self.queues.items() if ws == workspace_id for q in queues}

    def deliver(self, events) -> None:
        for event in events:
            if event.pk in self.delivered:
                continue
            self.delivered.append(event.pk)
            self.last = max(self.last or 0, event.pk)
            for queue in self.followers(event.workspace_id, event.document_id):
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
                pk, workspace_id, document_id = (list(map(int, notice.payload.split())) + [0])[:3]
                if self.followers(workspace_id, document_id):  # a stream here follows it
                    self.pending.add(pk)
                    if self.fetching is None or self.fetching.done():
                        self.fetching = asyncio.get_running_loop().create_task(self._fetch())

    async def _fetch(self) -> None:
        """Fetch the notified events, in one query for those notified meanwhile."""
        await asyncio.sleep(GATHER_SECONDS)
        while self.pending:
            ids, self.pending = sorted(self.pending), set()
            try:
                events = await db(_events_by_id, ids)
            except Exception:
                log.exception("The live bus could not read events; trying again.")
                self.pending.update(ids)
                await asyncio.sleep(1)
                continue
            self.deliver(events)


def _events_by_id(ids) -> list[Event]:
    return prepare(list(Event.objects.filter(pk__in=ids)))


def _last_event_id() -> int:
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


bus = Bus()
