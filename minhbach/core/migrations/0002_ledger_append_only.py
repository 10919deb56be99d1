"""Make the ledger append-only in the database itself: UPDATE and DELETE raise.

SQLite and PostgreSQL each get their own trigger syntax; any other backend is refused rather
than left unprotected.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER core_ledgerentry_no_update BEFORE UPDATE ON core_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER core_ledgerentry_no_delete BEFORE DELETE ON core_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_ledgerentry_no_update;",
    "DROP TRIGGER IF EXISTS core_ledgerentry_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_ledgerentry_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION USING MESSAGE = 'ledger is append-only: ' || TG_OP || ' refused'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_ledgerentry_append_only BEFORE UPDATE OR DELETE ON core_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION core_ledgerentry_refuse();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_ledgerentry_append_only ON core_ledgerentry;",
    "DROP FUNCTION IF EXISTS core_ledgerentry_refuse();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise RuntimeError(f"No append-only trigger for database vendor {vendor!r}")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
