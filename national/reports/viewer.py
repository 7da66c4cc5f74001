"""What one association sees of a national funnel (the no-differencing rule, issue 14).

An association knows its own counts; whatever national figure it is shown, minus its own,
is a figure about the others. So an association's funnel carries only:

* the national n and share of the target and half-year, and only when
  :func:`stats.disclosure.national_release` allows them for this viewer (at least
  ``min_associations`` associations contribute n >= k each, and the others' counts are not
  pinned by their bounds); otherwise ``national_n``/``national_share`` are None and
  ``national_reason`` says why;
* its own point (n, share, positions against the target's and the national binomial limits);
* limit lines over an n grid that depends only on k and the viewer's own n (:func:`viewer_grid`),
  never on another association's n (the steering group's grid runs to the largest n);
* no overdispersion (p0, phi, tau^2, p value, units): with few associations those, with the
  national sums and a search over integers, give the others' exact n and successes; the lines
  are exact binomial limits, without the phi/tau^2 variants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from national.reports.inputs import Json
from national.reports.output import records
from national.reports.targets import Core, Target
from stats import funnel_limits
from stats.disclosure import national_release

#: the nice numbers the viewer's grid ends on (times powers of ten)
_NICE = (1.0, 2.0, 5.0, 10.0)


def viewer_grid(own_n: int | None, k: int) -> NDArray[np.float64]:
    """40 geometric steps from k to the nice number (1, 2, 5 x 10^j) at or above
    max(20, 2k, 2 x own n): a function of k and the viewer's own n only."""
    need = max(20.0, 2.0 * k, 2.0 * float(own_n or 0))
    exp = np.floor(np.log10(need))
    top = min(m * 10.0**exp for m in _NICE if m * 10.0**exp >= need)
    return np.unique(np.round(np.geomspace(max(k, 1), top, 40)))


def viewer_lines(funnel: Mapping[str, Any], k: int) -> dict[str, list[Json]]:
    """``limits_target`` and ``limits_national`` (exact binomial, 95 % and 99.8 %) of a viewer
    funnel, from its own fields: the target level, the national share (if shown) and own n."""
    grid = viewer_grid((funnel.get("own") or {}).get("n"), k)
    out: dict[str, list[Json]] = {"limits_target": [], "limits_national": []}
    for key, p in (("limits_target", funnel.get("target_level")),
                   ("limits_national", funnel.get("national_share"))):  # fmt: skip
        if p is not None and 0.0 < float(p) < 1.0:
            out[key] = records(funnel_limits(grid, float(p)))
    return out


def national_view(
    core: Core, t: Target, period: str, k: int, min_associations: int
) -> dict[str, Json]:
    """Per association with a cell in this target and half-year: the national fields it may
    see (``min_associations``, ``national_n``, ``national_share``, ``national_reason``)."""
    cells = core.cells[t.index]
    cells = cells[cells["period"] == period]
    names = [str(a) for a in cells["association"]]
    n = cells["n"].to_numpy(dtype=np.int64)
    y = cells["successes"].to_numpy(dtype=np.float64)
    y = np.nan_to_num(y).astype(np.int64)
    release = national_release(n, y, k=k, min_units=min_associations)
    total_n, total_y = int(n.sum()), int(y.sum())
    out: dict[str, Json] = {}
    for i, name in enumerate(names):
        shown = bool(release.successes_shown[i]) and total_n > 0
        out[name] = {
            "min_associations": min_associations,
            "national_n": total_n if shown else None,
            "national_share": total_y / total_n if shown else None,
            "national_reason": None if shown else release.reason[i],
        }
    return out
