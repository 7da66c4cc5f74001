"""gunicorn settings for the web container (deploy/Dockerfile) and the submit benchmark
(bench/bench_ingestion.py, whose default server is this one; ``--server`` compares others).

Chosen by measurement on the 2-core machine (issue 4 point 8), 50 clients:

* gthread, 4 processes x 8 threads, keep-alive: closed loop ~100-150 submits/s, paced
  (each client 0.5-1 s between submits) p95 37-257 ms depending on the machine's other load.
* sync, 3-4 processes: ~55-80 submits/s, paced p95 210-1100 ms. Every request pays a TCP
  connection (no keep-alive), and at most 4 transactions are in flight, so PostgreSQL cannot
  group the commits' WAL flushes (~4 ms each on this disk).

Threads share a process's GIL, so there are several processes (2 per core) and a short GIL
switch interval: a thread back from the database otherwise waits up to 5 ms while another
thread computes. Each thread keeps one persistent database connection (CONN_MAX_AGE in
config/database.py): 32 connections.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# Clients (or a proxy) keep connections open between requests.
keepalive = 5
# Queue bursts in the kernel rather than refusing connections.
backlog = 2048
timeout = 60
graceful_timeout = 30
# Recycle workers now and then (memory), staggered so they do not restart together.
max_requests = 20000
max_requests_jitter = 2000
# Access log without questionnaire tokens (ADR 0014); the proxy keeps no access log.
logger_class = "config.log_redaction.RedactingGunicornLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")


def post_worker_init(worker: Any) -> None:
    sys.setswitchinterval(float(os.environ.get("GUNICORN_SWITCH_INTERVAL", "0.001")))


def on_starting(server: Any) -> None:
    """Prometheus multiprocess mode (config/metrics.py): start from an empty directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
