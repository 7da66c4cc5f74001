"""Issue 14's dashboard as a steering-group member meets it: the opening period and its
coverage, indicator names, county names, a drill-down with its trend, the matrix as CSV, and
no horizontal scroll on a 390 px phone. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot


def test_steering_group_reads_drills_down_and_downloads(new_page, live_platform):
    base = live_platform.base_url()
    page = new_page()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/")
    coverage = page.locator("#coverage")
    expect(coverage).to_have_text(
        re.compile(r"^Visar (jan–jun|jul–dec) \d{4}: \d+ förbund, [\d\s]+ svar\.")
    )
    # indicator names in the headers, the statement on keyboard focus
    header = page.locator("#matrix thead .has-tip").first
    expect(header.locator(".pt-name")).not_to_be_empty()
    header.focus()
    tip = page.locator("#" + header.get_attribute("aria-describedby"))
    expect(tip).to_be_visible()
    # county names, never codes
    expect(page.locator("#matrix tbody tr").first.locator("td").first).to_have_text(
        re.compile(r"län$")
    )
    screenshot(page, "dashboard-desktop")
    # the matrix as CSV, with the same rows as the page
    with page.expect_download() as info:
        page.locator("#matrix-csv").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Förbund", "Län"]
    assert len(rows) - 1 == page.locator("#matrix tbody tr").count()
    # drill into the first cell with a result and read its trend
    page.locator("#matrix td.cell-green a, #matrix td.cell-red a").first.click()
    expect(page.locator("h1")).to_contain_text("mätpunkt")
    expect(page.locator("svg.trend")).to_be_visible()
    expect(page.locator("#cell tbody tr").first.locator("td").nth(1)).to_have_text(
        re.compile(r"\d+(,\d)?\s%\s\(\d+/\d+\)|–")
    )
    expect(page.locator("#cell-statement")).not_to_be_empty()
    screenshot(page, "dashboard-cell-desktop")

    phone = new_page(viewport={"width": 390, "height": 844})
    login(phone, base, "styrgrupp", live_platform.password)
    for path, name in (("/national/", "dashboard-390"), (page.url.replace(base, ""), "cell-390")):
        phone.goto(f"{base}{path}")
        expect(phone.locator("h1")).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        inner = phone.evaluate("window.innerWidth")
        screenshot(phone, name)
        assert width <= inner, (path, width, inner)
