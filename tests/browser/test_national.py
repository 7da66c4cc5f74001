"""Issue 6's path: the steering group pools, watches it finish, opens the matrix and a
funnel; an association administrator reads "NN % (a/b)" with signals.
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot


def test_steering_group_pools_and_reads_the_dashboard(page, live_platform):
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/")
    # The demo already published snapshot 1; start number 2 and watch it finish.
    page.locator("#start-pooling").click()
    expect(page.locator("#runs tbody tr").first).to_contain_text("2")
    expect(page.locator("#runs tbody tr").first.locator(".run-status")).to_have_attribute(
        "data-status", "published", timeout=60_000
    )
    expect(page.locator("#matrix")).to_be_visible()
    expect(page.locator("#matrix td.cell-green, #matrix td.cell-red").first).to_be_visible()
    screenshot(page, "national-dashboard-matrix")
    page.locator("#f-point").select_option("1")
    page.locator("#f-point").locator("xpath=..").get_by_role("button").click()
    expect(page.locator("svg.funnel")).to_be_visible()
    expect(page.locator("#funnel-table tbody tr").first).to_be_visible()
    screenshot(page, "national-dashboard-funnel")


def test_association_admin_sees_results_with_signals(page, live_platform):
    base = live_platform.base_url("umearegionen")
    login(page, base, "umearegionen-admin", live_platform.password)
    page.goto(f"{base}/results/")
    first = page.locator("#own-results .result-text").first
    expect(first).to_have_text(re.compile(r"^\d+\s%\s\(\d+/\d+\)$"))  # "75 % (18/24)"
    expect(page.locator("#own-results .signal").first).to_be_visible()
    screenshot(page, "association-results")
