"""stats/ is a pure library: no Django, no project apps."""

import ast
from pathlib import Path

FORBIDDEN = {"django", "rest_framework", "tenants", "pilot", "api", "config", "instrument",
             "national", "web"}  # fmt: skip
STATS = Path(__file__).resolve().parents[2] / "stats"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_stats_package_exists():
    files = list(STATS.glob("*.py"))
    assert any(f.name == "__init__.py" for f in files)
    assert len(files) > 3


def test_no_django_or_project_imports():
    bad = {f.name: _imports(f) & FORBIDDEN for f in STATS.rglob("*.py")}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"forbidden imports in stats/: {bad}"


def test_checker_catches_a_forbidden_import(tmp_path):
    p = tmp_path / "x.py"
    p.write_text("from django.db import models\nimport numpy\n")
    assert _imports(p) & FORBIDDEN == {"django"}
