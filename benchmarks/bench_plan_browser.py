"""The planner in Chromium: from 保存 (Save) after a vertex drag to the redrawn, checked map.

Run: ``.venv/bin/python -m benchmarks.bench_plan_browser [--drags 5] [--db sqlite:///FILE]``.

One ``streamlit run app.py`` on a scratch copy of the store (default: a new small demo),
one Chromium (Debian's, through the tests' harness). The demo planner makes a draft and
opens the grid with the most micro-grids; then ``--drags`` times: enter edit mode, drag
a vertex two micro-grids share by a few pixels, click 保存, and time until the page says
the edit was made and the new map holds the editable units again (the map is rebuilt
for the new geometry at the view the browser reported with the Save). Also recorded:
whether the view (centre, zoom) after the redraw is the one before it.

Baseline in the same run: opening the grid (choose it in the unit box -> map drawn), the
same page work without an edit. No target in the issue beyond "the map keeps the
planner's view"; numbers only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gridmap.access import Session, User  # noqa: E402
from gridmap.plan import versions  # noqa: E402
from gridmap.store import open_store  # noqa: E402
from tests.browser.test_planner import (  # noqa: E402
    CODES_JS,
    SETTLED_JS,
    _page_point,
    _pick_unit,
    _shared_inner_vertex,
)
from tests.harness import (  # noqa: E402
    StreamlitServer,
    fill_sign_in,
    find_map_frame,
    launch_chromium,
    new_context,
    wait_map,
)

VIEW_JS = "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"


def _wait_new_map(page, want: list[str], timeout_s: float = 120) -> None:
    """Until a map other than the marked old one draws the editable units ``want``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frame = find_map_frame(page)
        try:
            if frame is not None and not frame.evaluate("() => !!window.__benchOld") \
                    and sorted(frame.evaluate(CODES_JS)) == want:
                return
        except Exception:  # the frame was replaced while we asked
            pass
        page.wait_for_timeout(20)
    raise SystemExit("the map was not redrawn within the time limit")


def _session(url: str) -> Session:
    store = open_store(url)
    row = store.account("planner")
    assert row is not None
    return Session(store, User.from_row(row))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None, help="an SQLite store to copy (default: a new small demo)")
    parser.add_argument("--drags", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "bench.db"
        if args.db:
            import sqlite3

            with sqlite3.connect(args.db.removeprefix("sqlite:///")) as src, sqlite3.connect(db) as dst:
                src.backup(dst)
        else:
            subprocess.run([sys.executable, "-m", "gridmap", "demo", "--scale", "small", "--db", f"sqlite:///{db}"],
                           cwd=REPO, check=True, capture_output=True)
        url = f"sqlite:///{db}"
        with StreamlitServer(url, Path(work), {"GRIDMAP_TILES": "none"}) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = new_context(browser, 120_000, viewport={"width": 1400, "height": 1000}).new_page()
            fill_sign_in(page, server.base_url, "planner", "demo-planner-2026").click()
            page.get_by_role("heading", name="网格规划").wait_for()
            page.get_by_label("新草案名称").fill("bench")
            page.get_by_role("button", name="新建草案").click()
            page.get_by_text("已新建草案").first.wait_for()
            session = _session(url)
            version = int(versions.list_plans(session).query("status == 'draft'")["version"].iloc[0])
            plan = versions.load_plan(session, version)
            micro = plan[plan["level"] == "micro"]
            grid = str(micro["parent_code"].value_counts().index[0])
            t0 = time.perf_counter()
            _pick_unit(page, grid)
            frame, _ = wait_map(page, {"prefix": grid}, 120)
            open_s = time.perf_counter() - t0
            saves: list[float] = []
            kept: list[bool] = []
            for i in range(args.drags):
                frame.evaluate(SETTLED_JS)
                plan = versions.load_plan(session, version)
                _, _, vertex = _shared_inner_vertex(plan, grid)
                before_view = frame.evaluate(VIEW_JS)
                want = sorted(frame.evaluate(CODES_JS))
                frame.locator("a.leaflet-draw-edit-edit").click()
                x, y = _page_point(page, frame, vertex[1], vertex[0])
                page.mouse.move(x, y)
                page.mouse.down()
                page.mouse.move(x + 6 + i, y + 5, steps=4)
                page.mouse.up()
                frame.evaluate("() => { window.__benchOld = true }")
                revision = versions.plan_info(session, version).revision
                t0 = time.perf_counter()
                frame.get_by_text("保存", exact=True).click()
                while versions.plan_info(session, version).revision == revision:
                    if time.perf_counter() - t0 > 120:
                        raise SystemExit("the edit was not saved within 120 s")
                    time.sleep(0.02)
                page.get_by_text("调整了").first.wait_for()
                _wait_new_map(page, want)
                saves.append(time.perf_counter() - t0)
                frame, _ = wait_map(page, {"prefix": grid}, 120)
                frame.evaluate(SETTLED_JS)
                after_view = frame.evaluate(VIEW_JS)
                kept.append(all(abs(a - b) < 1e-6 for a, b in zip(before_view, after_view, strict=True)))
            browser.close()
    print("| step | runs | median s | max s | ratio to opening the grid | view kept |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| open the grid (unit box -> map drawn) | 1 | {open_s:.2f} | {open_s:.2f} | 1.00x | — |")
    med = statistics.median(saves)
    print(f"| 保存 after a vertex drag -> saved, redrawn map | {len(saves)} | {med:.2f} | {max(saves):.2f} | "
          f"{med / open_s:.2f}x | {sum(kept)} of {len(kept)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
