"""Every page, for every role, in Swedish: no raw code in what a person reads.

Walks both URL confs (the public host and an association's host), renders each route with a
realistic object for every role (anonymous, respondent, association admin and staff, steering
group, researcher, platform administrator) and fails on any vocabulary code, snake_case token,
Python value or ISO timestamp in the visible text (tags, scripts, styles and ``<code>`` stripped;
``aria-label``, ``title``, ``alt`` and ``placeholder`` read like text). Routes that are not
pages are listed in ``NOT_PAGES`` with the reason; any new route must be covered or listed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from instrument.models import NationalTarget, Point
from instrument.services import national_target_create
from national.models import DatasetRequest, Snapshot
from tenants.roles import Role
from tests.conftest import consenting_with_data, host_client
from tests.factories import user_with_role
from vocabulary import all_codes

pytestmark = pytest.mark.django_db

PUBLIC, ASSOCIATION = "localhost", "alfa.localhost"
URLCONFS = {PUBLIC: "config.urls_public", ASSOCIATION: "config.urls_tenant"}

# Routes that are not pages people read in the platform's own language, and why.
NOT_PAGES = {
    "set_language": "POST only: switches the language and redirects",
    "javascript-catalog": "JavaScript, not a page",
    "schema": "the OpenAPI document (YAML) for programmers",
    "swagger-ui": "Swagger UI, a third-party English tool for programmers",
    "web:logout": "POST only: logs out and redirects",
    "web:dataset-download": "a file download (exports are labelled separately)",
    "web:run-progress": "JSON for the runs page's polling script",
    "web:run-publish": "POST only: publishes a reviewed draft and redirects",
    "web:bokslut-pdf": "a PDF; its text is checked in tests/web/test_results_bokslut.py",
    "web:dashboard-export": "a table download (CSV/XLSX) of a dashboard table",
    "web:validation-latest": "redirects to the newest validation report (web:validation)",
    "web:validation-pdf": "a PDF; its text is checked in tests/web/test_validation_page.py",
    "web:privacy-export": "a zip download (its codebook carries the labels)",
    "metrics": "Prometheus text for the scraper, behind a token",
}
SKIPPED_PREFIXES = (
    "admin/",  # Django's admin: the platform administrators' tool, translated by Django itself
    "api/v1/",  # JSON for programs: codes are the interface there
)

# Codes that are also ordinary Swedish words and may appear as such in running text.
GENUINE_WORDS = frozenset({"man", "organisation", "pseudonym", "region", "register"})
FLAGGED_CODES = frozenset(c for c in all_codes() if not c.isdigit()) - GENUINE_WORDS
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9.]+)+$")
PYTHON_VALUES = frozenset({"None", "True", "False", "nan", "NaN"})
ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


class _VisibleText(HTMLParser):
    """Text a person reads or hears: text nodes outside script/style/code, plus the
    attributes assistive technology reads."""

    HIDDEN = frozenset({"script", "style", "code", "kbd"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes(text: str) -> list[str]:
    found = [m.group(0) for m in ISO_TIMESTAMP.finditer(text)]
    for token in TOKEN.findall(text):
        token = token.rstrip(".-").lstrip("-")
        if token in FLAGGED_CODES or SNAKE_CASE.match(token) or token in PYTHON_VALUES:
            found.append(token)
    return found


def test_the_checker_sees_raw_codes_and_not_markup():
    html = (
        '<p class="cell-green" data-status="below_99.8">Arbete, studier</p>'
        "<script>var participant_during = 1;</script><code>sickness_disability_fte</code>"
        '<span aria-label="participant_during">x</span><td>work, studies</td><td>None</td>'
        "<td>2026-12-02T15:19:56+00:00</td><td>under nedre 99,8 %-gränsen</td><p>man kan</p>"
    )
    assert raw_codes(visible_text(html)) == [
        "2026-12-02T15:19",
        "participant_during",
        "work",
        "studies",
        "None",
    ]


def _routes(urlconf: str) -> Iterator[tuple[str, str, list[str]]]:
    """(name, route text, converter names) of every named route of a URL conf."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str, list[str]]]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}{p.name}", route, list(p.pattern.converters)

    yield from walk(get_resolver(urlconf).url_patterns, "", "")


@pytest.fixture
def platform(alfa, beta, django_capture_on_commit_callbacks):
    """Two consenting associations with data, targets (survey and register), local
    configuration, invitations, a published snapshot and dataset requests in every state."""
    from pilot.models import LocalItem, Participant
    from pilot.services import (
        activity_create,
        good_example_report,
        invitations_issue,
        local_item_create,
        local_target_create,
        municipality_year_upsert,
        schedule_add,
    )

    consenting_with_data((alfa, beta), seed=21, participants=60)
    for number in (1, 2, 5, 14):
        national_target_create(
            point=Point.objects.get(version__code="2015.1", number=number),
            kind="share_at_least",
            category=4,
            percent=Decimal(80),
            valid_from=dt.date(2015, 1, 1),
            actor=None,
        )
    national_target_create(
        point=Point.objects.get(version__code="2015.1", number=20),
        kind="register_share",
        percent=Decimal(40),
        outcomes=["work", "studies"],
        valid_from=dt.date(2015, 1, 1),
        actor=None,
    )
    with tenant_context(alfa):
        activity = activity_create(
            actor=None,
            name="Stegvis",
            form_codes=["participant_during", "staff_participant", "board"],
        )
        schedule_add(
            actor=None,
            activity=activity,
            form_code="staff_participant",
            occasion="periodic",
            interval_months=2,
        )
        schedule_add(actor=None, activity=activity, form_code="board", occasion="half_yearly")
        trivsel = local_item_create(
            actor=None,
            code="trivsel",
            text_sv="Jag trivs i insatsen.",
            kind="likert",
            scale_points=5,
            activities=[activity],
        )
        trivsel.form_codes = ["participant_during"]
        trivsel.save(update_fields=["form_codes"])
        story = local_item_create(
            actor=None,
            code="berattelse",
            text_sv="Berätta om ett gott exempel.",
            kind="good_example",
        )
        local_ids = [trivsel.pk]
        local_ids.insert(
            0,
            local_target_create(
                actor=None,
                kind="mean_at_least",
                local_item=trivsel,
                mean=Decimal("3.5"),
                valid_from=dt.date(2016, 1, 1),
            ).pk,
        )
        local_target_create(
            actor=None,
            kind="register_share",
            point_number=20,
            percent=Decimal(30),
            outcomes=["work", "other_solution"],
            valid_from=dt.date(2016, 1, 1),
        )
        good_example_report(
            actor=None,
            local_item=story,
            reported_on=dt.date(2016, 5, 1),
            title="Samverkan som bar",
            text="En deltagare fick arbete.",
        )
        register_row = municipality_year_upsert(
            actor=None,
            municipality="Umeå",
            year=2016,
            sickness_disability_fte=Decimal("812.5"),
            labour_market_fte=Decimal("401.0"),
            financial_assistance_fte=Decimal("355.5"),
            population_20_64=75000,
        )
        person = (
            Participant.objects.filter(exited_on__isnull=True, activity=activity)
            .order_by("code")
            .first()
        )
        if person is None:  # links go only to the activity's own participants (issue 17)
            person = Participant.objects.filter(exited_on__isnull=True).order_by("code").first()
            assert person is not None
            person.activity = activity
            person.save(update_fields=["activity"])
        participant_links = invitations_issue(
            actor=None,
            form_code="participant_during",
            occasion="during",
            activity=activity,
            participants=[person],
        )
        board_links = invitations_issue(
            actor=None, form_code="board", occasion="half_yearly", activity=activity, count=2
        )
        assert LocalItem.objects.count() == 2
        exited = Participant.objects.exclude(exit_outcome="").order_by("code").first()
        assert exited is not None
    steering = user_with_role(Role.STEERING_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        assert host_client(PUBLIC, steering).post("/national/runs/").status_code == 302
    snapshot = Snapshot.objects.get()
    assert host_client(PUBLIC, steering).post("/national/runs/1/publish/").status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.status == "published"
    researcher = user_with_role(Role.RESEARCHER)
    common = {
        "requester": researcher,
        "purpose": "Studie av deltagarnas upplevelser.",
        "variables": ["p1", "p2"],
        "layout": "long",
        "formats": ["sav", "dta"],
        "organisation": "Örebro universitet",
        "ethics_dnr": "2024-01234-01",
    }
    DatasetRequest.objects.create(**common)
    DatasetRequest.objects.create(**common, status="rejected", decision_reason="Syftet saknas.")
    DatasetRequest.objects.create(**common, status="building", progress=40, progress_stage="write")
    DatasetRequest.objects.create(**common, status="failed")
    ready = DatasetRequest.objects.create(
        **common,
        status="ready",
        snapshot=snapshot,
        checksum="ab" * 32,
        citation="NNS (2026). Poolade indikatordata.",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    users = {
        "anonymous": None,
        "respondent": None,  # a respondent has no login: only the link or the short code
        "association_admin": user_with_role(Role.ASSOCIATION_ADMIN, alfa),
        "association_staff": user_with_role(Role.ASSOCIATION_STAFF, alfa),
        "steering_group": steering,
        "researcher": researcher,
        "platform_admin": user_with_role(Role.PLATFORM_ADMIN),
    }
    kwargs = {
        "batch": board_links[0].batch,
        "code": exited.code,
        "token": participant_links[0].token,
        "pk": ready.pk,
        "number": snapshot.number,
        "year": 2016,  # the synthetic data's year (bokslut pages)
        "association": alfa.slug,
        "version": "2015.1",
        "point": 1,
        "target": local_ids[0],
        "item": local_ids[1],
        "row": register_row.pk,
        "national_target": NationalTarget.objects.order_by("pk").values_list("pk", flat=True)[0],
    }
    return users, kwargs, [participant_links[0], board_links[0]]


def test_no_page_shows_a_raw_code_to_any_role_in_swedish(platform):
    users, kwargs, _links = platform
    problems: list[str] = []
    rendered: set[str] = set()
    seen_routes: set[str] = set()
    for host, urlconf in URLCONFS.items():
        for name, _route, params in _routes(urlconf):
            seen_routes.add(name)
            if name in NOT_PAGES:
                continue
            path = reverse(name, urlconf=urlconf, kwargs={p: kwargs[p] for p in params})
            for role, user in users.items():
                client = host_client(host, user)
                response = client.get(path, HTTP_ACCEPT_LANGUAGE="sv")
                if not response["Content-Type"].startswith("text/html"):
                    continue
                if response.status_code == 200:
                    rendered.add(name)
                html = response.content.decode()
                assert 'lang="sv"' in html or response.status_code != 200, (host, path, role)
                found = raw_codes(visible_text(html))
                if found:
                    problems.append(f"{host}{path} as {role}: {sorted(set(found))}")
    uncovered = seen_routes - rendered - set(NOT_PAGES)
    assert not uncovered, f"routes no role could open: {sorted(uncovered)}"
    assert not problems, "raw codes on pages:\n" + "\n".join(problems)


def test_pages_show_labels_where_they_showed_codes(platform):
    users, kwargs, _links = platform
    admin = host_client(ASSOCIATION, users["association_admin"])
    results = visible_text(admin.get("/results/").content.decode())
    # The flow table: outcomes and genders by their Swedish names.
    assert "– varav till arbete" in results and "Kvinnor" in results and "Totalt" in results
    assert re.search(r"Nått|Ej nått|För få svar", results)
    collect = visible_text(admin.get("/collect/").content.decode())
    assert "Styrelse – per halvår" in collect and "Per halvår" in collect
    config = visible_text(admin.get("/config/").content.decode())
    assert "Personal – bedömning per deltagare: Återkommande under insatsen" in config
    cards = visible_text(admin.get(f"/collect/invitations/{kwargs['batch']}/").content.decode())
    assert "Styrelse – per halvår · Per halvår" in cards
    steering = host_client(PUBLIC, users["steering_group"])
    dashboard = visible_text(steering.get("/national/").content.decode())
    assert "Västerbottens län" in dashboard and "Deltagare – vid avslut" in dashboard
    review = visible_text(steering.get("/datasets/review/").content.decode())
    assert "En rad per svar" in review and "SPSS (.sav)" in review
    researcher = host_client(PUBLIC, users["researcher"])
    listing = visible_text(researcher.get("/datasets/").content.decode())
    assert "Skriver filer" in listing
