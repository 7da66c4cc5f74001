"""Issue 7's path with two people: a researcher requests, the steering group approves, the
researcher downloads the frozen release."""

from __future__ import annotations

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
    researcher.get_by_label("Organisation").fill("Örebro universitet")
    researcher.get_by_label("Etikprövningsmyndighetens diarienummer").fill("2024-01234-01")
    for code in ("p1", "p2", "p3"):
        researcher.locator(f"input[name=variables][value={code}]").check()
    researcher.locator("input[name=formats][value=csv]").check()
    researcher.locator("input[name=formats][value=sav]").check()
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

    researcher.reload()
    expect(row).to_have_attribute("data-status", "ready", timeout=60_000)
    screenshot(researcher, "dataset-ready")
    with researcher.expect_download() as info:
        researcher.get_by_role("link", name="Hämta").first.click()
    target = tmp_path / "release.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as zf:
        assert {"csv/data.csv", "csv/data.R", "sav/data.sav", "sav/codebook.html"} <= set(
            zf.namelist()
        )
