"""One-factor model fitted by minres (unweighted least squares), batched over groups.

Minimises sum_{i != j} (r_ij - l_i l_j)^2, the psych ``fa(fm = "minres")`` criterion, which
is also the fixed point of iterated principal-axis factoring. With A = R minus its diagonal and
S = sum_j l_j^2, the gradient vanishes where

    f(l) = A l - (S - l^2) * l = 0    (elementwise product),

i.e. l_i = sum_{j != i} r_ij l_j / sum_{j != i} l_j^2. A few damped fixed-point steps of that
equation bring every group near the solution; Newton's method on f (Jacobian
J = A - diag(S - 3 l^2) - 2 l l^T, one batched solve per step) then converges quadratically.
Heywood cases (the warm start has loadings capped at +-1) get a second Newton solve with those
loadings held at +-1. Groups where Newton does not settle inside [-1, 1], or settles on a worse
stationary point, continue with the damped fixed-point iteration, loadings capped at 1 in
absolute value (uniqueness 0). Two items do not identify the factor: l1 = l2 = sqrt(r12) (where
the symmetric iteration goes), NaN when r12 <= 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_WARM_STEPS = 25
_NEWTON_STEPS = 30


def _fixed_point_step(a: NDArray[np.float64], cur: NDArray[np.float64]) -> NDArray[np.float64]:
    num = np.einsum("gij,gj->gi", a, cur)
    den = (cur * cur).sum(axis=-1)[:, None] - cur * cur
    with np.errstate(invalid="ignore", divide="ignore"):
        new = num / den
    # half step damping keeps the simultaneous update from oscillating
    return np.asarray(np.clip(0.5 * (new + cur), -1.0, 1.0))


def _newton(
    a: NDArray[np.float64],
    start: NDArray[np.float64],
    tol: float,
    fixed: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Newton iterations from ``start``; (loadings, converged inside [-1, 1]) per group.
    ``fixed`` marks loadings held at their start value (Heywood loadings capped at +-1): their
    rows and columns of the system are replaced by the identity, so their step is 0."""
    k = a.shape[-1]
    eye = np.eye(k)
    hold = np.zeros(start.shape, dtype=bool) if fixed is None else fixed
    cur = start.copy()
    done = np.zeros(len(cur), dtype=bool)
    for _ in range(_NEWTON_STEPS):
        sq = cur * cur
        s = sq.sum(axis=-1, keepdims=True)
        f = np.einsum("gij,gj->gi", a, cur) - (s - sq) * cur
        jac = a - eye * (s - 3.0 * sq)[:, None, :] - 2.0 * cur[:, :, None] * cur[:, None, :]
        if fixed is not None:
            free = ~hold
            jac = np.where(free[:, :, None] & free[:, None, :], jac, eye)
            f = np.where(free, f, 0.0)
        with np.errstate(all="ignore"):
            try:
                step = np.linalg.solve(jac, f[..., None])[..., 0]
            except np.linalg.LinAlgError:  # some group singular: solve one by one
                step = np.stack([_solve_or_nan(j, v) for j, v in zip(jac, f, strict=True)])
        cur = cur - step
        with np.errstate(invalid="ignore"):
            done = np.abs(step).max(axis=-1) < tol
        if done.all() or not np.isfinite(cur).any():
            break
    ok = done & np.isfinite(cur).all(axis=-1) & (np.abs(cur).max(axis=-1) <= 1.0)
    return cur, ok


def _misfit(a: NDArray[np.float64], lam: NDArray[np.float64]) -> NDArray[np.float64]:
    """The minres criterion sum_{i != j} (r_ij - l_i l_j)^2 per group."""
    fitted = lam[:, :, None] * lam[:, None, :]
    k = lam.shape[-1]
    fitted[:, np.arange(k), np.arange(k)] = 0.0
    return np.asarray(((a - fitted) ** 2).sum(axis=(-2, -1)))


def _solve_or_nan(jac: NDArray[np.float64], f: NDArray[np.float64]) -> NDArray[np.float64]:
    try:
        return np.asarray(np.linalg.solve(jac, f))
    except np.linalg.LinAlgError:
        return np.full_like(f, np.nan)


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
    for _ in range(_WARM_STEPS):
        l0 = _fixed_point_step(a, l0)
    if k == 2:
        # Two items do not identify a factor (any l1 l2 = r12 fits exactly); the iteration's
        # symmetric start stays symmetric and converges to l1 = l2 = sqrt(r12). With r12 <= 0
        # no such solution exists: NaN (an omega for two opposed items means nothing).
        r12 = a[:, 0, 1]
        with np.errstate(invalid="ignore"):
            root = np.where(r12 > 0, np.sqrt(np.where(r12 > 0, r12, 0.0)), np.nan)
        lam[ok] = np.stack([root, root], axis=-1)
        return lam[0] if single else lam
    # Newton may land on another stationary point: its result is kept only where it fits at
    # least as well as the warm start it came from.
    solved, converged = _newton(a, l0, tol)
    with np.errstate(invalid="ignore"):
        converged &= _misfit(a, solved) <= _misfit(a, l0) + 1e-12
    out = np.where(converged[:, None], solved, l0)
    # Heywood cases: hold the loadings the warm start capped at +-1 and solve for the rest.
    capped = ~converged & (np.abs(l0) >= 1.0).any(axis=-1)
    if capped.any():
        idx = np.flatnonzero(capped)
        held, ok_held = _newton(a[idx], l0[idx], tol, fixed=np.abs(l0[idx]) >= 1.0)
        with np.errstate(invalid="ignore"):
            ok_held &= _misfit(a[idx], held) <= _misfit(a[idx], l0[idx]) + 1e-12
        out[idx[ok_held]] = held[ok_held]
        converged[idx[ok_held]] = True
    # The rest (Heywood cases, degenerate matrices) iterate the damped fixed point until their
    # own change is below tol.
    active = np.flatnonzero(~converged)
    aa, cur = a[active], l0[active]
    for _ in range(max_iter - _WARM_STEPS):
        if active.size == 0:
            break
        new = _fixed_point_step(aa, cur)
        with np.errstate(invalid="ignore"):
            change = np.abs(new - cur).max(axis=-1)
        out[active] = new
        going = change >= tol  # NaN (degenerate) groups stop too
        active, aa, cur = active[going], aa[going], new[going]
    # orient so that the loadings are mostly positive
    flip = np.where(out.sum(axis=-1) < 0, -1.0, 1.0)
    lam[ok] = out * flip[:, None]
    return lam[0] if single else lam
