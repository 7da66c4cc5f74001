from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import get_language
from django.views.generic import TemplateView

from instrument.models import Point
from instrument.selectors import instrument_version_current
from pilot.selectors import activity_list
from tenants.permissions import current_association, request_roles
from tenants.roles import ASSOCIATION_ROLES, Role
from tenants.selectors import association_list, user_associations
from tenants.services import association_host
from web.mixins import RoleRequiredMixin


class HomeView(TemplateView):
    """Landing page: the national site on the public host, the association's own on its host."""

    def get_template_names(self) -> list[str]:
        if current_association(self.request) is None:
            return ["web/home_public.html"]
        return ["web/home_association.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roles = request_roles(self.request)
        association = current_association(self.request)
        if association is None:
            if roles & {Role.PLATFORM_ADMIN, Role.STEERING_GROUP}:
                context["associations"] = association_list()
            if self.request.user.is_authenticated:
                context["my_associations"] = [
                    (a.name, self._host_url(association_host(slug=a.slug)))
                    for a in user_associations(user=self.request.user)
                ]
        elif roles & ASSOCIATION_ROLES:
            context["activities"] = activity_list()
        return context

    def _host_url(self, host: str) -> str:
        port = self.request.get_port()
        suffix = "" if port in {"80", "443"} else f":{port}"
        return f"{self.request.scheme}://{host}{suffix}/"


class InstrumentView(RoleRequiredMixin, TemplateView):
    """The national instrument: each point with its indicator, statement and who answers it."""

    template_name = "web/instrument.html"
    required_roles = frozenset(Role)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = instrument_version_current()
        if version is None:
            raise Http404
        english = (get_language() or "sv").startswith("en")
        indicators = version.indicators.prefetch_related(
            Prefetch("points", queryset=Point.objects.prefetch_related("items"))
        )
        context.update(
            version=version,
            english=english,
            indicators=indicators,
            forms=version.forms.prefetch_related("form_items__item"),
        )
        return context
