"""Index classes for PostgreSQL-only indexes in a project that also runs on SQLite.

The embedded default (SQLite) searches without GIN indexes, but Django would still send it
`CREATE INDEX ... USING gin`: when the migration adds the index, and again whenever SQLite
rebuilds the table for a later schema change. These classes compile to an empty statement on
any other database, so the index is declared once, in the model's Meta, like any other."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.db.backends.ddl_references import Statement


def _elsewhere(schema_editor: Any) -> bool:
    return schema_editor.connection.vendor != "postgresql"


class PostgresGinIndex(GinIndex):
    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if _elsewhere(schema_editor):
            return Statement("")
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model: Any, schema_editor: Any, **kwargs: Any) -> Any:
        if _elsewhere(schema_editor):
            return Statement("")
        return super().remove_sql(model, schema_editor, **kwargs)
