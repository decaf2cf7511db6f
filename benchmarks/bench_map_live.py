"""The live command map left open in Chromium: does the browser's memory stay bounded?

Run::

    python -m gridmap bench map_live [--db sqlite:///FILE] [--county 330327] [--ticks 100]
        [--live-view county|town] [--town CODE] [--skip-diagnostic] [--chromium /usr/bin/chromium] [--keep]

On a copy of the county store (see :mod:`benchmarks.common`): the app with
``GRIDMAP_LIVE_SECONDS=1`` while a thread inserts one new open issue per second into the
store, until the iframe has applied ``--ticks`` new feature-group strings. Remounts are
counted twice: a mark set in the iframe's window must survive, and a MutationObserver in
the top document counts ``streamlit_folium`` iframes created. At ticks 0, ticks/2 and
ticks: JS heap after a forced GC (``HeapProfiler.collectGarbage`` + ``Performance.getMetrics``
JSHeapUsedSize), live Leaflet layers in the iframe (``Runtime.queryObjects`` on
``L.Layer.prototype``), DOM nodes, ``window.feature_group.length``. Modes, one server each:
bounded (default, see :func:`gridmap.maps.bounded`), ``GRIDMAP_LIVE_TRIM=0``
(streamlit-folium #247), and a diagnostic run with Leaflet's ``Control.Layers.onRemove``
patched in the browser to also drop the map click listener it adds when collapsed.

A live screen "does not grow" when its JS heap after GC stays within 20 MB over the run and
the map was never remounted; otherwise it prints MISSED. The exit status is non-zero only
on errors.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd
import pandas as pd

from benchmarks.cdp import FrameObjects, heap_mb
from benchmarks.common import (
    MB,
    PAGE_TIMEOUT_MS,
    PASSWORD,
    USER,
    bench_run,
    commander,
    log,
    parser,
)
from gridmap.command import data_now
from gridmap.domain import Scope
from gridmap.store import open_store
from tests.harness import (
    IFRAME_COUNTER_JS,
    StreamlitServer,
    fill_sign_in,
    find_map_frame,
    launch_chromium,
    new_context,
    unit_click_point,
    wait_map,
)

LIVE_HEAP_SLACK_MB = 20.0  # a live screen "does not grow" when its heap after GC stays within this


# Inside the map iframe: a mark that a remount loses, and a count of applied feature-group updates.
_IFRAME_PROBE_JS = """() => {
  if (window.__gm) return window.__gm.applied;
  window.__mark = 'bench-first-mount';
  window.__gm = {renders: 0, applied: 0, last: window.__GLOBAL_DATA__.last_feature_group};
  window.addEventListener('message', ev => {
    if (!ev.data || ev.data.type !== 'streamlit:render') return;
    window.__gm.renders++;
    setTimeout(() => { const fg = window.__GLOBAL_DATA__.last_feature_group;
      if (fg !== window.__gm.last) { window.__gm.last = fg; window.__gm.applied++; } }, 0);
  });
  return 0 }"""


_IFRAME_STATE_JS = """() => ({mark: window.__mark || null, applied: window.__gm ? window.__gm.applied : -1,
  renders: window.__gm ? window.__gm.renders : -1,
  groups: window.feature_group ? window.feature_group.length : 0,
  layers: window.map ? Object.keys(window.map._layers).length : 0,
  heap: performance.memory ? performance.memory.usedJSHeapSize : null})"""


LIVE_MODES = {
    "bounded": "bounded (default)",
    "leak": "GRIDMAP_LIVE_TRIM=0 (#247 leak)",
    "patched": "bounded + Leaflet Control.Layers patched in the browser (diagnostic, not in the app)",
}

# Leaflet 1.9.4's Control.Layers adds map.on('click', collapse) when collapsed and never removes it
# (src/control/Control.Layers.js: _initLayout vs onRemove). The diagnostic mode patches that in the
# iframe to show what a fix in the app would give.
_PATCH_LAYERS_CONTROL_JS = """() => {
  if (L.Control.Layers.prototype.__gmPatched) return false;
  const original = L.Control.Layers.prototype.onRemove;
  L.Control.Layers.include({__gmPatched: true, onRemove: function (map) {
    original.call(this, map);
    map.off('click', this.collapse, this);
  }});
  return true }"""


@dataclass
class LiveRun:
    mode: str
    view: str
    ticks: int
    wall_s: float
    inserted: int
    remounts_mark: int
    iframes_created: int
    heap: dict[int, float]
    nodes: dict[int, int]
    groups: dict[int, int]
    layers: dict[int, int | None]
    map_layers: int
    server_errors: list[str]


def writer(url: str, county: str, pool: pd.DataFrame, as_of: dt.datetime, stop: threading.Event,
           inserted: list[int], tag: str) -> None:
    """One new open issue per second (a new ring on the map each tick) until ``stop``."""
    store = open_store(url)
    scope = Scope.county(county)
    step = 0
    next_at = time.monotonic()
    while not stop.is_set():
        row = pool.iloc[(step * 7919) % len(pool)]
        code = str(row["code"])
        frame = gpd.GeoDataFrame([{
            "id": f"bench-{tag}-{uuid.uuid4().hex[:10]}", "category": "sanitation", "status": "reported",
            "description": "基准测试：新上报", "reported_at": as_of - dt.timedelta(minutes=5),
            "deadline": as_of + dt.timedelta(hours=24), "town_code": code[:9] + "000",
            "village_code": code[:12], "grid_code": code[:14], "micro_code": code, "outside": False,
        }], geometry=[row["spot"]], crs="EPSG:4326")
        with store.transaction("hotline", scope) as tx:
            tx.insert("issues", frame)
        step += 1
        inserted[0] = step
        next_at += 1.0
        stop.wait(max(0.0, next_at - time.monotonic()))


def live_session(browser: Any, url: str, workdir: Path, county: str, town: str | None, ticks: int,
                 mode: str) -> LiveRun:
    """The screen left open with 1-second ticks and one new issue per second."""
    session = commander(url)
    micro = session.read("units", where={"level": "micro"}, columns=["code", "geometry"])
    micro = micro[micro["code"].str.startswith(town[:9] if town else county)]
    pool = pd.DataFrame({"code": micro["code"].to_numpy(),
                         "spot": micro.geometry.representative_point().to_numpy()})
    as_of = data_now(session)
    env = {"GRIDMAP_LIVE_SECONDS": "1", "GRIDMAP_LIVE_TRIM": "0" if mode == "leak" else "1"}
    stop = threading.Event()
    inserted = [0]
    thread: threading.Thread | None = None
    with StreamlitServer(url, workdir, env) as app:
        context = new_context(browser, PAGE_TIMEOUT_MS)
        try:
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            objects = FrameObjects(cdp)
            fill_sign_in(page, app.base_url, USER, PASSWORD, PAGE_TIMEOUT_MS).click()
            frame, _ = wait_map(page, None, PAGE_TIMEOUT_MS / 1000)
            if town is not None:
                page.mouse.click(*unit_click_point(page, frame, town, settle_ms=500))
                frame, _ = wait_map(page, {"prefix": town[:9], "exclude": town}, PAGE_TIMEOUT_MS / 1000)
            page.wait_for_timeout(1500)
            found = find_map_frame(page)
            if found is None:
                raise RuntimeError("the map iframe went away after sign-in")
            frame = found
            page.evaluate(IFRAME_COUNTER_JS)

            def instrument(frame: Any) -> None:
                frame.evaluate(_IFRAME_PROBE_JS)
                if mode == "patched":
                    frame.evaluate(_PATCH_LAYERS_CONTROL_JS)

            instrument(frame)
            heap: dict[int, float] = {}
            nodes: dict[int, int] = {}
            groups: dict[int, int] = {}
            layers: dict[int, int | None] = {}

            def sample(mark: int) -> None:
                heap[mark], nodes[mark] = heap_mb(cdp)
                groups[mark] = int(frame.evaluate("() => (window.feature_group || []).length"))
                layers[mark] = objects.count("L.Layer.prototype")

            sample(0)
            thread = threading.Thread(target=writer, args=(url, county, pool, as_of, stop, inserted, mode),
                                      daemon=True)
            thread.start()
            started = time.perf_counter()
            checkpoints = sorted({ticks // 2, ticks})
            remounts, base, applied = 0, 0, 0
            deadline = time.monotonic() + ticks * 10 + 120
            last_log = time.monotonic()
            while base + applied < ticks and time.monotonic() < deadline:
                page.wait_for_timeout(200)
                try:
                    state = frame.evaluate(_IFRAME_STATE_JS)
                    alive = state["mark"] == "bench-first-mount"
                except Exception:
                    alive = False
                if not alive:  # a new iframe document: the map was remounted
                    remounts += 1
                    base += applied
                    applied = 0
                    frame, _ = wait_map(page, None, 60)
                    instrument(frame)
                    continue
                applied = int(state["applied"])
                done = base + applied
                for mark in checkpoints:
                    if done >= mark and mark not in heap:
                        sample(mark)
                if time.monotonic() - last_log > 30:
                    log(f"  live {mode}: tick {done}/{ticks}, JS heap {state['heap'] / MB:.0f} MB, "
                        f"window.feature_group {state['groups']}")
                    last_log = time.monotonic()
            wall = time.perf_counter() - started
            stop.set()
            thread.join(timeout=10)
            state = frame.evaluate(_IFRAME_STATE_JS)
            created = int(page.evaluate("() => window.__gmIframes"))
            return LiveRun(LIVE_MODES[mode], f"town {town}" if town else "county", base + applied, wall, inserted[0],
                           remounts, created, heap, nodes, groups, layers, int(state["layers"]), app.errors())
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=10)
            context.close()


def main(argv: list[str] | None = None) -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--ticks", type=int, default=100, help="live ticks per mode (default 100)")
    args_parser.add_argument("--live-view", choices=["county", "town"], default="county")
    args_parser.add_argument("--town", default=None, help="town of --live-view town (default: the largest)")
    args_parser.add_argument("--skip-diagnostic", action="store_true",
                             help="no third session with Leaflet's Control.Layers patched in the browser")
    args = args_parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with bench_run(args) as run:
        town = (args.town or run.towns()[0]) if args.live_view == "town" else None
        live: list[LiveRun] = []
        with sync_playwright() as manager:
            browser = launch_chromium(manager, args.chromium, ["--enable-precise-memory-info"])
            for mode in ("bounded", "leak", *(() if args.skip_diagnostic else ("patched",))):
                log(f"live session: {LIVE_MODES[mode]}, {args.ticks} ticks")
                live.append(live_session(browser, run.url, run.workdir, args.county, town, args.ticks, mode))
            browser.close()
        print(run.header(args.chromium))
        report(live, args.ticks)
    return 0


def report(live: list[LiveRun], ticks: int) -> None:
    print("GRIDMAP_LIVE_SECONDS=1, one new issue per second.")
    half = ticks // 2
    print("JS heap = CDP JSHeapUsedSize after HeapProfiler.collectGarbage (the Streamlit page and the map "
          "iframe share one V8 heap); live Leaflet layers = objects inheriting L.Layer in the iframe "
          "(Runtime.queryObjects); DOM nodes = CDP Nodes (attached and detached).\n")
    print(f"| mode | view | ticks | s per tick | remounts (mark lost / iframes created) "
          f"| JS heap MB @0 / @{half} / @{ticks} | live Leaflet layers @0 / @{half} / @{ticks} "
          f"| DOM nodes @0 / @{ticks} | window.feature_group @0 / @{half} / @{ticks} |")
    print("|---|---|---:|---:|---|---|---|---|---|")

    def at(d: dict[int, Any], k: int, fmt: str = "{:.1f}") -> str:
        return fmt.format(d[k]) if d.get(k) is not None else "—"

    for run in live:
        print(f"| {run.mode} | {run.view} | {run.ticks} | {run.wall_s / max(run.ticks, 1):.2f} "
              f"| {run.remounts_mark} / {run.iframes_created} "
              f"| {at(run.heap, 0)} / {at(run.heap, half)} / {at(run.heap, ticks)} "
              f"| {at(run.layers, 0, '{:,}')} / {at(run.layers, half, '{:,}')} / {at(run.layers, ticks, '{:,}')} "
              f"| {at(run.nodes, 0, '{:,}')} / {at(run.nodes, ticks, '{:,}')} "
              f"| {at(run.groups, 0, '{}')} / {at(run.groups, half, '{}')} / {at(run.groups, ticks, '{}')} |")
    print()
    for run in live:
        note = f"; server logged {len(run.server_errors)} traceback(s): {run.server_errors[0]!r}" \
            if run.server_errors else ""
        per_tick = (run.heap.get(ticks, float("nan")) - run.heap.get(0, float("nan"))) / max(run.ticks, 1)
        print(f"- {run.mode}: {run.ticks} ticks in {run.wall_s:.0f} s, {run.inserted} issues inserted, "
              f"JS heap {per_tick:+.2f} MB per tick, {run.map_layers} layers on the map at the end{note}")

    print()
    for run in live:
        grown = run.heap.get(ticks, float("inf")) - run.heap.get(0, 0.0)
        flat = grown <= LIVE_HEAP_SLACK_MB and run.remounts_mark == 0 and run.iframes_created == 0
        print(f"- live, {run.mode}: remounts {run.remounts_mark}, JS heap {grown:+.1f} MB over {run.ticks} ticks, "
              f"window.feature_group {run.groups.get(ticks, '—')} -> "
              f"{'bounded' if flat else 'MISSED (grows)'}")


if __name__ == "__main__":
    raise SystemExit(main())
