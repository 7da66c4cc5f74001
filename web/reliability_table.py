"""The reliability tables of the dashboard, one pair per instrument version (item-level results
never pool versions, docs/stats.md "Instrument versions"): per form and indicator the item
count, alpha and its interval, omega and in plain words what a reader must know; per form the
version's questions with their statements, how each relates to the previous version and its
item statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from instrument.selectors import instrument_version_list
from national.selectors import reliability_flags_cached, version_item_catalogue
from vocabulary import english, label
from web.dashboard import Snapshotted
from web.numbers import DASH, count_text, decimal_text, interval_text
from web.tables import Cell, Column, Table


def version_slug(version: str) -> str:
    """A version code as part of an element id and a download name (``2015.1`` -> ``2015-1``)."""
    return "".join(c if c.isalnum() else "-" for c in version).strip("-").lower()


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


def reliability_versions(data: Snapshotted) -> list[str]:
    """The versions whose tables the page shows: the chosen one, else every answered one."""
    if data.filters.version:
        return [data.filters.version]
    return list(data.answered_versions)


def reliability_rows(data: Snapshotted, version: str | None = None) -> list[dict[str, Any]]:
    f = data.filters
    chosen = version or f.version
    rows = [
        r
        for r in data.reliability
        if r.get("scope") == "pooled"
        and (not f.form or r.get("form") == f.form)
        and (not chosen or r.get("instrument_version") == chosen)
    ]
    return sorted(
        rows,
        key=lambda r: (
            str(r.get("instrument_version")),
            str(r.get("form")),
            -1 if r.get("indicator") is None else int(r["indicator"]),
        ),
    )


def reliability_table(data: Snapshotted, version: str | None = None) -> Table:
    """The scale table of ``version``; without one, every shown version in one table with a
    version column (the download of all versions)."""
    lang = data.lang
    out = []
    for r in reliability_rows(data, version):
        scale, items = reliability_flags_cached(data.reliability, r)
        words = [label("scale_flag", code, lang) for code in scale]
        words += [
            _("fråga %(item)s: %(flag)s") % {"item": item, "flag": label("item_flag", code, lang)}
            for item, code in items
        ]
        if r.get("suppressed"):
            words.insert(0, _("För få svar för att beräkna"))
        row = [
            Cell(label("form", r.get("form"), lang), value=str(r.get("form"))),
            Cell(_indicator_name(data, r.get("indicator"))),
            Cell(str(len(r.get("items") or [])), value=len(r.get("items") or [])),
            Cell(count_text(r.get("n"), lang), value=r.get("n")),
            _number(r.get("alpha_raw"), lang),
            Cell(interval_text(r.get("ci_feldt_low"), r.get("ci_feldt_high"), lang=lang)),
            _number(r.get("omega_total"), lang),
            Cell("; ".join(words) or _("Inget att anmärka"), css="flags" if words else ""),
        ]
        out.append([Cell(str(r.get("instrument_version") or "")), *row] if not version else row)
    columns = [
        Column(_("Formulär")),
        Column(_("Indikator")),
        Column(_("Antal frågor")),
        Column("n"),
        Column("α"),
        Column(_("95 % KI för α (Feldt)")),
        Column("ω"),
        Column(_("Att tänka på")),
    ]
    if version:
        key = f"reliability-{version_slug(version)}"
        caption = _("Reliabilitet per formulär och indikator, version %(v)s (samtliga förbund)")
    else:
        key, caption = (
            "reliability",
            _("Reliabilitet per formulär och indikator (samtliga förbund)"),
        )
        columns.insert(0, Column(_("Version")))
    return Table(
        key=key,
        caption=caption % {"v": version} if version else caption,
        columns=columns,
        rows=out,
        empty=_("Ingen reliabilitet beräknad för de valda filtren."),
    )


def _stat(stats: dict[str, Any], name: str, lang: str) -> Cell:
    return _number(stats.get(name), lang) if stats else Cell(DASH, value="")


def item_table(
    data: Snapshotted, version: str, catalogue: dict[str, dict[str, Any]] | None = None
) -> Table:
    """The questions of ``version`` per form (the whole form's pooled row): statement, the
    change against the previous version, whether the answers count in the point's results,
    answers, item-rest r and alpha without the question. ``catalogue``: the version's items
    (:func:`national.selectors.version_item_catalogue`), read when not given."""
    lang = data.lang
    if catalogue is None:
        catalogue = version_item_catalogue(versions=[version])[version]
    out = []
    for r in reliability_rows(data, version):
        if r.get("indicator") is not None:
            continue
        stats = {str(s["item"]): s for s in r.get("item_stats") or []}
        form = label("form", r.get("form"), lang)
        for key in r.get("items") or []:
            item = catalogue.get(str(key)) or {}
            change = str(item.get("change") or "")
            comparable = item.get("comparable")
            out.append(
                [
                    Cell(form, value=str(r.get("form"))),
                    Cell(str(item.get("code") or key)),
                    Cell(str(item.get("point") or DASH), value=item.get("point")),
                    Cell(str(item.get("statement_en" if english(lang) else "statement_sv", ""))),
                    Cell(label("lineage_change", change, lang) if change else DASH),
                    Cell(
                        DASH
                        if comparable is None
                        else (_("Ja") if comparable else _("Nej, redovisas per version"))
                    ),
                    Cell(
                        count_text(stats[key].get("n"), lang) if key in stats else DASH,
                        value=stats[key].get("n") if key in stats else "",
                    ),
                    _stat(stats.get(key, {}), "r_drop", lang),
                    _stat(stats.get(key, {}), "alpha_raw_if_dropped", lang),
                ]
            )
    return Table(
        key=f"items-{version_slug(version)}",
        caption=_("Frågorna i version %(v)s per formulär (samtliga förbund)") % {"v": version},
        columns=[
            Column(_("Formulär")),
            Column(_("Fråga")),
            Column(_("Mätpunkt")),
            Column(_("Påstående")),
            Column(_("Ändring mot föregående version")),
            Column(_("Räknas in i mätpunktens resultat")),
            Column(_("Antal svar")),
            Column(_("r mot övriga")),
            Column(_("α utan frågan")),
        ],
        rows=out,
        empty=_("Inga frågor med svar för de valda filtren."),
    )


@dataclass(frozen=True)
class VersionTables:
    """One version's part of the reliability section."""

    version: str
    slug: str
    scales: Table
    items: Table
    #: the version it builds on and the page of changes against it ("" for a first version)
    previous: str
    changes_url: str


def version_tables(data: Snapshotted) -> list[VersionTables]:
    """The reliability section per shown version, with a link to the version's changes
    against the one it builds on (none for a first version)."""
    previous = {
        v.code: v.previous.code if v.previous else ""
        for v in instrument_version_list().select_related("previous")
    }
    shown = reliability_versions(data)
    catalogues = version_item_catalogue(versions=shown)
    out = []
    for version in shown:
        changes = reverse("web:instrument-review", args=[version]) if previous.get(version) else ""
        out.append(
            VersionTables(
                version=version,
                slug=version_slug(version),
                scales=reliability_table(data, version),
                items=item_table(data, version, catalogues[version]),
                previous=previous.get(version, ""),
                changes_url=changes,
            )
        )
    return out


def version_export(data: Snapshotted, table: str) -> Table | None:
    """``reliability-<version>`` or ``items-<version>`` (the ids the page gives them)."""
    kind, _sep, slug = table.partition("-")
    version = next((v for v in data.versions if version_slug(v) == slug), None)
    if version is None or kind not in ("reliability", "items"):
        return None
    return reliability_table(data, version) if kind == "reliability" else item_table(data, version)
