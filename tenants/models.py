"""Public-schema models: associations (tenants), host names, people, roles, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.roles import ASSOCIATION_ROLES, NATIONAL_ROLES, Role
from tenants.validators import validate_association_slug, validate_org_number
from vocabulary.choices import County, MemberBodyKind

__all__ = ["County"]  # re-exported: callers import it from here


class Association(TenantMixin):
    """A coordination association (samordningsförbund). Its data lives in its own schema."""

    # Schemas are cloned by tenants.services.association_create inside its transaction.
    auto_create_schema = False
    auto_drop_schema = False

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(
        _("kortnamn"), max_length=42, unique=True, validators=[validate_association_slug]
    )
    org_number = models.CharField(
        _("organisationsnummer"), max_length=11, unique=True, validators=[validate_org_number]
    )
    county = models.CharField(_("län"), max_length=2, choices=County.choices)
    nns_member = models.BooleanField(_("medlem i NNS"), default=True)
    pooling_consent = models.BooleanField(
        _("samtycke till nationell sammanställning"), default=False
    )
    pooling_consent_date = models.DateField(_("datum för samtycke"), null=True, blank=True)
    pooling_consent_given_by = models.CharField(
        _("samtycke lämnat av"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. styrelsebeslut med paragraf, eller namn och roll."),
    )
    # Personal data is deleted this many months after a participant's last activity
    # (docs/data-protection.md); empty: the platform default (NNS_RETENTION_MONTHS_DEFAULT).
    retention_months = models.PositiveSmallIntegerField(
        _("lagringstid (månader)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    # Shown to respondents in the questionnaire, beside the platform's default notice.
    privacy_notice = models.TextField(_("integritetsmeddelande"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("arkiverat"), null=True, blank=True)

    class Meta:
        verbose_name = _("samordningsförbund")
        verbose_name_plural = _("samordningsförbund")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pooling_consent=False)
                | (Q(pooling_consent_date__isnull=False) & ~Q(pooling_consent_given_by="")),
                name="consent_has_date_and_giver",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Domain(DomainMixin):
    """Host names routed to an association (``<slug>.<base domain>``) or to the public site."""


class MemberBody(models.Model):
    """A member of an association under the Finsam act."""

    Kind = MemberBodyKind

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="member_bodies"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="member_body_unique")
        ]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """One login for the whole platform; what a user may do is decided by roles, never here."""

    preferred_language = models.CharField(
        max_length=5, choices=settings.LANGUAGES, default="sv", blank=True
    )


class Membership(models.Model):
    """A user's role in one association."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=32, choices=[(r.value, r.label) for r in Role if r in ASSOCIATION_ROLES]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "association", "role"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in ASSOCIATION_ROLES)),
                name="membership_role_is_association_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role} @ {self.association_id}"


class NationalRoleGrant(models.Model):
    """A platform-wide role: steering group, researcher or platform administrator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="national_roles")
    role = models.CharField(
        max_length=32, choices=[(r.value, r.label) for r in Role if r in NATIONAL_ROLES]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="national_role_unique"),
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in NATIONAL_ROLES)),
                name="national_role_is_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role}"


class AuditEvent(models.Model):
    """Append-only record of consequential actions (provisioning, purging, publishing…)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=64, db_index=True)
    # Kept as text: the association row may be purged while its audit trail stays.
    association_slug = models.CharField(max_length=42, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.association_slug}"
