"""Drafting a new instrument version through the pages (issue 16.5): reword, add, drop and split
with reasons, the side-by-side review in Swedish, publishing by the steering group with the
actor in the audit trail, and a published version that refuses every edit."""

import re

import pytest

from instrument.models import InstrumentVersion, Item, ItemLineage
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
BASE = "/national/instrument/"
PNR = "19121212-1212"


def _rows(page: str, table: str) -> list[str]:
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    rows = [r.split(">", 1)[1] for r in body.split("<tr")[2:]]  # after the header row
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]


def _text(page: str, element_id: str, end: str = "</p>") -> str:
    body = page.split(f'id="{element_id}"', 1)[1].split(">", 1)[1].split(end, 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def test_steering_group_drafts_reviews_and_publishes_a_version(db):
    steering = user_with_role(Role.STEERING_GROUP)
    client = host_client("localhost", steering)
    v1 = InstrumentVersion.objects.get(code="2015.1")
    old = {i.code: i for i in Item.objects.filter(version=v1)}

    listing = client.get(BASE).content.decode()
    assert "2015.1 (gällande)" in _rows(listing, "versions")[0] and "Publicerad" in listing
    response = client.post(BASE, {"code": "2026.1", "title_sv": "Indikatorer 2026",
                                  "title_en": "Indicators 2026"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"{BASE}2026.1/"
    draft = f"{BASE}2026.1/"
    page = client.get(draft).content.decode()
    assert "Utkast 2026.1" in page and "Bygger på version 2015.1. Ändringar hittills: 0." in page

    # a change without a reason is refused with the field named, nothing stored
    bad = client.post(draft, {"action": "reword", "item": "p1", "statement_sv": "Nytt",
                              "statement_en": "New", "reason": ""})  # fmt: skip
    assert bad.status_code == 400
    assert "Motivering: Skriv varför frågan ändras." in _text(
        bad.content.decode(), "error-summary", "</div>"
    )
    pnr = client.post(draft, {"action": "drop", "item": "p3", "reason": f"Se {PNR}"})
    assert pnr.status_code == 400 and "Personnummer" in pnr.content.decode()
    assert not ItemLineage.objects.filter(version__code="2026.1").exclude(change="same").exists()

    changes = [
        {"action": "reword", "item": "p1", "statement_sv": "Stödet hjälper mig framåt.",
         "statement_en": "The support helps me forward.", "reason": "Enklare språk"},
        {"action": "add", "point": "1", "forms": ["participant_during"],
         "statement_sv": "Jag blir lyssnad på.", "statement_en": "I am listened to.",
         "reason": "Delaktighet saknades"},
        {"action": "drop", "item": "p3", "reason": "Överlappar p1"},
        {"action": "split", "item": "p5",
         "part1_statement_sv": "Jag har fått stöd att hitta vägar.",
         "part1_statement_en": "I got support to find ways.",
         "part2_statement_sv": "Jag kan själv hantera min situation.",
         "part2_statement_en": "I can handle my situation.", "reason": "Dubbelfråga"},
    ]  # fmt: skip
    for change in changes:
        assert client.post(draft, change).status_code == 302, change
    page = client.get(draft).content.decode()
    assert "Ändringar hittills: 5." in page
    assert 'id="item-p1" data-change="reworded"' in page and "Omformulerad" in page
    dropped = page.split('id="dropped"')[1]
    assert old["p3"].statement_sv in dropped and "Överlappar p1" in dropped

    review = client.get(f"{draft}review/").content.decode()
    assert "Omformulerad 1, Ny 1, Borttagen 1, Delad i två 2; 25 frågor oförändrade." in _text(
        review, "review-summary"
    )
    p1, p5 = old["p1"].statement_sv, old["p5"].statement_sv
    assert _rows(review, "changes") == [
        f"1 p1 {p1} p1 Stödet hjälper mig framåt. Omformulerad Enklare språk Ja",
        "1 – p27 Jag blir lyssnad på. Ny Delaktighet saknades Nej",
        f"3 p3 {old['p3'].statement_sv} – Borttagen Överlappar p1 Nej",
        f"5 p5 {p5} p28 Jag har fått stöd att hitta vägar. Delad i två Dubbelfråga Nej",
        f"5 p5 {p5} p29 Jag kan själv hantera min situation. Delad i två Dubbelfråga Nej",
    ]
    assert 'id="problems"' not in review and 'id="publish-version"' in review

    # researchers draft too, but only the steering group publishes
    researcher = host_client("localhost", user_with_role(Role.RESEARCHER))
    assert 'id="publish-version"' not in researcher.get(f"{draft}review/").content.decode()
    assert researcher.post(f"{draft}review/").status_code == 403
    association = host_client("alfa.localhost", user_with_role(Role.STEERING_GROUP))
    assert association.get(BASE).status_code == 404

    assert client.post(f"{draft}review/").status_code == 302
    version = InstrumentVersion.objects.get(code="2026.1")
    assert version.is_published and version.published_by == steering
    rows = {(r.change, getattr(r.previous_item, "code", None), getattr(r.item, "code", None),
             r.reason) for r in ItemLineage.objects.filter(version=version).exclude(change="same")
            .select_related("item", "previous_item")}  # fmt: skip
    assert rows == {
        ("reworded", "p1", "p1", "Enklare språk"),
        ("new", None, "p27", "Delaktighet saknades"),
        ("dropped", "p3", None, "Överlappar p1"),
        ("split", "p5", "p28", "Dubbelfråga"),
        ("split", "p5", "p29", "Dubbelfråga"),
    }
    audit = list(
        AuditEvent.objects.filter(action__startswith="instrument.").order_by("pk")
        .values_list("action", "actor", "details__version")
    )  # fmt: skip
    assert audit[-6:] == [
        ("instrument.drafted", steering.pk, "2026.1"),
        ("instrument.item_reworded", steering.pk, "2026.1"),
        ("instrument.item_added", steering.pk, "2026.1"),
        ("instrument.item_dropped", steering.pk, "2026.1"),
        ("instrument.item_split", steering.pk, "2026.1"),
        ("instrument.published", steering.pk, "2026.1"),
    ]

    # published: every edit is refused (4xx) with the reason, nothing changes
    listing = client.get(BASE).content.decode()
    assert "2026.1 (gällande)" in _rows(listing, "versions")[0]
    refused = client.post(draft, {"action": "drop", "item": "p1", "reason": "Sent"})
    assert refused.status_code == 400
    assert "Version 2026.1 är publicerad och kan inte ändras." in refused.content.decode()
    assert client.post(f"{draft}review/").status_code == 400
    assert Item.objects.filter(version=version, code="p1").exists()


def test_an_empty_draft_is_not_published(db):
    client = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    client.post(BASE, {"code": "2026.1", "title_sv": "T", "title_en": "T"})
    review = client.get(f"{BASE}2026.1/review/").content.decode()
    assert "Utkastet innehåller inga ändringar mot version 2015.1." in _text(
        review, "problems", "</section>"
    )
    assert "Inga ändringar mot föregående version." in review
    english = client.get(f"{BASE}2026.1/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The draft has no changes from version 2015.1." in english
    assert "Review draft 2026.1" in english and "Earlier wording" in english
    refused = client.post(f"{BASE}2026.1/review/")
    assert refused.status_code == 400
    assert "Utkastet innehåller inga ändringar" in _text(
        refused.content.decode(), "error-summary", "</div>"
    )
    assert not InstrumentVersion.objects.get(code="2026.1").is_published
    # a second draft is refused while one is open; the draft can be discarded
    again = client.post(BASE, {"code": "2027.1", "title_sv": "T", "title_en": "T"})
    assert (
        again.status_code == 400 and "Det finns redan ett utkast (2026.1)" in again.content.decode()
    )
    assert client.post(f"{BASE}2026.1/", {"action": "discard"}).status_code == 302
    assert not InstrumentVersion.objects.filter(code="2026.1").exists()
