"""The page that creates a workspace, under each WORKSPACE_CREATION setting."""

import pytest
from django.urls import reverse

from annotations.models import Workspace
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("policy", "staff", "allowed"),
    [("any", False, True), ("staff", False, False), ("staff", True, True), ("nobody", True, False)],
)
def test_home_offers_creation_only_to_those_the_setting_allows(
    client, settings, policy, staff, allowed
):
    settings.WORKSPACE_CREATION = policy
    client.force_login(UserFactory(is_staff=staff))
    home = client.get(reverse("home")).content.decode()
    assert (reverse("workspace_create") in home) is allowed
    page = client.get(reverse("workspace_create"))
    assert page.status_code == (200 if allowed else 403)
    response = client.post(reverse("workspace_create"), {"name": "Metro", "slug": "metro"})
    assert Workspace.objects.filter(slug="metro").exists() is allowed
    if allowed:
        assert response["Location"] == reverse("workspace_settings", args=["metro"])
    else:
        assert response.status_code == 403
        assert "Creating workspaces is not open to you" in response.content.decode()


def test_the_creator_lands_on_the_settings_of_the_desk_they_edit(client, settings):
    settings.WORKSPACE_CREATION = "any"
    client.force_login(UserFactory())
    response = client.post(reverse("workspace_create"), {"name": "Metro", "slug": "metro"})
    settings_page = client.get(response["Location"])
    assert settings_page.status_code == 200
    assert "Created Metro. You are its editor." in settings_page.content.decode()


def test_a_taken_address_is_shown_on_the_form(client, settings):
    settings.WORKSPACE_CREATION = "any"
    Workspace.objects.create(slug="metro", name="Theirs")
    client.force_login(UserFactory())
    response = client.post(reverse("workspace_create"), {"name": "Mine", "slug": "metro"})
    assert response.status_code == 200
    assert "Another workspace already has this address." in response.content.decode()
    assert Workspace.objects.get(slug="metro").name == "Theirs"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("workspace_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
