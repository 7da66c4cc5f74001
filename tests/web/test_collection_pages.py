import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from pilot.models import Invitation, MunicipalityYear, Response
from pilot.services import activity_create
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(alfa):
    with tenant_context(alfa):
        activity_create(name="Sida", form_codes=["board", "participant_exit"], actor=None)
    return host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))


def test_issue_printable_links_with_qr_codes(admin, alfa):
    with tenant_context(alfa):
        from pilot.models import Activity

        activity = Activity.objects.get(name="Sida")
    response = admin.post(
        "/collect/invitations/new/",
        {
            "activity": activity.pk,
            "form_code": "board",
            "occasion": "half_yearly",
            "count": 2,
            "valid_days": 14,
        },
    )
    assert response.status_code == 302
    sheet = admin.get(response["Location"]).content.decode()
    assert sheet.count("<svg") == 2 and sheet.count('class="short-code"') == 2
    with tenant_context(alfa):
        assert Invitation.objects.count() == 2
    # Wrong occasion for the form: refused at the field.
    bad = admin.post(
        "/collect/invitations/new/",
        {
            "activity": activity.pk,
            "form_code": "board",
            "occasion": "exit",
            "count": 2,
            "valid_days": 14,
        },
    )
    assert bad.status_code == 400 and 'id="id_occasion-errors"' in bad.content.decode()


def test_import_page_lists_row_errors_and_stores_nothing(admin, alfa):
    content = b"activity,occasion,answered_on,p21,p24,p25\nSida,half_yearly,2016-06-01,4,9,3\n"
    page = admin.post(
        "/collect/import/", {"form_code": "board", "file": SimpleUploadedFile("b.csv", content)}
    )
    body = page.content.decode()
    assert page.status_code == 400 and 'id="import-errors"' in body and "<td>p24</td>" in body
    good = content.replace(b",9,", b",5,")
    ok = admin.post(
        "/collect/import/", {"form_code": "board", "file": SimpleUploadedFile("b.csv", good)}
    )
    assert ok.status_code == 302
    with tenant_context(alfa):
        assert Response.objects.count() == 1
    rates = admin.get("/collect/").content.decode()
    assert 'id="response-rates"' in rates and "<td>Styrelse – per halvår</td>" in rates


def test_register_page_upserts(admin, alfa):
    row = {
        "municipality": "Robertsfors",
        "year": 2018,
        "sickness_disability_fte": "210.5",
        "labour_market_fte": "95",
        "financial_assistance_fte": "40",
        "population_20_64": 3600,
    }
    assert admin.post("/collect/register/", row).status_code == 302
    assert admin.post("/collect/register/", {**row, "labour_market_fte": "90"}).status_code == 302
    with tenant_context(alfa):
        assert MunicipalityYear.objects.get().labour_market_fte == 90


def test_staff_may_issue_import_and_register_exits_but_not_register_data(alfa):
    """README, roles: staff issue links, import files and register exits; municipality
    register data stays with the administrators."""
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    overview = staff.get("/collect/").content.decode()
    for button in ("Skapa enkätlänkar", "Läs in fil", "Deltagare och utfall"):
        assert button in overview
    assert "Registerdata per kommun" not in overview
    assert staff.get("/collect/invitations/new/").status_code == 200
    assert staff.get("/collect/import/").status_code == 200
    assert staff.get("/collect/register/").status_code == 403


def test_participant_exit_page_and_list(admin, alfa):
    import datetime as dt

    from pilot.models import Activity
    from pilot.services import participant_register

    with tenant_context(alfa):
        participant_register(
            code="E-1",
            gender="man",
            age_band="20-24",
            activity=Activity.objects.get(name="Sida"),
            started_on=dt.date(2016, 1, 1),
            actor=None,
        )
    listing = admin.get("/collect/participants/").content.decode()
    assert "E-1" in listing and "/collect/participants/E-1/exit/" in listing
    bad = admin.post(
        "/collect/participants/E-1/exit/",
        {"exited_on": "2015-01-01", "exit_outcome": "studies", "subsidised_work": "on"},
    )
    assert bad.status_code == 400 and 'id="id_subsidised_work-errors"' in bad.content.decode()
    ok = admin.post(
        "/collect/participants/E-1/exit/",
        {
            "exited_on": "2016-05-01",
            "exit_outcome": "work",
            "subsidised_work": "on",
            "followup_months": 6,
            "followup_status": "work",
        },
    )
    assert ok.status_code == 302
    with tenant_context(alfa):
        from pilot.models import Participant

        p = Participant.objects.get(code="E-1")
        assert (p.exit_outcome, p.subsidised_work, p.followup_status) == ("work", True, "work")


def test_register_file_import_all_or_nothing(admin, alfa):
    header = (
        "municipality,year,sickness_disability_fte,labour_market_fte,"
        "financial_assistance_fte,population_20_64\n"
    )
    bad = header + "Robertsfors,2017,200,90,40,3600\nVindeln,2017,12x,1,1,3000\n"
    page = admin.post("/collect/register/", {"file": SimpleUploadedFile("r.csv", bad.encode())})
    assert page.status_code == 400 and "<td>sickness_disability_fte</td>" in page.content.decode()
    with tenant_context(alfa):
        assert not MunicipalityYear.objects.exists()
    good = header + 'Robertsfors,2017,"200,5",90,40,3600\nVindeln,2017,120,1,1,3000\n'
    assert (
        admin.post(
            "/collect/register/", {"file": SimpleUploadedFile("r.csv", good.encode())}
        ).status_code
        == 302
    )
    with tenant_context(alfa):
        assert MunicipalityYear.objects.count() == 2
        assert (
            str(MunicipalityYear.objects.get(municipality="Robertsfors").sickness_disability_fte)
            == "200.5"
        )
