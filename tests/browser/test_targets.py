"""Targets over time as people meet them (issue 13.2, 14.5): an association revises a yes/no
target from a date; the steering group reads the achievable benchmark beside each national
target and revises one. Screenshots at desktop and 390 px width."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_association_revises_a_yes_no_target_from_a_date(new_page, live_platform):
    page = new_page()
    base = live_platform.base_url("skelleftea-norsjo")
    login(page, base, "skelleftea-norsjo-admin", live_platform.password)
    page.goto(f"{base}/config/local-items/new/")
    page.get_by_label("Kod").fill("droger")
    page.get_by_label("Frågetext (svenska)").fill("Har du använt droger den senaste månaden?")
    page.get_by_label("Typ").select_option("yes_no")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="Ny lokal målnivå").click()
    page.get_by_label("Mätpunkt eller egen fråga").select_option(
        label="droger: Har du använt droger den senaste månaden?"
    )
    page.get_by_label("Regel").select_option("share_at_least")
    page.get_by_label("Svarskategorier som räknas").fill("nej")
    page.get_by_label("Målnivå (%)").fill("100")
    page.get_by_label("Gäller från").fill("2026-01-01")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Målnivån är sparad.")
    row = page.locator("#targets tr", has_text="droger")
    expect(row).to_contain_text("Minst 100 % svarar nej")
    expect(row).to_contain_text("gäller från 2026-01-01 tills vidare")

    row.get_by_role("link", name="Ersätt från datum").click()
    expect(page.get_by_label("Svarskategorier som räknas")).to_have_value("0")
    page.get_by_label("Målnivå (%)").fill("95")
    page.get_by_label("Gäller från").fill("2027-01-01")
    screenshot(page, "target-revise-form")
    page.get_by_role("button", name="Spara").click()
    rows = page.locator("#targets tr", has_text="droger")
    expect(rows.nth(0)).to_contain_text("gäller 2026-01-01–2026-12-31")
    expect(rows.nth(1)).to_contain_text("Minst 95 % svarar nej")
    expect(rows.nth(1)).to_contain_text("gäller från 2027-01-01 tills vidare")
    screenshot(page, "target-revised-configuration")

    phone = new_page(viewport=PHONE)
    login(phone, base, "skelleftea-norsjo-admin", live_platform.password)
    phone.goto(f"{base}/config/")
    screenshot(phone, "target-revised-configuration-390")
    phone.locator("#targets tr", has_text="droger").nth(1).get_by_role(
        "link", name="Avsluta"
    ).click()
    phone.get_by_label("Sista dag målnivån gäller").fill("2026-06-30")
    phone.get_by_role("button", name="Spara").click()
    expect(phone.locator("#id_valid_to-errors")).to_have_text("Slutdatum före startdatum.")
    screenshot(phone, "target-end-error-390")


def test_steering_group_reads_the_achievable_benchmark_and_revises(new_page, live_platform):
    page = new_page()
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/targets/")
    first = page.locator("#national-targets tbody tr").first
    expect(first.locator(".proposal strong")).to_have_text(re.compile("^\\d+\u00a0%$"))
    expect(first.locator(".proposal")).to_contain_text(re.compile(r"de bästa \d+ av \d+ förbund"))
    screenshot(page, "national-targets-benchmark")
    first.get_by_role("link", name="Ersätt från datum").click()
    page.get_by_label("Målnivå (%)").fill("85")
    page.get_by_label("Gäller från").fill("2026-01-01")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#national-targets tbody tr").first).to_contain_text(
        "gäller 2015-01-01–2025-12-31"
    )
    expect(page.locator("#national-targets tbody tr").nth(1)).to_contain_text(
        "Minst 85 % svarar 4 eller högre"
    )
    screenshot(page, "national-targets-revised")
    phone = new_page(viewport=PHONE)
    login(phone, base, "styrgrupp", live_platform.password)
    phone.goto(f"{base}/national/targets/")
    screenshot(phone, "national-targets-390")
    _no_sideways_scroll(phone)
