"""The current association (its own host): profile and consent to national pooling."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ASSOCIATION_ADMINS, ASSOCIATION_MEMBERS, AssociationAPIView, acting_user
from api.serializers.national import OwnResultsSerializer
from api.serializers.tenants import AssociationOutputSerializer, ConsentSerializer
from national.pooling import national_config
from national.reports.store import association_own_results
from national.selectors import association_report, snapshot_published_latest
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


class ResultsView(AssociationAPIView):
    """This association's results against national and local targets (as on its page)."""

    serializer_class = OwnResultsSerializer
    required_roles = ASSOCIATION_MEMBERS

    @extend_schema(responses=OwnResultsSerializer)
    def get(self, request: Request) -> Response:
        association = current_association(request)
        assert association is not None
        k = national_config().small_cell_k
        results = association_own_results(association=association, k=k)
        snapshot = snapshot_published_latest()
        if snapshot is not None:
            pooled = association_report(snapshot=snapshot, association=association.slug)
            if pooled is not None:
                results["national"] = pooled
                results["snapshot"] = snapshot.number
        return Response(results)
