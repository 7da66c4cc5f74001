"""The dashboard's version filter with a v2 published mid-period (p1 reworded, p3 dropped, a new
p27 on point 1; tests.factories.two_versions_load), read as a person reads it: item-level
tables per version with that version's questions, point-level figures pooled through the
crosswalk and said to be so, the pooled n counted here from the tenant's rows."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from instrument.models import Item
from instrument.services import national_target_create
from national.models import Snapshot
from pilot.models import Answer, Response
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import V2_FORM, user_with_role
from tests.web.test_no_raw_codes import raw_codes, visible_text

pytestmark = pytest.mark.django_db
FORM_NAME = "Deltagare – under insatsen"
ENGLISH_V2 = (
    "Version 2027.1 is chosen",
    "pool the answers on versions 2015.1 and 2027.1",
    "Measurement point 3 is not in version 2027.1",
    "Changes in version 2027.1",
    "The questions of version 2027.1: statement",
    "No, reported per version",
    "reported per instrument version",
    "Counted in the measurement point",
)


@pytest.fixture
def published(two_versions, alfa, django_capture_on_commit_callbacks):
    v1, v2, middle = two_versions
    for number in (1, 3):  # point 3: its only question p3 is dropped in v2
        national_target_create(
            point=v1.points.get(number=number), kind="share_at_least", category=4,
        percent=Decimal(50), valid_from=dt.date(2000, 1, 1), actor=None,
    )  # fmt: skip
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        assert steering.post("/national/runs/").status_code == 302
    assert steering.post("/national/runs/1/publish/").status_code == 302
    assert Snapshot.objects.get().status == "published"
    period = f"{middle.year}H{1 if middle.month <= 6 else 2}"
    return steering, v1, v2, middle, period


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def _table(page: str, key: str) -> list[list[str]]:
    body = page.split(f'id="{key}"')[1].split("</table>")[0]
    return [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _matrix_points(page: str) -> list[str]:
    header = page.split('id="matrix"')[1].split("</thead>")[0]
    return re.findall(r'<span class="pt-num">(\d+)</span>', header)


def _whole_form_n(page: str, version: str) -> str:
    rows = _table(page, f"reliability-{version.replace('.', '-')}")
    [row] = [r for r in rows if r[:2] == [FORM_NAME, "Hela formuläret"]]
    return row[3]


def _answered(alfa, version) -> int:  # type: ignore[no-untyped-def]
    """The version's questionnaires on the form with at least one answer with a value."""
    with tenant_context(alfa):
        return (
            Response.objects.filter(
                instrument_version=version,
                form_code=V2_FORM,
                status="submitted",
                answers__value__isnull=False,
            )
            .distinct()
            .count()
        )


def test_the_version_filter_shows_that_versions_questions_and_reliability(published, alfa):
    steering, v1, v2, _middle, period = published
    p3 = Item.objects.get(version=v1, code="p3").statement_sv
    p1_v1 = Item.objects.get(version=v1, code="p1").statement_sv
    p1_v2 = Item.objects.get(version=v2, code="p1").statement_sv
    assert p1_v1 != p1_v2 and "Ny fråga" not in (p3, p1_v1)

    page = steering.get(f"/national/?period={period}&version={v2.code}").content.decode()
    assert f'id="reliability-{v1.code.replace(".", "-")}"' not in page
    items = _table(page, f"items-{v2.code.replace('.', '-')}")
    during = {r[1]: r for r in items[1:] if r[0] == FORM_NAME}
    assert during["p27"][3] == "Ny fråga" and during["p27"][4] == "Ny"
    assert during["p27"][5] == "Nej, redovisas per version"
    assert during["p1"][3] == p1_v2 and during["p1"][4] == "Omformulerad"
    assert "p3" not in during
    text = visible_text(page)
    assert p3 not in text
    assert _whole_form_n(page, v2.code) == str(_answered(alfa, v2))
    assert "Version 2027.1 är vald" in text and "gäller däremot alla versioner" in text
    download = steering.get(f"/national/export/items-2027-1.csv?version={v2.code}")
    csv_text = download.content.decode("utf-8-sig")
    assert "Ny fråga" in csv_text and p3 not in csv_text
    english = visible_text(
        steering.get(
            f"/national/?period={period}&version={v2.code}", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    )
    for words in ENGLISH_V2:
        assert words in english, words
    # point 3 is not asked in v2: no column, and the page says why
    assert _matrix_points(page) == ["1"]
    assert "Mätpunkt 3 finns inte i version 2027.1 och visas inte." in text

    page = steering.get(f"/national/?period={period}&version={v1.code}").content.decode()
    assert f'id="reliability-{v2.code.replace(".", "-")}"' not in page
    items = _table(page, f"items-{v1.code.replace('.', '-')}")
    during = {r[1]: r for r in items[1:] if r[0] == FORM_NAME}
    assert during["p3"][3] == p3 and during["p1"][3] == p1_v1 and "p27" not in during
    text = visible_text(page)
    assert "Ny fråga" not in text and p1_v2 not in text
    assert _whole_form_n(page, v1.code) == str(_answered(alfa, v1))
    assert _matrix_points(page) == ["1", "3"]

    # all versions: one part per version, each under its label, and the rule in words
    page = steering.get(f"/national/?period={period}").content.decode()
    text = visible_text(page)
    assert "Version 2015.1" in text and "Version 2027.1" in text
    assert _whole_form_n(page, v1.code) == str(_answered(alfa, v1))
    assert _whole_form_n(page, v2.code) == str(_answered(alfa, v2))
    assert (
        "Resultaten per mätpunkt räknar ihop svaren på jämförbara frågor i alla versionerna" in text
    )
    assert "Nya frågor räknas inte in i mätpunktens resultat" in text
    assert _matrix_points(page) == ["1", "3"] and "Mätpunkt 3 finns inte" not in text
    # an unknown version: a message and every version
    page = steering.get("/national/?version=1999.9").content.decode()
    assert "Instrumentversionen ”1999.9” finns inte. Visar alla versioner." in page


def test_point_figures_pool_both_versions_whatever_the_filter(published, alfa):
    steering, v1, v2, middle, period = published
    # by hand: point 1 in the half-year of v2's publication = p1 answers with a value on v1
    # and v2 (p27 is new: not in the point's results); successes = values >= 4
    start = dt.date(middle.year, 1 if middle.month <= 6 else 7, 1)
    end = dt.date(middle.year, 6, 30) if middle.month <= 6 else dt.date(middle.year, 12, 31)
    with tenant_context(alfa):
        p1 = Answer.objects.filter(
            item__code="p1", value__isnull=False, response__answered_on__range=(start, end),
            response__status="submitted",
        )  # fmt: skip
        n, successes = p1.count(), p1.filter(value__gte=4).count()
        assert 0 < p1.filter(response__instrument_version=v2).count() < n
    for version in ("", v1.code, v2.code):
        query = f"period={period}&version={version}"
        page = steering.get(f"/national/?{query}").content.decode()
        funnel = {r[0]: r for r in _table(page, "funnel-table")[1:]}
        assert funnel["Samordningsförbundet Alfa"][2] == str(n)
        assert "Resultaten per mätpunkt räknar ihop svaren på version 2015.1 och 2027.1." in (
            visible_text(page)
        )
        assert raw_codes(visible_text(page)) == []
        cell = steering.get(f"/national/cell/alfa/1/?{query}").content.decode()
        rows = {r[0]: r for r in _table(cell, "cell")[1:]}
        half = f"{'jan–jun' if middle.month <= 6 else 'jul–dec'} {middle.year}"
        assert rows[half][1] == str(n) and rows[half][2].endswith(f"({successes}/{n})")
        assert "räknar ihop svaren på version 2015.1 och 2027.1" in visible_text(cell)
        assert raw_codes(visible_text(cell)) == []
