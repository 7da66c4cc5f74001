"""Pure statistics library for the indicator instrument.

numpy/scipy/pandas in, frozen dataclasses or DataFrames out; no Django, no project apps.
Formulas, missing-data rules and differences from R psych: docs/stats.md.
"""

from stats.achievable import AchievableBenchmark, achievable_benchmark
from stats.benchmark import change_between_periods, newcombe_diff_ci, proportion_ci, target_shares
from stats.bootstrap import BootstrapResult, alpha_bootstrap, multinomial_counts
from stats.cfa import OneFactorFit, cfa_one_factor
from stats.disclosure import (
    KAnonymity,
    SuppressedTable,
    age_bands,
    determined,
    determined_cells,
    generalise,
    generalise_until_k_anonymous,
    k_anonymity,
    line_mask,
    protect_table,
    suppress_table,
    suppression_mask,
)
from stats.funnel import Overdispersion, funnel_limits, overdispersion
from stats.grouped import GroupedReliability, reliability_arrays, reliability_grouped
from stats.invariance import Invariance, measurement_invariance
from stats.item_review import FLAG_CODES, ItemReview, ReviewThresholds, item_review
from stats.mgcfa import GroupData, MultiGroupFit, cfa_multigroup, group_data
from stats.polychoric import (
    Polychoric,
    PolychoricFit,
    bivariate_normal_cdf,
    polychoric,
    polychoric_fit,
    polychoric_tables,
)
from stats.reliability import Reliability, alpha_feldt_ci, ordinal_alpha, reliability
from stats.validity import Convergent, KnownGroups, convergent, convergent_grouped, known_groups

__all__ = [
    "FLAG_CODES",
    "AchievableBenchmark",
    "BootstrapResult",
    "Convergent",
    "GroupData",
    "GroupedReliability",
    "Invariance",
    "ItemReview",
    "KAnonymity",
    "KnownGroups",
    "MultiGroupFit",
    "OneFactorFit",
    "Overdispersion",
    "Polychoric",
    "PolychoricFit",
    "Reliability",
    "ReviewThresholds",
    "SuppressedTable",
    "achievable_benchmark",
    "age_bands",
    "alpha_bootstrap",
    "alpha_feldt_ci",
    "bivariate_normal_cdf",
    "cfa_multigroup",
    "cfa_one_factor",
    "change_between_periods",
    "convergent",
    "convergent_grouped",
    "determined",
    "determined_cells",
    "funnel_limits",
    "generalise",
    "generalise_until_k_anonymous",
    "group_data",
    "item_review",
    "k_anonymity",
    "known_groups",
    "line_mask",
    "measurement_invariance",
    "multinomial_counts",
    "newcombe_diff_ci",
    "ordinal_alpha",
    "overdispersion",
    "polychoric",
    "polychoric_fit",
    "polychoric_tables",
    "proportion_ci",
    "protect_table",
    "reliability",
    "reliability_arrays",
    "reliability_grouped",
    "suppress_table",
    "suppression_mask",
    "target_shares",
]
