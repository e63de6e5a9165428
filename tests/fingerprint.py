"""A digest of every row of every table: proof that a refused request changed nothing at all."""

from django.db import connection

# Tables whose changes are not the portal's state: sessions change on every request that sets a message.
UNWATCHED = {"django_session", "django_migrations"}


def fingerprint_sql() -> str:
    """One query that digests every row of every table; the table names come from the database itself."""
    tables = sorted(set(connection.introspection.table_names()) - UNWATCHED)
    select = "SELECT '{0}', (SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM {1} r)"
    return " UNION ALL ".join(select.format(t, connection.ops.quote_name(t)) for t in tables)


def fingerprint(sql: str | None = None) -> dict[str, str]:
    """A digest of every row of every table, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(sql or fingerprint_sql())
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])
