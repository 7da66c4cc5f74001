"""The main pages of every role, at desktop and phone width, in Swedish: no raw code in the
rendered text and no sideways scrolling of the page. Screenshots go to artifacts/screenshots/
(``pages-<role>-<page>-<width>.png``) for a person to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.web.test_no_raw_codes import raw_codes

WIDTHS = (1280, 390)
# (login, host prefix or None for the national host, pages)
PAGES = [
    ("umearegionen-admin", "umearegionen",
     ["/", "/config/", "/collect/", "/collect/participants/", "/results/", "/instrument/"]),
    ("umearegionen-personal", "umearegionen", ["/results/", "/collect/"]),
    ("styrgrupp", None, ["/", "/national/", "/national/targets/", "/datasets/review/"]),
    ("forskare", None, ["/datasets/", "/instrument/"]),
    ("plattform", None, ["/"]),
]  # fmt: skip


# The outermost elements that reach past the right edge of the window.
WIDE_ELEMENTS = """() => {
  const edge = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(
    e => e.getBoundingClientRect().right > edge + 1 && !e.closest('.table-scroll, .visually-hidden')
  );
  return wide.filter(e => !wide.includes(e.parentElement)).slice(0, 3).map(
    e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
  ).join(', ');
}"""


@pytest.mark.parametrize(("username", "prefix", "paths"), PAGES, ids=[p[0] for p in PAGES])
def test_main_pages_read_in_swedish_and_fit_the_screen(
    new_page, live_platform, username, prefix, paths
):
    base = live_platform.base_url(prefix)
    problems = []
    for width in WIDTHS:
        page = new_page(viewport={"width": width, "height": 900})
        login(page, base, username, live_platform.password)
        for path in paths:
            page.goto(f"{base}{path}")
            name = path.strip("/").replace("/", "-") or "home"
            screenshot(page, f"pages-{username}-{name}-{width}")
            found = raw_codes(page.locator("body").inner_text())
            if found:
                problems.append(f"{path} at {width}px: raw codes {sorted(set(found))}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                culprits = page.evaluate(WIDE_ELEMENTS)
                problems.append(
                    f"{path} at {width}px: the page scrolls sideways by {overflow}px ({culprits})"
                )
    assert not problems, "\n".join(problems)
