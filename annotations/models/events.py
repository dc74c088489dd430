"""Events: one committed change of a desk's work, recorded once by the domain method that
made it. Notifications, live streams and webhooks consume events; nothing else invents
its own.

    emit(kind, *, workspace=None, document=None, claim=None, annotation=None,
         actor=None, data=None) -> Event
    emit_many([event_for(kind, ...), ...]) -> list[Event]
    subscribe(handler, *, kinds=None, on_commit=True)

`emit` writes the event row in the caller's transaction (so it exists exactly when the
change does) and names the most specific object it is about; the enclosing ones are
derived from it. Subscribers registered with on_commit=False run at once, inside that
transaction (the notices: a rolled-back change notifies nobody, a committed one cannot
lose its notice); the others run after the transaction commits, never for a rolled-back
change (webhooks; the live bus's NOTIFY is sent by a trigger on the events table).
A handler takes the event.

Events are kept RETENTION long so a reader can catch up by id; older ones are pruned by
`manage.py prune_events` and, every PRUNE_EVERY events, after a commit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

RETENTION = timedelta(hours=24)
PRUNE_EVERY = 1000
# How long "who is on which claim" holds without a word from the reader.
PRESENCE_TIMEOUT = timedelta(minutes=10)
TAKE_TIMEOUT = timedelta(minutes=30)


class Event(models.Model):
    class Kind(models.TextChoices):
        CLAIM_CREATED = "claim.created", "Claim created"
        CLAIM_EDITED = "claim.edited", "Claim deleted, merged or split"
        CLAIM_ASSIGNED = "claim.assigned", "Claim assigned"
        CLAIM_VIEWED = "claim.viewed", "Claim opened"
        CLAIM_LEFT = "claim.left", "Claim left"
        CLAIM_TAKEN = "claim.taken", "Claim taken"
        CLAIM_RELEASED = "claim.released", "Claim released"
        ANNOTATION_SAVED = "annotation.saved", "Annotation saved"
        ANNOTATION_SUBMITTED = "annotation.submitted", "Annotation submitted"
        ANNOTATION_DELETED = "annotation.deleted", "Draft deleted"
        ANNOTATION_HIDDEN = "annotation.hidden", "Annotation hidden"
        ANNOTATION_UNHIDDEN = "annotation.unhidden", "Annotation shown again"
        COMMENT_POSTED = "comment.posted", "Comment"
        COMMENT_HIDDEN = "comment.hidden", "Comment hidden"
        REVIEW_DECIDED = "review.decided", "Review decision"
        VERDICT_PUBLISHED = "verdict.published", "Verdict published"
        VERDICT_CORRECTED = "verdict.corrected", "Verdict corrected"
        VERDICT_RETRACTED = "verdict.retracted", "Verdict retracted"
        REPORT_PUBLISHED = "report.published", "Report published"
        REPORT_WITHDRAWN = "report.withdrawn", "Report withdrawn"
        FLAG_RAISED = "flag.raised", "Flag raised"
        FLAG_RESOLVED = "flag.resolved", "Flag resolved"
        MEMBER_CHANGED = "member.changed", "Membership changed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Named by string: every aggregate, workspaces too, records its events here.
    workspace = models.ForeignKey("Workspace", on_delete=models.CASCADE, related_name="+")
    # Ids only, no constraints: an event outlives a deleted claim or draft for a day, and
    # writing one must not lock the rows it names.
    document = models.ForeignKey(
        "Document", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    claim = models.ForeignKey(
        "Claim",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    annotation = models.ForeignKey(
        "Annotation",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # What readers need to update a page without asking again (see annotations.live).
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "id"], name="event_workspace_id")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @classmethod
    def prune(cls, now=None) -> int:
        """Delete the events older than the retention window; how many were deleted."""
        cutoff = (now or timezone.now()) - RETENTION
        return cls.objects.filter(created_at__lt=cutoff).delete()[0]

    @classmethod
    def on_claims(cls, document_id, now=None) -> dict[int, dict]:
        """Who is on which claim of a document now, from the recent presence events:
        {claim id: {"viewing": {user id: name}, "taken_by": (user id, name) | None}}.
        A take ends with a release, the taker's submission, or TAKE_TIMEOUT; a view with
        leaving the claim or PRESENCE_TIMEOUT."""
        now = now or timezone.now()
        kinds = [
            cls.Kind.CLAIM_VIEWED,
            cls.Kind.CLAIM_LEFT,
            cls.Kind.CLAIM_TAKEN,
            cls.Kind.CLAIM_RELEASED,
            cls.Kind.ANNOTATION_SUBMITTED,
        ]
        rows = cls.objects.filter(
            document_id=document_id,
            kind__in=kinds,
            created_at__gte=now - max(PRESENCE_TIMEOUT, TAKE_TIMEOUT),
        ).values_list("kind", "claim_id", "actor_id", "data", "created_at")
        claims: dict[int, dict] = {}
        for kind, claim_id, actor_id, data, at in rows:
            on = claims.setdefault(claim_id, {"viewing": {}, "taken_by": None})
            name = data.get("actor_name", "")
            if kind == cls.Kind.CLAIM_VIEWED and now - at < PRESENCE_TIMEOUT:
                on["viewing"][actor_id] = name
            elif kind == cls.Kind.CLAIM_LEFT:
                on["viewing"].pop(actor_id, None)
            elif kind == cls.Kind.CLAIM_TAKEN and now - at < TAKE_TIMEOUT:
                on["taken_by"] = (actor_id, name)
            elif kind in (cls.Kind.CLAIM_RELEASED, cls.Kind.ANNOTATION_SUBMITTED):
                if on["taken_by"] and on["taken_by"][0] == actor_id:
                    on["taken_by"] = None  # released, or submitted by the taker
        return {claim: on for claim, on in claims.items() if on["viewing"] or on["taken_by"]}


_subscribers: list[tuple[object, frozenset | None, bool]] = []


def subscribe(handler, *, kinds=None, on_commit: bool = True) -> None:
    """Call handler(event) for every event (or those of `kinds`): after the commit, or
    with on_commit=False inside the emitting transaction."""
    _subscribers.append((handler, frozenset(kinds) if kinds else None, on_commit))


def emit(
    kind,
    *,
    workspace=None,
    document=None,
    claim=None,
    annotation=None,
    actor=None,
    data=None,
) -> Event:
    """Record one change (see the module's doc). Pass the most specific object; its
    claim, document and workspace are taken from it (loaded with it by the callers)."""
    event = event_for(
        kind,
        workspace=workspace,
        document=document,
        claim=claim,
        annotation=annotation,
        actor=actor,
        data=data,
    )
    _before_save(event)
    event.save()
    recorded(event)
    return event


def unsaved(kind, **about) -> Event:
    """The event `emit` records (arguments as its), heard by the subscribers inside the
    transaction, for the caller to write with other rows and then pass to `recorded`."""
    event = event_for(kind, **about)
    _before_save(event)
    return event


def recorded(event: Event) -> None:
    """Once an event from `unsaved` is written: heard after the commit as emitted ones."""
    transaction.on_commit(lambda: _after_commit(event))


def emit_many(events: list[Event]) -> list[Event]:
    """Record many changes made by one write (a bulk start, a live document's chunk),
    built by `event_for`: one INSERT, each event then heard as if emitted alone. The
    events share `batch`, a dict in which a consumer may keep what it read for the first
    of them (webhooks: the desk's hooks), so that hearing them costs no query each."""
    batch: dict = {}
    for event in events:
        event.batch = batch
        _before_save(event)
    Event.objects.bulk_create(events)
    for event in events:
        transaction.on_commit(lambda event=event: _after_commit(event))
    return events


def event_for(
    kind,
    *,
    workspace=None,
    document=None,
    claim=None,
    annotation=None,
    actor=None,
    data=None,
) -> Event:
    """The unsaved event of one change (what `emit` records)."""
    claim = claim or (annotation.claim if annotation is not None else None)
    document = document or (claim.document if claim is not None else None)
    workspace = workspace or (document.workspace if document is not None else None)
    data = dict(data or {})
    if actor is not None:
        data.setdefault("actor_name", actor.get_username())
    if claim is not None:
        data.setdefault("number", claim.number)
    return Event(
        kind=Event.Kind(kind),
        workspace=workspace,
        document=document,
        claim=claim,
        annotation=annotation,
        actor=actor,
        data=data,
    )


def _before_save(event: Event) -> None:
    # Subscribers inside the transaction may add to data (the notices name their
    # recipients, so a stream can update their counters).
    for handler, kinds, on_commit in _subscribers:
        if not on_commit and (kinds is None or event.kind in kinds):
            handler(event)


def _after_commit(event: Event) -> None:
    for handler, kinds, on_commit in _subscribers:
        if on_commit and (kinds is None or event.kind in kinds):
            handler(event)
    if event.pk % PRUNE_EVERY == 0:
        Event.prune()
