"""With PASSWORD_LOGIN off, no password gets a token or a session; personal tokens and
DRF's tokens keep working."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import PersonalToken, Role
from tests.factories import PASSWORD, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_off(settings):
    settings.PASSWORD_LOGIN = False
    settings.OIDC_ENABLED = True
    # The URL conf with the /oidc/ routes, as factcheck/urls.py has them when OIDC is on.
    settings.ROOT_URLCONF = "tests.identity_provider"
    settings.OIDC_PROVIDER_NAME = "Newsroom SSO"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "annotations.web.sign_in.OIDCBackend",
    ]
    # The backend reads these when it is made.
    settings.OIDC_RP_CLIENT_ID = "workbench"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://sso.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://sso.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://sso.example.org/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"


def test_the_token_endpoint_refuses_passwords_with_a_clear_message(password_off):
    user = member(WorkspaceFactory(), Role.EDITOR, username="pat")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "pat", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Password sign-in is switched off on this server, so no token is given for a "
        "password. Sign in with Newsroom SSO and create a personal API token on your "
        "account's API tokens page (/account/tokens/)."
    )
    assert not Token.objects.filter(user=user).exists()


def test_the_token_endpoint_gives_tokens_while_passwords_are_on():
    member(WorkspaceFactory(), Role.EDITOR, username="pat")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "pat", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_personal_and_drf_tokens_keep_working(password_off):
    user = member(WorkspaceFactory(slug="desk"), Role.EDITOR)
    _token, key = PersonalToken.issue(user, "script")
    old = Token.objects.create(user=user)
    for credential in (key, old.key):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {credential}")
        response = client.get("/api/v1/workspaces/")
        assert response.status_code == 200
        assert [w["slug"] for w in response.json()] == ["desk"]


def test_the_login_form_is_gone_and_a_posted_password_is_refused(client, password_off):
    user = member(WorkspaceFactory(), Role.EDITOR, username="pat")
    page = client.get(reverse("login")).content.decode()
    assert 'type="password"' not in page
    assert "Password sign-in is switched off on this server." in page
    response = client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert response.status_code == 403
    assert "Password sign-in is switched off on this server" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.last_login is None


def test_password_reset_is_off_too(client, password_off):
    member(WorkspaceFactory(), Role.EDITOR, email="pat@example.org")
    response = client.post(reverse("password_reset"), {"email": "pat@example.org"})
    assert response.status_code == 403
    from django.core import mail

    assert mail.outbox == []


def test_the_admin_login_sends_staff_to_single_sign_on(client, password_off):
    response = client.get("/admin/login/?next=/admin/annotations/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/annotations/"


def test_the_admin_login_is_djangos_while_passwords_are_on(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert 'type="password"' in response.content.decode()
