"""The five roles of the platform and which of them are held per association."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ASSOCIATION_ADMIN = "association_admin", _("Förbundsadministratör")
    ASSOCIATION_STAFF = "association_staff", _("Förbundspersonal")
    STEERING_GROUP = "steering_group", _("Nationell styrgrupp")
    RESEARCHER = "researcher", _("Forskare")
    PLATFORM_ADMIN = "platform_admin", _("Plattformsadministratör")


# Held through a Membership in one association.
ASSOCIATION_ROLES = frozenset({Role.ASSOCIATION_ADMIN, Role.ASSOCIATION_STAFF})
# Held platform-wide through a NationalRoleGrant.
NATIONAL_ROLES = frozenset({Role.STEERING_GROUP, Role.RESEARCHER, Role.PLATFORM_ADMIN})
