"""The current association (its own host): profile and consent to national pooling."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ASSOCIATION_ADMINS, ASSOCIATION_MEMBERS, AssociationAPIView, acting_user
from api.serializers.tenants import AssociationOutputSerializer, ConsentSerializer
from tenants.permissions import current_association
from tenants.services import association_consent_set


class CurrentAssociationView(AssociationAPIView):
    serializer_class = AssociationOutputSerializer
    required_roles = ASSOCIATION_MEMBERS

    def get(self, request: Request) -> Response:
        return Response(AssociationOutputSerializer(current_association(request)).data)


class ConsentView(AssociationAPIView):
    serializer_class = ConsentSerializer
    required_roles = ASSOCIATION_ADMINS

    @extend_schema(request=ConsentSerializer, responses=AssociationOutputSerializer)
    def put(self, request: Request) -> Response:
        data = ConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        association = current_association(request)
        assert association is not None
        association_consent_set(
            association=association, actor=acting_user(request), **data.validated_data
        )
        return Response(AssociationOutputSerializer(association).data)
