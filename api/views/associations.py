"""Platform administration of associations (public host)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import NATIONAL_VIEWERS, PLATFORM_ADMINS, NationalAPIView, acting_user
from api.serializers.queries import AssociationListQuery
from api.serializers.tenants import (
    AssociationCreateSerializer,
    AssociationOutputSerializer,
    AssociationUpdateSerializer,
    PurgeSerializer,
)
from tenants.selectors import association_list
from tenants.services import (
    MemberBodyInput,
    association_archive,
    association_create,
    association_purge,
    association_restore,
    association_update,
)


class AssociationListView(NationalAPIView):
    serializer_class = AssociationOutputSerializer
    required_roles = NATIONAL_VIEWERS
    write_roles = PLATFORM_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        query = AssociationListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return association_list(include_archived=query.validated_data.get("archived") == "1")

    @extend_schema(
        operation_id="associations_list",
        parameters=[AssociationListQuery],
        responses=AssociationOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AssociationOutputSerializer(page, many=True).data)

    @extend_schema(request=AssociationCreateSerializer, responses=AssociationOutputSerializer)
    def post(self, request: Request) -> Response:
        data = AssociationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        members = [MemberBodyInput(**m) for m in values.pop("member_bodies")]
        association = association_create(
            **values, member_bodies=members, actor=acting_user(request)
        )
        return Response(
            AssociationOutputSerializer(association).data, status=status.HTTP_201_CREATED
        )


class _AssociationDetailBase(NationalAPIView):
    serializer_class = AssociationOutputSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Any]:
        return association_list(include_archived=True)


class AssociationDetailView(_AssociationDetailBase):
    required_roles = NATIONAL_VIEWERS
    write_roles = PLATFORM_ADMINS

    def get(self, request: Request, slug: str) -> Response:
        return Response(AssociationOutputSerializer(self.get_object()).data)

    @extend_schema(request=AssociationUpdateSerializer, responses=AssociationOutputSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        association = self.get_object()
        data = AssociationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        association = association_update(
            association=association, actor=acting_user(request), **data.validated_data
        )
        return Response(AssociationOutputSerializer(association).data)


class AssociationArchiveView(_AssociationDetailBase):
    required_roles = PLATFORM_ADMINS

    @extend_schema(request=None, responses=AssociationOutputSerializer)
    def post(self, request: Request, slug: str) -> Response:
        association = association_archive(association=self.get_object(), actor=acting_user(request))
        return Response(AssociationOutputSerializer(association).data)


class AssociationRestoreView(_AssociationDetailBase):
    required_roles = PLATFORM_ADMINS

    @extend_schema(request=None, responses=AssociationOutputSerializer)
    def post(self, request: Request, slug: str) -> Response:
        association = association_restore(association=self.get_object(), actor=acting_user(request))
        return Response(AssociationOutputSerializer(association).data)


class AssociationPurgeView(_AssociationDetailBase):
    required_roles = PLATFORM_ADMINS

    @extend_schema(request=PurgeSerializer, responses={204: None})
    def post(self, request: Request, slug: str) -> Response:
        data = PurgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        association_purge(
            association=self.get_object(),
            actor=acting_user(request),
            confirm=data.validated_data["confirm"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
