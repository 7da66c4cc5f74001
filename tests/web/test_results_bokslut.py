"""An association's own results and its social accounting report, as a person reads them.

A small year built with factories: one activity, 20 participants (10 women, 10 men) who each
answer one point of the exit form, 13 of them 4 or 5 (women 8/10, men 5/10), against the
target "at least 80 % answer 4 or higher"; their exits by outcome and gender, one woman to
studies (a cell of 1, shown to the association's own admin); a good example; full-year
equivalents for two years. Expected figures are derived by hand below.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from instrument.models import FormItem
from instrument.selectors import instrument_version_current
from instrument.services import national_target_create
from pilot.models import Participant, Response
from pilot.services import (
    activity_create,
    good_example_report,
    local_item_create,
    local_target_create,
    municipality_year_upsert,
)
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role
from tests.web.test_no_raw_codes import raw_codes, visible_text

pytestmark = pytest.mark.django_db
HOST = "alfa.localhost"
YEAR = 2025
# outcome per participant, women then men (index 0-9 women, 10-19 men)
OUTCOMES = (
    ["work"] * 4 + ["studies"] + ["other_solution"] * 3 + ["dropped_out"] * 2
    + ["work"] * 5 + ["other_solution"] * 2 + ["dropped_out"] * 3
)  # fmt: skip


@pytest.fixture
def year(alfa):
    version = instrument_version_current()
    assert version is not None
    link = (
        FormItem.objects.filter(form__version=version, form__code="participant_exit")
        .select_related("item__point")
        .order_by("position")
        .first()
    )
    point = link.item.point
    national_target_create(
        point=point, kind="share_at_least", category=4, percent=Decimal(80),
        valid_from=dt.date(2015, 1, 1), actor=None,
    )  # fmt: skip
    with tenant_context(alfa):
        activity = activity_create(actor=None, name="Steget", form_codes=["participant_exit"])
        local_target_create(
            actor=None, kind="register_share", point_number=20, percent=Decimal(40),
            outcomes=["work"], valid_from=dt.date(2020, 1, 1),
        )  # fmt: skip
        story = local_item_create(
            actor=None, code="exempel", text_sv="Ett gott exempel på samverkan.",
            kind="good_example",
        )  # fmt: skip
        local_target_create(
            actor=None, kind="good_example", local_item=story, valid_from=dt.date(2020, 1, 1)
        )
        good_example_report(
            actor=None, local_item=story, reported_on=dt.date(YEAR, 9, 1),
            title="Från hemmasittare till arbetsträning",
            text="Deltagaren började med en timme om dagen och arbetar nu halvtid.",
        )  # fmt: skip
        for municipality, fte in (("Robertsfors", ("590", "572")), ("Vindeln", ("441", "422"))):
            for y, total in zip((YEAR - 1, YEAR), fte, strict=True):
                municipality_year_upsert(
                    actor=None, municipality=municipality, year=y,
                    sickness_disability_fte=Decimal(total), labour_market_fte=Decimal(0),
                    financial_assistance_fte=Decimal(0), population_20_64=3900,
                )  # fmt: skip
        for i in range(20):
            woman = i < 10
            person = Participant.objects.create(
                code=f"P{i:02d}", gender="woman" if woman else "man", age_band="25-29",
                activity=activity,
                started_on=dt.date(YEAR, 2, 1) if i % 2 else dt.date(YEAR - 1, 10, 1),
                exited_on=dt.date(YEAR, 11, 1), exit_outcome=OUTCOMES[i],
            )  # fmt: skip
            # women: 8 of 10 answer 4-5; men: 5 of 10
            success = (i < 8) if woman else (i < 15)
            response = Response.objects.create(
                key=f"r{i}", instrument_version=version, form_code="participant_exit",
                occasion="exit", activity=activity, participant=person,
                respondent="participant", answered_on=dt.date(YEAR, 11, 1), source="paper",
            )  # fmt: skip
            response.answers.create(item=link.item, value=(4 + i % 2) if success else 2)
        # Still taking part at the year's end: two women, one man; one left last year.
        for code, gender in (("Q1", "woman"), ("Q2", "woman"), ("Q3", "man")):
            Participant.objects.create(
                code=code, gender=gender, age_band="30-39", activity=activity,
                started_on=dt.date(YEAR, 3, 1),
            )  # fmt: skip
        Participant.objects.create(
            code="OLD", gender="man", age_band="30-39", activity=activity,
            started_on=dt.date(YEAR - 2, 1, 1), exited_on=dt.date(YEAR - 1, 6, 1),
            exit_outcome="work",
        )  # fmt: skip
    return point


def _admin(alfa):
    return host_client(HOST, user_with_role(Role.ASSOCIATION_ADMIN, alfa))


def _flat(text: str) -> str:
    return " ".join(text.replace("\N{NO-BREAK SPACE}", " ").split())


def test_results_page_reads_like_the_social_accounting_report(year, alfa):
    page = _admin(alfa).get(f"/results/?year={YEAR}", HTTP_ACCEPT_LANGUAGE="sv")
    text = _flat(visible_text(page.content.decode()))
    assert f"Visar {YEAR}, alla insatser: 20 svar." in text
    assert f"Mätpunkt {year.number}" in text
    assert "Minst 80 % svarar 4 eller högre" in text
    assert "65 % (13/20) Ej nått" in text
    assert "80 % (8/10)" in text and "50 % (5/10)" in text  # women, men
    assert "Andelen är högre bland kvinnor (80 %) än bland män (50 %)." in text
    # register target: 9 of 20 exits to work = 45 % against 40 %
    assert "45 % (9/20) Nått" in text
    assert "Ett gott exempel har redovisats. Nått" in text
    assert "visas bara för förbundets egna användare" in text
    assert not raw_codes(visible_text(page.content.decode()))


def test_flow_table_counts_and_shares_by_gender_with_a_cell_of_one(year, alfa):
    page = _admin(alfa).get(f"/results/?year={YEAR}").content.decode()
    table = re.search(r'<table class="flow".*?</table>', page, re.S).group(0)
    rows = {
        _flat(visible_text(m.group(1))).split(" ")[0]: _flat(visible_text(m.group(0)))
        for m in re.finditer(r"<tr class=\"flow-\w+\">(.*?)</tr>", table, re.S)
    }
    text = _flat(visible_text(table))
    # columns: Kvinnor, Män, Totalt
    assert "Kvinnor Män Totalt" in text
    # started in or before the year and taking part in it: 10+2 women, 10+1 men
    assert "Antal deltagare totalt 12 11 23" in text
    # new in the year: odd indexes (5 women, 5 men) and the three still taking part
    assert "– varav nya under perioden 7 6 13" in text
    assert "Totalt avslutade under perioden 10 10 20" in text
    assert "– varav till arbete 4 (40 %) 5 (50 %) 9 (45 %)" in text
    # one woman to studies: shown to the association's own admin, however small
    assert "– varav till studier 1 (10 %) 0 (0 %) 1 (5 %)" in text
    assert "– varav till annan behovsanpassad lösning 3 (30 %) 2 (20 %) 5 (25 %)" in text
    assert "– varav avbrott 2 (20 %) 3 (30 %) 5 (25 %)" in text
    assert "Antal kvar i verksamheten 2 1 3" in text
    assert rows


def test_half_year_activity_and_bad_dates(year, alfa):
    client = _admin(alfa)
    first = _flat(visible_text(client.get(f"/results/?year={YEAR}&half=1").content.decode()))
    assert f"Visar första halvåret {YEAR}, alla insatser: 0 svar." in first
    assert "Inga svar under perioden." in first
    bad = client.get("/results/?from=2025-02-30&to=2025-03-01")
    assert bad.status_code == 200
    assert "Från: ”2025-02-30” är inte ett datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-01." in _flat(
        visible_text(bad.content.decode())
    )
    assert client.get("/results/?activity=999").status_code == 200


def test_bokslut_page_pdf_and_api_show_the_same_figures(year, alfa):
    client = _admin(alfa)
    page = client.get(f"/results/bokslut/{YEAR}/", HTTP_ACCEPT_LANGUAGE="sv")
    text = _flat(visible_text(page.content.decode()))
    assert f"Socialt bokslut {YEAR}" in text
    assert "Målområde 1 • Deltagarnytta" in text
    assert "65 % (13/20) Ej nått" in text
    assert "Från hemmasittare till arbetsträning" in text
    assert "Robertsfors 590 15,1 % 572 14,7 % −0,4" in text
    assert not raw_codes(visible_text(page.content.decode()))

    pdf = client.get(f"/results/bokslut/{YEAR}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    pdf_text = _flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    assert "65 % (13/20)" in pdf_text and "Ej nått" in pdf_text
    assert "Andelen är högre bland kvinnor (80 %) än bland män (50 %)." in pdf_text
    assert "– varav till studier 1 (10 %) 0 (0 %) 1 (5 %)" in pdf_text
    assert not raw_codes(pdf_text)

    body = client.get(f"/api/v1/results/bokslut/{YEAR}/").json()
    survey = next(r for a in body["goal_areas"] for r in a["results"] if r["point"] == year.number)
    assert (survey["text"], survey["signal"], survey["n"], survey["successes"]) == (
        "65\N{NO-BREAK SPACE}% (13/20)", "red", 20, 13,
    )  # fmt: skip
    studies = next(r for r in body["flow"]["rows"] if r["code"] == "studies")
    assert studies["counts"] == [1, 0, 1]
    api_pdf = client.get(f"/api/v1/results/bokslut/{YEAR}/pdf/")
    assert api_pdf.status_code == 200 and api_pdf.content.startswith(b"%PDF")


def test_bokslut_in_english(year, alfa):
    client = _admin(alfa)
    page = client.get(f"/results/bokslut/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en")
    text = _flat(visible_text(page.content.decode()))
    assert f"Social accounting report {YEAR}" in text
    assert "65% (13/20) Not met" in text
    assert f"Measurement point {year.number}" in text and "Goal area 1" in text
    assert "The share is higher among women (80%) than among men (50%)." in text


def test_introduction_is_edited_by_admins_and_audited(year, alfa):
    admin = _admin(alfa)
    staff = host_client(HOST, user_with_role(Role.ASSOCIATION_STAFF, alfa))
    url = f"/results/bokslut/{YEAR}/introduction/"
    assert staff.get(url).status_code == 403
    assert staff.get(f"/results/bokslut/{YEAR}/").status_code == 200
    refused = admin.post(url, {"text": "Kontakt: 19121212-1212"})
    assert refused.status_code == 200 and "personnummer" in refused.content.decode().lower()
    saved = admin.post(url, {"text": "Året präglades av nya samarbeten.\n\nTack till alla."})
    assert saved.status_code == 302
    text = _flat(visible_text(admin.get(f"/results/bokslut/{YEAR}/").content.decode()))
    assert "Året präglades av nya samarbeten. Tack till alla." in text
    event = AuditEvent.objects.filter(action="pilot.bokslut_introduction_saved").get()
    assert event.association_slug == "alfa" and event.details["year"] == YEAR


def test_each_period_uses_the_target_valid_in_it(year, alfa):
    """The national target on the point ends mid-year and a lower one follows: the first
    half-year is judged against 80 %, the second half and the whole year against 60 %
    (the latest target valid in the period)."""
    from instrument.models import NationalTarget

    NationalTarget.objects.filter(point=year).update(valid_to=dt.date(YEAR, 6, 30))
    national_target_create(
        point=year, kind="share_at_least", category=4, percent=Decimal(60),
        valid_from=dt.date(YEAR, 7, 1), actor=None,
    )  # fmt: skip
    client = _admin(alfa)
    whole = _flat(visible_text(client.get(f"/results/?year={YEAR}").content.decode()))
    assert "Minst 60 % svarar 4 eller högre" in whole and "65 % (13/20) Nått" in whole
    first = _flat(visible_text(client.get(f"/results/?year={YEAR}&half=1").content.decode()))
    assert "Minst 80 % svarar 4 eller högre" in first and "Inga svar under perioden." in first
    second = _flat(visible_text(client.get(f"/results/?year={YEAR}&half=2").content.decode()))
    assert "Minst 60 % svarar 4 eller högre" in second and "65 % (13/20) Nått" in second


def test_own_results_api_periods_activity_and_errors(year, alfa):
    client = host_client(HOST, user_with_role(Role.ASSOCIATION_STAFF, alfa))
    body = client.get(f"/api/v1/results/own/?from={YEAR}-10-01&to={YEAR}-11-30").json()
    survey = next(r for r in body["results"] if r["point"] == year.number)
    assert (survey["successes"], survey["n"], survey["signal"]) == (13, 20, "red")
    assert [g["text"] for g in survey["by_gender"]] == [
        "80\N{NO-BREAK SPACE}% (8/10)", "50\N{NO-BREAK SPACE}% (5/10)",
    ]  # fmt: skip
    bad = client.get("/api/v1/results/own/?from=2025-02-30&to=2025-03-01")
    assert bad.status_code == 400
    assert bad.json()["errors"]["from"] == [
        "Från: ”2025-02-30” är inte ett datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-01."
    ]
    assert client.get("/api/v1/results/own/?activity=x").status_code == 400
    assert client.get("/api/v1/results/bokslut/1999/").status_code == 404


def test_good_examples_without_a_target_still_reach_the_bokslut(year, alfa):
    with tenant_context(alfa):
        other = local_item_create(
            actor=None, code="hinder", text_sv="Hanterade hinder.", kind="good_example"
        )
        good_example_report(
            actor=None, local_item=other, reported_on=dt.date(YEAR, 4, 2),
            title="Flerpartsmöte bröt mönstret", text="Alla parter möttes på hälsocentralen.",
        )  # fmt: skip
    text = _flat(visible_text(_admin(alfa).get(f"/results/bokslut/{YEAR}/").content.decode()))
    assert "Goda exempel Flerpartsmöte bröt mönstret Alla parter möttes på hälsocentralen." in text
    # the example under its own target is not repeated there
    assert text.count("Från hemmasittare till arbetsträning") == 1


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("from=1/3/2025&to=2025-03-31",
         ["Från: ”1/3/2025” är inte ett datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-01."]),
        ("from=2025-03-01&to=2025-3-31",
         ["Till: ”2025-3-31” är inte ett datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-01."]),
        ("from=2025-03-01", ["Till: ange ett datum, ÅÅÅÅ-MM-DD."]),
        ("from=2025-03-31&to=2025-03-01", ["Till: slutdatumet ligger före startdatumet."]),
    ],
)  # fmt: skip
def test_period_dates_are_iso_with_a_swedish_message_naming_the_field(year, alfa, query, messages):
    client = _admin(alfa)
    page = client.get(f"/results/?{query}")
    assert page.status_code == 200
    shown = re.search(r'<ul class="errorlist" role="alert">(.*?)</ul>', page.content.decode(), re.S)
    assert shown and [_flat(m) for m in re.findall(r"<li>(.*?)</li>", shown.group(1))] == messages
    ok = client.get("/results/?from=2025-03-01&to=2025-03-31").content.decode()
    assert "Visar 1 mars 2025–31 mars 2025, alla insatser" in _flat(visible_text(ok))


def test_pages_and_pdf_share_one_stylesheet(year, alfa):
    """web/bokslut.css is the only copy: the pages link it, the PDF's print page inlines it."""
    from django.contrib.staticfiles import finders
    from django.template.loader import get_template
    from django.templatetags.static import static

    from pilot.results.pdf import bokslut_print_html

    css_path = finders.find("web/bokslut.css")
    assert css_path, "web/bokslut.css is not found by the static-files finders"
    with open(css_path, encoding="utf-8") as handle:
        css = handle.read()
    assert ".signal.red" in css
    client = _admin(alfa)
    for url in ("/results/", f"/results/bokslut/{YEAR}/"):
        assert f'href="{static("web/bokslut.css")}"' in client.get(url).content.decode(), url
    with tenant_context(alfa):
        html = bokslut_print_html(year=YEAR, association=alfa)
    assert css.strip() in html
    assert "bokslut.css" not in get_template("pilot/bokslut/print.html").template.source
