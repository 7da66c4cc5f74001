"""Trajectories (stats.disclosure.trajectory): each person's set of classes, numbered exactly
and counted in persons; k-anonymity and generalisation with ``trajectories=True``. Checked
against Python frozensets over generated records (hypothesis) and hand-made cases."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stats.disclosure import (
    Generalisation,
    generalise_until_k_anonymous,
    k_anonymity,
    trajectory_sizes,
)


def reference(ids: list[int], persons: list[str | None]) -> tuple[list[frozenset[int]], Counter]:
    sets: dict[str, set[int]] = {}
    for i, p in zip(ids, persons, strict=True):
        if p is not None:
            sets.setdefault(p, set()).add(i)
    frozen = {p: frozenset(s) for p, s in sets.items()}
    return [frozen[p] if p is not None else frozenset() for p in persons], Counter(frozen.values())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.one_of(st.none(), st.sampled_from("abcdefghij"))),
        min_size=0,
        max_size=60,
    )
)
def test_trajectory_ids_equal_python_sets(records: list[tuple[int, str | None]]) -> None:
    ids = [i for i, _ in records]
    persons = [p for _, p in records]
    got, sizes = trajectory_sizes(np.array(ids, dtype=np.int64), pd.Series(persons, dtype=object))
    sets, held = reference(ids, persons)
    for r, p in enumerate(persons):
        if p is None:
            assert got[r] == -1
        else:
            assert sizes[got[r]] == held[sets[r]]
    for a in range(len(records)):
        for b in range(len(records)):
            if persons[a] is not None and persons[b] is not None:
                assert (got[a] == got[b]) == (sets[a] == sets[b])
    assert int(sizes.sum()) == len({p for p in persons if p is not None})


def test_sets_not_sequences_nor_counts() -> None:
    """Order and repetition of a person's records do not matter; a subset is another set."""
    ids = np.array([0, 1, 1, 0, 0, 0, 1])
    persons = pd.Series(["a", "a", "b", "b", "b", "c", None], dtype=object)
    got, sizes = trajectory_sizes(ids, persons)
    assert got[0] == got[2] and got[0] != got[5] and got[6] == -1
    assert sorted(sizes) == [1, 2]


def test_classes_of_k_persons_can_hide_a_trajectory_of_one() -> None:
    frame = pd.DataFrame(
        {
            "person": ["p1", "p1", "p2", "p2", "p3", "p3", None, None],
            "month": ["01", "02", "01", "03", "02", "03", "01", "01"],
        }
    )
    classes = k_anonymity(frame, ["month"], k=2, person="person")
    assert classes.satisfied  # every month holds two persons (or three)
    linked = k_anonymity(frame, ["month"], k=2, person="person", trajectories=True)
    assert linked.persons_at_risk == 3
    assert list(linked.at_risk) == [True] * 6 + [False] * 2  # rows without a person: classes
    with pytest.raises(ValueError):
        k_anonymity(frame, ["month"], k=2, trajectories=True)


def test_generalising_or_suppressing_whole_persons() -> None:
    frame = pd.DataFrame(
        {
            "person": ["p1", "p1", "p2", "p2", "p3", "p3", "p4", None, None],
            "month": ["01", "02", "01", "03", "02", "03", "07", "07", "07"],
        }
    )
    half = Generalisation("month", lambda m: "H1" if str(m) <= "06" else "H2", "half-year")
    done = generalise_until_k_anonymous(
        frame, ["month"], k=2, steps=[half], person="person", trajectories=True
    )
    # The half-year makes p1..p3 one trajectory {H1}; p4 alone in {H2} goes with its row,
    # which leaves the two rows without a person in a class of two.
    assert [g.description for g in done.applied] == ["half-year"]
    assert list(done.data["person"].fillna("-")) == ["p1", "p1", "p2", "p2", "p3", "p3", "-", "-"]
    assert done.check.satisfied and done.suppressed == 1
    assert any("trajectory" in c for c in done.changes)


def test_suppression_repeats_when_a_class_without_persons_shrinks() -> None:
    frame = pd.DataFrame(
        {"person": ["p1", None, "p2", "p2", "p3", "p3"], "g": ["x", "x", "y", "y", "y", "y"]}
    )
    # class x: p1 and one row without a person (2 "persons"), but p1's trajectory {x} is
    # alone: p1 goes, then the row without a person is alone in x and goes too.
    done = generalise_until_k_anonymous(frame, ["g"], k=2, person="person", trajectories=True)
    assert list(done.data["person"]) == ["p2", "p2", "p3", "p3"]
    assert done.suppressed == 2 and done.check.satisfied
    assert sum(c.startswith("suppressed") for c in done.changes) == 2
