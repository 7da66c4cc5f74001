"""Role checks for pages: the same permission layer as the API."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from tenants.permissions import current_association, has_any_role
from tenants.roles import Role


class RoleRequiredMixin(LoginRequiredMixin):
    required_roles: ClassVar[frozenset[Role]] = frozenset()
    host_scope: ClassVar[str] = "any"  # "association", "national" or "any"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        on_association = current_association(request) is not None
        if (self.host_scope == "association" and not on_association) or (
            self.host_scope == "national" and on_association
        ):
            raise Http404
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_any_role(request, self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
