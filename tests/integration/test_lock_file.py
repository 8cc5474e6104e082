"""requirements.lock pins, with hashes, every package pyproject.toml asks for, at a version it allows.

A dependency added to or tightened in pyproject.toml without running scripts/lock fails here.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_declared_requirement_is_pinned_at_an_allowed_version() -> None:
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run scripts/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}: run scripts/lock"
        )


def test_every_pin_carries_hashes_and_no_index_url() -> None:
    text = (ROOT / "requirements.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1])
    pinned = [block for block in blocks if PIN.match(block)]
    assert len(pinned) == len(locked()) > 50
    assert all("--hash=sha256:" in block for block in pinned)
    assert "--index-url" not in text and "--extra-index-url" not in text and "--find-links" not in text


# Runtime dependencies that no module of backend/ imports by name, and why each still ships.
LOADED_WITHOUT_IMPORT = {
    "psycopg": "the PostgreSQL driver SQLAlchemy loads from DATABASE_URL",
    "tzdata": "Europe/London for zoneinfo on a system without a time zone database",
    "icalendar": "the iCalendar library the stack names (docs/feeds.md says why feeds are written without it today)",
}


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "backend").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_no_package_is_declared_twice() -> None:
    names = [canonicalize_name(requirement.name) for requirement in declared()]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []


def test_every_runtime_dependency_is_imported_by_backend_or_says_why_not() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    distributions_of = importlib.metadata.packages_distributions()
    imported = {
        canonicalize_name(distribution)
        for module in imported_top_level_modules()
        for distribution in distributions_of.get(module, [])
    }
    unused = [
        requirement.name
        for requirement in map(Requirement, project["dependencies"])
        if canonicalize_name(requirement.name) not in imported and requirement.name not in LOADED_WITHOUT_IMPORT
    ]
    assert unused == [], "runtime dependencies nothing in backend/ imports (move them to the test extra?)"
