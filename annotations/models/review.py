"""Review and publication: comments and review decisions on an annotation, and the
verdicts published from approved annotations.

Annotation's module imports this one (a review creates a Comment), so Annotation is
named here by string.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from annotations import notifications
from annotations.models._history import History
from annotations.models._indexing import indexed_save
from annotations.models._rules import can as _can
from annotations.models._rules import require as _require
from annotations.models.documents import Claim
from annotations.models.events import Event, emit
from annotations.models.exceptions import (
    HIDDEN_BY_EDITOR,
    Duplicate,
    InvalidInput,
    NotVisible,
    WorkflowError,
)
from annotations.models.moderation import ModerationEvent
from annotations.models.workspaces import Rating


class Comment(models.Model):
    class Decision(models.TextChoices):
        NONE = "", "None"
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"

    annotation = models.ForeignKey("Annotation", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, default="")
    hidden = models.BooleanField(default=False)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    history = History()

    class Meta:
        ordering = ["annotation", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["", "approve", "request_changes"]),
                name="comment_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(decision=""), name="comment_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.author}: {self.body[:60]}"

    @classmethod
    def post(cls, annotation, by, body: str, parent=None) -> "Comment":
        _require(by, "annotation.write", annotation.claim, "You cannot comment here.")
        if not _can(by, "document.read", annotation):
            raise NotVisible()
        if annotation.hidden and not _can(by, "moderate", annotation):
            raise WorkflowError(HIDDEN_BY_EDITOR, code="hidden")
        body = (body or "").strip()
        if not body:
            raise InvalidInput("Write a comment first.", field="body")
        if "\x00" in body:
            raise InvalidInput("Text may not contain NUL characters.", field="body")
        if parent is not None and (
            parent.annotation_id != annotation.pk or not _can(by, "document.read", parent)
        ):
            raise InvalidInput("You can only reply within the same thread.", field="parent")
        with transaction.atomic():
            comment = cls.objects.create(annotation=annotation, author=by, body=body, parent=parent)
            annotation.emit(Event.Kind.COMMENT_POSTED, by, **comment.facts())
        return comment

    def facts(self) -> dict:
        """What a live event says of the comment: its quote, for the pages and the mail."""
        return {
            "comment": self.pk,
            "comment_hidden": self.hidden,
            "decision": self.decision,
            "quote": notifications.quote(self.body),
        }

    def resolve_thread(self, by) -> None:
        root = self.parent or self
        if not _can(by, "document.read", root):
            raise NotVisible()
        may = by.pk in (root.author_id, root.annotation.author_id) or _can(
            by, "annotation.review", root.annotation.claim
        )
        if not may:
            raise WorkflowError("Only the participants or a reviewer can resolve this thread.")
        Comment.objects.filter(pk=root.pk).update(resolved=True)
        root.resolved = True

    def hide(self, by, note: str = "") -> None:
        self._set_hidden(by, True, note)

    def unhide(self, by, note: str = "") -> None:
        self._set_hidden(by, False, note)

    def _set_hidden(self, by, hidden: bool, note: str) -> None:
        _require(by, "moderate", self, "Only editors can hide or unhide comments.")
        with transaction.atomic():
            # Locked, so that a repeated hide sees the first one and logs nothing.
            locked = Comment.objects.select_for_update().filter(pk=self.pk).first()
            if locked is None:
                raise NotVisible()
            self.hidden = locked.hidden
            if locked.hidden == hidden:
                return
            locked.hidden = self.hidden = hidden
            locked.save(update_fields=["hidden"])
            ModerationEvent.objects.create(
                workspace=self.annotation.claim.document.workspace,
                actor=by,
                action=ModerationEvent.Action.HIDE if hidden else ModerationEvent.Action.UNHIDE,
                comment=self,
                note=note,
            )
            data = {"comment": self.pk, "comment_hidden": hidden}
            self.annotation.emit(Event.Kind.COMMENT_HIDDEN, by, **data)


class Verdict(models.Model):
    """A published snapshot of an approved annotation. Later ones on a claim correct it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    annotation = models.ForeignKey(
        "Annotation", null=True, on_delete=models.SET_NULL, related_name="verdicts"
    )
    # The annotation's version the snapshot was taken from: one verdict per version.
    # Null when unknown (published before it was recorded, and no history tells it).
    annotation_version = models.PositiveIntegerField(null=True, blank=True)
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.CharField(max_length=600)
    # The sources as they stood when published: a list of dicts.
    sources = models.JSONField(default=list, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="published_verdicts"
    )
    published_at = models.DateTimeField(default=timezone.now)
    correction_note = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retraction_note = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    history = History(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["claim", "published_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(is_current=True), name="one_current_verdict_per_claim"
            ),
            models.UniqueConstraint(
                fields=["annotation", "annotation_version"],
                name="one_verdict_per_annotation_version",
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_note=""),
                name="verdict_retraction_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.rating} on claim {self.claim_id}"

    def save(self, *args, **kwargs):
        with indexed_save(self, kwargs):  # search_vector, same write
            super().save(*args, **kwargs)

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def is_correction(self) -> bool:
        return bool(self.correction_note)

    @classmethod
    def publish(cls, annotation, by, note: str = "") -> "Verdict":
        """Snapshot an approved annotation as the claim's verdict. A verdict on a claim
        that already had one is a correction and needs a note."""
        return cls.publish_once(annotation, by, note)[0]

    @classmethod
    def publish_once(cls, annotation, by, note: str = "") -> tuple["Verdict", bool]:
        """publish(), and whether a verdict was made. A version of an annotation is
        published once: asked again (a retry, a double click), the verdict it made is
        returned while it is the claim's current one, and refused once it was corrected
        or retracted."""
        note = (note or "").strip()
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=annotation.claim_id)
            locked = annotation._locked()
            if not _can(by, "verdict.publish", locked):
                _require(by, "document.read", locked, "")
                _require(by, "verdict.publish", claim, "Only editors can publish verdicts.")
                if locked.hidden:
                    raise WorkflowError("A hidden annotation cannot be published.")
                if locked.author_id == by.pk:
                    raise WorkflowError("You cannot publish a verdict from your own annotation.")
                raise WorkflowError(
                    "Only an approved annotation can be published.", code="invalid_transition"
                )
            same = cls.objects.filter(annotation=locked, annotation_version=locked.version).first()
            if same is not None:
                if same.is_current and same.retracted_at is None:
                    return same, False
                happened = "retracted" if same.retracted_at else "corrected"
                raise Duplicate(
                    f"This version of the annotation was published before and that verdict "
                    f"was {happened}; its author has to revise it before it is published again."
                )
            earlier = cls.objects.filter(claim=claim)
            corrected = earlier.exists()
            if corrected and not note:
                raise InvalidInput(
                    "This claim already had a verdict: say what changed and why in a "
                    "correction note.",
                    field="note",
                )
            earlier.filter(is_current=True).update(is_current=False)
            review = (
                locked.comments.filter(decision=Comment.Decision.APPROVE)
                .order_by("-created_at", "-id")
                .first()
            )
            verdict = cls.objects.create(
                claim=claim,
                annotation=locked,
                annotation_version=locked.version,
                rating=locked.rating,
                summary=locked.summary,
                sources=[source.as_dict() for source in locked.sources.all()],
                checked_by_id=locked.author_id,
                reviewed_by_id=review.author_id if review else None,
                published_by=by,
                correction_note=note,
            )
            if corrected:
                # Claims marked as saying the same now point at the verdict that stands.
                type(claim).objects.filter(prior_verdict__claim=claim).update(prior_verdict=verdict)
            ModerationEvent.objects.create(
                workspace=claim.document.workspace,
                actor=by,
                action=(ModerationEvent.Action.CORRECT if note else ModerationEvent.Action.PUBLISH),
                annotation=locked,
                verdict=verdict,
                note=note,
            )
            kind = Event.Kind.VERDICT_CORRECTED if note else Event.Kind.VERDICT_PUBLISHED
            locked.emit(kind, by, **verdict.facts())
            return verdict, True

    def facts(self) -> dict:
        """What a live event says of the verdict (published: seen by every member)."""
        return {"verdict": self.pk, "verdict_rating": self.rating_id}

    def retract(self, by, note: str) -> None:
        note = (note or "").strip()
        _require(by, "verdict.publish", self.claim, "Only editors can retract verdicts.")
        if not note:
            raise InvalidInput("Say why the verdict is retracted.", field="note")
        with transaction.atomic():
            locked = Verdict.objects.select_for_update().get(pk=self.pk)
            if not locked.is_current or locked.retracted_at is not None:
                raise WorkflowError(
                    "Only the current verdict can be retracted.", code="invalid_transition"
                )
            locked.retracted_at = timezone.now()
            locked.retracted_by = by
            locked.retraction_note = note
            locked.save()
            # A retracted verdict no longer marks claims as checked before.
            type(self.claim).objects.filter(prior_verdict=locked).update(
                prior_verdict=None, prior_similarity=None
            )
            ModerationEvent.objects.create(
                workspace=self.claim.document.workspace,
                actor=by,
                action=ModerationEvent.Action.RETRACT,
                verdict=locked,
                note=note,
            )
            emit(Event.Kind.VERDICT_RETRACTED, claim=self.claim, actor=by, data=locked.facts())
            self.refresh_from_db()
