"""Signing in with OpenID Connect against a real provider (django-oidc-provider, served
by the live test server at /openid/), and switching password sign-in off.

The browser side is a `requests` session over HTTP; mozilla-django-oidc, inside the
server, calls the provider's token, JWKS and userinfo endpoints over HTTP too.
"""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client

from annotations.models import Membership, Role
from tests import identity_provider
from tests.factories import UserFactory, WorkspaceFactory, member

CLIENT_ID, CLIENT_SECRET = "workbench", "test-client-secret"
BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "annotations.web.sign_in.OIDCBackend",
]


@pytest.fixture
def provider(live_server, settings, transactional_db):
    """The provider's signing key and its registered client (the workbench), and the
    workbench's OIDC settings pointing at it."""
    from oidc_provider.models import Client as ProviderClient
    from oidc_provider.models import ResponseType, RSAKey

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    RSAKey.objects.create(
        key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()
    )
    code, _ = ResponseType.objects.get_or_create(
        value="code", defaults={"description": "code (Authorization Code Flow)"}
    )
    client = ProviderClient.objects.create(
        name="Fact-checking workbench",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=f"{live_server.url}/oidc/callback/",
        _post_logout_redirect_uris=f"{live_server.url}/login/",
        _scope="openid email profile",
    )
    client.response_types.add(code)
    base = f"{live_server.url}/openid"
    settings.ROOT_URLCONF = "tests.identity_provider"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks/"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_CREATE_USER = True
    settings.OIDC_PROVIDER_NAME = "Newsroom SSO"
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    identity_provider.PEOPLE.clear()
    yield live_server
    identity_provider.PEOPLE.clear()


def _sign_in(live_server, provider_username, **person):
    """Sign in to the provider as `provider_username`, then through the workbench's
    /oidc/authenticate/: the redirect to the provider, the code back to the callback.
    Returns the browser session and the callback's redirect."""
    identity_provider.PEOPLE[provider_username] = person
    provider_account = UserFactory(username=provider_username, email="")
    browser_side = Client()
    browser_side.force_login(provider_account)
    browser = requests.Session()
    browser.cookies.set("sessionid", browser_side.cookies["sessionid"].value)

    start = browser.get(f"{live_server.url}/oidc/authenticate/", allow_redirects=False, timeout=30)
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{live_server.url}/openid/authorize/")
    query = parse_qs(urlparse(authorize).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]

    granted = browser.get(authorize, allow_redirects=False, timeout=30)
    assert granted.status_code == 302
    callback = granted.headers["Location"]
    assert callback.startswith(f"{live_server.url}/oidc/callback/?code=")

    done = browser.get(callback, allow_redirects=False, timeout=30)
    assert done.status_code == 302
    return browser, done.headers["Location"]


def _signed_in_as(browser, live_server) -> str | None:
    page = browser.get(f"{live_server.url}/", allow_redirects=False, timeout=30)
    if page.status_code != 200:
        return None
    marker = '<span class="who">'
    text = page.text
    return text[text.index(marker) + len(marker) :].split("<", 1)[0]


def test_a_new_person_signs_in_gets_an_account_and_the_role_from_the_claim(provider):
    demo = WorkspaceFactory(slug="demo", name="Demo desk")
    WorkspaceFactory(slug="metro", name="Metro")
    browser, landed = _sign_in(
        provider,
        "idp-nadia",
        email="Nadia@Example.org",
        email_verified=True,
        preferred_username="nadia",
        factcheck_roles=["demo:editor", "metro:chief", "nowhere:editor", 42],
    )
    assert landed == "/"
    user = get_user_model().objects.get(email__iexact="nadia@example.org")
    assert user.username == "nadia"
    assert not user.has_usable_password()
    # Only the well-formed entry naming an existing desk becomes a membership.
    assert list(Membership.objects.filter(user=user).values_list("workspace__slug", "role")) == [
        ("demo", "editor")
    ]
    assert _signed_in_as(browser, provider) == "nadia"
    home = browser.get(f"{provider.url}/", timeout=30).text
    assert f'href="/w/{demo.slug}/"' in home


def test_an_existing_account_is_matched_by_verified_email_and_its_role_changed(provider):
    workspace = WorkspaceFactory(slug="demo")
    member(workspace, Role.EDITOR)  # someone else stays editor
    existing = member(workspace, Role.ANNOTATOR, username="ann", email="ann@example.org")
    users_before = get_user_model().objects.count()
    browser, landed = _sign_in(
        provider,
        "idp-ann",
        email="ANN@example.org",
        email_verified=True,
        factcheck_roles=["demo:reviewer"],
    )
    assert landed == "/"
    assert _signed_in_as(browser, provider) == "ann"
    # The provider account made in _sign_in is the only new row.
    assert get_user_model().objects.count() == users_before + 1
    assert Membership.objects.get(user=existing, workspace=workspace).role == Role.REVIEWER


def test_the_claim_never_demotes_a_desks_last_editor(provider):
    workspace = WorkspaceFactory(slug="demo")
    editor = member(workspace, Role.EDITOR, username="eve", email="eve@example.org")
    _sign_in(
        provider,
        "idp-eve",
        email="eve@example.org",
        email_verified=True,
        factcheck_roles=["demo:annotator"],
    )
    assert Membership.objects.get(user=editor, workspace=workspace).role == Role.EDITOR


def test_an_unverified_email_is_refused(provider):
    member(WorkspaceFactory(slug="demo"), Role.EDITOR, username="mo", email="mo@example.org")
    browser, landed = _sign_in(
        provider,
        "idp-mo",
        email="mo@example.org",
        email_verified=False,
        factcheck_roles=["demo:editor"],
    )
    assert landed == "/login/?signin=failed"
    # Still signed in as the provider's own account only (the provider shares this test
    # site and its session): the workbench signed nobody in as mo.
    assert _signed_in_as(browser, provider) == "idp-mo"
    # What someone who is not signed in anywhere sees there:
    page = requests.get(f"{provider.url}{landed}", timeout=30).text
    assert "Signing in with Newsroom SSO did not succeed." in page
    # Nor is an account made for an unverified address.
    _browser, landed = _sign_in(provider, "idp-new", email="new@example.org")
    assert landed == "/login/?signin=failed"
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_no_account_is_made_when_the_operator_does_not_allow_it(provider, settings):
    settings.OIDC_CREATE_USER = False
    browser, landed = _sign_in(provider, "idp-zoe", email="zoe@example.org", email_verified=True)
    assert landed == "/login/?signin=failed"
    assert not get_user_model().objects.filter(email="zoe@example.org").exists()
    assert _signed_in_as(browser, provider) == "idp-zoe"


def test_with_password_sign_in_off_only_the_provider_signs_in(provider, settings):
    settings.PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = [b for b in BACKENDS if not b.endswith("ModelBackend")]
    member(WorkspaceFactory(slug="demo"), Role.ANNOTATOR, username="pat", email="pat@example.org")
    login = requests.get(f"{provider.url}/login/", timeout=30).text
    assert "Sign in with Newsroom SSO" in login
    assert 'type="password"' not in login
    browser, landed = _sign_in(provider, "idp-pat", email="pat@example.org", email_verified=True)
    assert landed == "/"
    assert _signed_in_as(browser, provider) == "pat"


def _end_session_configured(settings, live_server):
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{live_server.url}/openid/end-session/"
    settings.OIDC_STORE_ID_TOKEN = True
    settings.OIDC_OP_LOGOUT_URL_METHOD = "annotations.web.sign_in.provider_logout_url"
    settings.SITE_URL = live_server.url


def _sign_out(browser, live_server):
    browser.get(f"{live_server.url}/", timeout=30)  # the page's form sets the CSRF cookie
    token = browser.cookies["csrftoken"]
    return browser.post(
        f"{live_server.url}/logout/",
        headers={"X-CSRFToken": token},
        allow_redirects=False,
        timeout=30,
    )


def test_signing_out_ends_the_providers_session_too(provider, settings):
    _end_session_configured(settings, provider)
    browser, _ = _sign_in(
        provider,
        "idp-olga",
        email="olga@example.org",
        email_verified=True,
        preferred_username="olga",
    )
    assert _signed_in_as(browser, provider) == "olga"
    out = _sign_out(browser, provider)
    assert out.status_code == 302
    endpoint, query = out.headers["Location"].split("?", 1)
    assert endpoint == f"{provider.url}/openid/end-session/"
    params = parse_qs(query)
    assert sorted(params) == ["client_id", "id_token_hint", "post_logout_redirect_uri"]
    assert params["client_id"] == [CLIENT_ID]
    assert params["post_logout_redirect_uri"] == [f"{provider.url}/login/"]
    assert _signed_in_as(browser, provider) is None
    # The provider knows the ID token and the address: it ends its session and sends the
    # browser back to the login page (an unknown one would stop at its prompt).
    ended = browser.get(out.headers["Location"], allow_redirects=False, timeout=30)
    assert ended.status_code == 302
    assert ended.headers["Location"] == f"{provider.url}/login/"


def test_a_password_sign_in_signs_out_here_only(provider, settings):
    _end_session_configured(settings, provider)
    client = Client()
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/").status_code == 302


def test_without_an_end_session_endpoint_signing_out_stays_here(provider):
    browser, _ = _sign_in(
        provider,
        "idp-paul",
        email="paul@example.org",
        email_verified=True,
        preferred_username="paul",
    )
    out = _sign_out(browser, provider)
    assert (out.status_code, out.headers["Location"]) == (302, "/login/")
    assert _signed_in_as(browser, provider) is None
