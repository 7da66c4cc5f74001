"""Instrument validation report speed (issue 16): build the full report (reliability, validity,
validation with bootstrap CIs, CFA, invariance, item review, response rates) for N
associations x ~10,000 questionnaires, against a baseline measured in the same run: plain
coefficient alpha of every version x form on the same pooled frames (pivot to wide + one
covariance per form), the least any validation report has to do.

    .venv/bin/python bench/bench_validation.py [--associations 100] [--per-association 10000]
        [--n-boot 1000]

No database: the pooled frames come from pilot.synthetic via national.pooled_synthetic, the
shape ``snapshot_frames`` reads from a snapshot.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from national.pooled_synthetic import pooled_frames_from_synthetic
from national.reports import (
    PooledSnapshot,
    instrument_map_from_yaml,
    reliability_report,
    validity_report,
)
from national.reports.validation import validation_report
from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

INSTRUMENT = Path(__file__).resolve().parents[1] / "instrument" / "data" / "instrument_v1.yaml"


def plain_alpha(answers: pd.DataFrame) -> dict[str, float]:
    """Baseline: alpha of each form from complete questionnaires (wide pivot + covariance)."""
    out = {}
    x = pd.to_numeric(answers["value"]).astype("float64")
    frame = pd.DataFrame(
        {"form": answers["form_code"].astype(str).to_numpy(), "response": answers["response"],
         "item": answers["item_code"].astype(str).to_numpy(), "x": x.to_numpy()}
    )  # fmt: skip
    for form, part in frame.groupby("form", sort=True):
        wide = part.pivot(index="response", columns="item", values="x").dropna()
        k = wide.shape[1]
        if k < 2 or len(wide) < 3:
            continue
        c = np.cov(wide.to_numpy(), rowvar=False)
        out[str(form)] = k / (k - 1) * (1 - np.trace(c) / c.sum())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--associations", type=int, default=100)
    ap.add_argument("--per-association", type=int, default=10_000)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2016)
    args = ap.parse_args()

    instrument = yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8"))
    forms = forms_from_instrument(instrument)
    probe = pilot_data_generate(
        associations=[AssociationSpec(slug="probe", n_participants=2000, activity_names=("A",))],
        forms=forms, seed=args.seed,
    )["probe"]  # fmt: skip
    per_participant = len(probe.responses) / 2000
    specs = [
        AssociationSpec(
            slug=f"forbund-{i:03d}",
            n_participants=round(args.per_association / per_participant),
            activity_names=("A", "B", "C"),
            n_staff=20,
        )
        for i in range(args.associations)
    ]
    t0 = time.perf_counter()
    data = pilot_data_generate(associations=specs, forms=forms, seed=args.seed)
    answers, outcomes = pooled_frames_from_synthetic(data)
    del data
    t_gen = time.perf_counter() - t0
    n_q = answers["response"].nunique()
    print(
        f"data        {args.associations} associations, {n_q:,} questionnaires, "
        f"{len(answers):,} answers, {len(outcomes):,} participants (generated in {t_gen:.1f} s)"
    )

    def snapshot() -> PooledSnapshot:
        return PooledSnapshot(
            answers=answers, outcomes=outcomes, instrument=instrument_map_from_yaml(instrument)
        )

    t0 = time.perf_counter()
    alphas = plain_alpha(answers)
    t_base = time.perf_counter() - t0
    print(f"baseline    plain alpha of {len(alphas)} forms            {t_base:8.2f} s")

    pooled = snapshot()
    t0 = time.perf_counter()
    reliability = reliability_report(pooled, k=5)
    t_rel = time.perf_counter() - t0
    t0 = time.perf_counter()
    validity = validity_report(pooled, k=5)
    t_val = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = validation_report(
        pooled, reliability, validity, snapshot_number=1, code_version="bench",
        n_boot=args.n_boot,
    )  # fmt: skip
    t_vr = time.perf_counter() - t0
    total = t_rel + t_val + t_vr
    print(f"report      reliability                        {t_rel:8.2f} s")
    print(f"            validity (convergent, known groups, CFA) {t_val:6.2f} s")
    print(f"            validation (bootstrap x {args.n_boot}, invariance, review) {t_vr:6.2f} s")
    print(f"full        validation report                  {total:8.2f} s")
    print(f"ratio       full report / plain alpha          {total / t_base:8.1f}x")
    assert len(report["forms"]) >= 1


if __name__ == "__main__":
    main()
