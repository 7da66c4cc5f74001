"""The national layer on the public host: snapshots (pooling runs) and their reports."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import NATIONAL_VIEWERS, NationalAPIView, acting_user
from api.serializers.common import ErrorSerializer
from api.serializers.national import (
    SnapshotDetailSerializer,
    SnapshotProgressSerializer,
    SnapshotReportSerializer,
)
from national.pooling import (
    SnapshotNotPublishable,
    SnapshotRunning,
    snapshot_publish,
    snapshot_resume,
    snapshot_start,
)
from national.selectors import (
    snapshot_by_number,
    snapshot_list,
    snapshot_progress,
    snapshot_report,
    snapshot_review_coverage,
)
from vocabulary.choices import ReportKind, SnapshotStatus

# what the steering group may read of a snapshot that is not published: its review
REVIEWABLE = (SnapshotStatus.DRAFT, SnapshotStatus.PUBLISHED)


def _progress(snapshot: Any) -> Any:
    return SnapshotProgressSerializer(snapshot_progress(snapshot=snapshot)).data


def _conflict_doc(why: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=why)


def _conflict(exc: Exception) -> Response:
    return Response({"detail": str(exc), "errors": {}}, status=status.HTTP_409_CONFLICT)


class SnapshotListView(NationalAPIView):
    """List pooling runs; POST starts a new one (steering group or platform administrator)."""

    serializer_class = SnapshotProgressSerializer
    required_roles = NATIONAL_VIEWERS

    def get_queryset(self) -> Any:
        return snapshot_list()

    @extend_schema(operation_id="snapshots_list", responses=SnapshotProgressSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([_progress(s) for s in page])

    @extend_schema(
        request=None,
        responses={
            202: SnapshotProgressSerializer,
            409: _conflict_doc("Another run is under way"),
        },
    )
    def post(self, request: Request) -> Response:
        """Start a run; 409 while another runs."""
        try:
            snapshot = snapshot_start(actor=acting_user(request))
        except SnapshotRunning as exc:
            return _conflict(exc)
        snapshot.refresh_from_db()
        return Response(_progress(snapshot), status=status.HTTP_202_ACCEPTED)


class _SnapshotView(NationalAPIView):
    serializer_class = SnapshotProgressSerializer
    required_roles = NATIONAL_VIEWERS

    def snapshot(self, number: int) -> Any:
        snapshot = snapshot_by_number(number=number)
        if snapshot is None:
            raise Http404
        return snapshot


class SnapshotDetailView(_SnapshotView):
    @extend_schema(responses=SnapshotDetailSerializer)
    def get(self, request: Request, number: int) -> Response:
        """A run's progress; a draft's or published snapshot's coverage too."""
        snapshot = self.snapshot(number)
        body = snapshot_progress(snapshot=snapshot)
        if snapshot.status in REVIEWABLE:
            body["coverage"] = snapshot_review_coverage(snapshot=snapshot)
        return Response(SnapshotDetailSerializer(body).data)


class SnapshotResumeView(_SnapshotView):
    @extend_schema(
        request=None,
        responses={
            202: SnapshotProgressSerializer,
            409: _conflict_doc("Another run is under way, or this one is not resumable"),
        },
    )
    def post(self, request: Request, number: int) -> Response:
        try:
            snapshot = snapshot_resume(snapshot=self.snapshot(number), actor=acting_user(request))
        except SnapshotRunning as exc:
            return _conflict(exc)
        snapshot.refresh_from_db()
        return Response(_progress(snapshot), status=status.HTTP_202_ACCEPTED)


class SnapshotPublishView(_SnapshotView):
    @extend_schema(
        request=None,
        responses={
            200: SnapshotProgressSerializer,
            409: _conflict_doc("Not the newest draft"),
        },
    )
    def post(self, request: Request, number: int) -> Response:
        """Publish a reviewed draft (audited); 409 for anything but the newest draft."""
        try:
            snapshot = snapshot_publish(actor=acting_user(request), snapshot=self.snapshot(number))
        except SnapshotNotPublishable as exc:
            return _conflict(exc)
        return Response(_progress(snapshot))


class SnapshotReportView(_SnapshotView):
    @extend_schema(responses=SnapshotReportSerializer)
    def get(self, request: Request, number: int, kind: str) -> Response:
        if kind not in ReportKind.values or kind == ReportKind.ASSOCIATION:
            raise Http404  # an association's results are served only on its own host
        snapshot = self.snapshot(number)
        if snapshot.status not in REVIEWABLE:
            raise Http404  # a running or failed run has no reports to read
        payload = snapshot_report(snapshot=snapshot, kind=kind)
        if payload is None:
            raise Http404
        return Response(payload)
