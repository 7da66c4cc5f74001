"""Which target applies to a result (re-exported from :mod:`stats.periods`, where the pure
rule lives so the association's own selectors can use it too)."""

from stats.periods import period_bounds, target_for, target_index_for, valid_on

__all__ = ["period_bounds", "target_for", "target_index_for", "valid_on"]
