"""Numbers as people read them (``/work/shared/ui-sv.md``): ``79,5 %`` and ``0,82`` in Swedish,
``79.5%`` and ``0.82`` in English, and the rounding rule for values beside a target.

The rounding rule (docs/dashboard.md): a share is shown in whole percent, unless the whole
percent would land on the other side of the target from the true value, or on the target
while the target is not met. Then it gets one decimal, rounded *away from the target's side*
(down when not met, up when met), so a red cell never reads "80 %" against "Minst 80 %":
0.795 against 80 % reads "79,5 %", 0.7999 reads "79,9 %". The same for means (one decimal,
two near the target).
"""

from __future__ import annotations

import math
from typing import Any

from vocabulary import english

NBSP = "\N{NO-BREAK SPACE}"
DASH = "–"


def decimal_text(value: float, decimals: int, lang: str | None) -> str:
    """``0,82`` / ``0.82``; thousands with a non-breaking space / comma."""
    text = f"{value:,.{decimals}f}"
    if english(lang):
        return text
    return text.replace(",", NBSP).replace(".", ",").replace("-", "\N{MINUS SIGN}")


def _directed(value: float, decimals: int, up: bool) -> float:
    """``value`` rounded to ``decimals`` towards +inf (``up``) or -inf, ignoring float noise."""
    scale = 10**decimals
    x = round(value * scale, 6)
    return (math.ceil(x) if up else math.floor(x)) / scale


def near_target(value: float, decimals: int, target: float | None, met: bool | None) -> str:
    """``value`` with ``decimals`` decimals, or one more (rounded away from the target's side)
    when the shorter form would contradict ``met`` (``value >= target``)."""
    shown = round(value, decimals)
    if target is None or met is None:
        return f"{shown:.{decimals}f}"
    wrong = (shown >= target) != met or (not met and math.isclose(shown, target))
    if not wrong:
        return f"{shown:.{decimals}f}"
    finer = _directed(value, decimals + 1, up=met)
    return f"{finer:.{decimals + 1}f}"


def _localise(plain: str, lang: str | None) -> str:
    return plain if english(lang) else plain.replace(".", ",")


def percent_text(
    share: Any,
    *,
    lang: str | None,
    target: float | None = None,
    met: bool | None = None,
) -> str:
    """A share (0–1) in percent: ``75 %`` (sv) / ``75%`` (en); ``–`` when missing. With a
    target share and whether it is met, the rounding rule of this module applies."""
    if share is None:
        return DASH
    value = float(share) * 100
    text = near_target(value, 0, None if target is None else float(target) * 100, met)
    return _localise(text, lang) + ("%" if english(lang) else f"{NBSP}%")


def mean_text(
    mean: Any, *, lang: str | None, target: float | None = None, met: bool | None = None
) -> str:
    """A mean on the answer scale with one decimal (two near the target)."""
    if mean is None:
        return DASH
    return _localise(near_target(float(mean), 1, target, met), lang)


def interval_text(low: Any, high: Any, *, lang: str | None, percent: bool = False) -> str:
    """``71–85 %`` or ``0,79–0,85`` (en dash, no spaces); ``–`` when either end is missing."""
    if low is None or high is None:
        return DASH
    if percent:
        a, b = round(float(low) * 100), round(float(high) * 100)
        return f"{a}{DASH}{b}" + ("%" if english(lang) else f"{NBSP}%")
    return f"{decimal_text(float(low), 2, lang)}{DASH}{decimal_text(float(high), 2, lang)}"


def count_text(n: Any, lang: str | None) -> str:
    """``3 970`` / ``3,970``; ``–`` when missing."""
    return DASH if n is None else decimal_text(float(n), 0, lang)
