"""One-factor model fitted by minres (unweighted least squares), batched over groups.

Minimises sum_{i != j} (r_ij - l_i l_j)^2, the psych ``fa(fm = "minres")`` criterion, which
is also the fixed point of iterated principal-axis factoring. Setting the gradient to zero gives
l_i = sum_{j != i} r_ij l_j / sum_{j != i} l_j^2, iterated here for all groups at once (a
matrix-vector product per step) until the largest change is below ``tol``.
Loadings are capped at 1 in absolute value (a Heywood case gets uniqueness 0).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def one_factor_minres(
    r: NDArray[np.float64], *, tol: float = 1e-12, max_iter: int = 5000
) -> NDArray[np.float64]:
    """Loadings (G, k) of a one-factor minres fit to correlation matrices r (G, k, k) or (k, k).

    Groups whose matrix has non-finite entries get NaN loadings.
    """
    rr = np.asarray(r, dtype=np.float64)
    single = rr.ndim == 2
    if single:
        rr = rr[None]
    g_n, k, _ = rr.shape
    lam = np.full((g_n, k), np.nan)
    ok = np.isfinite(rr).all(axis=(-2, -1))
    if not ok.any() or k < 2:
        return lam[0] if single else lam
    a = rr[ok].copy()
    idx = np.arange(k)
    a[:, idx, idx] = 0.0
    tot = a.sum(axis=(-2, -1))
    l0 = a.sum(axis=-1) / np.sqrt(np.abs(tot))[:, None]
    sign = np.where(tot < 0, -1.0, 1.0)
    l0 = l0 * sign[:, None]
    for _ in range(max_iter):
        num = np.einsum("gij,gj->gi", a, l0)
        den = (l0 * l0).sum(axis=-1)[:, None] - l0 * l0
        with np.errstate(invalid="ignore", divide="ignore"):
            new = num / den
        # half step damping keeps the simultaneous update from oscillating
        new = 0.5 * (new + l0)
        new = np.clip(new, -1.0, 1.0)
        done = np.nanmax(np.abs(new - l0)) < tol
        l0 = new
        if done:
            break
    # orient so that the loadings are mostly positive
    flip = np.where(l0.sum(axis=-1) < 0, -1.0, 1.0)
    lam[ok] = l0 * flip[:, None]
    return lam[0] if single else lam
