"""k-anonymity for microdata: class sizes on one integer key, generalisation, suppression.

A class's size is the number of distinct *persons* in it when a ``person`` column is named
(several records of one person count once; a record without a person counts as a person of
its own), otherwise the number of records. When the released records link a person's
records (``trajectories``), each person's set of classes must be shared by k persons too
(:mod:`stats.disclosure.trajectory`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from stats.disclosure.trajectory import trajectory_sizes

# --------------------------------------------------------------------------- k-anonymity
#
# One mechanism for microdata (researcher datasets, national/datasets): equivalence classes
# are counted on one integer key per record (mixed radix over the columns' category codes, one
# hash pass), so a check costs the same for 10 rows or 10⁶. Quasi-identifiers held as pandas
# Categoricals are recoded per category, never per record.


@dataclass(frozen=True, eq=False)
class KAnonymity:
    """k-anonymity of ``data`` on ``quasi_identifiers``: each combination of their values
    (missing is a value of its own) is an equivalence class; records in classes smaller than k
    are at risk. ``at_risk``: boolean per record, in the data's row order. ``classes`` /
    ``risky``: each combination with its size ``n`` (all, and those smaller than k). With a
    ``person`` column, sizes count distinct persons (``unit`` "persons"), otherwise records.
    With trajectories checked, a record is also at risk when its person's set of classes is
    held by fewer than k persons (``trajectory_ids`` per record, -1 without a person;
    ``trajectory_sizes`` persons per trajectory; ``persons_at_risk`` persons whose set is
    rarer than k)."""

    k: int
    quasi_identifiers: tuple[str, ...]
    min_class_size: int
    records_at_risk: int
    classes_at_risk: int
    share_at_risk: float
    at_risk: NDArray[np.bool_]
    class_ids: NDArray[np.intp] = field(repr=False)
    class_sizes: NDArray[np.intp] = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    person: str | None = None
    trajectory_ids: NDArray[np.intp] | None = field(default=None, repr=False)
    trajectory_sizes: NDArray[np.intp] | None = field(default=None, repr=False)
    persons_at_risk: int = 0

    @property
    def satisfied(self) -> bool:
        return self.records_at_risk == 0

    @property
    def classes(self) -> pd.DataFrame:
        qi = list(self.quasi_identifiers)
        if not len(self.class_sizes):
            return pd.DataFrame({**{c: [] for c in qi}, "n": np.zeros(0, dtype=np.int64)})
        first = pd.Series(self.class_ids).drop_duplicates()
        out = self.data[qi].iloc[first.index.to_numpy()].reset_index(drop=True)
        out["n"] = self.class_sizes[first.to_numpy()].astype(np.int64)
        return out.sort_values(qi, na_position="last", kind="stable").reset_index(drop=True)

    @property
    def risky(self) -> pd.DataFrame:
        classes = self.classes
        return classes[classes["n"] < self.k].reset_index(drop=True)


def _codes(values: pd.Series) -> tuple[NDArray[np.int64], int]:
    """Integer codes of a column (-1 missing) and the number of distinct values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.array.codes, dtype=np.int64), len(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64), len(uniques)


def class_sizes(
    data: pd.DataFrame, quasi_identifiers: Sequence[str]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Equivalence classes of the rows on ``quasi_identifiers`` (missing is a value of its
    own): (class id per row, size per class). One integer key per row, one hash pass."""
    n = len(data)
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for column in quasi_identifiers:
        codes, distinct = _codes(data[column])
        radix = distinct + 1
        if span * radix >= 2**62:  # keep the mixed-radix key in int64
            key, uniques = pd.factorize(key)
            key, span = key.astype(np.int64), max(len(uniques), 1)
        key = key * radix + (codes + 1)
        span *= radix
    ids, uniques = pd.factorize(key)
    return ids, np.bincount(ids, minlength=len(uniques))


def persons_per_class(
    ids: NDArray[np.intp], persons: pd.Series, n_classes: int
) -> NDArray[np.intp]:
    """Distinct persons in each class: ``ids`` the class of each record, ``persons`` the
    person of each record (missing: a person of its own). One hash pass over (class, person)
    pairs, no loop over records."""
    codes, uniques = pd.factorize(persons)
    codes = codes.astype(np.int64)
    lonely = codes < 0
    codes[lonely] = len(uniques) + np.arange(int(lonely.sum()))
    span = max(int(codes.max()) + 1 if len(codes) else 1, 1)
    pairs = np.asarray(ids, dtype=np.int64) * span + codes
    first = ~pd.Series(pairs).duplicated().to_numpy()
    return np.bincount(np.asarray(ids)[first], minlength=n_classes)


def k_anonymity(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int = 5,
    person: str | None = None,
    trajectories: bool = False,
) -> KAnonymity:
    """Check k-anonymity: every combination of quasi-identifier values (missing is a value)
    must be shared by at least k persons (distinct values of the ``person`` column; a record
    without one is a person of its own) or, without ``person``, k records. With
    ``trajectories`` (needs ``person``), every person's set of classes across their records
    must also be shared by at least k persons."""
    qi = tuple(quasi_identifiers)
    ids, sizes = class_sizes(data, qi)
    if person is not None:
        sizes = persons_per_class(ids, data[person], len(sizes))
    small = sizes < k
    risky = small[ids]
    paths: NDArray[np.intp] | None = None
    path_sizes: NDArray[np.intp] | None = None
    persons_at_risk = 0
    if trajectories:
        if person is None:
            raise ValueError("trajectories need a person column")
        paths, path_sizes = trajectory_sizes(ids, data[person])
        rare = path_sizes < k
        persons_at_risk = int(path_sizes[rare].sum())
        risky = risky | np.append(rare, False)[paths]  # -1 (no person): never
    at_risk = int(risky.sum())  # records (not persons) in small classes
    return KAnonymity(
        k=k,
        quasi_identifiers=qi,
        min_class_size=int(sizes.min()) if len(sizes) else 0,
        records_at_risk=at_risk,
        classes_at_risk=int(small.sum()),
        share_at_risk=at_risk / len(data) if len(data) else 0.0,
        at_risk=risky,
        class_ids=ids,
        class_sizes=sizes,
        data=data,
        person=person,
        trajectory_ids=paths,
        trajectory_sizes=path_sizes,
        persons_at_risk=persons_at_risk,
    )


def categorical_from_labels(codes: NDArray[np.integer], labels: Sequence[object]) -> pd.Categorical:
    """Rows given as ``codes`` into ``labels`` (-1 = missing; a None/NaN label is missing too)
    as a Categorical whose categories are the distinct labels as str, sorted."""
    new_codes, cats = pd.factorize(pd.Series(list(labels), dtype=object), sort=True)
    mapping = np.append(new_codes, -1).astype(np.int32)  # code -1 → the appended -1
    categories = pd.Index([str(c) for c in cats], dtype=object)
    return pd.Categorical.from_codes(mapping[codes], categories=categories)


def categorical_recode(cat: pd.Categorical, recode: Callable[[object], object]) -> pd.Categorical:
    """``recode`` applied to each category (not each row) of ``cat``."""
    return categorical_from_labels(cat.codes, [recode(c) for c in cat.categories])


def recode_column(values: pd.Series, recode: Callable[[object], object]) -> ArrayLike:
    """``recode`` applied once per distinct value: a Categorical stays a Categorical (str
    categories), any other column becomes an object array (missing stays missing)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return categorical_recode(values.array, recode)
    codes, uniques = pd.factorize(values)
    mapped = np.array([*(recode(u) for u in uniques), None], dtype=object)
    return mapped[codes]


def merged(mapping: Mapping[Any, object]) -> Callable[[object], object]:
    """A recoding that replaces the values in ``mapping`` and keeps every other value."""
    return lambda v: mapping.get(v, v) if isinstance(v, Hashable) else v


def age_bands(age: pd.Series, edges: Sequence[int]) -> pd.Series:
    """Age in bands [e0, e1), [e1, e2), ... labelled "16-24" etc.; outside the edges: NaN."""
    e = list(edges)
    labels = [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(e)]
    return pd.cut(age, bins=e, right=False, labels=labels).astype("object")


def generalise(
    data: pd.DataFrame,
    *,
    age: str | None = None,
    age_edges: Sequence[int] = (16, 25, 35, 45, 55, 65),
    merge: Mapping[str, Mapping[object, object]] | None = None,
) -> pd.DataFrame:
    """Coarsen quasi-identifiers: ``age`` column into bands, ``merge`` maps old to new
    categories per column (unmapped values kept). Returns a new frame."""
    out = data.copy()
    if age is not None:
        out[age] = age_bands(out[age], age_edges)
    for col, mapping in (merge or {}).items():
        out[col] = recode_column(out[col], merged(mapping))
    return out


@dataclass(frozen=True)
class Generalisation:
    """A global recoding of one quasi-identifier, value by value (e.g. month → half-year,
    merged age bands). ``description`` says what it does, for the record of changes."""

    column: str
    recode: Callable[[object], object]
    description: str


@dataclass(frozen=True, eq=False)
class KAnonymised:
    """The outcome of :func:`generalise_until_k_anonymous`. ``data``: the released records
    (suppressed ones dropped, index kept). ``check``: k-anonymity of ``data``. ``applied``: the
    generalisations kept, in order. ``changes``: what was done, human-readable, in order
    (empty when nothing was needed). ``suppressed``: records dropped."""

    data: pd.DataFrame
    check: KAnonymity
    applied: tuple[Generalisation, ...]
    changes: tuple[str, ...]
    suppressed: int


def generalise_until_k_anonymous(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int = 5,
    steps: Sequence[Generalisation] = (),
    unit: str = "records",
    person: str | None = None,
    trajectories: bool = False,
) -> KAnonymised:
    """Make ``data`` k-anonymous on ``quasi_identifiers``: global recoding, then local
    suppression.

    Each step is tried on top of the steps kept so far and kept only if it lowers the number
    of records at risk (a step that helps nobody alone costs information for nothing); it
    stops as soon as the data are k-anonymous. Records still at risk are then dropped.
    ``unit`` names a record in ``changes`` ("questionnaires"). With ``person``, a class must
    hold k distinct persons (:func:`k_anonymity`); dropping whole classes never shrinks
    another class, so the result holds k persons in every class. With ``trajectories`` (the
    released records link a person's records), every person's set of classes must be held
    by k persons as well: the same steps are judged on both, and a person whose set stays
    rarer is dropped with all their records (which can shrink a class of records without a
    person, so suppression repeats until nothing is at risk)."""
    qi = list(quasi_identifiers)
    who = f" (class size: distinct persons, {person})" if person else ""

    def check_of(frame: pd.DataFrame) -> KAnonymity:
        return k_anonymity(frame, qi, k=k, person=person, trajectories=trajectories)

    check = check_of(data)
    if not qi or data.empty or check.satisfied:
        return KAnonymised(data, check, (), (), 0)
    if trajectories:
        first = (
            f"{check.records_at_risk} of {len(data)} {unit} were at risk: in "
            f"{check.classes_at_risk} equivalence classes smaller than k={k} on "
            f"{', '.join(qi)}{who}, or of {check.persons_at_risk} persons whose set of classes "
            f"across their {unit} (trajectory) is shared by fewer than k={k} persons"
        )
    else:
        first = (
            f"{check.records_at_risk} of {len(data)} {unit} were in {check.classes_at_risk} "
            f"equivalence classes smaller than k={k} on {', '.join(qi)}{who}"
        )
    changes = [first]
    applied: list[Generalisation] = []
    current = data

    def recoded(frame: pd.DataFrame, chosen: Sequence[Generalisation]) -> pd.DataFrame:
        out = frame.copy(deep=False)
        for g in chosen:
            out[g.column] = recode_column(out[g.column], g.recode)
        return out

    # Steps that help nobody alone are held back; a later step is then also tried together
    # with them (some recodings only help jointly, e.g. exit month and exit outcome), and of
    # such a combination only the held-back steps it needs are kept.
    held: list[Generalisation] = []
    for step in steps:
        chosen = [step]
        trial = recoded(current, chosen)
        trial_check = check_of(trial)
        if trial_check.records_at_risk >= check.records_at_risk and held:
            chosen = [*held, step]
            trial = recoded(current, chosen)
            trial_check = check_of(trial)
            for extra in list(chosen[:-1]):
                fewer = [g for g in chosen if g is not extra]
                fewer_check = check_of(recoded(current, fewer))
                if fewer_check.records_at_risk <= trial_check.records_at_risk:
                    chosen, trial_check = fewer, fewer_check
            trial = recoded(current, chosen)
        if trial_check.records_at_risk < check.records_at_risk:
            current, check = trial, trial_check
            held = [g for g in held if g not in chosen]
            for g in chosen:
                applied.append(g)
                changes.append(
                    f"generalised: {g.description}; {check.records_at_risk} {unit} still at risk"
                )
        else:
            held.append(step)
        if check.satisfied:
            break
    suppressed = 0
    while not check.satisfied:
        linked = (
            f", or of {check.persons_at_risk} persons whose trajectory is still rarer "
            f"(all their {unit})"
            if trajectories
            else ""
        )
        changes.append(
            f"suppressed: {check.records_at_risk} {unit} in {check.classes_at_risk} "
            f"equivalence classes still smaller than k={k}{who}{linked} were removed"
        )
        suppressed += check.records_at_risk
        current = current[~check.at_risk]
        check = check_of(current)
    return KAnonymised(current, check, tuple(applied), tuple(changes), suppressed)
