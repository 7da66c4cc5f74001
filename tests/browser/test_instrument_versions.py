"""Drafting the next instrument version as the steering group meets it (issue 16.5): start a
draft, reword and split questions with reasons, read the side-by-side review. The draft is
discarded at the end (the session's platform is shared: nothing is published). Screenshots of
the draft and review pages at 1280 and 390 px."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_steering_group_drafts_and_reviews_a_version(new_page, live_platform):
    page = new_page()
    base = live_platform.base_url()
    login(page, base, "styrgrupp", live_platform.password)
    page.get_by_role("link", name="Instrumentversioner").first.click()
    expect(page.locator("#versions")).to_contain_text("2015.1 (gällande)")
    page.get_by_label("Versionskod").fill("2099.1")
    page.get_by_label("Titel på svenska").fill("Indikatorer 2099")
    page.get_by_label("Titel på engelska").fill("Indicators 2099")
    page.get_by_role("button", name="Skapa utkast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utkast 2099.1")
    try:
        p1 = page.locator("#item-p1")
        p1.get_by_text("Ändra fråga p1").click()
        p1.get_by_label("Ny lydelse på svenska").fill("Stödet hjälper mig framåt.")
        p1.get_by_label("Ny lydelse på engelska").fill("The support helps me forward.")
        p1.locator("form", has_text="Formulera om").get_by_label("Motivering").fill("Enklare språk")
        p1.get_by_role("button", name="Spara ny lydelse").click()
        expect(page.locator("#item-p1")).to_contain_text("Omformulerad")

        p5 = page.locator("#item-p5")
        p5.get_by_text("Ändra fråga p5").click()
        split = p5.locator("form", has_text="Dela i två frågor")
        split.get_by_label("Första frågan på svenska").fill("Jag har fått stöd att hitta vägar.")
        split.get_by_label("Första frågan på engelska").fill("I got support to find ways.")
        split.get_by_label("Andra frågan på svenska").fill("Jag kan själv hantera min situation.")
        split.get_by_label("Andra frågan på engelska").fill("I can handle my situation myself.")
        split.get_by_label("Motivering").fill("Dubbelfråga: två saker i en mening")
        split.get_by_role("button", name="Dela frågan").click()
        expect(page.locator("#draft-summary")).to_contain_text("Ändringar hittills: 3.")
        page.locator("#item-p8").get_by_text("Ändra fråga p8").click()
        screenshot(page, "instrument-draft")
        _no_sideways_scroll(page)

        page.get_by_role("link", name="Granska ändringarna och publicera").click()
        rows = page.locator("#changes tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("Stödet hjälper mig framåt.")
        expect(rows.nth(0)).to_contain_text("Omformulerad")
        expect(rows.nth(0)).to_contain_text("Ja")
        expect(rows.nth(1)).to_contain_text("Delad i två")
        expect(rows.nth(1)).to_contain_text("Nej")
        expect(page.locator("#review-summary")).to_contain_text("Omformulerad 1, Delad i två 2")
        screenshot(page, "instrument-review")
        _no_sideways_scroll(page)

        phone = new_page(viewport=PHONE)
        login(phone, base, "styrgrupp", live_platform.password)
        phone.goto(f"{base}/national/instrument/2099.1/")
        phone.locator("#item-p1").get_by_text("Ändra fråga p1").click()
        screenshot(phone, "instrument-draft-390")
        _no_sideways_scroll(phone)
        phone.goto(f"{base}/national/instrument/2099.1/review/")
        expect(phone.locator("#changes")).to_contain_text("Dubbelfråga")
        screenshot(phone, "instrument-review-390")
        _no_sideways_scroll(phone)
    finally:
        page.goto(f"{base}/national/instrument/2099.1/")
        page.get_by_role("button", name="Ta bort utkastet 2099.1").click()
        expect(page.locator("#versions")).not_to_contain_text("2099.1")
