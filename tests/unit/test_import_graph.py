"""The packages of ``backend/`` import one another without a cycle.

A cycle between packages (``api`` importing ``auth`` importing ``api``) makes import order
matter and hides which layer a module belongs to. The graph is read with ``ast`` from the
source, so nothing is imported to draw it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(BACKEND.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def package_of(module: list[str]) -> str:
    """``backend.api.feeds`` belongs to ``api``; a module at the root is its own node."""
    return module[1] if len(module) > 1 else "backend"


def imported_modules(path: Path) -> Iterator[list[str]]:
    module = module_name(path)
    here = module if path.name == "__init__.py" else module[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".") for alias in node.names if alias.name.startswith("backend."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "backend":
                base = node.module.split(".")
            else:
                continue
            if node.module is None:
                yield from (base + [alias.name] for alias in node.names)
            else:
                yield base


def package_graph() -> dict[str, dict[str, str]]:
    """package -> {imported package: a file that imports it}."""
    graph: dict[str, dict[str, str]] = {}
    for path in sorted(BACKEND.rglob("*.py")):
        source = package_of(module_name(path))
        for target in imported_modules(path):
            imported = package_of(target)
            if imported not in (source, "backend"):
                graph.setdefault(source, {}).setdefault(imported, str(path.relative_to(BACKEND.parent)))
    return graph


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if node in trail:
            return trail[trail.index(node) :] + [node]
        if node in done:
            return None
        for imported in graph.get(node, {}):
            cycle = visit(imported, trail + [node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node, [])
        if cycle:
            return cycle
    return None


def describe(graph: dict[str, dict[str, str]], cycle: list[str]) -> str:
    return ", ".join(f"{a} -> {b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False))


def test_no_package_of_backend_imports_itself_through_another() -> None:
    graph = package_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between packages: " + describe(graph, cycle or [])


def test_the_core_imports_no_other_package_of_backend() -> None:
    assert package_graph().get("core", {}) == {}


def test_the_cycle_finder_sees_a_cycle_of_three() -> None:
    graph = {"api": {"auth": "a"}, "auth": {"services": "b"}, "services": {"api": "c"}}
    assert find_cycle(graph) == ["api", "auth", "services", "api"]
    assert find_cycle({"api": {"auth": "a"}, "auth": {}}) is None


def test_the_backend_root_holds_the_app_factory_configuration_and_extensions_only() -> None:
    loose = sorted(path.name for path in BACKEND.glob("*.py"))
    assert loose == ["__init__.py", "app.py", "config.py", "extensions.py"]
