"""national/reports/ is Django-free: every module but store.py imports no Django and no
project app other than stats (and the package itself)."""

import ast
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[3] / "national" / "reports"
FORBIDDEN = {"django", "rest_framework", "celery", "django_tenants", "tenants", "pilot", "api",
             "config", "instrument", "web"}  # fmt: skip


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def test_reports_modules_import_no_django():
    modules = [p for p in REPORTS.glob("*.py") if p.name != "store.py"]
    assert len(modules) >= 9
    bad = {}
    for path in modules:
        names = _imports(path)
        wrong = {n for n in names if n.split(".")[0] in FORBIDDEN}
        # within national: only the package itself, never its Django glue
        own = {n for n in names if n.startswith("national.reports")} - {"national.reports.store"}
        wrong |= {n for n in names if n.startswith("national")} - own
        if wrong:
            bad[path.name] = wrong
    assert not bad, bad
