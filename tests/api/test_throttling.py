"""Throttles count per client address in the shared `throttle` cache; X-Forwarded-For
picks the address only behind a configured proxy."""

import importlib

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import get_resolver, reverse

from annotations.api.throttling import AnonThrottle, TokenThrottle, UserThrottle, throttle_cache
from tests.api.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
CACHE_TABLES = importlib.import_module("annotations.migrations.0019_create_cache_tables")
UNLOGGED = importlib.import_module("annotations.migrations.0035_unlogged_cache_tables")


@pytest.fixture
def token_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "token": "10/min"},
    }


def _wrong_password(client, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        TOKEN, {"username": "nobody", "password": "wrong"}, format="json", **headers
    ).status_code


def test_a_new_x_forwarded_for_on_each_request_does_not_reset_the_token_limit(token_rate):
    client = client_for(None)
    codes = [_wrong_password(client, f"198.51.100.{i}") for i in range(11)]
    assert codes == [400] * 10 + [429]
    # Counted under the address the connection came from.
    assert len(caches["throttle"].get("throttle_token_127.0.0.1")) == 10


def test_behind_one_proxy_the_client_is_the_address_in_x_forwarded_for(token_rate, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = client_for(None)
    # The proxy appends the address it saw; what the client wrote before it is ignored.
    codes = [_wrong_password(client, f"10.0.0.{i}, 203.0.113.7") for i in range(11)]
    assert codes == [400] * 10 + [429]
    assert _wrong_password(client, "203.0.113.8") == 400
    assert len(caches["throttle"].get("throttle_token_203.0.113.7")) == 10
    assert caches["throttle"].get("throttle_token_127.0.0.1") is None


def test_throttles_count_in_the_throttle_cache_not_the_page_cache(token_rate):
    _wrong_password(client_for(None))
    assert len(caches["throttle"].get("throttle_token_127.0.0.1")) == 1
    assert caches["default"].get("throttle_token_127.0.0.1") is None


def test_every_api_view_throttles_with_the_throttle_cache():
    from rest_framework.settings import api_settings

    default_classes = api_settings.DEFAULT_THROTTLE_CLASSES
    assert default_classes == [AnonThrottle, UserThrottle]
    views = [
        getattr(pattern.callback, "cls", None)
        for pattern in get_resolver("annotations.api.urls").url_patterns
    ]
    throttles = {t for view in views if view for t in view.throttle_classes}
    assert TokenThrottle in throttles
    assert throttles <= {AnonThrottle, UserThrottle, TokenThrottle}
    assert all(t.cache is throttle_cache for t in throttles)


def _table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


class _SchemaEditor:
    connection = connection


def test_the_migration_creates_the_database_cache_tables_once(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "annotations.cache.DatabaseCache",
            "LOCATION": "test_throttle_counters",
        },
    }
    assert not _table_exists("test_throttle_counters")
    CACHE_TABLES.create_cache_tables(None, _SchemaEditor())
    assert _table_exists("test_throttle_counters")
    caches["throttle"].set("k", [1])
    CACHE_TABLES.create_cache_tables(None, _SchemaEditor())  # already there: left as it is
    assert caches["throttle"].get("k") == [1]


def test_on_postgresql_the_cache_tables_are_unlogged(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "annotations.cache.DatabaseCache",
            "LOCATION": "test_throttle_counters",
        },
    }
    CACHE_TABLES.create_cache_tables(None, _SchemaEditor())
    UNLOGGED.unlog_cache_tables(None, connection.schema_editor())
    UNLOGGED.unlog_cache_tables(None, connection.schema_editor())  # unlogged already
    caches["throttle"].set("k", [1])
    assert caches["throttle"].get("k") == [1]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpersistence FROM pg_class WHERE relname = 'test_throttle_counters'"
            )
            assert cursor.fetchone() == ("u",)


def test_the_token_limit_holds_with_counters_in_the_database_table(token_rate, settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "annotations.cache.DatabaseCache",
            "LOCATION": "test_throttle_counters",
        },
    }
    CACHE_TABLES.create_cache_tables(None, _SchemaEditor())
    client = client_for(None)
    codes = [_wrong_password(client, f"198.51.100.{i}") for i in range(11)]
    assert codes == [400] * 10 + [429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM test_throttle_counters")
        assert [key for (key,) in cursor.fetchall()] == [":1:throttle_token_127.0.0.1"]


def test_login_lock_ignores_x_forwarded_for_without_a_proxy(client, settings):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    for i in range(3):
        response = client.post(
            reverse("login"),
            {"username": user.username, "password": "no"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    assert response.status_code == 429
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_login_lock_counts_the_forwarded_address_behind_a_proxy(client, settings):
    from axes.models import AccessAttempt

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    user = UserFactory()
    client.post(
        reverse("login"),
        {"username": user.username, "password": "no"},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
