"""Change a target: PATCH its rule or period, POST .../end/ to end it. A revision from a date
is a POST of a new target to the list (the service ends the open-ended one the day before)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    ASSOCIATION_ADMINS,
    NATIONAL_VIEWERS,
    AssociationAPIView,
    NationalAPIView,
    acting_user,
)
from api.serializers.instrument import NationalTargetSerializer
from api.serializers.pilot import LocalTargetSerializer, TargetChangeSerializer, TargetEndSerializer
from instrument.selectors import national_target_list
from instrument.services import national_target_end, national_target_update
from pilot.selectors import local_target_list
from pilot.services import local_target_end, local_target_update


class LocalTargetDetailView(AssociationAPIView):
    serializer_class = LocalTargetSerializer
    required_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return local_target_list()

    @extend_schema(operation_id="local_target_read")
    def get(self, request: Request, pk: int) -> Response:
        return Response(LocalTargetSerializer(self.get_object()).data)

    @extend_schema(request=TargetChangeSerializer, responses=LocalTargetSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        data = TargetChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(data.validated_data)
        target = local_target_update(
            target=self.get_object(), actor=acting_user(request), **changes
        )
        return Response(LocalTargetSerializer(target).data)


class LocalTargetEndView(AssociationAPIView):
    serializer_class = LocalTargetSerializer
    required_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return local_target_list()

    @extend_schema(request=TargetEndSerializer, responses=LocalTargetSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = TargetEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = local_target_end(
            target=self.get_object(), actor=acting_user(request), **data.validated_data
        )
        return Response(LocalTargetSerializer(target).data)


class NationalTargetDetailView(NationalAPIView):
    serializer_class = NationalTargetSerializer
    required_roles = NATIONAL_VIEWERS

    def get_queryset(self) -> QuerySet[Any]:
        return national_target_list()

    @extend_schema(operation_id="national_target_read")
    def get(self, request: Request, pk: int) -> Response:
        return Response(NationalTargetSerializer(self.get_object()).data)

    @extend_schema(request=TargetChangeSerializer, responses=NationalTargetSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        data = TargetChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(data.validated_data)
        target = national_target_update(
            target=self.get_object(), actor=acting_user(request), **changes
        )
        return Response(NationalTargetSerializer(target).data)


class NationalTargetEndView(NationalAPIView):
    serializer_class = NationalTargetSerializer
    required_roles = NATIONAL_VIEWERS

    def get_queryset(self) -> QuerySet[Any]:
        return national_target_list()

    @extend_schema(request=TargetEndSerializer, responses=NationalTargetSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = TargetEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = national_target_end(
            target=self.get_object(), actor=acting_user(request), **data.validated_data
        )
        return Response(NationalTargetSerializer(target).data)
