"""tenants/ is the bottom layer: it imports no other project app (issue 12, point 3)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {"pilot", "national", "instrument", "web", "api", "ops", "stats", "bench"}


def test_tenants_imports_no_other_project_app():
    offenders = []
    for path in (ROOT / "tenants").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {m}" for m in modules if m.split(".")[0] in PROJECT_APPS
            ]
    assert offenders == []


def test_instrument_reaches_tenants_only_for_the_audit_writer():
    text = (ROOT / "instrument" / "services.py").read_text(encoding="utf-8")
    runtime = text.split("if TYPE_CHECKING:")[0]
    assert "from tenants.audit import audit_record" in runtime
    assert "tenants.services" not in text
