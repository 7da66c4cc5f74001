"""The reports on the fixed generated snapshot are byte-for-byte what they were meant to be: a
stored SHA-256 of their JSON.

``NATIONAL_SHA256`` (benchmark, reliability and validity: the steering group's reports) was
taken from the single-module code before ``national/reports.py`` was split into this package
(issue 12); the split, the move of the suppression helpers to :mod:`stats.disclosure` and the
no-differencing rule (issue 14) all left it unchanged (checked by running this digest on the
code before and after each).

``ASSOCIATION_SHA256`` (every association's own results) changed deliberately with issue 14:
an association's funnels now carry only the national n and share it may see (at least three
associations with n >= k, nothing differenced out), no overdispersion, and limit lines on its
own n grid. A deliberate change of any report's numbers or shape changes a hash: check the
change, then store the new hash printed by the failing assertion. (Full precision: a
different BLAS or CPU changes the last bits, so floats are hashed at 10 significant digits:
the CI machine and a developer's machine disagreed in the 15th.)
"""

from __future__ import annotations

import hashlib
import math

import orjson

from national.reports import association_results_all
from tests.national.reports._data import TARGETS, K

NATIONAL_SHA256 = "9662021ff7ed229ff3d70cc674fec89338155f2717182ff727d029ee1f8cf89b"
ASSOCIATION_SHA256 = "0880c6af677c7c38e97f7689aff884a5e193e4deaf8dd54b8b2de34bbb96d9f7"


def _rounded(obj: object) -> object:
    """The same structure with every float at 10 significant digits (NaN/inf kept)."""
    if isinstance(obj, dict):
        return {key: _rounded(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [_rounded(value) for value in obj]
    if isinstance(obj, float) and math.isfinite(obj):
        return float(f"{obj:.10g}")
    return obj


def _digest(obj: object) -> str:
    plain = orjson.loads(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY))
    return hashlib.sha256(orjson.dumps(_rounded(plain), option=orjson.OPT_SORT_KEYS)).hexdigest()


def test_national_reports_are_byte_identical_to_the_stored_golden(bench, reliability, validity):
    reports = {"benchmark": bench, "reliability": reliability, "validity": validity}
    assert _digest(reports) == NATIONAL_SHA256


def test_association_results_are_byte_identical_to_the_stored_golden(snapshot):
    assert _digest(association_results_all(snapshot, TARGETS, k=K)) == ASSOCIATION_SHA256
