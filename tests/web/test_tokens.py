"""The page of personal API tokens."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.models import PersonalToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_made_on_the_page_is_shown_once_and_works(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("tokens"), {"name": "newsroom script"})
    assert response.status_code == 200
    token = PersonalToken.objects.get(user=user)
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/auth/tokens/").status_code == 200
    page = client.get(reverse("tokens")).content.decode()
    assert key not in page
    assert "newsroom script" in page and token.hint in page


def test_revoking_on_the_page_stops_the_token(client):
    user = UserFactory()
    token, key = PersonalToken.issue(user, "old")
    client.force_login(user)
    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response["Location"] == reverse("tokens")
    assert not PersonalToken.objects.filter(pk=token.pk).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/auth/tokens/").status_code == 401


def test_someone_elses_token_cannot_be_revoked(client):
    token, _key = PersonalToken.issue(UserFactory(), "theirs")
    client.force_login(UserFactory())
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert PersonalToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the token a name."),
        ("x" * 101, "Use a name of at most 100 characters."),
        ("a\x00b", "A name cannot contain NUL characters."),
    ],
)
def test_bad_names_are_refused_on_the_page(client, name, message):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("tokens"), {"name": name})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PersonalToken.objects.filter(user=user).exists()


def test_html_in_a_name_is_escaped(client):
    user = UserFactory()
    PersonalToken.issue(user, "<script>alert(1)</script>")
    client.force_login(user)
    page = client.get(reverse("tokens")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize("n", [1, 20])
def test_the_token_page_takes_a_fixed_number_of_queries(client, n, django_assert_num_queries):
    user = UserFactory()
    for i in range(n):
        PersonalToken.issue(user, f"t{i}")
    client.force_login(user)
    # Queries: session, user, the tokens, and for the unread count of the page's header
    # the memberships and the count.
    with django_assert_num_queries(5):
        client.get(reverse("tokens"))
