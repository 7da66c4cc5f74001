"""Synthetic pilot data generator: questionnaires/s, answers/s and peak memory.

Data: --associations associations (default 100; 10 with --quick), each sized for about
--per-association questionnaires (default 10,000: about 1,800 participants, 3 activities, 10 staff
respondents), on the seven forms of the bundled instrument over the default pilot window
(2015-09-01 .. 2016-12-31). Staff ratings per participant carry 1-3 items, so answers average
about 3.9 per questionnaire; --per-association 21000 gives ~8M answers.

Measured in the same run, best of --repeat:
  baseline   rng.random(n_answers) + rng.random(n_questionnaires): drawing one uniform value
             per generated answer and questionnaire, the least work any generator must do
  ours       pilot.synthetic.pilot_data_generate for all associations (all three frames)
Peak memory: tracemalloc peak during one extra generation run (Python and numpy allocations
are both traced), and the process's peak resident set size (ru_maxrss) at the end.

Goal (brief): 1M questionnaires, ~8M answers in well under a minute, modest memory.
Run: .venv/bin/python bench/bench_synthetic.py [--quick]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pilot.synthetic import (  # noqa: E402
    AssociationSpec,
    SyntheticData,
    forms_from_instrument,
    pilot_data_generate,
)

INSTRUMENT = ROOT / "instrument" / "data" / "instrument_v1.yaml"
QUESTIONNAIRES_PER_ASSOCIATION = 10_000


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10 associations instead of 100")
    ap.add_argument("--associations", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument(
        "--per-association",
        type=int,
        default=QUESTIONNAIRES_PER_ASSOCIATION,
        help="questionnaires per association (default 10,000)",
    )
    args = ap.parse_args()
    n_assoc = args.associations or (10 if args.quick else 100)

    forms = forms_from_instrument(yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8")))
    # Size participants for ~10k questionnaires per association from a small pilot run.
    probe = pilot_data_generate(
        associations=[
            AssociationSpec(slug="probe", n_participants=2000, activity_names=("A", "B", "C"))
        ],
        forms=forms,
        seed=args.seed,
    )["probe"]
    per_participant = len(probe.responses) / 2000
    n_participants = round(args.per_association / per_participant)
    specs = [
        AssociationSpec(
            slug=f"forbund-{i:03d}",
            n_participants=n_participants,
            activity_names=("Arbetsmarknadstorget", "Samordningsteamet", "Unga vuxna"),
        )
        for i in range(n_assoc)
    ]

    def run() -> dict[str, SyntheticData]:
        return pilot_data_generate(associations=specs, forms=forms, seed=args.seed)

    out = run()
    n_q = sum(len(d.responses) for d in out.values())
    n_a = sum(len(d.answers) for d in out.values())
    n_p = sum(len(d.participants) for d in out.values())
    frame_mb = (
        sum(
            df.memory_usage(deep=True).sum()
            for d in out.values()
            for df in (d.participants, d.responses, d.answers)
        )
        / 2**20
    )
    del out
    print(
        f"{n_assoc} associations x {n_participants:,} participants: {n_p:,} participants, "
        f"{n_q:,} questionnaires, {n_a:,} answers ({per_participant:.2f} questionnaires per "
        f"participant); frames {frame_mb:,.0f} MiB (deep)"
    )

    rng = np.random.default_rng(0)
    t_base = best(lambda: (rng.random(n_a), rng.random(n_q)), args.repeat)
    t_ours = best(run, args.repeat)
    print(f"baseline  uniform draws      {t_base:8.3f} s  {n_a / t_base:14,.0f} values/s")
    print(
        f"ours      pilot_data_generate {t_ours:7.3f} s  {n_q / t_ours:14,.0f} questionnaires/s"
        f"  {n_a / t_ours:14,.0f} answers/s"
    )
    print(f"ratio     ours / baseline     {t_ours / t_base:7.1f} x")

    tracemalloc.start()
    out = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"memory    tracemalloc peak    {peak / 2**20:7.0f} MiB  (generation, frames included)")
    print(f"memory    process max RSS     {maxrss_mb:7.0f} MiB")


if __name__ == "__main__":
    main()
