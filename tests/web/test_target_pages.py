"""Targets over time through the pages (issue 13.2, 14.5): revise from a date, correct, end;
yes/no targets; the achievable benchmark beside each national target. Assertions are on the
text a person reads."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from instrument.models import NationalTarget, Point
from instrument.services import national_target_create
from national.models import Snapshot, SnapshotReport
from pilot.models import LocalTarget
from pilot.services import local_item_create
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
NBSP = "\N{NO-BREAK SPACE}"


def _rows(page: str, table: str) -> list[str]:
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    rows = [r.split(">", 1)[1] for r in body.split("<tr")[2:]]  # after the header row
    return [re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]


def test_admin_revises_corrects_and_ends_a_yes_no_target(alfa):
    with tenant_context(alfa):
        item = local_item_create(
            code="droger", text_sv="Använder du droger?", kind="yes_no", actor=None
        )
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    new = {
        "subject": f"item:{item.pk}",
        "kind": "share_at_least",
        "categories": "nej",
        "percent": "100",
        "valid_from": "2026-01-01",
    }
    assert client.post("/config/targets/new/", new).status_code == 302
    rows = _rows(client.get("/config/").content.decode(), "targets")
    assert rows == [
        f"Lokal droger Minst 100{NBSP}% svarar nej gäller från 2026-01-01 tills vidare "
        "Ersätt från datum · Rätta · Avsluta"
    ]
    with tenant_context(alfa):
        first = LocalTarget.objects.get()
    # "Ersätt från datum": the rule comes prefilled, a date is asked for
    form = client.get(f"/config/targets/new/?from={first.pk}").content.decode()
    assert 'name="categories" value="0"' in form and 'value="100.00"' in form
    revised = {**new, "categories": "0", "percent": "90", "valid_from": "2027-01-01"}
    assert client.post("/config/targets/new/", revised).status_code == 302
    rows = _rows(client.get("/config/").content.decode(), "targets")
    assert rows[0].startswith(
        f"Lokal droger Minst 100{NBSP}% svarar nej gäller 2026-01-01–2026-12-31"
    )
    assert rows[1].startswith(f"Lokal droger Minst 90{NBSP}% svarar nej gäller från 2027-01-01")
    with tenant_context(alfa):
        second = LocalTarget.objects.get(valid_from=dt.date(2027, 1, 1))
    # correcting a typo in the rule ("Rätta")
    edit = client.get(f"/config/targets/{second.pk}/edit/").content.decode()
    assert "Ändra målnivå" in edit and "svarar nej" in edit
    fixed = {
        "kind": "share_at_least",
        "categories": "ja, nej",
        "percent": "95",
        "valid_from": "2027-01-01",
    }
    assert client.post(f"/config/targets/{second.pk}/edit/", fixed).status_code == 302
    # ending it; an end before its start is refused at the field, in Swedish
    bad = client.post(f"/config/targets/{second.pk}/end/", {"valid_to": "2026-06-30"})
    assert bad.status_code == 400
    assert "Slutdatum före startdatum." in bad.content.decode()
    assert (
        client.post(f"/config/targets/{second.pk}/end/", {"valid_to": "2027-12-31"}).status_code
        == 302
    )
    rows = _rows(client.get("/config/").content.decode(), "targets")
    assert rows[1] == (
        f"Lokal droger Minst 95{NBSP}% svarar nej eller ja gäller 2027-01-01–2027-12-31 "
        "Ersätt från datum · Rätta"
    )
    bad_text = client.post("/config/targets/new/", {**new, "categories": "kanske"})
    assert "Skriv kategorierna som tal" in bad_text.content.decode()


def _published_benchmark(cells: list[dict]) -> None:
    snap = Snapshot.objects.create(number=1, status="published", published_at=timezone.now())
    SnapshotReport.objects.create(snapshot=snap, kind="benchmark", payload={"cells": cells})


def test_national_targets_page_shows_the_achievable_benchmark_and_revisions(alfa):
    point = Point.objects.get(version__code="2015.1", number=1)
    target = national_target_create(
        point=point,
        kind="share_at_least",
        category=4,
        percent=Decimal(80),
        valid_from=dt.date(2016, 1, 1),
        actor=None,
    )
    rule = {
        "point": 1,
        "kind": "share_at_least",
        "category": 4,
        "outcomes": [],
        "suppressed": False,
    }
    # 2016H2: (x, n) = (9, 10), (45, 50), (20, 40), (30, 100); a suppressed cell and an older
    # period take no part. By hand: APF 46/52 leads; 50 >= 10 % of 200 -> 45/50 = 90 %.
    cells = [
        {**rule, "period": "2016H2", "successes": x, "n": n}
        for x, n in [(9, 10), (45, 50), (20, 40), (30, 100)]
    ]
    cells += [
        {**rule, "period": "2016H2", "successes": None, "n": None, "suppressed": True},
        {**rule, "period": "2016H1", "successes": 10, "n": 10},
    ]
    _published_benchmark(cells)
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    page = steering.get("/national/targets/").content.decode()
    (row,) = _rows(page, "national-targets")
    assert row == (
        f"1 Minst 80{NBSP}% svarar 4 eller högre gäller från 2016-01-01 tills vidare "
        f"90{NBSP}% jul–dec 2016: de bästa 1 av 4 förbund, 50 av 200 svar "
        "Ersätt från datum · Rätta · Avsluta"
    )
    assert "(a+1)/(n+2)" in page
    # revise from 1 January 2017 on the page: the old target ends on 31 December 2016
    response = steering.post(
        "/national/targets/",
        {
            "point": "1",
            "kind": "share_at_least",
            "categories": "4–5",
            "percent": "85",
            "valid_from": "2017-01-01",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.valid_to == dt.date(2016, 12, 31)
    rows = _rows(steering.get("/national/targets/").content.decode(), "national-targets")
    assert rows[1].startswith(
        f"1 Minst 85{NBSP}% svarar 4 eller 5 gäller från 2017-01-01 tills vidare – "
        "Inga publicerade resultat för regeln ännu."
    )
    newest = NationalTarget.objects.get(valid_from=dt.date(2017, 1, 1))
    assert (
        steering.post(f"/national/targets/{newest.pk}/end/", {"valid_to": "2018-12-31"}).status_code
        == 302
    )
    newest.refresh_from_db()
    assert newest.valid_to == dt.date(2018, 12, 31)
    staff = host_client("localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    assert staff.get(f"/national/targets/{newest.pk}/edit/").status_code in (403, 404)


def _field_error(page: str, field: str) -> str:
    """The message shown under one field (``id_<field>-errors``), as read."""
    found = re.search(rf'id="id_{field}-errors"[^>]*>(.*?)</div>', page, re.S)
    assert found, f"no error under {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_admin_sets_a_register_target_on_the_register_point(alfa):
    """Point 20 (register data): the share of exits to the outcomes ticked, from a date; the
    revision form comes back with the outcomes ticked."""
    with tenant_context(alfa):
        from pilot.services import activity_create

        activity_create(actor=None, name="Steget", form_codes=["participant_exit"])
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    form = client.get("/config/targets/new/").content.decode()
    assert 'value="point:20"' in form and "Utfall som räknas (registermål)" in form
    new = {
        "subject": "point:20",
        "kind": "register_share",
        "outcomes": ["work", "studies"],
        "percent": "40",
        "valid_from": "2026-01-01",
    }
    assert client.post("/config/targets/new/", new).status_code == 302
    rows = _rows(client.get("/config/").content.decode(), "targets")
    assert f"Lokal 20 Minst 40{NBSP}% av avslut till arbete, studier" in " | ".join(rows)
    with tenant_context(alfa):
        target = LocalTarget.objects.get(point_number=20)
        assert target.outcomes == ["work", "studies"]
    again = client.get(f"/config/targets/new/?from={target.pk}").content.decode()
    assert re.search(r'value="work"[^>]*checked', again)
    assert re.search(r'value="studies"[^>]*checked', again)
    assert not re.search(r'value="dropped_out"[^>]*checked', again)
    # no outcome ticked: refused at the field, nothing stored
    bad = client.post("/config/targets/new/", {**new, "outcomes": [], "valid_from": "2027-01-01"})
    assert bad.status_code == 400
    assert _field_error(bad.content.decode(), "outcomes") == "Ange ett eller flera giltiga utfall."
    with tenant_context(alfa):
        assert LocalTarget.objects.filter(point_number=20).count() == 1


@pytest.mark.parametrize("typed", ["2026-13-01", "1/1/2026", "01.01.2026", "2026-1-1", "i morgon"])
def test_target_dates_are_iso_with_a_swedish_message_per_field(alfa, typed):
    with tenant_context(alfa):
        item = local_item_create(code="trivsel", text_sv="Trivs du?", kind="yes_no", actor=None)
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    data = {"subject": f"item:{item.pk}", "kind": "share_at_least", "categories": "ja",
            "percent": "80", "valid_from": typed, "valid_to": typed}  # fmt: skip
    bad = client.post("/config/targets/new/", data)
    assert bad.status_code == 400
    page = bad.content.decode()
    assert _field_error(page, "valid_from") == (
        "Gäller från: skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01."
    )
    assert _field_error(page, "valid_to") == (
        "Gäller till och med: skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01."
    )
    with tenant_context(alfa):
        assert not LocalTarget.objects.exists()
    good = client.post("/config/targets/new/", {**data, "valid_from": "2026-01-01",
                                                "valid_to": "2026-12-31"})  # fmt: skip
    assert good.status_code == 302
    with tenant_context(alfa):
        target = LocalTarget.objects.get()
    end = client.post(f"/config/targets/{target.pk}/end/", {"valid_to": typed})
    assert end.status_code == 400
    assert _field_error(end.content.decode(), "valid_to") == (
        "Sista dag målnivån gäller: skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01."
    )
