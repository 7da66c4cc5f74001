"""The instrument validation report page and PDF, on real pooled data: the figures a person
reads are computed here from the snapshot's frames (pingouin for alpha, counts by hand) and
written the Swedish way by this test, not by the page's own formatter."""

from __future__ import annotations

import io
import re

import numpy as np
import pingouin as pg
import pytest

from national.models import Snapshot
from national.reports.store import snapshot_frames
from national.selectors import snapshot_report
from tenants.roles import Role
from tests.conftest import consenting_with_data, host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def sv(x: float, decimals: int = 2) -> str:
    """Swedish decimal comma and minus sign, written independently of web.numbers."""
    text = f"{round(x, decimals):.{decimals}f}".replace(".", ",")
    return text.replace("-", "\N{MINUS SIGN}")


def text_of(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", NBSP)


@pytest.fixture
def published(alfa, beta, django_capture_on_commit_callbacks):
    consenting_with_data((alfa, beta), seed=21, participants=80)
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        assert steering.post("/national/runs/").status_code == 302
    assert steering.post("/national/runs/1/publish/").status_code == 302
    return steering


def _wide(answers, form: str, items: list[str]):
    a = answers[answers["form_code"].astype(str) == form]
    a = a.assign(x=a["value"].astype("float64"), item=a["item_code"].astype(str))
    wide = a.pivot_table(index="response", columns="item", values="x", aggfunc="first")
    wide = wide.reindex(columns=items)
    return wide[wide.notna().any(axis=1)]


def test_page_shows_alpha_items_fit_flags_and_rates_computed_by_hand(published):
    snapshot = Snapshot.objects.get()
    answers, outcomes = snapshot_frames(snapshot=snapshot)
    report = snapshot_report(snapshot=snapshot, kind="validation")
    entry = next(f for f in report["forms"] if f["form"] == "participant_during")
    items = list(entry["scale"]["items"])
    wide = _wide(answers, "participant_during", items)
    alpha, _ = pg.cronbach_alpha(wide, nan_policy="pairwise")

    response = published.get("/national/validation/1/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(html)
    assert "Valideringsrapport" in page and "Sammanställning 1 (publicerad)" in page
    assert f"programversion {report['code_version']}" in page
    # alpha of the whole form with its n, on the form's reliability table
    table = text_of(
        html.split('id="participant-during-2015-1-reliability"')[1].split("</table>")[0]
    )
    n = len(wide)
    assert re.search(rf"Alla frågor på enkäten {n} {len(items)} {re.escape(sv(alpha))} ", table)
    # one item's floor and ceiling shares, counted by hand
    item = items[0]
    values = wide[item].dropna()
    floor = round(100 * float((values == 1).mean()))
    ceiling = round(100 * float((values == 5).mean()))
    row = text_of(html.split(f'id="participant-during-2015-1-{item}"')[1].split("</tr>")[0])
    assert f" {len(values)} " in row
    assert f"{floor}{NBSP}%" in row and f"{ceiling}{NBSP}%" in row
    # the CFA fit line, from the stored fit, written independently
    cfa = entry["cfa"]
    line = (
        f"χ² = {sv(cfa['chi2'], 1)}, df = {int(cfa['df'])}, CFI = {sv(cfa['cfi'])}, "
        f"TLI = {sv(cfa['tli'])}, RMSEA = {sv(cfa['rmsea'], 3)} "
        f"({sv(cfa['rmsea_low'], 3)}–{sv(cfa['rmsea_high'], 3)}), SRMR = {sv(cfa['srmr'], 3)}"
    )
    assert f"{line}; n = {cfa['n']}" in page
    # a ceiling flag in plain Swedish with the share behind it, linking to the item's row
    if ceiling > 15:
        assert re.search(
            rf'href="#participant-during-2015-1-{item}"><span class="code">{item}</span></a>: '
            rf"många svar på högsta steget – {ceiling}{NBSP}% \(gräns 15{NBSP}%\), "
            rf"n = {len(values)}",
            html,
        )
    # response rate of the exit form: exited participants with an exit questionnaire
    o = outcomes[outcomes["exit_month"].notna()]
    exited = set(zip(o["association"].astype(str), o["pseudonym"].astype(str), strict=True))
    a = answers[answers["form_code"].astype(str) == "participant_exit"]
    answered = set(zip(a["association"].astype(str), a["pseudonym"].astype(str), strict=True))
    share = round(100 * len(exited & answered) / len(exited))
    rates = text_of(html.split('id="response-rates"')[1])
    assert (
        f"Deltagare – vid avslut 2015.1 {len(exited)} {len(exited & answered)} {share}{NBSP}%"
        in rates
    )
    assert "participant_exit" not in page and "None" not in page


def test_pdf_holds_the_same_numbers(published):
    from pypdf import PdfReader

    page = text_of(published.get("/national/validation/1/").content.decode())
    alpha = re.search(r"Alla frågor på enkäten \d+ \d+ (\S+) ", page).group(1)
    fit = re.search(r"χ² = [^;]+", page).group(0)
    response = published.get("/national/validation/1/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Valideringsrapport" in text and alpha in text
    assert fit.replace(NBSP, " ") in text.replace(NBSP, " ")


def test_who_may_read_it(published, alfa):
    researcher = host_client("localhost", user_with_role(Role.RESEARCHER))
    page = researcher.get("/national/validation/1/").content.decode()
    assert "Valideringsrapport" in page and "Samordningsförbundet Alfa" not in page
    assert researcher.get("/national/validation/").status_code == 302
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    assert staff.get("/national/validation/1/").status_code == 404
    assert published.get("/national/validation/9/").status_code == 404
    assert published.get("/national/validation/1/?version=nope").status_code == 404
    assert 'href="/national/validation/1/"' in published.get("/national/").content.decode()
    assert np.isfinite(1.0)


def test_a_report_still_being_computed_is_announced(published):
    """The draft does not wait for its validation report: until it is stored the page says
    so, also behind the runs page's link to it (never a 404 there)."""
    snapshot = Snapshot.objects.get()
    snapshot.reports.filter(kind="validation").delete()
    notice = (
        f"Valideringsrapporten för sammanställning {snapshot.number} beräknas fortfarande. "
        "Den visas här när den är klar; ladda om sidan om en stund."
    )
    page = text_of(published.get("/national/validation/").content.decode())
    assert notice in page and "Det finns ingen valideringsrapport ännu." not in page
    linked = published.get(f"/national/validation/{snapshot.number}/")
    assert linked.status_code == 200 and notice in text_of(linked.content.decode())
    runs = published.get("/national/runs/").content.decode()
    assert f'href="/national/validation/{snapshot.number}/"' in runs
    researcher = host_client("localhost", user_with_role(Role.RESEARCHER))
    assert notice in text_of(researcher.get("/national/validation/").content.decode())


def test_a_report_that_cannot_be_computed_is_said_so_and_not_retried(
    alfa, beta, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """A validation step that raises leaves the draft as it is, stores the failure (no
    "still being computed" for ever, no watchdog loop) and the page says what happened."""
    from national.pooling import snapshot_watchdog
    from national.reports import store

    def broken(**_kwargs):
        raise ValueError("not estimable")

    monkeypatch.setattr(store, "validation_compute", broken)
    settings.NNS_POOLING_STALE_SECONDS = 0
    consenting_with_data((alfa, beta), seed=22, participants=30)
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        assert steering.post("/national/runs/").status_code == 302
    snapshot = Snapshot.objects.get()
    assert snapshot.status == "draft"
    stored = snapshot.reports.get(kind="validation").payload
    assert stored == {"failed": True, "error": "ValueError", "snapshot": snapshot.number}
    assert snapshot_watchdog() == []
    notice = (
        f"Valideringsrapporten för sammanställning {snapshot.number} kunde inte beräknas. "
        "Felet är loggat för plattformens administratörer; rapporten beräknas på nytt med "
        "nästa sammanställning."
    )
    for path in ("/national/validation/", f"/national/validation/{snapshot.number}/"):
        page = text_of(steering.get(path).content.decode())
        assert notice in page and "beräknas fortfarande" not in page
        assert "Det finns ingen valideringsrapport ännu." not in page
    assert steering.get(f"/national/validation/{snapshot.number}/pdf/").status_code == 404
