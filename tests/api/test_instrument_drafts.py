"""Drafting a version through the API: the same services, inputs validated, codes out."""

import pytest

from instrument.models import InstrumentVersion, ItemLineage
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
API = "/api/v1/instrument/"


def _post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_draft_change_review_and_publish_through_the_api():
    steering_user = user_with_role(Role.STEERING_GROUP)
    steering = host_client("localhost", steering_user)
    researcher = host_client("localhost", user_with_role(Role.RESEARCHER))
    admin = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    nothing = {"code": "x", "title_sv": "x", "title_en": "x"}
    assert _post(admin, f"{API}drafts/", nothing).status_code == 403

    created = _post(researcher, f"{API}drafts/",
                    {"code": "2026.1", "title_sv": "V 2026", "title_en": "V 2026"})  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["previous"], body["changes"]) == ("draft", "2015.1", [])
    assert body["problems"] == ["Utkastet innehåller inga ändringar mot version 2015.1."]

    changes = f"{API}versions/2026.1/changes/"
    missing = _post(researcher, changes, {"action": "split", "item": "p5", "reason": "r"})
    assert missing.status_code == 400 and "parts" in missing.json()["errors"]
    no_reason = _post(researcher, changes, {"action": "drop", "item": "p3", "reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    for change in (
        {"action": "reword", "item": "p1", "statement_sv": "Ny", "statement_en": "New",
         "reason": "Enklare"},
        {"action": "add", "point": 1, "forms": ["participant_during"], "statement_sv": "Till",
         "statement_en": "Added", "reason": "Saknades"},
        {"action": "drop", "item": "p3", "reason": "Överlappar"},
        {"action": "split", "item": "p5", "reason": "Dubbel",
         "parts": [{"statement_sv": "A", "statement_en": "A"},
                   {"statement_sv": "B", "statement_en": "B"}]},
    ):  # fmt: skip
        answer = _post(researcher, changes, change)
        assert answer.status_code == 201, answer.content
    body = steering.get(changes).json()
    rows = [(c["change"], c["old_code"], c["new_code"], c["comparable"]) for c in body["changes"]]
    assert rows == [
        ("reworded", "p1", "p1", True), ("new", "", "p27", False),
        ("dropped", "p3", "", False), ("split", "p5", "p28", False), ("split", "p5", "p29", False),
    ]  # fmt: skip
    assert body["problems"] == []

    publish = f"{API}versions/2026.1/publish/"
    assert _post(researcher, publish).status_code == 403
    assert _post(admin, publish).status_code == 403
    published = _post(steering, publish)
    assert published.status_code == 200 and published.json()["status"] == "published"
    event = AuditEvent.objects.get(action="instrument.published", details__version="2026.1")
    assert event.actor == steering_user

    refused = _post(researcher, changes, {"action": "drop", "item": "p1", "reason": "x"})
    assert refused.status_code == 400
    assert "2026.1 är publicerad" in str(refused.json()["errors"])
    assert ItemLineage.objects.filter(version__code="2026.1", item__code="p1").exists()
    again = _post(steering, publish)
    assert again.status_code == 400 and again.json()["errors"]
    assert InstrumentVersion.objects.get(code="2026.1").is_published
