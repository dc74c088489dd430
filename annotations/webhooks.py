"""Webhooks: tell a desk's endpoints of its work as it is committed.

The events module calls `hear(event)` after each commit. For every active webhook of
the desk that listens to the event's type, one delivery row (attempt 1) is written and
handed to the task queue; `deliver(delivery_id)` runs in a worker, never in the request.
A failed attempt is logged and the next one is written, due after RETRY_DELAYS; an event
whose every attempt failed counts towards disabling the webhook (FAILURES_TO_DISABLE in
a row). `deliver_due()` sends whatever attempts are due (for a task backend that cannot
defer, from cron: `manage.py deliver_webhooks`).

A webhook has no viewer: payloads carry ids and only what the public report shows.
"""

import json
import logging
from datetime import timedelta
from http.client import HTTPException

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from annotations import outbound
from annotations.models import Document, Event, Verdict, Webhook, WebhookDelivery
from annotations.models.events import subscribe
from annotations.models.webhooks import FAILURES_TO_DISABLE

log = logging.getLogger(__name__)

# After attempt n fails, attempt n + 1 is due RETRY_DELAYS[n - 1] later.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
USER_AGENT = "factcheck-webhooks/1"
# An attempt begun this long ago and still pending was cut short (its worker stopped).
STALLED = timedelta(minutes=10)

Type = Webhook.EventType
DIRECT = {
    Event.Kind.CLAIM_CREATED: Type.CLAIM_CREATED,
    Event.Kind.ANNOTATION_SUBMITTED: Type.ANNOTATION_SUBMITTED,
    Event.Kind.VERDICT_PUBLISHED: Type.VERDICT_PUBLISHED,
    Event.Kind.VERDICT_CORRECTED: Type.VERDICT_CORRECTED,
    Event.Kind.VERDICT_RETRACTED: Type.VERDICT_RETRACTED,
    Event.Kind.REPORT_PUBLISHED: Type.REPORT_PUBLISHED,
    Event.Kind.REPORT_WITHDRAWN: Type.REPORT_WITHDRAWN,
}
DECISIONS = {
    "approve": Type.ANNOTATION_APPROVED,
    "request_changes": Type.ANNOTATION_CHANGES_REQUESTED,
}
KINDS = {*DIRECT, Event.Kind.REVIEW_DECIDED}


def event_type(event: Event) -> str | None:
    """The webhook event type of a domain event, or None when webhooks do not hear it."""
    if event.kind == Event.Kind.REVIEW_DECIDED:
        return DECISIONS.get(event.data.get("decision"))
    return DIRECT.get(event.kind)


# --- payloads -----------------------------------------------------------------------------


def public_url(document, claim_id=None) -> str | None:
    """The claim's place in the public report, or None while the report is not published."""
    if not (document.report_slug and document.report_published_at):
        return None
    url = f"{settings.SITE_URL}{reverse('report', args=[document.report_slug])}"
    return f"{url}#claim-{claim_id}" if claim_id else url


def payload(event: Event, kind: str) -> dict | None:
    """What every webhook hears of the event; None when it must hear nothing (hidden work)."""
    data = {"workspace": event.workspace.slug, "document": event.document_id}
    if event.claim_id:
        data.update(claim=event.claim_id, claim_number=event.data.get("number"))
    if kind == Type.CLAIM_CREATED:
        # Checked before (a live document's new claims): ids, as the rest.
        data["prior_verdict"] = event.data.get("prior_verdict")
        data["prior_reference"] = (event.data.get("reference") or {}).get("id")
    if kind.startswith("annotation."):
        if event.data.get("hidden"):
            return None
        # Ids only: the rating, note and author of a desk's work are not public.
        data["annotation"] = event.annotation_id
    elif kind.startswith("verdict."):
        data.update(_verdict(event.data["verdict"], kind))
    elif kind.startswith("report."):
        document = Document.objects.only("title", "report_slug", "report_published_at").get(
            pk=event.document_id
        )
        data["title"] = document.title
        data["url"] = public_url(document)
    return {"type": kind, "timestamp": event.created_at.isoformat(), "data": data}


def _verdict(verdict_id: int, kind: str) -> dict:
    verdict = Verdict.objects.select_related("rating", "claim__document").get(pk=verdict_id)
    facts = {
        "verdict": verdict.pk,
        "rating": verdict.rating.label,
        "summary": verdict.summary,
        "url": public_url(verdict.claim.document, verdict.claim_id),
    }
    if kind == Type.VERDICT_CORRECTED:
        facts["correction_note"] = verdict.correction_note
    if kind == Type.VERDICT_RETRACTED:
        facts["retraction_note"] = verdict.retraction_note
    return facts


# --- hearing events -----------------------------------------------------------------------


def hear(event: Event) -> None:
    """After the commit: queue one delivery per listening webhook. A failure here is
    logged, never raised: the change it reports is committed already."""
    try:
        kind = event_type(event)
        if kind is None:
            return
        memo = getattr(event, "batch", {})  # shared by the events of one write
        key = ("webhooks", event.workspace_id)
        if key not in memo:
            listening = Webhook.objects.filter(workspace_id=event.workspace_id, active=True)
            memo[key] = list(listening)
        hooks = [hook for hook in memo[key] if kind in hook.events]
        if not hooks:
            return
        body = payload(event, kind)
        if body is None:
            return
        now = timezone.now()
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                webhook=hook,
                message_id=f"msg_{event.pk}",
                event_type=kind,
                payload=body,
                next_attempt_at=now,
                created_at=now,
            )
            for hook in hooks
        )
        for delivery in deliveries:
            _queue(delivery.pk, None)
    except Exception:
        log.exception("webhooks: event %s was not queued", event.pk)


subscribe(hear, kinds=KINDS)


def _queue(delivery_id: int, when) -> None:
    if when is not None and deliver_task.get_backend().supports_defer:
        deliver_task.using(run_after=when).enqueue(delivery_id)
    elif when is None:
        deliver_task.enqueue(delivery_id)
    # Otherwise deliver_due() sends it once it is due.


@task()
def deliver_task(delivery_id: int) -> None:
    deliver(delivery_id)


# --- delivering ---------------------------------------------------------------------------


def deliver(delivery_id: int, *, now=None) -> WebhookDelivery | None:
    """Make one attempt, if it is due and nobody made it yet; the row as it ends."""
    now = now or timezone.now()
    taken = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        attempted_at__isnull=True,
        next_attempt_at__lte=now,
    ).update(attempted_at=now)
    if not taken:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    if not hook.active:
        return _finish(delivery, now, error="The webhook is disabled.", retry=False)
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": hook.sign(delivery.message_id, timestamp, body),
    }
    try:
        answer = outbound.post(
            hook.url,
            body,
            headers,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except outbound.Refused as exc:
        return _finish(delivery, now, error=str(exc))
    except (OSError, HTTPException) as exc:
        return _finish(delivery, now, error=f"{type(exc).__name__}: {exc}")
    if 200 <= answer.status < 300:
        return _finish(delivery, now, code=answer.status)
    if 300 <= answer.status < 400:
        error = f"The endpoint answered {answer.status}, a redirect, which is not followed."
    else:
        error = f"The endpoint answered {answer.status}."
    return _finish(delivery, now, code=answer.status, error=error)


def _finish(delivery, now, *, code=None, error="", retry=True) -> WebhookDelivery:
    """Record the attempt's outcome; after a failure, write the next attempt or, when
    none is left, count the event against the webhook."""
    delivery.response_code = code
    delivery.error = error[:500]
    hook = delivery.webhook
    if not error:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "response_code", "error", "next_attempt_at"])
        Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=0)
        return delivery
    delivery.status = WebhookDelivery.Status.FAILED
    later = retry and delivery.attempt <= len(RETRY_DELAYS)
    delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempt - 1] if later else None
    delivery.save(update_fields=["status", "response_code", "error", "next_attempt_at"])
    if later:
        following = WebhookDelivery.objects.create(
            webhook=hook,
            message_id=delivery.message_id,
            event_type=delivery.event_type,
            payload=delivery.payload,
            attempt=delivery.attempt + 1,
            next_attempt_at=delivery.next_attempt_at,
            created_at=now,
        )
        _queue(following.pk, following.next_attempt_at)
    elif retry:
        _count_failure(hook, now)
    return delivery


def _count_failure(hook: Webhook, now) -> None:
    Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    Webhook.objects.filter(
        pk=hook.pk, active=True, consecutive_failures__gte=FAILURES_TO_DISABLE
    ).update(
        active=False,
        disabled_at=now,
        disabled_reason=f"Disabled after {FAILURES_TO_DISABLE} events in a row could not "
        "be delivered.",
    )


def deliver_due(*, now=None) -> int:
    """Make every attempt that is due, and again those a worker began but never finished
    (it stopped: the receiver may drop the repeat by its webhook-id); how many were made."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempted_at__lt=now - STALLED
    ).update(attempted_at=None)
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        attempted_at__isnull=True,
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)
    return sum(deliver(pk, now=now) is not None for pk in list(due))
