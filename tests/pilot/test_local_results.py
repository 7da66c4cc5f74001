"""Issue 13 done-when, the local part: a 6-point item with "80 % svarar 4–6" and a yes/no item
with "100 % svarar nej"; 20 respondents, 13 answer 4–6 and all answer no. Figures per period,
with the target valid in that period (revised from a date)."""

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from pilot.selectors import local_item_results
from pilot.services import (
    activity_create,
    local_item_create,
    local_item_place,
    local_target_create,
    responses_submit,
)
from pilot.services.submissions import SubmissionInput

pytestmark = pytest.mark.django_db
NBSP = "\N{NO-BREAK SPACE}"


def _submit(activity, answered_on, answers, key):
    sub = SubmissionInput(
        form_code="board",
        occasion="half_yearly",
        activity=activity.name,
        answered_on=answered_on,
        answers=answers,
        key=key,
    )
    responses_submit(submissions=[sub], source="api", actor=None)


def test_local_item_figures_against_the_target_of_their_period(alfa):
    with tenant_context(alfa):
        act = activity_create(name="Kompassen", form_codes=["board"], actor=None)
        nojd = local_item_create(
            code="nojd", text_sv="Nöjd?", kind="likert", scale_points=6, actor=None
        )
        droger = local_item_create(code="droger", text_sv="Droger?", kind="yes_no", actor=None)
        for item in (nojd, droger):
            local_item_place(item=item, form_codes=["board"], activities=[act], actor=None)
        local_target_create(
            local_item=nojd,
            kind="share_at_least",
            categories=[4, 5, 6],
            percent=Decimal(80),
            valid_from=dt.date(2025, 1, 1),
            actor=None,
        )
        local_target_create(
            local_item=droger,
            kind="share_at_least",
            categories=[0],
            percent=Decimal(100),
            valid_from=dt.date(2025, 1, 1),
            actor=None,
        )
        # 20 respondents in 2025: 13 answer 4-6 (values 4,5,6,...), 7 answer 1-3; all answer no
        values = [4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 1, 2, 3, 1, 2, 3, 1]
        for i, v in enumerate(values):
            _submit(
                act,
                dt.date(2025, 3, 1) + dt.timedelta(days=i),
                {"local:nojd": v, "local:droger": 0},
                f"r{i}",
            )
        # revised from 2026: at least 60 % answer 4-6; 2026 has 3 of 4 -> met
        local_target_create(
            local_item=nojd,
            kind="share_at_least",
            categories=[4, 5, 6],
            percent=Decimal(60),
            valid_from=dt.date(2026, 1, 1),
            actor=None,
        )
        for i, v in enumerate([6, 6, 5, 1]):
            _submit(act, dt.date(2026, 2, 1), {"local:nojd": v, "local:droger": 1}, f"s{i}")

        y2025 = {
            r.code: r
            for r in local_item_results(
                period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31)
            )
        }
        t = y2025["nojd"].target
        assert (t.rule, t.successes, t.n, t.met) == (
            f"Minst 80{NBSP}% svarar 4, 5 eller 6",
            13,
            20,
            False,
        )
        assert t.share == pytest.approx(0.65)
        assert y2025["nojd"].counts == {1: 3, 2: 2, 3: 2, 4: 5, 5: 4, 6: 4}
        d = y2025["droger"].target
        assert (d.rule, d.successes, d.n, d.met) == (f"Minst 100{NBSP}% svarar nej", 20, 20, True)

        y2026 = {
            r.code: r
            for r in local_item_results(
                period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
            )
        }
        t = y2026["nojd"].target
        assert (t.rule, t.successes, t.n, t.met) == (
            f"Minst 60{NBSP}% svarar 4, 5 eller 6",
            3,
            4,
            True,
        )
        assert y2026["droger"].target.met is False  # 0 of 4 answer no
        other = local_item_results(
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), activity_ids=[0]
        )
        assert all(r.n == 0 and r.target.met is None for r in other)
