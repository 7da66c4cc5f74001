"""Server-rendered SVG line chart of a share (or mean) over half-years: a line with its 95 %
interval as a band, the target as a labelled line. No script, no CDN; a table always follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 72, 24, 40


@dataclass(frozen=True)
class TrendPoint:
    label: str  # the half-year as people write it
    value: float | None  # None: not shown (too few answers)
    low: float | None = None
    high: float | None = None
    text: str = ""  # the value as the table shows it


def trend_svg(
    points: Sequence[TrendPoint],
    *,
    title: str,
    lo: float = 0.0,
    hi: float = 1.0,
    ticks: Sequence[tuple[float, str]] = (),
    target: float | None = None,
    target_label: str = "",
    band_label: str = "",
) -> str:
    """The chart; ``lo``/``hi`` the value axis (0–1 for shares, the scale for means)."""
    if not points:
        return ""
    count = len(points)
    step = (WIDTH - LEFT - RIGHT) / max(count - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if count > 1 else (WIDTH - LEFT - RIGHT) / 2)

    def y(v: float) -> float:
        v = min(max(v, lo), hi)
        return HEIGHT - BOTTOM - (v - lo) * (HEIGHT - TOP - BOTTOM) / (hi - lo)

    out = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        'class="chart trend" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'class="axis"/>',
    ]
    for value, text in ticks:
        out.append(
            f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{WIDTH - RIGHT}" y2="{y(value):.1f}" '
            f'class="grid"/><text x="{LEFT - 6}" y="{y(value) + 4:.1f}" class="tick" '
            f'text-anchor="end">{escape(text)}</text>'
        )
    # every label when few, else every other one (the table has them all)
    every = 1 if count <= 8 else 2
    for i, p in enumerate(points):
        if i % every == 0 or i == count - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" class="tick" '
                f'text-anchor="middle">{escape(p.label)}</text>'
            )
    # the interval band and the line, broken where a value is not shown
    runs: list[list[int]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    for run in (r for r in runs if r):
        banded = [i for i in run if points[i].low is not None and points[i].high is not None]
        if len(banded) == len(run) and len(run) > 1:
            upper = [f"{x(i):.1f},{y(points[i].high or 0):.1f}" for i in run]
            lower = [f"{x(i):.1f},{y(points[i].low or 0):.1f}" for i in reversed(run)]
            out.append(f'<polygon points="{" ".join(upper + lower)}" class="band"/>')
        for i in banded:
            out.append(
                f'<line x1="{x(i):.1f}" y1="{y(points[i].low or 0):.1f}" x2="{x(i):.1f}" '
                f'y2="{y(points[i].high or 0):.1f}" class="whisker"/>'
            )
        line = " ".join(f"{x(i):.1f},{y(points[i].value or 0):.1f}" for i in run)
        out.append(f'<polyline points="{line}" class="series"/>')
    for i, p in enumerate(points):
        if p.value is not None:
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="4" class="series-dot">'
                f"<title>{escape(p.label)}: {escape(p.text)}</title></circle>"
            )
    if target is not None:
        out.append(
            f'<line x1="{LEFT}" y1="{y(target):.1f}" x2="{WIDTH - RIGHT}" y2="{y(target):.1f}" '
            f'class="target-line"/><text x="{WIDTH - RIGHT + 4}" y="{y(target) + 4:.1f}" '
            f'class="line-label">{escape(target_label)}</text>'
        )
    if band_label:
        out.append(f'<text x="{LEFT}" y="{TOP - 8}" class="line-label">{escape(band_label)}</text>')
    out.append("</svg>")
    return "".join(out)
