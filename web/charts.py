"""Server-rendered SVG charts: no JavaScript library, no CDN; each chart has a table beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


def _scale(value: float, lo: float, hi: float, a: float, b: float) -> float:
    if hi == lo:
        return (a + b) / 2
    return a + (value - lo) * (b - a) / (hi - lo)


def funnel_svg(
    funnel: Mapping[str, Any],
    *,
    title: str,
    highlight: str | None = None,
    show_others: bool = True,
    line_labels: Mapping[str, str] | None = None,
) -> str:
    """Funnel plot: share against n, with 95 % and 99.8 % limits around the target (solid)
    and the national share (dashed); one dot per association (only ``highlight`` is labelled
    and drawn when ``show_others`` is False)."""
    target_lines: Sequence[Mapping[str, Any]] = funnel.get("limits_target") or []
    national_lines: Sequence[Mapping[str, Any]] = funnel.get("limits_national") or []
    points = [
        p
        for p in funnel.get("points", [])
        if p.get("share") is not None and (show_others or p.get("association") == highlight)
    ]
    ns = [float(r["n"]) for r in [*target_lines, *national_lines]] + [float(p["n"]) for p in points]
    if not ns:
        return ""
    n_max = max(ns)
    x = lambda n: _scale(float(n), 0, n_max, LEFT, WIDTH - RIGHT)  # noqa: E731
    y = lambda s: _scale(float(s), 0, 1, HEIGHT - BOTTOM, TOP)  # noqa: E731
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        'class="chart funnel" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}" class="axis"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" class="axis"/>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" class="tick" '
            f'text-anchor="end">{int(tick * 100)} %</text>'
        )
    for tick in (0, n_max / 2, n_max):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{HEIGHT - BOTTOM + 16}" class="tick" '
            f'text-anchor="middle">{int(tick)}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH) / 2}" y="{HEIGHT - 6}" class="tick" '
        'text-anchor="middle">n</text>'
    )

    def polyline(rows: Sequence[Mapping[str, Any]], key: str, css: str) -> None:
        coords = " ".join(
            f"{x(r['n']):.1f},{y(r[key]):.1f}" for r in rows if r.get(key) is not None
        )
        if coords:
            parts.append(f'<polyline points="{coords}" class="{css}"/>')

    for rows, css in ((target_lines, "target"), (national_lines, "national")):
        for key, width in (
            ("low_95", "l95"),
            ("high_95", "l95"),
            ("low_99.8", "l998"),
            ("high_99.8", "l998"),
        ):
            polyline(rows, key, f"limit {css} {width}")
    # the target's limits labelled where they are furthest apart (a quarter along the grid)
    labelled = [r for r in target_lines if r.get("high_95") is not None]
    if line_labels and labelled:
        at = labelled[len(labelled) // 4]
        for key, text_key in (("high_99.8", "l998"), ("high_95", "l95"),
                              ("low_95", "l95"), ("low_99.8", "l998")):  # fmt: skip
            if at.get(key) is not None and line_labels.get(text_key):
                parts.append(
                    f'<text x="{x(at["n"]) + 4:.1f}" y="{y(at[key]) - 3:.1f}" '
                    f'class="line-label">{escape(line_labels[text_key])}</text>'
                )
    if funnel.get("target_level") is not None:
        level = float(funnel["target_level"])
        parts.append(
            f'<line x1="{LEFT}" y1="{y(level):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(level):.1f}" class="centre target"/>'
        )
    for p in points:
        own = p.get("association") == highlight
        css = "dot own" if own else "dot"
        label = escape(str(p.get("association", "")))
        parts.append(
            f'<circle cx="{x(p["n"]):.1f}" cy="{y(p["share"]):.1f}" r="{6 if own else 4}"'
            f' class="{css}"><title>{label}: {p["share"] * 100:.0f} % '
            f"(n={p['n']})</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
