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
different BLAS or CPU could change the last bits.)
"""

from __future__ import annotations

import hashlib

import orjson

from national.reports import association_results_all
from tests.national.reports._data import TARGETS, K

NATIONAL_SHA256 = "a00a1ba9b4ccdf7159eb323ab37ef282bb0a323b0347270647948d38e05eae2e"
ASSOCIATION_SHA256 = "5b81d3c3027792d4af935de1d194bf25732288d4fe92ec0bc35f4a80a62be2a0"


def _digest(obj: object) -> str:
    return hashlib.sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)).hexdigest()


def test_national_reports_are_byte_identical_to_the_stored_golden(bench, reliability, validity):
    reports = {"benchmark": bench, "reliability": reliability, "validity": validity}
    assert _digest(reports) == NATIONAL_SHA256


def test_association_results_are_byte_identical_to_the_stored_golden(snapshot):
    assert _digest(association_results_all(snapshot, TARGETS, k=K)) == ASSOCIATION_SHA256
