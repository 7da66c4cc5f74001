"""One-factor minres: exact recovery, the stationarity equations, the two-item rule."""

import numpy as np
import pytest

from stats.factor import one_factor_minres


def _implied(loadings: np.ndarray) -> np.ndarray:
    r = np.outer(loadings, loadings)
    np.fill_diagonal(r, 1.0)
    return r


@pytest.mark.parametrize(
    "loadings",
    [[0.8, 0.7, 0.6], [0.9, 0.5, 0.4, 0.3, 0.75], [0.3, 0.35, 0.32, 0.31, 0.29, 0.3, 0.33]],
)
def test_recovers_the_loadings_of_an_exact_one_factor_matrix(loadings):
    # R = l l' off the diagonal fits with zero residual, so minres must return l itself.
    lam = np.array(loadings)
    np.testing.assert_allclose(one_factor_minres(_implied(lam)), lam, atol=1e-10)


def test_solves_the_minres_stationarity_equations_in_every_group():
    rng = np.random.default_rng(4)
    groups = []
    for _ in range(40):
        x = rng.standard_normal((60, 6)) + 0.8 * rng.standard_normal((60, 1))
        groups.append(np.corrcoef(x, rowvar=False))
    r = np.array(groups)
    lam = one_factor_minres(r)
    a = r.copy()
    a[:, np.arange(6), np.arange(6)] = 0.0
    # gradient of sum_{i != j} (r_ij - l_i l_j)^2 vanishes: A l = (S - l^2) l
    lhs = np.einsum("gij,gj->gi", a, lam)
    rhs = ((lam**2).sum(axis=1, keepdims=True) - lam**2) * lam
    np.testing.assert_allclose(lhs, rhs, atol=1e-9)
    assert (lam.sum(axis=1) > 0).all()


def test_minimum_not_just_a_stationary_point():
    # A perturbed exact matrix: the fit must beat every nearby loading vector.
    lam0 = np.array([0.7, 0.6, 0.5, 0.65])
    r = _implied(lam0)
    r[0, 1] = r[1, 0] = r[0, 1] + 0.05
    lam = one_factor_minres(r)

    def misfit(v: np.ndarray) -> float:
        f = np.outer(v, v)
        mask = ~np.eye(4, dtype=bool)
        return float(((r - f)[mask] ** 2).sum())

    rng = np.random.default_rng(0)
    best = misfit(lam)
    assert all(misfit(lam + 1e-3 * rng.standard_normal(4)) >= best for _ in range(200))


def test_two_items_take_the_symmetric_solution_or_nan():
    r_pos = np.array([[1.0, 0.49], [0.49, 1.0]])
    r_neg = np.array([[1.0, -0.3], [-0.3, 1.0]])
    np.testing.assert_allclose(one_factor_minres(r_pos), [0.7, 0.7], atol=1e-12)
    assert np.isnan(one_factor_minres(r_neg)).all()
    both = one_factor_minres(np.array([r_pos, r_neg]))
    np.testing.assert_allclose(both[0], [0.7, 0.7], atol=1e-12)
    assert np.isnan(both[1]).all()


def test_heywood_case_is_capped_at_one():
    # r12 r13 / r23 > 1 forces l1 > 1 in an exact fit: the loading is capped at 1.
    r = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.6], [0.9, 0.6, 1.0]])
    lam = one_factor_minres(r)
    assert np.isfinite(lam).all()
    assert np.abs(lam).max() <= 1.0
    assert lam[0] == pytest.approx(1.0)
