"""Webhooks: a desk's endpoints that hear of its published work, and the log of every
attempt to tell them (annotations.webhooks builds the payloads and delivers them).

A webhook's secret signs every delivery (Standard Webhooks: `whsec_` and the base64 of
the key); it is shown once, when made or rotated. Editors manage webhooks; the URL is
checked (http(s), a public address unless WEBHOOK_ALLOW_PRIVATE) when it is set and again
at every delivery.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations import outbound
from annotations.models._rules import require as _require
from annotations.models.exceptions import InvalidInput
from annotations.models.workspaces import Workspace

MANAGE = "Only editors can manage webhooks."
# After this many events in a row whose every attempt failed, a webhook is disabled.
FAILURES_TO_DISABLE = 5


class Webhook(models.Model):
    class EventType(models.TextChoices):
        CLAIM_CREATED = "claim.created", "Claim created"
        ANNOTATION_SUBMITTED = "annotation.submitted", "Annotation submitted"
        ANNOTATION_APPROVED = "annotation.approved", "Annotation approved"
        ANNOTATION_CHANGES_REQUESTED = "annotation.changes_requested", "Annotation sent back"
        VERDICT_PUBLISHED = "verdict.published", "Verdict published"
        VERDICT_CORRECTED = "verdict.corrected", "Verdict corrected"
        VERDICT_RETRACTED = "verdict.retracted", "Verdict retracted"
        REPORT_PUBLISHED = "report.published", "Report published"
        REPORT_WITHDRAWN = "report.withdrawn", "Report withdrawn"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.CharField(max_length=outbound.MAX_URL_LENGTH)
    # The event types it hears (EventType values), at least one.
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Events in a row whose every attempt failed; a success resets it.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.url

    @staticmethod
    def new_secret() -> str:
        return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()

    @classmethod
    def clean_url(cls, url) -> str:
        try:
            outbound.check(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
        except outbound.Refused as exc:
            raise InvalidInput(str(exc), field="url") from None
        return url

    @classmethod
    def clean_events(cls, events) -> list[str]:
        if not isinstance(events, list | tuple) or not events:
            raise InvalidInput("Choose at least one event.", field="events")
        unknown = [e for e in events if e not in cls.EventType.values]
        if unknown:
            raise InvalidInput(f"Unknown events: {', '.join(map(str, unknown))}.", field="events")
        return [e for e in cls.EventType.values if e in events]

    @classmethod
    def create_by(cls, by, workspace, *, url, events) -> "Webhook":
        """A new webhook; its `secret` is readable on the returned object only."""
        _require(by, "workspace.manage", workspace, MANAGE)
        return cls.objects.create(
            workspace=workspace,
            url=cls.clean_url(url),
            events=cls.clean_events(events),
            secret=cls.new_secret(),
            created_by=by,
        )

    def update_by(self, by, *, url=None, events=None, active=None) -> None:
        """Change the URL or events; active=True enables a disabled webhook again."""
        _require(by, "workspace.manage", self.workspace, MANAGE)
        if url is not None:
            self.url = self.clean_url(url)
        if events is not None:
            self.events = self.clean_events(events)
        if active is True and not self.active:
            self.active, self.disabled_at, self.disabled_reason = True, None, ""
            self.consecutive_failures = 0
        elif active is False and self.active:
            self.active, self.disabled_at = False, timezone.now()
            self.disabled_reason = f"Disabled by {by.get_username()}."
        self.save()

    def rotate_secret(self, by) -> str:
        """A new secret, from the next delivery on; the old one stops signing at once."""
        _require(by, "workspace.manage", self.workspace, MANAGE)
        self.secret = self.new_secret()
        self.save(update_fields=["secret"])
        return self.secret

    def delete_by(self, by) -> None:
        _require(by, "workspace.manage", self.workspace, MANAGE)
        self.delete()

    def sign(self, message_id: str, timestamp: int, body: bytes) -> str:
        """The webhook-signature header: v1, and the base64 HMAC-SHA256 of id.timestamp.body."""
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{message_id}.{timestamp}.".encode() + body
        return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one webhook."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # The same for every attempt at one event, so a receiver can drop repeats.
    message_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40, choices=Webhook.EventType.choices)
    payload = models.JSONField()
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)
    # Pending: when it is due. Failed: when the next attempt is, or null when none is left.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["webhook", "-id"], name="delivery_webhook_id"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(attempt__gte=1), name="delivery_attempt_positive"),
            models.UniqueConstraint(
                fields=["webhook", "message_id", "attempt"], name="one_delivery_per_attempt"
            ),
        ]

    def __str__(self):
        return f"{self.message_id} attempt {self.attempt}: {self.status}"
