"""Substring search in Chinese that an index can serve at every term length (PostgreSQL).

`icontains` compiles to `UPPER(col) LIKE UPPER('%term%')`. A pg_trgm GIN index on `UPPER(col)`
serves terms of 3+ characters, but a 1- or 2-character term (most Chinese words have two) has no
trigram, so PostgreSQL scans the table. For those terms, `contains_q` searches the column's
**bigram text** instead: `congress_search_bigrams(col)` (an IMMUTABLE SQL function created by
the migrations that index a column with it) turns `老旧小区` into `' 老 老旧 旧小 小区 区 '`
(each character written twice, `c c`, so that every pair of neighbouring characters becomes a
word, between the first and the last character alone; upper-cased), and

- a 2-character term `小区` becomes `LIKE '% 小区 %'`: three trigrams (`"  小"`, `" 小区"`,
  `"小区 "`), found through a GIN trigram index on that expression;
- a 1-character term `区` becomes `LIKE '% 区%'`: one trigram (`"  区"`), the words starting
  with it.

Both are exactly "the column contains the term" (a two-character word of the bigram text is two
neighbouring characters of the column; every character starts a word). The function is one
`regexp_replace` (about 50 µs for a 46-character title here), since the index is lossy and
PostgreSQL evaluates it again on every candidate row. On SQLite, and for
longer terms, it is the plain `icontains`.

Docs: docs/performance.md, "Search".
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Func, Q, TextField
from django.db.models.lookups import Contains

BIGRAM_FUNCTION = "congress_search_bigrams"

# The function the bigram indexes are built on (PostgreSQL). IMMUTABLE so that it can be indexed;
# STRICT: NULL in, NULL out.
CREATE_BIGRAM_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAM_FUNCTION}(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ' ' || regexp_replace(upper(value), '(.)', '\\1 \\1', 'g') || ' '
$$
"""


class Bigrams(Func):
    function = BIGRAM_FUNCTION
    output_field = TextField()


def uses_bigrams(term: str) -> bool:
    return connection.vendor == "postgresql" and 0 < len(term) < 3


def contains_q(field: str, term: str) -> Q:
    """`field` contains `term`, case-insensitively, in a form the indexes serve (see above).

    Only for columns that have a bigram index on PostgreSQL (suggestion titles); others use
    `icontains` directly.
    """
    if uses_bigrams(term):
        pattern = f" {term.upper()} " if len(term) == 2 else f" {term.upper()}"
        return Q(Contains(Bigrams(F(field)), pattern))
    return Q(**{f"{field}__icontains": term})
