"""Report fixtures on the generated snapshot, computed once per test session."""

from __future__ import annotations

from datetime import date

import pytest

from national.reports import (
    PooledSnapshot,
    association_results,
    benchmark_report,
    reliability_report,
    validity_report,
)
from pilot.synthetic import forms_from_instrument, pilot_data_generate
from tests.national.reports._data import (
    INSTRUMENT,
    SPECS,
    TARGETS,
    K,
    pooled_from_synthetic,
)


@pytest.fixture(scope="session")
def snapshot() -> PooledSnapshot:
    data = pilot_data_generate(
        associations=SPECS, forms=forms_from_instrument(INSTRUMENT), seed=2016,
        start=date(2015, 9, 1), end=date(2016, 12, 31),
    )  # fmt: skip
    return pooled_from_synthetic(data)


@pytest.fixture(scope="session")
def bench(snapshot: PooledSnapshot) -> dict:
    return benchmark_report(snapshot, TARGETS, k=K)


@pytest.fixture(scope="session")
def reliability(snapshot: PooledSnapshot) -> list:
    return reliability_report(snapshot, k=K)


@pytest.fixture(scope="session")
def validity(snapshot: PooledSnapshot) -> dict:
    return validity_report(snapshot, k=K)


@pytest.fixture(scope="session")
def own_results(snapshot: PooledSnapshot) -> dict:
    return {spec.slug: association_results(snapshot, spec.slug, TARGETS, k=K) for spec in SPECS}
