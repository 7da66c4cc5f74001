"""Platform administration of associations (public host)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import NATIONAL_VIEWERS, PLATFORM_ADMINS, NationalAPIView, acting_user
from api.serializers.tenants import (
    AssociationCreateSerializer,
    AssociationOutputSerializer,
    AssociationUpdateSerializer,
    PurgeSerializer,
)
from tenants.models import Association
from tenants.selectors import association_list
from tenants.services import (
    MemberBodyInput,
    association_archive,
    association_create,
    association_purge,
    association_restore,
)


class AssociationListView(NationalAPIView):
    serializer_class = AssociationOutputSerializer
    required_roles = NATIONAL_VIEWERS
    write_roles = PLATFORM_ADMINS

    def get_queryset(self) -> QuerySet[Association]:
        archived = self.request.query_params.get("archived") == "1"
        return association_list(include_archived=archived)

    @extend_schema(
        operation_id="associations_list", responses=AssociationOutputSerializer(many=True)
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

    def get_queryset(self) -> QuerySet[Association]:
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
        for field, value in data.validated_data.items():
            setattr(association, field, value)
        association.full_clean()
        association.save(update_fields=list(data.validated_data) or None)
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
