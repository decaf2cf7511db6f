"""The planner's live checks after one edit, against ``shapely.coverage_is_valid``.

Run::

    python benchmarks/bench_plan_checks.py [--repeats 7] [--no-county]

Plans: the small demo (``gridmap.demo.generate("small")``: one town, 427 micro-grids,
13,591 households) and, unless ``--no-county``, the county demo (``generate("county")``,
cached in ``/tmp/gridmap-bench-county.pkl``), whose largest town is checked. The edit:
one micro-grid grown by 5 m into its neighbours (so the checks find and describe
overlaps, the realistic "after a drag" case). Every timing builds a new
:class:`~gridmap.plan.context.PlanContext` (nothing cached from the previous run) and
runs :func:`~gridmap.plan.checks.validate` with all of :data:`DEFAULT_CHECKS`, counting
households from the points. The case "re-checked after the edit" is
:func:`~gridmap.plan.checks.revalidate`: the whole town's problems from the problems
before the edit (computed once, outside the timing), checking again only what the
edit touched -- the same list a full ``validate`` gives (tests/test_plan_revalidate.py).

Baseline: ``shapely.coverage_is_valid`` over all micro-grids of the same town, which
finds overlaps and mismatched edges of one level only (no gaps, no parents, no
households). Cases run interleaved, round by round, so each shares the machine's
load with the baseline; the ratio is the median over rounds of case/baseline. Target:
all checks of one town's micro-grids <= 200 ms.
"""

from __future__ import annotations

import argparse
import pickle
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gridmap.demo import generate
from gridmap.plan.checks import PlanContext, revalidate, validate
from gridmap.plan.model import PLAN_COLUMNS

TARGET_MS = 200.0
COUNTY_CACHE = Path("/tmp/gridmap-bench-county.pkl")


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _demo(scale: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    if scale == "county" and COUNTY_CACHE.exists():
        with COUNTY_CACHE.open("rb") as f:
            cached = pickle.load(f)  # our own cache file
        return cached["units"], cached["households"]
    t = time.perf_counter()
    frames = generate(scale)
    _log(f"generated the {scale} demo in {time.perf_counter() - t:.1f} s")
    if scale == "county":
        with COUNTY_CACHE.open("wb") as f:
            pickle.dump({"units": frames["units"], "households": frames["households"]}, f)
    return frames["units"], frames["households"]


def _subtree(plan: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """``code``, everything below it and its ancestors (so nesting stays whole)."""
    parent = dict(zip(plan["code"], plan["parent_code"], strict=True))
    keep = {code}
    up = parent.get(code)
    while up is not None:
        keep.add(up)
        up = parent.get(up)
    frontier = {code}
    while frontier:
        below = set(plan.loc[plan["parent_code"].isin(frontier), "code"])
        keep |= below
        frontier = below
    out = plan[plan["code"].isin(keep)].reset_index(drop=True)
    # Ancestors take the unit's outline: the cut-out is a county that is this one town.
    outline = out.geometry[out["code"] == code].iat[0]
    out.loc[out["code"].isin(keep - below_all(plan, code)), "geometry"] = outline
    return out


def below_all(plan: gpd.GeoDataFrame, code: str) -> set[str]:
    """``code`` and every unit below it."""
    found, frontier = {code}, {code}
    while frontier:
        frontier = set(plan.loc[plan["parent_code"].isin(frontier), "code"]) - found
        found |= frontier
    return found


def _edit(plan: gpd.GeoDataFrame, grid: str) -> gpd.GeoDataFrame:
    """Grow the first micro-grid of ``grid`` by 5 m (mitred) into its neighbours."""
    out = plan.copy()
    row = int(np.flatnonzero((out["parent_code"] == grid).to_numpy())[0])
    metric = gpd.GeoSeries([out.geometry.iat[row]], crs="EPSG:4326").to_crs("EPSG:4549")
    out.loc[out.index[row], "geometry"] = metric.buffer(5, join_style="mitre").to_crs("EPSG:4326").iat[0]
    return out


def _largest_town(plan: gpd.GeoDataFrame) -> str:
    micro = plan[plan["level"] == "micro"]
    grids = plan.set_index("code")["parent_code"]
    towns = micro["parent_code"].map(grids).map(grids)
    return str(towns.value_counts().idxmax())


def _cases(units: gpd.GeoDataFrame, households: gpd.GeoDataFrame, label: str,
           county: bool) -> tuple[Callable[[], Any], dict[str, Callable[[], Any]], dict[str, int]]:
    plan = units[list(PLAN_COLUMNS)].reset_index(drop=True)
    town = _largest_town(plan)
    town_plan = _subtree(plan, town)
    micro = town_plan[town_plan["level"] == "micro"]
    grid = str(micro["parent_code"].iloc[len(micro) // 2])
    edited_town = _edit(town_plan, grid)
    edited = _edit(plan, grid) if county else edited_town
    micro_geoms = micro.geometry.to_numpy()
    sizes = {"micro": len(micro), "units": len(town_plan), "households": len(households)}
    before = validate(PlanContext(town_plan, households=households))  # what the page had before the edit
    cases: dict[str, Callable[[], Any]] = {
        f"{label}: whole town, all levels": lambda: validate(PlanContext(edited_town, households=households)),
        f"{label}: whole town, re-checked after the edit": lambda: revalidate(town_plan, before, edited_town,
                                                                              households=households),
        f"{label}: whole town, plan's counts": lambda: validate(PlanContext(edited_town)),
        f"{label}: the edited grid's micro-grids": lambda: validate(PlanContext(edited, parent_code=grid,
                                                                                households=households)),
        f"{label}: the town's villages": lambda: validate(PlanContext(edited, parent_code=town,
                                                                      households=households)),
    }
    return (lambda: shapely.coverage_is_valid(micro_geoms)), cases, sizes


def _run(baseline: Callable[[], Any], cases: dict[str, Callable[[], Any]], repeats: int) -> list[tuple[str, float, float]]:
    for fn in (baseline, *cases.values()):  # warm up (imports, pyproj transformers)
        fn()
    base_times: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        t = time.perf_counter()
        baseline()
        base = time.perf_counter() - t
        base_times.append(base)
        for name, fn in cases.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    rows = [("baseline: coverage_is_valid(town micro-grids)", statistics.median(base_times) * 1000, 1.0)]
    for name, ts in times.items():
        ratios = [a / b for a, b in zip(ts, base_times, strict=True)]
        rows.append((name, statistics.median(ts) * 1000, statistics.median(ratios)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-county", action="store_true")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
          f"{platform.machine()}; median of {args.repeats} interleaved rounds\n")
    scales = ["small"] + ([] if args.no_county else ["county"])
    for scale in scales:
        units, households = _demo(scale)
        baseline, cases, sizes = _cases(units, households, scale, county=scale == "county")
        _log(f"{scale}: town of {sizes['micro']} micro-grids ({sizes['units']} units), "
             f"{sizes['households']} households")
        print(f"### {scale} demo: largest town, {sizes['micro']} micro-grids, {sizes['units']} units, "
              f"{sizes['households']:,} households in the plan's county\n")
        print("| case | median ms | ratio to baseline | target |")
        print("|---|---:|---:|---|")
        for name, ms, ratio in _run(baseline, cases, args.repeats):
            target = "" if name.startswith("baseline") else (
                f"<= {TARGET_MS:.0f} ms: {'met' if ms <= TARGET_MS else 'MISSED'}")
            print(f"| {name} | {ms:.1f} | {ratio:.1f}x | {target} |")
        print()


if __name__ == "__main__":
    main()
