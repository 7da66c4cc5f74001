"""Drafting the next national instrument version (national host): the steering group and
researchers draft, the steering group publishes (``api.views.instrument``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import NATIONAL_VIEWERS, NationalAPIView, acting_user
from api.serializers.instrument_drafts import (
    InstrumentChangeInputSerializer,
    InstrumentDraftInputSerializer,
    InstrumentDraftSerializer,
)
from instrument.selectors import (
    instrument_draft_problems,
    instrument_version_changes,
    instrument_version_list,
)
from instrument.services import (
    instrument_draft_create,
    instrument_item_add,
    instrument_item_drop,
    instrument_item_reword,
    instrument_item_split,
)
from tenants.roles import INSTRUMENT_DRAFTERS, INSTRUMENT_PUBLISHERS


def draft_data(version: Any) -> dict[str, Any]:
    return InstrumentDraftSerializer(
        {
            "code": version.code,
            "title_sv": version.title_sv,
            "title_en": version.title_en,
            "status": version.status,
            "previous": version.previous.code if version.previous else None,
            "changes": instrument_version_changes(version=version),
            "problems": (
                [] if version.is_published else instrument_draft_problems(version=version)
            ),
        }
    ).data


class InstrumentDraftCreateView(NationalAPIView):
    """Start a draft of the next version from the current published one."""

    serializer_class = InstrumentDraftSerializer
    required_roles = INSTRUMENT_DRAFTERS

    @extend_schema(
        request=InstrumentDraftInputSerializer, responses={201: InstrumentDraftSerializer}
    )
    def post(self, request: Request) -> Response:
        data = InstrumentDraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = instrument_draft_create(actor=acting_user(request), **data.validated_data)
        return Response(draft_data(version), status=status.HTTP_201_CREATED)


class InstrumentVersionChangesView(NationalAPIView):
    """A version's changes against its predecessor (GET) and one more change to a draft (POST).
    A published version's changes are read-only: a POST is refused (400)."""

    serializer_class = InstrumentDraftSerializer
    required_roles = INSTRUMENT_DRAFTERS | INSTRUMENT_PUBLISHERS | NATIONAL_VIEWERS
    write_roles = INSTRUMENT_DRAFTERS
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return instrument_version_list().select_related("previous")

    def get(self, request: Request, code: str) -> Response:
        return Response(draft_data(self.get_object()))

    @extend_schema(
        request=InstrumentChangeInputSerializer, responses={201: InstrumentDraftSerializer}
    )
    def post(self, request: Request, code: str) -> Response:
        version = self.get_object()
        data = InstrumentChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        common = {"version": version, "reason": v["reason"], "actor": acting_user(request)}
        texts = {
            "statement_sv": v.get("statement_sv", ""),
            "statement_en": v.get("statement_en", ""),
        }
        if v["action"] == "reword":
            instrument_item_reword(item_code=v["item"], **texts, **common)
        elif v["action"] == "add":
            instrument_item_add(point_number=v["point"], form_codes=v["forms"], **texts, **common)
        elif v["action"] == "drop":
            instrument_item_drop(item_code=v["item"], **common)
        else:
            parts = [(p["statement_sv"], p["statement_en"]) for p in v["parts"]]
            instrument_item_split(item_code=v["item"], parts=parts, **common)
        return Response(draft_data(version), status=status.HTTP_201_CREATED)
