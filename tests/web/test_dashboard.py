"""The steering group's dashboard as a person reads it, on a hand-made published snapshot:
the opening period and its coverage, indicator names and statements, county names, the
rounding rule, messages for filters that name nothing, the drill-down, the downloads and the
reliability warnings. Expected numbers are computed here from the fixture's counts."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from instrument.models import Point
from instrument.services import national_target_create
from national.models import PooledResponse, Snapshot, SnapshotReport
from tenants.models import Association
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role
from tests.web.test_no_raw_codes import raw_codes, visible_text

pytestmark = pytest.mark.django_db
NB = "\N{NO-BREAK SPACE}"

# (association, point, period): (n, successes); gamma's 3 answers are below k = 5
COUNTS = {
    ("alfa", 1, "2016H1"): (308, 245),  # 79.55 %: red against "at least 80 %"
    ("beta", 1, "2016H1"): (50, 40),  # exactly 80 %: green
    ("gamma", 1, "2016H1"): (3, 3),
    ("delta", 1, "2016H1"): (60, 30),
    ("alfa", 2, "2016H1"): (300, 270),
    ("beta", 2, "2016H1"): (50, 45),
    ("delta", 2, "2016H1"): (60, 59),
    ("alfa", 1, "2015H2"): (200, 150),
    ("alfa", 1, "2016H2"): (10, 9),  # a new half-year with one association
}
# questionnaires per association and half-year (coverage)
ANSWERS = {("alfa", "2016H1"): 60, ("beta", "2016H1"): 40, ("gamma", "2016H1"): 30,
           ("delta", "2016H1"): 40, ("alfa", "2015H2"): 50, ("alfa", "2016H2"): 10}  # fmt: skip


def wilson(y: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = y / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _cell(association: str, point: int, period: str, k: int = 5) -> dict:
    n, y = COUNTS[(association, point, period)]
    low, high = wilson(y, n)
    base = {"target_index": point - 1, "point": point, "kind": "share_at_least", "category": 4,
            "target_level": 0.8, "target_mean": None, "outcomes": [], "association": association,
            "period": period, "n": n}  # fmt: skip
    if n < k:
        return {**base, "suppressed": True, "reason": "n_below_k", "signal": "grey",
                "share": None, "successes": None}  # fmt: skip
    signal = "green" if y / n >= 0.8 else "red"
    return {**base, "successes": y, "share": y / n, "wilson_low": low, "wilson_high": high,
            "signal": signal, "suppressed": False, "reason": None}  # fmt: skip


def _national(point: int, period: str) -> dict:
    pairs = [v for (a, p, per), v in COUNTS.items() if p == point and per == period]
    n, y = sum(v[0] for v in pairs), sum(v[1] for v in pairs)
    low, high = wilson(y, n)
    return {"target_index": point - 1, "point": point, "kind": "share_at_least", "period": period,
            "n": n, "successes": y, "share": y / n, "wilson_low": low, "wilson_high": high,
            "target_level": 0.8, "signal": "green" if y / n >= 0.8 else "red",
            "suppressed": False}  # fmt: skip


def _month(period: str) -> dt.date:
    return dt.date(int(period[:4]), 1 if period.endswith("H1") else 7, 1)


@pytest.fixture
def steering(alfa, beta):
    more = (("gamma", "Samordningsförbundet Gamma", "01", "222000-1110"),
            ("delta", "Samordningsförbundet Delta", "24", "222000-1120"))  # fmt: skip
    for slug, name, county, org in more:
        Association.objects.create(schema_name=slug, slug=slug, name=name, county=county,
                                   org_number=org)  # fmt: skip
    for number in (1, 2):
        national_target_create(
            point=Point.objects.get(version__code="2015.1", number=number),
            kind="share_at_least", category=4, percent=Decimal(80),
            valid_from=dt.date(2015, 1, 1), actor=None,
        )  # fmt: skip
    snapshot = Snapshot.objects.create(
        number=1, status=Snapshot.Status.PUBLISHED, published_at=timezone.now(), small_cell_k=5
    )
    periods = sorted({per for (_a, _p, per) in COUNTS})
    bench = {
        "k": 5,
        "cells": [_cell(a, p, per) for (a, p, per) in COUNTS],
        "national": [_national(p, per) for p in (1, 2) for per in periods
                     if any(pp == p and x == per for (_a, pp, x) in COUNTS)],
        "funnels": [{"target_index": 0, "point": 1, "kind": "share_at_least", "period": "2016H1",
                     "target_level": 0.8, "national_share": 0.75, "limits_target": [],
                     "limits_national": [],
                     "points": [{"association": a, "n": COUNTS[(a, 1, "2016H1")][0],
                                 "share": COUNTS[(a, 1, "2016H1")][1] / COUNTS[(a, 1, "2016H1")][0],
                                 "position_target": "below_99.8" if a == "delta" else "inside",
                                 "position_national": "inside"}
                                for a in ("alfa", "beta", "delta")]}],
        "changes": [],
    }  # fmt: skip
    item = {"n": 200, "sd": 1.0, "mean": 3.0, "raw_r": 0.5}
    reliability = [
        {"instrument_version": "2015.1", "form": "board", "indicator": None, "scope": "pooled",
         "items": ["b1", "b2"], "n": 25, "alpha_raw": -0.2, "ci_feldt_low": -0.84,
         "ci_feldt_high": 0.67, "omega_total": None, "suppressed": False, "item_stats": []},
        {"instrument_version": "2015.1", "form": "participant_exit", "indicator": 3,
         "scope": "pooled", "items": ["x1", "x2", "x3", "x4"], "n": 200, "alpha_raw": 0.8,
         "ci_feldt_low": 0.75, "ci_feldt_high": 0.84, "omega_total": 0.82, "suppressed": False,
         "item_stats": [{**item, "item": "x1", "r_drop": 0.6, "alpha_raw_if_dropped": 0.7},
                        {**item, "item": "x4", "r_drop": 0.1, "alpha_raw_if_dropped": 0.85}]},
    ]  # fmt: skip
    SnapshotReport.objects.create(snapshot=snapshot, kind="benchmark", payload=bench)
    SnapshotReport.objects.create(snapshot=snapshot, kind="reliability", payload=reliability)
    rows, rid = [], 1
    for (a, per), count in ANSWERS.items():
        for _ in range(count):
            rows.append(PooledResponse(
                response=rid, snapshot=snapshot, association=a, county="24", form_code="board",
                occasion="half_yearly", period=_month(per), instrument_version="2015.1",
                respondent="board", item_ids=[1], answer_values=[4]))  # fmt: skip
            rid += 1
    PooledResponse.objects.bulk_create(rows)
    return host_client("localhost", user_with_role(Role.STEERING_GROUP))


def _text(fragment: str) -> str:
    """A cell's text as read, keeping non-breaking spaces (the page's number format)."""
    without = re.sub(r"<[^>]+>", "", re.sub(r'<span role="tooltip".*?</span>', "", fragment))
    return " ".join(html.unescape(without).replace(NB, "\x00").split()).replace("\x00", NB)


def _table(page: str, key: str) -> list[list[str]]:
    body = page.split(f'id="{key}"')[1].split("</table>")[0]
    return [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _percent(share: float) -> str:
    return f"{round(share * 100)}{NB}%"


def test_opens_on_the_latest_well_covered_half_year_and_says_what_it_covers(steering):
    page = steering.get("/national/").content.decode()
    # 2016H2 is newer but holds one association; 2016H1 has 4 associations and 170 answers
    answers = sum(v for (_a, per), v in ANSWERS.items() if per == "2016H1")
    line = visible_text(page.split('id="coverage"')[1].split("</p>")[0])
    assert f"Visar jan–jun 2016: 4 förbund, {answers} svar." in line
    assert re.search(r'<option value="2016H2"[^>]*>jul–dec 2016 \(1 förbund, 10 svar\)', page)
    # the thin half-year can still be chosen, with a warning
    thin = visible_text(steering.get("/national/?period=2016H2").content.decode())
    assert "Visar jul–dec 2016: 1 förbund, 10 svar." in thin and "jämför med försiktighet" in thin


def test_matrix_names_indicators_counties_and_never_shows_the_target_in_red(steering):
    page = steering.get("/national/").content.decode()
    point1 = Point.objects.select_related("indicator").get(version__code="2015.1", number=1)
    header = page.split('id="matrix"')[1].split("</thead>")[0]
    assert f'<span class="pt-name">{point1.indicator.short_sv}</span>' in header
    # the statement is the header's accessible description (hover and keyboard focus)
    tip = re.search(
        r'tabindex="0" aria-describedby="(matrix-tip-\d+)"><span class="pt-num">1<', header
    )
    assert tip and f'id="{tip.group(1)}">{point1.statement_sv}</span>' in header
    rows = {r[0]: r for r in _table(page, "matrix")[1:]}
    assert rows["Samordningsförbundet Alfa"][1] == "Västerbottens län"
    assert rows["Samordningsförbundet Beta"][1] == "Örebro län"
    n, y = COUNTS[("alfa", 1, "2016H1")]
    assert round(y / n * 100) == 80  # whole percent would read as the target ...
    expected = f"{math.floor(y / n * 1000) / 10}".replace(".", ",") + f"{NB}%"
    assert expected == f"79,5{NB}%"
    assert rows["Samordningsförbundet Alfa"][2] == f"{expected} (Ej nått)"  # ... so one decimal
    assert rows["Samordningsförbundet Beta"][2] == f"{_percent(40 / 50)} (Nått)"
    assert rows["Samordningsförbundet Gamma"][2] == "– (För få svar)"
    assert re.search(r'class="cell-red"><a href="/national/cell/alfa/1/\?period=2016H1"', page)
    assert not raw_codes(visible_text(page))


def test_county_filter_applies_to_matrix_funnel_and_trend(steering):
    page = steering.get("/national/?county=24&point=1").content.decode()
    names = [r[0] for r in _table(page, "matrix")[1:]]
    assert names == ["Samordningsförbundet Alfa", "Samordningsförbundet Delta"]
    funnel = {r[0]: r for r in _table(page, "funnel-table")[1:]}
    assert set(funnel) == {"Samordningsförbundet Alfa", "Samordningsförbundet Delta"}
    assert funnel["Samordningsförbundet Delta"][4] == "under nedre 99,8 %-gränsen"
    # the trend is the county's: alfa + delta in 2016H1
    (na, ya), (nd, yd) = COUNTS[("alfa", 1, "2016H1")], COUNTS[("delta", 1, "2016H1")]
    trend = {r[0].split()[0]: r for r in _table(page, "trend")[1:]}
    assert trend["1"][2] == _percent((ya + yd) / (na + nd))
    assert "Andel över tid, Västerbottens län" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2099H1", "Perioden ”2099H1” finns inte i sammanställningen. Visar jan–jun 2016"),
        ("point=abc", "Mätpunkten ”abc” finns inte bland de valda."),
        ("county=99", "Det finns inget förbund i det valda länet."),
        ("version=9.9", "Instrumentversionen ”9.9” finns inte."),
        ("form=nope", "Formuläret finns inte i den valda versionen."),
    ],
)
def test_filters_that_name_nothing_give_a_message_and_a_full_page(steering, query, message):
    response = steering.get(f"/national/?{query}")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert message in text and "Samordningsförbundet Alfa" in text


def test_drill_down_reads_the_trend_with_ci_n_target_and_statement(steering):
    page = steering.get("/national/cell/alfa/1/?period=2016H1").content.decode()
    text = visible_text(page)
    point1 = Point.objects.get(version__code="2015.1", number=1)
    assert point1.statement_sv in text and "Minst 80" in text and "Västerbottens län" in text
    rows = _table(page, "cell")[1:]
    assert [r[0] for r in rows] == ["jul–dec 2015", "jan–jun 2016", "jul–dec 2016"]
    low, high = wilson(245, 308)
    assert rows[1][1:4] == [
        "308",
        f"79,5{NB}% (245/308)",
        f"{round(low * 100)}–{round(high * 100)}{NB}%",
    ]
    assert rows[0][2] == f"{_percent(150 / 200)} (150/200)" and rows[0][4] == "Ej nått"
    assert "<svg" in page and 'class="chart trend"' in page and "<script" not in page
    assert steering.get("/national/cell/alfa/99/").status_code == 404
    assert steering.get("/national/cell/nobody/1/").status_code == 404


def test_every_table_downloads_as_csv_and_xlsx_with_the_filters(steering):
    csv_response = steering.get("/national/export/matrix.csv?period=2016H1&county=24")
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    point1 = Point.objects.select_related("indicator").get(version__code="2015.1", number=1)
    assert rows[0][:3] == ["Förbund", "Län", f"1 {point1.indicator.short_sv}"]
    assert [r[0] for r in rows[1:]] == ["Samordningsförbundet Alfa", "Samordningsförbundet Delta"]
    assert rows[1][2] == str(round(245 / 308 * 100, 1))
    for key in ("matrix", "funnel-table", "trend", "reliability", "reliability-2015-1"):
        response = steering.get(f"/national/export/{key}.xlsx?period=2016H1")
        assert response.status_code == 200, key
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row >= 2, key
    cell = steering.get("/national/export/cell.csv?association=alfa&cell_point=1")
    assert "79.5" in cell.content.decode("utf-8-sig")
    assert steering.get("/national/export/matrix.pdf").status_code == 404
    assert steering.get("/national/export/cell.csv?cell_point=abc").status_code == 404


def test_reliability_is_shown_honestly(steering):
    page = steering.get("/national/").content.decode()
    # one table per instrument version, under the version's heading
    assert "<h3" in page and "Version 2015.1" in page
    rows = _table(page, "reliability-2015-1")[1:]
    board = next(r for r in rows if r[0] == "Styrelse – per halvår")
    assert board[1] == "Hela formuläret" and board[2] == "2" and board[3] == "25"
    assert board[4] == "\N{MINUS SIGN}0,20" and board[5] == "\N{MINUS SIGN}0,84–0,67"
    for words in ("Färre än tre frågor", "Negativt α", "Få svar (under 30)"):
        assert words in board[7]
    exit_row = next(r for r in rows if r[0] == "Deltagare – vid avslut")
    assert exit_row[1].startswith("3 ") and exit_row[2] == "4" and exit_row[6] == "0,82"
    assert "fråga x4: hänger svagt ihop med de andra frågorna" in exit_row[7]
    assert "fråga x4: α blir högre utan frågan" in exit_row[7]
    assert "x1" not in exit_row[7]
