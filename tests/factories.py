"""Factories for the public schema (users, roles) and tenant data."""

from __future__ import annotations

import factory

from pilot.models import Activity
from tenants.models import Association, User
from tenants.roles import ASSOCIATION_ROLES, Role
from tenants.services import membership_grant, national_role_grant

PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: Role, association: Association | None = None) -> User:
    user = UserFactory()
    if role in ASSOCIATION_ROLES:
        assert association is not None
        membership_grant(user=user, association=association, role=role)
    else:
        national_role_grant(user=user, role=role)
    return user


class ActivityFactory(factory.django.DjangoModelFactory):
    """Create inside a tenant_context: the row lands in the current schema."""

    class Meta:
        model = Activity

    name = factory.Sequence(lambda n: f"Insats {n}")
    description = "Samordnad insats"
