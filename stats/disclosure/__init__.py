"""Disclosure control: small-cell suppression for tables, k-anonymity for microdata.

Tables: counts with row and column margins (and grand total). A cell with 0 < count < k is
suppressed (primary). Because margins are published, a lone suppressed cell in a row or column
could be recovered by subtraction, and combinations of rows and columns can pin cells too, so
complementary cells are suppressed until no suppressed cell is determined by the published
numbers. One mechanism decides "determined" everywhere: every published number (a table cell,
a margin, or any other published sum over the same units) is a linear functional of the
interior cells, and a suppressed number is determined exactly when its functional lies in the
span of the published ones (:func:`determined`).

* :func:`suppress_table` / :func:`suppression_mask`: a two-way table with its margins.
  Complements are the smallest non-zero published cells of the offending line (least
  information lost), interior cells before margins.
* :func:`line_mask`: groups under a published total (a one-column table with its total, in
  closed form), and then the smallest published groups until the suppressed groups together
  hold 0 or at least k units (the total minus the published groups never describes fewer
  than k).
* :func:`protect_table`: a two-way table published together with other sums over the same
  units (``linked`` functionals, e.g. a share's numerator and its breakdown), each published
  always or with one table cell: complements are added until no protected cell is determined
  by everything published.

National aggregates shown to the units pooled into them: :func:`national_release` (in
:mod:`stats.disclosure.differencing`) decides per viewer whether a national n and share may be
shown without letting that viewer difference out another unit's counts.

Microdata: a table is k-anonymous on named quasi-identifiers when every combination of their
values is shared by at least k records; :func:`generalise` coarsens age into bands and merges
categories so that it becomes so. When the released records link a person's records, each
person's set of classes (trajectory, :func:`trajectory_sizes`) must be shared by k persons too
(``k_anonymity(..., trajectories=True)``).
"""

from stats.disclosure.differencing import (
    DIFFERENCING,
    TOO_FEW_UNITS,
    NationalRelease,
    national_release,
)
from stats.disclosure.kanon import (
    Generalisation,
    KAnonymised,
    KAnonymity,
    age_bands,
    categorical_from_labels,
    categorical_recode,
    class_sizes,
    generalise,
    generalise_until_k_anonymous,
    k_anonymity,
    merged,
    persons_per_class,
    recode_column,
)
from stats.disclosure.suppression import (
    ALWAYS,
    TOTAL,
    SuppressedTable,
    determined,
    determined_cells,
    line_mask,
    protect_table,
    suppress_table,
    suppression_mask,
    table_functionals,
)
from stats.disclosure.trajectory import trajectory_sizes

__all__ = [
    "ALWAYS",
    "DIFFERENCING",
    "TOO_FEW_UNITS",
    "TOTAL",
    "Generalisation",
    "KAnonymised",
    "KAnonymity",
    "NationalRelease",
    "SuppressedTable",
    "age_bands",
    "categorical_from_labels",
    "categorical_recode",
    "class_sizes",
    "determined",
    "determined_cells",
    "generalise",
    "generalise_until_k_anonymous",
    "k_anonymity",
    "line_mask",
    "merged",
    "national_release",
    "persons_per_class",
    "protect_table",
    "recode_column",
    "suppress_table",
    "suppression_mask",
    "table_functionals",
    "trajectory_sizes",
]
