"""The OpenAPI schema describes every answer: each operation has a 2xx body with a schema
(or none for 204), no body is a bare object without properties, scoped operations document
their errors in the API's error shape, and generation gives no warnings or errors."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

HOSTS = ["config.urls_public", "config.urls_tenant"]
METHODS = {"get", "post", "put", "patch", "delete"}
UNSCOPED = {"/api/v1/health/"}  # liveness: no login, no role, no error body


def _generate(urlconf: str) -> tuple[dict[str, Any], list[str]]:
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, problems


def _resolve(schema: dict[str, Any], node: dict[str, Any] | None) -> dict[str, Any] | None:
    while node is not None and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _bare(schema: dict[str, Any], node: dict[str, Any] | None) -> bool:
    """A body that says nothing: missing, or an object with no properties (``dict``)."""
    node = _resolve(schema, node)
    if node is None:
        return True
    if any(key in node for key in ("oneOf", "anyOf", "allOf")):
        variants = node.get("oneOf") or node.get("anyOf") or node.get("allOf")
        return any(_bare(schema, v) for v in variants)
    if node.get("type") == "array":
        return _bare(schema, node.get("items"))
    return node.get("type") == "object" and not node.get("properties")


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module", params=HOSTS)
def generated(request: pytest.FixtureRequest) -> tuple[dict[str, Any], list[str]]:
    return _generate(request.param)


def test_the_checker_flags_a_bare_dict():
    schema: dict[str, Any] = {"components": {"schemas": {"X": {"type": "object"}}}}
    assert _bare(schema, {"type": "object", "additionalProperties": {}})
    assert _bare(schema, {"$ref": "#/components/schemas/X"})
    assert _bare(schema, {"type": "array", "items": {"type": "object"}})
    assert not _bare(schema, {"type": "object", "properties": {"a": {"type": "string"}}})


def test_schema_generates_without_warnings_and_validates(generated):
    schema, problems = generated
    assert problems == []
    validate_schema(schema)


def test_every_operation_documents_a_2xx_body(generated):
    schema, _ = generated
    missing = []
    for path, method, op in _operations(schema):
        ok = [code for code in op["responses"] if code.startswith("2")]
        if not ok:
            missing.append(f"{method} {path}: no 2xx")
        for code in ok:
            if code == "204":
                continue
            content = op["responses"][code].get("content")
            if not content:
                missing.append(f"{method} {path} {code}: no body")
                continue
            for media, body in content.items():
                if media == "application/json" and _bare(schema, body.get("schema")):
                    missing.append(f"{method} {path} {code}: bare object")
                elif "schema" not in body:
                    missing.append(f"{method} {path} {code} {media}: no schema")
    assert missing == []
    assert len(_operations(schema)) > 10


def test_errors_are_documented_in_the_error_shape(generated):
    schema, _ = generated
    wrong = []
    for path, method, op in _operations(schema):
        expected = set() if path in UNSCOPED else {"403"}
        if "{" in path:
            expected.add("404")
        if method in {"post", "put", "patch"} and "requestBody" in op:
            expected.add("400")
        for code in sorted(expected):
            response = op["responses"].get(code)
            if response is None:
                wrong.append(f"{method} {path}: no {code}")
                continue
            body = _resolve(schema, response["content"]["application/json"]["schema"])
            assert body is not None
            if not {"detail", "errors"} <= set(body.get("properties", {})):
                wrong.append(f"{method} {path} {code}: not the error shape")
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")) and "content" not in response:
                wrong.append(f"{method} {path} {code}: no body")
    assert wrong == []


# --- the answers match what the schema says -------------------------------------------------


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: component refs to definitions, ``nullable`` to a null type."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _assert_documented(schema: dict[str, Any], path: str, method: str, response: Any) -> None:
    import jsonschema

    op = schema["paths"][path][method]
    body = op["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    definitions = _json_schema(schema["components"]["schemas"])
    jsonschema.validate(response.json(), {**_json_schema(body), "definitions": definitions})


@pytest.mark.django_db
def test_answers_of_dict_built_endpoints_match_their_schema(
    alfa, beta, django_capture_on_commit_callbacks
):
    from national.pooling import snapshot_start
    from tenants.roles import Role
    from tests.conftest import consenting_with_data, host_client
    from tests.factories import user_with_role

    consenting_with_data((alfa, beta), seed=125, participants=30)
    steering = user_with_role(Role.STEERING_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        draft = snapshot_start(actor=steering)
    national, _ = _generate("config.urls_public")
    client = host_client("localhost", steering)
    snap = "/api/v1/national/snapshots/{number}/"
    checks = [
        ("/api/v1/national/snapshots/", "/api/v1/national/snapshots/"),
        (snap, snap.format(number=draft.number)),
        *[
            (f"{snap}reports/{{kind}}/", f"{snap.format(number=draft.number)}reports/{kind}/")
            for kind in ("reliability", "benchmark", "validity", "validation")
        ],
    ]
    for documented, url in checks:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_documented(national, documented, "get", response)
    published = client.post(f"{snap.format(number=draft.number)}publish/")
    _assert_documented(national, f"{snap}publish/", "post", published)
    again = client.post(f"{snap.format(number=draft.number)}publish/")
    assert again.status_code == 409
    _assert_documented(national, f"{snap}publish/", "post", again)

    association, _ = _generate("config.urls_tenant")
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    results = staff.get("/api/v1/results/")
    assert results.status_code == 200 and results.json()["snapshot"] == draft.number
    _assert_documented(association, "/api/v1/results/", "get", results)
