"""Reads of the public schema: associations, roles, memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import Association, Membership, NationalRoleGrant, User
from tenants.roles import Role


def association_list(*, include_archived: bool = False) -> QuerySet[Association]:
    qs = Association.objects.exclude(schema_name="public").prefetch_related("domains")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("name")


def association_get(*, slug: str) -> Association:
    return Association.objects.exclude(schema_name="public").get(slug=slug)


def association_names() -> dict[str, str]:
    """Slug -> name of every association, archived ones included."""
    return dict(Association.objects.values_list("slug", "name"))


def association_counties() -> dict[str, str]:
    """Slug -> county code of every association, archived ones included."""
    return dict(Association.objects.values_list("slug", "county"))


def user_roles(*, user: User | object, association: Association | None) -> frozenset[Role]:
    """Every role ``user`` holds where ``association`` is the current host (None: public host).

    National roles hold on every host; association roles only on their own association's host.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    assert isinstance(user, User)
    roles = set(NationalRoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if association is not None and association.schema_name != "public":
        roles.update(
            Membership.objects.filter(user=user, association=association).values_list(
                "role", flat=True
            )
        )
    return frozenset(Role(r) for r in roles)


def user_associations(*, user: User) -> QuerySet[Association]:
    """Associations where the user holds any role (for the 'my associations' list)."""
    return association_list().filter(memberships__user=user).distinct()
