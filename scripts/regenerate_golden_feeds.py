"""Rewrite tests/data/*.ics from tests/feed_builders.golden_feeds(); review the diff before committing.

.venv/bin/python scripts/regenerate_golden_feeds.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.feeds.render import render_feed  # noqa: E402
from tests.feed_builders import golden_feeds  # noqa: E402

DATA = ROOT / "tests" / "data"


def main() -> None:
    DATA.mkdir(exist_ok=True)
    for stem, feed in golden_feeds().items():
        path = DATA / f"{stem}.ics"
        body = render_feed(feed)
        changed = not path.exists() or path.read_bytes() != body
        path.write_bytes(body)
        print(f"{'wrote' if changed else 'unchanged'} {path.relative_to(ROOT)} ({len(feed.entries)} entries)")


if __name__ == "__main__":
    main()
