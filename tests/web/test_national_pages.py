"""The steering group's dashboard and an association's results page, on real pooled data."""

import datetime as dt
import re
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
def pooled_platform(alfa, beta, django_capture_on_commit_callbacks):
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
        response = steering.post("/national/runs/")
    assert response.status_code == 302
    assert Snapshot.objects.get().status == "draft"
    assert steering.post("/national/runs/1/publish/").status_code == 302
    assert Snapshot.objects.get().status == "published"
    return steering


def test_dashboard_shows_matrix_funnel_trend_and_reliability(pooled_platform):
    page = pooled_platform.get("/national/").content.decode()
    assert 'id="matrix"' in page and "Samordningsförbundet Alfa" in page
    assert re.search(r'class="cell-(green|red|grey)"', page)
    assert "<svg" in page and 'id="funnel-table"' in page
    assert 'id="trend"' in page and 'id="reliability-2015-1"' in page
    assert "participant_exit" in page


def test_dashboard_is_for_national_roles_only(pooled_platform, alfa):
    researcher = host_client("localhost", user_with_role(Role.RESEARCHER))
    assert researcher.get("/national/").status_code == 403
    admin_a = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    assert admin_a.get("/national/").status_code == 404


def test_association_results_page_speaks_like_the_social_report(pooled_platform, alfa):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    page = client.get("/results/").content.decode()
    assert re.search(r"\d+\s% \(\d+/\d+\)", page)  # "75 % (18/24)", non-breaking space
    assert re.search(r'class="signal (green|red|grey)"', page)
    # Its position on the national funnel, without any other association.
    assert "<svg" in page and "Samordningsförbundet Beta" not in page
    assert "<title>beta" not in page


def test_api_snapshot_progress_and_reports(pooled_platform):
    listing = pooled_platform.get("/api/v1/national/snapshots/").json()
    assert listing["results"][0]["status"] == "published"
    assert listing["results"][0]["parts_done"] == 2
    bench = pooled_platform.get("/api/v1/national/snapshots/1/reports/benchmark/").json()
    assert {"cells", "funnels", "national", "changes"} <= set(bench)
    assert pooled_platform.get("/api/v1/national/snapshots/1/reports/nope/").status_code == 404


def test_results_api_uses_the_national_masks_for_pooled_associations(pooled_platform, alfa):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    body = client.get("/api/v1/results/").json()
    assert body["snapshot"] == 1 and body["national"]["association"] == "alfa"
    assert all(r["suppressed"] or r["text"] for r in body["national"]["results"])
    assert "beta" not in str(body)
    # The national API never hands out one association's results.
    assert (
        pooled_platform.get("/api/v1/national/snapshots/1/reports/association/").status_code == 404
    )


def test_k_is_configurable_and_audited(pooled_platform):
    from national.models import NationalConfig
    from tenants.models import AuditEvent

    assert pooled_platform.post("/national/", {"small_cell_k": "10"}).status_code == 302
    assert NationalConfig.objects.get().small_cell_k == 10
    assert AuditEvent.objects.filter(action="national.k_changed").exists()
    pooled_platform.post("/national/", {"small_cell_k": "1"})
    assert NationalConfig.objects.get().small_cell_k == 10


def test_dashboard_filters_by_form(pooled_platform):
    page = pooled_platform.get("/national/?form=participant_exit").content.decode()
    header = page.split('id="matrix"')[1].split("</thead>")[0]
    # Only points on the exit form (2 among the targets 1, 2, 5) remain as columns.
    numbers = re.findall(r'<span class="pt-num">(\d+)</span>', header)
    assert numbers == ["2"]


def test_dashboard_filters_reliability_by_instrument_version(pooled_platform):
    from national.models import SnapshotReport
    from national.selectors import snapshot_published_latest

    snapshot = snapshot_published_latest()
    report = SnapshotReport.objects.get(snapshot=snapshot, kind="reliability")
    row = {"form": "participant_exit", "indicator": None, "scope": "pooled", "n": 120,
           "alpha_raw": 0.81, "ci_feldt_low": 0.75, "ci_feldt_high": 0.86, "omega_total": 0.83,
           "suppressed": False}  # fmt: skip
    versions = {"2015.1"}
    # rows of two versions, as a snapshot spanning an instrument revision has
    report.payload = [
        {**row, "instrument_version": "2015.1"},
        {**row, "instrument_version": "2099.1", "alpha_raw": 0.79},
    ]
    report.save(update_fields=["payload"])

    def tables(query: str) -> list[str]:
        page = pooled_platform.get(f"/national/{query}").content.decode()
        assert 'id="f-version"' in page
        return re.findall(r'id="reliability-([0-9-]+)"', page)

    # one table per version, each under its label; a chosen version shows its own
    assert tables("") == [v.replace(".", "-") for v in sorted(versions | {"2099.1"})]
    assert tables("?version=2099.1") == ["2099-1"]
    assert tables(f"?version={sorted(versions)[0]}") == [sorted(versions)[0].replace(".", "-")]
