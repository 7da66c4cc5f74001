"""Stored reports cached per process (issue 14.6): a payload is read once while its row is
unchanged, read afresh when the row is updated or replaced, and no dashboard page changes the
shared payload it reads."""

from __future__ import annotations

import orjson
import pytest

from national import report_cache
from national.models import SnapshotReport
from national.selectors import benchmark_index, reliability_flags_cached, snapshot_report
from tests.web.test_dashboard import steering  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_payload_is_read_once_while_its_row_is_unchanged(steering, django_assert_num_queries):  # noqa: F811
    from national.selectors import snapshot_published_latest

    snapshot = snapshot_published_latest()
    first = snapshot_report(snapshot=snapshot, kind="benchmark")
    with django_assert_num_queries(1):  # the row's version only
        again = snapshot_report(snapshot=snapshot, kind="benchmark")
    assert again is first
    assert benchmark_index(again) is benchmark_index(first)
    rows = snapshot_report(snapshot=snapshot, kind="reliability")
    assert reliability_flags_cached(rows, rows[0]) is reliability_flags_cached(rows, rows[0])


def test_an_updated_or_replaced_report_is_read_afresh(steering):  # noqa: F811
    from national.selectors import snapshot_published_latest

    snapshot = snapshot_published_latest()
    assert snapshot is not None
    before = snapshot_report(snapshot=snapshot, kind="benchmark")
    SnapshotReport.objects.filter(snapshot=snapshot, kind="benchmark").update(
        payload={**before, "cells": before["cells"][:1]}
    )
    updated = snapshot_report(snapshot=snapshot, kind="benchmark")
    assert len(updated["cells"]) == 1
    assert len(benchmark_index(updated).first) == 1
    SnapshotReport.objects.filter(snapshot=snapshot, kind="benchmark").delete()
    assert snapshot_report(snapshot=snapshot, kind="benchmark") is None
    SnapshotReport.objects.create(snapshot=snapshot, kind="benchmark", payload={"cells": []})
    assert snapshot_report(snapshot=snapshot, kind="benchmark") == {"cells": []}


def test_no_dashboard_page_changes_the_shared_payloads(steering):  # noqa: F811
    from national.selectors import snapshot_published_latest

    report_cache.clear()
    snapshot = snapshot_published_latest()
    kinds = ("benchmark", "reliability")
    before = {k: orjson.dumps(snapshot_report(snapshot=snapshot, kind=k)) for k in kinds}
    for path in (
        "/national/",
        "/national/?county=24&point=1",
        "/national/?period=2015H2&form=board",
        "/national/cell/alfa/1/?county=24",
        "/national/export/matrix.csv?county=24",
        "/national/export/trend.xlsx?county=24",
        "/national/export/funnel-table.csv",
        "/national/export/reliability.csv",
        "/national/export/cell.csv?association=alfa&cell_point=1",
    ):
        assert steering.get(path).status_code == 200, path
    after = {k: orjson.dumps(snapshot_report(snapshot=snapshot, kind=k)) for k in kinds}
    assert after == before


def test_cached_payloads_are_kept_out_of_the_cycle_collector():
    """A full collection must not walk the cached payloads (a ~200 ms pause per collection
    with a 100-association benchmark report): after a miss they sit in the permanent
    generation, and an evicted payload is still freed."""
    import gc
    import weakref

    report_cache.clear()

    class Payload(dict):  # a dict subclass can be weakly referenced
        pass

    payload = report_cache.cached(("test", 1), lambda: Payload(cells=[{"n": i} for i in range(50)]))
    inner = payload["cells"]  # a list: always tracked (a dict of ints is not)
    assert gc.is_tracked(inner)
    for generation in (0, 1, 2):
        assert all(inner is not o for o in gc.get_objects(generation=generation))
    gone = weakref.ref(payload)
    del payload, inner
    report_cache.clear()
    assert gone() is None  # reference counting frees it, frozen or not
