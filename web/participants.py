"""The association's participants: the list, and recording a participant's exit and outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from instrument.targets import RegisterOutcome
from pilot.selectors import participant_get, participant_list
from pilot.services import participant_exit_record
from tenants.roles import ASSOCIATION_ROLES
from web.forms import errors_onto, form_page
from web.mixins import RoleRequiredMixin, acting_user

if TYPE_CHECKING:
    from pilot.models import Participant


class ParticipantExitForm(forms.Form):
    exited_on = forms.DateField(
        label=_lazy("Avslutsdatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    exit_outcome = forms.ChoiceField(
        label=_lazy("Utfall vid avslut"), choices=RegisterOutcome.choices
    )
    subsidised_work = forms.BooleanField(label=_lazy("Subventionerad anställning"), required=False)
    followup_months = forms.IntegerField(
        label=_lazy("Uppföljning efter (månader)"), required=False, min_value=1, max_value=60
    )
    followup_status = forms.ChoiceField(
        label=_lazy("Status vid uppföljning"),
        required=False,
        choices=[("", "–"), *RegisterOutcome.choices],
    )


class ParticipantListView(RoleRequiredMixin, TemplateView):
    template_name = "web/collect/participants.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        paginator = Paginator(participant_list(), 50)
        page = paginator.get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page}


class ParticipantExitView(RoleRequiredMixin, TemplateView):
    template_name = "web/config/form.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def _participant(self, code: str) -> Participant:
        participant = participant_get(code=code)
        if participant is None:
            raise Http404
        return participant

    def _render(self, request: HttpRequest, form: forms.Form, code: str) -> HttpResponse:
        title = _("Avslut och utfall för %s") % code
        return form_page(request, form, self.template_name, {"title": title})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        p = self._participant(kwargs["code"])
        form = ParticipantExitForm(
            initial={
                "exited_on": p.exited_on,
                "exit_outcome": p.exit_outcome,
                "subsidised_work": p.subsidised_work,
                "followup_months": p.followup_months,
                "followup_status": p.followup_status,
            }
        )
        return self._render(request, form, p.code)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        p = self._participant(kwargs["code"])
        form = ParticipantExitForm(request.POST)
        if form.is_valid():
            try:
                participant_exit_record(
                    participant=p, **form.cleaned_data, actor=acting_user(request)
                )
                messages.success(request, _("Utfallet är sparat."))
                return redirect("web:participants")
            except ValidationError as exc:
                errors_onto(form, exc)
        return self._render(request, form, p.code)
