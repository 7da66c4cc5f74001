from __future__ import annotations

import secrets

from celery.exceptions import TimeoutError as CeleryTimeout
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import ASSOCIATION_ADMINS, PLATFORM_ADMINS, AnyHostAPIView
from api.serializers.common import ErrorSerializer
from api.serializers.ops import HealthSerializer, WorkerHealthSerializer
from ops.tasks import worker_probe
from tenants.db import current_schema


class HealthView(APIView):
    """Liveness: the process serves requests. No login, no throttle, no database query beyond
    the host lookup every request makes (load balancers, and the benchmarks' framework floor).
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(request=None, responses=HealthSerializer)
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class WorkerHealthView(AnyHostAPIView):
    """Queue a probe task from this host and report the schema the worker ran it in."""

    required_roles = PLATFORM_ADMINS | ASSOCIATION_ADMINS

    @extend_schema(
        request=None,
        responses={
            200: WorkerHealthSerializer,
            503: OpenApiResponse(ErrorSerializer, description="No worker answered"),
        },
    )
    def post(self, request: Request) -> Response:
        token = secrets.token_hex(8)
        try:
            result = worker_probe.apply_async(kwargs={"token": token}).get(timeout=10)
        except CeleryTimeout:
            return Response({"detail": "Ingen worker svarade.", "errors": {}}, status=503)
        body = {
            "expected_schema": current_schema(),
            "worker_schema": result["schema"],
            "ok": result["schema"] == current_schema() and result["token"] == token,
        }
        return Response(WorkerHealthSerializer(body).data)
