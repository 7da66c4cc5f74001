"""The demo platform the README's main-job command brings up.

Three associations modelled on real ones from the seed documents, an activity or two each,
and one demo user per role. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django_tenants.utils import tenant_context

from pilot.models import Activity
from pilot.services import activity_create
from tenants.db import public_schema_use
from tenants.models import Association, MemberBody, User
from tenants.roles import Role
from tenants.services import (
    MemberBodyInput,
    association_consent_set,
    association_create,
    membership_grant,
    national_role_grant,
    user_create,
)
from tenants.validators import luhn_check_digit
from vocabulary import codes

DEMO_PASSWORD = "nns-demo-2026"
ALL_FORMS = list(codes("form"))


@dataclass(frozen=True)
class DemoAssociation:
    slug: str
    name: str
    org_prefix: str  # nine digits; the check digit is computed (demo numbers, not real ones)
    county: str
    municipalities: tuple[str, ...]
    region: str
    activities: tuple[str, ...]
    consent: bool
    participants: int = 300


DEMO_ASSOCIATIONS = (
    DemoAssociation(
        "skelleftea-norsjo",
        "Samordningsförbundet Skellefteå–Norsjö",
        "222000901",
        "24",
        ("Skellefteå kommun", "Norsjö kommun"),
        "Region Västerbotten",
        ("Arbetsmarknadstorget", "Unga vuxna i arbete"),
        True,
    ),
    DemoAssociation(
        "umearegionen",
        "Samordningsförbundet Umeåregionen",
        "222000902",
        "24",
        ("Umeå kommun", "Robertsfors kommun", "Vännäs kommun"),
        "Region Västerbotten",
        ("Samordningsteamet Robertsfors", "Stödpunkten"),
        True,
    ),
    DemoAssociation(
        "orebro",
        "Samordningsförbundet i Örebro län",
        "222000903",
        "18",
        ("Örebro kommun", "Kumla kommun"),
        "Region Örebro län",
        ("Steg till arbete",),
        False,
    ),
)


def _demo_org_number(prefix: str) -> str:
    return f"{prefix[:6]}-{prefix[6:]}{luhn_check_digit(prefix)}"


def _user(username: str, first: str, last: str) -> User:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return user_create(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.invalid",
    )


def _demo_data_load(associations: list[tuple[DemoAssociation, Association]]) -> None:
    """Synthetic answers (graded-response model) for demo associations that have none."""
    from pilot.bulk import tables_analyze
    from pilot.models import Response
    from pilot.services.synthetic_load import (
        SYNTHETIC_TABLES,
        synthetic_data_load,
        synthetic_generate,
    )
    from pilot.synthetic import AssociationSpec

    empty = []
    for demo, association in associations:
        with tenant_context(association):
            if not Response.objects.exists():
                empty.append((demo, association))
        public_schema_use()
    if not empty:
        return
    specs = [
        AssociationSpec(slug=d.slug, n_participants=d.participants, activity_names=d.activities)
        for d, _a in empty
    ]
    data = synthetic_generate(specs=specs, seed=2015)
    for demo, association in empty:
        with tenant_context(association):
            synthetic_data_load(data=data[demo.slug], actor=None)
            tables_analyze(tables=SYNTHETIC_TABLES)
        public_schema_use()


def demo_platform_build(*, with_data: bool = True) -> list[tuple[str, str, str]]:
    """Create what is missing; return (username, role, where) for the printout."""
    logins: list[tuple[str, str, str]] = []
    for username, first, role in [
        ("plattform", "Plattformsadministratör", Role.PLATFORM_ADMIN),
        ("styrgrupp", "Styrgruppsledamot", Role.STEERING_GROUP),
        ("forskare", "Forskare", Role.RESEARCHER),
    ]:
        national_role_grant(user=_user(username, first, "Demo"), role=role)
        logins.append((username, str(role.label), "nationell nivå"))

    built: list[tuple[DemoAssociation, Association]] = []
    for demo in DEMO_ASSOCIATIONS:
        association = Association.objects.filter(slug=demo.slug).first()
        if association is None:
            members = [
                MemberBodyInput(MemberBody.Kind.MUNICIPALITY, m) for m in demo.municipalities
            ]
            members += [
                MemberBodyInput(MemberBody.Kind.REGION, demo.region),
                MemberBodyInput(MemberBody.Kind.FORSAKRINGSKASSAN, "Försäkringskassan"),
                MemberBodyInput(MemberBody.Kind.ARBETSFORMEDLINGEN, "Arbetsförmedlingen"),
            ]
            association = association_create(
                name=demo.name,
                slug=demo.slug,
                org_number=_demo_org_number(demo.org_prefix),
                county=demo.county,
                member_bodies=members,
            )
            if demo.consent:
                association_consent_set(
                    association=association,
                    consent=True,
                    given_by="Styrelsebeslut (demo)",
                    actor=None,
                )
        with transaction.atomic(), tenant_context(association):
            for name in demo.activities:
                if not Activity.objects.filter(name=name).exists():
                    activity_create(
                        name=name, description="Demoinsats", form_codes=ALL_FORMS, actor=None
                    )
        public_schema_use()
        for suffix, first, role in [
            ("admin", "Förbundsadministratör", Role.ASSOCIATION_ADMIN),
            ("personal", "Insatspersonal", Role.ASSOCIATION_STAFF),
        ]:
            username = f"{demo.slug}-{suffix}"
            membership_grant(
                user=_user(username, first, demo.name), association=association, role=role
            )
            logins.append((username, str(role.label), demo.slug))
        built.append((demo, association))
    if with_data:
        _demo_data_load(built)
        _demo_national_targets()
        _demo_snapshot()
    return logins


def _demo_national_targets() -> None:
    """Demo national targets (the seed sets none): 80 % answering 4 or 5 on every survey
    point, and 30 % of exits to work or studies for the register point."""
    import datetime as dt

    from instrument.models import NationalTarget, Point
    from instrument.selectors import instrument_version_current
    from instrument.services import national_target_create

    version = instrument_version_current()
    if version is None or NationalTarget.objects.exists():
        return
    for point in Point.objects.filter(version=version):
        if point.source == Point.Source.REGISTER:
            national_target_create(
                point=point,
                kind="register_share",
                percent=Decimal(30),
                outcomes=["work", "studies"],
                valid_from=dt.date(2015, 1, 1),
                actor=None,
            )
        else:
            national_target_create(
                point=point,
                kind="share_at_least",
                category=4,
                percent=Decimal(80),
                valid_from=dt.date(2015, 1, 1),
                actor=None,
            )


def _demo_snapshot() -> None:
    """Pool the consenting demo associations and publish the result, here and now (set-up runs
    before any worker), so the dashboard opens populated."""
    from national.pooling import (
        snapshot_finish,
        snapshot_part_extract,
        snapshot_publish,
        snapshot_start,
    )
    from national.selectors import snapshot_published_latest

    if snapshot_published_latest() is not None:
        return
    snapshot = snapshot_start(actor=None, queue=False)
    for slug in snapshot.parts.values_list("association_slug", flat=True):
        snapshot_part_extract(snapshot_id=snapshot.pk, association_slug=slug)
    snapshot_finish(snapshot_id=snapshot.pk)
    snapshot_publish(actor=None, snapshot=snapshot)
