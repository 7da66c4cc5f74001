import pytest
from django_tenants.utils import tenant_context

from pilot.models import Activity
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_rows_written_in_one_schema_are_invisible_in_another(alfa, beta):
    with tenant_context(alfa):
        ActivityFactory(name="Endast Alfa")
        alfa_ids = set(Activity.objects.values_list("id", flat=True))
    with tenant_context(beta):
        assert not Activity.objects.filter(name="Endast Alfa").exists()
        # Ids overlap across schemas (each has its own sequence) but point at other rows.
        assert all(a.name.startswith("Samordningsförbundet Beta") for a in Activity.objects.all())
    assert alfa_ids


def test_tenant_tables_do_not_exist_in_public(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.pilot_activity')")
        assert cursor.fetchone()[0] is None
