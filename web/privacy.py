"""Data-protection pages: erase a participant, the audit trail, the association's export and
its privacy settings (retention, privacy notice)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from ops.privacy.erasure import participant_erase, participant_erasure_preview
from pilot.models import Participant
from tenants.roles import Role
from web.mixins import RoleRequiredMixin, acting_user


class _AdminPage(RoleRequiredMixin, TemplateView):
    host_scope = "association"
    required_roles = frozenset({Role.ASSOCIATION_ADMIN})


class EraseConfirmForm(forms.Form):
    confirm_code = forms.CharField(
        label=_lazy("Skriv deltagarkoden för att bekräfta"), max_length=40
    )

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code

    def clean_confirm_code(self) -> str:
        value = str(self.cleaned_data["confirm_code"]).strip()
        if value != self.code:
            raise forms.ValidationError(_("Koden stämmer inte med deltagarens kod."))
        return value


class ParticipantEraseView(_AdminPage):
    """Confirm step, then erasure (ops.privacy.erasure.participant_erase)."""

    template_name = "web/privacy/erase.html"

    def _participant(self, code: str) -> Participant:
        participant = Participant.objects.filter(code=code).first()
        if participant is None:
            raise Http404
        return participant

    def _render(self, request: HttpRequest, participant: Participant, form: forms.Form) -> HttpResponse:
        context = {
            "participant": participant,
            "preview": participant_erasure_preview(participant=participant),
            "form": form,
        }
        return render(request, self.template_name, context, status=400 if form.errors else 200)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self._participant(kwargs["code"])
        return self._render(request, participant, EraseConfirmForm(code=participant.code))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self._participant(kwargs["code"])
        form = EraseConfirmForm(request.POST, code=participant.code)
        if not form.is_valid():
            return self._render(request, participant, form)
        result = participant_erase(actor=acting_user(request), participant=participant)
        messages.success(
            request,
            _("Deltagaren är raderad: %(responses)d enkätsvar och %(invitations)d enkätlänkar.")
            % {"responses": result.responses, "invitations": result.invitations},
        )
        return redirect("web:participants")
