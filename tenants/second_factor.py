"""Who needs the second factor (TOTP, django-otp) and whether this session has passed it.

National roles reach pooled data of every association: steering group, researchers and
platform administrators must verify a TOTP code after the password. Everyone else may enrol;
once a person has a confirmed device, their logins require it too (ADR 0014).
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.audit import audit_record
from tenants.models import NationalRoleGrant, User


def second_factor_required(*, user: User | object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    assert isinstance(user, User)
    return (
        NationalRoleGrant.objects.filter(user=user).exists()
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def second_factor_verified(*, user: object) -> bool:
    """True when this session passed TOTP, or the request is not session-based.

    django-otp's middleware gives a session user ``is_verified``; a user authenticated by an
    API token (issued by a platform administrator, ADR 0014) has no such attribute.
    """
    is_verified = getattr(user, "is_verified", None)
    return is_verified is None or bool(is_verified())


def second_factor_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def second_factor_device_pending(*, user: User, name: str) -> TOTPDevice:
    """The person's unconfirmed device being enrolled, created (named ``name``) when there is
    none: one per person until a code from it is verified."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=False)
    return device


@transaction.atomic
def second_factor_device_confirm(*, device: TOTPDevice, actor: User) -> None:
    """A code from ``device`` was verified: it counts from now on (audited; the person
    enrols their own device, so ``actor`` is its owner)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action="account.second_factor_enrolled", actor=actor, device=device.name)
