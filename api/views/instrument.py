"""The national instrument, readable by every role on every host."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    EVERY_ROLE,
    NATIONAL_VIEWERS,
    AnyHostAPIView,
    NationalAPIView,
    acting_user,
)
from api.serializers.instrument import (
    InstrumentVersionSerializer,
    InstrumentVersionStatusSerializer,
    NationalTargetInputSerializer,
    NationalTargetSerializer,
)
from instrument.selectors import (
    instrument_version_current,
    instrument_version_list,
    national_target_list,
    point_get,
)
from instrument.services import instrument_version_publish, national_target_create
from tenants.permissions import HostScope, host_allows
from tenants.roles import INSTRUMENT_PUBLISHERS


class InstrumentVersionDetailView(AnyHostAPIView):
    serializer_class = InstrumentVersionSerializer
    required_roles = EVERY_ROLE
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return instrument_version_list(with_contents=True)

    def get(self, request: Request, code: str) -> Response:
        return Response(InstrumentVersionSerializer(self.get_object()).data)


class InstrumentVersionPublishView(NationalAPIView):
    """Publish a draft version (the steering group). Refused with the reasons while the draft
    has none or an invalid change; audited with the actor; the version is then fixed."""

    serializer_class = InstrumentVersionSerializer
    required_roles = INSTRUMENT_PUBLISHERS
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return instrument_version_list()

    @extend_schema(request=None, responses={200: InstrumentVersionStatusSerializer})
    def post(self, request: Request, code: str) -> Response:
        version = instrument_version_publish(version=self.get_object(), actor=acting_user(request))
        return Response(InstrumentVersionStatusSerializer(version).data)


class NationalTargetListView(AnyHostAPIView):
    """National default targets: readable by everyone, set on the national host."""

    serializer_class = NationalTargetSerializer
    required_roles = EVERY_ROLE
    write_roles = NATIONAL_VIEWERS

    def get_queryset(self) -> Any:
        return national_target_list()

    @extend_schema(
        operation_id="national_targets_list", responses=NationalTargetSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NationalTargetSerializer(page, many=True).data)

    @extend_schema(request=NationalTargetInputSerializer, responses=NationalTargetSerializer)
    def post(self, request: Request) -> Response:
        if not host_allows(request, HostScope.NATIONAL):
            raise PermissionDenied("Nationella målnivåer sätts på den nationella nivån.")
        data = NationalTargetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = instrument_version_current()
        point = point_get(version=version, number=values.pop("point"))
        if point is None:
            raise ValidationError({"point": ["Okänd mätpunkt."]})
        target = national_target_create(point=point, actor=acting_user(request), **values)
        return Response(NationalTargetSerializer(target).data, status=status.HTTP_201_CREATED)
