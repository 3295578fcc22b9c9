"""Typo-tolerant name search indexes: pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite.

Kept in sync by the database itself (the GIN index, or SQLite triggers), so bulk loads and
admin edits are searchable without application code.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE customers_customer_fts USING fts5("
    "search_name, content='customers_customer', content_rowid='id', tokenize='trigram')",
    "INSERT INTO customers_customer_fts(rowid, search_name) "
    "SELECT id, search_name FROM customers_customer",
    "CREATE TRIGGER customers_customer_fts_ai AFTER INSERT ON customers_customer BEGIN "
    "INSERT INTO customers_customer_fts(rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER customers_customer_fts_ad AFTER DELETE ON customers_customer BEGIN "
    "INSERT INTO customers_customer_fts(customers_customer_fts, rowid, search_name) "
    "VALUES ('delete', old.id, old.search_name); END",
    "CREATE TRIGGER customers_customer_fts_au AFTER UPDATE OF search_name ON customers_customer "
    "BEGIN INSERT INTO customers_customer_fts(customers_customer_fts, rowid, search_name) "
    "VALUES ('delete', old.id, old.search_name); "
    "INSERT INTO customers_customer_fts(rowid, search_name) VALUES (new.id, new.search_name); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS customers_customer_fts_au",
    "DROP TRIGGER IF EXISTS customers_customer_fts_ad",
    "DROP TRIGGER IF EXISTS customers_customer_fts_ai",
    "DROP TABLE IF EXISTS customers_customer_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customers_customer_search_name_trgm "
    "ON customers_customer USING gin (search_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS customers_customer_search_name_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
