"""The base views every endpoint derives from: host scope and role checks in one place.

* ``AssociationAPIView`` endpoints exist only on an association's host and work inside its
  schema; every queryset is therefore the current association's by construction, and ids
  from another association's schema simply do not resolve (404).
* ``NationalAPIView`` endpoints exist only on the public host.
* ``required_roles`` is checked for every method, ``write_roles`` additionally for unsafe ones.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from api.schema import ScopedAutoSchema
from tenants.models import User  # the acting user's type (see the import-linter contract)
from tenants.permissions import HostScope, has_any_role, host_scope_require
from tenants.roles import Role


class HasRequiredRole(permissions.BasePermission):
    message = "Du saknar behörighet för detta."

    def has_permission(self, request: Request, view: APIView) -> bool:
        roles: frozenset[Role] = getattr(view, "required_roles", frozenset())
        if not roles or not has_any_role(request, roles):
            return False
        write_roles: frozenset[Role] | None = getattr(view, "write_roles", None)
        if request.method not in permissions.SAFE_METHODS and write_roles is not None:
            return has_any_role(request, write_roles)
        return True


class _ScopedMixin:
    permission_classes = [permissions.IsAuthenticated, HasRequiredRole]
    schema = ScopedAutoSchema()  # documents the 400/403/404 answers in the error shape
    required_roles: ClassVar[frozenset[Role]] = frozenset()
    write_roles: ClassVar[frozenset[Role] | None] = None
    host_scope: ClassVar[HostScope | str] = HostScope.ANY

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        host_scope_require(request, self.host_scope)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class AssociationAPIView(_ScopedMixin, generics.GenericAPIView):  # type: ignore[misc]
    host_scope = HostScope.ASSOCIATION


class NationalAPIView(_ScopedMixin, generics.GenericAPIView):  # type: ignore[misc]
    host_scope = HostScope.NATIONAL


class AnyHostAPIView(_ScopedMixin, generics.GenericAPIView):  # type: ignore[misc]
    host_scope = HostScope.ANY


def acting_user(request: Request) -> User:
    """The authenticated user (every scoped view requires one)."""
    assert isinstance(request.user, User)
    return request.user


ASSOCIATION_MEMBERS = frozenset({Role.ASSOCIATION_ADMIN, Role.ASSOCIATION_STAFF})
ASSOCIATION_ADMINS = frozenset({Role.ASSOCIATION_ADMIN})
PLATFORM_ADMINS = frozenset({Role.PLATFORM_ADMIN})
NATIONAL_VIEWERS = frozenset({Role.PLATFORM_ADMIN, Role.STEERING_GROUP})
EVERY_ROLE = frozenset(Role)
