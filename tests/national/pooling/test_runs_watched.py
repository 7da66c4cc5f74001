"""Issue 14 point 4: one run at a time (409, no 500 under ten simultaneous starts), the
watchdog's view of dead and lost parts, drafts reviewed and published by the steering group
(audited), and pages and API that read only published snapshots."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from national.models import PooledResponse, Snapshot, SnapshotPart
from national.pooling import (
    SnapshotNotPublishable,
    SnapshotRunning,
    runner,
    snapshot_publish,
    snapshot_start,
    snapshot_watchdog,
)
from tenants.models import AuditEvent, User
from tenants.roles import Role
from tests.conftest import consenting_with_data, host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def consenting(alfa, beta):
    return consenting_with_data((alfa, beta), seed=14, participants=30)


def _sv(n: int) -> str:
    """A whole number as Swedish pages write it: 13 732 (no-break space)."""
    return f"{n:,}".replace(",", "\xa0")


def _draft(django_capture_on_commit_callbacks, actor=None) -> Snapshot:
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_start(actor=actor)
    snapshot.refresh_from_db()
    assert snapshot.status == "draft"
    return snapshot


def test_second_start_while_running_is_refused_in_service_api_and_page(alfa):
    steering = user_with_role(Role.STEERING_GROUP)
    first = snapshot_start(actor=steering, queue=False)
    with pytest.raises(SnapshotRunning):
        snapshot_start(actor=steering, queue=False)
    api = host_client("localhost", steering)
    response = api.post("/api/v1/national/snapshots/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Sammanställning {first.number} pågår redan. Vänta tills den är klar."
    )
    page = api.post("/national/runs/")
    assert page.status_code == 409
    text = page.content.decode()
    assert f"Sammanställning {first.number} pågår redan. Vänta tills den är klar." in text
    assert Snapshot.objects.count() == 1
    assert AuditEvent.objects.filter(action="national.snapshot_started").count() == 1


def _committed_steering_user() -> User:
    """A user the request threads can see (committed on a connection of its own)."""
    box: dict[str, User] = {}

    def make() -> None:
        box["user"] = user_with_role(Role.STEERING_GROUP)
        connections.close_all()

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    return box["user"]


def _committed_cleanup(user: User) -> None:
    def clean() -> None:
        Snapshot.objects.all().delete()
        AuditEvent.objects.filter(actor=user).delete()
        AuditEvent.objects.filter(action="national.snapshot_started").delete()
        user.memberships.all().delete() if hasattr(user, "memberships") else None
        User.objects.filter(pk=user.pk).delete()
        connections.close_all()

    thread = threading.Thread(target=clean)
    thread.start()
    thread.join()


def test_ten_simultaneous_starts_give_one_run_and_nine_409s(alfa, monkeypatch):
    # The requests run in threads with connections of their own, so they really race; the
    # work they would queue is left out (the run stays running while the others try).
    from national.pooling import services

    monkeypatch.setattr(services, "snapshot_queue", lambda *, snapshot: None)
    user = _committed_steering_user()
    barrier = threading.Barrier(10)

    def start(_: int) -> tuple[int, str]:
        client = APIClient(HTTP_HOST="localhost")
        client.force_authenticate(user)
        barrier.wait()
        try:
            response = client.post("/api/v1/national/snapshots/")
            return response.status_code, response.content.decode()
        finally:
            connections.close_all()

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(start, range(10)))
        codes = sorted(code for code, _body in results)
        assert codes == [202] + [409] * 9, results
        assert all("pågår redan" in body for code, body in results if code == 409)
        numbers = list(
            Snapshot.objects.using("default").values_list("number", flat=True)
        )  # committed by the threads: this connection sees them too
        assert len(numbers) == 1
    finally:
        _committed_cleanup(user)


def _other_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None,
        dbname=s["NAME"], autocommit=True,
    )  # fmt: skip


def test_watchdog_requeues_dead_and_lost_parts_but_not_busy_ones(
    consenting, django_capture_on_commit_callbacks, settings
):
    settings.NNS_POOLING_STALE_SECONDS = 3600
    snapshot = snapshot_start(actor=None, queue=False)
    alfa_part, beta_part = snapshot.parts.order_by("association_slug")
    # alfa: its worker died mid-part (marked running, nobody holds its lock)
    SnapshotPart.objects.filter(pk=alfa_part.pk).update(status="running", attempts=1)
    # beta: a live worker holds its lock (another connection)
    with _other_connection() as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [runner._PART_LOCK, beta_part.pk])
        SnapshotPart.objects.filter(pk=beta_part.pk).update(status="running", attempts=1)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            assert snapshot_watchdog() == [f"{snapshot.number}:alfa"]
        assert len(queued) == 1
        with django_capture_on_commit_callbacks(execute=True):
            queued[0]()  # alfa runs again
        assert SnapshotPart.objects.get(pk=alfa_part.pk).status == "done"
    # the live worker's connection is gone: beta is dead too now
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshot_watchdog() == [f"{snapshot.number}:beta"]
    snapshot.refresh_from_db()
    assert snapshot.status == "draft"  # the re-queued parts ran (eagerly) and the reports too
    # A pending part whose message went missing is queued again once it is stale.
    settings.NNS_POOLING_STALE_SECONDS = 0
    assert snapshot_watchdog() == []  # nothing runs any more


def test_a_validation_report_lost_after_the_draft_is_computed_again(
    consenting, django_capture_on_commit_callbacks, settings
):
    """The draft does not wait for the validation report; a worker that died between the two
    (the report lock free, no validation report) leaves it to the watchdog."""
    settings.NNS_POOLING_STALE_SECONDS = 0
    draft = _draft(django_capture_on_commit_callbacks)
    stored = draft.reports.get(kind="validation", association="")
    assert [f["form"] for f in stored.payload["forms"]]  # computed in the same task
    before = stored.payload
    stored.delete()  # as if the worker died after the draft was stored
    with _other_connection() as other:  # a live worker still on the report step: left alone
        other.execute("SELECT pg_advisory_lock(%s, %s)", [runner._FINISH_LOCK, draft.pk])
        assert snapshot_watchdog() == []
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert snapshot_watchdog() == [f"{draft.number}:validation"]
    assert len(queued) == 1
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    again = draft.reports.get(kind="validation", association="").payload
    # regenerated from the stored rows and reports: the same report
    assert again == before
    assert snapshot_watchdog() == []
    assert runner.validation_run(snapshot_id=draft.pk) == "skipped"


def test_a_part_that_keeps_killing_its_worker_is_given_up(consenting):
    snapshot = snapshot_start(actor=None, queue=False)
    snapshot.parts.update(status="running", attempts=runner.MAX_ATTEMPTS)
    assert snapshot_watchdog() == []
    assert set(snapshot.parts.values_list("status", flat=True)) == {"failed"}


def test_draft_is_reviewed_then_published_with_an_audit_row(
    consenting, django_capture_on_commit_callbacks, alfa
):
    steering = user_with_role(Role.STEERING_GROUP)
    client = host_client("localhost", steering)
    draft = _draft(django_capture_on_commit_callbacks, actor=steering)
    # Not shown anywhere but to the steering group until published.
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert staff.get("/api/v1/results/").json().get("snapshot") in (None, 0)
    assert "Visar sammanställning" not in client.get("/national/").content.decode()
    # The steering group reviews the draft: coverage computed here independently.
    rows = PooledResponse.objects.filter(snapshot=draft)
    answers = sum(len(r) for r in rows.values_list("item_ids", flat=True))
    months = sorted(set(rows.values_list("period", flat=True)))
    halves = sorted({(m.year, 1 if m.month <= 6 else 2) for m in months})
    page = client.get("/national/runs/").content.decode()
    assert 'id="review"' in page and "Granska utkastet" in page
    assert '<dd id="cov-associations">2</dd>' in page
    assert f'<dd id="cov-questionnaires">{_sv(rows.count())}</dd>' in page
    assert f'<dd id="cov-answers">{_sv(answers)}</dd>' in page
    first = f"{'jan–jun' if halves[0][1] == 1 else 'jul–dec'} {halves[0][0]}"
    last = f"{'jan–jun' if halves[-1][1] == 1 else 'jul–dec'} {halves[-1][0]}"
    assert f"{first} – {last} ({len(halves)} halvår)" in page
    detail = client.get(f"/api/v1/national/snapshots/{draft.number}/").json()
    assert detail["status"] == "draft" and detail["coverage"]["answers"] == answers
    bench = client.get(f"/api/v1/national/snapshots/{draft.number}/reports/benchmark/")
    assert bench.status_code == 200  # the reviewers read the draft's reports
    # A platform administrator sees the draft but does not publish it.
    admin = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    assert admin.post(f"/national/runs/{draft.number}/publish/").status_code == 403
    response = client.post(f"/api/v1/national/snapshots/{draft.number}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    events = AuditEvent.objects.filter(action="national.snapshot_published")
    assert [(e.actor, e.details["number"]) for e in events] == [(steering, draft.number)]
    assert staff.get("/api/v1/results/").json()["snapshot"] == draft.number
    # Publishing twice is a 409 with a message, not a second audit row.
    again = client.post(f"/api/v1/national/snapshots/{draft.number}/publish/")
    assert again.status_code == 409 and "inget utkast" in again.json()["detail"]
    assert events.count() == 1


def test_reports_of_a_running_snapshot_are_not_served(consenting):
    client = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    snapshot = snapshot_start(actor=None, queue=False)
    url = f"/api/v1/national/snapshots/{snapshot.number}/reports/benchmark/"
    assert client.get(url).status_code == 404


def test_an_older_draft_cannot_be_published_over_a_newer_snapshot(
    consenting, django_capture_on_commit_callbacks
):
    old = _draft(django_capture_on_commit_callbacks)
    new = _draft(django_capture_on_commit_callbacks)
    snapshot_publish(actor=None, snapshot=new)
    with pytest.raises(SnapshotNotPublishable):
        snapshot_publish(actor=None, snapshot=old)


def test_progress_json_and_page_speak_swedish(consenting):
    client = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    snapshot = snapshot_start(actor=None, queue=False)
    snapshot.parts.filter(association_slug="alfa").update(status="done", answers=123)
    body = client.get(f"/national/runs/{snapshot.number}/progress/").json()
    assert (body["parts_done"], body["parts_total"]) == (1, 2)
    assert body["status_label"] == "Pågår" and body["stage"] == "Förbundens svar hämtas"
    assert [(p["name"], p["status_label"]) for p in body["parts"]] == [
        ("Samordningsförbundet Alfa", "Klar"),
        ("Samordningsförbundet Beta", "Väntar"),
    ]
    page = client.get("/national/runs/").content.decode()
    assert "1 av 2 förbund klara" in page
    assert 'data-progress-url="/national/runs/' in page and "web/runs.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    assert 'id="start-pooling" disabled' in page
    alfa_row = page.split('data-association="alfa"')[1].split("</tr>")[0]
    assert "Klar" in alfa_row and ">123<" in alfa_row
