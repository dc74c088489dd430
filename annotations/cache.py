"""The database cache (`db://table` in CACHE_URL and THROTTLE_CACHE_URL) with a cheaper
`set`, the write every throttled API request makes.

Django's database cache counts the whole table on every write (to cull it above
MAX_ENTRIES), then reads the row, updates or inserts it, in a transaction of its own: six
statements and a commit for each request. Here a `set` is one `INSERT … ON CONFLICT DO
UPDATE` (PostgreSQL and SQLite both have it; another database keeps Django's way), and the
count and cull run on one write in CULL_EVERY of each process, so the table may pass
MAX_ENTRIES by that many rows a process before it is culled.
"""

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router

CULL_EVERY = 100


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = itertools.count(1)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("postgresql", "sqlite") or not next(self._writes) % CULL_EVERY:
            self._base_set("set", key, value, timeout)  # counts, culls, then writes
            return
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        key_column, value_column, expires_column = map(quote, ("cache_key", "value", "expires"))
        sql = (
            f"INSERT INTO {quote(self._table)} ({key_column}, {value_column}, {expires_column}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{value_column} = EXCLUDED.{value_column}, "
            f"{expires_column} = EXCLUDED.{expires_column}"
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, [key, value, expires])
        except DatabaseError:
            pass  # as Django's: a cache write may fail without failing the request
