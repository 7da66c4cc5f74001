"""Reliability against pingouin, numpy.cov/textbook formulas and hand-worked cases."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as sps

from stats.reliability import alpha_feldt_ci, ordinal_alpha, reliability


def _wide(name):
    d = pg.read_dataset(name)
    if name == "cronbach_alpha":
        d = d.pivot(index="Subj", columns="Items", values="Scores")
    return d


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
@pytest.mark.parametrize("name", ["cronbach_alpha", "cronbach_wide_missing"])
def test_alpha_matches_pingouin(name, policy):
    d = _wide(name)
    ours = reliability(d, missing=policy)
    theirs, ci = pg.cronbach_alpha(d, nan_policy=policy)
    assert ours.alpha == pytest.approx(theirs, abs=1e-9)
    n_rows_pg = d.shape[0]
    if policy == "pairwise":  # same n: pingouin rounds its CI to 3 decimals
        assert ours.scale["n_used"] == n_rows_pg
        assert ours.ci_feldt == pytest.approx(tuple(ci), abs=5.1e-4)
    else:  # pingouin keeps n = all rows under listwise; we use the complete rows
        n_complete = int(d.dropna().shape[0])
        assert ours.scale["n_used"] == n_complete
        lo, hi = alpha_feldt_ci(theirs, n_rows_pg, d.shape[1])
        assert (float(lo), float(hi)) == pytest.approx(tuple(ci), abs=5.1e-4)


def test_pingouin_docstring_values():
    d = _wide("cronbach_wide_missing")
    assert reliability(d).alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert reliability(d, missing="listwise").alpha == pytest.approx(0.8016949152542373, abs=1e-12)


def test_hand_worked_two_items():
    # item variances 1 and 1, covariance 1/2: total variance 3, alpha = 2 (1 - 2/3) = 2/3
    x = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    r = reliability(x)
    assert r.alpha == pytest.approx(2 / 3, abs=1e-14)
    assert r.scale["alpha_std"] == pytest.approx(2 / 3, abs=1e-14)  # equal variances
    assert r.scale["average_r"] == pytest.approx(0.5)
    assert r.scale["signal_noise"] == pytest.approx(2 * 0.5 / 0.5)
    # item-rest correlation with two items is the inter-item r
    assert r.items["r_drop"].to_numpy() == pytest.approx([0.5, 0.5])
    # row means 1, 2.5, 2.5: mean 2, sd sqrt(0.75)
    assert r.scale["mean"] == pytest.approx(2.0)
    assert r.scale["sd"] == pytest.approx(np.sqrt(0.75))
    # Feldt by hand: F quantiles with df (2, 2)
    lo = 1 - (1 - 2 / 3) * sps.f.ppf(0.975, 2, 2)
    hi = 1 - (1 - 2 / 3) * sps.f.ppf(0.025, 2, 2)
    assert r.ci_feldt == pytest.approx((lo, hi))


def _textbook(x):
    """Independent reference on complete data: numpy.cov + psych's printed formulas."""
    c = np.cov(x, rowvar=False)
    r = np.corrcoef(x, rowvar=False)
    k = c.shape[0]
    alpha = k / (k - 1) * (1 - np.trace(c) / c.sum())
    std = k / (k - 1) * (1 - k / r.sum())
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    lam6 = 1 - (k - smc.sum()) / r.sum()
    off = r[~np.eye(k, dtype=bool)]
    total = x.mean(axis=1)
    raw_r = [np.corrcoef(total, x[:, j])[0, 1] for j in range(k)]
    rest_r = [np.corrcoef(x.sum(1) - x[:, j], x[:, j])[0, 1] for j in range(k)]
    q = (2 * k**2 / ((k - 1) ** 2 * c.sum() ** 3)) * (
        c.sum() * (np.trace(c @ c) + np.trace(c) ** 2) - 2 * np.trace(c) * (c @ c).sum()
    )
    return dict(alpha=alpha, std=std, lam6=lam6, av=off.mean(), med=np.median(off),
                var=r[np.tril_indices(k, -1)].var(ddof=1),  # psych >= 2.0: lower triangle
                raw_r=raw_r, rest_r=rest_r, ase=np.sqrt(q / x.shape[0]),
                mean=total.mean(), sd=total.std(ddof=1))  # fmt: skip


@pytest.fixture
def likert():
    rng = np.random.default_rng(7)
    eta = rng.standard_normal(250)
    return np.clip(np.round(3 + 0.9 * eta[:, None] + rng.standard_normal((250, 6))), 1, 5)


def test_complete_data_against_textbook(likert):
    ref = _textbook(likert)
    r = reliability(likert, categories=range(1, 6))
    s = r.scale
    assert s["alpha_raw"] == pytest.approx(ref["alpha"], abs=1e-12)
    assert s["alpha_std"] == pytest.approx(ref["std"], abs=1e-12)
    assert s["lambda6"] == pytest.approx(ref["lam6"], abs=1e-12)
    assert s["average_r"] == pytest.approx(ref["av"], abs=1e-12)
    assert s["median_r"] == pytest.approx(ref["med"], abs=1e-12)
    assert s["var_r"] == pytest.approx(ref["var"], abs=1e-12)
    assert s["ase"] == pytest.approx(ref["ase"], abs=1e-12)
    assert s["mean"] == pytest.approx(ref["mean"], abs=1e-12)
    assert s["sd"] == pytest.approx(ref["sd"], abs=1e-12)
    assert r.items["raw_r"].to_numpy() == pytest.approx(ref["raw_r"], abs=1e-12)
    assert r.items["r_drop"].to_numpy() == pytest.approx(ref["rest_r"], abs=1e-12)
    assert r.items["mean"].to_numpy() == pytest.approx(likert.mean(0), abs=1e-12)
    assert r.items["sd"].to_numpy() == pytest.approx(likert.std(0, ddof=1), abs=1e-12)


def test_alpha_if_dropped_is_alpha_of_the_rest(likert):
    r = reliability(likert)
    for j in range(likert.shape[1]):
        rest = np.delete(likert, j, axis=1)
        ref = _textbook(rest)
        row = r.items.iloc[j]
        assert row["alpha_raw_if_dropped"] == pytest.approx(
            pg.cronbach_alpha(pd.DataFrame(rest))[0], abs=1e-12
        )
        assert row["alpha_std_if_dropped"] == pytest.approx(ref["std"], abs=1e-12)
        assert row["lambda6_if_dropped"] == pytest.approx(ref["lam6"], abs=1e-12)
        assert row["average_r_if_dropped"] == pytest.approx(ref["av"], abs=1e-12)
        assert row["median_r_if_dropped"] == pytest.approx(ref["med"], abs=1e-12)
        assert row["var_r_if_dropped"] == pytest.approx(ref["var"], abs=1e-12)
        assert row["ase_if_dropped"] == pytest.approx(ref["ase"], abs=1e-12)


def test_category_shares_by_counting(likert):
    x = likert.copy()
    x[3, 2] = np.nan
    x[10, 2] = np.nan
    r = reliability(x, categories=range(1, 6))
    it = r.items.iloc[2]
    col = x[:, 2]
    answered = col[~np.isnan(col)]
    for c in range(1, 6):
        assert it[f"p_{c}"] == pytest.approx(np.mean(answered == c))
    assert it["missing_share"] == pytest.approx(2 / x.shape[0])
    assert it["floor_share"] == pytest.approx(np.mean(answered == 1))
    assert it["ceiling_share"] == pytest.approx(np.mean(answered == 5))


def test_values_off_the_scale_are_rejected(likert):
    with pytest.raises(ValueError):
        reliability(likert, categories=range(1, 5))
    x = likert.copy()
    x[0, 0] = 2.5
    with pytest.raises(ValueError):
        reliability(x, categories=range(1, 6))


def test_pairwise_against_pandas_cov():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=(80, 5)).astype(float)
    x[rng.random(x.shape) < 0.15] = np.nan
    d = pd.DataFrame(x)
    c = d.cov().to_numpy()  # pairwise, as R's use="pairwise"
    k = 5
    r = reliability(x)
    assert r.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(c) / c.sum()), abs=1e-12)
    sd = np.sqrt(np.diag(c))
    rr = c / np.outer(sd, sd)  # psych: cov2cor of the pairwise covariance
    assert r.scale["alpha_std"] == pytest.approx(k / (k - 1) * (1 - k / rr.sum()), abs=1e-12)
    # psych raw.r: cor(rowMeans(x, na.rm=TRUE), x_j, use="pairwise")
    total = d.mean(axis=1)
    raw = [total.corr(d[j]) for j in range(k)]
    assert r.items["raw_r"].to_numpy() == pytest.approx(raw, abs=1e-12)
    assert r.items["mean"].to_numpy() == pytest.approx(d.mean().to_numpy(), abs=1e-12)
    assert r.items["sd"].to_numpy() == pytest.approx(d.std().to_numpy(), abs=1e-12)
    n_pair = (~np.isnan(x)).astype(int)
    assert r.scale["n_pair_min"] == (n_pair.T @ n_pair)[~np.eye(k, dtype=bool)].min()


def test_adf_se_against_explicit_gamma(likert):
    """Var(alpha) = g' Gamma g / n with Gamma the 4th-moment matrix of vech(y y')."""
    x = likert
    n, k = x.shape
    y = x - x.mean(0)
    iu = np.triu_indices(k)
    d = np.einsum("ni,nj->nij", y, y)[:, iu[0], iu[1]]
    gamma = np.cov(d, rowvar=False, ddof=0)
    s = d.mean(0)
    cmat = np.zeros((k, k))
    cmat[iu] = s
    cmat = cmat + cmat.T - np.diag(np.diag(cmat))

    def alpha_of(v):
        m = np.zeros((k, k))
        m[iu] = v
        m = m + m.T - np.diag(np.diag(m))
        return k / (k - 1) * (1 - np.trace(m) / m.sum())

    eps = 1e-6
    grad = np.array([(alpha_of(s + eps * e) - alpha_of(s - eps * e)) / (2 * eps)
                     for e in np.eye(len(s))])  # fmt: skip
    ref = np.sqrt(grad @ gamma @ grad / n)
    assert reliability(x).scale["ase_adf"] == pytest.approx(ref, rel=1e-6)


def test_omega_recovers_a_known_one_factor_matrix():
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    # data with exactly this correlation matrix: whiten then colour
    rng = np.random.default_rng(1)
    z = rng.standard_normal((500, 5))
    z = (z - z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    x = z @ np.linalg.cholesky(r).T
    out = reliability(x)
    omega = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert out.scale["omega_total_std"] == pytest.approx(omega, abs=1e-9)
    assert out.scale["omega_total"] == pytest.approx(omega, abs=1e-9)  # unit variances


def test_ordinal_alpha_formula():
    r = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])
    assert float(ordinal_alpha(r)) == pytest.approx(1.5 * (1 - 3 / (3 + 2 * 1.2)))


likert_matrix = arrays(
    np.float64,
    st.tuples(st.integers(8, 40), st.integers(2, 6)),
    elements=st.integers(1, 5).map(float),
)


def _varied(x):
    return np.all(x.std(axis=0) > 0) and x.sum(axis=1).std() > 0


@settings(max_examples=60, deadline=None)
@given(likert_matrix, st.randoms(use_true_random=False))
def test_alpha_invariant_to_item_order(x, rnd):
    if not _varied(x):
        return
    perm = list(range(x.shape[1]))
    rnd.shuffle(perm)
    assert reliability(x[:, perm]).alpha == pytest.approx(reliability(x).alpha, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(likert_matrix, st.floats(-50, 50))
def test_alpha_invariant_to_adding_a_constant(x, c):
    if not _varied(x):
        return
    assert reliability(x + c).alpha == pytest.approx(reliability(x).alpha, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(likert_matrix)
def test_item_rest_r_is_correlation_with_rest_score(x):
    if not _varied(x):
        return
    r = reliability(x).items["r_drop"].to_numpy()
    for j in range(x.shape[1]):
        rest = x.sum(axis=1) - x[:, j]
        if rest.std() == 0:
            continue
        assert r[j] == pytest.approx(np.corrcoef(rest, x[:, j])[0, 1], abs=1e-9)
