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
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert "@redis:6379/" in env["CELERY_BROKER_URL"]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_dockerfile_copies_existing_paths_and_runs_gunicorn():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    for source in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (ROOT / source).exists(), source
    assert 'CMD ["gunicorn", "config.wsgi:application"' in dockerfile
    assert "COPY requirements.lock" in dockerfile
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


def test_compose_requires_every_secret_and_hides_gunicorn_behind_the_proxy():
    text = (ROOT / "deploy/compose.yaml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    for secret in (
        "DJANGO_SECRET_KEY",
        "NNS_POOLING_HMAC_KEY",
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "NNS_BASE_DOMAIN",
    ):
        uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
        assert uses, secret
        # Required (":?" fails `compose up` when unset) and never given a default (":-").
        assert any(use.startswith(":?") for use in uses), f"{secret} is not required"
        assert all(use == "" or use.startswith(":?") for use in uses), f"{secret}: {uses}"
    assert "change-me" not in text and "POSTGRES_PASSWORD: nns" not in text
    assert "ports" not in services["web"], "gunicorn must be reachable only through the proxy"
    assert services["proxy"]["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert services["web"]["environment"]["NNS_BEHIND_PROXY"] == "true"
    assert services["migrate"]["command"] == ["python", "manage.py", "setup_platform"]
    caddyfile = (ROOT / "deploy/Caddyfile").read_text()
    directives = "\n".join(x for x in caddyfile.splitlines() if not x.lstrip().startswith("#"))
    assert "reverse_proxy web:8000" in directives and "trusted_proxies" not in directives


def test_image_installs_the_hashed_lock_and_collects_static_without_secrets():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings.build" in dockerfile
    assert "DJANGO_SECRET_KEY" not in dockerfile


def test_lock_files_pin_every_requirement_with_hashes():
    """Run `python3 dev.py lock` after changing dependencies in pyproject.toml."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    assert dev.unlocked_requirements(ROOT / "requirements.lock", ()) == []
    assert dev.unlocked_requirements(ROOT / "requirements-dev.lock", ("dev",)) == []
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        # Each entry: a "name==version[; marker]" line followed by its hashes.
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        assert len(entries) > 50, name
        for entry in entries:
            assert re.match(r"[A-Za-z0-9_.-]+==\S+", entry), entry[:80]
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry[:80]
        assert "uv pip compile" in text and "--generate-hashes" in text
