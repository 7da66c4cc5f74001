"""The one permission layer: every page and API endpoint asks these functions.

Roles are resolved against the association of the *current host* (request.tenant), never
against ids in the URL or body, so a member of A gets nothing of B through any route.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from tenants.models import Association
from tenants.roles import NATIONAL_ROLES, Role
from tenants.second_factor import second_factor_verified
from tenants.selectors import user_roles

_CACHE_ATTR = "_nns_roles"


def current_association(request: HttpRequest) -> Association | None:
    """The association whose host this is, or None on the public (national) host."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    assert isinstance(tenant, Association)
    return tenant


def request_roles(request: HttpRequest) -> frozenset[Role]:
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = user_roles(user=request.user, association=current_association(request))
        # National roles count only after the second factor (ADR 0014).
        if not cached.isdisjoint(NATIONAL_ROLES) and not second_factor_verified(user=request.user):
            cached = cached - NATIONAL_ROLES
        setattr(request, _CACHE_ATTR, cached)
    return cached


def has_any_role(request: HttpRequest, roles: Iterable[Role]) -> bool:
    return not request_roles(request).isdisjoint(roles)
