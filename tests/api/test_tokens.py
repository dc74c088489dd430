"""Personal API tokens: created, used, listed with their last use, and revoked; the
older one-per-user tokens keep working beside them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.api.authentication import _TOKENS
from annotations.models import PersonalToken, Role
from annotations.models.tokens import MAX_TOKENS_PER_USER
from tests.api.conftest import client_for
from tests.factories import UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/tokens/"


def _bearer(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_created_used_and_revoked():
    user = member(WorkspaceFactory(slug="desk"), Role.EDITOR)
    created = client_for(user).post(URL, {"name": "nightly import"}, format="json")
    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    body = created.json()
    key = body["token"]
    assert key.startswith("fcp_") and len(key) > 40
    assert body["name"] == "nightly import"
    assert body["hint"] == key[:8]
    assert body["last_used_at"] is None
    # Only a digest is stored.
    stored = PersonalToken.objects.get(pk=body["id"])
    assert key not in (stored.digest, stored.hint)

    used = _bearer(key).get("/api/v1/workspaces/")
    assert used.status_code == 200
    assert [w["slug"] for w in used.json()] == ["desk"]
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    listed = _bearer(key).get(URL).json()
    assert [(t["name"], t["last_used_at"] is not None) for t in listed] == [
        ("nightly import", True)
    ]
    assert "token" not in listed[0]

    revoked = client_for(user).delete(f"{URL}{body['id']}/")
    assert revoked.status_code == 204
    after = _bearer(key).get("/api/v1/workspaces/")
    assert after.status_code == 401
    assert after.json()["detail"] == "Invalid token."


def test_several_named_tokens_per_user_each_revoked_alone():
    user = UserFactory()
    first, first_key = PersonalToken.issue(user, "laptop")
    _second, second_key = PersonalToken.issue(user, "server")
    first.revoke()
    assert _bearer(first_key).get(URL).status_code == 401
    assert [t["name"] for t in _bearer(second_key).get(URL).json()] == ["server"]


def test_the_last_use_is_written_once_a_minute_not_on_every_request():
    token, key = PersonalToken.issue(UserFactory(), "script")
    _bearer(key).get(URL)
    token.refresh_from_db()
    first_use = token.last_used_at
    with CaptureQueriesContext(connection) as queries:
        _bearer(key).get(URL)
    assert not any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries)
    PersonalToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    _bearer(key).get(URL)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < timedelta(seconds=30)


def test_existing_drf_tokens_keep_working():
    user = member(WorkspaceFactory(slug="desk"), Role.ANNOTATOR)
    token = Token.objects.create(user=user)
    response = _bearer(token.key).get("/api/v1/workspaces/")
    assert response.status_code == 200
    assert [w["slug"] for w in response.json()] == ["desk"]


def test_a_token_of_an_inactive_user_is_refused():
    user = UserFactory()
    _token, key = PersonalToken.issue(user, "script")
    user.is_active = False
    user.save()
    response = _bearer(key).get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


def test_an_unknown_personal_key_is_refused():
    response = _bearer("fcp_" + "x" * 43).get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_someone_elses_token_is_not_found_and_stays():
    owner = UserFactory()
    token, key = PersonalToken.issue(owner, "theirs")
    other = client_for(UserFactory())
    assert other.get(URL).json() == []
    response = other.delete(f"{URL}{token.pk}/")
    assert response.status_code == 404
    assert _bearer(key).get(URL).status_code == 200


def test_anonymous_gets_401():
    assert client_for(None).get(URL).status_code == 401
    assert client_for(None).post(URL, {"name": "x"}, format="json").status_code == 401


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field may not be blank."),
        ("   ", "This field may not be blank."),
        ("x" * 101, "Ensure this field has no more than 100 characters."),
        ("nul\x00byte", "Null characters are not allowed."),
    ],
)
def test_bad_names_are_refused(name, message):
    user = UserFactory()
    response = client_for(user).post(URL, {"name": name}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == [message]
    assert not PersonalToken.objects.filter(user=user).exists()


def test_html_in_a_name_is_kept_as_text():
    user = UserFactory()
    name = "<img src=x onerror=alert(1)>"
    response = client_for(user).post(URL, {"name": name}, format="json")
    assert response.json()["name"] == name


def test_a_name_used_twice_is_refused():
    user = UserFactory()
    PersonalToken.issue(user, "laptop")
    response = client_for(user).post(URL, {"name": "laptop"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["You already have a token with this name."]}
    assert PersonalToken.objects.filter(user=user).count() == 1


def test_the_number_of_tokens_is_capped():
    user = UserFactory()
    for i in range(MAX_TOKENS_PER_USER):
        PersonalToken.issue(user, f"t{i}")
    response = client_for(user).post(URL, {"name": "one more"}, format="json")
    assert response.status_code == 400
    assert "revoke one you no longer use first" in response.json()["errors"]["name"][0]
    assert PersonalToken.objects.filter(user=user).count() == MAX_TOKENS_PER_USER


@pytest.mark.parametrize("n", [1, 20])
def test_the_token_list_takes_a_fixed_number_of_queries(n, django_assert_num_queries):
    user = UserFactory()
    for i in range(n):
        PersonalToken.issue(user, f"t{i}")
    client = client_for(user)
    # Queries: the DRF token with its user, the user's tokens.
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert len(response.json()) == n


def test_a_superuser_revokes_someones_token_in_the_admin(client):
    owner = UserFactory(username="leaver")
    token, key = PersonalToken.issue(owner, "laptop")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get("/admin/annotations/personaltoken/").content.decode()
    assert "laptop" in listing and token.hint in listing
    assert key not in listing
    response = client.post(f"/admin/annotations/personaltoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _bearer(key).get(URL).status_code == 401


def test_other_staff_see_no_tokens_in_the_admin(client):
    from django.contrib.auth.models import Permission

    PersonalToken.issue(UserFactory(), "theirs")
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_personaltoken"))
    client.force_login(staff)
    listing = client.get("/admin/annotations/personaltoken/").content.decode()
    assert "theirs" not in listing
    assert "0 personal tokens" in listing


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("kind", ["drf", "personal"])
def test_a_token_is_read_with_its_user_in_one_statement_as_the_orm_reads_them(kind):
    user = UserFactory(last_login=timezone.now() - timedelta(days=1))
    if kind == "drf":
        token = Token.objects.create(user=user)
        read = lambda: _TOKENS.get(token.key)  # noqa: E731
        orm = Token.objects.select_related("user").get(key=token.key)
    else:
        token, key = PersonalToken.issue(user, "script")
        read = lambda: PersonalToken.authenticate(key)  # noqa: E731
        orm = PersonalToken.objects.select_related("user").get(pk=token.pk)
    read()  # notes the personal token's first use
    if kind == "personal":
        orm.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        found = read()
    assert len(queries) == 1
    assert _fields(found) == _fields(orm) and _fields(found.user) == _fields(orm.user)
    assert found.user.last_login.tzinfo is not None and found.user.is_active is True
    assert not found._state.adding and not found.user._state.adding


def test_an_unknown_drf_key_and_an_inactive_users_drf_token_are_refused():
    user = UserFactory()
    token = Token.objects.create(user=user)
    unknown = _bearer("0" * 40).get(URL)
    assert unknown.status_code == 401 and unknown.json()["detail"] == "Invalid token."
    user.is_active = False
    user.save()
    inactive = _bearer(token.key).get(URL)
    assert inactive.status_code == 401
    assert inactive.json()["detail"] == "User inactive or deleted."
