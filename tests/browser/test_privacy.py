"""Issue 18's data-protection pages as an association administrator and a platform
administrator meet them, at desktop width and on a 390 px phone (screenshots in
artifacts/screenshots/)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

ASSOCIATION = "skelleftea-norsjo"


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), (page.url, width)


def test_association_admin_privacy_erase_and_audit(new_page, live_platform):
    base = live_platform.base_url(ASSOCIATION)
    page = new_page()
    login(page, base, f"{ASSOCIATION}-admin", live_platform.password)
    page.goto(f"{base}/privacy/")
    expect(page.locator("h1")).to_have_text("Dataskydd")
    page.fill("#id_retention_months", "48")
    page.fill(
        "#id_privacy_notice", "Personuppgiftsansvarig är förbundet. Dataskyddsombud: dso@example.se"
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#retention-now")).to_contain_text("Förbundets lagringstid är 48 månader.")
    screenshot(page, "privacy-desktop")

    page.goto(f"{base}/collect/participants/")
    page.locator("#participants a", has_text="Radera").first.click()
    expect(page.locator("h1")).to_contain_text("Radera deltagare")
    expect(page.locator("#erase-summary")).to_contain_text("enkätsvar")
    screenshot(page, "erase-desktop")
    code = re.sub(r"^Radera deltagare ", "", page.locator("h1").inner_text())
    page.fill("#id_confirm_code", code)
    page.get_by_role("button", name="Radera deltagaren").click()
    expect(page.locator(".messages")).to_contain_text("Deltagaren är raderad")

    page.goto(f"{base}/audit/")
    expect(page.locator("#audit tbody tr").first).to_contain_text("Deltagare raderad")
    screenshot(page, "audit-association-desktop")

    phone = new_page(viewport={"width": 390, "height": 844})
    login(phone, base, f"{ASSOCIATION}-admin", live_platform.password)
    for path, name in (("/privacy/", "privacy-390"), ("/audit/", "audit-association-390")):
        phone.goto(f"{base}{path}")
        screenshot(phone, name)
        _no_horizontal_scroll(phone)
    phone.goto(f"{base}/collect/participants/")
    phone.locator("#participants a", has_text="Radera").first.click()
    screenshot(phone, "erase-390")
    _no_horizontal_scroll(phone)


def test_platform_admin_reads_every_association_audit(new_page, live_platform):
    base = live_platform.base_url()
    page = new_page()
    login(page, base, "plattform", live_platform.password)
    page.goto(f"{base}/audit/")
    expect(page.locator("h1")).to_have_text("Händelselogg")
    expect(page.locator("#audit-count")).to_contain_text("händelser")
    screenshot(page, "audit-platform-desktop")
    phone = new_page(viewport={"width": 390, "height": 844})
    login(phone, base, "plattform", live_platform.password)
    phone.goto(f"{base}/audit/")
    screenshot(phone, "audit-platform-390")
