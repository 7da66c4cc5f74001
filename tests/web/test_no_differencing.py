"""Issue 14.1 through the real API and page: with exactly two consenting associations neither
can work out the other's figures from its own results (``/api/v1/results/`` and ``/results/``
on its own host)."""

import datetime as dt
from decimal import Decimal

import pytest

from instrument.models import Point
from instrument.services import national_target_create
from national.models import Snapshot
from tenants.roles import Role
from tests.conftest import consenting_with_data, host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pooled(alfa, beta, django_capture_on_commit_callbacks):
    consenting_with_data((alfa, beta), seed=21, participants=80)
    for number in (1, 2, 5):
        national_target_create(
            point=Point.objects.get(version__code="2015.1", number=number),
            kind="share_at_least",
            category=4,
            percent=Decimal(80),
            valid_from=dt.date(2015, 1, 1),
            actor=None,
        )
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        assert steering.post("/national/runs/").status_code == 302
    assert steering.post("/national/runs/1/publish/").status_code == 302
    assert Snapshot.objects.get().status == "published"
    bench = steering.get("/api/v1/national/snapshots/1/reports/benchmark/").json()
    # the true per-association cells, as only the steering group sees them
    cells = {
        (c["association"], c["target_index"], c["period"]): c
        for c in bench["cells"]
        if not c["suppressed"]
    }
    return cells, bench


@pytest.mark.parametrize(("viewer", "other"), [("alfa", "beta"), ("beta", "alfa")])
def test_two_associations_cannot_difference_each_other(two_pooled, viewer, other, alfa, beta):
    cells, bench = two_pooled
    association = alfa if viewer == "alfa" else beta
    client = host_client(f"{viewer}.localhost", user_with_role(Role.ASSOCIATION_STAFF, association))
    body = client.get("/api/v1/results/").json()
    funnels = body["national"]["funnels"]
    assert funnels and body["national"]["min_associations"] == 3
    # the national figures exist for the steering group ...
    assert any(f["national_n"] for f in bench["funnels"])
    for f in funnels:
        # ... but are withheld from an association, with the reason, and no overdispersion
        assert f["national_n"] is None and f["national_share"] is None
        assert f["national_reason"] == "too_few_associations"
        assert "overdispersion" not in f and f["limits_national"] == []
        assert f["own"]["position_national"] is None
        mine = cells.get((viewer, f["target_index"], f["period"]))
        theirs = cells.get((other, f["target_index"], f["period"]))
        if mine is None or theirs is None:
            continue
        # the grid of its lines follows its own n, not the largest association's
        top = max(r["n"] for r in f["limits_target"])
        assert top <= 5 * max(20, 2 * mine["n"])
        if theirs["n"] > 5 * max(20, 2 * mine["n"]):
            assert top < theirs["n"]
    # an association's funnel holds nothing else from which the other could be worked out
    allowed = {"target_index", "point", "kind", "category", "target_level", "target_mean",
               "valid_from", "valid_to", "categories",  # the target's own rule and period
               "outcomes", "period", "min_associations", "national_n", "national_share",
               "national_reason", "own", "limits_target", "limits_national"}  # fmt: skip
    assert all(set(f) <= allowed for f in funnels)
    assert "beta" not in str(body) if viewer == "alfa" else "alfa" not in str(body)

    page = client.get("/results/").content.decode()
    assert (
        "Nationella jämförelsetal visas när minst 3 förbund med minst 5 svar vardera bidrar."
        in page
    )
    assert "Samordningsförbundet Alfa" not in page or viewer == "alfa"
    assert "Samordningsförbundet Beta" not in page or viewer == "beta"
