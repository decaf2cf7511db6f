"""A town's one-page brief at county scale: what it costs, and what the map adds.

Run::

    python benchmarks/bench_brief.py --db sqlite:////tmp/county.db [--town CODE] [--repeats 5] [--png]

The store should hold the county demo (``python -m gridmap demo --scale county --seed 7
--today 2026-11-23 --db URL``). The town is ``--town``, else the one with the most
micro-grids. The store is only read (as the operator: the brief's reads, no visit).

Timed in interleaved rounds (best and median seconds):

* **baseline**: the brief without its map -- ``brief_data`` + ``brief_html(with_map=False)``
  + WeasyPrint's PDF;
* **brief (PDF)**: the same with the map (``brief_data`` + ``brief_pdf``), what the
  command map's download button and ``python -m gridmap brief`` do;
* its parts: ``brief_data`` (snapshot of the town, KPIs, weeks, overdue, ranking,
  outlines), ``brief_html`` (the SVG map and charts), the PDF rendering alone;
* with ``--png``: the PNG (headless Chromium's screenshot of the same HTML), one round;
* what "since you last looked" adds to the command map, against a warm filter change at
  county view (``kpis`` + ``build_view`` with the points cached, as the page): the changes
  (``changes_since`` over the county snapshot, computed once per snapshot version, i.e.
  once per live tick), its GeoJSON (once per tick and selection) and the folium layer
  wrapped around it (on every run, so on a filter change).

Printed as a markdown table. Exits with status 1 when the brief takes more than
:data:`TARGET_S` seconds (median) or the map more than doubles the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd
import pandas as pd

from gridmap.access import Session
from gridmap.brief.render import brief_html, brief_pdf, brief_png
from gridmap.brief.town import brief_data
from gridmap.command import Filters, data_now, kpis, load_snapshot, unit_measure
from gridmap.command.since import changes_since
from gridmap.command.view import build_view, load_points
from gridmap.domain import Level, Scope
from gridmap.maps import OFFLINE
from gridmap.maps.since import since_features, since_layer
from gridmap.store import open_store

TARGET_S = 10.0
MAX_MAP_RATIO = 2.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sqlite:///data/bench/county.db")
    ap.add_argument("--county", default="330327")
    ap.add_argument("--town", default=None)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--png", action="store_true", help="also time the PNG (headless Chromium), once")
    args = ap.parse_args()
    started = time.perf_counter()
    store = open_store(args.db)
    session = Session.system(store, Scope.county(args.county), actor="bench")
    town = args.town or _largest_town(session)
    from weasyprint import HTML

    def baseline() -> None:
        data = brief_data(session, town)
        HTML(string=brief_html(data, with_map=False)).write_pdf()

    def full() -> None:
        brief_pdf(brief_data(session, town))

    data = brief_data(session, town)
    html = brief_html(data)
    methods: dict[str, Callable[[], object]] = {
        "baseline: brief without the map (data + HTML + PDF)": baseline,
        "brief (PDF): data + HTML with the SVG map + PDF": full,
        "  brief_data (town snapshot, KPIs, weeks, overdue, ranking, outlines)": lambda: brief_data(session, town),
        "  brief_html (SVG map and charts)": lambda: brief_html(data),
        "  PDF rendering alone (WeasyPrint)": lambda: HTML(string=html).write_pdf(),
    }
    times = _rounds(methods, args.repeats)
    snapshot = load_snapshot(session)
    now = data_now(session)
    since = now - dt.timedelta(hours=24)
    points = load_points(session, snapshot, None)
    found = changes_since(snapshot, since, now)
    where = pd.Index(points.issues["id"].astype(str)).get_indexer(found.issues["id"].astype(str))
    ring_points = gpd.GeoDataFrame({"id": found.issues["id"].to_numpy()[where >= 0],
                                    "kind": found.issues["kind"].to_numpy()[where >= 0]},
                                   geometry=points.issues.geometry.to_numpy()[where[where >= 0]], crs="EPSG:4326")
    features = since_features(ring_points, None, (), tiles=OFFLINE)
    tick: dict[str, Callable[[], object]] = {
        "warm filter change: kpis + build_view (county view, points cached)":
            lambda: (kpis(snapshot, None, Filters(), now),
                     build_view(session, snapshot, None, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh",
                                points=points)),
        "  of which kpis + unit_measure (as bench_command.py)":
            lambda: (kpis(snapshot, None, Filters(), now), unit_measure(snapshot, None, Level.TOWN, "open_issues",
                                                                       Filters(), now)),
        "since: changes_since (county, 24 h; once per snapshot version)": lambda: changes_since(snapshot, since, now),
        "since: its GeoJSON, since_features (once per snapshot version)": lambda: since_features(ring_points, None,
                                                                                                  (), tiles=OFFLINE),
        "since: its layer on a filter change, since_layer (every run)": lambda: since_layer(features),
    }
    tick_times = _rounds(tick, max(args.repeats, 7))
    png_s = None
    if args.png:
        t0 = time.perf_counter()
        brief_png(data, html=html)
        png_s = time.perf_counter() - t0

    base = statistics.median(times[next(iter(methods))])
    brief_s = statistics.median(times[list(methods)[1]])
    print(f"store {args.db}: town {town} {data.name}, {data.kpis.open_issues:,} open issues, "
          f"{len(data.units)} villages; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
          f"whole run {time.perf_counter() - started:.0f} s\n")
    print("| step | best s | median s | ratio vs baseline (median) |")
    print("|---|---:|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {min(values):.3f} | {statistics.median(values):.3f} | "
              f"{statistics.median(values) / base:.2f}x |")
    if png_s is not None:
        print(f"| PNG: headless Chromium screenshot of the HTML (one run, browser start included) | {png_s:.3f} | "
              f"{png_s:.3f} | {png_s / base:.2f}x |")
    warm = statistics.median(tick_times[next(iter(tick))])
    print("\n| per live tick | best ms | median ms | ratio vs warm filter change |")
    print("|---|---:|---:|---:|")
    for name, values in tick_times.items():
        print(f"| {name} | {1000 * min(values):.1f} | {1000 * statistics.median(values):.1f} | "
              f"{statistics.median(values) / warm:.2f}x |")
    ok = brief_s <= TARGET_S and brief_s / base <= MAX_MAP_RATIO
    print(f"\nbrief {brief_s:.2f} s (target ≤ {TARGET_S:g} s), map adds {brief_s / base:.2f}x "
          f"(target ≤ {MAX_MAP_RATIO:g}x): {'met' if ok else '**MISSED**'}")
    return 0 if ok else 1


def _rounds(methods: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    for method in methods.values():  # warm-up
        method()
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(repeats):
        for name, method in methods.items():
            t0 = time.perf_counter()
            method()
            times[name].append(time.perf_counter() - t0)
    return times


def _largest_town(session: Session) -> str:
    plan = int(session.meta("plan_version") or 1)
    units = session.read("units", where={"plan_version": plan}, columns=["code", "level"])
    micro = units.loc[units["level"] == "micro", "code"].str[:9].value_counts()
    towns = units.loc[units["level"] == "town", "code"]
    return str(sorted(towns, key=lambda c: (-int(micro.get(c[:9], 0)), c))[0])


if __name__ == "__main__":
    sys.exit(main())
