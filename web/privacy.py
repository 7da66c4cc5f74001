"""Data-protection pages: erase a participant, the audit trail, the association's export and
its privacy settings (retention, privacy notice)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from ops.privacy.erasure import participant_erase, participant_erasure_preview
from ops.privacy.export import association_export
from ops.privacy.retention import retention_cutoff, retention_months
from ops.privacy.selectors import audit_actions, audit_actors, audit_events
from ops.privacy.services import association_privacy_set
from pilot.selectors import participant_get
from tenants.permissions import current_association, has_any_role
from tenants.roles import Role
from tenants.selectors import association_names
from vocabulary import label
from web.mixins import RoleRequiredMixin, acting_user

if TYPE_CHECKING:
    from pilot.models import Participant


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
        participant = participant_get(code=code)
        if participant is None:
            raise Http404
        return participant

    def _render(
        self, request: HttpRequest, participant: Participant, form: forms.Form
    ) -> HttpResponse:
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


class PrivacySettingsForm(forms.Form):
    retention_months = forms.IntegerField(
        label=_lazy("Lagringstid (månader)"),
        required=False,
        min_value=1,
        max_value=240,
        help_text=_lazy(
            "Personuppgifter raderas så många månader efter deltagarens senaste aktivitet "
            "(avslut, senaste enkät eller start). Tomt: plattformens standard."
        ),
    )
    privacy_notice = forms.CharField(
        label=_lazy("Integritetsmeddelande i enkäten"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_lazy(
            "Visas för den som svarar, efter plattformens allmänna text: t.ex. "
            "personuppgiftsansvarig, kontaktuppgifter och dataskyddsombud."
        ),
    )


class PrivacyView(_AdminPage):
    """The association's data-protection page: retention, privacy notice, export, audit."""

    template_name = "web/privacy/settings.html"

    def _render(self, request: HttpRequest, form: forms.Form) -> HttpResponse:
        association = current_association(request)
        assert association is not None
        context = {
            "form": form,
            "months": retention_months(association=association),
            "default_months": settings.NNS_RETENTION_MONTHS_DEFAULT,
            "own_period": association.retention_months is not None,
            "cutoff": retention_cutoff(association=association, today=timezone.localdate()),
        }
        return render(request, self.template_name, context, status=400 if form.errors else 200)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        association = current_association(request)
        assert association is not None
        initial = {
            "retention_months": association.retention_months,
            "privacy_notice": association.privacy_notice,
        }
        return self._render(request, PrivacySettingsForm(initial=initial))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        association = current_association(request)
        assert association is not None
        form = PrivacySettingsForm(request.POST)
        if form.is_valid():
            try:
                association_privacy_set(
                    actor=acting_user(request), association=association, **form.cleaned_data
                )
                messages.success(request, _("Inställningarna är sparade."))
                return redirect("web:privacy")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return self._render(request, form)


class ExportView(_AdminPage):
    """All of the association's data as a zip (ops.privacy.export)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        association = current_association(request)
        assert association is not None
        data = association_export(actor=acting_user(request))
        name = f"{association.slug}-export-{timezone.localdate():%Y-%m-%d}.zip"
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


def action_label(code: str, lang: str | None) -> str:
    """The vocabulary's label, or a readable fallback for an action it does not know."""
    text = label("audit_action", code, lang)
    if text != code:
        return text
    return code.replace(".", ": ").replace("_", " ").capitalize()


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_lazy("Händelse"), required=False)
    actor = forms.TypedChoiceField(
        label=_lazy("Användare"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(
        label=_lazy("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_lazy("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, scope: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language()
        actions = [(a, action_label(a, lang)) for a in audit_actions(association_slug=scope)]
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("Alla")), *sorted(actions, key=lambda c: c[1])]
        actors = [
            (u.pk, u.get_full_name() or u.username) for u in audit_actors(association_slug=scope)
        ]
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ChoiceField)
        actor_field.choices = [("", _("Alla")), *actors]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Slutdatum före startdatum."))
        return data


class AuditTrailView(RoleRequiredMixin, TemplateView):
    """Platform administrators (national host): every event. Association administrators
    (their association's host): their association's events only."""

    template_name = "web/privacy/audit.html"
    required_roles = frozenset({Role.ASSOCIATION_ADMIN, Role.PLATFORM_ADMIN})
    per_page = 50

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        association = current_association(request)
        if association is None:
            if not has_any_role(request, {Role.PLATFORM_ADMIN}):
                raise PermissionDenied
            scope = None
        else:
            if not has_any_role(request, {Role.ASSOCIATION_ADMIN}):
                raise PermissionDenied
            scope = association.slug
        form = AuditFilterForm(request.GET or None, scope=scope)
        filters: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            filters = {
                "action": data.get("action") or "",
                "actor_id": data.get("actor"),
                "date_from": data.get("date_from"),
                "date_to": data.get("date_to"),
            }
        events = audit_events(association_slug=scope, **filters)
        page = Paginator(events, self.per_page).get_page(request.GET.get("page"))
        lang = get_language()
        names = association_names() if scope is None else {}
        rows = [
            {
                "event": event,
                # purged associations keep their audit trail: their slug stands in for the name
                "association": names.get(event.association_slug, event.association_slug),
                "label": action_label(event.action, lang),
                "details": _details_text(event.details),
            }
            for event in page
        ]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "rows": rows,
            "scope": scope,
            "query": query.urlencode(),
            "total": page.paginator.count,
        }
        return render(request, self.template_name, context, status=400 if form.errors else 200)


DETAIL_LABELS = {
    "answers": _lazy("svar"),
    "responses": _lazy("enkätsvar"),
    "invitations": _lazy("enkätlänkar"),
    "pooled_rows": _lazy("rader i sammanställningar"),
    "erased": _lazy("raderade"),
    "months": _lazy("månader"),
    "rows": _lazy("rader"),
    "tables": _lazy("tabeller"),
}


def _details_text(details: dict[str, Any]) -> str:
    """A short reading of an event's details: counts with Swedish words where known."""
    parts = []
    for key, value in details.items():
        if key in DETAIL_LABELS and isinstance(value, int | str):
            parts.append(f"{value} {DETAIL_LABELS[key]}")
    return ", ".join(parts)
