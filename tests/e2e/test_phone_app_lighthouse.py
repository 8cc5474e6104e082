"""Lighthouse (npm, pinned in tests/js) on the signed-in visit list, in Debian's chromium:
performance, accessibility and best practices at least 95 each.

It runs scripts/lighthouse.mjs, the script scripts/lighthouse.sh runs by hand, against the
app on loopback, signed in as the seeded worker. Mobile emulation with Lighthouse's simulated
slow 4G; about 20 s a run. Performance is the best of up to three runs: Lighthouse slows the
CPU four times over, so a machine shared by other work shows up as Total Blocking Time (one run
in three scored 85 at a load average of 11 on two cores, the others 98 and 100). A change that
makes the page slow fails all three; accessibility and best practices do not vary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.browser import chromium_path
from tests.e2e.phone_site import Site, World
from tests.support.world import PASSWORD

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tests" / "js" / "node_modules"
GOALS = {"performance": 0.95, "accessibility": 0.95, "best-practices": 0.95}
RUNS = 3


def run_lighthouse(url: str, email: str, report: Path) -> dict:
    if not (TOOLS / "lighthouse" / "package.json").exists() or shutil.which("node") is None:
        pytest.skip("lighthouse is not installed in tests/js (scripts/test installs it)")
    # Node finds `lighthouse` from the script's own folder upwards: run a copy inside tests/js.
    script = TOOLS / ".run" / "lighthouse.mjs"
    script.parent.mkdir(exist_ok=True)
    shutil.copy(ROOT / "scripts" / "lighthouse.mjs", script)
    environment = {
        **os.environ,
        "CHROME_PATH": chromium_path(),
        "LIGHTHOUSE_EMAIL": email,
        "LIGHTHOUSE_PASSWORD": PASSWORD,
    }
    finished = subprocess.run(
        ["node", str(script), url + "/", str(report)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(report.read_text())


def scores_of(report: dict) -> dict[str, float]:
    return {name: report["categories"][name]["score"] for name in GOALS}


def test_the_signed_in_list_scores_at_least_95_in_performance_accessibility_and_best_practices(
    site: Site, world: World, tmp_path: Path
) -> None:
    runs = []
    for run in range(RUNS):
        report = run_lighthouse(site.url, world.worker_email, tmp_path / f"lighthouse-{run}.json")
        assert report["finalDisplayedUrl"].rstrip("/") == site.url  # the list, not the sign-in screen
        runs.append(scores_of(report))
        if all(runs[-1][name] >= goal for name, goal in GOALS.items()):
            return
    below = {
        audit["id"]: audit["score"]
        for audit in report["audits"].values()
        if audit["score"] is not None and audit["score"] < 1 and audit["scoreDisplayMode"] == "binary"
    }
    pytest.fail(f"below {GOALS} in each of {RUNS} runs: {runs}; failing audits of the last: {below}")
