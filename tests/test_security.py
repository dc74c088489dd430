"""Headers, cookies, login throttling, size limits and faults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_pages_carry_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_api_responses_carry_security_headers(client):
    response = client.get("/api/v1/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


def test_session_and_csrf_cookies_are_httponly_and_secure_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = UserFactory()
    page = client.get(reverse("login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] is True and csrf["secure"] is True and csrf["samesite"] == "Lax"
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] is True and session["secure"] is True


def test_production_settings_turn_on_https_everything():
    """With DEBUG off and nothing else said, HTTPS redirect, secure cookies and HSTS are on."""
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SECURE_SSL", "DEBUG")}
    env.update(SECRET_KEY="x", DJANGO_SETTINGS_MODULE="factcheck.settings")
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split()
    assert out == ["True", "True", "True", "31536000"]


def test_login_locks_after_the_configured_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": user.username, "password": "no"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_oversized_request_answers_413_with_a_message(client, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    settings.MAX_REQUEST_BYTES = 2000
    response = client.post(
        reverse("login"), data="x" * 5000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "uploads are limited to 1,000 bytes" in response.content.decode()
    api = client.post("/api/v1/documents/", data="x" * 5000, content_type="application/json")
    assert api.status_code == 413
    assert api.json()["code"] == "too_large"


def _run_with_unreachable_database(path, method="get"):
    """A fresh process whose DATABASE_URL points at a closed port."""
    data = "{'username': 'erin', 'password': 'x'}" if method == "post" else "{}"
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        f"r = Client(raise_request_exception=False).{method}({path!r}, {data});"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "SECURE_SSL": "0",
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    status, _, body = result.stdout.partition("\n")
    return int(status), body


def test_healthz_answers_503_when_the_database_is_unreachable():
    status, body = _run_with_unreachable_database("/healthz")
    assert status == 503
    assert '"database": "unreachable"' in body


def test_pages_answer_503_without_a_stack_trace_when_the_database_is_down():
    status, body = _run_with_unreachable_database("/login/", method="post")
    assert status == 503
    assert "cannot reach its database" in body
    assert "Traceback" not in body
