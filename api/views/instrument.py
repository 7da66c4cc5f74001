"""The national instrument, readable by every role on every host."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import EVERY_ROLE, AnyHostAPIView
from api.serializers.instrument import InstrumentVersionSerializer
from instrument.models import FormItem, InstrumentVersion


class InstrumentVersionDetailView(AnyHostAPIView):
    serializer_class = InstrumentVersionSerializer
    required_roles = EVERY_ROLE
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[InstrumentVersion]:
        return InstrumentVersion.objects.prefetch_related(
            "indicators",
            "points__items",
            "points__indicator",
            Prefetch("forms__form_items", queryset=FormItem.objects.select_related("item")),
        )

    def get(self, request: Request, code: str) -> Response:
        return Response(InstrumentVersionSerializer(self.get_object()).data)
