"""The web shell as a person uses it: log in, see one's own association, switch language."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

UMEA_ADMIN = "umearegionen-admin"


def test_association_admin_sees_own_association_and_activities(page, live_platform):
    base = live_platform.base_url("umearegionen")
    login(page, base, UMEA_ADMIN, live_platform.password)
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("h1")).to_have_text("Samordningsförbundet Umeåregionen")
    expect(page.locator("main")).to_contain_text("Samordningsteamet Robertsfors")
    expect(page.locator("main")).to_contain_text("Stödpunkten")
    screenshot(page, "association-home-admin")


def test_admin_of_one_association_sees_nothing_of_another(page, live_platform):
    # Session cookies are per host, so this is a fresh login on Örebro's host.
    base = live_platform.base_url("orebro")
    login(page, base, UMEA_ADMIN, live_platform.password)
    expect(page.locator("h1")).to_have_text("Samordningsförbundet i Örebro län")
    expect(page.locator("main")).to_contain_text("Du har ingen roll i detta samordningsförbund.")
    expect(page.locator("main")).not_to_contain_text("Steg till arbete")


def test_language_switcher_turns_landing_page_english(page, live_platform):
    page.goto(live_platform.base_url() + "/")
    expect(page.locator("h1")).to_have_text("Nationella indikatorplattformen")
    page.select_option("#lang-select", "en")
    page.click("form.lang button[type=submit]")
    expect(page.locator("h1")).to_have_text("National indicator platform")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_instrument_page_lists_fifteen_indicators(page, live_platform):
    base = live_platform.base_url()
    login(page, base, "forskare", live_platform.password)
    page.goto(f"{base}/instrument/")
    expect(page.locator("section.indicator")).to_have_count(15)
    expect(page.locator("main")).to_contain_text(
        "Jag får stödet på ett sätt som är till nytta för mig."
    )


def test_wrong_password_shows_alert(page, live_platform):
    base = live_platform.base_url("umearegionen")
    login(page, base, UMEA_ADMIN, "fel-lösenord")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#id_username")).to_have_attribute("aria-describedby", "login-errors")


def test_keyboard_reaches_skip_link_first(page, live_platform):
    page.goto(live_platform.base_url() + "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Hoppa till innehållet")
    page.keyboard.press("Enter")  # the link moves focus to <main tabindex="-1">
    expect(page.locator("main")).to_be_focused()


def test_login_page_fits_a_phone(new_page, live_platform):
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto(live_platform.base_url("umearegionen") + "/login/")
    expect(page.locator("#id_username")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "login-phone")
