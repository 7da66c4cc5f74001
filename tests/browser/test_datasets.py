"""Issue 7's path with two people: a researcher requests, the steering group approves, the
researcher downloads the frozen release."""

from __future__ import annotations

import time
import zipfile

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot


def test_request_approve_download(new_page, live_platform, tmp_path):
    base = live_platform.base_url()
    researcher = new_page()
    login(researcher, base, "forskare", live_platform.password)
    researcher.goto(f"{base}/datasets/")
    researcher.get_by_label("Syfte").fill(
        "Test av instrumentets reliabilitet i deltagarformulären under piloten."
    )
    researcher.get_by_label("Variabler (frågekoder, t.ex. p1 p2; tomt = alla)").fill("p1 p2 p3")
    researcher.locator("#id_fmt").select_option("csv")
    researcher.get_by_role("button", name="Spara").click()
    row = researcher.locator("#dataset-requests .dataset-status").first
    expect(row).to_have_attribute("data-status", "requested")

    approver = new_page()
    login(approver, base, "styrgrupp", live_platform.password)
    approver.goto(f"{base}/datasets/review/")
    request = approver.locator("section.request").first
    request.get_by_label("Skäl").fill("Godkänt enligt styrgruppens beslut.")
    request.get_by_role("button", name="Godkänn").click()
    expect(approver.get_by_role("status")).to_contain_text("Beslutet är sparat.")

    # The worker builds the release off the request (ADR 0015): reload until it is ready.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        researcher.reload()
        if row.get_attribute("data-status") in ("ready", "failed"):
            break
        researcher.wait_for_timeout(500)
    expect(row).to_have_attribute("data-status", "ready")
    screenshot(researcher, "dataset-ready")
    with researcher.expect_download() as info:
        researcher.get_by_role("link", name="Hämta").first.click()
    target = tmp_path / "release.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as zf:
        assert {"data.csv", "datapackage.json", "codebook.html"} <= set(zf.namelist())
