"""A v2 published in the middle of a period (reworded, new and dropped items), answers on both
sides: pooling works and the reports pool through the crosswalk (docs/stats.md, "Instrument
versions"), checked against figures counted by hand from the tenant's rows."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from instrument.models import NationalTarget
from national.pooling import snapshot_frames, snapshot_part_extract, snapshot_start
from national.reports.store import reports_compute
from pilot.models import Answer, Response

pytestmark = pytest.mark.django_db
FORM = "participant_during"


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
