"""The reliability table of the dashboard: per version, form and indicator, with the item
count, alpha and its interval, omega, and in plain words what a reader must know."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from national.selectors import reliability_flags_cached
from vocabulary import label
from web.dashboard import Snapshotted
from web.numbers import DASH, count_text, decimal_text, interval_text
from web.tables import Cell, Column, Table


def _indicator_name(data: Snapshotted, indicator: Any) -> str:
    if indicator is None:
        return _("Hela formuläret")
    short = ""
    for entry in data.catalogue.values():
        if entry["indicator"] == indicator:
            short = entry["short_en" if data.lang.startswith("en") else "short_sv"]
            break
    return f"{indicator} {short}".strip()


def _number(value: Any, lang: str) -> Cell:
    if value is None:
        return Cell(DASH, value="")
    return Cell(decimal_text(float(value), 2, lang), value=round(float(value), 3))


def reliability_rows(data: Snapshotted) -> list[dict[str, Any]]:
    f = data.filters
    rows = [
        r
        for r in data.reliability
        if r.get("scope") == "pooled"
        and (not f.form or r.get("form") == f.form)
        and (not f.version or r.get("instrument_version") == f.version)
    ]
    return sorted(
        rows,
        key=lambda r: (
            str(r.get("instrument_version")),
            str(r.get("form")),
            -1 if r.get("indicator") is None else int(r["indicator"]),
        ),
    )


def reliability_table(data: Snapshotted) -> Table:
    lang = data.lang
    out = []
    for r in reliability_rows(data):
        scale, items = reliability_flags_cached(data.reliability, r)
        words = [label("scale_flag", code, lang) for code in scale]
        words += [
            _("fråga %(item)s: %(flag)s") % {"item": item, "flag": label("item_flag", code, lang)}
            for item, code in items
        ]
        if r.get("suppressed"):
            words.insert(0, _("För få svar för att beräkna"))
        out.append(
            [
                Cell(str(r.get("instrument_version") or "")),
                Cell(label("form", r.get("form"), lang), value=str(r.get("form"))),
                Cell(_indicator_name(data, r.get("indicator"))),
                Cell(str(len(r.get("items") or [])), value=len(r.get("items") or [])),
                Cell(count_text(r.get("n"), lang), value=r.get("n")),
                _number(r.get("alpha_raw"), lang),
                Cell(interval_text(r.get("ci_feldt_low"), r.get("ci_feldt_high"), lang=lang)),
                _number(r.get("omega_total"), lang),
                Cell("; ".join(words) or _("Inget att anmärka"), css="flags" if words else ""),
            ]
        )
    return Table(
        key="reliability",
        caption=_("Reliabilitet per formulär och indikator (samtliga förbund)"),
        columns=[
            Column(_("Version")),
            Column(_("Formulär")),
            Column(_("Indikator")),
            Column(_("Antal frågor")),
            Column("n"),
            Column("α"),
            Column(_("95 % KI för α (Feldt)")),
            Column("ω"),
            Column(_("Att tänka på")),
        ],
        rows=out,
        empty=_("Ingen reliabilitet beräknad för de valda filtren."),
    )
