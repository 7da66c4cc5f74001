"""Association pages for collecting answers: the overview with response rates, invitations
(printable with QR codes) and file import. Register data: web.register; participants'
exits: web.participants."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from instrument.selectors import form_list, instrument_version_current
from pilot.selectors import (
    activity_get,
    activity_list,
    invitation_list,
    participant_active_list,
    participant_count,
    participant_list,
    recipients_for_form,
    response_rates,
)
from pilot.services import invitations_issue
from pilot.services.imports import ImportRejected, responses_import
from tenants.roles import ASSOCIATION_ROLES, Role
from vocabulary import PARTICIPANT_FORMS, label
from vocabulary.choices import Occasion
from web.forms import errors_onto
from web.mailbox import mailbox_enabled
from web.mixins import RoleRequiredMixin, acting_user

if TYPE_CHECKING:
    from pilot.models import Activity, Participant


def _form_choices() -> list[tuple[str, str]]:
    version = instrument_version_current()
    english = (get_language() or "sv").startswith("en")
    return [(f.code, f.name_en if english else f.name_sv) for f in form_list(version=version)]


class InvitationForm(forms.Form):
    """Step two of the invitation page: everything scoped to the chosen activity."""

    DELIVERY = [("print", _lazy("Skriv ut (QR-kod och kod)")), ("email", _lazy("Skicka e-post"))]

    form_code = forms.ChoiceField(label=_lazy("Formulär"))
    occasion = forms.ChoiceField(label=_lazy("Mättillfälle"))
    participants = forms.ModelMultipleChoiceField(
        label=_lazy("Deltagare"),
        required=False,
        queryset=participant_list().none(),
        widget=forms.CheckboxSelectMultiple,
    )
    count = forms.IntegerField(
        label=_lazy("Antal länkar (formulär som inte gäller en deltagare)"),
        required=False,
        min_value=1,
        max_value=1000,
    )
    delivery = forms.ChoiceField(
        label=_lazy("Utskick"),
        choices=DELIVERY,
        initial="print",
        required=False,
        widget=forms.RadioSelect,
    )
    valid_days = forms.IntegerField(
        label=_lazy("Giltig i dagar"), initial=30, min_value=1, max_value=365
    )

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_ = form_list(version=instrument_version_current(), codes=activity.form_codes)
        lang = get_language()
        self.fields["form_code"].choices = [  # type: ignore[attr-defined]
            (f.code, label("form", f.code, lang)) for f in forms_
        ]
        used = {o for f in forms_ for o in f.occasions}
        self.fields["occasion"].choices = [  # type: ignore[attr-defined]
            (code, name) for code, name in Occasion.choices if code in used
        ]
        self.fields["participants"].queryset = participant_active_list(activity=activity)  # type: ignore[attr-defined]
        self.fields["participants"].label_from_instance = _participant_label  # type: ignore[attr-defined]


def _participant_label(participant: Participant) -> str:
    since = _("sedan %s") % participant.started_on.isoformat()
    address = _("e-post finns") if participant.email else _("ingen e-post")
    return f"{participant.code} · {since} · {address}"


class ImportForm(forms.Form):
    form_code = forms.ChoiceField(label=_lazy("Formulär"))
    file = forms.FileField(label=_lazy("Fil (.csv eller .xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_code"].choices = _form_choices()  # type: ignore[attr-defined]


class _AdminPage(RoleRequiredMixin, TemplateView):
    host_scope = "association"
    required_roles = frozenset({Role.ASSOCIATION_ADMIN})


class CollectionView(RoleRequiredMixin, TemplateView):
    template_name = "web/collect/overview.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "rates": response_rates(),
            "participants": participant_count(),
            "mailbox": mailbox_enabled(),
        }


class InvitationCreateView(_AdminPage):
    """Activity first, then its participants (search, select all active), forms, occasions."""

    template_name = "web/collect/invitation_new.html"
    required_roles = ASSOCIATION_ROLES

    def _activity(self, request: HttpRequest) -> Activity | None:
        raw = request.POST.get("activity") or request.GET.get("activity") or ""
        return activity_get(pk=int(raw)) if raw.isdigit() else None

    def _render(
        self, request: HttpRequest, activity: Activity | None, form: InvitationForm | None
    ) -> HttpResponse:
        context = {
            "title": _("Skapa enkätlänkar"),
            "activities": activity_list(),
            "activity": activity,
            "form": form,
        }
        status = 400 if form is not None and form.errors else 200
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activity = self._activity(request)
        form = InvitationForm(activity=activity) if activity else None
        return self._render(request, activity, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activity = self._activity(request)
        if activity is None:
            return self._render(request, None, None)
        form = InvitationForm(request.POST, activity=activity)
        if form.is_valid():
            data = form.cleaned_data
            by_email = data["delivery"] == "email"
            # By e-mail, a staff/manager/board/partner form goes to its group's list.
            to_list = by_email and data["form_code"] not in PARTICIPANT_FORMS
            recipients = recipients_for_form(form_code=data["form_code"]) if to_list else []
            if to_list and not recipients:
                form.add_error(
                    "delivery",
                    _("Det finns ingen att skicka till. Lägg till mottagare på sidan %s.")
                    % _("Mottagare av e-post"),
                )
                return self._render(request, activity, form)
            try:
                issued = invitations_issue(
                    form_code=data["form_code"],
                    occasion=data["occasion"],
                    activity=activity,
                    participants=list(data["participants"]),
                    recipients=recipients,
                    count=0 if recipients else data["count"] or 0,
                    valid_days=data["valid_days"],
                    by_email=by_email,
                    base_url=request.build_absolute_uri("/"),
                    actor=acting_user(request),
                )
                if by_email:
                    messages.success(
                        request,
                        _("%(n)d enkätlänkar skickas med e-post.") % {"n": len(issued)},
                    )
                return redirect("web:invitation-batch", batch=issued[0].batch)
            except ValidationError as exc:
                errors_onto(form, exc)
        return self._render(request, activity, form)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


class InvitationBatchView(_AdminPage):
    """A printable sheet: one card per link with its QR code and short code; e-mailed links
    are listed with their status instead."""

    template_name = "web/collect/invitations.html"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invitations = invitation_list(batch=kwargs["batch"])
        cards = []
        emailed = [i for i in invitations if i.email]
        for invitation in invitations:
            if invitation.email:
                continue
            url = self.request.build_absolute_uri(f"/q/{invitation.token}/")
            cards.append({"invitation": invitation, "url": url, "qr": mark_safe(_qr_svg(url))})
        return {
            **super().get_context_data(**kwargs),
            "cards": cards,
            "emailed": emailed,
            "code_url": self.request.build_absolute_uri("/q/"),
        }


class ImportPageView(_AdminPage):
    template_name = "web/collect/import.html"
    required_roles = ASSOCIATION_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name, {"form": ImportForm(), "forms": _form_choices()})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form, "forms": _form_choices()}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = responses_import(
                    filename=upload.name,
                    content=upload.file,
                    form_code=form.cleaned_data["form_code"],
                    uploaded_by=request.user.get_username(),
                    actor=acting_user(request),
                )
            except ImportRejected as exc:
                context["cell_errors"] = exc.cell_errors
                context["errors_total"] = exc.total
                return render(request, self.template_name, context, status=400)
            except ValidationError as exc:
                errors_onto(form, exc)
                return render(request, self.template_name, context, status=400)
            if result.created:
                messages.success(request, _("%(n)d rader är sparade.") % {"n": result.batch.rows})
            else:
                messages.info(request, _("Filen är redan inläst; inget nytt sparades."))
            return redirect("web:collect")
        return render(request, self.template_name, context, status=400)
