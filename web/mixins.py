"""Role checks for pages: the same permission layer as the API."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from tenants.models import User
from tenants.permissions import HostScope, has_any_role, host_scope_require
from tenants.roles import Role


def acting_user(request: HttpRequest) -> User:
    """The logged-in user behind a write (every role-checked page requires one)."""
    assert isinstance(request.user, User)
    return request.user


class RoleRequiredMixin(LoginRequiredMixin):
    required_roles: ClassVar[frozenset[Role]] = frozenset()
    host_scope: ClassVar[HostScope | str] = HostScope.ANY

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        host_scope_require(request, self.host_scope)
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_any_role(request, self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
