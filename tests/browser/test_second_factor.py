"""The second factor as a person meets it: enrol with the QR code page, then verify at the next
login. Screenshots: artifacts/screenshots/second-factor-*.png (desktop and 390 px)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import conftest as browser
from tests.browser.conftest import login, screenshot
from tests.browser.test_pages_in_swedish import WIDE_ELEMENTS

USER = "umearegionen-personal"


def _fits(page) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(WIDE_ELEMENTS) == "", f"wider than {width} px"


def test_enrol_then_verify_at_the_next_login(new_page, live_platform):
    base = live_platform.base_url("umearegionen")
    page = new_page()
    login(page, base, USER, live_platform.password)
    page.click("text=Tvåstegsverifiering")
    if "/account/2fa/verify/" in page.url:  # enrolled by an earlier test in this run
        return
    expect(page.locator("h1")).to_have_text("Aktivera tvåstegsverifiering")
    expect(page.locator("img.qr")).to_have_attribute("alt", "QR-kod för autentiseringsappen")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    key = page.inner_text("#otp-secret")
    assert len(key.replace(" ", "")) >= 32
    _fits(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"second-factor-enrol-{width}")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#id_otp_token", "12")
    page.click("#main form button[type=submit]")
    expect(page.locator("#otp-error")).to_have_text(
        "Skriv de sex siffrorna som appen visar just nu."
    )
    browser._TOTP_KEYS[USER] = key.replace(" ", "")
    browser._totp_submit(page, USER)
    expect(page.locator(".messages")).to_contain_text("Tvåstegsverifiering är aktiverad.")

    # The next login asks for the code before anything else.
    again = new_page()
    again.goto(f"{base}/login/")
    again.fill("#id_username", USER)
    again.fill("#id_password", live_platform.password)
    again.click("#main form button[type=submit]")
    again.wait_for_load_state()
    assert "/account/2fa/verify/" in again.url
    expect(again.locator("h1")).to_have_text("Tvåstegsverifiering")
    _fits(again)
    for width in (1280, 390):
        again.set_viewport_size({"width": width, "height": 900})
        screenshot(again, f"second-factor-verify-{width}")
    browser._totp_submit(again, USER)
    assert "/account/2fa/" not in again.url
