"""Researcher release export (issue 7): a ~1M-row release built with disclosure control and
written to Parquet and SPSS .sav, against plain ``DataFrame.to_parquet`` of the built frame as
the floor, with peak memory (tracemalloc) per step. No database needed.

    .venv/bin/python bench/bench_export.py [--associations 100] [--participants 1765]
"""

from __future__ import annotations

import argparse
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

    from national.datasets import DatasetSpec, dataset_build, dataset_write
    from national.pooled_synthetic import pooled_frames_from_synthetic
    from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

    instrument = yaml.safe_load((ROOT / "instrument/data/instrument_v1.yaml").read_text())
    specs = [
        AssociationSpec(
            slug=f"a{i:03d}", n_participants=args.participants, activity_names=("A", "B")
        )
        for i in range(args.associations)
    ]
    data = pilot_data_generate(associations=specs, forms=forms_from_instrument(instrument), seed=7)
    answers_df, outcomes_df = pooled_frames_from_synthetic(
        data, county=lambda n, _slug: f"{n % 21 + 1:02d}"
    )
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
