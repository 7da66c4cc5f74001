"""Prometheus metrics on the public host at ``/metrics`` (ADR 0014).

* Requests: django-prometheus' middleware (latency per view and method, status codes).
* Platform: the Celery queue's depth (Redis) and pooling runs by status, read at scrape time.

The endpoint answers only a scraper holding ``NNS_METRICS_TOKEN`` (``Authorization: Bearer``);
without the setting it does not exist. Under gunicorn's several processes set
``PROMETHEUS_MULTIPROC_DIR`` (deploy/gunicorn.conf.py prepares it). No label carries a user,
an association's data or a token.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector


class PlatformCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        from national.models import Snapshot

        runs = GaugeMetricFamily(
            "nns_snapshots", "National pooling runs (snapshots) by status", labels=["status"]
        )
        counts = {s: 0 for s in Snapshot.Status.values}
        for status, count in _snapshot_counts():
            counts[status] = count
        for status, count in sorted(counts.items()):
            runs.add_metric([status], count)
        yield runs
        depth = _queue_depth()
        if depth is not None:
            queue = GaugeMetricFamily(
                "nns_celery_queue_length", "Tasks waiting in the Celery queue", labels=["queue"]
            )
            queue.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE], depth)
            yield queue


def _snapshot_counts() -> list[tuple[str, int]]:
    from django.db.models import Count

    from national.models import Snapshot

    return list(
        Snapshot.objects.order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def _queue_depth() -> int | None:
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(broker, socket_timeout=2)
    try:
        depth = client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
        return depth if isinstance(depth, int) else None
    except redis.RedisError:
        return None
    finally:
        client.close()


_PLATFORM = CollectorRegistry(auto_describe=True)
_PLATFORM.register(PlatformCollector())


def metrics_view(request: HttpRequest) -> HttpResponse:
    expected = getattr(settings, "NNS_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_PLATFORM)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
