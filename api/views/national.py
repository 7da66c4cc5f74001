"""The national layer on the public host: snapshots (pooling runs) and their reports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import NATIONAL_VIEWERS, NationalAPIView, acting_user
from national.models import Snapshot, SnapshotReport
from national.pooling import snapshot_resume, snapshot_start
from national.selectors import snapshot_list, snapshot_progress, snapshot_report


class SnapshotListView(NationalAPIView):
    """List pooling runs; POST starts a new one (steering group or platform administrator)."""

    required_roles = NATIONAL_VIEWERS

    def get_queryset(self) -> QuerySet[Snapshot]:
        return snapshot_list()

    @extend_schema(operation_id="snapshots_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([snapshot_progress(snapshot=s) for s in page])

    @extend_schema(request=None, responses={202: dict})
    def post(self, request: Request) -> Response:
        snapshot = snapshot_start(actor=acting_user(request))
        snapshot.refresh_from_db()
        return Response(snapshot_progress(snapshot=snapshot), status=status.HTTP_202_ACCEPTED)


class _SnapshotView(NationalAPIView):
    required_roles = NATIONAL_VIEWERS

    def snapshot(self, number: int) -> Snapshot:
        snapshot = Snapshot.objects.filter(number=number).first()
        if snapshot is None:
            raise Http404
        return snapshot


class SnapshotDetailView(_SnapshotView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, number: int) -> Response:
        return Response(snapshot_progress(snapshot=self.snapshot(number)))


class SnapshotResumeView(_SnapshotView):
    @extend_schema(request=None, responses={202: dict})
    def post(self, request: Request, number: int) -> Response:
        snapshot = snapshot_resume(snapshot=self.snapshot(number), actor=acting_user(request))
        snapshot.refresh_from_db()
        return Response(snapshot_progress(snapshot=snapshot), status=status.HTTP_202_ACCEPTED)


class SnapshotReportView(_SnapshotView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, number: int, kind: str) -> Response:
        if kind not in SnapshotReport.Kind.values or kind == SnapshotReport.Kind.ASSOCIATION:
            raise Http404  # an association's results are served only on its own host
        payload = snapshot_report(snapshot=self.snapshot(number), kind=kind)
        if payload is None:
            raise Http404
        return Response(payload)
