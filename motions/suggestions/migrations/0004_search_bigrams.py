"""A bigram index on suggestion titles for 1- and 2-character searches (PostgreSQL only).

See congress/search.py: trigrams cannot serve terms shorter than three characters; the titles'
bigram text (`congress_search_bigrams(title)`) can, through a GIN trigram index.
"""

from django.db import migrations

# As in congress/search.py, frozen here (a migration must not change when the module does).
BIGRAM_FUNCTION = "congress_search_bigrams"
CREATE_BIGRAM_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAM_FUNCTION}(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ' ' || coalesce(string_agg(substr(u, i, 2), ' ' ORDER BY i), '') || ' '
    FROM (SELECT upper(value) AS u) AS s,
         generate_series(1, char_length(s.u)) AS i
$$
"""


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite keeps plain LIKE)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0003_search_trigram")]

    operations = [
        # Created here with CREATE OR REPLACE (idempotent): any app indexing with it does the same.
        PostgresOnlySQL(CREATE_BIGRAM_FUNCTION, f"DROP FUNCTION IF EXISTS {BIGRAM_FUNCTION}(text)"),
        PostgresOnlySQL(
            "CREATE INDEX IF NOT EXISTS suggestion_title_bigram ON suggestions_suggestion "
            f"USING gin ({BIGRAM_FUNCTION}(title) gin_trgm_ops)",
            "DROP INDEX IF EXISTS suggestion_title_bigram",
        ),
    ]
