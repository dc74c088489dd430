"""Ways to make requests meet: real threads on PostgreSQL, and on any database the one
interleaving that matters, a row committed by someone else just after this request looked."""

import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.models import QuerySet

THREADS = 10


def skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent writers need PostgreSQL: SQLite takes one write lock per "
            "transaction, so these requests never overlap there"
        )


def at_once(send, n=THREADS) -> list:
    """Call send(i) for i in range(n), each in its own thread and database connection,
    released together; return what each call returned, in order."""
    barrier = threading.Barrier(n)
    results = [None] * n
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = send(i)
        except Exception as exc:  # reported below, with the thread's number
            errors.append((i, exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@contextmanager
def looked_too_early(queryset, method: str):
    """The first `method` ("exists" or "first") on a query like `queryset` finds nothing,
    as when another request commits that row just after this one looked; later calls
    see the database as it is."""
    real = getattr(QuerySet, method)
    sql = str(queryset.query)
    missed = []

    def call(self, *args, **kwargs):
        if not missed and str(self.query) == sql:
            missed.append(True)
            return False if method == "exists" else None
        return real(self, *args, **kwargs)

    with mock.patch.object(QuerySet, method, call):
        yield
    assert missed, f"no {method}() on {sql}"
