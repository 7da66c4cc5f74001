"""Issue 4's path: a participant answers on a phone with the keyboard only; the answer shows
up in the association's counts; axe-core finds no serious or critical violations."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import login, screenshot

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
ACTIVITY = "Samordningsteamet Robertsfors"


def _issue_link(page: Page, base: str, password: str) -> str:
    login(page, base, "umearegionen-admin", password)
    page.goto(f"{base}/collect/invitations/new/")
    page.locator("#id_activity").select_option(label=ACTIVITY)
    page.get_by_role("button", name="Fortsätt").click()
    page.locator("#id_form_code").select_option("participant_during")
    page.locator("#id_occasion").select_option("during")
    page.locator("#participant-picker input[type=checkbox][name=participants]").first.check()
    page.get_by_role("button", name="Skapa länkar").click()
    link = page.locator(".card a").first.get_attribute("href")
    assert link and "/q/" in link
    return link


def _answered_count(page: Page, base: str) -> int:
    page.goto(f"{base}/collect/")
    row = (
        page.locator("#response-rates tr", has_text=ACTIVITY)
        .filter(has_text="Deltagare – under insatsen")
        .filter(has_text="Under insatsen")
    )
    return int(row.locator("td").nth(7).inner_text()) if row.count() else 0  # Besvarade


def _axe_serious(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


def test_participant_answers_on_a_phone_with_the_keyboard(new_page, live_platform):
    base = live_platform.base_url("umearegionen")
    admin = new_page()
    link = _issue_link(admin, base, live_platform.password)
    before = _answered_count(admin, base)

    phone = new_page(viewport=PHONE, bypass_csp=True)  # axe-core is injected inline
    phone.goto(link)
    expect(phone.locator("fieldset.question")).to_have_count(7)
    assert _axe_serious(phone) == [], "axe: serious/critical violations on the questionnaire"

    # Keyboard only: Tab to the first answer group, then per question Space (= 1),
    # ArrowRight three times (= 4), Tab to the next group.
    for _ in range(40):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.name") == "p1":
            break
    names = phone.eval_on_selector_all(
        "fieldset.question input[type=radio]:first-of-type",
        "els => [...new Set(els.map(e => e.name))]",
    )
    for name in names:
        assert phone.evaluate("document.activeElement.name") == name
        phone.keyboard.press("Space")
        for _ in range(3):
            phone.keyboard.press("ArrowRight")
        phone.keyboard.press("Tab")
    for name in names:
        expect(phone.locator(f"input[name='{name}'][value='4']")).to_be_checked()
    screenshot(phone, "questionnaire-phone-answered")
    # Focus is now on the submit button.
    assert phone.evaluate("document.activeElement.textContent").strip() == "Skicka in"
    phone.keyboard.press("Enter")
    expect(phone.locator("h1")).to_have_text("Tack för dina svar!")
    assert _axe_serious(phone) == []

    assert _answered_count(admin, base) == before + 1
    # The link is used up.
    phone.goto(link)
    expect(phone.get_by_role("alert")).to_contain_text("redan besvarats")
