from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ASSOCIATION_ADMINS, ASSOCIATION_MEMBERS, AssociationAPIView, acting_user
from api.serializers.pilot import ActivityInputSerializer, ActivitySerializer
from pilot.selectors import activity_list
from pilot.services import activity_create


class ActivityListView(AssociationAPIView):
    serializer_class = ActivitySerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return activity_list()

    @extend_schema(operation_id="activities_list", responses=ActivitySerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(request=ActivityInputSerializer, responses=ActivitySerializer)
    def post(self, request: Request) -> Response:
        data = ActivityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = activity_create(**data.validated_data, actor=acting_user(request))
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(AssociationAPIView):
    serializer_class = ActivitySerializer
    required_roles = ASSOCIATION_MEMBERS

    def get_queryset(self) -> QuerySet[Any]:
        return activity_list()

    def get(self, request: Request, pk: int) -> Response:
        return Response(ActivitySerializer(self.get_object()).data)
