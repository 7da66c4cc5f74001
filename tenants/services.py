"""Writes of the public schema: provisioning, archiving and purging associations, roles, consent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from tenants.audit import audit_record as audit_record  # re-export: one writer
from tenants.db import public_schema_use
from tenants.models import (
    Association,
    Domain,
    MemberBody,
    Membership,
    NationalRoleGrant,
    User,
)
from tenants.roles import ASSOCIATION_ROLES, NATIONAL_ROLES, Role
from tenants.schema_clone import schema_clone
from tenants.validators import normalise_org_number

PUBLIC_SCHEMA = "public"


@dataclass(frozen=True)
class MemberBodyInput:
    kind: str
    name: str


def association_host(*, slug: str) -> str:
    return f"{slug}.{settings.NNS_BASE_DOMAIN}"


def public_tenant_ensure(*, extra_domains: Iterable[str] = ()) -> Association:
    """The public schema's tenant row and its host names (the national site)."""
    public, _created = Association.objects.get_or_create(
        schema_name=PUBLIC_SCHEMA,
        defaults={
            "name": "Nationella Nätverket för Samordningsförbund",
            "slug": "nns",
            "org_number": "802426-6937",
            "county": "18",
        },
    )
    for host in {settings.NNS_BASE_DOMAIN, *extra_domains}:
        Domain.objects.get_or_create(domain=host, defaults={"tenant": public, "is_primary": False})
    return public


def template_schema_ensure(*, verbosity: int = 0) -> None:
    """Create and migrate the schema new associations are cloned from."""
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{template}"')
    call_command(
        "migrate_schemas",
        schema_name=template,
        tenant=True,
        interactive=False,
        verbosity=verbosity,
    )
    public_schema_use()


def association_create(
    *,
    name: str,
    slug: str,
    org_number: str,
    county: str,
    member_bodies: Iterable[MemberBodyInput] = (),
    nns_member: bool = True,
    actor: User | None = None,
) -> Association:
    """Provision an association: row, schema (cloned from the template), host name, audit.

    All of it happens in one transaction, so a failure leaves neither a row nor a schema
    (PostgreSQL DDL is transactional).
    """
    association = Association(
        name=name.strip(),
        slug=slug,
        schema_name=slug.replace("-", "_"),
        org_number=org_number.strip(),
        county=county,
        nns_member=nns_member,
    )
    association.full_clean()  # field errors, org number check digit included
    association.org_number = normalise_org_number(association.org_number)
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        raise ValidationError(
            _("Mallschemat saknas; kör 'manage.py setup_platform' först."), code="no_template"
        )
    with transaction.atomic():
        association.save()
        schema_clone(source=settings.TENANT_BASE_SCHEMA, target=association.schema_name)
        Domain.objects.create(
            domain=association_host(slug=slug), tenant=association, is_primary=True
        )
        for body in member_bodies:
            member = MemberBody(association=association, kind=body.kind, name=body.name)
            member.full_clean()
            member.save()
        audit_record(action="association.created", actor=actor, association_slug=slug, name=name)
    public_schema_use()
    return association


def association_archive(*, association: Association, actor: User | None) -> Association:
    """Hide an association from use; its schema and data stay."""
    if association.is_archived:
        return association
    association.archived_at = timezone.now()
    association.save(update_fields=["archived_at"])
    audit_record(action="association.archived", actor=actor, association_slug=association.slug)
    return association


def association_update(
    *,
    association: Association,
    actor: User | None,
    name: str | None = None,
    county: str | None = None,
    nns_member: bool | None = None,
) -> Association:
    """Change an association's name, county or NNS membership (the given ones; audited)."""
    values = {"name": name, "county": county, "nns_member": nns_member}
    changed = {field: value for field, value in values.items() if value is not None}
    for field, value in changed.items():
        setattr(association, field, value)
    association.full_clean()
    association.save(update_fields=list(changed) or None)
    audit_record(
        action="association.updated",
        actor=actor,
        association_slug=association.slug,
        fields=sorted(changed),
    )
    return association


def association_restore(*, association: Association, actor: User | None) -> Association:
    association.archived_at = None
    association.save(update_fields=["archived_at"])
    audit_record(action="association.restored", actor=actor, association_slug=association.slug)
    return association


def association_purge(*, association: Association, actor: User | None, confirm: str) -> None:
    """Irreversibly drop an archived association's schema and row. Audited.

    ``confirm`` must repeat the slug: purging is never a side effect of another action.
    """
    if association.schema_name == PUBLIC_SCHEMA:
        raise ValidationError(_("Den nationella nivån kan inte raderas."), code="public")
    if not association.is_archived:
        raise ValidationError(
            _("Arkivera samordningsförbundet innan det raderas."), code="not_archived"
        )
    if confirm != association.slug:
        raise ValidationError(
            {"confirm": [_("Skriv förbundets kortnamn för att bekräfta radering.")]},
            code="confirm",
        )
    slug, schema = association.slug, association.schema_name
    with transaction.atomic():
        audit_record(
            action="association.purged",
            actor=actor,
            association_slug=slug,
            schema=schema,
            name=association.name,
        )
        association.delete(force_drop=True)
    public_schema_use()


def association_consent_set(
    *,
    association: Association,
    consent: bool,
    given_by: str = "",
    date: dt.date | None = None,
    actor: User | None,
) -> Association:
    """Record (or withdraw) consent to national pooling, with date and who gave it."""
    if consent and not given_by.strip():
        raise ValidationError(
            {"given_by": [_("Ange vem som lämnat samtycket.")]}, code="consent_giver"
        )
    association.pooling_consent = consent
    association.pooling_consent_date = (date or timezone.localdate()) if consent else None
    association.pooling_consent_given_by = given_by.strip() if consent else ""
    association.save(
        update_fields=["pooling_consent", "pooling_consent_date", "pooling_consent_given_by"]
    )
    audit_record(
        action="association.consent_granted" if consent else "association.consent_withdrawn",
        actor=actor,
        association_slug=association.slug,
        given_by=association.pooling_consent_given_by,
    )
    return association


def membership_grant(*, user: User, association: Association, role: Role) -> Membership:
    if role not in ASSOCIATION_ROLES:
        raise ValidationError({"role": [_("Rollen gäller inte ett enskilt förbund.")]})
    membership, _created = Membership.objects.get_or_create(
        user=user, association=association, role=role.value
    )
    return membership


def national_role_grant(*, user: User, role: Role) -> NationalRoleGrant:
    if role not in NATIONAL_ROLES:
        raise ValidationError({"role": [_("Rollen är inte nationell.")]})
    grant, _created = NationalRoleGrant.objects.get_or_create(user=user, role=role.value)
    if role is Role.PLATFORM_ADMIN and not user.is_superuser:
        # Django admin is part of platform administration; it never grants tenant data,
        # which is decided by the role layer alone.
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return grant


def user_create(
    *, username: str, password: str, email: str = "", first_name: str = "", last_name: str = ""
) -> User:
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
