"""The social accounting report as a PDF (WeasyPrint, ADR 0018).

The print template (``pilot/bokslut/print.html``) shares its body with the web page, so the
PDF says what the page says. Fonts: DejaVu Sans, then Liberation Sans, from Debian's
``fonts-dejavu-core`` and ``fonts-liberation2`` (``dev.py`` installs them when missing);
WeasyPrint needs Pango (``libpango-1.0-0``).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from pilot.results.bokslut import bokslut_build
from pilot.results.figures import NOTABLE_MIN_N, NOTABLE_POINTS

NOTABLE = {"notable_points": NOTABLE_POINTS, "notable_n": NOTABLE_MIN_N}


def bokslut_pdf_render(*, year: int, association: Any, base_url: str = "") -> bytes:
    """The report of ``year`` of the current association, in the active language."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s

    html = render_to_string(
        "pilot/bokslut/print.html",
        {"report": bokslut_build(year=year), "association": association, "print": True, **NOTABLE},
    )
    return bytes(HTML(string=html, base_url=base_url or None).write_pdf())
