import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_exists, tenant_context

from pilot.models import Activity
from tenants.db import public_schema_use
from tenants.models import Association, AuditEvent, Domain
from tenants.services import (
    MemberBodyInput,
    association_archive,
    association_create,
    association_purge,
)

pytestmark = pytest.mark.django_db


def _create(slug="gamma", **overrides):
    values = dict(
        name="Samordningsförbundet Gamma",
        slug=slug,
        org_number="222000-1578" if slug == "gamma" else "556012-5790",
        county="01",
        member_bodies=[MemberBodyInput(kind="municipality", name="Gammastad")],
    )
    values.update(overrides)
    return association_create(**values)


@pytest.mark.smoke
def test_create_makes_row_schema_domain_and_audit():
    association = _create(org_number="202100-5448")
    assert schema_exists("gamma")
    assert Domain.objects.get(tenant=association).domain == "gamma.localhost"
    assert association.member_bodies.get().name == "Gammastad"
    assert AuditEvent.objects.filter(
        action="association.created", association_slug="gamma"
    ).exists()
    # The cloned schema has the tenant tables and none of the template's rows.
    with tenant_context(association):
        assert Activity.objects.count() == 0


def test_failure_midway_leaves_no_row_and_no_schema():
    # An invalid member body fails after the row and schema were made inside the transaction.
    with pytest.raises(ValidationError):
        _create(
            org_number="202100-5448",
            member_bodies=[MemberBodyInput(kind="no-such-kind", name="X")],
        )
    assert not Association.objects.filter(slug="gamma").exists()
    assert not schema_exists("gamma")
    assert not Domain.objects.filter(domain="gamma.localhost").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"org_number": "202100-5522"}, "org_number"),
        ({"slug": "Bad Slug"}, "slug"),
        ({"county": "99"}, "county"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_input_is_refused_with_field_errors(overrides, field):
    slug = overrides.get("slug", "gamma")
    with pytest.raises(ValidationError) as err:
        _create(**{"org_number": "202100-5448", **overrides})
    assert field in err.value.message_dict
    assert not schema_exists(slug.replace("-", "_").lower())


def test_duplicate_slug_is_refused(alfa):
    with pytest.raises(ValidationError) as err:
        _create(slug="alfa", org_number="202100-5448")
    assert "slug" in err.value.message_dict


def test_archive_keeps_data_and_purge_is_explicit(alfa):
    association = _create(org_number="202100-5448")
    with tenant_context(association):
        Activity.objects.create(name="Kvar efter arkivering")
    public_schema_use()

    with pytest.raises(ValidationError):  # must be archived first
        association_purge(association=association, actor=None, confirm="gamma")

    association_archive(association=association, actor=None)
    with tenant_context(association):
        assert Activity.objects.filter(name="Kvar efter arkivering").exists()
    public_schema_use()

    with pytest.raises(ValidationError) as err:
        association_purge(association=association, actor=None, confirm="wrong")
    assert "confirm" in err.value.message_dict
    assert schema_exists("gamma")

    association_purge(association=association, actor=None, confirm="gamma")
    assert not schema_exists("gamma")
    assert not Association.objects.filter(slug="gamma").exists()
    assert AuditEvent.objects.filter(action="association.purged", association_slug="gamma").exists()
    # The other associations are untouched.
    assert schema_exists("alfa")
