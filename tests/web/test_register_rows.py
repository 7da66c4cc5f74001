"""Register data per municipality: only Sweden's 290 municipalities (SCB's codes), rows can
be corrected and deleted (page and API), and imports name the municipality by name or code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from pilot.models import MunicipalityYear
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role
from tests.web.test_no_raw_codes import visible_text
from vocabulary.municipalities import municipalities, municipality_find

pytestmark = pytest.mark.django_db

ROW = {
    "municipality": "Skellefteå",
    "year": 2024,
    "sickness_disability_fte": "1210.5",
    "labour_market_fte": "395",
    "financial_assistance_fte": "140",
    "population_20_64": 41000,
}
# SCB's count per county (Kommuner i län), independent of the data file.
PER_COUNTY = {
    "01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1, "10": 5,
    "12": 33, "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15, "21": 10, "22": 7,
    "23": 8, "24": 15, "25": 14,
}  # fmt: skip


def test_the_list_is_scbs_290_municipalities_in_21_counties():
    rows = municipalities()
    assert len(rows) == 290 and len({m.code for m in rows}) == 290
    assert len({m.name for m in rows}) == 290
    counts: dict[str, int] = {}
    for m in rows:
        assert m.code[:2] == m.county_code and len(m.code) == 4
        counts[m.county_code] = counts.get(m.county_code, 0) + 1
    assert counts == PER_COUNTY
    assert municipality_find("2482").name == "Skellefteå"
    assert municipality_find("  stockholm ").code == "0180"
    assert municipality_find("Region Gotland").code == "0980"
    assert municipality_find("Norsjö kommun").code == "2417"
    assert municipality_find("Skelleftea") is None
    data = Path(__file__).parents[2] / "vocabulary" / "data" / "municipalities.csv"
    with data.open(encoding="utf-8") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == 290


@pytest.fixture
def admin(alfa):
    return host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))


def test_register_page_offers_only_official_municipalities(admin, alfa):
    page = admin.get("/collect/register/").content.decode()
    select = page[page.index('<select name="municipality"') :].split("</select>")[0]
    assert select.count('<option value="') == 291  # the empty choice and the 290
    assert '<option value="Skellefteå">Skellefteå (2482)</option>' in select
    bad = admin.post("/collect/register/", {**ROW, "municipality": "Skelleftea"})
    assert bad.status_code == 400
    text = visible_text(bad.content.decode())
    assert "Skelleftea är ingen av Sveriges 290 kommuner. Menar du Skellefteå?" in text
    with tenant_context(alfa):
        assert not MunicipalityYear.objects.exists()


def test_import_refuses_a_misspelt_municipality_and_accepts_codes(admin, alfa):
    header = b"municipality,year,sickness_disability_fte,labour_market_fte,"
    header += b"financial_assistance_fte,population_20_64\n"
    bad = header + b"Skelleftea,2024,1,2,3,4\n2482,2023,1,2,3,4\n"
    page = admin.post("/collect/register/", {"file": SimpleUploadedFile("k.csv", bad)})
    text = visible_text(page.content.decode())
    assert page.status_code == 400
    assert "Skelleftea är ingen av Sveriges 290 kommuner. Menar du Skellefteå?" in text
    with tenant_context(alfa):
        assert not MunicipalityYear.objects.exists()
    ok = header + "skellefteå,2024,1,2,3,4\n2482,2023,1,2,3,4\n".encode()
    stored = admin.post("/collect/register/", {"file": SimpleUploadedFile("k.csv", ok)})
    assert stored.status_code == 302
    with tenant_context(alfa):
        assert sorted(MunicipalityYear.objects.values_list("municipality", "year")) == [
            ("Skellefteå", 2023),
            ("Skellefteå", 2024),
        ]
    # The same municipality by name and by code on one year is one row twice: refused.
    twice = header + "Skellefteå,2022,1,2,3,4\n2482,2022,1,2,3,4\n".encode()
    again = admin.post("/collect/register/", {"file": SimpleUploadedFile("k.csv", twice)})
    assert again.status_code == 400
    assert "Samma kommun och år finns redan på rad 2." in visible_text(again.content.decode())


def test_a_row_can_be_corrected_and_deleted_on_the_page(admin, alfa):
    assert admin.post("/collect/register/", ROW).status_code == 302
    with tenant_context(alfa):
        row = MunicipalityYear.objects.get()
    listing = visible_text(admin.get("/collect/register/").content.decode())
    assert "Skellefteå 2024 1210,5 395,0 140,0 41000 Ändra eller ta bort Skellefteå 2024" in listing
    edit = admin.get(f"/collect/register/{row.pk}/").content.decode()
    assert "Ändra registeruppgifter: Skellefteå 2024" in visible_text(edit)
    assert '<option value="Skellefteå" selected>' in edit
    wrong = admin.post(f"/collect/register/{row.pk}/", {**ROW, "municipality": "Norsjo"})
    assert wrong.status_code == 400
    assert "Norsjo är ingen av Sveriges 290 kommuner. Menar du Norsjö?" in visible_text(
        wrong.content.decode()
    )
    fixed = admin.post(f"/collect/register/{row.pk}/", {**ROW, "municipality": "Norsjö"})
    assert fixed.status_code == 302
    with tenant_context(alfa):
        row.refresh_from_db()
        assert (row.municipality, row.year) == ("Norsjö", 2024)
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert staff.post(f"/collect/register/{row.pk}/", {"delete": "1"}).status_code == 403
    gone = admin.post(f"/collect/register/{row.pk}/", {"delete": "1"}, follow=True)
    assert "Raden för Norsjö 2024 är borttagen." in visible_text(gone.content.decode())
    assert admin.get(f"/collect/register/{row.pk}/").status_code == 404
    with tenant_context(alfa):
        assert not MunicipalityYear.objects.exists()
        assert AuditEvent.objects.filter(action="pilot.municipality_year_corrected").count() == 1
        deleted = AuditEvent.objects.get(action="pilot.municipality_year_deleted")
        assert deleted.actor_id is not None


def test_a_correction_may_not_collide_with_another_row(admin, alfa):
    admin.post("/collect/register/", ROW)
    admin.post("/collect/register/", {**ROW, "year": 2023})
    with tenant_context(alfa):
        row = MunicipalityYear.objects.get(year=2023)
    clash = admin.post(f"/collect/register/{row.pk}/", ROW)
    assert clash.status_code == 400
    assert "Det finns redan en rad för Skellefteå 2024." in visible_text(clash.content.decode())


def test_api_corrects_and_deletes_a_row(admin, alfa):
    created = admin.post(
        "/api/v1/register/municipality-years/", {**ROW, "municipality": "2482"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["municipality"] == "Skellefteå"
    url = f"/api/v1/register/municipality-years/{created.json()['id']}/"
    refused = admin.put(url, {**ROW, "municipality": "Skelleftea"}, content_type="application/json")
    assert refused.status_code == 400 and "Menar du Skellefteå?" in refused.content.decode()
    changed = admin.put(url, {**ROW, "population_20_64": 41200}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["population_20_64"] == 41200
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert staff.get(url).status_code == 200
    assert staff.delete(url).status_code == 403
    assert admin.delete(url).status_code == 204
    assert admin.get(url).status_code == 404
