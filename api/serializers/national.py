"""Output shapes of the national layer: snapshots (pooling runs), their reports, datasets."""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from vocabulary.choices import DatasetPersonLink, DatasetStatus, SnapshotStatus


class SnapshotPartSerializer(serializers.Serializer):
    association = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    answers = serializers.IntegerField()
    participants = serializers.IntegerField()
    attempts = serializers.IntegerField()


class SnapshotProgressSerializer(serializers.Serializer):
    """A run's state (:func:`national.selectors.snapshot_progress`)."""

    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SnapshotStatus.choices)
    status_label = serializers.CharField()
    stage = serializers.CharField(help_text="Where the run is, for a person to read.")
    parts_total = serializers.IntegerField()
    parts_done = serializers.IntegerField()
    parts_failed = serializers.ListField(child=serializers.CharField())
    parts = SnapshotPartSerializer(many=True)
    started_at = serializers.CharField(help_text="ISO 8601 date-time")
    drafted_at = serializers.CharField(allow_null=True, help_text="ISO 8601 date-time")
    published_at = serializers.CharField(allow_null=True, help_text="ISO 8601 date-time")
    error = serializers.CharField(allow_blank=True)


class SnapshotCoverageSerializer(serializers.Serializer):
    """What a reviewer checks before publishing."""

    associations = serializers.IntegerField()
    associations_with_answers = serializers.IntegerField()
    questionnaires = serializers.IntegerField()
    answers = serializers.IntegerField()
    participants = serializers.IntegerField()
    first_month = serializers.CharField(allow_null=True, help_text="YYYY-MM")
    last_month = serializers.CharField(allow_null=True, help_text="YYYY-MM")
    periods = serializers.ListField(child=serializers.CharField(), help_text='e.g. "2016H1"')


class SnapshotDetailSerializer(SnapshotProgressSerializer):
    coverage = SnapshotCoverageSerializer(
        required=False, help_text="Only for a draft or a published snapshot."
    )


class ReliabilityRowSerializer(serializers.Serializer):
    """One version x form (x indicator) x scope row (:mod:`national.reports.reliability`)."""

    instrument_version = serializers.CharField()
    form = serializers.CharField()
    indicator = serializers.IntegerField(allow_null=True)
    items = serializers.ListField(child=serializers.CharField())
    scope = serializers.CharField(help_text='"pooled" or the association code')
    n = serializers.IntegerField(allow_null=True, help_text="None when suppressed")
    n_pair_min = serializers.IntegerField(allow_null=True)
    alpha_raw = serializers.FloatField(allow_null=True)
    alpha_std = serializers.FloatField(allow_null=True)
    ci_feldt_low = serializers.FloatField(allow_null=True)
    ci_feldt_high = serializers.FloatField(allow_null=True)
    omega_total = serializers.FloatField(allow_null=True)
    omega_total_std = serializers.FloatField(allow_null=True)
    average_r = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    item_stats = serializers.ListField(child=serializers.JSONField())
    suppressed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)


class BenchmarkReportSerializer(serializers.Serializer):
    k = serializers.IntegerField(help_text="Smallest cell shown")
    cells = serializers.ListField(child=serializers.JSONField())
    national = serializers.ListField(child=serializers.JSONField())
    funnels = serializers.ListField(child=serializers.JSONField())
    changes = serializers.JSONField()
    skipped_targets = serializers.ListField(child=serializers.JSONField())


class ValidityReportSerializer(serializers.Serializer):
    k = serializers.IntegerField(help_text="Smallest cell shown")
    convergent = serializers.JSONField()
    known_groups = serializers.JSONField()
    cfa = serializers.JSONField()


class ValidationReportSerializer(serializers.Serializer):
    snapshot = serializers.IntegerField()
    code_version = serializers.CharField()
    forms = serializers.ListField(child=serializers.JSONField())
    convergent = serializers.JSONField()
    known_groups = serializers.JSONField()
    response_rates = serializers.JSONField(
        required=False, help_text="Participant forms' response rates (reports from issue 16 on)"
    )


SnapshotReportSerializer = PolymorphicProxySerializer(
    component_name="SnapshotReport",
    serializers=[
        ReliabilityRowSerializer(many=True),
        BenchmarkReportSerializer,
        ValidityReportSerializer,
        ValidationReportSerializer,
    ],
    resource_type_field_name=None,
    many=False,
    help_text="By kind: reliability (a list of rows), benchmark, validity, validation.",
)


class AssociationResultsSerializer(serializers.Serializer):
    """One association's results (:func:`national.reports.association_results`)."""

    association = serializers.CharField()
    k = serializers.IntegerField()
    min_associations = serializers.IntegerField(required=False)
    results = serializers.ListField(child=serializers.JSONField())
    flow = serializers.JSONField()
    funnels = serializers.ListField(child=serializers.JSONField())
    skipped_targets = serializers.ListField(child=serializers.JSONField())


class OwnResultsSerializer(serializers.Serializer):
    """An association's own results against national and local targets; with the latest
    published snapshot's pooled results (``national``) when it took part."""

    national = AssociationResultsSerializer()
    local = AssociationResultsSerializer(allow_null=True)
    snapshot = serializers.IntegerField(
        required=False, help_text="The published snapshot ``national`` comes from, if any."
    )


class DatasetRequestSerializer(serializers.Serializer):
    """A researcher's dataset request (:func:`national.datasets.dataset_request_summary`)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DatasetStatus.choices)
    purpose = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    ethics_dnr = serializers.CharField(allow_blank=True)
    layout = serializers.CharField()
    person_link = serializers.ChoiceField(
        choices=DatasetPersonLink.choices,
        help_text="linked: rows of one person share a pseudonym of this release's own; "
        "none: no pseudonym",
    )
    variables = serializers.ListField(child=serializers.CharField())
    snapshot = serializers.IntegerField(allow_null=True)
    checksum = serializers.CharField(allow_null=True)
    citation = serializers.CharField(allow_null=True)
    expires_at = serializers.CharField(allow_null=True, help_text="ISO 8601 date-time")
    decision_reason = serializers.CharField(allow_null=True)
    disclosure_changes = serializers.JSONField()
    progress = serializers.IntegerField(allow_null=True, help_text="Percent, while building")
    progress_stage = serializers.CharField(allow_null=True)
