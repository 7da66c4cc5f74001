"""Synthetic pilot data: refused arguments, invariants for any small spec (hypothesis), and
the generator package's purity."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilot.synthetic import AssociationSpec, FormSpec, forms_from_instrument, pilot_data_generate

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT_FILE = ROOT / "instrument" / "data" / "instrument_v1.yaml"


@pytest.fixture(scope="module")
def forms() -> list[FormSpec]:
    return forms_from_instrument(yaml.safe_load(INSTRUMENT_FILE.read_text(encoding="utf-8")))


def _specs(n: int = 5, participants: int = 800, staff: int = 10) -> list[AssociationSpec]:
    return [
        AssociationSpec(
            slug=f"forbund-{chr(ord('a') + i)}",
            n_participants=participants,
            activity_names=("Arbetsmarknadstorget", "Samordningsteamet", "Unga vuxna"),
            n_staff=staff,
        )
        for i in range(n)
    ]


# --- arguments, edge cases, purity ------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dont_know_rate": -0.1},
        {"item_missing_rate": 1.5},
        {"dont_know_rate": 0.6, "item_missing_rate": 0.6},
        {"start": date(2016, 1, 1), "end": date(2015, 1, 1)},
        {"seed": -1},
    ],
)
def test_bad_arguments_are_refused(forms, kwargs):
    args = {"associations": _specs(n=1, participants=10), "forms": forms, "seed": 1, **kwargs}
    with pytest.raises(ValueError):
        pilot_data_generate(**args)


def test_duplicate_slugs_are_refused(forms):
    spec = _specs(n=1, participants=10)[0]
    with pytest.raises(ValueError):
        pilot_data_generate(associations=[spec, spec], forms=forms, seed=1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32),
    n_participants=st.integers(0, 40),
    n_staff=st.integers(0, 12),
    n_activities=st.integers(1, 4),
    days=st.integers(1, 800),
    dk=st.floats(0, 0.5),
    miss=st.floats(0, 0.5),
)
def test_invariants_hold_for_any_small_spec(
    forms, seed, n_participants, n_staff, n_activities, days, dk, miss
):
    start = date(2015, 9, 1)
    end = date.fromordinal(start.toordinal() + days)
    spec = AssociationSpec(
        slug="x",
        n_participants=n_participants,
        activity_names=tuple(f"A{i}" for i in range(n_activities)),
        n_staff=n_staff,
    )
    d = pilot_data_generate(
        associations=[spec],
        forms=forms,
        seed=seed,
        start=start,
        end=end,
        dont_know_rate=dk,
        item_missing_rate=miss,
    )["x"]
    p, r, a = d.participants, d.responses, d.answers
    assert len(p) == n_participants and p["code"].is_unique
    assert r["answered_on"].between(pd.Timestamp(start), pd.Timestamp(end)).all()
    assert r["response_key"].is_unique
    assert a["value"].dropna().between(1, 5).all()
    assert a.loc[a["dont_know"], "value"].isna().all()
    assert a["value"].dtype == pd.Int16Dtype()
    if n_participants:
        assert (r["form_code"] == "participant_during").sum() >= n_participants
    if n_staff == 0:
        assert not r["form_code"].isin(["staff_half_yearly", "manager", "board"]).any()


def test_package_is_pure():
    """numpy, pandas, the standard library and the (pure) vocabulary only: no Django, no other
    project module."""
    imported: set[str] = set()
    for path in (ROOT / "pilot" / "synthetic").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.level == 0
                and not node.module.startswith("pilot.synthetic")
            ):
                imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "hashlib", "collections", "dataclasses", "datetime",
                        "functools", "typing", "numpy", "pandas", "vocabulary"}  # fmt: skip
