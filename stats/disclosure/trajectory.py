"""Trajectories: what a person's records say together when a release links them.

When microdata carry a person link (a pseudonym), a reader sees not only each record's
equivalence class but the *set* of classes a person's records fall in (e.g. "woman, 25-29,
association A01 in 2016-H1" and "exit month 2016-09"). Each class may hold k persons while
the set is one person's alone. A person's trajectory is that set (the sorted distinct class
ids of their records); :func:`trajectory_sizes` gives every record its person's trajectory
and counts the persons holding each one.

Exact and vectorised: the (person, class) pairs are made unique and sorted once; the
trajectories are then numbered position by position (the j-th class of every person with at
least j+1 classes, one factorisation per position), so the work is the number of pairs, with
no hashing collisions and no Python loop over persons. Pure: no Django.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def trajectory_sizes(
    class_ids: NDArray[np.integer], persons: pd.Series
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(trajectory id of each record, -1 for a record without a person; persons holding each
    trajectory). ``class_ids``: the equivalence class of each record (0..n_classes-1);
    ``persons``: the person of each record (missing: no person; such a record cannot be
    linked to another and has no trajectory)."""
    ids = np.asarray(class_ids, dtype=np.int64)
    person, uniques = pd.factorize(persons)
    person = person.astype(np.int64)
    n_persons = len(uniques)
    out = np.full(len(ids), -1, dtype=np.intp)
    if n_persons == 0:
        return out, np.zeros(0, dtype=np.intp)
    has = person >= 0
    n_classes = int(ids.max()) + 1
    pairs = np.unique(person[has] * n_classes + ids[has])  # by person, then class
    who, cls = pairs // n_classes, pairs % n_classes
    start = np.r_[True, who[1:] != who[:-1]]
    first = np.flatnonzero(start)
    length = np.diff(np.r_[first, len(pairs)])  # classes per person (person code order)
    position = np.arange(len(pairs)) - np.repeat(first, length)
    # Number the persons' class sequences one position at a time: after position j, equal
    # keys among persons with more than j classes mean equal first j+1 classes.
    key = np.zeros(n_persons, dtype=np.int64)
    order = np.argsort(position, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(position))]
    for j in range(len(bounds) - 1):
        at = order[bounds[j] : bounds[j + 1]]
        p = who[at]
        codes, _ = pd.factorize(key[p] * (n_classes + 1) + cls[at] + 1)
        key[p] = codes
    # A trajectory is (number of classes, key after the last of them).
    trajectory, seen = pd.factorize(length * (n_persons + 1) + key)
    sizes = np.bincount(trajectory, minlength=len(seen))
    out[has] = trajectory[person[has]]
    return out, sizes
