"""An association's own results (/results/) and its social accounting report (bokslut):
page, PDF and the editable introduction. HTTP only: figures come from pilot.results."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from national.selectors import association_report, snapshot_published_latest
from pilot.results import (
    ResultPeriod,
    bokslut_build,
    bokslut_introduction_text,
    flow_table,
    fte_table,
    own_results_build,
    period_from_params,
    result_years,
)
from pilot.results.figures import number_text, percent_sign
from pilot.results.own import GOAL_AREAS
from pilot.results.pdf import NOTABLE, bokslut_pdf_render
from pilot.selectors import activity_list
from pilot.services import bokslut_introduction_save
from tenants.permissions import current_association, request_roles
from tenants.roles import ASSOCIATION_ROLES, Role
from vocabulary import half_year_label
from web.charts import funnel_svg
from web.mixins import RoleRequiredMixin, acting_user

if TYPE_CHECKING:
    from tenants.models import Association


def _association(request: HttpRequest) -> Association:
    association = current_association(request)
    if association is None:
        raise Http404
    return association


def _year(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise Http404
    return value


class ResultsView(RoleRequiredMixin, TemplateView):
    """Own results for a period (year by default), optionally one activity; the national
    comparison from the latest published snapshot (national rules) below them."""

    template_name = "web/results/results.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        years = result_years()
        params = self.request.GET
        errors: dict[str, list[str]] = {}
        default_year = years[0] if years else dt.date.today().year
        try:
            period = period_from_params(
                {"year": str(default_year), **{k: v for k, v in params.items() if v}}
            )
        except ValidationError as exc:
            errors = exc.message_dict
            period = ResultPeriod.year(default_year)
        activities = list(activity_list())  # by name (the model's ordering)
        activity = None
        if params.get("activity"):
            activity = next((a for a in activities if str(a.pk) == params["activity"]), None)
            if activity is None:
                errors["activity"] = [_("Insatsen finns inte.")]
        lang = get_language()
        own = own_results_build(period=period, activity=activity)
        context.update(
            errors=[m for msgs in errors.values() for m in msgs],
            period=period,
            period_label=period.label(lang),
            years=years or [default_year],
            activities=activities,
            activity=activity,
            own=own,
            areas=_areas(own.results, lang),
            flow=flow_table(period=period, activity=activity, lang=lang),
            fte=fte_table(up_to_year=period.end.year, lang=lang),
            bokslut_year=period.end.year,
            form={
                "year": params.get("year", ""),
                "half": params.get("half", ""),
                "from": params.get("from", ""),
                "to": params.get("to", ""),
            },
            is_admin=Role.ASSOCIATION_ADMIN in request_roles(self.request),
            answers_text=number_text(own.answers, lang),
            **_national_part(_association(self.request), period, params.get("point")),
        )
        return context


def _areas(results: Any, lang: str | None) -> list[tuple[str, list[Any]]]:
    from vocabulary import label

    return [
        (label("goal_area", code, lang), rows)
        for code in GOAL_AREAS
        if (rows := [r for r in results if r.goal_area == code])
    ]


def _national_part(
    association: Association, period: ResultPeriod, chosen: str | None
) -> dict[str, Any]:
    """This association's place in the latest national snapshot, for the half-years that
    overlap the period: a table of every point, and the chosen point's funnel charts. The
    national rules (k, no differencing) apply, as computed and stored by the national layer."""
    snapshot = snapshot_published_latest()
    pooled = (
        association_report(snapshot=snapshot, association=association.slug) if snapshot else None
    )
    lang = get_language()
    halves = {
        f"{year}H{half}"
        for year in range(period.start.year, period.end.year + 1)
        for half in (1, 2)
        if ResultPeriod.half(year, half).start <= period.end
        and ResultPeriod.half(year, half).end >= period.start
    }
    shown = [
        f
        for f in (pooled or {}).get("funnels", [])
        if f.get("period") in halves and (f.get("own") or {}).get("share") is not None
    ]
    points = sorted({int(f["point"]) for f in shown})
    point = int(chosen) if chosen and chosen.isdigit() and int(chosen) in points else None
    point = point if point is not None else (points[0] if points else None)
    rows, charts = [], []
    for f in sorted(shown, key=lambda f: (int(f["point"]), str(f["period"]))):
        own = f["own"]
        row = {
            "point": f["point"],
            "period": f["period"],
            "n": own.get("n"),
            "share_text": number_text(float(own["share"]) * 100, lang) + percent_sign(lang),
            "position": own.get("position_target"),
        }
        rows.append(row)
        if int(f["point"]) == point:
            title = _("Mätpunkt %(p)d, %(per)s") % {
                "p": f["point"],
                "per": half_year_label(f["period"], lang),
            }
            dot = {**f, "points": [{**own, "association": association.slug}]}
            svg = funnel_svg(dot, title=title, highlight=association.slug, show_others=False)
            charts.append({**row, "svg": mark_safe(svg)})
    withheld = [f for f in (pooled or {}).get("funnels", []) if f.get("national_share") is None]
    return {
        "snapshot": snapshot,
        "pooled": pooled is not None,
        "national_rows": rows,
        "national_points": points,
        "national_point": point,
        "funnels": charts,
        "national_withheld": bool(pooled) and bool(withheld),
        "national_k": snapshot.small_cell_k if snapshot else None,
        "min_associations": (pooled or {}).get(
            "min_associations", getattr(settings, "NNS_NATIONAL_MIN_ASSOCIATIONS", 3)
        ),
    }


class BokslutView(RoleRequiredMixin, TemplateView):
    """The social accounting report of one year, as a page."""

    template_name = "web/results/bokslut.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = _year(int(kwargs["year"]))
        context.update(
            report=bokslut_build(year=year),
            association=_association(self.request),
            edit_url=reverse("web:bokslut-introduction", kwargs={"year": year})
            if Role.ASSOCIATION_ADMIN in request_roles(self.request)
            else "",
            **NOTABLE,
        )
        return context


class BokslutPdfView(RoleRequiredMixin, TemplateView):
    """The same report as a PDF (WeasyPrint; fonts from Debian's fonts-dejavu and
    fonts-liberation, docs/results.md)."""

    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        year = _year(int(kwargs["year"]))
        association = _association(request)
        pdf = bokslut_pdf_render(
            year=year, association=association, base_url=request.build_absolute_uri("/")
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"socialt-bokslut-{association.slug}-{year}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class IntroductionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Inledning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Visas överst i det sociala bokslutet. Skriv aldrig personnummer eller namn på "
            "deltagare. Tom rad mellan stycken."
        ),
    )


class BokslutIntroductionView(RoleRequiredMixin, FormView):
    """The administrators' editor for one year's introduction (audited)."""

    template_name = "web/results/introduction.html"
    host_scope = "association"
    required_roles = frozenset({Role.ASSOCIATION_ADMIN})
    form_class = IntroductionForm

    def get_initial(self) -> dict[str, Any]:
        return {"text": bokslut_introduction_text(year=self._year())}

    def _year(self) -> int:
        return _year(int(self.kwargs["year"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "year": self._year()}

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            bokslut_introduction_save(
                actor=acting_user(self.request), year=self._year(), text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error("text" if field == "text" else None, msgs)
            return self.form_invalid(form)
        messages.success(self.request, _("Inledningen är sparad."))
        return redirect("web:bokslut", year=self._year())
