"""The steering group's dashboard, read from a published snapshot's stored reports: which
half-year it opens on, what the filters mean, and the messages for filters that name nothing.

Opening period (docs/dashboard.md): the latest half-year with enough coverage, i.e. at least
``NNS_DASHBOARD_MIN_ASSOCIATIONS`` associations (default: the national minimum, 3) and at
least ``NNS_DASHBOARD_MIN_ANSWERS`` questionnaires (default 100). A half-year that has just
begun (one association, a few answers) is listed but not opened on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from instrument.selectors import form_points, instrument_version_codes, instrument_version_current
from national.selectors import point_catalogue, snapshot_coverage, snapshot_report
from tenants.selectors import association_counties, association_names
from vocabulary import english, half_year_label, label
from web.numbers import count_text

if TYPE_CHECKING:
    from national.models import Snapshot


def coverage_minimum() -> tuple[int, int]:
    """(associations, answers) a half-year needs to be opened on by default."""
    associations = getattr(settings, "NNS_DASHBOARD_MIN_ASSOCIATIONS", None)
    answers = getattr(settings, "NNS_DASHBOARD_MIN_ANSWERS", 100)
    return int(associations or settings.NNS_NATIONAL_MIN_ASSOCIATIONS), int(answers)


@dataclass
class Filters:
    period: str = ""
    county: str = ""
    form: str = ""
    version: str = ""
    point: int | None = None
    problems: list[str] = field(default_factory=list)

    def query(self, **changes: Any) -> str:
        """The filters as a query string (``changes`` replace values; None drops one)."""
        from urllib.parse import urlencode

        values = {
            "period": self.period,
            "county": self.county,
            "form": self.form,
            "version": self.version,
            "point": self.point,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


@dataclass
class Snapshotted:
    """What the dashboard and its drill-down read from one snapshot, filtered."""

    snapshot: Snapshot
    lang: str
    filters: Filters
    periods: list[str]
    coverage: dict[str, dict[str, int]]
    default_period: str
    bench: dict[str, Any]
    reliability: list[dict[str, Any]]
    names: dict[str, str]
    counties: dict[str, str]
    catalogue: dict[int, dict[str, Any]]
    points: list[int]
    forms: list[str]
    versions: list[str]
    #: the versions the snapshot holds answers on (its reliability rows name them)
    answered_versions: list[str] = field(default_factory=list)
    #: points with results that the chosen version does not ask (left out of the columns)
    hidden_points: list[int] = field(default_factory=list)

    def period_text(self, period: str) -> str:
        return half_year_label(period, self.lang)

    def coverage_text(self, period: str) -> str:
        c = self.coverage.get(period, {"associations": 0, "answers": 0})
        return _("%(a)s förbund, %(n)s svar") % {
            "a": c["associations"],
            "n": count_text(c["answers"], self.lang),
        }

    def point_short(self, point: int) -> str:
        entry = self.catalogue.get(point) or {}
        return str(entry.get("short_en" if self.lang.startswith("en") else "short_sv", ""))

    def point_statement(self, point: int) -> str:
        entry = self.catalogue.get(point) or {}
        return str(entry.get("statement_en" if self.lang.startswith("en") else "statement_sv", ""))

    def shown(self, association: str) -> bool:
        return not self.filters.county or self.counties.get(association) == self.filters.county


def _opening_period(periods: list[str], coverage: Mapping[str, Mapping[str, int]]) -> str:
    need_a, need_n = coverage_minimum()
    enough = [
        p
        for p in periods
        if coverage.get(p, {}).get("associations", 0) >= need_a
        and coverage.get(p, {}).get("answers", 0) >= need_n
    ]
    if enough:
        return enough[-1]
    # none is covered well enough: the best-covered half-year, the latest of equals
    return max(
        periods,
        key=lambda p: (
            coverage.get(p, {}).get("associations", 0),
            coverage.get(p, {}).get("answers", 0),
            p,
        ),
        default="",
    )


def dashboard_read(*, snapshot: Snapshot, query: Mapping[str, str], lang: str) -> Snapshotted:
    """The snapshot's reports and the filters in ``query``, checked: a value that names
    nothing is dropped with a message in ``filters.problems`` (never an empty page or a 500)."""
    bench = snapshot_report(snapshot=snapshot, kind="benchmark") or {}
    reliability = snapshot_report(snapshot=snapshot, kind="reliability") or []
    names = association_names()
    counties = association_counties()
    periods = sorted({str(c["period"]) for c in bench.get("cells", [])})
    coverage = snapshot_coverage(snapshot=snapshot)
    answered = sorted(
        {str(r.get("instrument_version")) for r in reliability if r.get("instrument_version")}
    )
    versions = sorted(set(answered) | set(instrument_version_codes(published_only=True)))
    f = Filters()
    default = _opening_period(periods, coverage)
    period = (query.get("period") or "").strip()
    if period and period not in periods:
        f.problems.append(
            _("Perioden ”%(p)s” finns inte i sammanställningen. Visar %(d)s i stället.")
            % {"p": period[:40], "d": half_year_label(default, lang) or "–"}
        )
        period = ""
    f.period = period or default
    county = (query.get("county") or "").strip()
    in_use = {c for c in counties.values() if c}
    if county and county not in in_use:
        f.problems.append(_("Det finns inget förbund i det valda länet. Visar alla län."))
        county = ""
    f.county = county
    version = (query.get("version") or "").strip()
    if version and version not in versions:
        f.problems.append(
            _("Instrumentversionen ”%(v)s” finns inte. Visar alla versioner.") % {"v": version[:40]}
        )
        version = ""
    f.version = version
    catalogue = point_catalogue(version=version)
    points_of = form_points(version_code=version or _latest(versions))
    form = (query.get("form") or "").strip()
    if form and form not in points_of:
        f.problems.append(_("Formuläret finns inte i den valda versionen. Visar alla formulär."))
        form = ""
    f.form = form
    with_cells = {int(c["point"]) for c in bench.get("cells", [])}
    allowed = points_of.get(form) if form else None
    points = sorted(
        p
        for p in with_cells
        if (not catalogue or p in catalogue) and (allowed is None or p in allowed)
    )
    # a chosen version shows the points it asks; the pooled results of a point only an
    # earlier version asked stay under "all versions"
    hidden = [p for p in points if version and not catalogue.get(p, {}).get("measured", True)]
    points = [p for p in points if p not in hidden]
    raw_point = (query.get("point") or "").strip()
    if raw_point:
        if raw_point.isdigit() and int(raw_point) in points:
            f.point = int(raw_point)
        else:
            f.problems.append(
                _("Mätpunkten ”%(p)s” finns inte bland de valda. Visar en annan mätpunkt.")
                % {"p": raw_point[:20]}
            )
    return Snapshotted(
        snapshot=snapshot,
        lang=lang,
        filters=f,
        periods=periods,
        coverage=coverage,
        default_period=default,
        bench=bench,
        reliability=reliability,
        names=names,
        counties=counties,
        catalogue=catalogue,
        points=points,
        forms=sorted(points_of),
        versions=versions,
        answered_versions=answered,
        hidden_points=hidden,
    )


def _latest(versions: list[str]) -> str:
    current = instrument_version_current()
    return current.code if current else (versions[-1] if versions else "")


def county_options(data: Snapshotted) -> list[tuple[str, str]]:
    used = sorted({c for c in data.counties.values() if c})
    return sorted(((c, label("county", c, data.lang)) for c in used), key=lambda x: x[1])


def listed(values: list[str], lang: str) -> str:
    """``a``, ``a och b``, ``a, b och c`` (``and`` in English)."""
    if len(values) < 2:
        return "".join(values)
    word = " and " if english(lang) else " och "
    return ", ".join(values[:-1]) + word + values[-1]


def pooled_line(data: Snapshotted) -> str:
    """One line under every point-level figure when the snapshot holds answers on several
    versions: what the figure pools (docs/stats.md, "Instrument versions")."""
    if len(data.answered_versions) < 2:
        return ""
    return _("Resultaten per mätpunkt räknar ihop svaren på version %(versions)s.") % {
        "versions": listed(data.answered_versions, data.lang)
    }


def version_notes(data: Snapshotted) -> list[str]:
    """What the version filter does and does not change, in plain words: point-level results
    pool the comparable questions of every version, questions and reliability are per version."""
    chosen, answered = data.filters.version, data.answered_versions
    versions = listed(answered, data.lang)
    notes = []
    if chosen and chosen not in answered:
        notes.append(
            _(
                "Sammanställningen har inga svar på version %(v)s. Resultaten per mätpunkt bygger "
                "på svaren på version %(versions)s."
            )
            % {"v": chosen, "versions": versions}
        )
    elif chosen and len(answered) > 1:
        notes.append(
            _(
                "Version %(v)s är vald: mätpunkterna, påståendena, frågorna och reliabiliteten "
                "gäller den versionen. Resultaten per mätpunkt (måluppfyllelsen, trattdiagrammet "
                "och andelen över tid) gäller däremot alla versioner: de räknar ihop svaren på "
                "jämförbara frågor i version %(versions)s. Nya frågor räknas inte in i "
                "mätpunktens resultat."
            )
            % {"v": chosen, "versions": versions}
        )
    elif len(answered) > 1:
        notes.append(
            _(
                "Sammanställningen har svar på version %(versions)s. Resultaten per mätpunkt "
                "räknar ihop svaren på jämförbara frågor i alla versionerna (oförändrade och "
                "omformulerade frågor, enligt jämförelsen mellan versionerna). Nya frågor räknas "
                "inte in i mätpunktens resultat; de och all reliabilitet redovisas per version "
                "under Reliabilitet."
            )
            % {"versions": versions}
        )
    if data.hidden_points:
        points = listed([str(p) for p in data.hidden_points], data.lang)
        notes.append(
            ngettext(
                "Mätpunkt %(points)s finns inte i version %(v)s och visas inte. Välj ”Alla "
                "versioner” för att se resultaten från tidigare versioner.",
                "Mätpunkterna %(points)s finns inte i version %(v)s och visas inte. Välj ”Alla "
                "versioner” för att se resultaten från tidigare versioner.",
                len(data.hidden_points),
            )
            % {"points": points, "v": chosen}
        )
    return notes
