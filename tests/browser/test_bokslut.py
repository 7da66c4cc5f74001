"""The own results page and the social accounting report in a real browser, on the demo
platform, at desktop and phone width: the period form, the bokslut page and its PDF.
Screenshots: artifacts/screenshots/bokslut-*.png (the PDF's pages are rendered beside them
when pdftoppm is installed)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

from pypdf import PdfReader

from tests.browser.conftest import SCREENSHOTS, login, screenshot
from tests.web.test_no_raw_codes import raw_codes

SHARE = re.compile(r"\d+(,\d+)?\s%\s\(\d+/\d+\)")  # "65 % (13/20)"


def test_results_bokslut_and_pdf(new_page, live_platform):
    base = live_platform.base_url("umearegionen")
    for width in (1280, 390):
        page = new_page(viewport={"width": width, "height": 900})
        login(page, base, "umearegionen-admin", live_platform.password)
        page.goto(f"{base}/results/")
        text = page.locator("body").inner_text()
        assert SHARE.search(text) and "Deltagarflöde" in text
        assert not raw_codes(text)
        screenshot(page, f"bokslut-results-{width}")
        page.select_option("select[name=half]", "1")
        page.click("#period-form button[type=submit]")
        assert "första halvåret" in page.locator("#covers").inner_text()
        screenshot(page, f"bokslut-results-half-{width}")
        page.click("#bokslut-link")
        text = page.locator("body").inner_text()
        assert "Socialt bokslut" in text and "Målområde 1" in text and SHARE.search(text)
        assert not raw_codes(text)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"the bokslut scrolls sideways by {overflow}px at {width}px"
        screenshot(page, f"bokslut-page-{width}")
    # The administrator writes the introduction; it opens the report.
    page.click("text=Skriv eller ändra inledningen")
    page.fill("textarea[name=text]", "Året präglades av nya samarbeten.\n\nTack till alla parter.")
    screenshot(page, "bokslut-introduction-390")
    page.click("#main form button[type=submit]")
    assert "Året präglades av nya samarbeten." in page.locator("#introduction").inner_text()
    # English on the same page (the header's language switch).
    page.select_option("#lang-select", "en")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert "Social accounting report" in page.locator("body").inner_text()
    screenshot(page, "bokslut-page-en-390")
    page.select_option("#lang-select", "sv")
    page.click("form.lang button")
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.click("#bokslut-pdf")
    pdf = download.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    pdf_text = " ".join(p.extract_text() for p in reader.pages)
    assert "Socialt bokslut" in pdf_text and SHARE.search(pdf_text.replace("\xa0", " "))
    target = SCREENSHOTS / "bokslut.pdf"
    target.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(target), str(SCREENSHOTS / "bokslut-pdf")],
            check=True,
        )
