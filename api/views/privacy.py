"""Data-protection endpoints on an association's host: erase one participant."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from api.base import ASSOCIATION_ADMINS, AssociationAPIView, acting_user
from ops.privacy.erasure import participant_erase
from pilot.selectors import participant_list


class ErasureSerializer(serializers.Serializer):
    answers = serializers.IntegerField()
    responses = serializers.IntegerField()
    invitations = serializers.IntegerField()
    pooled_responses = serializers.IntegerField()
    pooled_outcomes = serializers.IntegerField()


class ParticipantEraseView(AssociationAPIView):
    """Erase a participant: answers, questionnaires, links and code; their rows in national
    snapshots not yet released. Released snapshots are unchanged (docs/data-protection.md)."""

    serializer_class = ErasureSerializer
    required_roles = ASSOCIATION_ADMINS
    write_roles = ASSOCIATION_ADMINS
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Any]:
        return participant_list()

    @extend_schema(operation_id="participant_erase", request=None, responses=ErasureSerializer)
    def post(self, request: Request, code: str) -> ApiResponse:
        result = participant_erase(actor=acting_user(request), participant=self.get_object())
        return ApiResponse(ErasureSerializer(result).data)
