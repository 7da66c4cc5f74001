"""Issue 6's path: the steering group pools, watches it finish, opens the matrix and a
funnel; an association administrator reads "NN % (a/b)" with signals.
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot


def test_steering_group_starts_watches_reviews_and_publishes_a_run(page, live_platform):
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/runs/")
    expect(page.locator("#published-now")).to_contain_text("Publicerad nu: sammanställning 1")
    # The demo published snapshot 1; start number 2. The worker runs it, not the request.
    page.locator("#start-pooling").click()
    expect(page.locator(".messages")).to_contain_text("Sammanställning 2 har startats.")
    expect(page.locator("#run-heading")).to_have_text("Sammanställning 2")
    expect(page.locator("#run-count")).to_contain_text(re.compile(r"\d+ av \d+ förbund klara"))
    expect(page.locator("#run-parts tbody tr").first).to_be_visible()
    screenshot(page, "national-runs-progress")
    # The page follows the run by itself (polling) until the draft is ready for review.
    expect(page.locator("#run-status")).to_have_attribute("data-status", "draft", timeout=90_000)
    expect(page.locator("#run-status")).to_have_text("Utkast att granska")
    total = page.locator("#run-parts tbody tr").count()
    expect(page.locator("#run-count")).to_have_text(f"{total} av {total} förbund klara")
    expect(page.locator("#review h3")).to_have_text("Granska utkastet")
    expect(page.locator("#cov-associations")).to_have_text(str(total))
    expect(page.locator("#cov-periods")).to_contain_text("halvår")
    # Still the published snapshot 1 on the dashboard until the draft is published.
    screenshot(page, "national-runs-draft-review")
    page.locator("#publish-draft").click()
    expect(page.locator(".messages")).to_contain_text(
        "Sammanställning 2 är publicerad och visas nu."
    )
    expect(page.locator("#published-now")).to_contain_text("Publicerad nu: sammanställning 2")
    screenshot(page, "national-runs-published")
    # The dashboard now reads the published snapshot (its own browser test reads it closely).
    page.goto(f"{base}/national/")
    expect(page.locator("#coverage")).to_be_visible()
    expect(page.locator("#runs-link a")).to_have_attribute("href", "/national/runs/")


def test_runs_page_fits_a_phone(new_page, live_platform):
    page = new_page(viewport={"width": 390, "height": 844})
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.goto(f"{base}/national/runs/")
    expect(page.locator("#runs tbody tr").first).to_be_visible()
    scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert scroll <= 0
    screenshot(page, "national-runs-390")


def test_association_admin_sees_results_with_signals(page, live_platform):
    base = live_platform.base_url("umearegionen")
    login(page, base, "umearegionen-admin", live_platform.password)
    page.goto(f"{base}/results/")
    first = page.locator("#own-results .result-text").first
    expect(first).to_have_text(re.compile(r"^\d+\s%\s\(\d+/\d+\)$"))  # "75 % (18/24)"
    expect(page.locator("#own-results .signal").first).to_be_visible()
    screenshot(page, "association-results")
