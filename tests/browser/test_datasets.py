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
    researcher.goto(f"{base}/datasets/codebook/")
    expect(researcher.locator("#var-p1")).to_contain_text("till nytta för mig")
    screenshot(researcher, "dataset-codebook")
    researcher.goto(f"{base}/datasets/")
    # a request naming an unknown item is refused on the page, naming it
    researcher.locator("#id_purpose").fill(
        "Kort test av ett felaktigt val av variabler i pilotdata."
    )
    researcher.locator("#id_organisation").fill("Örebro universitet")
    researcher.locator("#id_ethics_dnr").fill("2024-01234-01")
    researcher.locator("input[name=formats][value=csv]").check()
    researcher.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'hidden';"
        " i.name = 'variables'; i.value = 'p99 kön'; document.querySelector('#main form')"
        ".appendChild(i); }"
    )
    researcher.get_by_role("button", name="Spara").click()
    expect(researcher.locator("#id_variables-errors")).to_contain_text("p99, kön")
    screenshot(researcher, "dataset-request-refused")
    researcher.locator("#id_purpose").fill(
        "Test av instrumentets reliabilitet i deltagarformulären under piloten."
    )
    researcher.locator("#id_organisation").fill("Örebro universitet")
    researcher.locator("#id_ethics_dnr").fill("2024-01234-01")
    for code in ("p1", "p2", "p3"):
        researcher.locator(f"input[name=variables][value={code}]").check()
    researcher.locator("input[name=formats][value=csv]").check()
    researcher.locator("input[name=formats][value=sav]").check()
    # Personkoppling: without unless asked for; this study follows persons over time.
    expect(researcher.locator("input[name=person_link][value=none]")).to_be_checked()
    researcher.get_by_label("Med personkoppling (pseudonym för detta utlämnande)").check()
    researcher.locator("input[name=person_link][value=linked]").scroll_into_view_if_needed()
    screenshot(researcher, "dataset-request-person-link")
    researcher.get_by_role("button", name="Spara").click()
    row = researcher.locator("#dataset-requests .dataset-status").first
    expect(row).to_have_attribute("data-status", "requested")

    approver = new_page()
    login(approver, base, "styrgrupp", live_platform.password)
    approver.goto(f"{base}/datasets/review/")
    request = approver.locator("section.request").first
    expect(request.locator(".person-link")).to_contain_text("Länkar personer")
    screenshot(approver, "dataset-review-pending")
    desktop = approver.viewport_size
    approver.set_viewport_size({"width": 390, "height": 844})
    assert approver.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(approver, "dataset-390-review-pending")
    if desktop:
        approver.set_viewport_size(desktop)
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
    approver.goto(f"{base}/datasets/review/")
    expect(approver.locator("#releases")).to_contain_text("Örebro universitet")
    screenshot(approver, "dataset-review-releases")
    info.value.save_as(target)
    with zipfile.ZipFile(target) as zf:
        assert {"csv/data.csv", "csv/data.R", "sav/data.sav", "sav/codebook.html"} <= set(
            zf.namelist()
        )
        header = zf.read("csv/data.csv").decode("utf-8").splitlines()[0].split(",")
    assert "pseudonym" in header  # linked, as asked

    # the same pages on a phone
    for user, paths in (("forskare", ("/datasets/", "/datasets/codebook/")),
                        ("styrgrupp", ("/datasets/review/",))):  # fmt: skip
        phone = new_page(viewport={"width": 390, "height": 844})
        login(phone, base, user, live_platform.password)
        for path in paths:
            phone.goto(f"{base}{path}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)  # tables scroll inside their box
            screenshot(phone, f"dataset-390{path.replace('/', '-')}")
