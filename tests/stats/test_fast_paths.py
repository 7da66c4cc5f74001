"""The fast paths give the same numbers as the plain ones.

* moments: the small-integer path (bytes, float32 BLAS on exact integer sums, rows sorted by
  missing pattern, sparse missing-indicator products, category counts from byte compares)
  against the float64 path, for every field, on many shapes of data; scipy's compiled sparse
  kernels against its public sparse arrays;
* alpha-if-dropped: the closed forms against alpha_core on every (k-1)-item sub-matrix;
* bootstrap: float32 counts and feature limbs against float64, bitwise;
* the BLAS thread limit is undone afterwards.
"""

import numpy as np
import pytest

import stats._int_config as cfg
import stats._sparse_kernels as kernels
import stats.bootstrap as boot
import stats.moments as mom
from stats import _blas
from stats.alpha_core import _if_dropped, _median_without, alpha_core

FIELDS = ["n_rows", "n_any", "n_complete", "n", "s", "q", "q2", "t_sum", "t_sumsq", "t_n",
          "t_s", "t_q", "t_x", "counts", "categories", "adf_var"]  # fmt: skip


def _likert(n, k, lo=1, hi=5, p_miss=0.05, seed=0):
    rng = np.random.default_rng(seed)
    eta = rng.standard_normal(n)
    mid, half = (lo + hi) / 2, (hi - lo) / 4
    x = np.round(mid + 0.8 * half * eta[:, None] + 0.9 * half * rng.standard_normal((n, k)))
    x = np.clip(x, lo, hi) + 0.0
    x[rng.random((n, k)) < p_miss] = np.nan
    return x


def _assert_same(fast, ref):
    assert fast.shift == ref.shift
    for f in FIELDS:
        a, b = getattr(fast, f), getattr(ref, f)
        if b is None:
            assert a is None, f
            continue
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        assert a.shape == b.shape, f
        # sums are exact integers on both paths; T sums and the ADF variance are not
        tol = 1e-9 if f == "adf_var" else 1e-12
        scale = np.abs(b[np.isfinite(b)]).max(initial=1.0)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol * scale, err_msg=f)


CASES = {
    "likert 1-5": dict(lo=1, hi=5),
    "0-based": dict(lo=0, hi=4),
    "negative": dict(lo=-3, hi=3),
    "7 points": dict(lo=1, hi=7),
    "wide range": dict(lo=0, hi=40),
    "far from zero": dict(lo=1001, hi=1005),
    "complete": dict(p_miss=0.0),
    "half missing": dict(p_miss=0.5),
}


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_small_integer_path_equals_float_path(case, policy):
    x = _likert(4000, 6, seed=len(case), **CASES[case])
    codes = np.random.default_rng(1).integers(0, 5, x.shape[0])
    fast = mom._small_int_moments(x, codes, 7, policy, None)  # two empty groups
    assert fast is not None
    _assert_same(fast, mom._float_moments(x, codes, 7, policy, None))
    # Fortran order (a DataFrame's values) takes another scan branch
    _assert_same(mom.moments_grouped(np.asfortranarray(x), codes, 7, missing=policy), fast)


def test_small_integer_path_with_tiny_blocks_and_threads(monkeypatch):
    x = _likert(30000, 5, lo=0, hi=4, p_miss=0.1, seed=3)
    x[:20000] = np.clip(x[:20000], 1, 4)  # the zero shows up late: the offset guess is redone
    codes = np.random.default_rng(2).integers(0, 3, x.shape[0])
    ref = mom._float_moments(x, codes, 3, "pairwise", range(0, 5))
    monkeypatch.setattr(cfg, "_PIECE_ROWS", 37)
    monkeypatch.setattr(cfg, "_SCAN_CELLS", 3000)
    monkeypatch.setattr(cfg, "_THREADS", 3)
    _assert_same(mom.moments_grouped(x, codes, 3, categories=range(0, 5)), ref)


def _awkward(seed=11):
    """Groups of very different sizes (one empty, one of a single row), an item that is never
    answered in one group, rows with no answer at all, and rows missing one, two or many items."""
    rng = np.random.default_rng(seed)
    x = _likert(5000, 7, p_miss=0.04, seed=seed)
    codes = rng.choice(6, size=5000, p=[0.55, 0.3, 0.1, 0.0499, 0.0, 0.0001])
    codes[:2] = [5, 2]  # group 5: a single row; group 4: empty
    x[codes == 2, 3] = np.nan  # item 3 never answered in group 2
    x[rng.random(5000) < 0.01] = np.nan  # blank questionnaires
    many = rng.random(5000) < 0.03
    x[np.ix_(np.flatnonzero(many), np.array([0, 2, 5]))] = np.nan  # three or more missing
    return x, codes


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
@pytest.mark.parametrize("pieces", [False, True], ids=["whole", "tiny pieces"])
def test_awkward_groups_equal_float_path(policy, pieces, monkeypatch):
    x, codes = _awkward()
    ref = mom._float_moments(x, codes, 6, policy, range(1, 6))
    if pieces:  # every per-group step split over several float32 and byte blocks
        monkeypatch.setattr(cfg, "_PIECE_ROWS", 29)
        monkeypatch.setattr(cfg, "_COUNT_ROWS", 300)
    fast = mom._small_int_moments(x, codes, 6, policy, range(1, 6))
    assert fast is not None
    _assert_same(fast, ref)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_float32_sums_flushed_before_they_could_round(policy, monkeypatch):
    # a lower exactness bound: short float32 blocks, the float64 projection in the ADF
    # variance, and indicator sums moved to float64 every 163 rows
    x, codes = _awkward(seed=16)
    ref = mom._float_moments(x, codes, 6, policy, range(1, 6))
    monkeypatch.setattr(cfg, "_EXACT32", 1 << 12)
    _assert_same(mom.moments_grouped(x, codes, 6, missing=policy, categories=range(1, 6)), ref)


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_public_sparse_api_gives_the_same_sums(policy, monkeypatch):
    x, codes = _awkward(seed=12)
    fast = mom._small_int_moments(x, codes, 6, policy, None)
    monkeypatch.setattr(kernels, "_KERNELS", None)  # scipy.sparse arrays instead of the kernels
    public = mom._small_int_moments(x, codes, 6, policy, None)
    assert fast is not None and public is not None
    for f in FIELDS:
        a, b = getattr(fast, f), getattr(public, f)
        assert (a is None) == (b is None), f
        if a is not None:
            np.testing.assert_array_equal(a, b, err_msg=f)


def test_indicator_product_matches_dense():
    rng = np.random.default_rng(13)
    z = rng.random((40, 6)) < 0.3
    x = rng.integers(0, 5, (40, 3)).astype(np.float32)
    rows, items = np.nonzero(z)
    ptr = np.zeros(41, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=40), out=ptr[1:])
    out = np.ones((6, 3), dtype=np.float32)  # the product is added to what is there
    kernels._indicator_product(ptr, items.astype(np.int64), x, out, by_rows=False)
    np.testing.assert_array_equal(out, 1.0 + z.T.astype(np.float32) @ x)
    order = np.argsort(items, kind="stable")  # the same matrix in CSR form (rows of z.T)
    ptr_t = np.zeros(7, dtype=np.int64)
    np.cumsum(np.bincount(items, minlength=6), out=ptr_t[1:])
    out2 = np.zeros((6, 3), dtype=np.float32)
    kernels._indicator_product(ptr_t, rows[order].astype(np.int64), x, out2, by_rows=True)
    np.testing.assert_array_equal(out2, z.T.astype(np.float32) @ x)


@pytest.mark.parametrize("m", [1, 254, 255, 256, 1000, 5000])
def test_byte_column_counts(m):
    eq = np.random.default_rng(m).random((m, 16)) < 0.5
    assert np.array_equal(kernels._byte_column_counts(eq), eq.sum(axis=0))


@pytest.mark.parametrize(
    "cats", [(1, 2), (1, 2, 3), (0, 1, 2, 3), (1, 2, 3, 4, 5, 6, 7), (-2, -1, 0, 1, 2)]
)
@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_category_counts_on_every_scale_length(cats, policy):
    lo, hi = cats[0], cats[-1]
    x = _likert(3000, 5, lo=lo, hi=hi, p_miss=0.06, seed=len(cats))
    codes = np.random.default_rng(14).integers(0, 3, x.shape[0])
    fast = mom._small_int_moments(x, codes, 3, policy, cats)
    assert fast is not None and fast.counts is not None
    for g in range(3):
        for j in range(5):
            col = x[codes == g, j]
            want = [np.sum(col == c) for c in cats]
            np.testing.assert_array_equal(fast.counts[g, j], want)
    _assert_same(fast, mom._float_moments(x, codes, 3, policy, cats))


def test_scale_with_gaps():
    rng = np.random.default_rng(15)
    x = rng.choice([1.0, 2.0, 4.0, 5.0], size=(2000, 4))
    x[rng.random(x.shape) < 0.05] = np.nan
    codes = rng.integers(0, 2, 2000)
    cats = (1, 2, 4, 5)
    fast = mom._small_int_moments(x, codes, 2, "pairwise", cats)
    assert fast is not None
    _assert_same(fast, mom._float_moments(x, codes, 2, "pairwise", cats))
    x[5, 1] = 3.0  # between two scale points: the float path decides (and refuses)
    assert mom._small_int_moments(x, codes, 2, "pairwise", cats) is None
    with pytest.raises(ValueError, match="scale"):
        mom.moments_grouped(x, codes, 2, categories=cats)


@pytest.mark.parametrize(
    "bad", [np.inf, 2.5, 1e-300, 300.0, -1.0], ids=["inf", "half", "tiny", "big", "negative"]
)
def test_values_that_are_not_small_integers_take_the_float_path(bad):
    x = _likert(500, 4, seed=4)
    x[7, 2] = bad
    assert (mom._small_int_moments(x, np.zeros(500, dtype=int), 1, "pairwise", None) is None) == (
        bad != -1.0
    )
    with np.errstate(invalid="ignore"):
        ref = mom._float_moments(x, np.zeros(500, dtype=int), 1, "pairwise", None)
        out = mom.moments_grouped(x)
    np.testing.assert_allclose(out.q, ref.q)


def _sub_core(c, n, j):
    keep = np.delete(np.arange(c.shape[-1]), j)
    return alpha_core(c[:, keep][:, :, keep], n)


def test_alpha_if_dropped_closed_forms_match_submatrices():
    rng = np.random.default_rng(5)
    mats = []
    for g in range(6):
        x = rng.standard_normal((300, 1)) + rng.standard_normal((300, 7)) * (0.5 + g / 4)
        if g == 4:
            x[:, 1] = x[:, 0] + 1e-7 * rng.standard_normal(300)  # ill-conditioned: fallback
        if g == 5:
            x[:, 3] = 2.0  # a constant item: non-finite R, fallback
        mats.append(np.cov(x, rowvar=False))
    c = np.stack(mats)
    n = np.full(6, 300.0)
    core = alpha_core(c, n)
    drop = _if_dropped(c, core["_r"], core["_p"], core["_inv_ok"], n)
    for j in range(7):
        sub = _sub_core(c, n, j)
        for key, v in drop.items():
            np.testing.assert_allclose(v[:, j], sub[key], rtol=1e-12, atol=1e-12, err_msg=key)


def test_median_without_row_and_column():
    rng = np.random.default_rng(6)
    r = rng.random((4, 6, 6)).round(1)  # ties
    r = (r + np.swapaxes(r, 1, 2)) / 2
    off = ~np.eye(6, dtype=bool)
    got = _median_without(r, off)
    for j in range(6):
        keep = np.delete(np.arange(6), j)
        sub = r[:, keep][:, :, keep]
        assert np.array_equal(got[:, j], np.median(sub[:, ~np.eye(5, dtype=bool)], axis=-1))


def test_float32_limbs_recombine_exactly():
    rng = np.random.default_rng(7)
    f = rng.integers(-5000, 5000, size=(1000, 3)).astype(float)
    out = boot._f32_limbs(f, 100_000)
    assert out is not None
    limbs, r = out
    assert np.abs(limbs).max() <= (2**24 - 1) // 100_000
    assert np.array_equal(limbs.astype(float) @ r, f)
    assert boot._f32_limbs(f + 0.5, 100) is None


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_bootstrap_float32_path_is_bitwise_the_float64_one(policy, monkeypatch):
    x = _likert(6000, 6, p_miss=0.03, seed=8)
    fast = boot.alpha_bootstrap(x, n_boot=130, seed=9, missing=policy)
    monkeypatch.setattr(boot, "_f32_limbs", lambda f, n: None)
    slow = boot.alpha_bootstrap(x, n_boot=130, seed=9, missing=policy)
    assert np.array_equal(fast.replicates, slow.replicates)


def test_single_threaded_blas_restores_the_thread_count():
    libs = _blas._openblas()
    before = [get() for get, _ in libs]
    with _blas.single_threaded_blas(), _blas.single_threaded_blas():
        assert all(get() == 1 for get, _ in libs)
    assert [get() for get, _ in libs] == before
