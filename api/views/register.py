"""One municipality-year row of register data: read, correct (PUT) or delete it.

The list and the file import are in api/views/collection.py; the municipality is one of
Sweden's 290 (name or four-digit code), as on the page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ASSOCIATION_ADMINS, ASSOCIATION_MEMBERS, AssociationAPIView, acting_user
from api.serializers.collection import MunicipalityYearSerializer
from pilot.selectors import municipality_year_list
from pilot.services import municipality_year_delete, municipality_year_update


class MunicipalityYearDetailView(AssociationAPIView):
    serializer_class = MunicipalityYearSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> Any:
        return municipality_year_list()

    @extend_schema(operation_id="municipality_year_read")
    def get(self, request: Request, pk: int) -> Response:
        return Response(MunicipalityYearSerializer(self.get_object()).data)

    @extend_schema(request=MunicipalityYearSerializer, responses=MunicipalityYearSerializer)
    def put(self, request: Request, pk: int) -> Response:
        data = MunicipalityYearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = municipality_year_update(
            row=self.get_object(), **data.validated_data, actor=acting_user(request)
        )
        return Response(MunicipalityYearSerializer(row).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        municipality_year_delete(row=self.get_object(), actor=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
