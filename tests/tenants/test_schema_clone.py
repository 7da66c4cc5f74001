"""A cloned association schema is structurally identical to the migrated template."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

CATALOG = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL,
               is_identity
        FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2""",
    "constraints": """
        SELECT rel.relname, con.conname, con.contype,
               replace(pg_get_constraintdef(con.oid), n.nspname || '.', '')
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = rel.relnamespace WHERE n.nspname = %s ORDER BY 1, 2""",
    "indexes": """
        SELECT c.relname, replace(pg_get_indexdef(i.indexrelid), n.nspname || '.', '')
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s ORDER BY 1""",
}


def _describe(schema: str) -> dict[str, list[tuple]]:
    out = {}
    with connection.cursor() as cursor:
        for name, sql in CATALOG.items():
            cursor.execute(sql, [schema])
            out[name] = cursor.fetchall()
    return out


def test_clone_matches_template(alfa):
    template, clone = _describe(settings.TENANT_BASE_SCHEMA), _describe("alfa")
    assert template["columns"] and template["constraints"] and template["indexes"]
    assert clone == template


def test_clone_has_migration_history_and_working_identities(alfa):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
        expected = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM alfa.django_migrations")
        assert cursor.fetchone()[0] == expected > 0
        # The next content type id continues after the copied rows.
        cursor.execute(
            "INSERT INTO alfa.django_content_type (app_label, model) VALUES ('x', 'y') RETURNING id"
        )
        new_id = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM tenant_template.django_content_type")
        assert new_id > cursor.fetchone()[0]
