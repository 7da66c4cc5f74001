"""Issue 17 point 4 as a person meets it: a file with five different errors shows all five at
once, in one table, in Swedish, and nothing is stored."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

HEADER = "activity;occasion;answered_on;p21;p24;p25;p21"
ROWS = [
    "Okänd insats;half_yearly;2016-03-01;4;5;3",
    "Okänd insats;half_yearly;0001-01-01;4;5;3",
    "Okänd insats;half_yearly;2016-03-02;9;5;3",
    "Okänd insats;half_yearly;2016-03-03;4;5;3;;extra",
]


def test_a_file_with_five_errors_shows_all_five_at_once(new_page, live_platform):
    for name, viewport in [("desktop", None), ("390", {"width": 390, "height": 844})]:
        page = new_page(viewport=viewport)
        base = live_platform.base_url("skelleftea-norsjo")
        login(page, base, "skelleftea-norsjo-admin", live_platform.password)
        page.goto(f"{base}/collect/import/")
        page.get_by_label("Formulär").select_option("board")
        content = "\r\n".join([HEADER, *ROWS]).encode("cp1252")  # as Swedish Excel writes
        page.get_by_label("Fil (.csv eller .xlsx)").set_input_files(
            files=[{"name": "styrelse.csv", "mimeType": "text/csv", "buffer": content}]
        )
        page.locator("#main form button[type=submit]").click()
        table = page.locator("#import-errors")
        expect(
            page.get_by_role("heading", name="Filen avvisades – inget har sparats")
        ).to_be_visible()
        rows = table.locator("tbody tr")
        texts = [" | ".join(r.split("\t")) for r in rows.all_inner_texts()]
        assert any(t.startswith("1 | p21 | Rubriken finns flera gånger") for t in texts), texts
        assert any("0001-01-01 ligger före år 2000" in t for t in texts), texts
        assert any(t.startswith("2 | activity | Okänd insats: Okänd insats") for t in texts)
        assert any(t.startswith("4 | p21 | Värdet 9 ligger utanför skalan 1–5.") for t in texts)
        assert any(t.startswith("5 | H | Cellen ligger utanför kolumnerna") for t in texts)
        expect(page.locator("#import-error-count")).to_contain_text(f"Filen har {len(texts)} fel.")
        screenshot(page, f"import-errors-{name}")
