"""Issue 13.1 through the API and import: place a local item on a form of chosen activities;
yes/no, number and scale answers are accepted there and refused elsewhere."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Answer
from pilot.services import activity_create, local_item_create
from pilot.services.import_templates import template_csv
from pilot.services.imports import ImportRejected, responses_import
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
BOARD = {"p21": 4, "p24": 5, "p25": "dont_know"}


def _json(client, method, path, body):
    return getattr(client, method)(path, body, content_type="application/json")


def _board(activity: str, answers: dict, key: str) -> dict:
    return {
        "form_code": "board",
        "occasion": "half_yearly",
        "activity": activity,
        "answered_on": "2026-03-01",
        "answers": {**BOARD, **answers},
        "key": key,
    }


def test_place_by_api_then_submit_and_import(alfa):
    with tenant_context(alfa):
        kompassen = activity_create(name="Kompassen", form_codes=["board"], actor=None)
        activity_create(name="Steget", form_codes=["board"], actor=None)
        yes_no = local_item_create(code="droger", text_sv="Droger?", kind="yes_no", actor=None)
        hours = local_item_create(
            code="timmar",
            text_sv="Timmar?",
            kind="number",
            number_min=Decimal(0),
            number_max=Decimal(40),
            actor=None,
        )
    api = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    for item in (yes_no, hours):
        placed = _json(
            api,
            "put",
            f"/api/v1/local-items/{item.pk}/placement/",
            {"form_codes": ["board"], "activities": [kompassen.pk]},
        )
        assert placed.status_code == 200, placed.json()
        assert placed.json()["form_codes"] == ["board"]
        assert placed.json()["activities"] == [kompassen.pk]
    wrong = _json(
        api,
        "put",
        f"/api/v1/local-items/{yes_no.pk}/placement/",
        {"form_codes": ["participant_exit"], "activities": [kompassen.pk]},
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["form_codes"] == [
        "Ingen av de valda insatserna använder formuläret Deltagare – vid avslut."
    ]
    ok = _json(
        api,
        "post",
        "/api/v1/responses/",
        {"submissions": [_board("Kompassen", {"local:droger": 0, "local:timmar": "12.5"}, "a1")]},
    )
    assert ok.status_code == 201, ok.json()
    out_of_range = _json(
        api,
        "post",
        "/api/v1/responses/",
        {"submissions": [_board("Kompassen", {"local:timmar": 41}, "a2")]},
    )
    assert out_of_range.json()["errors"]["submissions.0.answers.local:timmar"] == [
        "Talet ligger utanför tillåtet intervall."
    ]
    elsewhere = _json(
        api,
        "post",
        "/api/v1/responses/",
        {"submissions": [_board("Steget", {"local:droger": 1}, "a3")]},
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"]["submissions.0.answers.local:droger"] == [
        "Frågan ställs inte i insatsen Steget."
    ]
    with tenant_context(alfa):
        header = template_csv(form_code="board").decode("utf-8-sig").splitlines()[0]
        assert header.endswith(",local:droger,local:timmar")
        content = (f"{header}\nKompassen,half_yearly,2026-04-01,4,4,4,1,7\n").encode()
        batch = responses_import(
            filename="svar.csv", content=content, form_code="board", actor=None
        )
        assert batch is not None
        assert Answer.objects.filter(local_item=yes_no, value=0).count() == 1  # the API's
        assert Answer.objects.filter(local_item=yes_no, value=1).count() == 1
        assert Answer.objects.filter(local_item=hours, number=Decimal(7)).count() == 1
        bad = (f"{header}\nSteget,half_yearly,2026-04-01,4,4,4,1,7\n").encode()
        with pytest.raises(ImportRejected):
            responses_import(filename="svar2.csv", content=bad, form_code="board", actor=None)
