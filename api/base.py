"""The base views every endpoint derives from: host scope and role checks in one place.

* ``AssociationAPIView`` endpoints exist only on an association's host and work inside its
  schema; every queryset is therefore the current association's by construction, and ids
  from another association's schema simply do not resolve (404).
* ``NationalAPIView`` endpoints exist only on the public host.
* ``required_roles`` is checked for every method, ``write_roles`` additionally for unsafe ones.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from tenants.models import User
from tenants.permissions import current_association, has_any_role
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
    required_roles: ClassVar[frozenset[Role]] = frozenset()
    write_roles: ClassVar[frozenset[Role] | None] = None
    host_scope: ClassVar[str] = "any"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        on_association = current_association(request) is not None
        if (self.host_scope == "association" and not on_association) or (
            self.host_scope == "national" and on_association
        ):
            raise Http404
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class AssociationAPIView(_ScopedMixin, generics.GenericAPIView):  # type: ignore[misc]
    host_scope = "association"


class NationalAPIView(_ScopedMixin, generics.GenericAPIView):  # type: ignore[misc]
    host_scope = "national"


class AnyHostAPIView(_ScopedMixin, generics.GenericAPIView):  # type: ignore[misc]
    host_scope = "any"


def acting_user(request: Request) -> User:
    """The authenticated user (every scoped view requires one)."""
    assert isinstance(request.user, User)
    return request.user


ASSOCIATION_MEMBERS = frozenset({Role.ASSOCIATION_ADMIN, Role.ASSOCIATION_STAFF})
ASSOCIATION_ADMINS = frozenset({Role.ASSOCIATION_ADMIN})
PLATFORM_ADMINS = frozenset({Role.PLATFORM_ADMIN})
NATIONAL_VIEWERS = frozenset({Role.PLATFORM_ADMIN, Role.STEERING_GROUP})
EVERY_ROLE = frozenset(Role)
