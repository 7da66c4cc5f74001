"""Association pages for collecting answers: invitations (printable with QR codes), file
import, response rates and municipality register data."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from instrument.models import Form
from instrument.selectors import instrument_version_current
from instrument.targets import RegisterOutcome
from pilot.models import Activity, Invitation, MunicipalityYear, Participant
from pilot.selectors import recipients_for_form, response_rates
from pilot.services import (
    invitations_issue,
    municipality_year_delete,
    municipality_year_update,
    municipality_year_upsert,
    municipality_years_import,
    participant_exit_record,
)
from pilot.services.imports import ImportRejected, responses_import
from tenants.roles import ASSOCIATION_ROLES, Role
from vocabulary import PARTICIPANT_FORMS, label
from vocabulary.choices import Occasion
from vocabulary.municipalities import municipalities
from web.mailbox import mailbox_enabled
from web.mixins import RoleRequiredMixin, acting_user


def _form_choices() -> list[tuple[str, str]]:
    version = instrument_version_current()
    english = (get_language() or "sv").startswith("en")
    return [
        (f.code, f.name_en if english else f.name_sv) for f in Form.objects.filter(version=version)
    ]


class InvitationForm(forms.Form):
    """Step two of the invitation page: everything scoped to the chosen activity."""

    DELIVERY = [("print", _lazy("Skriv ut (QR-kod och kod)")), ("email", _lazy("Skicka e-post"))]

    form_code = forms.ChoiceField(label=_lazy("Formulär"))
    occasion = forms.ChoiceField(label=_lazy("Mättillfälle"))
    participants = forms.ModelMultipleChoiceField(
        label=_lazy("Deltagare"),
        required=False,
        queryset=Participant.objects.none(),
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
        forms_ = Form.objects.filter(
            version=instrument_version_current(), code__in=activity.form_codes
        )
        lang = get_language()
        self.fields["form_code"].choices = [  # type: ignore[attr-defined]
            (f.code, label("form", f.code, lang)) for f in forms_
        ]
        used = {o for f in forms_ for o in f.occasions}
        self.fields["occasion"].choices = [  # type: ignore[attr-defined]
            (code, name) for code, name in Occasion.choices if code in used
        ]
        self.fields["participants"].queryset = Participant.objects.filter(  # type: ignore[attr-defined]
            activity=activity, exited_on__isnull=True
        ).order_by("code")
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


class MunicipalityYearForm(forms.Form):
    """The model's fields as a plain form: an existing municipality and year is updated. The
    municipality is chosen from Sweden's 290 with their codes; the service refuses any other
    text with a message naming the closest one ("Menar du Skellefteå?")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                MunicipalityYear,
                fields=[
                    "municipality",
                    "year",
                    "sickness_disability_fte",
                    "labour_market_fte",
                    "financial_assistance_fte",
                    "population_20_64",
                ],
            )
        )
        self.fields["municipality"] = forms.CharField(
            label=_lazy("Kommun"),
            max_length=100,
            widget=forms.Select(
                choices=[("", "–"), *((m.name, f"{m.name} ({m.code})") for m in municipalities())]
            ),
        )


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
            "participants": Participant.objects.count(),
            "mailbox": mailbox_enabled(),
        }


def _service_form_page(
    request: HttpRequest, form: forms.Form, template: str, extra: dict[str, Any]
) -> HttpResponse:
    return render(request, template, {"form": form, **extra}, status=400 if form.errors else 200)


def _errors_onto(form: forms.BaseForm, exc: ValidationError) -> None:
    for field, messages_ in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class InvitationCreateView(_AdminPage):
    """Activity first, then its participants (search, select all active), forms, occasions."""

    template_name = "web/collect/invitation_new.html"
    required_roles = ASSOCIATION_ROLES

    def _activity(self, request: HttpRequest) -> Activity | None:
        raw = request.POST.get("activity") or request.GET.get("activity") or ""
        return Activity.objects.filter(pk=int(raw)).first() if raw.isdigit() else None

    def _render(
        self, request: HttpRequest, activity: Activity | None, form: InvitationForm | None
    ) -> HttpResponse:
        context = {
            "title": _("Skapa enkätlänkar"),
            "activities": Activity.objects.all(),
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
                _errors_onto(form, exc)
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
        invitations = Invitation.objects.filter(batch=kwargs["batch"]).select_related(
            "participant", "activity"
        )
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
                _errors_onto(form, exc)
                return render(request, self.template_name, context, status=400)
            if result.created:
                messages.success(request, _("%(n)d rader är sparade.") % {"n": result.batch.rows})
            else:
                messages.info(request, _("Filen är redan inläst; inget nytt sparades."))
            return redirect("web:collect")
        return render(request, self.template_name, context, status=400)


class RegisterView(_AdminPage):
    template_name = "web/collect/register.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._page(request, MunicipalityYearForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.FILES:
            upload = RegisterImportForm(request.POST, request.FILES)
            if upload.is_valid():
                file = upload.cleaned_data["file"]
                try:
                    count = municipality_years_import(
                        filename=file.name, content=file.file, actor=acting_user(request)
                    )
                    messages.success(request, _("%(n)d rader är sparade.") % {"n": count})
                    return redirect("web:register")
                except ImportRejected as exc:
                    return self._page(
                        request,
                        MunicipalityYearForm(),
                        status=400,
                        cell_errors=exc.cell_errors,
                        errors_total=exc.total,
                    )
                except ValidationError as exc:
                    _errors_onto(upload, exc)
            return self._page(request, MunicipalityYearForm(), status=400, upload=upload)
        form = MunicipalityYearForm(request.POST)
        if form.is_valid():
            try:
                municipality_year_upsert(**form.cleaned_data, actor=acting_user(request))
                messages.success(request, _("Registeruppgifterna är sparade."))
                return redirect("web:register")
            except ValidationError as exc:
                _errors_onto(form, exc)
        return self._page(request, form, status=400)

    def _page(
        self,
        request: HttpRequest,
        form: forms.BaseForm,
        status: int = 200,
        upload: forms.Form | None = None,
        cell_errors: object = None,
        errors_total: int = 0,
    ) -> HttpResponse:
        context = {
            "form": form,
            "rows": MunicipalityYear.objects.all(),
            "upload": upload or RegisterImportForm(),
            "cell_errors": cell_errors,
            "errors_total": errors_total,
        }
        return render(request, self.template_name, context, status=status)


class RegisterRowView(_AdminPage):
    """Correct or delete one municipality-year row."""

    template_name = "web/collect/register_row.html"

    def _row(self, pk: int) -> MunicipalityYear:
        row = MunicipalityYear.objects.filter(pk=pk).first()
        if row is None:
            raise Http404
        return row

    def _render(
        self, request: HttpRequest, form: forms.Form, row: MunicipalityYear
    ) -> HttpResponse:
        title = _("Ändra registeruppgifter: %(m)s %(y)d") % {"m": row.municipality, "y": row.year}
        context = {"title": title, "cancel_url": reverse("web:register"), "row": row}
        return _service_form_page(request, form, self.template_name, context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self._row(kwargs["row"])
        initial = {f: getattr(row, f) for f in MunicipalityYearForm().fields}
        return self._render(request, MunicipalityYearForm(initial=initial), row)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self._row(kwargs["row"])
        if "delete" in request.POST:
            name = f"{row.municipality} {row.year}"
            municipality_year_delete(row=row, actor=acting_user(request))
            messages.success(request, _("Raden för %s är borttagen.") % name)
            return redirect("web:register")
        form = MunicipalityYearForm(request.POST)
        if form.is_valid():
            try:
                municipality_year_update(row=row, **form.cleaned_data, actor=acting_user(request))
                messages.success(request, _("Registeruppgifterna är sparade."))
                return redirect("web:register")
            except ValidationError as exc:
                _errors_onto(form, exc)
        return self._render(request, form, row)


class RegisterImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Fil med kommundata (.csv eller .xlsx)"))


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
        paginator = Paginator(Participant.objects.select_related("activity"), 50)
        page = paginator.get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page}


class ParticipantExitView(_AdminPage):
    template_name = "web/config/form.html"
    required_roles = ASSOCIATION_ROLES

    def _participant(self, code: str) -> Participant:
        participant = Participant.objects.filter(code=code).first()
        if participant is None:
            raise Http404
        return participant

    def _render(self, request: HttpRequest, form: forms.Form, code: str) -> HttpResponse:
        title = _("Avslut och utfall för %s") % code
        return _service_form_page(request, form, self.template_name, {"title": title})

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
                _errors_onto(form, exc)
        return self._render(request, form, p.code)
