"""The phone app's performance budgets, measured in Debian's chromium against the real app.

- first load, nothing cached, network throttled to slow 4G: Largest Contentful Paint < 2.5 s;
- the saved list painted within 500 ms of navigation while every API request hangs (lie-fi);
- recording a visit responds (dialog closed, row updated) within 200 ms.

Each is measured ``--runs`` times (median and worst printed); exits 1 when a worst figure is
over its budget. The app runs on loopback with a throwaway SQLite database, seeded with one
worker and four children as in the browser tests (which check the same budgets once each).

    .venv/bin/python scripts/phone_budgets.py [--runs 5]

Needs chromium (CHROMIUM_PATH, default /usr/bin/chromium). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Browser, BrowserContext, sync_playwright  # noqa: E402

from backend.clock import today_in_london  # noqa: E402
from tests.e2e.apps import make_app  # noqa: E402
from tests.e2e.browser import CHROMIUM_ARGS, PHONE, chromium_path, serve  # noqa: E402
from tests.e2e.phone import cached_paint_with_api_hanging, first_load_lcp, record_response, sign_in  # noqa: E402
from tests.e2e.test_phone_app import World, seed  # noqa: E402
from tests.support.database import empty_tables  # noqa: E402

BUDGETS_MS = {"first load LCP (slow 4G)": 2500, "saved list, API hanging": 500, "record a visit": 200}


def measure(browser: Browser, app, url: str, runs: int) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    def fresh() -> tuple[BrowserContext, World]:
        empty_tables(app)
        world = seed(app, today_in_london())
        return browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB"), world

    def record(context: BrowserContext, world: World) -> float:
        page = context.new_page()
        sign_in(page, url, world.worker_email)
        return record_response(page, world.children["C-0004"])

    steps: dict[str, Callable[[BrowserContext, World], float]] = {
        "first load LCP (slow 4G)": lambda context, world: first_load_lcp(context, url, world.worker_email),
        "saved list, API hanging": lambda context, world: cached_paint_with_api_hanging(
            context, url, world.worker_email
        ),
        "record a visit": record,
    }
    figures: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            context, world = fresh()
            try:
                figures[name].append(step(context, world))
            finally:
                context.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, sync_playwright() as playwright:
        app = make_app(Path(directory))
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        with serve(app) as url:
            figures = measure(browser, app, url, args.runs)
        browser.close()
    broken = False
    for name, values in figures.items():
        worst, budget = max(values), BUDGETS_MS[name]
        verdict = "ok" if worst < budget else "OVER BUDGET"
        broken |= worst >= budget
        print(
            f"{name:28} median {statistics.median(values):6.0f} ms, worst {worst:6.0f} ms (budget {budget}) {verdict}"
        )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
