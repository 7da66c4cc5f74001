"""Personkoppling (issue 15, ADR 0016): a release links one person's rows only when asked.

With the link, the pseudonym is the release's own (re-keyed, rows shuffled and renumbered)
and disclosure control protects each person's trajectory: no set of quasi-identifier
combinations across a person's rows is held by fewer than k persons, and no class under k
persons (hypothesis over generated pools with repeated questionnaires; counted here with
Python sets and pandas, independently of stats.disclosure). Without it, no pseudonym in any
format, read back with each format's reader."""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from national.datasets import (
    DEFAULT_QUASI_IDENTIFIERS,
    FORMATS,
    BuiltDataset,
    DatasetSpec,
    dataset_build,
    dataset_write,
)
from tests.national.datasets.conftest import INSTRUMENT
from tests.national.datasets.test_k_persons import persons_per_class, repeated_pool

QI = list(DEFAULT_QUASI_IDENTIFIERS)


def national_pool(seed: int, persons: int, repeats: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A generated pool whose pseudonyms look like the national ones (32 hex digits), so that
    a search for them in written files cannot match by chance."""
    answers, outcomes = repeated_pool(seed, persons, repeats)

    def hexed(v: object) -> object:
        return None if v is None or pd.isna(v) else hashlib.sha256(str(v).encode()).hexdigest()[:32]

    answers["pseudonym"] = answers["pseudonym"].map(hexed)
    outcomes["pseudonym"] = outcomes["pseudonym"].map(hexed)
    return answers, outcomes


def trajectory_counts(frame: pd.DataFrame, person: pd.Series) -> dict[object, int]:
    """Persons holding each person's trajectory: the set of quasi-identifier combinations
    of the person's questionnaires, as Python frozensets."""
    per_q = frame.assign(_person=person.to_numpy()).drop_duplicates("response")
    per_q = per_q[per_q["_person"].notna()]
    sets: dict[object, set[tuple[object, ...]]] = {}
    rows = per_q[QI].astype(object).itertuples(index=False)
    for p, row in zip(per_q["_person"], rows, strict=True):
        sets.setdefault(p, set()).add(tuple(None if pd.isna(v) else str(v) for v in row))
    held = Counter(frozenset(s) for s in sets.values())
    return {p: held[frozenset(s)] for p, s in sets.items()}


def build(answers: pd.DataFrame, outcomes: pd.DataFrame, **spec: object) -> BuiltDataset:
    return dataset_build(
        answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=DatasetSpec(**spec)
    )  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    persons=st.integers(1, 150),
    repeats=st.integers(1, 6),
    k=st.integers(2, 6),
    layout=st.sampled_from(["wide", "long"]),
)
def test_property_linked_release_protects_every_trajectory(
    seed: int, persons: int, repeats: int, k: int, layout: str
) -> None:
    answers, outcomes = national_pool(seed, persons, repeats)
    built = build(answers, outcomes, layout=layout, k=k, association_codes="coded",
                  person_link=True, pseudonym_key=f"release-{seed}".encode())  # fmt: skip
    f = built.frame
    if not len(f):
        return
    held = trajectory_counts(f, f["pseudonym"])
    assert min(held.values(), default=k) >= k, sorted(held.values())[:5]
    sizes = persons_per_class(f, QI)
    assert int(sizes.min()) >= k
    # The release's own pseudonyms and numbers: none of the national ones, 1..n.
    assert not set(f["pseudonym"].dropna().astype(str)) & set(answers["pseudonym"].dropna())
    assert sorted(f["response"].unique()) == list(range(1, f["response"].nunique() + 1))
    assert built.codebook["person_link"]["linked"] is True


def _read_back(directory: Path, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(directory / "data.csv", dtype=str, keep_default_na=False)
    if fmt == "xlsx":
        return pd.read_excel(directory / "data.xlsx", sheet_name="data", dtype=str)
    if fmt == "sav":
        return pyreadstat.read_sav(str(directory / "data.sav"), user_missing=True)[0]
    if fmt == "dta":
        return pyreadstat.read_dta(str(directory / "data.dta"))[0]
    return pq.read_table(directory / "data.parquet").to_pandas()


def _text_of_files(directory: Path) -> str:
    """Every text file beside the data (csv, codebook, datapackage, syntax files)."""
    texts = []
    for path in sorted(directory.iterdir()):
        if path.suffix in (".csv", ".json", ".html", ".sps", ".do", ".R"):
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    persons=st.integers(5, 80),
    repeats=st.integers(1, 4),
    k=st.integers(2, 5),
    layout=st.sampled_from(["wide", "long"]),
)
def test_property_unlinked_release_has_no_pseudonym_in_any_format(
    seed: int, persons: int, repeats: int, k: int, layout: str
) -> None:
    answers, outcomes = national_pool(seed, persons, repeats)
    built = build(answers, outcomes, layout=layout, k=k)
    assert "pseudonym" not in built.frame.columns
    sizes = persons_per_class(built.frame, QI, answers)
    assert not len(sizes) or int(sizes.min()) >= k
    national = set(answers["pseudonym"].dropna())
    with tempfile.TemporaryDirectory() as work:
        for fmt in FORMATS:
            folder = Path(work) / fmt
            dataset_write(dataset=built, fmt=fmt, directory=folder)
            back = _read_back(folder, fmt)
            assert len(back) == len(built.frame), fmt
            assert not [c for c in back.columns if "pseudonym" in str(c).lower()], fmt
            cells = {str(v) for c in back.columns for v in back[c].dropna().unique()}
            assert not cells & national, fmt
            text = _text_of_files(folder)
            assert not [p for p in national if p in text], fmt
    assert built.codebook["person_link"]["linked"] is False
    assert "pseudonym" not in {v["name"] for v in built.codebook["variables"]}


def test_linked_release_keeps_the_release_pseudonym_in_every_format(tmp_path: Path) -> None:
    answers, outcomes = national_pool(5, 120, 3)
    built = build(answers, outcomes, k=3, person_link=True, pseudonym_key=b"release-9")
    released = built.frame["pseudonym"].astype(object)
    for fmt in FORMATS:
        dataset_write(dataset=built, fmt=fmt, directory=tmp_path / fmt)
        back = _read_back(tmp_path / fmt, fmt)
        got = back["pseudonym"].astype(object).where(back["pseudonym"].astype(str) != "", None)
        assert [None if pd.isna(v) else str(v) for v in got] == [
            None if pd.isna(v) else str(v) for v in released
        ], fmt
    html = (tmp_path / "csv" / "codebook.html").read_text(encoding="utf-8")
    assert "Med personkoppling (pseudonym för detta utlämnande)" in html
    assert "varje sådan kombination delas av minst k personer" in html


def triangle() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three persons, two questionnaires each, in three months: every month holds two
    persons, but each person's pair of months is their own."""
    months = {
        "p1": ("2016-01", "2016-02"),
        "p2": ("2016-01", "2016-03"),
        "p3": ("2016-02", "2016-03"),
    }
    rows = [(p, m) for p, ms in months.items() for m in ms]
    ctx = pd.DataFrame(
        {
            "response": np.arange(len(rows)),
            "pseudonym": [hashlib.sha256(p.encode()).hexdigest()[:32] for p, _ in rows],
            "association": "alfa",
            "county": "01",
            "period": pd.to_datetime([f"{m}-01" for _, m in rows]),
            "instrument_version": "2015.1",
            "form_code": "participant_during",
            "occasion": "during",
            "respondent": "participant",
            "gender": "woman",
            "age_band": "20-24",
        }
    )
    answers = ctx.assign(item_code="p1", value=pd.array([3] * len(ctx), dtype="Int16"),
                         dont_know=False)  # fmt: skip
    outcomes = pd.DataFrame(
        {"association": "alfa", "county": "01",
         "pseudonym": sorted(set(ctx["pseudonym"])), "exit_month": pd.NaT,
         "exit_outcome": None, "subsidised_work": False, "gender": "woman", "age_band": "20-24"}
    )  # fmt: skip
    return answers, outcomes


def test_a_trajectory_of_ones_own_is_generalised_only_with_the_link() -> None:
    answers, outcomes = triangle()
    qi = ("association", "period")
    plain = build(answers, outcomes, k=2, variables=("p1",), quasi_identifiers=qi)
    months = sorted(plain.frame["period"].astype(str))
    assert months == ["2016-01", "2016-01", "2016-02", "2016-02", "2016-03", "2016-03"]
    assert plain.changes == []  # every month holds two persons
    linked = build(answers, outcomes, k=2, variables=("p1",), quasi_identifiers=qi,
                   person_link=True, pseudonym_key=b"r1")  # fmt: skip
    assert set(linked.frame["period"].astype(str)) == {"2016-H1"}
    assert len(linked.frame) == 6 and linked.frame["pseudonym"].nunique() == 3
    assert "3 persons whose set of classes" in linked.changes[0]
    period = next(q for q in linked.codebook["disclosure"] if q["name"] == "period")
    assert period["generalisations"] == ["period coarsened from month to half-year (YYYY-H1/H2)"]


def test_each_release_has_its_own_pseudonyms_and_order() -> None:
    answers, outcomes = national_pool(8, 100, 3)
    one = build(answers, outcomes, k=3, person_link=True, pseudonym_key=b"release-1")
    again = build(answers, outcomes, k=3, person_link=True, pseudonym_key=b"release-1")
    two = build(answers, outcomes, k=3, person_link=True, pseudonym_key=b"release-2")
    pd.testing.assert_frame_equal(one.frame, again.frame)  # a rebuild is the same file
    a = set(one.frame["pseudonym"].dropna().astype(str))
    b = set(two.frame["pseudonym"].dropna().astype(str))
    assert a and not a & b  # two releases cannot be joined on the pseudonym
    assert not a & set(answers["pseudonym"].dropna())
    # ... nor on the questionnaire number or the row order: same persons, other numbers.
    assert len(one.frame) == len(two.frame)
    assert not np.array_equal(one.frame["p1"].to_numpy(), two.frame["p1"].to_numpy())
    assert sorted(Counter(one.frame["pseudonym"].dropna()).values()) == sorted(
        Counter(two.frame["pseudonym"].dropna()).values()
    )


def test_a_link_needs_the_release_key() -> None:
    with pytest.raises(ValueError, match="pseudonym_key"):
        DatasetSpec(person_link=True)
    assert "pseudonym_key" not in repr(DatasetSpec(person_link=True, pseudonym_key=b"secret"))
