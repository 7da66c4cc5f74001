"""How an association's own figures are written and judged (Swedish number style, the
signal against a target, the sentence on gender differences).

Rules (docs/results.md):

* A share is written ``65 % (13/20)`` (non-breaking space before %, ``65% (13/20)`` in
  English), rounded half up to a whole percent. **A value that misses its target is never
  written as the target or above**: 79.5 % against 80 % reads ``79,5 %`` (one more decimal
  until the written value is below the target); likewise a met target is never written below
  it.
* The signal is green when successes x 100 >= target x n (exact integer arithmetic), red
  otherwise, grey with a reason when there are no answers. Inside the association there is no
  small-cell rule: its own members see its own counts, however small.
* Gender: the difference is *notable* when women's and men's shares differ by at least
  :data:`NOTABLE_POINTS` percentage points and each group has at least
  :data:`NOTABLE_MIN_N` answers; otherwise the sentence says there is no notable difference,
  or that too few answered to compare.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from vocabulary import english

NBSP = "\N{NO-BREAK SPACE}"
NOTABLE_POINTS = 10
NOTABLE_MIN_N = 5


def number_text(value: Decimal | float | int, lang: str | None, decimals: int = 0) -> str:
    """``3 970`` / ``3,970``; ``10,9`` / ``10.9`` (half up)."""
    quantum = Decimal(1).scaleb(-decimals)
    d = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{d:,.{decimals}f}"
    if english(lang):
        return text
    return text.replace(",", NBSP).replace(".", ",")


def percent_sign(lang: str | None) -> str:
    return "%" if english(lang) else f"{NBSP}%"


def _percent(successes: int, n: int, decimals: int) -> Decimal:
    exact = Decimal(100 * successes) / Decimal(n)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def share_percent_text(
    successes: int, n: int, lang: str | None, target: Decimal | float | None = None
) -> str:
    """``65 %``, with as many decimals (at most 3) as keep the written value on the same side
    of ``target`` (a percent) as the exact share."""
    decimals = 0
    shown = _percent(successes, n, 0)
    if target is not None:
        goal = Decimal(str(target))
        met = 100 * successes >= goal * n
        while decimals < 3 and (shown >= goal) != met:
            decimals += 1
            shown = _percent(successes, n, decimals)
    return number_text(shown, lang, decimals) + percent_sign(lang)


def share_text(
    successes: int, n: int, lang: str | None, target: Decimal | float | None = None
) -> str:
    """``65 % (13/20)`` in the social accounting report's form."""
    return f"{share_percent_text(successes, n, lang, target)} ({successes}/{n})"


def mean_text(mean: float, n: int, lang: str | None) -> str:
    return f"{number_text(mean, lang, 1)} (n = {n})"


def signal(successes: int, n: int, percent: Decimal | float | None) -> str:
    if n <= 0 or percent is None:
        return "grey"
    return "green" if 100 * successes >= Decimal(str(percent)) * n else "red"


def gender_sentence(woman: tuple[int, int], man: tuple[int, int], lang: str | None) -> str | None:
    """One plain sentence on the difference between women's and men's shares, from
    (successes, n) of each; None when neither group answered (e.g. staff forms)."""
    (ws, wn), (ms, mn) = woman, man
    if wn == 0 and mn == 0:
        return None
    if wn < NOTABLE_MIN_N or mn < NOTABLE_MIN_N:
        return _(
            "För få svar för att jämföra kvinnor och män (%(w)d kvinnor och %(m)d män; "
            "minst %(min)d i varje grupp behövs)."
        ) % {"w": wn, "m": mn, "min": NOTABLE_MIN_N}
    w_text = share_percent_text(ws, wn, lang)
    m_text = share_percent_text(ms, mn, lang)
    diff = Decimal(100 * ws) / wn - Decimal(100 * ms) / mn
    if abs(diff) < NOTABLE_POINTS:
        return _("Ingen påtaglig skillnad mellan kvinnor (%(w)s) och män (%(m)s).") % {
            "w": w_text,
            "m": m_text,
        }
    if diff > 0:
        return _("Andelen är högre bland kvinnor (%(w)s) än bland män (%(m)s).") % {
            "w": w_text,
            "m": m_text,
        }
    return _("Andelen är högre bland män (%(m)s) än bland kvinnor (%(w)s).") % {
        "w": w_text,
        "m": m_text,
    }
