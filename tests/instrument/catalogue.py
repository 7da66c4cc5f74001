"""The instrument data file and the seed document, loaded once for the catalogue tests."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve()
REPO_ROOT = HERE.parents[2]
DATA_FILE = REPO_ROOT / "instrument" / "data" / "instrument_v1.yaml"
SEED_NAME = "000_e445fcb41c2a3b07.txt"
DEFAULT_SEED_DIR = HERE.parents[3] / "shared" / "seeds"

RESPONDENTS = {"participant", "staff", "manager", "board", "partner_management"}
OCCASIONS = {"during", "exit", "periodic", "half_yearly", "yearly_register"}
LEVELS = {"participant", "staff", "organisation", "society"}

# Ordered item codes per form (domain.md).
EXPECTED_FORMS: dict[str, tuple[str, list[str]]] = {
    "participant_during": ("participant", ["p1", "p3", "p5", "p8", "p10", "p14", "p18"]),
    "participant_exit": (
        "participant",
        ["p2", "p4", "p6", "p9", "p11", "p12", "p13", "p14", "p18"],
    ),
    "staff_participant": ("staff", ["p7", "p12", "p15"]),
    "staff_half_yearly": (
        "staff",
        ["p16a", "p16b", "p17a", "p17b", "p19", "p21", "p22", "p23"],
    ),
    "manager": ("manager", ["p17a", "p17b", "p17c", "p19"]),
    "board": ("board", ["p21", "p24", "p25"]),
    "partner_management": ("partner_management", ["p21", "p26"]),
}

# (type, level) per indicator, from the "(Processindikator/Deltagare)"-style tags in the seed.
EXPECTED_INDICATORS: dict[int, tuple[str, str]] = {
    1: ("process", "participant"),
    2: ("process", "participant"),
    3: ("process", "participant"),
    4: ("process", "participant"),
    5: ("process", "participant"),
    6: ("process", "participant"),
    7: ("process", "participant"),
    8: ("process", "staff"),
    9: ("process", "organisation"),
    10: ("process", "society"),
    11: ("effect", "participant"),
    12: ("effect", "staff"),
    13: ("effect", "staff"),
    14: ("effect", "organisation"),
    15: ("effect", "society"),
}

# point -> (indicator, respondents, occasions); from Tabell 1 and the per-indicator
# "Mätpunkter" / "Mättillfällen" lines of the seed.
EXPECTED_POINTS: dict[int, tuple[int, set[str], set[str]]] = {
    1: (1, {"participant"}, {"during"}),
    2: (1, {"participant"}, {"exit"}),
    3: (2, {"participant"}, {"during"}),
    4: (2, {"participant"}, {"exit"}),
    5: (3, {"participant"}, {"during"}),
    6: (3, {"participant"}, {"exit"}),
    7: (3, {"staff"}, {"during", "exit"}),
    8: (4, {"participant"}, {"during"}),
    9: (4, {"participant"}, {"exit"}),
    10: (5, {"participant"}, {"during"}),
    11: (5, {"participant"}, {"exit"}),
    12: (6, {"participant", "staff"}, {"exit"}),
    13: (6, {"participant"}, {"exit"}),
    14: (7, {"participant"}, {"during", "exit", "periodic"}),
    15: (7, {"staff"}, {"during", "exit", "periodic"}),
    16: (8, {"staff"}, {"half_yearly"}),
    17: (9, {"staff", "manager"}, {"half_yearly"}),
    18: (9, {"participant"}, {"during", "exit"}),
    19: (10, {"staff", "manager"}, {"half_yearly"}),
    20: (11, set(), {"yearly_register"}),
    21: (12, {"staff", "board", "partner_management"}, {"half_yearly"}),
    22: (13, {"staff"}, {"half_yearly"}),
    23: (13, {"staff"}, {"half_yearly"}),
    24: (14, {"board"}, {"half_yearly"}),
    25: (14, {"board"}, {"half_yearly"}),
    26: (15, {"partner_management"}, {"half_yearly"}),
}

# The seed's per-indicator source/time matrix (published report "Tabell 2", Bilaga 1
# "Tabell 1"): respondent -> occasion -> indicator numbers. "register" stands for the SCB row.
SEED_INDICATOR_MATRIX: dict[str, dict[str, set[int]]] = {
    "participant": {
        "during": {1, 2, 3, 4, 5, 7, 9},
        "exit": {1, 2, 3, 4, 5, 6, 7, 9},
        "periodic": {7},
    },
    "staff": {
        "during": {3, 7},
        "exit": {3, 6, 7},
        "periodic": {7},
        "half_yearly": {8, 9, 10, 12, 13},
    },
    "manager": {"half_yearly": {9, 10}},
    "register": {"yearly_register": {11}},
    "board": {"half_yearly": {12, 14}},
    "partner_management": {"half_yearly": {12, 15}},
}

SEED_OCCASION_WORDS = {
    "under": {"during"},
    "vid avslut": {"exit"},
    "under och vid avslut": {"during", "exit"},
}


# --------------------------------------------------------------------------- loading


@cache
def _load() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{DATA_FILE} must hold a mapping"
    return data


def _seed_path() -> Path:
    seed_dir = os.environ.get("NNS_SEED_DIR")
    return (Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR) / SEED_NAME


def _normalise(text: str) -> str:
    """Collapse every run of whitespace (incl. page-break blank lines) to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@cache
def _seed_variants_cached(path: str) -> tuple[str, str]:
    raw = Path(path).read_text(encoding="utf-8")
    # A hyphen at a line wrap is either part of the text ("funktions-\noch/eller" ->
    # "funktions-och/eller") or a word break ("mät-\ntillfällen" -> "mättillfällen").
    keep_hyphen = re.sub(r"-[ \t]*\r?\n\s*", "-", raw)
    drop_hyphen = re.sub(r"(?<=\w)-[ \t]*\r?\n\s*(?=[a-zåäö])", "", raw)
    return _normalise(keep_hyphen), _normalise(drop_hyphen)


def _seed() -> tuple[str, str]:
    path = _seed_path()
    if not path.is_file():
        pytest.fail(
            f"Seed document not found at {path}. The instrument data is checked against it; "
            "set NNS_SEED_DIR to the directory holding "
            f"{SEED_NAME} (default: {DEFAULT_SEED_DIR}).",
            pytrace=False,
        )
    return _seed_variants_cached(str(path))


def _in_seed(text: str) -> bool:
    needle = _normalise(text)
    return any(needle in variant for variant in _seed())


def _seed_section(start: str, end: str) -> str:
    text = _seed()[0]
    i = text.find(start)
    assert i >= 0, f"seed has no {start!r}"
    j = text.find(end, i + len(start))
    assert j >= 0, f"seed has no {end!r} after {start!r}"
    return text[i:j]


def _points(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["points"]


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for point in _points(data) for item in point["items"]]


def _items_by_code(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in _items(data)}


def _point(data: dict[str, Any], number: int) -> dict[str, Any]:
    (point,) = [p for p in _points(data) if p["number"] == number]
    return point


def _point_of_item(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: point for point in _points(data) for item in point["items"]}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
