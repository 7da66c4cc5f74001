"""A v2 published in the middle of a period (reworded, new and dropped items), answers on both
sides: pooling works and the reports pool through the crosswalk (docs/stats.md, "Instrument
versions"), checked against figures counted by hand from the tenant's rows."""

import copy
import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from instrument.models import InstrumentVersion, Item, NationalTarget
from instrument.services import (
    BUNDLED_VERSION_FILE,
    instrument_data_read,
    instrument_version_load,
    instrument_version_publish,
)
from national.pooling import snapshot_frames, snapshot_part_extract, snapshot_start
from national.reports.store import reports_compute
from pilot.models import Answer, Response
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec
from tenants.services import association_consent_set

pytestmark = pytest.mark.django_db
FORM = "participant_during"


def v2_data() -> dict:
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
        if form["code"] == FORM:
            form["items"].append("p27")
    return data


@pytest.fixture
def two_versions(alfa):
    spec = AssociationSpec(slug="alfa", n_participants=60, activity_names=("A",), n_staff=4)
    with tenant_context(alfa):
        synthetic_data_load(data=synthetic_generate(specs=[spec], seed=7)["alfa"], actor=None)
    association_consent_set(association=alfa, consent=True, given_by="Styrelsen", actor=None)
    v1 = InstrumentVersion.objects.get(previous__isnull=True)
    v2 = instrument_version_publish(version=instrument_version_load(data=v2_data()), actor=None)
    v2_items = {i.code: i for i in Item.objects.filter(version=v2)}
    with tenant_context(alfa):
        during = list(
            Response.objects.filter(form_code=FORM, instrument_version=v1).order_by("answered_on")
        )
        middle = during[len(during) // 2].answered_on  # v2 published mid-period
        # the later half of the v1 questionnaires is answered again on v2, same month
        for n, old in enumerate(during[len(during) // 2 :]):
            new = Response.objects.create(
                key=f"v2-{n}", instrument_version=v2, form_code=FORM, occasion=old.occasion,
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


def test_reports_pool_through_the_crosswalk(two_versions, alfa):
    v1, v2, middle = two_versions
    NationalTarget.objects.create(
        point=v1.points.get(number=1), kind="share_at_least", category=4, percent=50,
        valid_from=dt.date(2000, 1, 1),
    )  # fmt: skip
    snapshot = snapshot_start(actor=None, queue=False)
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    answers, _ = snapshot_frames(snapshot=snapshot)
    assert set(answers["item_code"].cat.categories) >= {"p1", "p3", "p27"}
    assert answers["item_code"].cat.categories.is_unique

    reports = reports_compute(snapshot=snapshot)

    # by hand: point 1 in the half-year of the v2 publication = p1 answers on v1 and v2 with a
    # value (p27 is new: version-only, not in the point's share); successes = values >= 4
    half = (dt.date(middle.year, 1, 1), dt.date(middle.year, 6, 30))
    if middle.month > 6:
        half = (dt.date(middle.year, 7, 1), dt.date(middle.year, 12, 31))
    with tenant_context(alfa):
        p1 = Answer.objects.filter(
            item__code="p1", value__isnull=False, response__answered_on__range=half,
            response__status="submitted",
        )  # fmt: skip
        n, successes = p1.count(), p1.filter(value__gte=4).count()
        n_v2 = p1.filter(response__instrument_version=v2).count()
        v2_questionnaires = Response.objects.filter(instrument_version=v2).count()
    assert n_v2 > 0 and n > n_v2
    period = f"{middle.year}H{1 if middle.month <= 6 else 2}"
    [row] = [r for r in reports["benchmark"]["national"] if r["period"] == period]
    assert (row["n"], row["successes"]) == (n, successes)

    # item-level reports per version: v2's form holds p27 and not p3, v1's the reverse
    rel = {
        (r["instrument_version"], r["form"]): r
        for r in reports["reliability"]
        if r["scope"] == "pooled" and r["indicator"] is None
    }
    assert "p27" in rel[(v2.code, FORM)]["items"] and "p3" not in rel[(v2.code, FORM)]["items"]
    assert "p3" in rel[(v1.code, FORM)]["items"] and "p27" not in rel[(v1.code, FORM)]["items"]
    assert rel[(v2.code, FORM)]["n"] == v2_questionnaires
