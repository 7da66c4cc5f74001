"""web/ only translates HTTP: reads go through the apps' selectors, writes through services
(issue 12.5). The import-linter contract in pyproject.toml forbids importing an app's models;
this test also catches what an import rule cannot see: a manager reached through an object
(``type(x).objects``) or a query built inline (``Q``, ``Count``, ``Prefetch``).

The modules the contract still lets import models (its ``ignore_imports`` for ``web.*``) are
the exceptions here too, so the two lists cannot drift apart.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = "api and web read through selectors and write through services"
APPS = {"instrument", "pilot", "national", "tenants"}


def _ignored() -> dict[str, set[str]]:
    """web module -> the app models it may still import (from the contract)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if c["name"].startswith(CONTRACT)]
    assert "web" in contract["source_modules"]
    out: dict[str, set[str]] = {}
    for rule in contract.get("ignore_imports", []):
        importer, _arrow, imported = (part.strip() for part in rule.partition("->"))
        if importer.startswith("web."):
            out.setdefault(importer, set()).add(imported)
    return out


IGNORED = _ignored()


def _modules() -> list[str]:
    files = sorted((ROOT / "web").glob("*.py")) + sorted((ROOT / "web/templatetags").glob("*.py"))
    return [".".join(f.relative_to(ROOT).with_suffix("").parts) for f in files]


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def test_the_contract_covers_web_and_names_only_real_modules():
    assert set(IGNORED) <= set(_modules())
    assert "web.mixins" in IGNORED  # acting_user()'s isinstance check on User
    # the only exception: the User type (no web module is left to move its reads later)
    assert {m: models for m, models in IGNORED.items() if models != {"tenants.models"}} == {}


@pytest.mark.parametrize("module", _modules())
def test_web_module_reads_through_selectors(module):
    path = ROOT / Path(*module.split(".")).with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = _type_checking_lines(tree)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            problems.append(f"line {node.lineno}: a model manager (.objects): use a selector")
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "django.db.models" or node.module.startswith("django.db.models."):
                problems.append(f"line {node.lineno}: builds a query: belongs in selectors.py")
            app, _dot, rest = node.module.partition(".")
            if (
                app in APPS
                and rest == "models"
                and node.lineno not in type_only
                and node.module not in IGNORED.get(module, set())
            ):
                problems.append(f"line {node.lineno}: imports {node.module} at run time")
    assert problems == [], f"{module}: " + "; ".join(problems)
