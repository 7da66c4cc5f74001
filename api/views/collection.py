"""Collecting answers on an association's host: questionnaires, participants, register data,
invitations, file imports and response rates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from api.authentication import TokenRolesAuthentication
from api.base import ASSOCIATION_ADMINS, ASSOCIATION_MEMBERS, AssociationAPIView, acting_user
from api.serializers.collection import (
    ImportSerializer,
    InvitationIssueSerializer,
    InvitationSerializer,
    MunicipalityYearSerializer,
    ParticipantExitSerializer,
    ParticipantInputSerializer,
    ParticipantSerializer,
    RegisterImportSerializer,
    ResponseRateSerializer,
    ResponseSerializer,
    SubmissionBatchSerializer,
)
from api.serializers.common import ErrorSerializer, ImportRejectedSerializer
from api.serializers.queries import ImportTemplateQuery, InvitationListQuery, ResponseListQuery
from api.serializers.submissions import (
    ImportResultSerializer,
    RegisterImportResultSerializer,
    SubmissionResultSerializer,
)
from pilot.selectors import (
    activity_get,
    invitation_list,
    municipality_year_list,
    participant_list,
    participants_by_code,
    response_list,
    response_rates,
)
from pilot.services import (
    IdempotencyKeyReused,
    NewParticipant,
    SubmissionInput,
    invitations_issue,
    municipality_year_upsert,
    municipality_years_import,
    participant_exit_record,
    participant_register,
    responses_submit,
)
from pilot.services.imports import (
    ImportRejected,
    responses_import,
    template_csv,
    template_xlsx,
)
from tenants.validators import refuse_personal_number
from vocabulary.choices import ResponseSource

IDEMPOTENCY_KEY_MAX = 80
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _submission(data: dict[str, Any]) -> SubmissionInput:
    new = data.get("participant")
    return SubmissionInput(
        form_code=data["form_code"],
        occasion=data["occasion"],
        activity=data["activity"],
        answered_on=data["answered_on"],
        answers=data["answers"],
        participant_code=data.get("participant_code"),
        new_participant=NewParticipant(**new) if new else None,
        key=data.get("key"),
    )


# Built once: a serializer instance builds (deep-copies) its fields on first use, which costs
# more than validating one questionnaire. ``run_validation`` and ``to_representation`` keep no
# per-call state on the instance, so one shared instance serves every request and thread.
_BATCH_IN = SubmissionBatchSerializer()
_RESPONSE_OUT = ResponseSerializer()


def _submissions_parse(data: object) -> list[SubmissionInput]:
    try:
        validated = _BATCH_IN.run_validation(data)
    except (serializers.ValidationError, ValidationError):
        # The per-request serializer raises the error in the usual shape.
        batch = SubmissionBatchSerializer(data=data)
        batch.is_valid(raise_exception=True)
        validated = batch.validated_data
    return [_submission(s) for s in validated["submissions"]]


class ResponseListView(AssociationAPIView):
    """Submit one or many questionnaires (JSON) atomically. An ``Idempotency-Key`` header
    (scoped to the user) makes a retried request store nothing new and answer as the first
    time; the same key with another body is refused with 409."""

    serializer_class = ResponseSerializer
    required_roles = ASSOCIATION_MEMBERS
    # Token, user and roles in one query (the hot path of API clients).
    authentication_classes = [TokenRolesAuthentication, SessionAuthentication]

    def get_queryset(self) -> Any:
        query = ResponseListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return response_list(**query.validated_data)

    @extend_schema(
        operation_id="responses_list",
        responses=ResponseSerializer(many=True),
        parameters=[ResponseListQuery],
    )
    def get(self, request: Request) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ResponseSerializer(page, many=True).data)

    @extend_schema(
        request=SubmissionBatchSerializer,
        responses={
            201: SubmissionResultSerializer,
            200: OpenApiResponse(
                SubmissionResultSerializer, description="An Idempotency-Key replay"
            ),
            409: OpenApiResponse(
                ErrorSerializer, description="The Idempotency-Key was used with another body"
            ),
        },
        parameters=[OpenApiParameter("Idempotency-Key", location="header")],
    )
    def post(self, request: Request) -> ApiResponse:
        refuse_personal_number(request.data)
        submissions = _submissions_parse(request.data)
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
            # stored per questionnaire as "<key>#<n>" in a 100-character column
            raise ValidationError({"Idempotency-Key": [f"Högst {IDEMPOTENCY_KEY_MAX} tecken."]})
        try:
            stored = responses_submit(
                submissions=submissions,
                source=ResponseSource.API,
                actor=acting_user(request),
                idempotency_key=key,
            )
        except IdempotencyKeyReused as exc:
            return ApiResponse(
                {"detail": exc.message, "errors": {"Idempotency-Key": [exc.message]}},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"submissions.{k}": v for k, v in exc.message_dict.items()}
            ) from exc
        reply = ApiResponse(
            {
                "created": stored.created,
                "responses": [_RESPONSE_OUT.to_representation(r) for r in stored.responses],
            },  # SubmissionResultSerializer's shape, built without its per-call field copies
            status=status.HTTP_201_CREATED if stored.created else status.HTTP_200_OK,
        )
        if key is not None and not stored.created:
            reply["Idempotent-Replayed"] = "true"
        return reply


class ParticipantListView(AssociationAPIView):
    serializer_class = ParticipantSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> Any:
        return participant_list()

    @extend_schema(operation_id="participants_list", responses=ParticipantSerializer(many=True))
    def get(self, request: Request) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(request=ParticipantInputSerializer, responses=ParticipantSerializer)
    def post(self, request: Request) -> ApiResponse:
        refuse_personal_number(request.data)
        data = ParticipantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        activity = activity_get(pk=values.pop("activity"))
        if activity is None:
            raise ValidationError({"activity": ["Okänd insats."]})
        participant = participant_register(activity=activity, **values, actor=acting_user(request))
        return ApiResponse(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class ParticipantExitView(AssociationAPIView):
    serializer_class = ParticipantSerializer
    required_roles = ASSOCIATION_ADMINS
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return participant_list()

    @extend_schema(request=ParticipantExitSerializer, responses=ParticipantSerializer)
    def put(self, request: Request, code: str) -> ApiResponse:
        data = ParticipantExitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        participant = participant_exit_record(
            participant=self.get_object(), **data.validated_data, actor=acting_user(request)
        )
        return ApiResponse(ParticipantSerializer(participant).data)


class MunicipalityYearListView(AssociationAPIView):
    serializer_class = MunicipalityYearSerializer
    required_roles = ASSOCIATION_MEMBERS
    write_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> Any:
        return municipality_year_list()

    @extend_schema(
        operation_id="municipality_years_list", responses=MunicipalityYearSerializer(many=True)
    )
    def get(self, request: Request) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MunicipalityYearSerializer(page, many=True).data)

    @extend_schema(request=MunicipalityYearSerializer, responses=MunicipalityYearSerializer)
    def post(self, request: Request) -> ApiResponse:
        data = MunicipalityYearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = municipality_year_upsert(**data.validated_data, actor=acting_user(request))
        return ApiResponse(MunicipalityYearSerializer(row).data, status=status.HTTP_201_CREATED)


class InvitationListView(AssociationAPIView):
    serializer_class = InvitationSerializer
    required_roles = ASSOCIATION_ADMINS

    def get_queryset(self) -> Any:
        query = InvitationListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return invitation_list(**query.validated_data)

    @extend_schema(
        operation_id="invitations_list",
        responses=InvitationSerializer(many=True),
        parameters=[InvitationListQuery],
    )
    def get(self, request: Request) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            InvitationSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=InvitationIssueSerializer, responses=InvitationSerializer(many=True))
    def post(self, request: Request) -> ApiResponse:
        data = InvitationIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        activity = activity_get(pk=values.pop("activity"))
        if activity is None:
            raise ValidationError({"activity": ["Okänd insats."]})
        codes = values.pop("participant_codes")
        participants = participants_by_code(codes=codes)
        unknown = sorted(set(codes) - {p.code for p in participants})
        if unknown:
            raise ValidationError(
                {"participant_codes": [f"Okända deltagare: {', '.join(unknown)}"]}
            )
        issued = invitations_issue(
            activity=activity, participants=participants, **values, actor=acting_user(request)
        )
        return ApiResponse(
            InvitationSerializer(issued, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ResponseRateView(AssociationAPIView):
    serializer_class = ResponseRateSerializer
    required_roles = ASSOCIATION_MEMBERS

    @extend_schema(operation_id="response_rates", responses=ResponseRateSerializer(many=True))
    def get(self, request: Request) -> ApiResponse:
        return ApiResponse(ResponseRateSerializer(response_rates(), many=True).data)


class ImportView(AssociationAPIView):
    """Upload a filled-in template (CSV or XLSX): all rows or none are stored."""

    serializer_class = ImportSerializer
    required_roles = ASSOCIATION_MEMBERS
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=ImportSerializer,
        responses={
            201: ImportResultSerializer,
            200: OpenApiResponse(
                ImportResultSerializer, description="The same file was imported before"
            ),
            400: OpenApiResponse(ImportRejectedSerializer, description="Rejected; none stored"),
        },
    )
    def post(self, request: Request) -> ApiResponse:
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            result = responses_import(
                filename=upload.name,
                content=upload.file,
                form_code=data.validated_data["form_code"],
                actor=acting_user(request),
                uploaded_by=acting_user(request).get_username(),
            )
        except ImportRejected as exc:
            return _rejected(exc)
        body = {"created": result.created, "batch": result.batch.pk, "rows": result.batch.rows}
        return ApiResponse(
            ImportResultSerializer(body).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class ImportTemplateView(AssociationAPIView):
    required_roles = ASSOCIATION_MEMBERS

    @extend_schema(
        parameters=[ImportTemplateQuery],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV template"),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX template"),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = ImportTemplateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        form_code, fmt = query.validated_data["form_code"], query.validated_data["filetype"]
        if fmt == "xlsx":
            content, mime = (
                template_xlsx(form_code=form_code),
                XLSX,
            )
        else:
            content, mime = template_csv(form_code=form_code), "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="{form_code}.{fmt}"'
        return response


class MunicipalityYearImportView(AssociationAPIView):
    """Upload municipality-year rows (CSV/XLSX); all rows or none are stored."""

    serializer_class = RegisterImportSerializer
    required_roles = ASSOCIATION_ADMINS
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=RegisterImportSerializer,
        responses={
            201: RegisterImportResultSerializer,
            400: OpenApiResponse(ImportRejectedSerializer, description="Rejected; none stored"),
        },
    )
    def post(self, request: Request) -> ApiResponse:
        data = RegisterImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            count = municipality_years_import(
                filename=upload.name, content=upload.file, actor=acting_user(request)
            )
        except ImportRejected as exc:
            return _rejected(exc)
        return ApiResponse(
            RegisterImportResultSerializer({"rows": count}).data, status=status.HTTP_201_CREATED
        )


def _rejected(exc: ImportRejected) -> ApiResponse:
    return ApiResponse(
        {
            "detail": "Filen avvisades; inget har sparats.",
            "errors_total": exc.total,
            "errors": {f"row {e.row}: {e.column}": [e.message] for e in exc.cell_errors},
            "rows": [
                {"row": e.row, "column": e.column, "message": e.message} for e in exc.cell_errors
            ],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )
