"""Data-protection pages: erase a participant, privacy settings, export, the audit trail."""

import datetime as dt
import io
import zipfile

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Participant
from pilot.services import activity_create, participant_register
from tenants.audit import audit_record
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role
from tests.web.test_no_raw_codes import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(alfa):
    return user_with_role(Role.ASSOCIATION_ADMIN, alfa)


@pytest.fixture
def person(alfa):
    with tenant_context(alfa):
        activity = activity_create(name="Steget", form_codes=["participant_during"], actor=None)
        return participant_register(
            code="D-1001",
            gender="woman",
            age_band="30-39",
            activity=activity,
            started_on=dt.date(2025, 3, 1),
            actor=None,
        )


def test_erase_page_confirms_then_erases(alfa, admin_user, person):
    admin = host_client("alfa.localhost", admin_user)
    page = visible_text(admin.get("/collect/participants/D-1001/erase/").content.decode())
    assert "Radera deltagare D-1001" in page
    assert "0 enkätsvar (0 svar på frågor)" in page
    assert "Deltagaren finns inte i någon nationell sammanställning." in page
    wrong = admin.post("/collect/participants/D-1001/erase/", {"confirm_code": "D-1002"})
    assert wrong.status_code == 400
    assert "Koden stämmer inte med deltagarens kod." in visible_text(wrong.content.decode())
    with tenant_context(alfa):
        assert Participant.objects.filter(code="D-1001").exists()
    done = admin.post(
        "/collect/participants/D-1001/erase/", {"confirm_code": "D-1001"}, follow=True
    )
    text = visible_text(done.content.decode())
    assert "Deltagaren är raderad: 0 enkätsvar och 0 enkätlänkar." in text
    assert "D-1001" not in text
    with tenant_context(alfa):
        assert not Participant.objects.filter(code="D-1001").exists()
    assert AuditEvent.objects.filter(action="privacy.participant_erased", actor=admin_user).exists()


def test_erase_is_for_admins_and_has_an_api(alfa, admin_user, person):
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert staff.get("/collect/participants/D-1001/erase/").status_code == 403
    assert staff.post("/api/v1/participants/D-1001/erase/").status_code == 403
    admin = host_client("alfa.localhost", admin_user)
    response = admin.post("/api/v1/participants/D-1001/erase/")
    assert response.status_code == 200
    assert response.json()["responses"] == 0
    assert admin.post("/api/v1/participants/D-1001/erase/").status_code == 404


def test_privacy_settings_and_notice_in_the_questionnaire(alfa, admin_user):
    admin = host_client("alfa.localhost", admin_user)
    page = visible_text(admin.get("/privacy/").content.decode())
    assert "Förbundet använder plattformens standard: 36 månader." in page
    bad = admin.post("/privacy/", {"retention_months": "0", "privacy_notice": ""})
    assert bad.status_code == 400
    saved = admin.post(
        "/privacy/",
        {"retention_months": "24", "privacy_notice": "Personuppgiftsansvarig är Alfa."},
        follow=True,
    )
    text = visible_text(saved.content.decode())
    assert "Inställningarna är sparade." in text
    assert "Förbundets lagringstid är 24 månader." in text
    alfa.refresh_from_db()
    assert (alfa.retention_months, alfa.privacy_notice) == (24, "Personuppgiftsansvarig är Alfa.")
    with tenant_context(alfa):
        from pilot.services import invitations_issue

        activity = activity_create(name="Sida", form_codes=["board"], actor=None)
        link = invitations_issue(
            form_code="board", occasion="half_yearly", activity=activity, count=1, actor=None
        )[0]
    questionnaire = visible_text(
        host_client("alfa.localhost").get(f"/q/{link.token}/").content.decode()
    )
    assert "Om personuppgifter hos Samordningsförbundet Alfa" in questionnaire
    assert "Personuppgiftsansvarig är Alfa." in questionnaire


def test_export_download_is_a_zip(alfa, admin_user, person):
    response = host_client("alfa.localhost", admin_user).get("/privacy/export/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "pilot_participant.csv" in archive.namelist()
    assert "D-1001" in archive.read("pilot_participant.csv").decode()


def test_audit_trail_scopes_filters_and_labels(alfa, beta, admin_user):
    other = user_with_role(Role.ASSOCIATION_ADMIN, beta)
    audit_record(action="pilot.participant_registered", actor=admin_user, association_slug="alfa")
    audit_record(
        action="privacy.participant_erased", actor=admin_user, association_slug="alfa", responses=3
    )
    audit_record(action="pilot.participant_registered", actor=other, association_slug="beta")
    AuditEvent.objects.filter(action="privacy.participant_erased").update(
        at=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)
    )
    admin = host_client("alfa.localhost", admin_user)
    page = visible_text(admin.get("/audit/").content.decode())
    alfa_events = AuditEvent.objects.filter(association_slug="alfa").count()
    assert f"{alfa_events} händelser" in page
    assert "Deltagare raderad" in page and "3 enkätsvar" in page
    assert other.username not in page  # beta's event is not shown to alfa
    erased = visible_text(admin.get("/audit/?action=privacy.participant_erased").content.decode())
    assert "1 händelse" in erased
    by_date = visible_text(
        admin.get("/audit/?date_from=2026-01-01&date_to=2026-01-31").content.decode()
    )
    assert "1 händelse" in by_date and "Deltagare raderad" in by_date
    assert admin.get("/audit/?date_from=2026-02-01&date_to=2026-01-01").status_code == 400
    # Platform administrators read every association's events on the national host.
    platform = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    everything = visible_text(platform.get(f"/audit/?actor={other.pk}").content.decode())
    assert "1 händelse" in everything and "Samordningsförbundet Beta" in everything
    assert (
        host_client("localhost", user_with_role(Role.STEERING_GROUP)).get("/audit/").status_code
        == 403
    )
    assert (
        host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
        .get("/audit/")
        .status_code
        == 403
    )
