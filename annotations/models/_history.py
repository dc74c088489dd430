"""django-simple-history's records, with a history manager whose class is made once.

The `history` descriptor builds a new manager class from the queryset class on every
access (Manager.from_queryset runs inspect.getmembers over the QuerySet), and writing a
historical row reads it: about a tenth of the CPU of an annotation POST went there."""

from django.conf import settings
from django.db import connection
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


def _copy_sql(model, count: int) -> str:
    """INSERT … SELECT of `count` rows of `model` into its history table (made once)."""
    sql = _COPY_SQL.get((model, count))
    if sql is None:
        history = model.history.model
        quote = connection.ops.quote_name
        columns = [f.column for f in history._meta.concrete_fields if f.name not in _HISTORY_OWN]
        listed = ", ".join(map(quote, columns))
        sql = _COPY_SQL[(model, count)] = (
            f"INSERT INTO {quote(history._meta.db_table)} ({listed}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {listed}, %s, NULL, '+', %s FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * count)})"
        )
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
