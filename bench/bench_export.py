"""Researcher release export (issue 7): a ~1M-questionnaire release built with disclosure
control and written to Parquet, SPSS .sav and Stata .dta, with time and peak memory per step.
No database needed: ``national.pooled_synthetic`` turns the pilot generator's output into the
pooled-snapshot frames that ``national.reports.store.snapshot_frames`` returns.

    .venv/bin/python bench/bench_export.py [--associations 100] [--participants 1765]
        [--repeat 3] [--categorical] [--formats parquet,sav,dta,csv] [--pyreadstat]

Every step runs in a fresh Python process and reports its own peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``: everything the process touched, numpy/Arrow/readstat
buffers included — unlike tracemalloc, which sees Python allocations only). Steps hand their
output to the next through pickles in a scratch directory (outside the timings):

* ``imports``: Python with pandas, pyarrow and pyreadstat imported (the floor of every step);
* ``generate``: the pilot generator and the pooled shape (the baseline of the ratios);
* ``frames``: the pooled frames loaded (the input held by ``build``);
* ``build``: ``dataset_build`` (wide, coded associations, k = 5 persons on the default
  quasi-identifiers, exit outcome and exit month included);
* ``built``: the released frame loaded (the input held by every writer);
* ``floor``: ``frame.to_parquet`` of the released frame (pyarrow defaults, no codebook);
* ``parquet`` / ``sav`` / ``dta`` / ``csv``: ``dataset_write`` (data file, datapackage.json,
  codebook.html).

"x generate" is peak RSS over the generate step's; "+ input" is peak RSS over the step's input
(``frames`` for build, ``built`` for writers): what the step itself adds. "x floor" is the
best time over the best ``floor`` time; "x parquet" over the best ``parquet`` writer time
(issue 15: .sav and .dta within 5x of Parquet, peak RSS within 1 GiB; printed as "goal").

What streams and what does not. The released frame itself is in memory (it is the result of
disclosure control, which needs every questionnaire: k-anonymity is a property of the whole
release); at 1M questionnaires x 42 columns it is ~110 MiB (text as categoricals, items
Int16). Every writer then works in chunks of rows: Parquet one row group (256Ki rows) at a
time through ``pyarrow.parquet.ParquetWriter``; CSV 50,000 rows at a time; .sav and .dta
65,536 rows at a time, encoded with numpy into the files' fixed-width records after pyreadstat
has written the dictionary from a two-row template. pyreadstat on its own needs the whole frame
(plus a float/text copy of it) and writes row by row in Python (~150 s for this release); it is
kept as the fallback when the template check fails (e.g. .sav strings over 255 bytes) —
``--pyreadstat`` measures that path. XLSX (openpyxl) holds the whole workbook and is limited to
1,048,575 rows. The release archive is zipped and checksummed in 1 MiB blocks, and downloads
are ``FileResponse`` streams.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WRITERS = ("parquet", "sav", "dta", "csv")


def _load(path: Path) -> Any:
    with path.open("rb") as fh:
        return pickle.load(fh)


def _dump(obj: Any, path: Path) -> None:
    with path.open("wb") as fh:
        pickle.dump(obj, fh, protocol=5)


def _step(name: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run one step in this (fresh) process; returns seconds and what to print."""
    import pandas as pd  # noqa: F401  (every step pays for the imports)
    import pyarrow  # noqa: F401
    import pyreadstat  # noqa: F401
    import yaml

    from national import datasets

    instrument = yaml.safe_load((ROOT / "instrument/data/instrument_v1.yaml").read_text())
    out: dict[str, Any] = {}
    t = time.perf_counter()
    if name == "imports":
        pass
    elif name == "generate":
        from national.pooled_synthetic import pooled_frames_from_synthetic
        from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

        specs = [
            AssociationSpec(
                slug=f"a{i:03d}", n_participants=args.participants, activity_names=("A", "B")
            )
            for i in range(args.associations)
        ]
        data = pilot_data_generate(
            associations=specs, forms=forms_from_instrument(instrument), seed=7
        )
        answers, outcomes = pooled_frames_from_synthetic(
            data, county=lambda n, _slug: f"{n % 21 + 1:02d}"
        )
        del data
        if args.categorical:
            answers, outcomes = (
                f.astype({c: "category" for c in f.columns if f[c].dtype in (object, "str")})
                for f in (answers, outcomes)
            )
        seconds = time.perf_counter() - t
        _dump((answers, outcomes), work / "frames.pkl")
        out["note"] = f"{answers['response'].nunique():,} questionnaires, {len(answers):,} answers"
        return {"seconds": seconds, **out}
    elif name == "frames":
        _load(work / "frames.pkl")
    elif name == "build":
        answers, outcomes = _load(work / "frames.pkl")
        t = time.perf_counter()
        built = datasets.dataset_build(
            answers=answers,
            outcomes=outcomes,
            instrument=instrument,
            spec=datasets.DatasetSpec(
                layout="wide", association_codes="coded", snapshot_number=1, citation="bench"
            ),
        )
        seconds = time.perf_counter() - t
        _dump(built, work / "built.pkl")
        mib = built.frame.memory_usage(deep=True).sum() / 2**20
        out["note"] = (
            f"{len(built.frame):,} rows x {built.frame.shape[1]} columns released "
            f"({mib:,.0f} MiB in memory); {len(built.changes)} disclosure changes"
        )
        return {"seconds": seconds, **out}
    elif name == "built":
        _load(work / "built.pkl")
    else:
        built = _load(work / "built.pkl")
        target = Path(tempfile.mkdtemp(dir=work))
        t = time.perf_counter()
        if name == "floor":
            path = target / "floor.parquet"
            built.frame.to_parquet(path)
        elif name == "sav-pyreadstat":
            path = target / "data.sav"
            datasets._sav_write(built, path, fast=False)
        else:
            path = datasets.dataset_write(dataset=built, fmt=name, directory=target)[0]
        seconds = time.perf_counter() - t
        out["note"] = f"{path.stat().st_size / 2**20:,.1f} MiB file"
        return {"seconds": seconds, **out}
    return {"seconds": time.perf_counter() - t, **out}


def _child(name: str, work: Path, argv: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", name, "--work", str(work), *argv],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--associations", type=int, default=100)
    parser.add_argument("--participants", type=int, default=1765)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each timed step")
    parser.add_argument("--categorical", action="store_true", help="text columns categorical")
    parser.add_argument("--formats", default=",".join(WRITERS[:3]))
    parser.add_argument("--pyreadstat", action="store_true", help="also pyreadstat's own .sav")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        result = _step(args.step, Path(args.work), args)
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    argv = [f"--associations={args.associations}", f"--participants={args.participants}"]
    argv += ["--categorical"] if args.categorical else []
    formats = [f for f in args.formats.split(",") if f]
    timed = ["build", "floor", *formats] + (["sav-pyreadstat"] if args.pyreadstat else [])
    steps = ["imports", "generate", "frames", "build", "built", *timed[1:]]
    inputs = {"build": "frames", **{s: "built" for s in timed[1:]}}
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in steps:
            runs = args.repeat if name in timed else 1
            results[name] = [_child(name, work, argv) for _ in range(runs)]
            if name == "generate":
                print(results[name][0]["note"])
    base = max(r["rss_mib"] for r in results["generate"])
    floor = [r["seconds"] for r in results["floor"]]
    parquet = [r["seconds"] for r in results.get("parquet", [])]
    print(
        f"\n  {'step':<16}{'time s':>14}{'x floor':>11}{'x parquet':>11}{'peak RSS MiB':>15}"
        f"{'x generate':>12}{'+ input MiB':>13}  note"
    )
    for name in steps:
        runs = results[name]
        secs = [r["seconds"] for r in runs]
        rss = max(r["rss_mib"] for r in runs)
        span = f"{min(secs):.2f}" + (f"–{max(secs):.2f}" if len(secs) > 1 else "")
        ratio = f"{min(secs) / min(floor):.1f}" if name in timed[1:] else ""
        vs_parquet = f"{min(secs) / min(parquet):.1f}" if parquet and name in timed[1:] else ""
        added = ""
        if name in inputs:
            added = f"{rss - max(r['rss_mib'] for r in results[inputs[name]]):+,.0f}"
        note = runs[0].get("note", "")
        print(
            f"  {name:<16}{span if name not in ('imports', 'frames', 'built') else '':>14}"
            f"{ratio:>11}{vs_parquet:>11}{rss:>15,.0f}{rss / base:>12.2f}{added:>13}  {note}"
        )
    # Issue 15's goals, printed against this run's own Parquet writer (never asserted).
    if parquet:
        for fmt in ("sav", "dta"):
            if fmt in results:
                secs = min(r["seconds"] for r in results[fmt])
                rss = max(r["rss_mib"] for r in results[fmt])
                print(
                    f"  goal {fmt}: {secs / min(parquet):.1f}x parquet time (goal <= 5), "
                    f"peak RSS {rss:,.0f} MiB (goal <= 1024)"
                )


if __name__ == "__main__":
    main()
