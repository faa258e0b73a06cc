"""Trigram GIN indexes for the Chinese search of suggestions (PostgreSQL only), and an index for
the published list (both databases).

`icontains` on PostgreSQL is `UPPER(col::text) LIKE UPPER('%term%')`: the indexes are on that
expression. Terms of 3+ characters use them; 1–2 characters have no trigram and are a table
scan (docs/performance.md, "Search"). SQLite needs nothing here.
"""

from django.db import migrations

COLUMNS = ("title", "content")


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite keeps plain LIKE)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0002_private_files")]

    operations = [
        # Trusted extension since PostgreSQL 13: the database owner may create it.
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *[
            PostgresOnlySQL(
                f"CREATE INDEX IF NOT EXISTS suggestion_{column}_trgm ON suggestions_suggestion "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
                f"DROP INDEX IF EXISTS suggestion_{column}_trgm",
            )
            for column in COLUMNS
        ],
        # The published list (public page and API) pages through published suggestions by
        # filing date: without this, every page sorted all published rows (EXPLAIN in
        # docs/performance.md). Partial and sorted like the query; plain SQL both databases read.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS suggestion_published_by_date ON suggestions_suggestion "
            "(filed_at DESC, id DESC) WHERE is_published AND state <> 'merged'",
            "DROP INDEX IF EXISTS suggestion_published_by_date",
        ),
    ]
