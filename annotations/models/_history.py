"""django-simple-history's records, with a history manager whose class is made once, and
the creation history rows of new rows written by the database (copy_history,
insert_with_history) rather than built and saved one by one through the ORM.

The `history` descriptor builds a new manager class from the queryset class on every
access (Manager.from_queryset runs inspect.getmembers over the QuerySet), and writing a
historical row reads it: about a tenth of the CPU of an annotation POST went there."""

import functools

from django.conf import settings
from django.db import connection
from django.db.models import AutoField
from django.db.models.sql import InsertQuery
from simple_history.manager import HistoryManager as BaseHistoryManager
from simple_history.models import HistoricalRecords


class HistoryManager(BaseHistoryManager):
    _classes: dict = {}

    @classmethod
    def from_queryset(cls, queryset_class, class_name=None):
        key = (cls, queryset_class, class_name)
        made = cls._classes.get(key)
        if made is None:
            made = cls._classes[key] = super().from_queryset(queryset_class, class_name)
        return made


class History(HistoricalRecords):
    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)


# The historical model's own columns, which a copy fills in rather than reads.
_HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}
_COPY_SQL: dict = {}


@functools.cache
def _copy_head(model) -> str:
    """INSERT INTO the history table … SELECT the columns it copies, then the history's
    own: its date and user (parameters), no change reason, "+" for a creation."""
    history = model.history.model
    quote = connection.ops.quote_name
    columns = [f.column for f in history._meta.concrete_fields if f.name not in _HISTORY_OWN]
    listed = ", ".join(map(quote, columns))
    return (
        f"INSERT INTO {quote(history._meta.db_table)} ({listed}, history_date, "
        f"history_change_reason, history_type, history_user_id) SELECT {listed}, %s, NULL, '+', %s"
    )


def _copy_sql(model, count: int) -> str:
    """INSERT … SELECT of `count` rows of `model` into its history table (made once for
    the few rows of a single request; a bulk request's, of any size, each time)."""
    sql = _COPY_SQL.get((model, count))
    if sql is None:
        quote = connection.ops.quote_name
        sql = (
            f"{_copy_head(model)} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * count)})"
        )
        if count <= 50:
            _COPY_SQL[(model, count)] = sql
    return sql


def copy_history(by, when, *rows) -> None:
    """The creation history rows ("+", by `by` at `when`) of rows just inserted, as
    django-simple-history writes them, copied by the database: `rows` are (model, ids)
    pairs. One statement on PostgreSQL (the copies after the first as WITH clauses),
    one a model elsewhere. Building a historical instance and saving it through the ORM
    cost more than the row's own INSERT."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    rows = [(model, ids) for model, ids in rows if ids]
    when = connection.ops.adapt_datetimefield_value(when)
    user = by.pk if by is not None else None
    statements = [(_copy_sql(model, len(ids)), [when, user, *ids]) for model, ids in rows]
    if connection.vendor == "postgresql" and len(statements) > 1:
        clauses = ", ".join(f"copy{n} AS ({sql})" for n, (sql, _) in enumerate(statements[1:]))
        statements = [
            (
                f"WITH {clauses} {statements[0][0]}",
                [p for _, params in statements[1:] for p in params] + statements[0][1],
            )
        ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _insert_sql(model, objs) -> tuple[str, list]:
    """The INSERT of new rows as bulk_create writes it, returning every column."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
    query = InsertQuery(model)
    query.insert_values(fields, objs, raw=False)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = model._meta.concrete_fields
    ((sql, params),) = compiler.as_sql()
    return sql, list(params)


def insert_with_history(by, when, groups, copied=()) -> None:
    """Insert `groups` of new rows, (model, objs, with history) each, and the creation
    history rows of those with history and of `copied` (model, ids: rows written
    before). On PostgreSQL one statement, each INSERT a WITH clause and the history rows
    copied from what they return; elsewhere bulk_create and copy_history. The objects
    get their ids, in order (a sequence numbers a multi-row INSERT's rows in order)."""
    groups = [(model, objs, history) for model, objs, history in groups if objs]
    if connection.vendor != "postgresql":
        for model, objs, _ in groups:
            model.objects.bulk_create(objs)
        copy_history(by, when, *copied, *((m, [o.pk for o in objs]) for m, objs, h in groups if h))
        return
    enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    stamp = [connection.ops.adapt_datetimefield_value(when), by.pk if by is not None else None]
    clauses, params = [], []
    for n, (model, objs, history) in enumerate(groups):
        sql, values = _insert_sql(model, objs)
        clauses.append(f"new{n} AS ({sql})")
        params += values
        if history and enabled:
            clauses.append(f"history{n} AS ({_copy_head(model)} FROM new{n})")
            params += stamp
    for n, (model, ids) in enumerate((m, ids) for m, ids in copied if ids and enabled):
        clauses.append(f"copy{n} AS ({_copy_sql(model, len(ids))})")
        params += [*stamp, *ids]
    quote = connection.ops.quote_name
    selects = " UNION ALL ".join(
        f"SELECT {n}, {quote(model._meta.pk.column)} FROM new{n}"
        for n, (model, _, _) in enumerate(groups)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} {selects} ORDER BY 1, 2", params)
        ids = cursor.fetchall()
    objects = [obj for _, objs, _ in groups for obj in objs]
    for obj, (_, pk) in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
