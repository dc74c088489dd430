"""Creating workspaces through the API, under each WORKSPACE_CREATION setting, and
renaming them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.models import Membership, Role, Workspace
from annotations.permissions import can
from tests.api.conftest import client_for
from tests.factories import UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspaces/"


@pytest.mark.parametrize(
    ("policy", "plain", "staff"),
    [("any", True, True), ("staff", False, True), ("nobody", False, False)],
)
def test_who_may_create_a_workspace_is_the_setting(settings, policy, plain, staff):
    settings.WORKSPACE_CREATION = policy
    editor_elsewhere = member(WorkspaceFactory(), Role.EDITOR)
    assert can(UserFactory(), "workspace.create", None) is plain
    assert can(editor_elsewhere, "workspace.create", None) is plain
    assert can(UserFactory(is_staff=True), "workspace.create", None) is staff
    assert can(AnonymousUser(), "workspace.create", None) is False
    assert can(UserFactory(is_active=False, is_staff=True), "workspace.create", None) is False


@pytest.mark.parametrize("policy", ["any", "staff"])
def test_the_creator_becomes_the_editor_of_the_new_workspace(settings, policy):
    settings.WORKSPACE_CREATION = policy
    creator = UserFactory(is_staff=True)
    response = client_for(creator).post(
        URL, {"slug": "metro-desk", "name": "Metro desk", "blind": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["name"], body["blind"], body["role"]) == (
        "metro-desk",
        "Metro desk",
        True,
        "editor",
    )
    workspace = Workspace.objects.get(slug="metro-desk")
    assert list(workspace.memberships.values_list("user__username", "role")) == [
        (creator.username, "editor")
    ]
    # A new desk starts with the default rating scale.
    assert workspace.rating_scale.ratings.count() == 7


@pytest.mark.parametrize(
    ("policy", "staff", "expected"),
    [("any", False, 201), ("staff", False, 403), ("staff", True, 201), ("nobody", True, 403)],
)
def test_creation_under_each_setting(settings, policy, staff, expected):
    settings.WORKSPACE_CREATION = policy
    user = UserFactory(is_staff=staff)
    response = client_for(user).post(URL, {"slug": "new", "name": "New"}, format="json")
    assert response.status_code == expected
    assert Workspace.objects.filter(slug="new").exists() is (expected == 201)
    if expected == 403:
        assert response.json()["detail"] == (
            "Creating workspaces is not open to you on this server; ask its operator."
        )
        assert not Membership.objects.filter(user=user).exists()


def test_anonymous_creation_is_401(settings):
    settings.WORKSPACE_CREATION = "any"
    response = client_for(None).post(URL, {"slug": "new", "name": "New"}, format="json")
    assert response.status_code == 401
    assert not Workspace.objects.filter(slug="new").exists()


def test_a_taken_address_is_refused_naming_the_field(settings):
    settings.WORKSPACE_CREATION = "any"
    WorkspaceFactory(slug="taken", name="Theirs")
    response = client_for(UserFactory()).post(URL, {"slug": "taken", "name": "Mine"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"slug": ["Another workspace already has this address."]}
    assert Workspace.objects.get(slug="taken").name == "Theirs"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "", "name": "Desk"}, "slug"),
        ({"slug": "has space", "name": "Desk"}, "slug"),
        ({"slug": "a" * 51, "name": "Desk"}, "slug"),
        ({"slug": "ok", "name": ""}, "name"),
        ({"slug": "ok", "name": "x" * 201}, "name"),
        ({"slug": "ok", "name": "bad\x00name"}, "name"),
        ({"slug": "ok", "name": "Desk", "organisation_url": "javascript:alert(1)"}, None),
        ({"slug": "ok", "name": "Desk", "checkworthiness_threshold": 2}, None),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(settings, body, field):
    settings.WORKSPACE_CREATION = "any"
    response = client_for(UserFactory()).post(URL, body, format="json")
    assert response.status_code == 400
    if field:
        assert field in response.json()["errors"]
    assert not Workspace.objects.exists()


def test_html_in_the_name_is_kept_as_text(settings, client):
    settings.WORKSPACE_CREATION = "any"
    user = UserFactory()
    name = "<script>alert(1)</script> desk"
    response = client_for(user).post(URL, {"slug": "x", "name": name}, format="json")
    assert response.json()["name"] == name
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; desk" in page
    assert "<script>alert(1)" not in page


def test_an_editor_renames_the_workspace_and_changes_its_settings():
    workspace = WorkspaceFactory(slug="desk", name="Old name")
    editor = member(workspace, Role.EDITOR)
    response = client_for(editor).patch(
        f"{URL}desk/", {"name": "New name", "checkworthiness_threshold": 0.7}, format="json"
    )
    assert response.status_code == 200
    workspace.refresh_from_db()
    assert (workspace.name, workspace.checkworthiness_threshold) == ("New name", 0.7)


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_other_members_may_not_rename_it(role):
    workspace = WorkspaceFactory(slug="desk", name="Old name")
    response = client_for(member(workspace, role)).patch(
        f"{URL}desk/", {"name": "Mine now"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only editors can change the workspace's settings."
    workspace.refresh_from_db()
    assert workspace.name == "Old name"


def test_a_non_member_gets_404_when_renaming():
    WorkspaceFactory(slug="desk", name="Old name")
    response = client_for(UserFactory()).patch(f"{URL}desk/", {"name": "x"}, format="json")
    assert response.status_code == 404
