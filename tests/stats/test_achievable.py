"""Achievable benchmark (Kiefe et al. 2001) against cases worked out by hand."""

import math

import pytest

from stats import achievable_benchmark


def test_one_unit_covers_ten_percent():
    # total n = 200, 10 % = 20. APF: B 46/52 = .885 > A 10/12 = .833 > C 21/42 > D 31/102.
    # B alone holds 50 >= 20 respondents: benchmark 45/50 = 0.90.
    abc = achievable_benchmark([9, 45, 20, 30], [10, 50, 40, 100])
    assert abc.share == pytest.approx(0.90)
    assert (abc.successes, abc.n, abc.units, abc.units_total, abc.n_total) == (45, 50, 1, 4, 200)


def test_the_adjusted_fraction_keeps_a_tiny_perfect_unit_from_leading():
    # A has 1/1 (raw 100 %) but APF 2/3 = .667; B 18/20 has APF 19/22 = .864 and leads.
    # total 121, 10 % = 12.1: B alone (20) is enough -> 18/20 = 0.90 (not (1+18)/21 = .905).
    abc = achievable_benchmark([1, 18, 50], [1, 20, 100])
    assert abc.share == pytest.approx(0.90)
    assert abc.units == 1


def test_several_units_until_coverage():
    # APF: A 9/12 = .75, B 8/12 = .667, C 61/102 = .598, D 41/82 = .5; total 200, need 20.
    # A (10) < 20, A + B (20) >= 20 -> (8 + 7) / 20 = 0.75.
    abc = achievable_benchmark([8, 7, 60, 40], [10, 10, 100, 80])
    assert abc.share == pytest.approx(0.75)
    assert (abc.successes, abc.n, abc.units) == (15, 20, 2)


def test_ties_at_the_cut_are_all_taken():
    # APF 2/4 -> 3/6 = .5 and 4/8 -> 5/10 = .5 tie; 0/40 -> 1/42. Total 52, need 5.2:
    # the first tied unit alone may reach it, but both tied units are taken: 6/12 = 0.5.
    abc = achievable_benchmark([2, 4, 0], [4, 8, 40])
    assert (abc.successes, abc.n, abc.units) == (6, 12, 2)


def test_lower_is_better_and_empty():
    # "at most": the best units have the fewest successes. Complements 1/10, 9/10, 5/10:
    # APF of complements 10/12 = .833 (A) leads; A holds 10 of 30 >= 3 -> 1 - 9/10 = 0.10.
    abc = achievable_benchmark([1, 9, 5], [10, 10, 10], lower_is_better=True)
    assert abc.share == pytest.approx(0.10)
    assert (abc.successes, abc.n) == (1, 10)
    assert math.isnan(achievable_benchmark([], []).share)
    assert math.isnan(achievable_benchmark([0], [0]).share)
    with pytest.raises(ValueError):
        achievable_benchmark([3], [2])
