"""Docker is not available here, so check the deploy files' structure instead of building them."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_services_and_wiring():
    compose = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        env = service["environment"]
        assert (
            env["DATABASE_URL"].startswith("postgresql://") and "@postgres:" in env["DATABASE_URL"]
        )
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_dockerfile_copies_existing_paths_and_runs_gunicorn():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    for source in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (ROOT / source).exists(), source
    assert 'CMD ["gunicorn", "config.wsgi:application"' in dockerfile
    assert "config.settings.production" in dockerfile


def test_every_project_package_is_in_the_image_and_the_distribution():
    """A package left out of the Dockerfile or pyproject's package list breaks the image."""
    import tomllib

    packages = sorted(
        p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"
    )
    assert {"config", "national", "pilot", "stats"} <= set(packages)
    copied = set(re.findall(r"^COPY (\S+)", (ROOT / "deploy/Dockerfile").read_text(), flags=re.M))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    for name in packages:
        assert name in copied, f"Dockerfile does not copy {name}/"
        assert f"{name}*" in included, f"pyproject.toml does not package {name}"
