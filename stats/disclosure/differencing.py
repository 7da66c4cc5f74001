"""National aggregates shown to the units they are pooled from: no differencing.

A national total ``N = sum(n_i)`` and successes ``Y = sum(y_i)`` shown to unit ``v``, who knows its
own ``n_v`` and ``y_v``, tell it ``N - n_v`` and ``Y - y_v``: the sums over the *other* units. A
sum over one other unit is that unit's count (two pooled units: each reads the other's exact n
and share). The viewer's knowledge is a set of linear functionals of the others' counts (the
rows of :func:`stats.disclosure.determined`) plus bounds it knows from the publication rules:
``n_i >= k`` for a unit shown as contributing, ``1 <= n_i <= k - 1`` for a small one, and
``0 <= y_i <= n_i``. This module decides, for every viewer at once, what may be shown so that no
other unit's n or successes is determined (linear span *or* the bounds pinning it):

* nothing national unless at least ``min_units`` units contribute ``n >= k`` each (then the
  others' sums always cover at least two units with n > 0, so no single n_i or y_i lies in the
  span of what the viewer sees: :func:`determined` finds nothing);
* the national n not to a viewer for whom the others' n sit all at their lower bounds (each
  other contributor exactly k, each small one exactly 1): the bounds would pin every n_i;
* the national successes (and share) not to a viewer for whom the others' successes are 0 or
  all of their n: every y_i = 0, or every other unit's share = 100 %.

The constraint matrix (sums over units, ``y_i - n_i <= 0``) is totally unimodular, so these
closed-form interval bounds are the integer ones (an LP or an integer search finds the same).
Non-linear statistics of the same units (an overdispersion phi or tau^2, a plotting grid up to
the largest n) are not covered: they must not be shown to the units (see docs/stats.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: withheld because fewer than the minimum number of units contribute n >= k each
TOO_FEW_UNITS = "too_few_associations"
#: withheld because, for this viewer, the others' counts would be pinned by their bounds
DIFFERENCING = "differencing"


@dataclass(frozen=True)
class NationalRelease:
    """Per viewer (unit index): may the national n / successes be shown, and why not."""

    contributors: int
    n_shown: NDArray[np.bool_]
    successes_shown: NDArray[np.bool_]
    reason: tuple[str | None, ...]


def national_release(
    n: ArrayLike, successes: ArrayLike, *, k: int, min_units: int = 3
) -> NationalRelease:
    """What of ``N = sum(n)`` and ``Y = sum(successes)`` each unit may see (module doc).

    ``n``/``successes``: per unit (0 for a unit without answers). ``min_units`` below 3 is
    refused: with two units each one's view determines the other's.
    """
    if min_units < 3:
        raise ValueError("min_units must be at least 3")
    nn = np.asarray(n, dtype=np.int64)
    yy = np.asarray(successes, dtype=np.int64)
    contributors = int((nn >= k).sum())
    if contributors < min_units:
        none = np.zeros(nn.size, dtype=bool)
        return NationalRelease(contributors, none, none, (TOO_FEW_UNITS,) * nn.size)
    lower = np.where(nn >= k, k, np.where(nn > 0, 1, 0))
    others_n = int(nn.sum()) - nn
    others_low = int(lower.sum()) - lower
    others_y = int(yy.sum()) - yy
    n_shown = others_n > others_low
    y_shown = n_shown & (others_y > 0) & (others_y < others_n)
    reason = tuple(None if ok else DIFFERENCING for ok in y_shown.tolist())
    return NationalRelease(contributors, n_shown, y_shown, reason)
