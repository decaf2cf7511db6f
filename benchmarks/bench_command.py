"""The commander's numbers at county scale: snapshot + pure functions vs reading per change.

Run::

    python benchmarks/bench_command.py [--db sqlite:////tmp/county_kpi.db] [--county 330327]
        [--village CODE] [--repeats 7] [--baseline-repeats 3]

The store should hold the county demo (``python -m gridmap demo --scale county --db URL
--today 2026-11-23``, ~40 s): 125,192 issues, 61,391 inspections, 223,558 households,
424,440 zero-reports, 7,470 micro-grids. ``now`` is the county's ``as_of`` setting.

Timed (best and median of interleaved rounds; each round uses the next filter set
of :func:`benchmarks.common.filter_cycle`, so nothing can be served from a cache):

* ``load_snapshot`` (first call, then best of 3) and ``refresh_snapshot`` with no change;
* ``kpis`` and ``unit_measure`` at the county (towns, and all micro-grids) and at a village;
* ``new_since`` over the whole county with the previous tick's ids;
* a *filter change* = ``kpis`` + one ``unit_measure``: what the page does per change;
* baselines for the same filter change: **naive** = ``session.read`` of the needed
  columns of every layer, then pandas filtering by code prefix (what a page would do
  without a snapshot); **pandas in memory** = the same pandas code on frames already read.

The baselines compute the same numbers independently; the script checks that they
agree with :mod:`gridmap.command` for every filter set and prints the table. It exits
with status 1 when a warm filter change exceeds the 300 ms target (median).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import filter_cycle
from gridmap.access import Session
from gridmap.command import (
    Filters,
    data_now,
    kpis,
    load_snapshot,
    new_since,
    refresh_snapshot,
    unit_measure,
)
from gridmap.domain import CODE_PREFIX, ISSUE_CLOCK_STOPPED, ISSUE_TERMINAL, Level, Scope
from gridmap.store import open_store

TARGET_MS = 300.0
DEFAULT_DB = "sqlite:////tmp/county_kpi.db"


# --------------------------------------------------------------------------- the baseline


def read_frames(session: Session, day: dt.date) -> dict[str, pd.DataFrame]:
    """What a page without a snapshot reads per change (the needed columns only)."""
    plan = int(session.meta("plan_version") or 1)
    return {
        "units": session.read("units", where={"plan_version": plan}, columns=["code", "level", "households"]),
        "issues": session.read("issues", columns=["id", "category", "status", "reported_at", "deadline",
                                                  "closed_at", "micro_code"]),
        "inspections": session.read("inspections", columns=["id", "hazard_types", "status", "found_at",
                                                            "deadline", "rectified_at", "micro_code"]),
        "zero": session.read("zero_reports", where={"day": day}, columns=["micro_code", "reported_at"]),
    }


def pandas_numbers(frames: dict[str, pd.DataFrame], unit: str, level: Level, child: Level, filters: Filters,
                   now: dt.datetime) -> dict[str, Any]:
    """The filter change in plain pandas: string prefixes, isin, value_counts."""
    prefix = unit[:CODE_PREFIX[level]]
    first, last = filters.window(now)
    start, end, today = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1), pd.Timestamp(now.date())
    now_ts = pd.Timestamp(now)

    def inside(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if level == Level.COUNTY else frame[frame["micro_code"].fillna("").str.startswith(prefix)]

    iss = inside(frames["issues"])
    base = iss["reported_at"] <= now_ts
    if filters.categories is not None:
        base &= iss["category"].isin(filters.categories)
    if filters.issue_statuses is not None:
        base &= iss["status"].isin(filters.issue_statuses)
    is_open = base & ~iss["status"].isin([str(s) for s in ISSUE_TERMINAL])
    overdue = base & ~iss["status"].isin([str(s) for s in ISSUE_CLOCK_STOPPED]) & (iss["deadline"] < now_ts)
    closed = iss["status"] == "closed"
    reported = (base & (iss["reported_at"] >= start) & (iss["reported_at"] < end)
                & ~iss["status"].isin(["duplicate", "invalid"]))
    closed_of = reported & closed & (iss["closed_at"] <= now_ts)

    ins = inside(frames["inspections"])
    hbase = ins["found_at"] <= now_ts
    if filters.hazard_statuses is not None:
        hbase &= ins["status"].isin(filters.hazard_statuses)
    if filters.hazard_types is not None:
        wanted = set(filters.hazard_types)
        hbase &= ins["hazard_types"].map(lambda types: bool(wanted.intersection(types)))
    found = hbase & (ins["found_at"] >= start) & (ins["found_at"] < end)
    rectified = (hbase & ins["status"].isin(["rectified", "verified"]) & (ins["rectified_at"] >= start)
                 & (ins["rectified_at"] < end) & (ins["rectified_at"] <= now_ts))

    units = frames["units"]
    micro = units.loc[(units["level"] == "micro") & units["code"].str.startswith(prefix), "code"]
    zero = frames["zero"]
    zero_done = zero.loc[zero["reported_at"] <= now_ts, "micro_code"]
    children = units.loc[(units["level"] == child.value) & units["code"].str.startswith(prefix), "code"]
    per_child = iss.loc[is_open, "micro_code"].dropna().str[:CODE_PREFIX[child]].value_counts()
    child_keys = children.str[:CODE_PREFIX[child]]
    return {
        "open_issues": int(is_open.sum()), "overdue_issues": int(overdue.sum()),
        "closed_today": int((base & closed & (iss["closed_at"] >= today) & (iss["closed_at"] <= now_ts)).sum()),
        "reported": int(reported.sum()), "closed_of_reported": int(closed_of.sum()),
        "hazards_found": int(found.sum()), "hazards_rectified": int(rectified.sum()),
        "zero_reported": int(micro.isin(set(zero_done)).sum()),
        "open_by_child": dict(zip(children, per_child.reindex(child_keys).fillna(0).astype(int), strict=True)),
    }


def ours(snapshot: Any, unit: str, child: Level, filters: Filters, now: dt.datetime) -> dict[str, Any]:
    """The same filter change with :mod:`gridmap.command`."""
    k = kpis(snapshot, unit, filters, now)
    m = unit_measure(snapshot, unit, child, "open_issues", filters, now)
    out = {name: getattr(k, name) for name in ("open_issues", "overdue_issues", "closed_today", "reported",
                                               "closed_of_reported", "hazards_found", "hazards_rectified",
                                               "zero_reported")}
    out["open_by_child"] = {str(c): int(v) for c, v in m.values["value"].items()}
    return out


# --------------------------------------------------------------------------- timing


def timed_rounds(repeats: int, methods: dict[str, Callable[[int], object]]) -> dict[str, list[float]]:
    """Wall times per method over ``repeats`` interleaved rounds; round ``r`` passes ``r``."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    for r in range(repeats):
        for name, func in methods.items():
            started = time.perf_counter()
            func(r)
            times[name].append(time.perf_counter() - started)
    return times


def pick_village(snapshot: Any) -> str:
    """The village with the most micro-grids (ties: the smallest code)."""
    units = snapshot.units
    micro = units.index[units["level"] == "micro"].to_series().str[:12]
    return str(micro.value_counts().sort_index().idxmax())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("GRIDMAP_DB", DEFAULT_DB))
    parser.add_argument("--county", default="330327")
    parser.add_argument("--village", default=None, help="village code for the village view (default: largest)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--baseline-repeats", type=int, default=3)
    args = parser.parse_args(argv)

    store = open_store(args.db)
    session = Session.system(store, Scope.county(args.county))
    if store.count("issues", session.scope) == 0:
        raise SystemExit(f"{args.db} holds no issues for county {args.county}: run "
                         f"python -m gridmap demo --scale county --db {args.db} --today 2026-11-23")
    now = data_now(session)
    started = time.perf_counter()
    snapshot = load_snapshot(session)
    first_load = time.perf_counter() - started
    county = snapshot.home_code
    village = args.village or pick_village(snapshot)
    cycle = filter_cycle(now.date())
    print(f"store {args.db}: {len(snapshot.issues):,} issues, {len(snapshot.inspections):,} inspections, "
          f"{int(snapshot.households.sum()) if snapshot.households is not None else 0:,} households, "
          f"{snapshot.n_micro:,} micro-grids; now = {now:%Y-%m-%d %H:%M}; village view: {village}\n"
          f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPUs; {args.repeats} interleaved rounds ({args.baseline_repeats} for the "
          f"baselines), {len(cycle)} filter sets in turn\n")

    frames = read_frames(session, now.date())
    for f in cycle:  # the baselines must compute the same numbers
        for unit, level, child in ((county, Level.COUNTY, Level.TOWN), (village, Level.VILLAGE, Level.MICRO)):
            expected = pandas_numbers(frames, unit, level, child, f, now)
            got = ours(snapshot, unit, child, f, now)
            if got != expected:
                raise SystemExit(f"results differ for {unit} with {f}:\n  ours   {got}\n  pandas {expected}")

    def change(unit: str, child: Level) -> Callable[[int], object]:
        return lambda r: ours(snapshot, unit, child, cycle[r % len(cycle)], now)

    seen = snapshot.ids()

    def pick(r: int) -> Filters:
        return cycle[r % len(cycle)]

    fast = timed_rounds(args.repeats, {
        "kpis(county)": lambda r: kpis(snapshot, county, pick(r), now),
        "unit_measure(county -> 18 towns, open_issues)":
            lambda r: unit_measure(snapshot, county, Level.TOWN, "open_issues", pick(r), now),
        "unit_measure(county -> 18 towns, hazards_per_100)":
            lambda r: unit_measure(snapshot, county, Level.TOWN, "hazards_per_100", pick(r), now),
        "unit_measure(county -> 7,470 micro-grids, open_issues)":
            lambda r: unit_measure(snapshot, county, Level.MICRO, "open_issues", pick(r), now),
        "kpis(village)": lambda r: kpis(snapshot, village, pick(r), now),
        "unit_measure(village -> micro-grids, zero_report)":
            lambda r: unit_measure(snapshot, village, Level.MICRO, "zero_report", pick(r), now),
        "change:county": change(county, Level.TOWN),
        "change:village": change(village, Level.MICRO),
        "new_since(county, seen=the ids of the last tick)": lambda r: new_since(snapshot, now, seen=seen),
        "refresh_snapshot (nothing changed)": lambda r: refresh_snapshot(session, snapshot),
    })
    loads = timed_rounds(3, {"load_snapshot (again, warm file cache)": lambda r: load_snapshot(session)})
    slow = timed_rounds(args.baseline_repeats, {
        "naive:county": lambda r: pandas_numbers(read_frames(session, now.date()), county, Level.COUNTY,
                                                 Level.TOWN, pick(r), now),
        "naive:village": lambda r: pandas_numbers(read_frames(session, now.date()), village, Level.VILLAGE,
                                                  Level.MICRO, pick(r), now),
        "memory:county": lambda r: pandas_numbers(frames, county, Level.COUNTY, Level.TOWN, pick(r), now),
        "memory:village": lambda r: pandas_numbers(frames, village, Level.VILLAGE, Level.MICRO, pick(r), now),
    })
    med = {name: statistics.median(times) * 1000 for name, times in {**fast, **slow}.items()}

    print("Per filter change (kpis + one unit_measure), warm, median ms:\n")
    print("| view | gridmap.command | pandas on frames in memory | naive: read + pandas "
          "| speed-up vs naive | vs in-memory pandas |")
    print("|---|---:|---:|---:|---:|---:|")
    for view, label in (("county", "county (KPIs + 18 towns)"), ("village", f"village {village} "
                                                                         "(KPIs + its micro-grids)")):
        ours_ms, memory, naive = med[f"change:{view}"], med[f"memory:{view}"], med[f"naive:{view}"]
        print(f"| {label} | {ours_ms:.1f} | {memory:.1f} | {naive:.1f} | {naive / ours_ms:.0f}x "
              f"| {memory / ours_ms:.0f}x |")
    print("\nSingle calls and the snapshot:\n")
    print("| step | best ms | median ms |")
    print("|---|---:|---:|")
    print(f"| load_snapshot (first call in this process) | {first_load * 1000:.0f} | {first_load * 1000:.0f} |")
    for name, times in {**loads, **fast}.items():
        if not name.startswith("change:"):
            print(f"| {name} | {min(times) * 1000:.1f} | {statistics.median(times) * 1000:.1f} |")
    worst = max(med["change:county"], med["change:village"])
    met = worst <= TARGET_MS
    print(f"\nwarm filter change (median): county view {med['change:county']:.1f} ms, village view "
          f"{med['change:village']:.1f} ms: target <= {TARGET_MS:.0f} ms {'MET' if met else 'NOT MET'}. "
          f"The pandas baseline computed the same numbers for all {len(cycle)} filter sets at both views.")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
