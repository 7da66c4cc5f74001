"""An association's social accounting report (bokslut) as JSON and PDF, and its own results
for any period: the same figures as its pages (no small-cell rule inside the association)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ASSOCIATION_MEMBERS, AssociationAPIView
from api.serializers.common import ErrorSerializer
from api.serializers.results import BokslutSerializer, PeriodResultsSerializer
from pilot.results import bokslut_build, bokslut_json, own_results_build, period_from_params
from pilot.results.bokslut import plain
from pilot.results.pdf import bokslut_pdf_render
from pilot.results.tables import flow_table
from pilot.selectors import activity_list
from tenants.permissions import current_association


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


class BokslutView(AssociationAPIView):
    """The social accounting report of one year (``Accept-Language: en`` for English)."""

    required_roles = ASSOCIATION_MEMBERS

    @extend_schema(responses={200: BokslutSerializer})
    def get(self, request: Request, year: int) -> Response:
        association = current_association(request)
        assert association is not None
        report = bokslut_build(year=_year(year))
        return Response(bokslut_json(report, association=association.slug))


class BokslutPdfView(AssociationAPIView):
    """The same report as a PDF file."""

    required_roles = ASSOCIATION_MEMBERS

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, year: int) -> HttpResponse:
        association = current_association(request)
        assert association is not None
        pdf = bokslut_pdf_render(
            year=_year(year), association=association, base_url=request.build_absolute_uri("/")
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"socialt-bokslut-{association.slug}-{year}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class OwnResultsView(AssociationAPIView):
    """Own results for a period: ``year`` (default this year) and ``half`` (1/2), or
    ``from``/``to`` (YYYY-MM-DD); ``activity`` (id) narrows to one activity."""

    required_roles = ASSOCIATION_MEMBERS

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("year", "half", "from", "to", "activity")
        ],
        responses={200: PeriodResultsSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        try:
            period = period_from_params(request.query_params)
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from exc
        activity = None
        wanted = request.query_params.get("activity", "")
        if wanted:
            activity = activity_list().filter(pk=wanted).first() if wanted.isdigit() else None
            if activity is None:
                raise DRFValidationError({"activity": [_("Insatsen finns inte.")]})
        results = own_results_build(period=period, activity=activity)
        flow = flow_table(period=period, activity=activity)
        return Response(
            {
                "period": {"start": period.start, "end": period.end, "kind": period.kind},
                "activity": activity.pk if activity else None,
                "answers": results.answers,
                "results": plain(results.results),
                "flow": {
                    "columns": list(flow.columns),
                    "rows": [
                        {"code": code, "counts": [c.count for c in cells]}
                        for code, cells in flow.rows
                    ],
                },
            }
        )
