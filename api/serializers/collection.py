from __future__ import annotations

from rest_framework import serializers

from instrument.targets import RegisterOutcome
from pilot.models import Invitation, MunicipalityYear, Participant, Response  # Meta models
from vocabulary.choices import AgeBand, Gender


class NewParticipantSerializer(serializers.Serializer):
    gender = serializers.ChoiceField(choices=Gender.choices)
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    started_on = serializers.DateField()


class SubmissionSerializer(serializers.Serializer):
    form_code = serializers.CharField(max_length=40)
    occasion = serializers.CharField(max_length=20)
    activity = serializers.CharField(max_length=200, help_text="Activity id or name")
    answered_on = serializers.DateField()
    participant_code = serializers.CharField(
        max_length=40, required=False, allow_null=True, default=None
    )
    participant = NewParticipantSerializer(
        required=False, allow_null=True, default=None, help_text="Registers a new participant code"
    )
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text='item code -> 1..5, "dont_know" or null; local items as "local:<code>"',
    )
    key = serializers.CharField(max_length=80, required=False, allow_null=True, default=None)


class SubmissionBatchSerializer(serializers.Serializer):
    submissions = SubmissionSerializer(many=True, allow_empty=False, max_length=10000)  # type: ignore[call-arg]


class ResponseSerializer(serializers.ModelSerializer):
    participant_code = serializers.CharField(source="participant.code", default=None)
    activity = serializers.CharField(source="activity.name")
    instrument_version = serializers.CharField(source="instrument_version.code")

    class Meta:
        model = Response
        fields = [
            "id",
            "key",
            "instrument_version",
            "form_code",
            "occasion",
            "activity",
            "participant_code",
            "respondent",
            "answered_on",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    activity = serializers.CharField(source="activity.name")

    class Meta:
        model = Participant
        fields = [
            "id",
            "code",
            "gender",
            "age_band",
            "activity",
            "started_on",
            "exited_on",
            "exit_outcome",
            "subsidised_work",
            "followup_months",
            "followup_status",
        ]
        read_only_fields = fields


class ParticipantInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    gender = serializers.ChoiceField(choices=Gender.choices)
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    activity = serializers.IntegerField()
    started_on = serializers.DateField()


class ParticipantExitSerializer(serializers.Serializer):
    exited_on = serializers.DateField(allow_null=True)
    exit_outcome = serializers.ChoiceField(choices=RegisterOutcome.choices)
    subsidised_work = serializers.BooleanField(default=False)
    followup_months = serializers.IntegerField(required=False, allow_null=True, default=None)
    followup_status = serializers.ChoiceField(
        choices=RegisterOutcome.choices, required=False, allow_blank=True, default=""
    )


class MunicipalityYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = MunicipalityYear
        fields = [
            "id",
            "municipality",
            "year",
            "sickness_disability_fte",
            "labour_market_fte",
            "financial_assistance_fte",
            "population_20_64",
        ]
        read_only_fields = ["id"]
        validators: list[object] = []  # upsert: the unique pair is handled by the service


class InvitationIssueSerializer(serializers.Serializer):
    form_code = serializers.CharField(max_length=40)
    occasion = serializers.CharField(max_length=20)
    activity = serializers.IntegerField()
    participant_codes = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )
    count = serializers.IntegerField(required=False, default=0)
    valid_days = serializers.IntegerField(required=False, default=30)


class InvitationSerializer(serializers.ModelSerializer):
    participant_code = serializers.CharField(source="participant.code", default=None)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "short_code",
            "url",
            "form_code",
            "occasion",
            "participant_code",
            "batch",
            "expires_at",
            "used_at",
        ]
        read_only_fields = fields

    def get_url(self, obj: Invitation) -> str:
        request = self.context.get("request")
        path = f"/q/{obj.token}/"
        return request.build_absolute_uri(path) if request else path


class ResponseRateSerializer(serializers.Serializer):
    activity = serializers.CharField()
    form_code = serializers.CharField()
    occasion = serializers.CharField()
    issued = serializers.IntegerField()
    answered = serializers.IntegerField()
    responses = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class ImportSerializer(serializers.Serializer):
    form_code = serializers.CharField(max_length=40)
    file = serializers.FileField()


class RegisterImportSerializer(serializers.Serializer):
    file = serializers.FileField()
