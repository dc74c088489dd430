"""A row looked up by a unique column, with the row one of its foreign keys points to, by
a statement written once: what `Model.objects.select_related(fk).filter(column=value)`
reads, without compiling that query on every request (the API's token lookups, where
compiling cost more CPU than running the statement).

The values go through the same converters the ORM applies, so the instances are those
the ORM would give (time zones, booleans on SQLite).
"""

from django.db import connections, router


class RowWithRelated:
    """`RowWithRelated(Token, "key", "user").get(key)`: the token with its user, or None."""

    def __init__(self, model, column: str, related: str):
        self.model, self.column, self.related = model, column, related
        self._made: dict = {}

    def _make(self, alias: str):
        connection = connections[alias]
        q = connection.ops.quote_name
        foreign_key = self.model._meta.get_field(self.related)
        target = foreign_key.related_model
        own, theirs = self.model._meta.concrete_fields, target._meta.concrete_fields
        columns = [f"a.{q(f.column)}" for f in own] + [f"b.{q(f.column)}" for f in theirs]
        sql = (
            f"SELECT {', '.join(columns)} FROM {q(self.model._meta.db_table)} a "
            f"JOIN {q(target._meta.db_table)} b "
            f"ON b.{q(foreign_key.target_field.column)} = a.{q(foreign_key.column)} "
            f"WHERE a.{q(self.model._meta.get_field(self.column).column)} = %s"
        )
        converters = []
        for position, (table, field) in enumerate(
            [("a", f) for f in own] + [("b", f) for f in theirs]
        ):
            col = field.get_col(table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((position, col, found))
        made = self._made[alias] = (sql, converters, len(own), foreign_key, target)
        return made

    def get(self, value):
        alias = router.db_for_read(self.model)
        sql, converters, split, foreign_key, target = self._made.get(alias) or self._make(alias)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, [value])
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, col, found in converters:
            for converter in found:
                row[position] = converter(row[position], col, connection)
        instance = self.model.from_db(alias, None, row[:split])
        foreign_key.set_cached_value(instance, target.from_db(alias, None, row[split:]))
        return instance
