"""The participant-flow table and the full-year-equivalent table of an association's own
results (its own schema, no small-cell rule: docs/results.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from pilot.models import Activity, MunicipalityYear, Participant
from pilot.results.figures import number_text, percent_sign, share_percent_text
from pilot.results.periods import ResultPeriod
from vocabulary import EXIT_OUTCOMES

#: rows of the flow table, in the report's order (labels: vocabulary kind ``flow_row``)
FLOW_ROWS = ("started", "new", "ended", *EXIT_OUTCOMES, "still_active")
#: gender columns always shown; other recorded genders get a column when anyone has them
FLOW_GENDERS = ("woman", "man", "other", "undisclosed")


@dataclass(frozen=True)
class FlowCell:
    count: int
    share: str | None  # share of those ended ("44 %"), outcome rows only


@dataclass(frozen=True)
class FlowTable:
    columns: tuple[str, ...]  # gender codes, then "total"
    rows: tuple[tuple[str, tuple[FlowCell, ...]], ...]

    def count(self, row: str, column: str) -> int:
        cells = dict(self.rows)[row]
        return cells[self.columns.index(column)].count


def flow_table(
    *, period: ResultPeriod, activity: Activity | None = None, lang: str | None = None
) -> FlowTable:
    """Started (taking part at any time in the period), new in the period, ended in the period
    (each outcome with its share of those ended), still active at the period's end; by gender.
    One grouped query."""
    people = Participant.objects.filter(
        Q(started_on__lte=period.end) & (Q(exited_on__isnull=True) | Q(exited_on__gte=period.start))
    )
    if activity is not None:
        people = people.filter(activity=activity)
    in_period = Q(exited_on__range=(period.start, period.end))
    aggregates = {
        "started": Count("id"),
        "new": Count("id", filter=Q(started_on__gte=period.start)),
        "ended": Count("id", filter=in_period),
        **{o: Count("id", filter=in_period & Q(exit_outcome=o)) for o in EXIT_OUTCOMES},
        "still_active": Count("id", filter=Q(exited_on__isnull=True) | Q(exited_on__gt=period.end)),
    }
    by_gender: dict[str, dict[str, int]] = {
        str(row["gender"]): {k: int(str(v)) for k, v in row.items() if k != "gender"}
        for row in people.values("gender").annotate(**aggregates)
    }
    genders = [
        g for g in FLOW_GENDERS if g in {"woman", "man"} or by_gender.get(g, {}).get("started")
    ]
    columns = (*genders, "total")
    rows = []
    for row in FLOW_ROWS:
        counts = [by_gender.get(g, {}).get(row, 0) for g in genders]
        counts.append(sum(by_gender.get(g, {}).get(row, 0) for g in by_gender))
        ended = [by_gender.get(g, {}).get("ended", 0) for g in genders]
        ended.append(sum(by_gender.get(g, {}).get("ended", 0) for g in by_gender))
        cells = tuple(
            FlowCell(c, share_percent_text(c, e, lang) if row in EXIT_OUTCOMES and e else None)
            for c, e in zip(counts, ended, strict=True)
        )
        rows.append((row, cells))
    return FlowTable(columns, tuple(rows))


@dataclass(frozen=True)
class FteCell:
    fte: str  # "8 788"
    percent: str  # "10,9 %" of the population aged 20–64


@dataclass(frozen=True)
class FteRow:
    municipality: str
    cells: tuple[FteCell | None, ...]  # one per year, None when the year is missing
    change: str | None  # last year against the one before, percentage points ("−0,3")


@dataclass(frozen=True)
class FteTable:
    years: tuple[int, ...]
    rows: tuple[FteRow, ...]


def fte_table(*, up_to_year: int, lang: str | None = None, years: int = 5) -> FteTable:
    """Full-year equivalents (sickness, labour market support and financial assistance
    together) per municipality for the last ``years`` years up to ``up_to_year`` that have
    data, with their share of the population aged 20–64 and the change between the last two
    years in percentage points."""
    rows = list(
        MunicipalityYear.objects.filter(year__lte=up_to_year).order_by("municipality", "year")
    )
    shown = tuple(sorted({r.year for r in rows})[-years:])
    table: dict[str, dict[int, Decimal]] = {}
    cells: dict[str, dict[int, FteCell]] = {}
    for r in rows:
        if r.year not in shown:
            continue
        total = r.sickness_disability_fte + r.labour_market_fte + r.financial_assistance_fte
        pct = 100 * total / r.population_20_64 if r.population_20_64 else Decimal(0)
        table.setdefault(r.municipality, {})[r.year] = pct
        cells.setdefault(r.municipality, {})[r.year] = FteCell(
            number_text(total, lang), number_text(pct, lang, 1) + percent_sign(lang)
        )
    out = []
    for municipality, by_year in cells.items():
        change = None
        if len(shown) >= 2 and shown[-1] in by_year and shown[-2] in by_year:
            # from the shares as written, so the table adds up for the reader
            last, before = (
                table[municipality][y].quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                for y in (shown[-1], shown[-2])
            )
            diff = last - before
            text = number_text(abs(diff), lang, 1)
            change = ("−" if diff < 0 else "+" if diff > 0 else "±") + text
        out.append(FteRow(municipality, tuple(by_year.get(y) for y in shown), change))
    return FteTable(shown, tuple(out))
