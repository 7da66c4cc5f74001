"""The respondent's questionnaire: single-use links, save as you go, double submit, hosts."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from pilot.models import Answer, Invitation, Response
from pilot.services import activity_create, invitations_issue, participant_register
from tests.conftest import host_client

pytestmark = pytest.mark.django_db

DURING = ["p1", "p3", "p5", "p8", "p10", "p14", "p18"]


@pytest.fixture
def invitation(alfa):
    with tenant_context(alfa):
        activity = activity_create(name="Webbinsats", form_codes=["participant_during"], actor=None)
        participant = participant_register(
            code="W-1",
            gender="woman",
            age_band="20-24",
            activity=activity,
            started_on=dt.date(2016, 1, 1),
            actor=None,
        )
        [inv] = invitations_issue(
            form_code="participant_during",
            occasion="during",
            activity=activity,
            participants=[participant],
            actor=None,
        )
        return inv


def _answers(value="4"):
    return {code: value for code in DURING}


def test_participant_answers_and_submits_once(alfa, invitation):
    client = host_client("alfa.localhost")
    page = client.get(f"/q/{invitation.token}/").content.decode()
    assert page.count("<fieldset") == 7 and "Jag får stödet" in page
    assert 'value="dont_know"' in page
    response = client.post(
        f"/q/{invitation.token}/", {**_answers(), "p3": "dont_know", "action": "submit"}
    )
    assert response.status_code == 200 and "Tack för dina svar" in response.content.decode()
    with tenant_context(alfa):
        stored = Response.objects.get(invitation=invitation)
        assert stored.source == "web" and stored.participant.code == "W-1"
        assert Answer.objects.filter(response=stored).count() == 7
        assert Answer.objects.get(response=stored, item__code="p3").value is None
    again = client.post(f"/q/{invitation.token}/", {**_answers(), "action": "submit"})
    assert again.status_code == 410 and "redan besvarats" in again.content.decode()
    with tenant_context(alfa):
        assert Response.objects.count() == 1


def test_answers_are_saved_as_you_go(alfa, invitation):
    client = host_client("alfa.localhost")
    saved = client.post(
        f"/q/{invitation.token}/", {"p1": "5", "action": "save"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert saved.json() == {"saved": 1}
    page = client.get(f"/q/{invitation.token}/").content.decode()
    assert 'name="p1" value="5" checked' in page
    # Submitting with questions left shows an error summary tied to the fields.
    response = client.post(f"/q/{invitation.token}/", {"p3": "4", "action": "submit"})
    body = response.content.decode()
    assert response.status_code == 400 and 'id="error-summary"' in body
    assert 'aria-describedby="err-p5"' in body and 'href="#q-p5"' in body
    with tenant_context(alfa):
        assert Invitation.objects.get(pk=invitation.pk).draft_answers == {"p1": "5", "p3": "4"}
        assert not Response.objects.exists()


def test_expired_unknown_and_foreign_links(alfa, beta, invitation):
    with tenant_context(alfa):
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    expired = host_client("alfa.localhost").get(f"/q/{invitation.token}/")
    assert expired.status_code == 410 and "gått ut" in expired.content.decode()
    assert host_client("alfa.localhost").get("/q/nope/").status_code == 404
    # A link from association A does not exist on B's host.
    foreign = host_client("beta.localhost").get(f"/q/{invitation.token}/")
    assert foreign.status_code == 404
    assert host_client("localhost").get(f"/q/{invitation.token}/").status_code == 404


def test_short_code_from_paper(alfa, invitation):
    client = host_client("alfa.localhost")
    code = invitation.short_code
    response = client.post("/q/", {"code": f"{code[:4].lower()}-{code[4:]}"})
    assert response.status_code == 302 and response["Location"].endswith(f"/q/{invitation.token}/")
    wrong = client.post("/q/", {"code": "XXXX-XXXX"})
    assert wrong.status_code == 400 and 'aria-describedby="code-error"' in wrong.content.decode()


MONTHS = [
    *("januari", "februari", "mars", "april", "maj", "juni"),
    *("juli", "augusti", "september", "oktober", "november", "december"),
]


def _text(html: str) -> str:
    from tests.web.test_no_raw_codes import visible_text

    return visible_text(html)


def test_questionnaire_names_association_and_activity_and_has_no_login_link(alfa, invitation):
    page = host_client("alfa.localhost").get(f"/q/{invitation.token}/").content.decode()
    text = _text(page)
    assert "Enkät: Deltagare – under insatsen" in text
    assert "Från Samordningsförbundet Alfa, om insatsen Webbinsats." in text
    assert "0 av 7 frågor besvarade" in text
    assert '<progress id="progress" max="7" value="0">' in page
    # The privacy notice: who holds the data, why, pseudonymity, whom to contact.
    assert "Om dina svar och personuppgifter" in text
    assert "Samordningsförbundet Alfa ansvarar för uppgifterna." in text
    assert "följa upp och förbättra insatsen" in text
    assert "Svaren kopplas till en deltagarkod, inte till ditt namn eller personnummer." in text
    assert "Kontakta Samordningsförbundet Alfa eller den som gav dig länken." in text
    assert "Logga in" not in text and "/login/" not in page
    for gone in ("/q/", "/q/nope/"):
        assert "Logga in" not in _text(host_client("alfa.localhost").get(gone).content.decode())


def test_save_and_continue_later_confirms_and_counts_progress(alfa, invitation):
    client = host_client("alfa.localhost")
    saved = client.post(f"/q/{invitation.token}/", {"p1": "4", "p3": "dont_know", "action": "save"})
    text = _text(saved.content.decode())
    local = timezone.localtime(invitation.expires_at)
    date = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    assert "Dina svar är sparade" in text
    assert (
        f"Du kan fortsätta senare med samma länk, eller med koden {invitation.short_code}, "
        f"till och med {date}. Enkäten skickas in först när du trycker på ”Skicka in”."
    ) in text
    assert "2 av 7 frågor besvarade" in text
    again = _text(client.get(f"/q/{invitation.token}/").content.decode())
    assert "2 av 7 frågor besvarade" in again and "Dina svar är sparade" not in again
    english = host_client("alfa.localhost")
    english.cookies["django_language"] = "en"
    page = _text(english.get(f"/q/{invitation.token}/").content.decode())
    assert "2 of 7 questions answered" in page and "Log in" not in page
