"""Researcher datasets through the API (national host)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import NationalAPIView, acting_user
from api.serializers.national import DatasetRequestSerializer
from national.datasets import (
    dataset_download_open,
    dataset_request_create,
    dataset_request_decide,
    dataset_request_summary,
)
from national.selectors import dataset_request_get, dataset_request_list
from tenants.roles import Role
from vocabulary.choices import DatasetPersonLink


class DatasetRequestInput(serializers.Serializer):
    """Shapes only; what the values may be (known items, formats, ethics number, no personal
    identity numbers in the purpose) is checked by the service, with field errors."""

    purpose = serializers.CharField()
    formats = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, allow_empty=True
    )
    fmt = serializers.CharField(max_length=16, required=False, help_text="One format (shorthand).")
    layout = serializers.CharField(max_length=8, default="wide")
    variables = serializers.ListField(child=serializers.CharField(max_length=40), default=list)
    period_from = serializers.DateField(required=False, allow_null=True, default=None)
    period_to = serializers.DateField(required=False, allow_null=True, default=None)
    association_names = serializers.BooleanField(default=False)
    organisation = serializers.CharField(allow_blank=True, default="", max_length=400)
    ethics_dnr = serializers.CharField(allow_blank=True, default="", max_length=80)
    language = serializers.CharField(max_length=8, default="sv")
    person_link = serializers.CharField(
        max_length=8,
        default=DatasetPersonLink.NONE,
        help_text="\"linked\": a pseudonym of this release's own links one person's rows (and "
        "staff ratings of the person); disclosure control then also protects each person's "
        'combination of values across their rows. "none" (default): no pseudonym.',
    )


class DecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField()


class DatasetListView(NationalAPIView):
    """A researcher's own requests; POST files a new one."""

    serializer_class = DatasetRequestSerializer
    required_roles = frozenset({Role.RESEARCHER})

    def get_queryset(self) -> Any:
        return dataset_request_list(requester=acting_user(self.request))

    @extend_schema(operation_id="datasets_list", responses=DatasetRequestSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(
            DatasetRequestSerializer([dataset_request_summary(r) for r in page], many=True).data
        )

    @extend_schema(request=DatasetRequestInput, responses={201: DatasetRequestSerializer})
    def post(self, request: Request) -> Response:
        data = DatasetRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = dataset_request_create(requester=acting_user(request), **data.validated_data)
        return Response(
            DatasetRequestSerializer(dataset_request_summary(item)).data,
            status=status.HTTP_201_CREATED,
        )


class DatasetDecisionView(NationalAPIView):
    """The steering group approves or rejects, with a reason."""

    serializer_class = DatasetRequestSerializer
    required_roles = frozenset({Role.STEERING_GROUP})

    @extend_schema(request=DecisionInput, responses={200: DatasetRequestSerializer})
    def post(self, request: Request, pk: int) -> Response:
        item = dataset_request_get(pk=pk)
        if item is None:
            raise Http404
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = dataset_request_decide(
            request=item, approver=acting_user(request), **data.validated_data
        )
        return Response(DatasetRequestSerializer(dataset_request_summary(item)).data)


class DatasetDownloadView(NationalAPIView):
    """The release file, for its requester only, while valid; every call is audited."""

    required_roles = frozenset({Role.RESEARCHER})

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The release file (an attachment)"
            )
        }
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        item = dataset_request_get(pk=pk)
        if item is None:
            raise Http404
        path, name = dataset_download_open(request=item, user=acting_user(request))  # audits
        return FileResponse(path.open("rb"), as_attachment=True, filename=name)
