"""Test set-up: one test database, the tenant template, and two associations for the run.

Provisioning clones the template schema, so the two session associations cost well under a
second; tests roll back their own changes (schema DDL included).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from instrument.services import instrument_bundled_ensure
from tenants.db import public_schema_use
from tenants.models import Association
from tenants.services import association_create, public_tenant_ensure, template_schema_ensure

ALFA = "alfa"
BETA = "beta"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        public_tenant_ensure()
        instrument_bundled_ensure()
        template_schema_ensure()
        for slug, name, org, county in [
            (ALFA, "Samordningsförbundet Alfa", "222000-1578", "24"),
            (BETA, "Samordningsförbundet Beta", "222000-0000", "18"),
        ]:
            association = association_create(
                name=name, slug=slug, org_number=_valid_org(org), county=county
            )
            with tenant_context(association):
                from pilot.services import activity_create

                activity_create(name=f"{name} – Arbetsmarknadstorget", actor=None)
        public_schema_use()


def _valid_org(seed: str) -> str:
    from tenants.validators import luhn_check_digit

    digits = seed.replace("-", "")[:9]
    return f"{digits[:6]}-{digits[6:9]}{luhn_check_digit(digits)}"


@pytest.fixture(autouse=True)
def _public_schema_after_test() -> Iterator[None]:
    yield
    public_schema_use()


@pytest.fixture
def alfa(db) -> Association:
    return Association.objects.get(slug=ALFA)


@pytest.fixture
def beta(db) -> Association:
    return Association.objects.get(slug=BETA)


def host_client(host: str, user=None, *, second_factor: bool = True) -> Client:
    """A client on ``host``, logged in as ``user``; by default past the second factor
    (national roles need it, ADR 0014; tests/web/test_security.py tests the step itself)."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
        if second_factor and user.national_roles.exists():
            otp_verify_session(client, user)
    return client


def otp_verify_session(client: Client, user) -> None:  # type: ignore[no-untyped-def]
    """Mark the client's session as having passed TOTP, as django_otp.login does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def consenting_with_data(associations, *, seed: int, participants: int = 80):  # type: ignore[no-untyped-def]
    """Load synthetic pilot data into each association and record its pooling consent."""
    from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
    from pilot.synthetic import AssociationSpec
    from tenants.services import association_consent_set

    specs = [
        AssociationSpec(slug=a.slug, n_participants=participants, activity_names=("A",), n_staff=6)
        for a in associations
    ]
    data = synthetic_generate(specs=specs, seed=seed)
    for association in associations:
        with tenant_context(association):
            synthetic_data_load(data=data[association.slug], actor=None)
        association_consent_set(
            association=association, consent=True, given_by="Styrelsen", actor=None
        )
    public_schema_use()
    return data


@pytest.fixture
def two_versions(alfa):  # type: ignore[no-untyped-def]
    """v1 and a v2 published mid-period with answers on both (tests.factories.two_versions_load)."""
    from tests.factories import two_versions_load

    return two_versions_load(alfa)
