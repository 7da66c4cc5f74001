"""Which target applies to a result: targets have validity periods, results have periods.

Pure (no Django). A target is a mapping with ``point`` (a point number, or a local item's
code) and optional ``valid_from`` / ``valid_to`` (``datetime.date`` or ISO text; missing or
None = open). The rule, written down: **a result uses the target in force on the last day of
its period**; when none is in force that day (the target ended inside the period), the one
that started last among those valid at some day of the period. So a bokslut for 2026 with a
target revised from 1 July 2026 uses the revised target; half-year results use the target of
their half-year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

_HALF = re.compile(r"^(\d{4})H([12])$")
_YEAR = re.compile(r"^(\d{4})$")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``"2016H1"``, ``"2016H2"`` or ``"2016"``."""
    if m := _HALF.match(period):
        year, half = int(m.group(1)), int(m.group(2))
        if half == 1:
            return dt.date(year, 1, 1), dt.date(year, 6, 30)
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    if m := _YEAR.match(period):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValueError(f"unknown period {period!r}")


def _day(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def valid_on(target: Mapping[str, Any], day: dt.date) -> bool:
    start, end = _day(target.get("valid_from")), _day(target.get("valid_to"))
    return (start is None or start <= day) and (end is None or day <= end)


def target_for(
    targets: Sequence[Mapping[str, Any]],
    point: int | str,
    period_start: dt.date,
    period_end: dt.date,
) -> Mapping[str, Any] | None:
    """The target for ``point`` that a result over ``period_start`` .. ``period_end`` uses
    (module docstring), or None when no target for the point is valid in the period."""
    mine = [t for t in targets if str(t.get("point")) == str(point)]
    at_end = [t for t in mine if valid_on(t, period_end)]
    if at_end:
        return max(at_end, key=lambda t: _day(t.get("valid_from")) or dt.date.min)
    overlapping = [
        t
        for t in mine
        if (_day(t.get("valid_from")) or dt.date.min) <= period_end
        and (_day(t.get("valid_to")) or dt.date.max) >= period_start
    ]
    if not overlapping:
        return None
    return max(overlapping, key=lambda t: _day(t.get("valid_from")) or dt.date.min)


def target_index_for(
    targets: Sequence[Mapping[str, Any]], point: int | str, period: str
) -> int | None:
    """Index into ``targets`` of :func:`target_for` over a period label (``"2016H1"``)."""
    found = target_for(targets, point, *period_bounds(period))
    if found is None:
        return None
    return next(i for i, t in enumerate(targets) if t is found)
