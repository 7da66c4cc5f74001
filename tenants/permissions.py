"""The one permission layer: every page and API endpoint asks these functions.

Roles are resolved against the association of the *current host* (request.tenant), never
against ids in the URL or body, so a member of A gets nothing of B through any route.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from tenants.models import Association
from tenants.roles import Role
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
        setattr(request, _CACHE_ATTR, cached)
    return cached


def has_any_role(request: HttpRequest, roles: Iterable[Role]) -> bool:
    return not request_roles(request).isdisjoint(roles)
