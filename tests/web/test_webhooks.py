"""The webhooks on the workspace settings page: editors add, disable, enable again,
rotate and remove them, and read the latest attempts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations import outbound
from annotations.models import IngestToken, Role, Webhook, WebhookDelivery
from tests.factories import UserFactory, WebhookFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_dns(monkeypatch):
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["93.184.216.34"])


@pytest.fixture
def desk(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    return workspace, reverse("workspace_settings", args=[workspace.slug])


def test_an_editor_adds_a_webhook_and_the_secret_is_shown_once(client, desk):
    workspace, url = desk
    page = client.post(
        url,
        {"form": "webhook_add", "url": "https://hooks.example.org/in", "events": ["claim.created"]},
    )
    assert page.status_code == 200
    hook = Webhook.objects.get()
    assert (hook.url, hook.events, hook.created_by) == (
        "https://hooks.example.org/in",
        ["claim.created"],
        page.wsgi_request.user,
    )
    assert hook.secret in page.content.decode()
    again = client.get(url).content.decode()
    assert "https://hooks.example.org/in" in again and hook.secret not in again


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)", "The URL must start with http:// or https://."),
        ("", "Give the URL to send events to."),
        ("https://hooks.example.org/\x00", "The URL may not contain spaces or control characters."),
        ("https://hooks.example.org/" + "a" * 3000, "The URL is longer than 2000 characters."),
    ],
)
def test_a_refused_url_is_a_400_naming_why_and_keeps_what_was_typed(client, desk, value, message):
    _, url = desk
    page = client.post(url, {"form": "webhook_add", "url": value, "events": ["claim.created"]})
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not Webhook.objects.exists()


def test_no_event_chosen_is_refused(client, desk):
    _, url = desk
    page = client.post(url, {"form": "webhook_add", "url": "https://hooks.example.org/"})
    assert page.status_code == 400
    assert "Choose at least one event." in page.content.decode()


def test_an_editor_disables_enables_rotates_and_removes(client, desk):
    workspace, url = desk
    hook = WebhookFactory(workspace=workspace)
    old = hook.secret

    def change(what):
        return client.post(url, {"form": "webhook", "webhook": hook.pk, "change": what})

    assert change("disable").status_code == 302
    hook.refresh_from_db()
    assert hook.active is False
    assert "Disabled" in client.get(url).content.decode()
    assert change("enable").status_code == 302
    hook.refresh_from_db()
    assert (hook.active, hook.disabled_at) == (True, None)
    rotated = change("rotate")
    hook.refresh_from_db()
    assert hook.secret != old and hook.secret in rotated.content.decode()
    assert change("nonsense").status_code == 400
    assert change("delete").status_code == 302
    assert not Webhook.objects.exists()


def test_another_desks_webhook_cannot_be_changed(client, desk):
    _, url = desk
    theirs = WebhookFactory()
    answer = client.post(url, {"form": "webhook", "webhook": theirs.pk, "change": "delete"})
    assert answer.status_code == 404
    assert Webhook.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_others_cannot_manage_webhooks(client, role):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, role))
    url = reverse("workspace_settings", args=[workspace.slug])
    form = {"form": "webhook_add", "url": "https://hooks.example.org/", "events": ["claim.created"]}
    assert client.post(url, form).status_code == 403
    client.force_login(UserFactory())
    assert client.post(url, form).status_code == 404
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("rows", [1, 8])
def test_the_settings_page_takes_a_fixed_number_of_queries(
    client, desk, rows, django_assert_num_queries
):
    workspace, url = desk
    for i in range(rows):
        hook = WebhookFactory(workspace=workspace)
        WebhookDelivery.objects.create(
            webhook=hook,
            message_id=f"msg_{i}",
            event_type="claim.created",
            payload={},
            status="failed",
            response_code=500,
            error="The endpoint answered 500.",
            attempted_at=timezone.now(),
        )
        IngestToken.issue(workspace, f"Transcriber {i}", None)
    client.get(url)  # warm the caches of the page's other parts
    # session, user, workspace, roles, scale, the webhooks, the latest attempts with
    # their webhook, the header's unread notices, members, ratings, the ingest tokens
    # with their makers
    with django_assert_num_queries(11) as captured:
        page = client.get(url).content.decode()
    assert page.count("The endpoint answered 500.") == rows
    assert page.count('name="form" value="ingest_revoke"') == rows
    assert sum("webhook" in q["sql"] for q in captured.captured_queries) == 2
