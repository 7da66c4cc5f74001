"""Issue 3's path as a person walks it: activity with forms, a 6-point local item, a local
80 % target, all listed on the configuration page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot


def test_admin_creates_activity_local_item_and_target(page, live_platform):
    base = live_platform.base_url("skelleftea-norsjo")
    login(page, base, "skelleftea-norsjo-admin", live_platform.password)
    page.get_by_role("link", name="Konfiguration").click()

    page.get_by_role("link", name="Ny insats").click()
    page.get_by_label("Namn").fill("Kompassen")
    page.get_by_label("Beskrivning").fill("Stöd för unga vuxna")
    page.get_by_label("Deltagare – under insatsen", exact=False).check()
    page.get_by_label("Deltagare – vid avslut", exact=False).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Insatsen är sparad.")

    page.get_by_role("link", name="Ny egen fråga").click()
    page.get_by_label("Kod").fill("trivsel")
    page.get_by_label("Frågetext (svenska)").fill("Jag trivs i verksamheten.")
    page.get_by_label("Typ").select_option("likert")
    page.get_by_label("Antal skalsteg (2–11)").fill("6")
    page.get_by_label("Etiketter, en per rad från lägsta steget").fill(
        "Stämmer inte alls\nStämmer dåligt\nStämmer ganska dåligt\n"
        "Stämmer ganska bra\nStämmer bra\nStämmer helt"
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Frågan är sparad.")

    page.get_by_role("link", name="Ny lokal målnivå").click()
    page.get_by_label("Mätpunkt eller egen fråga").select_option(
        label="trivsel: Jag trivs i verksamheten."
    )
    page.get_by_label("Regel").select_option("share_at_least")
    page.get_by_label("Lägsta svarskategori som räknas").fill("4")
    page.get_by_label("Målnivå (%)").fill("80")
    page.get_by_label("Gäller från").fill("2018-01-01")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Målnivån är sparad.")

    activities = page.locator("#activities")
    expect(activities).to_contain_text("Kompassen")
    expect(activities).to_contain_text("Deltagare – under insatsen, Deltagare – vid avslut")
    expect(page.locator("#local-items")).to_contain_text("trivsel")
    expect(page.locator("#local-items")).to_contain_text("6 steg")
    expect(page.locator("#targets")).to_contain_text("Minst 80 % svarar 4 eller högre")
    screenshot(page, "configuration-overview")


def test_invalid_scale_is_refused_with_message_at_the_field(page, live_platform):
    base = live_platform.base_url("skelleftea-norsjo")
    login(page, base, "skelleftea-norsjo-admin", live_platform.password)
    page.goto(f"{base}/config/local-items/new/")
    page.get_by_label("Kod").fill("enstegs")
    page.get_by_label("Frågetext (svenska)").fill("En fråga med ett steg")
    page.get_by_label("Typ").select_option("likert")
    page.get_by_label("Antal skalsteg (2–11)").fill("1")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#id_scale_points-errors")).to_contain_text("2–11 steg")
