"""Issue 17 point 7's pages at desktop and 390 px, to look at: the questionnaire, register
data per municipality (list, correction), recipients and the demo's mailbox."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, login, screenshot
from web.mailbox import MailItem

SLUG = "skelleftea-norsjo"
VIEWPORTS = {"desktop": None, "390": {"width": 390, "height": 844}}


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), (page.url, width)


def _printed_link(page: Page, base: str) -> str:
    page.goto(f"{base}/collect/invitations/new/")
    page.get_by_label("1. Välj insats").select_option(label="Arbetsmarknadstorget")
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Formulär *", exact=True).select_option(label="Deltagare – under insatsen")
    page.locator("#participant-picker input[name=participants]").first.check()
    page.get_by_role("button", name="Skapa länkar").click()
    href = page.locator(".card a").first.get_attribute("href")
    assert href and "/q/" in href
    return href


def test_register_recipients_and_questionnaire_pages(new_page, live_platform):
    base = live_platform.base_url(SLUG)
    admin = new_page()
    login(admin, base, f"{SLUG}-admin", live_platform.password)
    admin.goto(f"{base}/collect/register/")
    admin.get_by_label("Kommun *").select_option(label="Norsjö (2417)")
    admin.locator("#id_year").fill("2024")
    admin.locator("#id_sickness_disability_fte").fill("210.5")
    admin.locator("#id_labour_market_fte").fill("95")
    admin.locator("#id_financial_assistance_fte").fill("40")
    admin.locator("#id_population_20_64").fill("2100")
    admin.get_by_role("button", name="Spara").last.click()
    expect(admin.locator(".messages")).to_have_text("Registeruppgifterna är sparade.")
    row = admin.locator("#register-rows tr", has_text="Norsjö")
    expect(row.locator("td").nth(1)).to_have_text("2024")
    link = _printed_link(admin, base)

    for name, viewport in VIEWPORTS.items():
        page = new_page(viewport=viewport)
        login(page, base, f"{SLUG}-admin", live_platform.password)
        for path, shot in (("/collect/", "collect"), ("/collect/register/", "register")):
            page.goto(f"{base}{path}")
            screenshot(page, f"{shot}-{name}")
            _no_horizontal_scroll(page)
        page.locator("#register-rows a", has_text="Ändra eller ta bort").first.click()
        expect(page.locator("h1")).to_contain_text("Ändra registeruppgifter:")
        screenshot(page, f"register-row-{name}")
        _no_horizontal_scroll(page)
        page.goto(f"{base}/collect/recipients/")
        page.get_by_label("Namn och e-postadress, en per rad").fill(
            f"Anna Berg; anna.{name}@example.se\nBo Ek <bo.{name}@example.se>"
        )
        page.get_by_role("button", name="Spara").first.click()
        expect(page.locator(".messages")).to_contain_text("nya mottagare")
        screenshot(page, f"recipients-{name}")
        _no_horizontal_scroll(page)

        respondent = new_page(viewport=viewport)
        respondent.goto(link)
        expect(respondent.locator("#privacy")).to_contain_text(
            "Samordningsförbundet Skellefteå–Norsjö ansvarar för uppgifterna."
        )
        screenshot(respondent, f"questionnaire-{name}")
        _no_horizontal_scroll(respondent)

    # The delete button removes the row (admin only).
    admin.goto(f"{base}/collect/register/")
    admin.locator("#register-rows tr", has_text="Norsjö").get_by_role("link").click()
    admin.get_by_role("button", name="Ta bort Norsjö 2024").click()
    expect(admin.locator(".messages")).to_have_text("Raden för Norsjö 2024 är borttagen.")
    expect(admin.locator("#register-rows tr", has_text="Norsjö")).to_have_count(0)


def test_mailbox_page_as_rendered(new_page):
    """The live platform sends to a real SMTP server, so it has no mailbox page; the page is
    rendered from its template with two messages to look at it."""
    mail = [
        MailItem(
            to=f"deltagare{i}@example.se",
            subject="Enkät: Deltagare – under insatsen – Unga vuxna i arbete",
            date=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC),
            body="Hej!\n\nSamordningsförbundet Skellefteå–Norsjö ber dig svara på en kort enkät "
            "om insatsen Unga vuxna i arbete.\n\nÖppna enkäten här:\n"
            "http://skelleftea-norsjo.localhost:8000/q/ZHq3bS3t1mDq2vMZ0Fq9lM0qTz3Vh4cY/\n",
        )
        for i in (1, 2)
    ]
    user = SimpleNamespace(
        is_authenticated=True, username="personal", get_full_name=lambda: "Insatspersonal"
    )
    context = {
        "mail": mail,
        "user": user,
        "current_association": SimpleNamespace(name="Samordningsförbundet Skellefteå–Norsjö"),
        "current_roles": ["association_staff"],
        "request": SimpleNamespace(get_full_path=lambda: "/collect/mailbox/"),
    }
    with translation.override("sv"):
        html = render_to_string("web/collect/mailbox.html", context)
    css = (ROOT / "web" / "static" / "web" / "site.css").read_text()
    for name, viewport in VIEWPORTS.items():
        page = new_page(viewport=viewport)
        page.set_content(html)
        page.add_style_tag(content=css)
        expect(page.locator("article.mail")).to_have_count(2)
        expect(page.locator("article.mail").first).to_contain_text("Till: deltagare1@example.se")
        screenshot(page, f"mailbox-{name}")
        _no_horizontal_scroll(page)
