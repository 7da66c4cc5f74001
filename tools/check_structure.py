"""Structure rules that import-linter does not express: module size and import cycles.

    python tools/check_structure.py

* No Python module in the project (migrations aside) is over MAX_LINES lines.
* No import cycle between any two project modules (files), checked on grimp's import graph,
  the same graph import-linter builds for the layer contracts in pyproject.toml.
Exits 1 and names every offender.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
SKIP_DIRS = {".venv", ".data", "migrations", "node_modules", ".git", "build", "dist"}


def project_packages() -> list[str]:
    """Top-level folders with an __init__.py: the project's own packages."""
    names = (p.parent.name for p in ROOT.glob("*/__init__.py"))
    return sorted(name for name in names if name not in SKIP_DIRS)


def oversized_modules() -> list[tuple[Path, int]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(rel.parts):
            continue
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        if lines > MAX_LINES:
            found.append((rel, lines))
    return found


def import_cycles(packages: list[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph = grimp.build_graph(*packages, cache_dir=None)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def main() -> int:
    sys.path.insert(0, str(ROOT))
    failed = False
    for rel, lines in oversized_modules():
        print(f"module over {MAX_LINES} lines: {rel} ({lines})")
        failed = True
    for component in import_cycles(project_packages()):
        print("import cycle: " + " <-> ".join(component))
        failed = True
    if not failed:
        print(f"structure: no module over {MAX_LINES} lines, no import cycles")
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
