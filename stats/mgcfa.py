"""Multi-group confirmatory factor analysis by maximum likelihood, with equality constraints
across groups (loadings, intercepts): the model behind measurement invariance.

Model per group g (p items, m factors, ``pattern`` p x m says which item loads on which factor):

    y = nu_g + Lambda_g eta + eps,  eta ~ (alpha_g, Phi_g),  eps ~ (0, diag(theta_g))
    Sigma_g = Lambda_g Phi_g Lambda_g' + diag(theta_g),  mu_g = nu_g + Lambda_g alpha_g

Identification as lavaan's default: the first item of each factor has loading 1 (marker), factor
(co)variances are free in every group; latent means are 0, except when intercepts are equal,
where they are free in every group but the first.

Fit function (lavaan ``estimator = "ML"``, ``likelihood = "normal"``): S_g and the means m_g
use the N_g divisor, and

    F_g = log|Sigma_g| + tr(S_g Sigma_g^-1) - log|S_g| - p + (m_g - mu_g)' Sigma_g^-1 (m_g - mu_g)
    chi2 = sum_g N_g F_g

minimised with an analytic gradient (L-BFGS). Baseline (independence) model: free means and
variances per group, chi2_b = sum_g N_g (sum_j log s_jj - log|S_g|), df_b = G p (p - 1) / 2.
CFI and TLI as usual; RMSEA = sqrt(max(chi2 - df, 0) / (df N)) sqrt(G) (lavaan's multi-group
form), 90 % CI from the noncentral chi-square; SRMR (Bentler, with the mean residuals, as
lavaan's ``srmr`` under a mean structure), averaged over groups with weights N_g / N.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy import stats as sps

from stats.factor import one_factor_minres
from stats.moments import moments_grouped

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
EQUAL_CHOICES = ("loadings", "intercepts")


@dataclass(frozen=True)
class GroupData:
    """Sufficient statistics per group: covariance (G, p, p, N divisor), means (G, p), n (G,)."""

    cov: FloatArray
    means: FloatArray
    n: FloatArray


@dataclass(frozen=True)
class MultiGroupFit:
    """One multi-group CFA. Parameter arrays are per group: ``loadings`` (G, p, m),
    ``intercepts`` (G, p), ``residuals`` (G, p), ``factor_cov`` (G, m, m), ``factor_means``
    (G, m)."""

    equal: tuple[str, ...]
    free_loadings: tuple[int, ...]
    free_intercepts: tuple[int, ...]
    n: FloatArray
    chi2: float
    df: int
    p_value: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_low: float
    rmsea_high: float
    srmr: float
    chi2_baseline: float
    df_baseline: int
    npar: int
    loadings: FloatArray
    intercepts: FloatArray
    residuals: FloatArray
    factor_cov: FloatArray
    factor_means: FloatArray
    converged: bool


def group_data(values: ArrayLike, groups: ArrayLike) -> tuple[GroupData, NDArray[np.generic]]:
    """Per-group means and N-divisor covariances of the complete rows (listwise, lavaan's
    default), and the group labels in sorted order, from one grouped-moments pass
    (:func:`stats.moments.moments_grouped`)."""
    x = np.asarray(values, dtype=np.float64)
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    m = moments_grouped(x, codes.astype(np.int64), labels.size, missing="listwise")
    n = m.n_complete.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = m.cov() * ((n - 1.0) / n)[:, None, None]
    return GroupData(cov=np.asarray(cov, np.float64), means=m.means(), n=n), labels


class _Spec:
    """Index arrays mapping the parameter vector onto the per-group matrices (-1 = fixed)."""

    def __init__(
        self,
        g_n: int,
        pattern: NDArray[np.bool_],
        equal: Sequence[str],
        free_loadings: Sequence[int],
        free_intercepts: Sequence[int],
    ) -> None:
        p, m = pattern.shape
        counter = iter(range(10**9))

        def new(shape: tuple[int, ...]) -> IntArray:
            return np.array([next(counter) for _ in range(int(np.prod(shape)))]).reshape(shape)

        marker = pattern.argmax(axis=0)  # first item of each factor
        self.lam_fix = np.zeros((g_n, p, m))
        self.lam_fix[:, marker, np.arange(m)] = 1.0
        free = pattern.copy()
        free[marker, np.arange(m)] = False
        self.lam_idx = np.full((g_n, p, m), -1)
        shared = new((p, m))
        for g in range(g_n):
            own = new((p, m))
            for j, f in zip(*np.nonzero(free), strict=True):
                tie = "loadings" in equal and j not in free_loadings
                self.lam_idx[g, j, f] = shared[j, f] if tie else own[j, f]
        tri = np.triu_indices(m)
        self.phi_idx = np.full((g_n, m, m), -1)
        for g in range(g_n):
            ids = new((len(tri[0]),))
            self.phi_idx[g][tri] = ids
            self.phi_idx[g][(tri[1], tri[0])] = ids
        self.theta_idx = new((g_n, p))
        self.nu_idx = np.full((g_n, p), -1)
        shared_nu = new((p,))
        for g in range(g_n):
            own_nu = new((p,))
            for j in range(p):
                tie = "intercepts" in equal and j not in free_intercepts
                self.nu_idx[g, j] = shared_nu[j] if tie else own_nu[j]
        self.alpha_idx = np.full((g_n, m), -1)
        if "intercepts" in equal:
            self.alpha_idx[1:] = new((g_n - 1, m))
        # renumber the parameters actually used as 0..npar-1
        used = np.unique(np.concatenate([a[a >= 0].ravel() for a in self._all()]))
        remap = np.full(int(used.max()) + 1 if used.size else 1, -1)
        remap[used] = np.arange(used.size)
        for name in ("lam_idx", "phi_idx", "theta_idx", "nu_idx", "alpha_idx"):
            a = getattr(self, name)
            setattr(self, name, np.where(a >= 0, remap[np.maximum(a, 0)], -1))
        self.npar = int(used.size)

    def _all(self) -> list[IntArray]:
        return [self.lam_idx, self.phi_idx, self.theta_idx, self.nu_idx, self.alpha_idx]

    @staticmethod
    def fill(idx: IntArray, fixed: FloatArray | float, theta: FloatArray) -> FloatArray:
        base = np.broadcast_to(np.asarray(fixed, dtype=np.float64), idx.shape)
        return np.where(idx >= 0, theta[np.maximum(idx, 0)], base)

    def grad(self, idx: IntArray, d: FloatArray) -> FloatArray:
        sel = idx >= 0
        return np.asarray(np.bincount(idx[sel], weights=d[sel], minlength=self.npar), np.float64)


def _objective(
    theta: FloatArray, spec: _Spec, data: GroupData, logdet_s: FloatArray
) -> tuple[float, FloatArray]:
    lam = spec.fill(spec.lam_idx, spec.lam_fix, theta)
    phi = spec.fill(spec.phi_idx, 0.0, theta)
    psi = spec.fill(spec.theta_idx, 0.0, theta)
    nu = spec.fill(spec.nu_idx, 0.0, theta)
    alpha = spec.fill(spec.alpha_idx, 0.0, theta)
    p = lam.shape[1]
    sigma = lam @ phi @ np.swapaxes(lam, -1, -2) + psi[:, :, None] * np.eye(p)
    sign, logdet = np.linalg.slogdet(sigma)
    if np.any(sign <= 0):
        return 1e10, np.zeros_like(theta)
    inv = np.linalg.inv(sigma)
    d = data.means - nu - np.einsum("gpm,gm->gp", lam, alpha)
    pd_ = np.einsum("gij,gj->gi", inv, d)
    w = data.n / data.n.sum()
    f_g = (
        logdet
        + np.einsum("gij,gji->g", data.cov, inv)
        - logdet_s
        - p
        + np.einsum("gi,gi->g", d, pd_)
    )
    f = float(w @ f_g)
    outer = data.cov + d[:, :, None] * d[:, None, :]
    big_w = (inv - inv @ outer @ inv) * w[:, None, None]  # dF/dSigma per group
    g_mu = -2.0 * pd_ * w[:, None]  # dF/dmu
    g_lam = 2.0 * big_w @ lam @ phi + g_mu[:, :, None] * alpha[:, None, :]
    g_phi = np.swapaxes(lam, -1, -2) @ big_w @ lam
    g_psi = np.diagonal(big_w, axis1=-2, axis2=-1)
    g_alpha = np.einsum("gpm,gp->gm", lam, g_mu)
    grad = (
        spec.grad(spec.lam_idx, g_lam)
        + spec.grad(spec.phi_idx, g_phi)
        + spec.grad(spec.theta_idx, g_psi)
        + spec.grad(spec.nu_idx, g_mu)
        + spec.grad(spec.alpha_idx, g_alpha)
    )
    return f, grad


def _start(spec: _Spec, data: GroupData, pattern: NDArray[np.bool_]) -> FloatArray:
    """Start values from a one-factor minres fit per factor on the pooled correlations."""
    p, m = pattern.shape
    w = data.n / data.n.sum()
    pooled = np.einsum("g,gij->ij", w, data.cov)
    sd = np.sqrt(np.diag(pooled))
    r = pooled / np.outer(sd, sd)
    lam_s = np.zeros((p, m))
    for f in range(m):
        items = np.flatnonzero(pattern[:, f])
        if items.size >= 3:
            lam_s[items, f] = one_factor_minres(r[np.ix_(items, items)][None])[0]
        else:
            lam_s[items, f] = 0.7
    lam_raw = lam_s * sd[:, None]
    marker = pattern.argmax(axis=0)
    scale = lam_raw[marker, np.arange(m)]
    scale = np.where(np.abs(scale) > 1e-3, scale, 1.0)
    theta = np.zeros(spec.npar)

    def put(idx: IntArray, val: FloatArray) -> None:
        sel = idx >= 0
        theta[idx[sel]] = np.broadcast_to(val, idx.shape)[sel]

    g_n = data.n.size
    put(spec.lam_idx, np.broadcast_to(lam_raw / scale, (g_n, p, m)))
    put(spec.phi_idx, np.broadcast_to(np.diag(scale**2), (g_n, m, m)))
    resid = np.diagonal(data.cov, axis1=-2, axis2=-1) - (lam_raw**2).sum(axis=1)
    put(spec.theta_idx, np.maximum(resid, 0.2 * np.diagonal(data.cov, axis1=-2, axis2=-1)))
    put(spec.nu_idx, np.broadcast_to(np.einsum("g,gp->p", w, data.means), (g_n, p)))
    return theta


def _rmsea_ci(chi2: float, df: int, n: float, g_n: int, level: float) -> tuple[float, float]:
    def solve(target: float) -> float:
        def f(lam: float) -> float:
            return float(sps.ncx2.cdf(chi2, df, lam) - target)

        if sps.chi2.cdf(chi2, df) < target:
            return 0.0
        hi = max(chi2, 1.0)
        while f(hi) > 0:
            hi *= 2
        return float(optimize.brentq(f, 1e-12, hi, xtol=1e-12))

    lo, hi = solve((1 + level) / 2), solve((1 - level) / 2)
    return (
        float(np.sqrt(lo / (df * n)) * np.sqrt(g_n)),
        float(np.sqrt(hi / (df * n)) * np.sqrt(g_n)),
    )


def cfa_multigroup(
    data: GroupData,
    pattern: ArrayLike | None = None,
    *,
    equal: Sequence[str] = (),
    free_loadings: Sequence[int] = (),
    free_intercepts: Sequence[int] = (),
    level: float = 0.90,
) -> MultiGroupFit:
    """Fit the multi-group CFA to per-group statistics (see :func:`group_data`).

    ``pattern`` (p x m, truthy where the item loads; default one factor), ``equal`` a subset of
    ("loadings", "intercepts") held equal across groups (lavaan ``group.equal``), with
    ``free_loadings`` / ``free_intercepts`` item numbers exempted (``group.partial``).
    """
    g_n, p = data.means.shape
    pat = np.ones((p, 1), dtype=bool) if pattern is None else np.asarray(pattern, dtype=bool)
    if pat.shape[0] != p or not pat.any(axis=0).all():
        raise ValueError("pattern must be items x factors with every factor measured")
    bad = set(equal) - set(EQUAL_CHOICES)
    if bad:
        raise ValueError(f"equal takes {EQUAL_CHOICES}, not {sorted(bad)}")
    spec = _Spec(g_n, pat, equal, free_loadings, free_intercepts)
    _, logdet_s = np.linalg.slogdet(data.cov)
    res = optimize.minimize(
        _objective,
        _start(spec, data, pat),
        args=(spec, data, logdet_s),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 20000, "maxcor": 50, "ftol": 1e-16, "gtol": 1e-11},
    )
    theta = res.x
    # L-BFGS may stop at machine precision with an "abnormal" line search: judge by the gradient
    grad = _objective(theta, spec, data, logdet_s)[1]
    converged = bool(res.success) or float(np.abs(grad).max()) < 1e-6
    n_tot = float(data.n.sum())
    f_min = max(float(res.fun), 0.0)
    chi2 = n_tot * f_min
    moments = g_n * (p * (p + 1) // 2 + p)
    df = moments - spec.npar
    diag_s = np.diagonal(data.cov, axis1=-2, axis2=-1)
    chi2_b = float(data.n @ (np.log(diag_s).sum(axis=-1) - logdet_s))
    df_b = g_n * p * (p - 1) // 2
    num = max(chi2 - df, 0.0)
    cfi = 1.0 - num / max(chi2_b - df_b, num, 1e-300)
    tli = (chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1.0) if df > 0 else float("nan")
    rmsea = float(np.sqrt(num / (df * n_tot)) * np.sqrt(g_n)) if df > 0 else 0.0
    lo, hi = _rmsea_ci(chi2, df, n_tot, g_n, level) if df > 0 else (0.0, 0.0)
    lam = spec.fill(spec.lam_idx, spec.lam_fix, theta)
    phi = spec.fill(spec.phi_idx, 0.0, theta)
    psi = spec.fill(spec.theta_idx, 0.0, theta)
    nu = spec.fill(spec.nu_idx, 0.0, theta)
    alpha = spec.fill(spec.alpha_idx, 0.0, theta)
    sigma = lam @ phi @ np.swapaxes(lam, -1, -2) + psi[:, :, None] * np.eye(p)
    mu = nu + np.einsum("gpm,gm->gp", lam, alpha)
    sd = np.sqrt(diag_s)
    rc = (data.cov - sigma) / (sd[:, :, None] * sd[:, None, :])
    rm = (data.means - mu) / sd
    tri = np.tril_indices(p)
    per_group = np.sqrt(
        ((rc[:, tri[0], tri[1]] ** 2).sum(-1) + (rm**2).sum(-1)) / (len(tri[0]) + p)
    )
    srmr = float(data.n @ per_group / n_tot)
    return MultiGroupFit(
        equal=tuple(equal),
        free_loadings=tuple(free_loadings),
        free_intercepts=tuple(free_intercepts),
        n=data.n,
        chi2=chi2,
        df=int(df),
        p_value=float(sps.chi2.sf(chi2, df)) if df > 0 else float("nan"),
        cfi=float(cfi),
        tli=float(tli),
        rmsea=rmsea,
        rmsea_low=lo,
        rmsea_high=hi,
        srmr=srmr,
        chi2_baseline=chi2_b,
        df_baseline=int(df_b),
        npar=spec.npar,
        loadings=lam,
        intercepts=nu,
        residuals=psi,
        factor_cov=phi,
        factor_means=alpha,
        converged=converged,
    )
