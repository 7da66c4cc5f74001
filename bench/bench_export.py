"""Researcher release export (issue 7): a ~1M-row release built with disclosure control and
written to Parquet and SPSS .sav, against plain ``DataFrame.to_parquet`` of the built frame as
the floor, with peak memory (tracemalloc) per step. No database needed.

    .venv/bin/python bench/bench_export.py [--associations 100] [--participants 1765]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _measure(label: str, fn):
    tracemalloc.start()
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"  {label:<44} {elapsed:7.1f} s   peak {peak:8.0f} MiB")
    return out, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--associations", type=int, default=100)
    parser.add_argument("--participants", type=int, default=1765)
    args = parser.parse_args()
    import numpy as np
    import pandas as pd

    from national.datasets import DatasetSpec, dataset_build, dataset_write
    from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

    instrument = yaml.safe_load((ROOT / "instrument/data/instrument_v1.yaml").read_text())
    specs = [
        AssociationSpec(
            slug=f"a{i:03d}", n_participants=args.participants, activity_names=("A", "B")
        )
        for i in range(args.associations)
    ]
    data = pilot_data_generate(associations=specs, forms=forms_from_instrument(instrument), seed=7)
    answers, outcomes, offset = [], [], 0
    for n, (slug, d) in enumerate(data.items()):
        a = d.answers
        ri = a["response_key"].cat.codes.to_numpy().astype(np.int64)
        r = d.responses.iloc[ri].reset_index(drop=True)
        codes = r["participant_code"].astype(object)
        answers.append(
            pd.DataFrame(
                {
                    "association": slug,
                    "county": f"{n % 21 + 1:02d}",
                    "response": ri + offset,
                    "pseudonym": [
                        None
                        if pd.isna(c)
                        else hashlib.sha256(f"{slug}{c}".encode()).hexdigest()[:32]
                        for c in codes
                    ],
                    "form_code": r["form_code"].astype(str),
                    "occasion": r["occasion"].astype(str),
                    "period": pd.to_datetime(r["answered_on"]).dt.to_period("M").dt.to_timestamp(),
                    "instrument_version": "2015.1",
                    "respondent": r["respondent"].astype(str),
                    "gender": r["gender"].astype(object),
                    "age_band": r["age_band"].astype(object),
                    "item_code": a["item_code"].astype(str).to_numpy(),
                    "value": a["value"].to_numpy(),
                    "dont_know": a["dont_know"].to_numpy(),
                }
            )
        )
        offset += len(d.responses)
        p = d.participants
        outcomes.append(
            pd.DataFrame(
                {
                    "association": slug,
                    "county": f"{n % 21 + 1:02d}",
                    "pseudonym": [
                        hashlib.sha256(f"{slug}{c}".encode()).hexdigest()[:32] for c in p["code"]
                    ],
                    "exit_month": pd.to_datetime(p["exited_on"])
                    .dt.to_period("M")
                    .dt.to_timestamp(),
                    "exit_outcome": p["exit_outcome"].astype(object),
                    "subsidised_work": p["subsidised_work"].to_numpy(dtype=bool),
                    "gender": p["gender"].astype(object),
                    "age_band": p["age_band"].astype(object),
                }
            )
        )
    answers_df = pd.concat(answers, ignore_index=True)
    outcomes_df = pd.concat(outcomes, ignore_index=True)
    spec = DatasetSpec(
        layout="wide", association_codes="coded", snapshot_number=1, citation="bench", k=5
    )
    print(f"{answers_df['response'].nunique():,} questionnaires, {len(answers_df):,} answers")
    built, _ = _measure(
        "dataset_build (wide, k-anonymity)",
        lambda: dataset_build(
            answers=answers_df, outcomes=outcomes_df, instrument=instrument, spec=spec
        ),
    )
    print(f"  rows released: {len(built.frame):,}; changes: {len(built.changes)}")
    with tempfile.TemporaryDirectory() as work:
        floor_path = Path(work) / "floor.parquet"
        _, floor = _measure("floor: frame.to_parquet", lambda: built.frame.to_parquet(floor_path))
        for fmt in ("parquet", "sav"):
            target = Path(work) / fmt
            target.mkdir()
            _, took = _measure(
                f"dataset_write {fmt} (+ datapackage, codebook)",
                lambda t=target, f=fmt: dataset_write(dataset=built, fmt=f, directory=t),
            )
            print(f"    ratio to floor: {took / floor:5.1f}x")


if __name__ == "__main__":
    main()
