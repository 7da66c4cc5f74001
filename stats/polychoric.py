"""Polychoric correlations (two-step maximum likelihood), vectorised over item pairs and groups.

Model: an ordinal item is a cut normal variable, x = c when tau_{c-1} < z <= tau_c. Step one
takes each item's thresholds from its own marginal proportions, tau_c = Phi^-1(cum. share), as
psych::polychoric does. Step two maximises sum_ab n_ab log pi_ab(rho) for every pair, with
pi_ab = Phi2(tau_a, tau_b) - Phi2(tau_a-1, tau_b) - Phi2(tau_a, tau_b-1) + Phi2(tau_a-1, tau_b-1),
by Fisher scoring (d Phi2 / d rho is the bivariate normal density), all pairs at once.
No continuity correction is applied (psych adds 0.5 to empty cells by default; we do not).

Missing data: ``pairwise`` uses, for each pair, the rows where both items are answered, and for
the thresholds every answer to the item; ``listwise`` uses complete rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from stats.moments import Missing

FloatArray = NDArray[np.float64]
_G = TypeVar("_G", np.float64, np.bool_)
_BIG = 10.0  # stands in for +-infinity: Phi(10) = 1 - 7.6e-24
_GL_X, _GL_W = np.polynomial.legendre.leggauss(48)


def _phi(x: FloatArray) -> FloatArray:
    return np.asarray(special.ndtr(x))


def bivariate_normal_cdf(h: ArrayLike, k: ArrayLike, rho: ArrayLike) -> FloatArray:
    """P(Z1 <= h, Z2 <= k) for standard bivariate normal with correlation rho (broadcast).

    Phi2 = Phi(h) Phi(k) + 1/(2 pi) int_0^asin(rho) exp(-(h^2 + k^2 - 2 h k sin t) / (2 cos^2 t)) dt
    (Sheppard's formula), integrated with 48-point Gauss-Legendre on two panels; accurate to
    ~1e-12 for |rho| <= 0.99. Infinite limits are fine.
    """
    hh = np.clip(np.asarray(h, dtype=np.float64), -_BIG, _BIG)
    kk = np.clip(np.asarray(k, dtype=np.float64), -_BIG, _BIG)
    r = np.asarray(rho, dtype=np.float64)
    hh, kk, r = np.broadcast_arrays(hh, kk, r)
    top = np.arcsin(np.clip(r, -1.0, 1.0))
    total = np.zeros(hh.shape)
    # two panels: the integrand is steepest near asin(rho)
    for lo_f, hi_f in ((0.0, 0.7), (0.7, 1.0)):
        a = top * lo_f
        b = top * hi_f
        half = (b - a) / 2.0
        t = a[..., None] + half[..., None] * (_GL_X + 1.0)
        s = np.sin(t)
        c2 = 1.0 - s * s
        e = np.exp(-(hh[..., None] ** 2 + kk[..., None] ** 2 - 2.0 * hh[..., None] * kk[..., None]
                     * s) / (2.0 * c2))  # fmt: skip
        total += half * (e @ _GL_W)
    return np.asarray(_phi(hh) * _phi(kk) + total / (2.0 * np.pi))


def bivariate_normal_pdf(h: ArrayLike, k: ArrayLike, rho: ArrayLike) -> FloatArray:
    hh = np.clip(np.asarray(h, dtype=np.float64), -_BIG, _BIG)
    kk = np.clip(np.asarray(k, dtype=np.float64), -_BIG, _BIG)
    r = np.asarray(rho, dtype=np.float64)
    om = 1.0 - r * r
    q = (hh * hh - 2.0 * r * hh * kk + kk * kk) / (2.0 * om)
    return np.asarray(np.exp(-q) / (2.0 * np.pi * np.sqrt(om)))


def thresholds_from_counts(counts: ArrayLike) -> FloatArray:
    """Thresholds (..., C + 1) with -BIG / +BIG ends from category counts (..., C)."""
    c = np.asarray(counts, dtype=np.float64)
    tot = c.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cum = np.cumsum(c, axis=-1)[..., :-1] / tot
    inner = np.clip(special.ndtri(np.clip(cum, 0.0, 1.0)), -_BIG, _BIG)
    lo = np.full((*c.shape[:-1], 1), -_BIG)
    hi = np.full((*c.shape[:-1], 1), _BIG)
    return np.concatenate([lo, inner, hi], axis=-1)


def _cell_probs(ta: FloatArray, tb: FloatArray, rho: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Cell probabilities and their rho-derivatives for tables (P, Ca, Cb)."""
    h = ta[:, :, None]
    k = tb[:, None, :]
    r = rho[:, None, None]
    big_f = bivariate_normal_cdf(h, k, r)
    dens = bivariate_normal_pdf(h, k, r)
    # zero the density on the infinite edges (Phi2 does not depend on rho there)
    edge = (np.abs(h) >= _BIG) | (np.abs(k) >= _BIG)
    dens = np.where(edge, 0.0, dens)
    pi = big_f[:, 1:, 1:] - big_f[:, :-1, 1:] - big_f[:, 1:, :-1] + big_f[:, :-1, :-1]
    dpi = dens[:, 1:, 1:] - dens[:, :-1, 1:] - dens[:, 1:, :-1] + dens[:, :-1, :-1]
    return np.maximum(pi, 0.0), dpi


def _loglik(tables: FloatArray, pi: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(tables > 0, tables * np.log(pi), 0.0)
    return np.asarray(term.sum(axis=(1, 2)))


_BOUND = 0.99999  # |rho| is searched in [-_BOUND, _BOUND]
_GOLD = (np.sqrt(5.0) - 1.0) / 2.0
# cells with a probability below this are at the rounding noise of the Phi2 differences: left
# out of the information (dpi^2 / pi of noise blew it up and froze scoring short of the maximum)
_PI_FLOOR = 1e-12


@dataclass(frozen=True)
class PolychoricFit:
    """ML estimates for a stack of tables: ``rho``, ``se``, and per table whether the maximum
    was found (``converged``) and whether it lies on the edge of the search range
    (``boundary``: |rho| = 0.99999, the likelihood still rising towards +-1; the SE is then
    not meaningful)."""

    rho: FloatArray
    se: FloatArray
    converged: NDArray[np.bool_]
    boundary: NDArray[np.bool_]


def _golden_max(t: FloatArray, ta: FloatArray, tb: FloatArray, iters: int = 60) -> FloatArray:
    """Maximise the log-likelihood in rho for every table: a 41-point grid on the whole range
    picks the bracket, then golden-section search narrows it to ~1e-13 (all tables at once)."""
    grid = np.linspace(-_BOUND, _BOUND, 41)
    p = t.shape[0]
    ll = np.stack([_loglik(t, _cell_probs(ta, tb, np.full(p, g))[0]) for g in grid], axis=1)
    best = np.argmax(ll, axis=1)
    a = grid[np.maximum(best - 1, 0)]
    b = grid[np.minimum(best + 1, grid.size - 1)]

    def f(r: FloatArray) -> FloatArray:
        return _loglik(t, _cell_probs(ta, tb, r)[0])

    c = b - _GOLD * (b - a)
    d = a + _GOLD * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iters):
        left = fc >= fd  # the maximum is in [a, d]
        a = np.where(left, a, c)
        b = np.where(left, d, b)
        new = np.where(left, b - _GOLD * (b - a), a + _GOLD * (b - a))
        fn = f(new)
        c, d = np.where(left, new, d), np.where(left, c, new)
        fc, fd = np.where(left, fn, fd), np.where(left, fc, fn)
    return np.asarray((a + b) / 2.0)


def polychoric_fit(
    tables: ArrayLike,
    thresholds_a: ArrayLike | None = None,
    thresholds_b: ArrayLike | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> PolychoricFit:
    """ML polychoric rho, SE and convergence for a stack of contingency tables (P, Ca, Cb).

    Fisher scoring with step halving first (fast, all tables at once). A table whose scoring
    step at the end is still above 1e-7 (typically a small table with its maximum near +-1,
    where scoring stalls in step halving short of the maximum) is maximised again by a grid and
    golden-section search over the whole range, which needs no derivatives; the larger of the
    two likelihoods wins. ``converged`` is False only if neither reached a maximum.
    Thresholds (P, Ca + 1) / (P, Cb + 1) default to the tables' own margins.
    """
    t = np.asarray(tables, dtype=np.float64)
    if t.ndim == 2:
        t = t[None]
    ta = thresholds_from_counts(t.sum(axis=2)) if thresholds_a is None else np.asarray(
        thresholds_a, dtype=np.float64)  # fmt: skip
    tb = thresholds_from_counts(t.sum(axis=1)) if thresholds_b is None else np.asarray(
        thresholds_b, dtype=np.float64)  # fmt: skip
    n = t.sum(axis=(1, 2))
    # start from the correlation of the category scores
    ia = np.arange(t.shape[1], dtype=np.float64)
    ib = np.arange(t.shape[2], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ma = (t.sum(2) @ ia) / n
        mb = (t.sum(1) @ ib) / n
        va = (t.sum(2) @ ia**2) / n - ma**2
        vb = (t.sum(1) @ ib**2) / n - mb**2
        cab = np.einsum("pab,a,b->p", t, ia, ib) / n - ma * mb
        rho = np.nan_to_num(np.clip(cab / np.sqrt(va * vb), -0.95, 0.95))
    pi, dpi = _cell_probs(ta, tb, rho)
    ll = _loglik(t, pi)
    for _ in range(max_iter):
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(t > 0, t * dpi / pi, 0.0).sum(axis=(1, 2))
            info = n * np.where(pi > _PI_FLOOR, dpi * dpi / pi, 0.0).sum(axis=(1, 2))
            step = np.nan_to_num(score / info)
        step = np.clip(step, -0.5, 0.5)
        new = np.clip(rho + step, -_BOUND, _BOUND)
        pi_new, dpi_new = _cell_probs(ta, tb, new)
        ll_new = _loglik(t, pi_new)
        # step halving where the likelihood went down
        for _h in range(30):
            worse = ll_new < ll - 1e-12
            if not worse.any():
                break
            new = np.where(worse, (new + rho) / 2.0, new)
            pi_w, dpi_w = _cell_probs(ta[worse], tb[worse], new[worse])
            pi_new[worse], dpi_new[worse] = pi_w, dpi_w
            ll_new[worse] = _loglik(t[worse], pi_w)
        delta = np.abs(new - rho)
        rho, pi, dpi, ll = new, pi_new, dpi_new, ll_new
        if np.all(delta < tol):
            break
    # converged = the Newton (scoring) step at the final rho is negligible; a small *taken*
    # step is no evidence (step halving shrinks it where scoring overshoots)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(t > 0, t * dpi / pi, 0.0).sum(axis=(1, 2))
        info = n * np.where(pi > _PI_FLOOR, dpi * dpi / pi, 0.0).sum(axis=(1, 2))
        proposed = np.abs(np.nan_to_num(score / info))
    edge = np.abs(rho) >= _BOUND - 1e-12
    converged = (proposed < 1e-7) | (edge & (score * rho > 0))
    slow = np.flatnonzero(~converged & np.isfinite(ll))
    if slow.size:
        alt = _golden_max(t[slow], ta[slow], tb[slow])
        pi_a, dpi_a = _cell_probs(ta[slow], tb[slow], alt)
        ll_a = _loglik(t[slow], pi_a)
        better = ll_a >= ll[slow]
        take = slow[better]
        rho[take], pi[take], dpi[take] = alt[better], pi_a[better], dpi_a[better]
        converged[slow] = True  # the bracketing search always ends at a maximum in range
    boundary = np.abs(rho) >= _BOUND - 1e-9
    with np.errstate(divide="ignore", invalid="ignore"):
        info = n * np.where(pi > _PI_FLOOR, dpi * dpi / pi, 0.0).sum(axis=(1, 2))
        se = 1.0 / np.sqrt(info)
    return PolychoricFit(rho=rho, se=se, converged=converged, boundary=boundary)


def polychoric_tables(
    tables: ArrayLike,
    thresholds_a: ArrayLike | None = None,
    thresholds_b: ArrayLike | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> tuple[FloatArray, FloatArray]:
    """ML polychoric rho and its SE for a stack of contingency tables (P, Ca, Cb); see
    :func:`polychoric_fit` (which also says which tables converged or hit the boundary)."""
    fit = polychoric_fit(tables, thresholds_a, thresholds_b, tol=tol, max_iter=max_iter)
    return fit.rho, fit.se


@dataclass(frozen=True)
class Polychoric:
    """Correlation matrix (k, k), SEs, thresholds per item (k, C - 1), pairwise n (k, k);
    ``converged`` / ``boundary`` per pair as in :class:`PolychoricFit` (diagonal True/False)."""

    matrix: FloatArray
    se: FloatArray
    thresholds: FloatArray
    n: FloatArray
    categories: FloatArray
    converged: NDArray[np.bool_]
    boundary: NDArray[np.bool_]


def _onehot_tables(
    x: FloatArray, cats: FloatArray, missing: Missing
) -> tuple[FloatArray, FloatArray]:
    """All pair tables (k, k, C, C) from one Gram product of the one-hot coded answers, and
    item category counts (k, C) for the thresholds."""
    _n, k = x.shape
    c = cats.size
    if missing == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
    onehot = (x[:, :, None] == cats[None, None, :]).reshape(x.shape[0], k * c).astype(np.float32)
    gram = (onehot.T @ onehot).astype(np.float64).reshape(k, c, k, c).transpose(0, 2, 1, 3)
    counts = onehot.sum(axis=0, dtype=np.float64).reshape(k, c)
    return gram, counts


def _sym(k: int, upper: NDArray[_G], diag: float | bool) -> NDArray[_G]:
    iu = np.triu_indices(k, 1)
    m = np.full((k, k), diag, dtype=upper.dtype)
    m[iu] = upper
    m[(iu[1], iu[0])] = upper
    return m


def _poly_from_tables(tables: FloatArray, counts: FloatArray) -> Polychoric:
    k = tables.shape[0]
    iu = np.triu_indices(k, 1)
    th = thresholds_from_counts(counts)
    fit = polychoric_fit(tables[iu], th[iu[0]], th[iu[1]])
    return Polychoric(
        matrix=_sym(k, fit.rho, 1.0),
        se=_sym(k, fit.se, 0.0),
        thresholds=th[:, 1:-1],
        n=tables.sum(axis=(2, 3)),
        categories=np.zeros(0),
        converged=_sym(k, fit.converged, True),
        boundary=_sym(k, fit.boundary, False),
    )


def polychoric(
    data: ArrayLike, *, missing: Missing = "pairwise", categories: ArrayLike | None = None
) -> Polychoric:
    """Polychoric correlation matrix of ordinal items (rows = questionnaires, NaN = missing).

    ``categories`` are the scale points (default: every value seen). Under ``listwise`` the
    thresholds also come from the complete rows.
    """
    x = np.asarray(data.to_numpy(dtype=np.float64, na_value=np.nan)
                   if hasattr(data, "to_numpy") else data, dtype=np.float64)  # fmt: skip
    cats = np.unique(x[~np.isnan(x)]) if categories is None else np.asarray(categories, float)
    tables, counts = _onehot_tables(x, cats, missing)
    return replace(_poly_from_tables(tables, counts), categories=cats)


def polychoric_grouped(
    xs: FloatArray, starts: NDArray[np.int64], *, missing: Missing = "pairwise"
) -> FloatArray:
    """Polychoric matrices (G, k, k) for group-sorted rows ``xs`` with boundaries ``starts``.

    Tables come from one one-hot Gram product per group; the ML step runs on all pairs of all
    groups at once.
    """
    finite = xs[~np.isnan(xs)]
    cats = np.unique(finite)
    g_n = len(starts) - 1
    k = xs.shape[1]
    iu = np.triu_indices(k, 1)
    all_t, th_a, th_b = [], [], []
    for g in range(g_n):
        tables, counts = _onehot_tables(xs[starts[g] : starts[g + 1]], cats, missing)
        th = thresholds_from_counts(counts)
        all_t.append(tables[iu])
        th_a.append(th[iu[0]])
        th_b.append(th[iu[1]])
    rho, _ = polychoric_tables(np.concatenate(all_t), np.concatenate(th_a), np.concatenate(th_b))
    out = np.repeat(np.eye(k)[None], g_n, axis=0)
    rr = rho.reshape(g_n, -1)
    out[:, iu[0], iu[1]] = rr
    out[:, iu[1], iu[0]] = rr
    return out
