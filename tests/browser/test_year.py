"""Issue 13's "done when", as an administrator of a new association builds a year through the
pages: an activity, a 6-point and a yes/no question of its own placed on the participants'
exit form, a target on each, 20 exit questionnaires read in through the import page, the exits
with their outcomes registered on the participants page; then the figures a person reads on
/results/, the bokslut page and in the PDF, each computed here from the data the test typed.
Screenshots: artifacts/screenshots/year-*.png (1280 and 390 px)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import ROOT, SCREENSHOTS, LivePlatform, login, screenshot
from tests.web.test_no_raw_codes import raw_codes

SLUG = "arsbokslut"
ADMIN = f"{SLUG}-admin"
YEAR = 2026
PHONE = {"width": 390, "height": 844}
NBSP = "\N{NO-BREAK SPACE}"
ACTIVITY = "Vägen framåt"
QUESTIONS = {
    "framtid": "Hur ser du på din framtid?",
    "droger": "Har du använt droger den senaste månaden?",
}
OUTCOME_LABELS = {
    "work": "Arbete",
    "studies": "Studier",
    "other_solution": "Annan behovsanpassad lösning",
    "dropped_out": "Avbrott",
}


@dataclass(frozen=True)
class Person:
    code: str
    gender: str  # woman | man
    started_on: str
    framtid: int  # the 6-point question
    droger: int  # 0 = nej
    outcome: str


def _people() -> list[Person]:
    """12 women and 8 men; 9 women and 4 men answer 4–6 (13 of 20); nobody answers yes; four
    started the year before. Outcomes: women 5/3/2/2, men 2/2/1/3 (work, studies, other,
    dropped out)."""
    women_scale = [6, 5, 4, 4, 5, 6, 4, 5, 4, 3, 2, 1]
    men_scale = [4, 5, 6, 4, 3, 3, 2, 1]
    women_out = ["work"] * 5 + ["studies"] * 3 + ["other_solution"] * 2 + ["dropped_out"] * 2
    men_out = ["work"] * 2 + ["studies"] * 2 + ["other_solution"] + ["dropped_out"] * 3
    people = []
    for i, (value, outcome) in enumerate(zip(women_scale, women_out, strict=True)):
        started = f"{YEAR - 1}-10-01" if i < 3 else f"{YEAR}-02-01"
        people.append(Person(f"K{i + 1:02d}", "woman", started, value, 0, outcome))
    for i, (value, outcome) in enumerate(zip(men_scale, men_out, strict=True)):
        started = f"{YEAR - 1}-11-01" if i == 0 else f"{YEAR}-03-01"
        people.append(Person(f"M{i + 1:02d}", "man", started, value, 0, outcome))
    return people


PEOPLE = _people()


def _pct(part: int, whole: int) -> str:
    """Whole percent, half up, Swedish: "38 %" (the rule the report states)."""
    value = (Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value}{NBSP}%"


def _share(part: int, whole: int) -> str:
    return f"{_pct(part, whole)} ({part}/{whole})"


def _expected_flow() -> dict[str, list[str]]:
    """Flow rows as read: [women, men, total] cells, outcome rows with their share of those
    ended ("5 (42 %)")."""
    groups = [
        [p for p in PEOPLE if p.gender == "woman"],
        [p for p in PEOPLE if p.gender == "man"],
        PEOPLE,
    ]
    rows = {
        "Antal deltagare totalt": [str(len(g)) for g in groups],
        "– varav nya under perioden": [
            str(sum(p.started_on.startswith(str(YEAR)) for p in g)) for g in groups
        ],
        "Totalt avslutade under perioden": [str(len(g)) for g in groups],
    }
    for code, row in [
        ("work", "– varav till arbete"),
        ("studies", "– varav till studier"),
        ("other_solution", "– varav till annan behovsanpassad lösning"),
        ("dropped_out", "– varav avbrott"),
    ]:
        cells = []
        for g in groups:
            n = sum(p.outcome == code for p in g)
            cells.append(f"{n} ({_pct(n, len(g))})" if n else "0 (0" + NBSP + "%)")
        rows[row] = cells
    rows["Antal kvar i verksamheten"] = ["0", "0", "0"]  # everyone ended
    return rows


def _association_create(live_platform: LivePlatform) -> None:
    """A new, empty association with one administrator (set-up, as the platform's operator
    would do it: the create_association command and a membership)."""
    env = {
        **os.environ,
        "DATABASE_URL": live_platform.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    env.pop("CELERY_BROKER_URL", None)
    script = f"""
from ops.demo import DEMO_PASSWORD, _demo_org_number, _user
from tenants.models import Association
from tenants.roles import Role
from tenants.services import association_create, membership_grant
association = Association.objects.filter(slug={SLUG!r}).first() or association_create(
    name="Samordningsförbundet Årsboken", slug={SLUG!r},
    org_number=_demo_org_number("222000904"), county="24")
membership_grant(user=_user({ADMIN!r}, "Förbundsadministratör", "Årsboken"),
                 association=association, role=Role.ASSOCIATION_ADMIN)
"""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]


def _import_file() -> bytes:
    header = "participant_code;gender;age_band;started_on;activity;occasion;answered_on"
    lines = [header + ";local:framtid;local:droger"]
    for p in PEOPLE:
        lines.append(
            f"{p.code};{p.gender};25-29;{p.started_on};{ACTIVITY};exit;{YEAR}-10-15;"
            f"{p.framtid};{p.droger}"
        )
    return "\r\n".join(lines).encode("utf-8")


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


def _build_the_year(page: Page, base: str) -> None:
    page.goto(f"{base}/config/activities/new/")
    page.get_by_label("Namn").fill(ACTIVITY)
    page.get_by_label("Deltagare – vid avslut", exact=False).check()
    screenshot(page, "year-activity-new-1280")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Insatsen är sparad.")

    for code, kind, points in [("framtid", "likert", "6"), ("droger", "yes_no", "")]:
        text = QUESTIONS[code]
        page.goto(f"{base}/config/local-items/new/")
        page.get_by_label("Kod").fill(code)
        page.get_by_label("Frågetext (svenska)").fill(text)
        page.get_by_label("Typ").select_option(kind)
        if points:
            page.get_by_label("Antal skalsteg (2–11)").fill(points)
        page.get_by_role("button", name="Spara").click()
        page.locator("#local-items tr", has_text=code).get_by_role(
            "link", name="Välj formulär och insatser"
        ).click()
        page.get_by_label("Deltagare – vid avslut").check()
        page.get_by_label(ACTIVITY).check()
        screenshot(page, f"year-place-{code}-1280")
        page.get_by_role("button", name="Spara").click()
        expect(page.locator("#local-items tr", has_text=code)).to_contain_text(
            f"Deltagare – vid avslut ({ACTIVITY})"
        )

    for code, categories, percent in [("framtid", "4–6", "80"), ("droger", "nej", "100")]:
        page.get_by_role("link", name="Ny lokal målnivå").click()
        page.get_by_label("Mätpunkt eller egen fråga").select_option(
            label=next(
                o
                for o in page.locator("#id_subject option").all_inner_texts()
                if o.startswith(f"{code}:")
            )
        )
        page.get_by_label("Regel").select_option("share_at_least")
        page.get_by_label("Svarskategorier som räknas").fill(categories)
        page.get_by_label("Målnivå (%)").fill(percent)
        page.get_by_label("Gäller från").fill(f"{YEAR}-01-01")
        screenshot(page, f"year-target-{code}-1280")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Målnivån är sparad.")
    # A register target on point 20 (exits to work or studies), replacing the national one.
    page.get_by_role("link", name="Ny lokal målnivå").click()
    page.get_by_label("Mätpunkt eller egen fråga").select_option("point:20")
    page.get_by_label("Regel").select_option("register_share")
    page.get_by_label("Arbete").check()
    page.get_by_label("Studier").check()
    page.get_by_label("Målnivå (%)").fill("50")
    page.get_by_label("Gäller från").fill(f"{YEAR}-01-01")
    screenshot(page, "year-target-register-1280")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Målnivån är sparad.")
    targets = page.locator("#targets")
    expect(
        targets.locator("tr", has_text="av avslut till").filter(has_text="Lokal")
    ).to_contain_text(f"Minst 50{NBSP}% av avslut till arbete, studier")
    expect(targets.locator("tr", has_text="framtid")).to_contain_text(
        f"Minst 80{NBSP}% svarar 4, 5 eller 6"
    )
    expect(targets.locator("tr", has_text="droger")).to_contain_text(f"Minst 100{NBSP}% svarar nej")
    screenshot(page, "year-configuration-1280")

    page.goto(f"{base}/collect/import/")
    page.get_by_label("Formulär").select_option("participant_exit")
    page.get_by_label("Fil (.csv eller .xlsx)").set_input_files(
        files=[{"name": "avslut-2026.csv", "mimeType": "text/csv", "buffer": _import_file()}]
    )
    page.locator("#main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text(f"{len(PEOPLE)} rader är sparade.")
    screenshot(page, "year-imported-1280")

    for p in PEOPLE:
        page.goto(f"{base}/collect/participants/")
        page.locator("#participants tr", has_text=p.code).get_by_role(
            "link", name="Registrera avslut"
        ).click()
        page.get_by_label("Avslutsdatum").fill(f"{YEAR}-10-31")
        page.get_by_label("Utfall vid avslut").select_option(label=OUTCOME_LABELS[p.outcome])
        if p.code == "K01":
            screenshot(page, "year-exit-1280")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Utfallet är sparat.")
    rows = page.locator("#participants tbody tr")
    expect(rows).to_have_count(len(PEOPLE))
    expect(rows.filter(has_text="Avbrott")).to_have_count(
        sum(p.outcome == "dropped_out" for p in PEOPLE)
    )
    screenshot(page, "year-participants-1280")


def _result_row(page: Page, code: str):
    """The row of an own question: it reads as the question, not its code."""
    return page.locator("#own-results tr.result-row", has_text=QUESTIONS[code])


def _flow_cells(page: Page) -> dict[str, list[str]]:
    out = {}
    for row in page.locator("#flow tbody tr").all():
        head = row.locator("th").inner_text().strip()
        out[head] = [c.strip() for c in row.locator("td").all_inner_texts()]
    return out


def _check_results_page(page: Page) -> None:
    women = [p for p in PEOPLE if p.gender == "woman"]
    men = [p for p in PEOPLE if p.gender == "man"]
    hits = sum(4 <= p.framtid <= 6 for p in PEOPLE)
    assert (hits, len(PEOPLE)) == (13, 20)
    framtid = _result_row(page, "framtid")
    expect(framtid.locator(".result-text")).to_have_text(_share(hits, len(PEOPLE)))
    expect(framtid.locator(".signal")).to_have_text("Ej nått")
    cells = framtid.locator("td.num").all_inner_texts()
    assert cells == [_share(sum(4 <= p.framtid <= 6 for p in g), len(g)) for g in (women, men)], (
        cells
    )
    expect(framtid.locator(".gender-sentence")).to_have_text(
        f"Andelen är högre bland kvinnor ({_pct(9, 12)}) än bland män ({_pct(4, 8)})."
    )
    droger = _result_row(page, "droger")
    expect(droger.locator(".result-text")).to_have_text(_share(20, 20))
    expect(droger.locator(".signal")).to_have_text("Nått")
    ended = [p.outcome in {"work", "studies"} for p in PEOPLE]
    register = page.locator("#own-results tr.result-row", has_text="Mätpunkt 20")
    expect(register).to_contain_text(f"Minst 50{NBSP}% av avslut till arbete, studier")
    expect(register).to_contain_text("Egen målnivå")
    expect(register.locator(".result-text")).to_have_text(_share(sum(ended), len(ended)))
    expect(register.locator(".signal")).to_have_text("Nått")
    # No answers to a national point: grey, saying so (no "too few" inside the association).
    first = page.locator("#own-results tr.result-row", has_text="Mätpunkt 1 ·")
    expect(first.locator(".signal")).to_have_text("Inget resultat")
    expect(first).to_contain_text("Inga svar under perioden.")
    assert _flow_cells(page) == _expected_flow()
    text = page.locator("body").inner_text()
    assert not raw_codes(text), raw_codes(text)


def test_a_year_built_through_the_pages(new_page, live_platform):
    _association_create(live_platform)
    base = live_platform.base_url(SLUG)
    page = new_page()
    login(page, base, ADMIN, live_platform.password)
    _build_the_year(page, base)

    page.goto(f"{base}/results/")
    expect(page.locator("#covers")).to_contain_text(f"Visar {YEAR}, alla insatser")
    _check_results_page(page)
    screenshot(page, "year-results-1280")
    # The same figures for the one activity (the filter on the page).
    page.locator("#period-form select[name=activity]").select_option(label=ACTIVITY)
    page.click("#period-form button[type=submit]")
    expect(page.locator("#covers")).to_contain_text(f"insatsen {ACTIVITY}")
    _check_results_page(page)

    page.click("#bokslut-link")
    expect(page.locator("h1")).to_have_text(f"Socialt bokslut {YEAR}")
    for code, share, word in [("framtid", _share(13, 20), "Ej nått"),
                              ("droger", _share(20, 20), "Nått")]:  # fmt: skip
        account = page.locator("article.account", has_text=QUESTIONS[code])
        expect(account.locator(".result-text")).to_have_text(share)
        expect(account.locator(".signal")).to_have_text(word)
    assert _flow_cells(page) == _expected_flow()
    text = page.locator("body").inner_text()
    assert not raw_codes(text), raw_codes(text)
    screenshot(page, "year-bokslut-1280")
    # Styled by the one stylesheet (web/bokslut.css) the PDF inlines too: a red signal is red.
    background = page.locator(".account .signal.red").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert background not in {"rgba(0, 0, 0, 0)", "transparent"}, background

    with page.expect_download() as download:
        page.click("#bokslut-pdf")
    pdf = download.value.path().read_bytes()
    (SCREENSHOTS / "year-bokslut.pdf").write_bytes(pdf)
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", " ", pdf_text.replace(NBSP, " "))
    for figure in [_share(13, 20), _share(20, 20), _share(12, 20), "Ej nått", "Inget resultat"]:
        assert figure.replace(NBSP, " ") in flat, figure
    for head, cells in _expected_flow().items():
        line = " ".join([head, *cells]).replace(NBSP, " ")
        assert line in flat, (line, flat[flat.find("Deltagarna i siffror") :][:1500])

    phone = new_page(viewport=PHONE)
    login(phone, base, ADMIN, live_platform.password)
    for name, path in [
        ("configuration", "/config/"),
        ("target-new", "/config/targets/new/"),
        ("import", "/collect/import/"),
        ("participants", "/collect/participants/"),
        ("exit", "/collect/participants/K01/exit/"),
        ("results", "/results/"),
        ("bokslut", f"/results/bokslut/{YEAR}/"),
    ]:
        phone.goto(base + path)
        screenshot(phone, f"year-{name}-390")
        _no_sideways_scroll(phone)
    account = phone.locator("article.account", has_text=QUESTIONS["framtid"])
    expect(account.locator(".result-text")).to_have_text(_share(13, 20))
