"""Factories for the public schema (users, roles) and tenant data."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import factory
from django_tenants.utils import tenant_context

from instrument.models import InstrumentVersion, Item
from instrument.services import (
    BUNDLED_VERSION_FILE,
    instrument_data_read,
    instrument_version_load,
    instrument_version_publish,
)
from pilot.models import Activity, Answer, Response
from tenants.models import Association, User
from tenants.roles import ASSOCIATION_ROLES, Role
from tenants.services import membership_grant, national_role_grant

PASSWORD = "test-pass-123"
V2_FORM = "participant_during"  # the form v2 adds its new item p27 to


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


def v2_data() -> dict[str, Any]:
    """v1 with p1 reworded, p3 dropped, a new item p27 on point 1 and every other item same."""
    data = copy.deepcopy(instrument_data_read(path=BUNDLED_VERSION_FILE))
    v1 = data["version"]["code"]
    data["version"] = {**data["version"], "code": "2027.1", "previous_version": v1}
    for point in data["points"]:
        kept = []
        for item in point["items"]:
            if item["code"] == "p3":
                continue
            item["crosswalk"] = {"from": item["code"], "change": "same"}
            if item["code"] == "p1":
                item["statement_sv"] = "Stödet jag får är till nytta för mig."
                item["crosswalk"]["change"] = "reworded"
            kept.append(item)
        if point["number"] == 1:
            kept.append({**kept[0], "code": "p27", "statement_sv": "Ny fråga", "crosswalk": None})
        point["items"] = kept
    for form in data["forms"]:
        form["items"] = [c for c in form["items"] if c != "p3"]
        if form["code"] == V2_FORM:
            form["items"].append("p27")
    return data


def two_versions_load(alfa: Association) -> tuple[InstrumentVersion, InstrumentVersion, dt.date]:
    """Synthetic answers in ``alfa`` on v1, then v2 (:func:`v2_data`) published and the later
    half of the v1 questionnaires of the participants' during-form answered again on v2 on the
    day of the middle one. Returns (v1, v2, the day v2 was published)."""
    from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
    from pilot.synthetic import AssociationSpec
    from tenants.services import association_consent_set

    spec = AssociationSpec(slug="alfa", n_participants=60, activity_names=("A",), n_staff=4)
    with tenant_context(alfa):
        synthetic_data_load(data=synthetic_generate(specs=[spec], seed=7)["alfa"], actor=None)
    association_consent_set(association=alfa, consent=True, given_by="Styrelsen", actor=None)
    v1 = InstrumentVersion.objects.get(previous__isnull=True)
    v2 = instrument_version_publish(version=instrument_version_load(data=v2_data()), actor=None)
    v2_items = {i.code: i for i in Item.objects.filter(version=v2)}
    with tenant_context(alfa):
        on_v1 = Response.objects.filter(form_code=V2_FORM, instrument_version=v1)
        during = list(on_v1.order_by("answered_on"))
        middle = during[len(during) // 2].answered_on  # v2 published mid-period
        # the later half of the v1 questionnaires is answered again on v2, same month
        for n, old in enumerate(during[len(during) // 2 :]):
            new = Response.objects.create(
                key=f"v2-{n}", instrument_version=v2, form_code=V2_FORM, occasion=old.occasion,
                activity=old.activity, participant=old.participant, respondent=old.respondent,
                answered_on=middle, source="web",
            )  # fmt: skip
            for a in old.answers.filter(item__isnull=False).select_related("item"):
                if a.item.code == "p3":
                    continue
                Answer.objects.create(response=new, item=v2_items[a.item.code], value=a.value,
                                      dont_know=a.dont_know)  # fmt: skip
                if a.item.code == "p1":  # the new item: answered 5 everywhere
                    Answer.objects.create(response=new, item=v2_items["p27"], value=5)
    return v1, v2, middle
