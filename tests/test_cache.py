"""The database cache's one-statement `set`: it stores, overwrites and expires as Django's
does, and culls above MAX_ENTRIES on one write in CULL_EVERY."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import cache as cache_module

pytestmark = pytest.mark.django_db

TABLE = "test_cache_entries"


@pytest.fixture
def table_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "entries": {
            "BACKEND": "annotations.cache.DatabaseCache",
            "LOCATION": TABLE,
            "OPTIONS": {"MAX_ENTRIES": 9, "CULL_FREQUENCY": 3},
        },
    }
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    cache = caches["entries"]
    yield cache
    cache.clear()


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def test_set_stores_overwrites_and_expires(table_cache):
    table_cache.set("history", [1.5, 2.5], 60)
    assert table_cache.get("history") == [1.5, 2.5]
    table_cache.set("history", [3.5], 60)
    assert table_cache.get("history") == [3.5]
    table_cache.set("gone", "x", -1)  # already expired
    assert table_cache.get("gone") is None
    table_cache.set("forever", {"a": 1}, None)
    assert table_cache.get("forever") == {"a": 1}


def test_set_is_one_statement(table_cache):
    table_cache.set("warm", 1)
    with CaptureQueriesContext(connection) as queries:
        table_cache.set("counter", [1.0, 2.0])
    assert len(queries) == 1
    assert queries[0]["sql"].startswith(f'INSERT INTO "{TABLE}"')


def test_the_table_is_culled_on_one_write_in_cull_every(table_cache, monkeypatch):
    monkeypatch.setattr(cache_module, "CULL_EVERY", 20)
    table_cache._writes = iter(range(1, 100))
    for i in range(19):
        table_cache.set(f"key{i}", i)
    assert _rows() == 19  # above MAX_ENTRIES (9): no count yet
    table_cache.set("key19", 19)  # the 20th write counts and culls a third first
    assert _rows() == 19 - 19 // 3 + 1
