"""Trigram GIN indexes for the Chinese search of the public motion list (PostgreSQL only).

The search is `icontains` (`UPPER(col::text) LIKE UPPER('%term%')` on PostgreSQL), so the
indexes are on the same expression. pg_trgm (C.UTF-8 locale) treats CJK characters as word
characters: a term of 3+ characters is found through the index; a term of 1–2 characters has no
trigram and PostgreSQL scans the table instead (docs/performance.md, "Search"). SQLite keeps
plain `LIKE` and needs nothing here.
"""

from django.db import migrations

COLUMNS = ("title", "reasons", "measures")


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite keeps plain LIKE)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("motions", "0002_rules_topics_daily_task")]

    operations = [
        # Trusted extension since PostgreSQL 13: the database owner may create it.
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *[
            PostgresOnlySQL(
                f"CREATE INDEX IF NOT EXISTS motion_{column}_trgm ON motions_motion "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
                f"DROP INDEX IF EXISTS motion_{column}_trgm",
            )
            for column in COLUMNS
        ],
    ]
