"""Issue 16: the steering group opens the instrument validation report of the demo's snapshot
and reads alpha and a CFA fit line; the page fits a phone. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

ALPHA = re.compile(r"^[0−-]?\d,\d\d$")  # decimal comma (and a minus sign if negative)
FIT = re.compile(
    r"χ² = \d+,\d, df = \d+, CFI = \d,\d\d, TLI = \d,\d\d, RMSEA = \d,\d{3} "
    r"\(\d,\d{3}–\d,\d{3}\), SRMR = \d,\d{3}; n = \d+"
)


def test_steering_group_reads_alpha_and_fit_off_the_report(page, live_platform):
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/")
    page.locator("#validation-link").click()
    expect(page.locator("h1")).to_have_text("Valideringsrapport")
    # The newest published snapshot (other browser tests on the shared platform may publish more).
    expect(page.locator("#validation-scope")).to_contain_text(
        re.compile(r"Sammanställning \d+ \(publicerad\)")
    )
    number = re.search(r"Sammanställning (\d+)", page.locator("#validation-scope").inner_text())
    assert number
    expect(page.locator("#validation-scope")).to_contain_text("programversion")
    table = page.locator("#participant-exit-2015-1-reliability")
    alpha = table.locator("tr.scale-row td.alpha").inner_text().strip()
    assert ALPHA.match(alpha), alpha
    fit = page.locator("#participant-exit-2015-1-cfa-fit").inner_text()
    assert FIT.search(fit), fit
    path = screenshot(page, "validation-1280")
    page.screenshot(path=path.with_name("validation-1280-top.png"))
    # a flag links to the numbers behind it
    flag = page.locator("#participant-exit-2015-1-flags a").first
    if flag.count():
        target = flag.get_attribute("href")
        flag.click()
        expect(page.locator(target)).to_be_visible()
    expect(page.locator("#validation-pdf")).to_have_attribute(
        "href", f"/national/validation/{number.group(1)}/pdf/"
    )


def test_report_fits_a_phone(new_page, live_platform):
    page = new_page(viewport={"width": 390, "height": 844})
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/validation/")
    expect(page.locator("h1")).to_have_text("Valideringsrapport")
    scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert scroll <= 0
    path = screenshot(page, "validation-390")
    page.screenshot(path=path.with_name("validation-390-top.png"))
