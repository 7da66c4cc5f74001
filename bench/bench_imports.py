"""File imports (issue 17, point 4): a 1M-row CSV read as a stream, with time and peak RSS.

    .venv/bin/python bench/bench_imports.py [--rows 1000000]

Writes a board-form CSV of ``--rows`` rows (Windows-1252, semicolons, as Swedish Excel
writes it) to a scratch directory, then runs each step in a fresh Python process that reports
its own peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``):

* ``floor``: Python with Django and the reader imported, nothing read;
* ``baseline``: what the import did before issue 17 — the whole file as bytes, decoded,
  every row as a dict in a list (the baseline of the ratios);
* ``stream``: ``table_open`` (size, SHA-256, encoding in one pass) and every row through
  ``Table.rows`` with the limits lifted: the reader's own cost for the whole file;
* ``refused``: the same file with the default limits (``IMPORT_MAX_BYTES``,
  ``IMPORT_MAX_ROWS``): how fast and how small a too-large upload is turned away;
* ``row-limit``: only the row limit in force: read until row 50,001, then refused.

A file within the limits is then validated and stored by ``responses_import``, which holds
one ``SubmissionInput`` per row (at most ``IMPORT_MAX_ROWS``) — see bench_ingestion.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
import django
django.setup()
from django.conf import settings
for name, value in {limits!r}.items():
    setattr(settings, name, value)
from pilot.services.import_files import ImportRejected, table_open
path, step = {path!r}, {step!r}
start = time.perf_counter()
rows = 0
outcome = "read"
if step == "baseline":
    import csv, io
    content = open(path, "rb").read()
    text = content.decode("cp1252")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = table[0]
    dicts = [dict(zip(header, r)) for r in table[1:]]
    rows = len(dicts)
elif step in ("stream", "refused"):
    try:
        with open(path, "rb") as stream:
            table = table_open(filename="big.csv", content=stream)
            table.read_header()
            for _number, _row in table.rows():
                rows += 1
    except ImportRejected as exc:
        outcome = "refused: " + exc.cell_errors[0].message
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"rows": rows, "seconds": seconds, "peak_mib": peak, "outcome": outcome}}))
"""


def _write(path: Path, rows: int) -> None:
    day = [f"2016-03-{d:02}" for d in range(1, 29)]
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("activity;occasion;answered_on;p21;p24;p25\r\n")
        for i in range(rows):
            out.write(f"Insats Åsele;half_yearly;{day[i % 28]};{i % 5 + 1};{(i + 2) % 5 + 1};3\r\n")


def _run(path: Path, step: str, limits: dict[str, int]) -> dict[str, Any]:
    code = STEP.format(root=str(ROOT), limits=limits, path=str(path), step=step)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    lifted = {"IMPORT_MAX_BYTES": 1 << 40, "IMPORT_MAX_ROWS": 10**9}
    defaults = {"IMPORT_MAX_BYTES": 20 * 1024 * 1024, "IMPORT_MAX_ROWS": 50_000}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "big.csv"
        start = time.perf_counter()
        _write(path, args.rows)
        size = path.stat().st_size / 1024 / 1024
        print(
            f"file: {args.rows:,} rows, {size:.1f} MiB, written in "
            f"{time.perf_counter() - start:.1f} s"
        )
        results = {
            "floor": _run(path, "floor", lifted),
            "baseline": _run(path, "baseline", lifted),
            "stream": _run(path, "stream", lifted),
            "refused": _run(path, "refused", defaults),
            "row-limit": _run(path, "refused", {**defaults, "IMPORT_MAX_BYTES": 1 << 40}),
        }
    base = results["baseline"]
    print(
        f"{'step':<10}{'rows':>11}{'seconds':>9}{'peak MiB':>10}{'x base RSS':>11}{'x base s':>9}"
    )
    for step, r in results.items():
        print(
            f"{step:<10}{r['rows']:>11,}{r['seconds']:>9.2f}{r['peak_mib']:>10.0f}"
            f"{r['peak_mib'] / base['peak_mib']:>11.2f}"
            f"{(r['seconds'] / base['seconds']) if base['seconds'] else 0:>9.2f}"
        )
    print("refused:", results["refused"]["outcome"])
    print("row-limit:", results["row-limit"]["outcome"])


if __name__ == "__main__":
    main()
