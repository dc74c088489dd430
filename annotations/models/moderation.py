"""Moderation and notices: flags raised on annotations and comments, the audit log of
moderation and publication, and in-app notifications (with their email copies).

This module sits below documents, annotations and review, which record events and send
notices through it, so it names their models by string and never imports them.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from annotations import notifications
from annotations.models._rules import can as _can
from annotations.models._rules import require as _require
from annotations.models.events import Event, emit, subscribe
from annotations.models.exceptions import Duplicate, InvalidInput, NotVisible, WorkflowError
from annotations.models.workspaces import Membership, Role, Workspace


class Flag(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Resolved by hiding"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    annotation = models.ForeignKey(
        "Annotation", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(annotation__isnull=False, comment__isnull=True)
                    | Q(annotation__isnull=True, comment__isnull=False)
                ),
                name="flag_names_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "hidden", "dismissed"]), name="flag_status_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="flag_has_reason"),
            models.UniqueConstraint(
                fields=["reporter", "annotation"],
                condition=Q(status="open", annotation__isnull=False),
                name="one_open_flag_per_reporter_annotation",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open", comment__isnull=False),
                name="one_open_flag_per_reporter_comment",
            ),
        ]

    def __str__(self):
        target = (
            f"annotation {self.annotation_id}"
            if self.annotation_id
            else f"comment {self.comment_id}"
        )
        return f"Flag on {target} by {self.reporter} ({self.status})"

    @property
    def target(self):
        return self.annotation if self.annotation_id else self.comment

    @classmethod
    def raise_on(cls, target, by, reason: str) -> "Flag":
        if not _can(by, "document.read", target):
            raise NotVisible()
        claim = target.claim if _is_annotation(target) else target.annotation.claim
        _require(by, "annotation.write", claim, "You cannot flag in this workspace.")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput("Say what the problem is.", field="reason")
        key = {"annotation": target} if _is_annotation(target) else {"comment": target}
        duplicate = Duplicate("You have already flagged this; an editor will look at it.")
        if cls.objects.filter(reporter=by, status=cls.Status.OPEN, **key).exists():
            raise duplicate
        try:
            with transaction.atomic():
                flag = cls.objects.create(reporter=by, reason=reason, **key)
                annotation = target if _is_annotation(target) else target.annotation
                emit(Event.Kind.FLAG_RAISED, annotation=annotation, actor=by, data=flag.facts())
                return flag
        except IntegrityError:
            raise duplicate from None

    def facts(self) -> dict:
        """What a live event says of the flag (a reader's stream filters by it)."""
        return {"flag": self.pk, "reporter": self.reporter_id, "comment": self.comment_id}

    def resolve(self, by, *, hide: bool, note: str = "") -> None:
        """An editor resolves the flag by hiding its target or dismissing the flag."""
        _require(by, "moderate", self.target, "Only editors can resolve flags.")
        with transaction.atomic():
            locked = Flag.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.OPEN:
                raise WorkflowError("This flag is already resolved.", code="invalid_transition")
            if hide:
                self.target.hide(by, note)
            locked.status = self.Status.HIDDEN if hide else self.Status.DISMISSED
            locked.resolved_by = by
            locked.resolved_at = timezone.now()
            locked.resolution_note = note
            locked.save()
            ModerationEvent.objects.create(
                workspace=_workspace_of_target(self.target),
                actor=by,
                action=ModerationEvent.Action.RESOLVE_FLAG,
                annotation=self.annotation,
                comment=self.comment,
                flag=locked,
                note=note,
            )
            annotation = self.annotation if self.annotation_id else self.comment.annotation
            data = locked.facts() | {"status": locked.status}
            emit(Event.Kind.FLAG_RESOLVED, annotation=annotation, actor=by, data=data)
            self.refresh_from_db()


def _is_annotation(target) -> bool:
    # Annotation's module imports this one, so the class is reached through the field.
    return isinstance(target, Flag._meta.get_field("annotation").related_model)


def _workspace_of_target(target):
    if _is_annotation(target):
        return target.claim.document.workspace
    return target.annotation.claim.document.workspace


class ModerationEvent(models.Model):
    """The audit log: every hide, unhide, flag resolution, publication and retraction."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hide"
        UNHIDE = "unhide", "Unhide"
        RESOLVE_FLAG = "resolve_flag", "Resolve flag"
        PUBLISH = "publish", "Publish verdict"
        CORRECT = "correct", "Correct verdict"
        RETRACT = "retract", "Retract verdict"
        PUBLISH_REPORT = "publish_report", "Publish report"
        WITHDRAW_REPORT = "withdraw_report", "Withdraw report"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="moderation_events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    annotation = models.ForeignKey(
        "Annotation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.ForeignKey(
        "Verdict", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.actor} {self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notice: shown as a counter in the page header and in a list."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned to you"
        REVIEW_REQUESTED = "review_requested", "Review requested"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        VERDICT_PUBLISHED = "verdict_published", "Verdict published"
        COMMENTED = "commented", "New comment"
        HIDDEN = "hidden", "Your annotation was hidden"
        UNHIDDEN = "unhidden", "Your annotation is shown again"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    claim = models.ForeignKey("Claim", null=True, on_delete=models.CASCADE, related_name="+")
    annotation = models.ForeignKey(
        "Annotation", null=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    @classmethod
    def send(cls, recipient_ids, kind, *, actor, claim=None, annotation=None, comment="") -> set:
        """Notify everyone listed except the actor; who was notified. `comment`: the text
        of the comment the notice is about, quoted in its email (a new comment: nobody
        has hidden it yet)."""
        if annotation is not None and claim is None:
            claim = annotation.claim
        recipients = {rid for rid in recipient_ids if rid != actor.pk}
        if not recipients:
            return recipients
        cls.objects.bulk_create(
            cls(recipient_id=rid, actor=actor, kind=kind, claim=claim, annotation=annotation)
            for rid in recipients
        )
        if claim is not None:
            emails = list(
                Membership.objects.filter(
                    workspace_id=claim.document.workspace_id,
                    user_id__in=recipients,
                    email_notifications=True,
                    user__is_active=True,
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
            if emails:
                notifications.email_on_commit(emails, cls.Kind(kind).label, actor, claim, comment)
        return recipients


# The notice each kind of event sends to the author of the work it is about.
_NOTICE_TO_AUTHOR = {
    Event.Kind.COMMENT_POSTED: Notification.Kind.COMMENTED,
    Event.Kind.VERDICT_PUBLISHED: Notification.Kind.VERDICT_PUBLISHED,
    Event.Kind.VERDICT_CORRECTED: Notification.Kind.VERDICT_PUBLISHED,
    Event.Kind.ANNOTATION_HIDDEN: Notification.Kind.HIDDEN,
    Event.Kind.ANNOTATION_UNHIDDEN: Notification.Kind.UNHIDDEN,
}


def notify(event: Event) -> None:
    """The in-app notices (and their email copies) an event sends, written in the same
    transaction as the change; the recipients go into the event for their counters."""
    kind, data = event.kind, event.data
    annotation = event.annotation if event.annotation_id else None
    if kind == Event.Kind.ANNOTATION_SUBMITTED:
        recipients = Membership.objects.filter(
            workspace_id=event.workspace_id, role__in=[Role.REVIEWER, Role.EDITOR]
        ).values_list("user_id", flat=True)
        notice = Notification.Kind.REVIEW_REQUESTED
    elif kind == Event.Kind.REVIEW_DECIDED:
        recipients = [annotation.author_id]
        approved = data["decision"] == "approve"
        notice = Notification.Kind.APPROVED if approved else Notification.Kind.CHANGES_REQUESTED
    elif kind == Event.Kind.CLAIM_ASSIGNED and data.get("assignee"):
        recipients, notice = [data["assignee"]], Notification.Kind.ASSIGNED
    elif kind in _NOTICE_TO_AUTHOR:
        recipients, notice = [annotation.author_id], _NOTICE_TO_AUTHOR[kind]
    else:
        return
    sent = Notification.send(
        recipients,
        notice,
        actor=event.actor,
        claim=event.claim,
        annotation=annotation,
        comment=data.get("quote", ""),
    )
    if sent:
        data["notified"] = sorted(sent)


subscribe(notify, on_commit=False)
