"""One-factor confirmatory factor analysis by maximum likelihood, with fit indices.

semopy breaks on numpy 2, so the fit is our own: minimise
F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - k, Sigma = l l' + diag(psi), over l and log psi
(L-BFGS-B, analytic gradient). S may be a covariance, Pearson or polychoric correlation matrix
(ML on a polychoric matrix gives consistent estimates; its chi-square is then only approximate).

chi2 = (N - 1) F_ML on df = k(k+1)/2 - 2k; baseline (independence) chi2_b = (N - 1) F_b,
F_b = sum log s_jj - log|S|, df_b = k(k-1)/2.
CFI = 1 - max(chi2 - df, 0) / max(chi2_b - df_b, chi2 - df, 0);
TLI = (chi2_b/df_b - chi2/df) / (chi2_b/df_b - 1);
RMSEA = sqrt(max(chi2 - df, 0) / (df (N - 1))), CI by inverting the noncentral chi-square;
SRMR = sqrt(mean over j <= l of ((s_jl - sigma_jl) / sqrt(s_jj s_ll))^2).
The (N - 1) convention is the Wishart likelihood (lavaan's default uses N).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy import stats as sps

from stats.factor import one_factor_minres


@dataclass(frozen=True)
class OneFactorFit:
    loadings: NDArray[np.float64]
    uniquenesses: NDArray[np.float64]
    standardised_loadings: NDArray[np.float64]
    n: int
    chi2: float
    df: int
    p_value: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_low: float
    rmsea_high: float
    srmr: float
    converged: bool


def _rmsea_ci(chi2: float, df: int, n: int, level: float) -> tuple[float, float]:
    def solve(target: float) -> float:
        f = lambda lam: sps.ncx2.cdf(chi2, df, lam) - target  # noqa: E731
        if f(1e-10) < 0:
            return 0.0
        hi = max(chi2, 1.0)
        while f(hi) > 0:
            hi *= 2
        return float(optimize.brentq(f, 1e-10, hi))

    lam_lo = solve((1 + level) / 2)
    lam_hi = solve((1 - level) / 2)
    return float(np.sqrt(lam_lo / (df * (n - 1)))), float(np.sqrt(lam_hi / (df * (n - 1))))


def cfa_one_factor(s: ArrayLike, n: int, *, level: float = 0.90) -> OneFactorFit:
    """Fit a one-factor model to a k x k covariance/correlation matrix from n questionnaires.

    The RMSEA CI level defaults to 90 %, the convention in SEM software. Needs k >= 3 (k = 3 is
    just identified: df = 0, fit indices are then trivially perfect).
    """
    sm = np.asarray(s, dtype=np.float64)
    k = sm.shape[0]
    if k < 3:
        raise ValueError("a one-factor CFA needs at least three items")
    sd = np.sqrt(np.diag(sm))
    r = sm / np.outer(sd, sd)
    l0 = one_factor_minres(r) * sd
    psi0 = np.maximum(np.diag(sm) - l0**2, 0.05 * np.diag(sm))
    _, logdet_s = np.linalg.slogdet(sm)

    def fun(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        lam, psi = theta[:k], np.exp(theta[k:])
        sigma = np.outer(lam, lam) + np.diag(psi)
        inv = np.linalg.inv(sigma)
        _, logdet = np.linalg.slogdet(sigma)
        f = logdet + np.trace(sm @ inv) - logdet_s - k
        delta = inv - inv @ sm @ inv  # dF/dSigma
        g_l = 2 * delta @ lam
        g_p = np.diag(delta) * psi
        return float(f), np.concatenate([g_l, g_p])

    res = optimize.minimize(fun, np.concatenate([l0, np.log(psi0)]), jac=True, method="L-BFGS-B",
                            options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10})  # fmt: skip
    lam, psi = res.x[:k], np.exp(res.x[k:])
    if lam.sum() < 0:
        lam = -lam
    f_ml = max(float(res.fun), 0.0)
    df = k * (k + 1) // 2 - 2 * k
    chi2 = (n - 1) * f_ml
    f_b = float(np.sum(np.log(np.diag(sm))) - logdet_s)
    chi2_b = (n - 1) * f_b
    df_b = k * (k - 1) // 2
    num = max(chi2 - df, 0.0)
    cfi = 1.0 - num / max(chi2_b - df_b, num, 1e-300)
    tli = (chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1.0) if df > 0 else float("nan")
    rmsea = float(np.sqrt(num / (df * (n - 1)))) if df > 0 else 0.0
    lo, hi = _rmsea_ci(chi2, df, n, level) if df > 0 else (0.0, 0.0)
    sigma = np.outer(lam, lam) + np.diag(psi)
    resid = (sm - sigma) / np.outer(sd, sd)
    iu = np.triu_indices(k)
    srmr = float(np.sqrt(np.mean(resid[iu] ** 2)))
    p_value = float(sps.chi2.sf(chi2, df)) if df > 0 else float("nan")
    return OneFactorFit(
        loadings=lam,
        uniquenesses=psi,
        standardised_loadings=lam / sd,
        n=n,
        chi2=chi2,
        df=df,
        p_value=p_value,
        cfi=cfi,
        tli=tli,
        rmsea=rmsea,
        rmsea_low=lo,
        rmsea_high=hi,
        srmr=srmr,
        converged=bool(res.success),
    )
