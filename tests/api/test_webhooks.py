"""/api/v1/workspaces/{slug}/webhooks/: editors manage a desk's webhooks and read their
delivery log; everyone else is refused."""

import pytest
from django.utils import timezone

from annotations import outbound
from annotations.models import Role, Webhook, WebhookDelivery
from tests.api.conftest import client_for
from tests.factories import WebhookFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspaces/desk/webhooks/"
PUBLIC = "93.184.216.34"


@pytest.fixture(autouse=True)
def _public_dns(monkeypatch):
    # hooks.example.org resolves to a public address; tests that need another say so.
    monkeypatch.setattr(outbound, "resolve", lambda host, port: [PUBLIC])


@pytest.fixture
def desk():
    workspace = WorkspaceFactory(slug="desk")
    roles = {role: member(workspace, role) for role in Role.values}
    outsider = member(WorkspaceFactory(slug="elsewhere"), Role.EDITOR)
    return workspace, roles, outsider


def _create(client, **body):
    body = {"url": "https://hooks.example.org/in", "events": ["verdict.published"]} | body
    return client.post(URL, body, format="json")


def test_an_editor_adds_a_webhook_and_sees_its_secret_once(desk):
    workspace, roles, _ = desk
    client = client_for(roles[Role.EDITOR])
    created = _create(client, events=["report.published", "verdict.published"])
    assert created.status_code == 201, created.json()
    body = created.json()
    hook = Webhook.objects.get()
    assert body["secret"] == hook.secret and hook.secret.startswith("whsec_")
    assert body["events"] == ["verdict.published", "report.published"]
    assert (body["url"], body["active"]) == ("https://hooks.example.org/in", True)
    listed = client.get(URL).json()
    assert [row["id"] for row in listed] == [hook.pk]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"{URL}{hook.pk}/").json()


def test_rotating_gives_a_new_secret(desk):
    workspace, roles, _ = desk
    hook = WebhookFactory(workspace=workspace)
    old = hook.secret
    answer = client_for(roles[Role.EDITOR]).post(f"{URL}{hook.pk}/rotate-secret/")
    assert answer.status_code == 200
    hook.refresh_from_db()
    assert answer.json() == {"secret": hook.secret} and hook.secret != old


def test_an_editor_enables_a_disabled_webhook_again_and_removes_one(desk):
    workspace, roles, _ = desk
    hook = WebhookFactory(
        workspace=workspace,
        active=False,
        disabled_at=timezone.now(),
        disabled_reason="Disabled after 5 events in a row could not be delivered.",
        consecutive_failures=5,
    )
    client = client_for(roles[Role.EDITOR])
    shown = client.get(f"{URL}{hook.pk}/").json()
    assert (shown["active"], shown["consecutive_failures"]) == (False, 5)
    assert shown["disabled_reason"] == hook.disabled_reason
    answer = client.patch(f"{URL}{hook.pk}/", {"active": True}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["active"], answer.json()["disabled_at"]) == (True, None)
    assert client.delete(f"{URL}{hook.pk}/").status_code == 204
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_annotators_and_reviewers_are_refused_with_403(desk, role):
    workspace, roles, _ = desk
    hook = WebhookFactory(workspace=workspace)
    client = client_for(roles[role])
    for answer in (
        client.get(URL),
        _create(client),
        client.get(f"{URL}{hook.pk}/"),
        client.get(f"{URL}{hook.pk}/deliveries/"),
        client.post(f"{URL}{hook.pk}/rotate-secret/"),
        client.patch(f"{URL}{hook.pk}/", {"active": False}, format="json"),
        client.delete(f"{URL}{hook.pk}/"),
    ):
        assert answer.status_code == 403
        assert answer.json()["detail"] == "Only editors can manage webhooks."
    assert Webhook.objects.get().secret == hook.secret


def test_non_members_get_404_and_anonymous_401(desk):
    workspace, _, outsider = desk
    hook = WebhookFactory(workspace=workspace)
    client = client_for(outsider)
    assert client.get(URL).status_code == 404
    assert _create(client).status_code == 404
    assert client.get(f"{URL}{hook.pk}/deliveries/").status_code == 404
    assert client.post(f"{URL}{hook.pk}/rotate-secret/").status_code == 404
    assert client_for(None).get(URL).status_code == 401


def test_another_desks_webhook_is_not_found(desk):
    _, roles, _ = desk
    theirs = WebhookFactory(workspace=WorkspaceFactory())
    client = client_for(roles[Role.EDITOR])
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.delete(f"{URL}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "javascript:alert(1)"}, "url", "The URL must start with http:// or https://."),
        ({"url": ""}, "url", "This field may not be blank."),
        ({"url": "https://x.example.org/" + "a" * 3000}, "url", None),
        ({"url": "https://hooks.example.org/\x00"}, "url", "Null characters are not allowed."),
        ({"url": "https://hooks.example.org/<script>"}, None, None),
        ({"events": []}, "events", "This list may not be empty."),
        ({"events": ["claim.deleted"]}, "events", None),
        ({"events": "verdict.published"}, "events", None),
    ],
)
def test_bad_input_gets_a_clear_400_and_stores_nothing(desk, body, field, message):
    _, roles, _ = desk
    answer = _create(client_for(roles[Role.EDITOR]), **body)
    if field is None:  # markup in a URL path is only text: accepted, never rendered raw
        assert answer.status_code == 201
        return
    assert answer.status_code == 400, answer.json()
    errors = answer.json()["errors"]
    assert list(errors) == [field]
    if message:
        assert message in errors[field][0] or errors[field] == [message]
    assert not Webhook.objects.exists()


def test_a_url_resolving_to_a_private_address_is_refused(desk, monkeypatch):
    _, roles, _ = desk
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["169.254.169.254"])
    answer = _create(client_for(roles[Role.EDITOR]))
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "url": [
            "hooks.example.org resolves to 169.254.169.254 is a link-local address, "
            "which is refused."
        ]
    }


def _deliveries(hook, n):
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            webhook=hook,
            message_id=f"msg_{i}",
            event_type="verdict.published",
            payload={"type": "verdict.published", "data": {"verdict": i}},
            status="failed" if i % 2 else "succeeded",
            response_code=500 if i % 2 else 200,
            attempted_at=timezone.now(),
        )
        for i in range(n)
    )


def test_the_delivery_log_shows_each_attempt_newest_first(desk):
    workspace, roles, _ = desk
    hook = WebhookFactory(workspace=workspace)
    _deliveries(hook, 3)
    _deliveries(WebhookFactory(workspace=workspace), 2)  # another webhook's
    rows = client_for(roles[Role.EDITOR]).get(f"{URL}{hook.pk}/deliveries/").json()["results"]
    assert [(r["message_id"], r["status"], r["response_code"]) for r in rows] == [
        ("msg_2", "succeeded", 200),
        ("msg_1", "failed", 500),
        ("msg_0", "succeeded", 200),
    ]


@pytest.mark.parametrize("rows", [1, 12])
def test_the_webhook_list_takes_a_fixed_number_of_queries(desk, rows, django_assert_num_queries):
    workspace, roles, _ = desk
    for _ in range(rows):
        WebhookFactory(workspace=workspace)
    client = client_for(roles[Role.EDITOR])
    # token and user, the workspace, the member's roles, the webhooks
    with django_assert_num_queries(4):
        assert len(client.get(URL).json()) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_the_delivery_log_takes_a_fixed_number_of_queries(desk, rows, django_assert_num_queries):
    workspace, roles, _ = desk
    hook = WebhookFactory(workspace=workspace)
    _deliveries(hook, rows)
    client = client_for(roles[Role.EDITOR])
    # token and user, the workspace, the member's roles, the webhook, the page
    with django_assert_num_queries(5):
        assert len(client.get(f"{URL}{hook.pk}/deliveries/").json()["results"]) == rows


def test_the_schema_describes_the_webhooks(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/workspaces/{workspace_slug}/webhooks/"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/workspaces/{workspace_slug}/webhooks/{id}/rotate-secret/"]
    assert "get" in paths["/api/v1/workspaces/{workspace_slug}/webhooks/{id}/deliveries/"]
    created = schema["components"]["schemas"]["WebhookCreated"]
    assert "secret" in created["properties"]
