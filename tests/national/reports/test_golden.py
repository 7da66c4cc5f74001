"""The reports on the fixed generated snapshot are byte-for-byte what they were when
``national/reports.py`` was split into this package (issue 12): a stored SHA-256 of their JSON.

The hash was taken from the single-module code, and the split and the move of the suppression
helpers to :mod:`stats.disclosure` left it unchanged. A deliberate change of any report's
numbers or shape changes the hash: check the change, then store the new hash printed by the
failing assertion. (Full precision: a different BLAS or CPU could change the last bits.)
"""

from __future__ import annotations

import hashlib

import orjson

from national.reports import association_results_all
from tests.national.reports._data import TARGETS, K

GOLDEN_SHA256 = "f001aeb132b2fb7ac43017545109bbd6c41733991e34f108b9d78c6321d5cff7"


def test_reports_are_byte_identical_to_the_stored_golden(snapshot, bench, reliability, validity):
    reports = {
        "benchmark": bench,
        "reliability": reliability,
        "validity": validity,
        "association": association_results_all(snapshot, TARGETS, k=K),
    }
    digest = hashlib.sha256(orjson.dumps(reports, option=orjson.OPT_SORT_KEYS)).hexdigest()
    assert digest == GOLDEN_SHA256
