"""One personal-number guard for every free-text and code field (issue 17, point 5).

Every spelling goes to every free-text field through the API, the pages and file imports:
every personal number is refused with the same Swedish message and nothing is stored; the
valid non-personal numbers are stored (no false refusals).
"""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from pilot.models import Activity, GoodExample, LocalItem, MunicipalityYear, Participant, Response
from pilot.services import activity_create, local_item_create
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PERSONAL = [
    "121212-1212",
    "121212–1212",  # en dash
    "121212—1212",  # em dash
    "121212−1212",  # minus sign
    "121212‑1212",  # non-breaking hyphen
    "121212+1212",  # 100 years or older
    "121212/1212",
    "121212_1212",
    "121212 1212",
    "121212\u00a01212",  # non-breaking space
    "1212121212",
    "19121212-1212",
    "1912-12-12-1212",
    "191212121212",
    "1912 12 12 1212",
    "701063-2391",  # samordningsnummer (day 3 + 60)
    "Deltagaren 811218-9876 slutade",
]
# Numbers that are not personal numbers and must be accepted.
NOT_PERSONAL = [
    "070-123 45 67",  # phone number in its usual groups
    "+46 70 123 45 67",
    "Dnr 2024/0145",
    "2015-09-01",  # a date alone
    "121212-1213",  # ten digits failing the check digit
    "202100-5521",  # organisation number
]
# Participant codes are also limited to safe characters: the valid numbers that fit.
NOT_PERSONAL_CODES = ["2015-09-01", "121212-1213", "202100-5521", "P_070.123"]
MESSAGE = "Personnummer"
counter = itertools.count()


@pytest.fixture
def env(alfa):
    with tenant_context(alfa):
        activity = activity_create(
            name="Nummer-insats", form_codes=["board", "participant_exit"], actor=None
        )
        item = local_item_create(
            code="gott", text_sv="Gott exempel", kind="good_example", actor=None
        )
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    return client, alfa, activity, item


def _csv(*rows):
    return ("\n".join(rows) + "\n").encode()


BOARD_HEADER = "activity,occasion,answered_on,p21,p24,p25,local:gott"
EXIT_HEADER = (
    "participant_code,gender,age_band,started_on,activity,occasion,answered_on,p2,p4,p6,p9,"
    "p11,p12,p13,p14,p18"
)
REGISTER_HEADER = (
    "municipality,year,sickness_disability_fte,labour_market_fte,financial_assistance_fte,"
    "population_20_64"
)


def _register(text, n):
    return {
        "municipality": text,
        "year": 1990 + n % 100,
        "sickness_disability_fte": "1.0",
        "labour_market_fte": "2.0",
        "financial_assistance_fte": "3.0",
        "population_20_64": 1000,
    }


def _board_answer(text, n):
    return {
        "form_code": "board",
        "occasion": "half_yearly",
        "activity": "Nummer-insats",
        "answered_on": "2016-03-01",
        "answers": {"p21": 3, "local:gott": text},
        "key": f"k{n}",
    }


# name -> (send(client, env, text, n) -> HTTP response, stored(text) -> bool)
def _api_activity_name(c, e, t, n):
    return c.post("/api/v1/activities/", {"name": f"{t} a{n}"}, content_type="application/json")


def _api_activity_description(c, e, t, n):
    body = {"name": f"Beskriven {n}", "description": t}
    return c.post("/api/v1/activities/", body, content_type="application/json")


def _api_local_item(c, e, t, n):
    body = {"code": f"q{n}", "text_sv": t, "text_en": "Question", "kind": "yes_no"}
    return c.post("/api/v1/local-items/", body, content_type="application/json")


def _api_municipality(c, e, t, n):
    return c.post(
        "/api/v1/register/municipality-years/", _register(t, n), content_type="application/json"
    )


def _api_participant_code(c, e, t, n):
    body = {
        "code": t,
        "gender": "woman",
        "age_band": "25-29",
        "activity": e[2].pk,
        "started_on": "2016-01-01",
    }
    return c.post("/api/v1/participants/", body, content_type="application/json")


def _api_free_text(c, e, t, n):
    body = {"submissions": [_board_answer(t, n)]}
    return c.post("/api/v1/responses/", body, content_type="application/json")


def _api_good_example(c, e, t, n):
    body = {"local_item": e[3].pk, "reported_on": "2018-04-01", "title": f"Titel {n}", "text": t}
    return c.post("/api/v1/good-examples/", body, content_type="application/json")


def _api_file_name(c, e, t, n):
    content = _csv(BOARD_HEADER, f"Nummer-insats,half_yearly,2016-03-{n % 28 + 1:02},3,4,5,ok{n}")
    upload = SimpleUploadedFile(f"{t}.csv", content)
    return c.post("/api/v1/imports/", {"form_code": "board", "file": upload})


def _page_activity_name(c, e, t, n):
    return c.post("/config/activities/new/", {"name": f"{t} p{n}"})


def _page_local_item(c, e, t, n):
    return c.post("/config/local-items/new/", {"code": f"s{n}", "text_sv": t, "kind": "yes_no"})


def _page_municipality(c, e, t, n):
    return c.post("/collect/register/", _register(t, n))


def _page_good_example(c, e, t, n):
    body = {"local_item": e[3].pk, "reported_on": "2018-04-01", "title": t, "text": "Berättelse"}
    return c.post("/config/good-examples/new/", body)


def _page_file_name(c, e, t, n):
    content = _csv(BOARD_HEADER, f"Nummer-insats,half_yearly,2016-04-{n % 28 + 1:02},3,4,5,ok{n}")
    return c.post(
        "/collect/import/", {"form_code": "board", "file": SimpleUploadedFile(f"{t}.csv", content)}
    )


def _import_participant_code(c, e, t, n):
    row = f"{t},man,30-39,2015-10-01,Nummer-insats,exit,2016-03-01,4,5,3,3,4,2,3,5,4"
    upload = SimpleUploadedFile("exit.csv", _csv(EXIT_HEADER, row))
    return c.post("/api/v1/imports/", {"form_code": "participant_exit", "file": upload})


def _import_free_text(c, e, t, n):
    quoted = '"' + t.replace('"', '""') + '"'
    row = f"Nummer-insats,half_yearly,2016-05-{n % 28 + 1:02},3,4,5,{quoted}"
    upload = SimpleUploadedFile("board.csv", _csv(BOARD_HEADER, row))
    return c.post("/api/v1/imports/", {"form_code": "board", "file": upload})


def _import_municipality(c, e, t, n):
    quoted = '"' + t + '"'
    upload = SimpleUploadedFile("r.csv", _csv(REGISTER_HEADER, f"{quoted},2017,1,2,3,1000"))
    return c.post("/api/v1/register/municipality-years/import/", {"file": upload})


def _stored_activity(t):
    return (
        Activity.objects.filter(name__startswith=t).exists()
        or Activity.objects.filter(description=t).exists()
    )


CHANNELS = {
    "api: activity name": (_api_activity_name, _stored_activity),
    "api: activity description": (_api_activity_description, _stored_activity),
    "api: local item text": (
        _api_local_item,
        lambda t: LocalItem.objects.filter(text_sv=t).exists(),
    ),
    "api: municipality": (
        _api_municipality,
        lambda t: MunicipalityYear.objects.filter(municipality=t.strip()).exists(),
    ),
    "api: participant code": (
        _api_participant_code,
        lambda t: Participant.objects.filter(code=t.strip()).exists(),
    ),
    "api: free-text answer": (
        _api_free_text,
        lambda t: Response.objects.filter(answers__text=t).exists(),
    ),
    "api: good example text": (
        _api_good_example,
        lambda t: GoodExample.objects.filter(text=t.strip()).exists(),
    ),
    "api: file name": (
        _api_file_name,
        lambda t: Response.objects.filter(import_batch__filename__startswith=t[:20]).exists(),
    ),
    "page: activity name": (_page_activity_name, _stored_activity),
    "page: local item text": (
        _page_local_item,
        lambda t: LocalItem.objects.filter(text_sv=t.strip()).exists(),
    ),
    "page: municipality": (
        _page_municipality,
        lambda t: MunicipalityYear.objects.filter(municipality=t.strip()).exists(),
    ),
    "page: good example title": (
        _page_good_example,
        lambda t: GoodExample.objects.filter(title=t.strip()).exists(),
    ),
    "page: file name": (
        _page_file_name,
        lambda t: Response.objects.filter(import_batch__filename__startswith=t[:20]).exists(),
    ),
    "import: participant code": (
        _import_participant_code,
        lambda t: Participant.objects.filter(code=t.strip()).exists(),
    ),
    "import: free-text answer": (
        _import_free_text,
        lambda t: Response.objects.filter(answers__text=t.strip()).exists(),
    ),
    "import: municipality": (
        _import_municipality,
        lambda t: MunicipalityYear.objects.filter(municipality=t.strip()).exists(),
    ),
}
CODE_CHANNELS = {"api: participant code", "import: participant code"}
# Municipalities are not free text: only Sweden's 290 (by name or code) are stored, so the
# valid non-personal numbers are refused there too, as "not a municipality"
# (tests/web/test_register_rows.py). Personal numbers still get the personal-number message.
MUNICIPALITY_CHANNELS = {"api: municipality", "page: municipality", "import: municipality"}
# A multipart file name never carries a slash: Django keeps only its last part.
FILE_CHANNELS = {"api: file name", "page: file name"}


def _texts(channel, texts):
    return [t for t in texts if not (channel in FILE_CHANNELS and "/" in t)]


def _send(env, channel, text):
    client, alfa, *_rest = env
    send, stored = CHANNELS[channel]
    response = send(client, env, text, next(counter))
    assert response.status_code < 500, (channel, text, response.content[:300])
    with tenant_context(alfa):
        return response, stored(text)


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_every_personal_number_spelling_is_refused_everywhere(env, channel):
    for text in _texts(channel, PERSONAL):
        response, stored = _send(env, channel, text)
        assert response.status_code == 400, (channel, text, response.status_code)
        assert MESSAGE in response.content.decode(), (channel, text)
        assert not stored, (channel, text)


@pytest.mark.parametrize("channel", [c for c in CHANNELS if c not in MUNICIPALITY_CHANNELS])
def test_valid_non_personal_numbers_are_not_refused(env, channel):
    texts = NOT_PERSONAL_CODES if channel in CODE_CHANNELS else NOT_PERSONAL
    for text in _texts(channel, texts):
        response, stored = _send(env, channel, text)
        assert response.status_code in {200, 201, 302}, (channel, text, response.content[:400])
        assert stored, (channel, text)


@pytest.mark.parametrize("code", ["P/12", "P 12", "P?12", "../etc", "<b>x</b>", "x" * 41])
def test_participant_codes_are_limited_to_safe_characters(env, code):
    response, stored = _send(env, "api: participant code", code)
    assert response.status_code == 400 and not stored
    if len(code) <= 40:
        assert "Deltagarkoden får bara innehålla" in response.content.decode()


def test_a_stored_code_with_a_slash_does_not_break_the_participants_page(env):
    client, alfa, activity, _item = env
    with tenant_context(alfa):
        Participant.objects.create(
            code="LEGACY/7",
            gender="man",
            age_band="30-39",
            activity=activity,
            started_on="2016-01-01",
        )
    page = client.get("/collect/participants/")
    assert page.status_code == 200
    assert 'href="/collect/participants/LEGACY/7/exit/"' in page.content.decode()
    exit_page = client.get("/collect/participants/LEGACY/7/exit/")
    assert exit_page.status_code == 200 and "LEGACY/7" in exit_page.content.decode()
