"""Static security checks on the project's own code, run with the suite so they cannot drift."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_no_high_severity_issue_in_the_backend() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "backend", "wsgi.py", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    high = [issue for issue in report["results"] if issue["issue_severity"] == "HIGH"]
    assert high == [], [f"{issue['filename']}:{issue['line_number']} {issue['issue_text']}" for issue in high]


def test_ruff_finds_nothing_to_lint_or_reformat() -> None:
    """The lint rules and formatting in pyproject.toml hold for every Python file we write."""
    for check in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "."], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_finds_no_type_error_in_the_backend() -> None:
    """pyproject.toml's [tool.mypy] checks every module of backend/, typed definitions required."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_no_backend_comment_or_docstring_cites_an_issue_number() -> None:
    """A reader of the repository cannot follow "issue 5": the text should say what it means."""
    backend = ROOT / "backend"
    cited = [
        f"{path.relative_to(backend)}:{number}: {line.strip()}"
        for path in sorted(backend.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bissues? #?\d+\b", line, re.IGNORECASE)
    ]
    assert cited == []
