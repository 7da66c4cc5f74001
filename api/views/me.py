from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import EVERY_ROLE, AnyHostAPIView
from api.serializers.tenants import MeSerializer
from tenants.permissions import current_association, request_roles


class MeView(AnyHostAPIView):
    """Who am I on this host, and with which roles."""

    serializer_class = MeSerializer
    required_roles = EVERY_ROLE

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        association = current_association(request)
        data = {
            "username": request.user.get_username(),
            "full_name": request.user.get_full_name(),  # type: ignore[union-attr]
            "host": request.get_host(),
            "association": association.slug if association else None,
            "roles": sorted(r.value for r in request_roles(request)),
        }
        return Response(MeSerializer(data).data)
