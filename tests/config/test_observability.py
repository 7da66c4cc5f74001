"""Prometheus metrics behind a token, and JSON log lines without tokens or request objects."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from tests.conftest import host_client

pytestmark = pytest.mark.django_db


def test_metrics_need_the_scrape_token():
    client = host_client("localhost")
    assert client.get("/metrics").status_code == 404  # no token configured: no endpoint
    with override_settings(NNS_METRICS_TOKEN="scrape-secret-123"):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
        client.get("/login/")
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-123")
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="web:login"}'
        in text
    )
    for status in ("running", "published", "failed"):
        assert f'nns_snapshots{{status="{status}"}}' in text
    assert response["Cache-Control"] == "no-store"


def test_metrics_are_not_served_on_an_association_host(alfa):
    with override_settings(NNS_METRICS_TOKEN="scrape-secret-123"):
        response = host_client("alfa.localhost").get(
            "/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-123"
        )
    assert response.status_code == 404


def test_json_log_lines_carry_no_token_and_no_request_object():
    config = {**settings.LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}
    config["handlers"] = {"console": {**config["handlers"]["console"], "formatter": "json"}}
    stream = io.StringIO()
    logging.config.dictConfig(config)
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)
    try:
        request = RequestFactory().get("/q/Sekret7Token99/")
        logging.getLogger("django.request").warning(
            "Not Found: %s", request.path, extra={"status_code": 404, "request": request}
        )
    finally:
        logging.config.dictConfig(settings.LOGGING)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "Not Found: /q/[redacted]/"
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["request"] == "GET /q/[redacted]/" and line["status_code"] == 404
    assert "Sekret7Token99" not in stream.getvalue()
