"""The one permission layer: every page and API endpoint asks these functions.

Roles are resolved against the association of the *current host* (request.tenant), never
against ids in the URL or body, so a member of A gets nothing of B through any route.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.http import Http404, HttpRequest

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


class HostScope(StrEnum):
    """Where a page or endpoint exists: an association's host, the national host, or both."""

    ASSOCIATION = "association"
    NATIONAL = "national"
    ANY = "any"


def host_allows(request: HttpRequest, scope: HostScope | str) -> bool:
    """The one host check: does a view of ``scope`` exist on this request's host?"""
    if scope == HostScope.ANY:
        return True
    on_association = current_association(request) is not None
    return on_association == (scope == HostScope.ASSOCIATION)


def host_scope_require(request: HttpRequest, scope: HostScope | str) -> None:
    """404 unless the view exists on this host (a wrong host hides it, it does not refuse)."""
    if not host_allows(request, scope):
        raise Http404


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
