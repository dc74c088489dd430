"""Webhooks: what they hear, how deliveries are signed, retried and refused.

A real HTTP receiver on 127.0.0.1 (in a thread) answers the deliveries; reaching it
needs WEBHOOK_ALLOW_PRIVATE, which each such test turns on for itself."""

import base64
import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from annotations import outbound, webhooks
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    InvalidInput,
    Role,
    Verdict,
    Webhook,
    WebhookDelivery,
)
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WebhookFactory,
    WorkspaceFactory,
    member,
)

PORTS = range(8501, 8550)
PUBLIC = "93.184.216.34"


class Receiver:
    """An HTTP endpoint that records each request and answers from a script of
    (status, headers); once the script is spent, 204."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                status, headers = receiver.script.pop(0) if receiver.script else (204, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    served = Receiver()
    yield served
    served.close()


@pytest.fixture
def queue_only(settings):
    """Deliveries are queued on the database queue and wait there (nothing is sent)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a receiver does (the README's check)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(f"v1,{expected}", sig) for sig in headers["webhook-signature"].split()
    )


def _desk(blind=False):
    workspace = WorkspaceFactory(blind=blind)
    return workspace, member(workspace, Role.EDITOR)


def _published_report(editor, workspace, capture):
    document = DocumentFactory(workspace=workspace, title="Budget speech")
    with capture(execute=True):
        document.publish_report(editor, slug="budget-speech")
    return document


@pytest.mark.django_db
def test_a_real_receiver_checks_the_signature(receiver, django_capture_on_commit_callbacks):
    workspace, editor = _desk()
    hook = Webhook.create_by(
        editor, workspace, url=f"{receiver.url}/hooks?desk=1", events=["report.published"]
    )
    document = _published_report(editor, workspace, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert request["path"] == "/hooks?desk=1"
    assert headers["content-type"] == "application/json"
    assert headers["host"] == f"127.0.0.1:{receiver.server.server_port}"
    assert verify(hook.secret, headers, request["body"])
    assert not verify(Webhook.new_secret(), headers, request["body"])
    assert not verify(hook.secret, headers, request["body"] + b" ")
    payload = json.loads(request["body"])
    assert payload["type"] == "report.published"
    assert payload["data"] == {
        "workspace": workspace.slug,
        "document": document.pk,
        "title": "Budget speech",
        "url": "http://127.0.0.1:8000/reports/budget-speech/",
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempt) == ("succeeded", 204, 1)
    assert headers["webhook-id"] == delivery.message_id
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60


@pytest.mark.django_db
def test_a_500_is_retried_when_the_backoff_says(receiver, django_capture_on_commit_callbacks):
    workspace, editor = _desk()
    hook = Webhook.create_by(editor, workspace, url=receiver.url, events=["report.published"])
    receiver.script = [(500, {})]
    _published_report(editor, workspace, django_capture_on_commit_callbacks)

    first, second = WebhookDelivery.objects.order_by("attempt")
    assert (first.status, first.response_code, first.attempt) == ("failed", 500, 1)
    assert first.error == "The endpoint answered 500."
    assert first.next_attempt_at == first.attempted_at + timedelta(minutes=1)
    assert (second.status, second.attempt, second.next_attempt_at) == (
        "pending",
        2,
        first.next_attempt_at,
    )
    assert webhooks.deliver_due(now=second.next_attempt_at - timedelta(seconds=1)) == 0
    assert len(receiver.requests) == 1

    assert webhooks.deliver_due(now=second.next_attempt_at) == 1
    second.refresh_from_db()
    assert (second.status, second.response_code, second.next_attempt_at) == ("succeeded", 204, None)
    retried = {k.lower(): v for k, v in receiver.requests[1]["headers"].items()}
    assert retried["webhook-id"] == first.message_id
    assert retried["webhook-timestamp"] == str(int(second.attempted_at.timestamp()))
    assert verify(hook.secret, retried, receiver.requests[1]["body"])
    assert receiver.requests[1]["body"] == receiver.requests[0]["body"]
    hook.refresh_from_db()
    assert (hook.active, hook.consecutive_failures) == (True, 0)


@pytest.mark.django_db
def test_retries_back_off_and_the_last_failure_counts_against_the_webhook(receiver):
    hook = WebhookFactory(url=receiver.url)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_1",
        event_type="claim.created",
        payload={},
        next_attempt_at=now,
    )
    receiver.script = [(500, {})] * 6
    waits = []
    for attempt in range(1, 7):
        webhooks.deliver(delivery.pk, now=now)
        delivery.refresh_from_db()
        assert (delivery.attempt, delivery.status) == (attempt, "failed")
        if delivery.next_attempt_at is None:
            break
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
        delivery = WebhookDelivery.objects.get(attempt=attempt + 1)
    assert waits == [timedelta(minutes=m) for m in (1, 5, 30, 120, 360)]
    assert WebhookDelivery.objects.count() == 6
    hook.refresh_from_db()
    assert (hook.consecutive_failures, hook.active) == (1, True)


@pytest.mark.django_db
def test_five_failed_events_in_a_row_disable_the_webhook_until_an_editor_enables_it(receiver):
    workspace, editor = _desk()
    hook = WebhookFactory(workspace=workspace, url=receiver.url, consecutive_failures=4)
    now = timezone.now()
    last = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_9",
        event_type="claim.created",
        payload={},
        attempt=6,
        next_attempt_at=now,
    )
    receiver.script = [(503, {})]
    webhooks.deliver(last.pk, now=now)
    hook.refresh_from_db()
    assert (hook.active, hook.consecutive_failures, hook.disabled_at) == (False, 5, now)
    assert hook.disabled_reason == "Disabled after 5 events in a row could not be delivered."

    waiting = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_10",
        event_type="claim.created",
        payload={},
        next_attempt_at=now,
    )
    webhooks.deliver(waiting.pk, now=now)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.error) == ("failed", "The webhook is disabled.")
    assert len(receiver.requests) == 1

    hook.update_by(editor, active=True)
    hook.refresh_from_db()
    assert (hook.active, hook.consecutive_failures, hook.disabled_at) == (True, 0, None)


@pytest.mark.django_db
def test_an_attempt_whose_worker_stopped_is_made_again(receiver):
    hook = WebhookFactory(url=receiver.url)
    now = timezone.now()
    cut_short = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_1",
        event_type="claim.created",
        payload={},
        next_attempt_at=now - timedelta(minutes=11),
        attempted_at=now - timedelta(minutes=11),
    )
    assert webhooks.deliver_due(now=now - timedelta(minutes=5)) == 0
    assert webhooks.deliver_due(now=now) == 1
    cut_short.refresh_from_db()
    assert (cut_short.status, cut_short.response_code, cut_short.attempted_at) == (
        "succeeded",
        204,
        now,
    )
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_redirect_to_a_private_address_is_a_failed_attempt_not_followed(receiver):
    hook = WebhookFactory(url=f"{receiver.url}/in")
    receiver.script = [(302, {"Location": f"{receiver.url}/inside"})]
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_1",
        event_type="claim.created",
        payload={},
        next_attempt_at=now,
    )
    webhooks.deliver(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == ("failed", 302)
    assert delivery.error == "The endpoint answered 302, a redirect, which is not followed."
    assert [r["path"] for r in receiver.requests] == ["/in"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "named"),
    [("10.1.2.3", "private"), ("169.254.169.254", "link-local"), ("127.0.0.1", "loopback")],
)
def test_a_name_resolving_to_a_refused_address_is_refused_at_creation(monkeypatch, address, named):
    workspace, editor = _desk()
    monkeypatch.setattr(outbound, "resolve", lambda host, port: [address])
    with pytest.raises(InvalidInput) as refused:
        Webhook.create_by(
            editor, workspace, url="https://hooks.example.org/", events=["claim.created"]
        )
    assert refused.value.field == "url"
    assert refused.value.message == (
        f"hooks.example.org resolves to {address} is a {named} address, which is refused."
    )
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_the_address_is_checked_again_at_delivery_and_nothing_is_sent(monkeypatch):
    workspace, editor = _desk()
    monkeypatch.setattr(outbound, "resolve", lambda host, port: [PUBLIC])
    hook = Webhook.create_by(
        editor, workspace, url="http://hooks.example.org/", events=["claim.created"]
    )
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["10.0.0.7"])

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused address was connected to")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_1",
        event_type="claim.created",
        payload={},
        next_attempt_at=now,
    )
    webhooks.deliver(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == ("failed", None)
    assert delivery.error == (
        "hooks.example.org resolves to 10.0.0.7 is a private address, which is refused."
    )


@pytest.mark.django_db
def test_the_resolved_address_is_the_one_connected_to(monkeypatch, receiver):
    # The name resolves (once) to the receiver's address; the Host header keeps the name.
    resolved = []

    def resolve(host, port):
        resolved.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(outbound, "resolve", resolve)
    port = receiver.server.server_port
    hook = WebhookFactory(url=f"http://hooks.example.org:{port}/x")
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        message_id="msg_1",
        event_type="claim.created",
        payload={},
        next_attempt_at=now,
    )
    webhooks.deliver(delivery.pk, now=now)
    assert resolved == ["hooks.example.org"]
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"hooks.example.org:{port}"


@pytest.mark.django_db
def test_the_local_receiver_is_refused_without_the_operators_allowance(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    workspace, editor = _desk()
    with pytest.raises(InvalidInput) as refused:
        Webhook.create_by(editor, workspace, url="http://127.0.0.1:8501/", events=["claim.created"])
    assert refused.value.message == (
        "127.0.0.1 resolves to 127.0.0.1 is a loopback address, which is refused."
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "240.0.0.1",
        "fc00::1",
        "fd12:3456::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "100.64.0.1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert outbound.refusal(address) is not None


@pytest.mark.parametrize("address", [PUBLIC, "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_are_allowed(address):
    assert outbound.refusal(address) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "The URL must start with http:// or https://."),
        ("ftp://hooks.example.org/", "The URL must start with http:// or https://."),
        ("", "Give the URL to send events to."),
        ("   ", "Give the URL to send events to."),
        ("http://", "The URL has no host."),
        ("http://hooks.example.org/\x00", "The URL may not contain spaces or control characters."),
        ("http://a b/", "The URL may not contain spaces or control characters."),
        ("https://user:pw@hooks.example.org/", "The URL may not carry a user name or password."),
        ("https://hooks.example.org/" + "a" * 2000, "The URL is longer than 2000 characters."),
        ("http://hooks.example.org:99999/", "The URL is not valid: Port out of range 0-65535."),
    ],
)
def test_bad_urls_are_refused_with_the_reason(url, message):
    with pytest.raises(outbound.Refused) as refused:
        outbound.parse(url)
    assert str(refused.value) == message


def _publish_through_the_workflow(workspace, editor, capture):
    annotator = member(workspace, Role.ANNOTATOR, username="blind-annotator")
    reviewer = member(workspace, Role.REVIEWER)
    document = DocumentFactory(workspace=workspace)
    with capture(execute=True):
        claim, _ = Claim.from_selection(document, 0, document.text.index(".") + 1, annotator)
        annotation = Annotation.start(
            claim,
            annotator,
            rating=workspace.rating_scale.ratings.get(label="False"),
            summary="The office says 5%.",
            note="Secret reasoning of a blind desk.",
        )
        annotation.submit(annotator)
        annotation.request_changes(reviewer, "Cite the table, please.")
        annotation.submit(annotator)
        annotation.approve(reviewer, "Private praise.")
        verdict = Verdict.publish(annotation, editor)
    return document, claim, annotation, verdict


@pytest.mark.django_db
def test_a_blind_desks_payloads_carry_nothing_beyond_the_public_report(
    queue_only, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(outbound, "resolve", lambda host, port: [PUBLIC])
    workspace, editor = _desk(blind=True)
    Webhook.create_by(
        editor, workspace, url="https://hooks.example.org/", events=Webhook.EventType.values
    )
    document, claim, annotation, verdict = _publish_through_the_workflow(
        workspace, editor, django_capture_on_commit_callbacks
    )
    sent = [d.payload for d in WebhookDelivery.objects.order_by("id")]
    ids = {"workspace": workspace.slug, "document": document.pk, "claim": claim.pk}
    ids["claim_number"] = claim.number
    work = {**ids, "annotation": annotation.pk}
    assert [(p["type"], p["data"]) for p in sent] == [
        ("claim.created", {**ids, "prior_verdict": None, "prior_reference": None}),
        ("annotation.submitted", work),
        ("annotation.changes_requested", work),
        ("annotation.submitted", work),
        ("annotation.approved", work),
        (
            "verdict.published",
            {
                **ids,
                "verdict": verdict.pk,
                "rating": "False",
                "summary": "The office says 5%.",
                "url": None,  # the report is not published
            },
        ),
    ]
    text = json.dumps(sent)
    for private in ("Secret reasoning", "blind-annotator", "Cite the table", "Private praise"):
        assert private not in text
    assert {d.status for d in WebhookDelivery.objects.all()} == {"pending"}


@pytest.mark.django_db
def test_corrections_retractions_and_the_reports_withdrawal_are_heard(
    queue_only, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(outbound, "resolve", lambda host, port: [PUBLIC])
    workspace, editor = _desk()
    document = DocumentFactory(workspace=workspace, title="Budget")
    document.publish_report(editor, slug="budget")
    claim = ClaimFactory(document=document)
    author, other = member(workspace), member(workspace)
    first = AnnotationFactory(claim=claim, author=author, status=Annotation.Status.APPROVED)
    second = AnnotationFactory(
        claim=claim, author=other, status=Annotation.Status.APPROVED, summary="Revised."
    )
    Verdict.publish(first, editor)
    Webhook.create_by(
        editor,
        workspace,
        url="https://hooks.example.org/",
        events=["verdict.corrected", "verdict.retracted", "report.withdrawn"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        corrected = Verdict.publish(second, editor, note="A newer figure.")
        corrected.retract(editor, "The source was withdrawn.")
        Comment.post(first, editor, "not heard")
    with django_capture_on_commit_callbacks(execute=True):
        document.withdraw_report(editor)
    sent = [(d.payload["type"], d.payload["data"]) for d in WebhookDelivery.objects.order_by("id")]
    ids = {"workspace": workspace.slug, "document": document.pk, "claim": claim.pk}
    ids["claim_number"] = claim.number
    url = f"http://127.0.0.1:8000/reports/budget/#claim-{claim.pk}"
    verdict = {**ids, "verdict": corrected.pk, "rating": "False", "summary": "Revised."}
    assert sent == [
        ("verdict.corrected", {**verdict, "url": url, "correction_note": "A newer figure."}),
        (
            "verdict.retracted",
            {**verdict, "url": url, "retraction_note": "The source was withdrawn."},
        ),
        (
            "report.withdrawn",
            {"workspace": workspace.slug, "document": document.pk, "title": "Budget", "url": None},
        ),
    ]


@pytest.mark.django_db
def test_a_hidden_annotations_review_is_not_heard(queue_only, django_capture_on_commit_callbacks):
    workspace, editor = _desk()
    hook = WebhookFactory(workspace=workspace, events=["annotation.approved"])
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=workspace)),
        author=member(workspace),
        status=Annotation.Status.SUBMITTED,
        hidden=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        annotation.approve(editor)
    assert not hook.deliveries.exists()


@pytest.mark.django_db
def test_events_of_other_desks_and_disabled_webhooks_are_not_heard(
    queue_only, django_capture_on_commit_callbacks
):
    workspace, editor = _desk()
    elsewhere = WebhookFactory()
    disabled = WebhookFactory(workspace=workspace, active=False)
    not_listening = WebhookFactory(workspace=workspace, events=["verdict.published"])
    _published_report(editor, workspace, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.filter(
        webhook__in=[elsewhere, disabled, not_listening]
    ).exists()
