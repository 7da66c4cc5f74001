"""The social accounting report as a PDF (WeasyPrint, ADR 0018).

The print template (``pilot/bokslut/print.html``) shares its body with the web page, so the
PDF says what the page says, and its stylesheet: the one static file the pages link
(``web/bokslut.css``), read through the static-files finders and inlined. Fonts: DejaVu
Sans, then Liberation Sans, from Debian's ``fonts-dejavu-core`` and ``fonts-liberation2``
(``dev.py`` installs them when missing); WeasyPrint needs Pango (``libpango-1.0-0``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from pilot.results.bokslut import bokslut_build
from pilot.results.figures import NOTABLE_MIN_N, NOTABLE_POINTS

NOTABLE = {"notable_points": NOTABLE_POINTS, "notable_n": NOTABLE_MIN_N}
#: the report's stylesheet, shared with the pages (static file of the web app)
STYLESHEET = "web/bokslut.css"


def bokslut_stylesheet() -> SafeString:
    """The report's CSS: from the app's static folder (finders), or from collected static
    files where the finders do not look."""
    found = finders.find(STYLESHEET)
    if isinstance(found, str):
        return mark_safe(Path(found).read_text(encoding="utf-8"))
    with staticfiles_storage.open(STYLESHEET) as handle:
        return mark_safe(handle.read().decode("utf-8"))


def bokslut_print_html(*, year: int, association: Any) -> str:
    """The print page of the report (what the PDF is made from)."""
    context = {"report": bokslut_build(year=year), "association": association, "print": True,
               "stylesheet": bokslut_stylesheet(), **NOTABLE}  # fmt: skip
    return render_to_string("pilot/bokslut/print.html", context)


def bokslut_pdf_render(*, year: int, association: Any, base_url: str = "") -> bytes:
    """The report of ``year`` of the current association, in the active language."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s

    html = bokslut_print_html(year=year, association=association)
    return bytes(HTML(string=html, base_url=base_url or None).write_pdf())
