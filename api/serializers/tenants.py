from __future__ import annotations

from rest_framework import serializers

from tenants.models import Association, County, MemberBody
from tenants.roles import Role
from tenants.services import association_host


class MemberBodySerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberBody
        fields = ["kind", "name"]


class AssociationOutputSerializer(serializers.ModelSerializer):
    member_bodies = MemberBodySerializer(many=True, read_only=True)
    host = serializers.SerializerMethodField()

    class Meta:
        model = Association
        fields = [
            "slug",
            "name",
            "org_number",
            "county",
            "nns_member",
            "member_bodies",
            "pooling_consent",
            "pooling_consent_date",
            "pooling_consent_given_by",
            "host",
            "created_at",
            "archived_at",
        ]

    def get_host(self, obj: Association) -> str:
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
