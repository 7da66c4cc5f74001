"""deploy/k8s against the Kubernetes OpenAPI schemas (kubernetes-validate bundles them offline)."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(path):
    for document in _documents(path):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == [p.name for p in MANIFESTS]


def test_pods_run_unprivileged_with_the_production_settings():
    config = _documents(K8S / "config.yaml")[0]["data"]
    assert config["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert config["NNS_BEHIND_PROXY"] == "true"
    commands = {}
    for path in MANIFESTS:
        for doc in _documents(path):
            if doc["kind"] not in {"Deployment", "Job"}:
                continue
            pod = doc["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True
            for container in pod["containers"]:
                assert container["securityContext"]["allowPrivilegeEscalation"] is False
                refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
                assert refs == {"nns-config", "nns-secrets"}
                commands[doc["metadata"]["name"]] = container["command"]
    assert commands["nns-web"][:2] == ["gunicorn", "config.wsgi:application"]
    assert commands["nns-worker"][:4] == ["celery", "-A", "config", "worker"]
    assert commands["nns-beat"][:4] == ["celery", "-A", "config", "beat"]
    assert commands["nns-migrate"] == ["python", "manage.py", "setup_platform"]
