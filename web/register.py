"""The association's municipality register data (full-year equivalents and population per
municipality and year): typed in, imported from a file, corrected or deleted row by row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from pilot.selectors import municipality_year_get, municipality_year_list
from pilot.services import (
    municipality_year_delete,
    municipality_year_update,
    municipality_year_upsert,
    municipality_years_import,
)
from pilot.services.imports import ImportRejected
from tenants.roles import Role
from vocabulary.municipalities import municipalities
from web.forms import errors_onto, form_page
from web.mixins import RoleRequiredMixin, acting_user

if TYPE_CHECKING:
    from pilot.models import MunicipalityYear


def _fte_field(verbose_name: Any) -> forms.DecimalField:
    # The register model's decimal(10, 1) with its verbose name as the label.
    return forms.DecimalField(label=capfirst(verbose_name), max_digits=10, decimal_places=1)


class MunicipalityYearForm(forms.Form):
    """The register row's fields as a plain form: an existing municipality and year is
    updated. The municipality is chosen from Sweden's 290 with their codes; the service
    refuses any other text with a message naming the closest one ("Menar du Skellefteå?")."""

    municipality = forms.CharField()  # a select of the municipalities, built per form
    year = forms.IntegerField(label=capfirst(_lazy("år")), min_value=0)
    sickness_disability_fte = _fte_field(
        _lazy("sjukpenning/sjuk- och aktivitetsersättning (helårsekvivalenter)")
    )
    labour_market_fte = _fte_field(_lazy("arbetsmarknadsstöd (helårsekvivalenter)"))
    financial_assistance_fte = _fte_field(_lazy("ekonomiskt bistånd (helårsekvivalenter)"))
    population_20_64 = forms.IntegerField(label=capfirst(_lazy("befolkning 20–64 år")), min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = forms.CharField(
            label=_lazy("Kommun"),
            max_length=100,
            widget=forms.Select(
                choices=[("", "–"), *((m.name, f"{m.name} ({m.code})") for m in municipalities())]
            ),
        )


class RegisterImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Fil med kommundata (.csv eller .xlsx)"))


class _AdminPage(RoleRequiredMixin, TemplateView):
    host_scope = "association"
    required_roles = frozenset({Role.ASSOCIATION_ADMIN})


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
                    errors_onto(upload, exc)
            return self._page(request, MunicipalityYearForm(), status=400, upload=upload)
        form = MunicipalityYearForm(request.POST)
        if form.is_valid():
            try:
                municipality_year_upsert(**form.cleaned_data, actor=acting_user(request))
                messages.success(request, _("Registeruppgifterna är sparade."))
                return redirect("web:register")
            except ValidationError as exc:
                errors_onto(form, exc)
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
            "rows": municipality_year_list(),
            "upload": upload or RegisterImportForm(),
            "cell_errors": cell_errors,
            "errors_total": errors_total,
        }
        return render(request, self.template_name, context, status=status)


class RegisterRowView(_AdminPage):
    """Correct or delete one municipality-year row."""

    template_name = "web/collect/register_row.html"

    def _row(self, pk: int) -> MunicipalityYear:
        row = municipality_year_get(pk=pk)
        if row is None:
            raise Http404
        return row

    def _render(
        self, request: HttpRequest, form: forms.Form, row: MunicipalityYear
    ) -> HttpResponse:
        title = _("Ändra registeruppgifter: %(m)s %(y)d") % {"m": row.municipality, "y": row.year}
        context = {"title": title, "cancel_url": reverse("web:register"), "row": row}
        return form_page(request, form, self.template_name, context)

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
                errors_onto(form, exc)
        return self._render(request, form, row)
