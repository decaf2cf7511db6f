"""Station coverage and siting at county scale (issue 13): gridmap against geopandas.

Run::

    python benchmarks/bench_coverage.py [--households 220000] [--stations 1500] [--repeats 5]
        [--k 10] [--mclp-limit 120] [--db sqlite:///data/gridmap.db]

Data: the households and stations of ``--db`` (a SQLite store), else of the demo county
(``gridmap.demo.generate("county", seed=7, today=2026-11-23)``, cached in
``data/bench/coverage-county.parquet`` and ``-stations.parquet``). When the county holds
fewer than ``--households`` households or ``--stations`` stations, jittered copies
(within 150 m / 400 m of a real one, seeded) are added up to those numbers, so the run
measures the target sizes; the table says how many were real.

Coverage (all station types, walking distance 500 m, the default ``GRIDMAP_WALK_M``),
best of ``--repeats``, methods interleaved round by round:

* baseline: ``geopandas.sjoin_nearest(households, stations_of_type, max_distance=500)``
  per station type, both frames projected with ``to_crs`` to the metric CRS (timed);
* gridmap: :func:`gridmap.stations.household_coverage` (projection + one cKDTree per type,
  one distance-bounded query per household).

Both must find the same covered households. **Target: gridmap <= 1 s.**

Siting: in the town with the most uncovered households, ``--k`` new sites among the
candidates from uncovered clusters (:func:`gridmap.stations.candidate_sites`), reach
500 m: greedy, and spopt ``MCLP`` with CBC (time limit ``--mclp-limit`` s). Prints the
households each covers and the seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.stations import candidate_sites, household_coverage, metric_xy, suggest_sites, walk_distance
from gridmap.stations.siting import cbc_available

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "data" / "bench"
TODAY = dt.date(2026, 11, 23)


def _demo_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    hh_path, st_path = CACHE / "coverage-county.parquet", CACHE / "coverage-county-stations.parquet"
    if hh_path.exists() and st_path.exists():
        return gpd.read_parquet(hh_path), gpd.read_parquet(st_path)
    from gridmap.demo import generate

    print("generating the demo county (once) ...", file=sys.stderr, flush=True)
    layers = generate("county", seed=7, today=TODAY)
    hh = gpd.GeoDataFrame(layers["households"][["id", "town_code", "geometry"]], crs="EPSG:4326")
    st = gpd.GeoDataFrame(layers["stations"][["id", "station_type", "opened", "closes", "town_code", "geometry"]],
                          crs="EPSG:4326")
    CACHE.mkdir(parents=True, exist_ok=True)
    hh.to_parquet(hh_path)
    st.to_parquet(st_path)
    return hh, st


def _store_frames(url: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    from gridmap.domain import Scope
    from gridmap.store import open_store

    with open_store(url) as store:
        county = store.counties()[0]
        scope = Scope.county(county)
        return (store.read("households", scope, columns=["id", "town_code", "geometry"]),
                store.read("stations", scope, columns=["id", "station_type", "opened", "closes", "town_code",
                                                       "geometry"]))


def _grow(frame: gpd.GeoDataFrame, n: int, spread_m: float, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """``frame`` plus jittered copies of random rows up to ``n`` rows."""
    if len(frame) >= n:
        return frame.iloc[:n].reset_index(drop=True)
    extra = frame.iloc[rng.integers(0, len(frame), n - len(frame))].copy()
    deg = spread_m / 111_000
    extra["geometry"] = shapely.points(extra.geometry.x.to_numpy() + rng.normal(0, deg, len(extra)),
                                       extra.geometry.y.to_numpy() + rng.normal(0, deg, len(extra)))
    extra["id"] = [f"copy-{i}" for i in range(len(extra))]
    return gpd.GeoDataFrame(pd.concat([frame, extra], ignore_index=True), crs="EPSG:4326")


def _baseline(hh: gpd.GeoDataFrame, st: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    hm, sm = hh.to_crs(crs), st.to_crs(crs)
    covered = np.zeros(len(hm), dtype=bool)
    for kind in sorted(set(sm["station_type"].astype(str))):
        joined = gpd.sjoin_nearest(hm, sm[(sm["station_type"] == kind).to_numpy()],
                                   max_distance=walk_distance(kind), how="inner")
        covered[np.unique(joined.index.to_numpy())] = True
    return covered


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--households", type=int, default=220_000)
    ap.add_argument("--stations", type=int, default=1_500)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--mclp-limit", type=float, default=120.0)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(13)
    hh0, st0 = _store_frames(args.db) if args.db else _demo_frames()
    hh = _grow(hh0.reset_index(drop=True), args.households, 150, rng)
    st = _grow(st0.reset_index(drop=True), args.stations, 400, rng)
    print(f"households: {len(hh):,} ({len(hh0):,} real); stations: {len(st):,} ({len(st0):,} real); "
          f"python {platform.python_version()}, geopandas {gpd.__version__}")
    times: dict[str, list[float]] = {"baseline": [], "gridmap": []}
    mine = household_coverage(hh, st)  # warm-up
    base = _baseline(hh, st, mine.crs)
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        base = _baseline(hh, st, mine.crs)
        times["baseline"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        mine = household_coverage(hh, st)
        times["gridmap"].append(time.perf_counter() - t0)
    same = bool((base == mine.covered).all())
    b, g = min(times["baseline"]), min(times["gridmap"])
    print()
    print("| coverage method | best s | ratio vs baseline | covered households |")
    print("|---|---:|---:|---:|")
    print(f"| geopandas sjoin_nearest(max_distance) per type (baseline) | {b:.3f} | 1.00x | {int(base.sum()):,} |")
    print(f"| gridmap household_coverage (cKDTree) | {g:.3f} | {g / b:.2f}x | {int(mine.covered.sum()):,} |")
    print(f"\nsame covered households: {same}; target gridmap <= 1 s: {'met' if g <= 1.0 else 'MISSED'} ({g:.3f} s)")

    towns = pd.Series(hh["town_code"].to_numpy()[~mine.covered]).value_counts()
    town = str(towns.index[0])
    in_town = (hh["town_code"] == town).to_numpy()
    xy = metric_xy(hh[in_town], mine.crs)
    uncovered = xy[~mine.covered[in_town]]
    reach = walk_distance("party_l2")
    sites = candidate_sites(uncovered, reach)
    print(f"\nsiting in town {town}: {int(in_town.sum()):,} households, {len(uncovered):,} uncovered, "
          f"{len(sites)} candidates, k = {args.k}, reach {reach:.0f} m; CBC available: {cbc_available()}")
    print()
    print("| siting method | seconds | households newly covered | proven optimal |")
    print("|---|---:|---:|---|")
    for method in ("greedy", "mclp"):
        result = suggest_sites(uncovered, sites, reach, args.k, method=method,  # type: ignore[arg-type]
                               time_limit_s=args.mclp_limit)
        label = "greedy" if method == "greedy" else f"spopt MCLP + CBC (answer: {result.method})"
        print(f"| {label} | {result.seconds:.2f} | {result.total_gained:,} | {result.optimal} |")
    return 0 if same and g <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
