"""An association's configuration on its own host: schedules, local items, local targets."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ASSOCIATION_ADMINS, ASSOCIATION_MEMBERS, AssociationAPIView, acting_user
from api.serializers.pilot import (
    ActivityFormsInputSerializer,
    ActivitySerializer,
    GoodExampleInputSerializer,
    GoodExampleSerializer,
    LocalItemInputSerializer,
    LocalItemPlacementSerializer,
    LocalItemSerializer,
    LocalTargetInputSerializer,
    LocalTargetSerializer,
    ScheduleInputSerializer,
    ScheduleSerializer,
)
from pilot.selectors import (
    activity_list,
    good_example_list,
    local_item_list,
    local_target_list,
)
from pilot.services import (
    activity_forms_set,
    good_example_report,
    local_item_create,
    local_item_place,
    local_target_create,
    schedule_add,
)


class ActivityFormsView(AssociationAPIView):
    serializer_class = ActivitySerializer
    required_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return activity_list()

    @extend_schema(request=ActivityFormsInputSerializer, responses=ActivitySerializer)
    def put(self, request: Request, pk: int) -> Response:
        data = ActivityFormsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = activity_forms_set(
            activity=self.get_object(), **data.validated_data, actor=acting_user(request)
        )
        return Response(ActivitySerializer(activity).data)


class ActivityScheduleListView(AssociationAPIView):
    serializer_class = ScheduleSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return activity_list()

    @extend_schema(operation_id="activity_schedules_list", responses=ScheduleSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return Response(ScheduleSerializer(self.get_object().schedules.all(), many=True).data)

    @extend_schema(request=ScheduleInputSerializer, responses=ScheduleSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = ScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = schedule_add(
            activity=self.get_object(), **data.validated_data, actor=acting_user(request)
        )
        return Response(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class LocalItemListView(AssociationAPIView):
    serializer_class = LocalItemSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return local_item_list()

    @extend_schema(operation_id="local_items_list", responses=LocalItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LocalItemSerializer(page, many=True).data)

    @extend_schema(request=LocalItemInputSerializer, responses=LocalItemSerializer)
    def post(self, request: Request) -> Response:
        data = LocalItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = local_item_create(**data.validated_data, actor=acting_user(request))
        return Response(LocalItemSerializer(item).data, status=status.HTTP_201_CREATED)


class LocalTargetListView(AssociationAPIView):
    serializer_class = LocalTargetSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return local_target_list()

    @extend_schema(operation_id="local_targets_list", responses=LocalTargetSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LocalTargetSerializer(page, many=True).data)

    @extend_schema(request=LocalTargetInputSerializer, responses=LocalTargetSerializer)
    def post(self, request: Request) -> Response:
        data = LocalTargetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = local_target_create(**data.validated_data, actor=acting_user(request))
        return Response(LocalTargetSerializer(target).data, status=status.HTTP_201_CREATED)


class GoodExampleListView(AssociationAPIView):
    """Good examples: JSON or multipart (with an attachment)."""

    serializer_class = GoodExampleSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Any]:
        return good_example_list()

    @extend_schema(operation_id="good_examples_list", responses=GoodExampleSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            GoodExampleSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=GoodExampleInputSerializer, responses=GoodExampleSerializer)
    def post(self, request: Request) -> Response:
        data = GoodExampleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        example = good_example_report(**data.validated_data, actor=acting_user(request))
        return Response(
            GoodExampleSerializer(example, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class LocalItemPlacementView(AssociationAPIView):
    """PUT the forms and activities a local item is asked in (replaces the placement)."""

    serializer_class = LocalItemSerializer
    required_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> QuerySet[Any]:
        return local_item_list()

    @extend_schema(request=LocalItemPlacementSerializer, responses=LocalItemSerializer)
    def put(self, request: Request, pk: int) -> Response:
        data = LocalItemPlacementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = local_item_place(
            item=self.get_object(),
            form_codes=data.validated_data["form_codes"],
            activities=list(data.validated_data["activities"]),
            actor=acting_user(request),
        )
        return Response(LocalItemSerializer(local_item_list().get(pk=item.pk)).data)
