"""Edit and end targets (local on the association's host, national on the public host).
A revision from a date is a new target (the create forms, prefilled from ``?from=<pk>``):
the services end the open-ended one the day before."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from instrument.selectors import national_target_get
from instrument.services import national_target_end, national_target_update
from pilot.selectors import local_target_get
from pilot.services import local_target_end, local_target_update
from tenants.roles import Role
from web.forms import TargetEndForm, TargetRuleForm
from web.mixins import RoleRequiredMixin, acting_user
from web.views import AssociationAdminMixin, revision_initial

if TYPE_CHECKING:
    from instrument.models import NationalTarget
    from pilot.models import LocalTarget


def target_initial(target: Any) -> dict[str, Any]:
    """A target's rule and period as form values (categories as "4, 5, 6")."""
    return {**revision_initial(target), "valid_from": target.valid_from,
            "valid_to": target.valid_to}  # fmt: skip


class _TargetChangeView(FormView):
    """Shared by the four views: look the target up, put service errors on the fields."""

    template_name = "web/config/target_change.html"
    success_message: Any = ""

    def lookup(self, pk: int) -> Any:
        """The target with primary key ``pk`` (None when there is none), from its selector."""
        raise NotImplementedError

    def target(self) -> Any:
        if not hasattr(self, "_target"):
            pk = self.kwargs.get("target") or self.kwargs.get("national_target")
            found = self.lookup(pk)
            if found is None:
                raise Http404
            self._target = found
        return self._target

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "target": self.target(),
                "cancel_url": self.success_url}  # fmt: skip

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            with transaction.atomic():
                self.save(dict(form.cleaned_data))
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return super().form_valid(form)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def save(self, data: dict[str, Any]) -> None:
        raise NotImplementedError


class _Edit(_TargetChangeView):
    form_class = TargetRuleForm
    success_message = _("Målnivån är ändrad.")
    extra_context = {"title": _("Ändra målnivå"), "action": "edit"}

    def get_initial(self) -> dict[str, Any]:
        return target_initial(self.target())


class _End(_TargetChangeView):
    form_class = TargetEndForm
    success_message = _("Målnivån är avslutad.")
    extra_context = {"title": _("Avsluta målnivå"), "action": "end"}


class _LocalMixin(AssociationAdminMixin):
    def lookup(self, pk: int) -> LocalTarget | None:
        return local_target_get(pk=pk)


class LocalTargetEditView(_LocalMixin, _Edit):
    success_url = reverse_lazy("web:config")

    def save(self, data: dict[str, Any]) -> None:
        local_target_update(target=self.target(), actor=acting_user(self.request), **data)


class LocalTargetEndView(_LocalMixin, _End):
    success_url = reverse_lazy("web:config")

    def save(self, data: dict[str, Any]) -> None:
        local_target_end(target=self.target(), actor=acting_user(self.request), **data)


class _NationalMixin(RoleRequiredMixin):
    host_scope = "national"
    required_roles = frozenset({Role.PLATFORM_ADMIN, Role.STEERING_GROUP})

    def lookup(self, pk: int) -> NationalTarget | None:
        return national_target_get(pk=pk)


class NationalTargetEditView(_NationalMixin, _Edit):
    success_url = reverse_lazy("web:national-targets")

    def save(self, data: dict[str, Any]) -> None:
        national_target_update(target=self.target(), actor=acting_user(self.request), **data)


class NationalTargetEndView(_NationalMixin, _End):
    success_url = reverse_lazy("web:national-targets")

    def save(self, data: dict[str, Any]) -> None:
        national_target_end(target=self.target(), actor=acting_user(self.request), **data)
