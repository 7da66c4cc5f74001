"""Dataset files for fixed requests on a fixed generated snapshot are byte-identical to the
ones stored in ``golden_hashes.json`` (first recorded before national/datasets.py became a
package, issue 12; recorded again deliberately for issue 15: k counted in persons with exit
outcome and month as quasi-identifiers, -8 not answered, Stata .a/.b, SPSS formats and
measures, numeric-coded categoricals, reason columns, syntax files beside the CSV; and
again for the person link: no pseudonym without it, a release's own with it).

Only the parts of a file that carry the time of writing are blanked before hashing: the
creation date and time in the .sav header, ``<timestamp>`` in the .dta header, and the
created/modified dates and zip member times of the .xlsx (hashed member by member). Every
other byte counts. Set ``NNS_GOLDEN_WRITE=1`` to record the hashes again (only after a
deliberate change of the output).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from national.datasets import FORMATS, DatasetSpec, dataset_build, dataset_write
from national.pooled_synthetic import pooled_frames_from_synthetic
from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

ROOT = Path(__file__).resolve().parents[3]
INSTRUMENT = yaml.safe_load((ROOT / "instrument" / "data" / "instrument_v1.yaml").read_text())
GOLDEN = Path(__file__).with_name("golden_hashes.json")

SPECS = (
    AssociationSpec(slug="alfa", n_participants=60, activity_names=("A",), n_staff=8),
    AssociationSpec(slug="beta", n_participants=40, activity_names=("A",), n_staff=6),
    AssociationSpec(slug="gamma", n_participants=8, activity_names=("A",), n_staff=2),
)
REQUESTS: dict[str, DatasetSpec] = {
    # generalisation and suppression both needed (gamma is tiny)
    "wide-coded": DatasetSpec(
        layout="wide",
        association_codes="coded",
        snapshot_number=3,
        citation="NNS (2016). Kärnindikatorer, ögonblicksbild 3.",
    ),
    "long-names-period": DatasetSpec(
        layout="long",
        variables=("p1", "p14", "p16a"),
        period_from=date(2015, 10, 1),
        period_to=date(2016, 5, 31),
        snapshot_number=4,
        k=3,
    ),
    # a person link: the release's own pseudonyms, shuffled rows, trajectories protected
    "wide-linked": DatasetSpec(
        layout="wide",
        variables=("p1", "p2", "p14"),
        association_codes="coded",
        snapshot_number=5,
        k=3,
        person_link=True,
        pseudonym_key=b"golden-release-key",
    ),
}


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = pilot_data_generate(
        associations=SPECS, forms=forms_from_instrument(INSTRUMENT), seed=7,
        start=date(2015, 9, 1), end=date(2016, 6, 30),
    )  # fmt: skip
    return pooled_frames_from_synthetic(data, county=lambda n, _slug: "24" if n % 2 == 0 else "25")


def _xlsx_fingerprint(raw: bytes, path: Path) -> bytes:
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            content = zf.read(name)
            if name == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"", content)
            digest.update(name.encode() + b"\0" + content + b"\0")
    return digest.digest()


def fingerprint(path: Path) -> str:
    """SHA-256 of the file with the time of writing blanked (see the module docstring)."""
    raw = path.read_bytes()
    if path.suffix == ".sav":
        raw = raw[:92] + b"\0" * 17 + raw[109:]  # creation date (9) and time (8)
    elif path.suffix == ".dta":
        raw = re.sub(rb"<timestamp>.*?</timestamp>", b"<timestamp></timestamp>", raw, count=1)
    elif path.suffix == ".xlsx":
        raw = _xlsx_fingerprint(raw, path)
    return hashlib.sha256(raw).hexdigest()


def _hashes(frames: tuple[pd.DataFrame, pd.DataFrame], directory: Path) -> dict[str, str]:
    answers, outcomes = frames
    out: dict[str, str] = {}
    for name, spec in REQUESTS.items():
        built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
        for fmt in FORMATS:
            target = directory / name / fmt
            for path in dataset_write(dataset=built, fmt=fmt, directory=target):
                out[f"{name}/{fmt}/{path.name}"] = fingerprint(path)
    return out


def test_fingerprint_ignores_only_the_time_of_writing(
    frames: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    answers, outcomes = frames
    spec = REQUESTS["long-names-period"]
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    for fmt in ("sav", "dta"):
        (path, *_rest) = dataset_write(dataset=built, fmt=fmt, directory=tmp_path / fmt)
        before = fingerprint(path)
        raw = bytearray(path.read_bytes())
        raw[-1] ^= 0xFF  # a changed data byte changes the fingerprint
        path.write_bytes(bytes(raw))
        assert fingerprint(path) != before


def test_dataset_files_identical_to_golden(
    frames: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    got = _hashes(frames, tmp_path)
    if os.environ.get("NNS_GOLDEN_WRITE") == "1":
        GOLDEN.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert set(got) == set(expected)
    differing = sorted(k for k in got if got[k] != expected[k])
    assert not differing, differing
