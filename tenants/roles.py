"""The five roles of the platform and which of them are held per association."""

from __future__ import annotations

from vocabulary.choices import Role

__all__ = [
    "ASSOCIATION_ROLES",
    "INSTRUMENT_DRAFTERS",
    "INSTRUMENT_PUBLISHERS",
    "NATIONAL_ROLES",
    "Role",
]


# Held through a Membership in one association.
ASSOCIATION_ROLES = frozenset({Role.ASSOCIATION_ADMIN, Role.ASSOCIATION_STAFF})
# Held platform-wide through a NationalRoleGrant.
NATIONAL_ROLES = frozenset({Role.STEERING_GROUP, Role.RESEARCHER, Role.PLATFORM_ADMIN})
# The instrument's development: the steering group and researchers draft a new version of the
# national instrument; the steering group alone publishes it (issue 16).
INSTRUMENT_DRAFTERS = frozenset({Role.STEERING_GROUP, Role.RESEARCHER})
INSTRUMENT_PUBLISHERS = frozenset({Role.STEERING_GROUP})
