from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tenants.models import (
    Association,
    AuditEvent,
    Domain,
    MemberBody,
    Membership,
    NationalRoleGrant,
    User,
)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class MemberBodyInline(admin.TabularInline):
    model = MemberBody
    extra = 0


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "county", "nns_member", "pooling_consent", "archived_at")
    list_filter = ("county", "nns_member", "pooling_consent")
    search_fields = ("name", "slug", "org_number")
    # Schema and slug are fixed at provisioning (tenants.services.association_create).
    readonly_fields = ("schema_name", "slug", "created_at", "archived_at")
    inlines = [DomainInline, MemberBodyInline]

    def has_add_permission(self, request):
        return False  # provisioning goes through the service (atomic, audited)

    def has_delete_permission(self, request, obj=None):
        return False  # purging is its own audited action


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


class NationalRoleInline(admin.TabularInline):
    model = NationalRoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline, NationalRoleInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "association_slug", "actor")
    list_filter = ("action",)
    readonly_fields = ("at", "action", "association_slug", "actor", "details")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
