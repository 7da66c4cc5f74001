"""Issue 13.1 as an administrator walks it: a yes/no and a number question placed on the
participants' during-form of one activity, then the form previewed as respondents see it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

PHONE = {"width": 390, "height": 844}


def test_admin_places_local_items_and_previews_the_form(new_page, live_platform):
    page = new_page()
    base = live_platform.base_url("skelleftea-norsjo")
    login(page, base, "skelleftea-norsjo-admin", live_platform.password)
    page.goto(f"{base}/config/activities/new/")
    page.get_by_label("Namn").fill("Lotsen")
    page.get_by_label("Deltagare – under insatsen", exact=False).check()
    page.get_by_role("button", name="Spara").click()
    for code, text, kind in [
        ("boende", "Har du ett eget boende?", "yes_no"),
        ("timmar", "Hur många timmar i veckan är du i verksamheten?", "number"),
    ]:
        page.goto(f"{base}/config/local-items/new/")
        page.get_by_label("Kod").fill(code)
        page.get_by_label("Frågetext (svenska)").fill(text)
        page.get_by_label("Typ").select_option(kind)
        page.get_by_role("button", name="Spara").click()
        row = page.locator("#local-items tr", has_text=code)
        expect(row).to_contain_text("Ställs inte i någon enkät ännu.")
        row.get_by_role("link", name="Välj formulär och insatser").click()
        page.get_by_label("Deltagare – under insatsen").check()
        page.get_by_label("Lotsen").check()
        if code == "boende":
            screenshot(page, "local-item-placement")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Frågans placering är sparad.")
        expect(page.locator("#local-items tr", has_text=code)).to_contain_text(
            "Deltagare – under insatsen (Lotsen)"
        )
    screenshot(page, "local-items-placed")
    page.get_by_role("link", name="Förhandsgranska enkäterna").click()
    page.locator("#previews tr", has_text="Lotsen").get_by_role(
        "link", name="Deltagare – under insatsen"
    ).click()
    expect(page.locator("#preview-notice")).to_contain_text("Deltagare – under insatsen")
    legends = page.locator("fieldset legend")
    expect(legends.nth(legends.count() - 2)).to_have_text("8. Har du ett eget boende?")
    expect(legends.last).to_have_text("9. Hur många timmar i veckan är du i verksamheten?")
    boende = page.locator("fieldset", has_text="eget boende")
    expect(boende.get_by_label("Ja")).to_be_visible()
    expect(boende.get_by_label("Nej")).to_be_visible()
    screenshot(page, "form-preview")
    phone = new_page(viewport=PHONE)
    login(phone, base, "skelleftea-norsjo-admin", live_platform.password)
    phone.goto(page.url)
    screenshot(phone, "form-preview-390")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
