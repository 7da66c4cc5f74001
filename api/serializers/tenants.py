from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenants.roles import Role
from tenants.services import association_host
from vocabulary.choices import County, MemberBodyKind


class MemberBodySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MemberBodyKind.choices)
    name = serializers.CharField(max_length=200)


class AssociationOutputSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    org_number = serializers.CharField(read_only=True)
    county = serializers.ChoiceField(choices=County.choices, read_only=True)
    nns_member = serializers.BooleanField(read_only=True)
    member_bodies = MemberBodySerializer(many=True, read_only=True)
    pooling_consent = serializers.BooleanField(read_only=True)
    pooling_consent_date = serializers.DateField(allow_null=True, read_only=True)
    pooling_consent_given_by = serializers.CharField(read_only=True)
    host = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    archived_at = serializers.DateTimeField(allow_null=True, read_only=True)

    def get_host(self, obj: Any) -> str:
        return association_host(slug=obj.slug)


class AssociationCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=42)
    name = serializers.CharField(max_length=200)
    org_number = serializers.CharField(max_length=11)
    county = serializers.ChoiceField(choices=County.choices)
    nns_member = serializers.BooleanField(default=True)
    member_bodies = MemberBodySerializer(many=True, required=False, default=list)


class AssociationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    county = serializers.ChoiceField(choices=County.choices, required=False)
    nns_member = serializers.BooleanField(required=False)


class PurgeSerializer(serializers.Serializer):
    confirm = serializers.CharField(help_text="The association's slug, repeated.")


class ConsentSerializer(serializers.Serializer):
    consent = serializers.BooleanField()
    given_by = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    host = serializers.CharField()
    association = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
