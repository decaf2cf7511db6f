"""Point -> micro-grid assignment at county scale, against its floor and the alternatives.

Run::

    python benchmarks/bench_assign.py [--points 1000000] [--repeats 5] [--seed 1]
        [--outside 0.05] [--on-vertices 0.01] [--synthetic]
        [--db sqlite:///data/gridmap.db [--county 330327]]
        [--pg postgresql://postgres@127.0.0.1:5432/gridmap_bench]

Micro-grids come from ``--db`` (the current plan of a stored county), else from the
county-scale demo generator (``gridmap.demo.generate("county")``) when it exists, else
from a synthetic stand-in: ~5,000 Voronoi cells over Cangnan's extent grouped into
grids, villages and towns. Points: 94% uniform inside the micro-grids, 5% uniform in
their extent (mostly outside every micro-grid), 1% exactly on micro-grid vertices
(``--outside``, ``--on-vertices``).

Timed, best of ``--repeats`` in the same process:

* floor: ``shapely.STRtree(micro)`` + ``tree.query(points, predicate="intersects")``;
  the least any exact point-in-polygon assignment must do.
* ``gridmap.spatial.assign.assign``: validation, the query, the boundary rule for
  points matched twice, ancestors, and the output frame.
* ``geopandas.sjoin(predicate="intersects")``: no boundary rule, no ancestors.
* with ``--pg``: PostGIS ``CREATE TEMP TABLE .. AS SELECT .. JOIN .. ON ST_Intersects``
  over GiST-indexed temp tables loaded with COPY (the join only, not the loading).

Prints a markdown table (method, best seconds, ratio of best times to the floor's) and
whether ``assign`` meets the 1.2x target, judged on the median of the per-round
assign/floor ratios: the methods run interleaved, so each round's pair shares the
machine's load, and the median is robust where a single lucky best time is not.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gridmap.spatial.assign import assign

TARGET_RATIO = 1.2
CANGNAN_EXTENT = (120.06, 27.14, 120.70, 27.57)
CRS = "EPSG:4326"


# --------------------------------------------------------------------------- micro-grids


def synthetic_units(n_micro: int = 5000, seed: int = 1) -> gpd.GeoDataFrame:
    """~``n_micro`` Voronoi cells over Cangnan's extent, in towns > villages > grids > micro.

    Each level groups the level below by the nearest of fewer random seeds (18 towns,
    300 villages, 1,000 grids), and its geometry is the coverage union of its children,
    so the set is a valid partition like a real plan.
    """
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = CANGNAN_EXTENT
    extent = shapely.box(*CANGNAN_EXTENT)
    seeds = shapely.points(rng.uniform(minx, maxx, n_micro), rng.uniform(miny, maxy, n_micro))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=extent))
    cells = shapely.intersection(cells, extent)
    cells = cells[shapely.get_type_id(cells) == 3]
    centres = shapely.get_coordinates(shapely.centroid(cells))

    frames = []
    codes = np.array([f"M{i:05d}" for i in range(len(cells))], dtype=object)
    geoms = cells
    level_names = [("grid", "G", 1000), ("village", "V", 300), ("town", "T", 18)]
    child_level = "micro"
    for level, prefix, n in level_names:
        group_seeds = np.column_stack([rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)])
        group = _nearest(centres, group_seeds)
        used = np.unique(group)
        parent_codes = np.array([f"{prefix}{g:04d}" for g in range(n)], dtype=object)
        frames.append(pd.DataFrame({"code": codes, "level": child_level, "parent_code": parent_codes[group],
                                    "geometry": geoms}))
        geoms = np.array([shapely.coverage_union_all(geoms[group == g]) for g in used], dtype=object)
        centres = np.array([centres[group == g].mean(axis=0) for g in used])
        codes = parent_codes[used]
        child_level = level
    frames.append(pd.DataFrame({"code": codes, "level": child_level, "parent_code": "C330327",
                                "geometry": geoms}))
    frames.append(pd.DataFrame({"code": ["C330327"], "level": ["county"], "parent_code": [None],
                                "geometry": [shapely.coverage_union_all(geoms)]}))
    units = pd.concat(frames[::-1], ignore_index=True)
    return gpd.GeoDataFrame(units, geometry="geometry", crs=CRS)


def _nearest(points: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    d2 = ((points[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
    return d2.argmin(axis=1)


def load_units(db: str | None, county: str, seed: int, synthetic: bool = False) -> tuple[gpd.GeoDataFrame, str]:
    """The units to assign into, and where they came from."""
    if db:
        from gridmap.domain import Scope
        from gridmap.store import open_store

        with open_store(db, migrate=False) as store:
            plan = store.current_plan(county)
            units = store.read("units", Scope.county(county), where={"plan_version": plan},
                               columns=["code", "level", "parent_code", "geometry"])
        return units, f"store {db}, county {county}, plan {plan}"
    demo = None if synthetic else _demo_units()
    if demo is not None:
        return demo, 'gridmap.demo.generate("county")'
    return synthetic_units(seed=seed), "synthetic Voronoi cells over Cangnan's extent"


def _demo_units() -> gpd.GeoDataFrame | None:
    try:
        from gridmap.demo import generate  # type: ignore[attr-defined]
    except ImportError:
        return None
    result: Any = generate("county")
    units = result.get("units") if isinstance(result, dict) else getattr(result, "units", None)
    return units if isinstance(units, gpd.GeoDataFrame) else None


def random_points(units: gpd.GeoDataFrame, n: int, seed: int, outside: float,
                  on_vertices: float) -> gpd.GeoDataFrame:
    """``n`` points like a county's households, in random order.

    A share ``outside`` is uniform in the micro-grids' bounding box widened by 1% per
    side (most of those fall outside every micro-grid: sea, neighbours, gaps), a share
    ``on_vertices`` sits exactly on micro-grid vertices (shared by 2-3 micro-grids: the
    tie-break path), and the rest are uniform inside the micro-grids.
    """
    rng = np.random.default_rng(seed)
    micro = units.loc[units.level == "micro"].geometry.to_numpy()
    minx, miny, maxx, maxy = shapely.total_bounds(micro)
    n_box, n_vertex = round(n * outside), round(n * on_vertices)
    dx, dy = (maxx - minx) * 0.01, (maxy - miny) * 0.01
    box_xy = np.column_stack([rng.uniform(minx - dx, maxx + dx, n_box), rng.uniform(miny - dy, maxy + dy, n_box)])
    vertices = shapely.get_coordinates(micro)
    vertex_xy = vertices[rng.integers(0, len(vertices), n_vertex)]
    tree = shapely.STRtree(micro)
    inside: list[np.ndarray] = []
    need = n - n_box - n_vertex
    while need > 0:
        xy = np.column_stack([rng.uniform(minx, maxx, 2 * need), rng.uniform(miny, maxy, 2 * need)])
        hit = np.unique(tree.query(shapely.points(xy), predicate="intersects")[0])[:need]
        inside.append(xy[hit])
        need -= len(hit)
    xy = np.concatenate([box_xy, vertex_xy, *inside])[rng.permutation(n)]
    return gpd.GeoDataFrame({"id": np.arange(n)}, geometry=shapely.points(xy), crs=CRS)


def timed_rounds(repeats: int, methods: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Wall times of each method in ``repeats`` rounds, interleaved so that load from
    other processes falls on all methods alike. Results are checked once, outside."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(repeats):
        for name, func in methods.items():
            started = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - started)
    return times


def floor(points: np.ndarray, micro: np.ndarray) -> np.ndarray:
    return shapely.STRtree(micro).query(points, predicate="intersects")


def postgis_join(url: str, points: gpd.GeoDataFrame, micro: gpd.GeoDataFrame,
                 repeats: int) -> tuple[float, int, str]:
    """Best time of the ST_Intersects join in PostGIS, rows produced, server version."""
    import psycopg

    _ensure_database(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
        conn.execute("CREATE TEMP TABLE bench_points (id integer, geom geometry(Point, 4326))")
        conn.execute("CREATE TEMP TABLE bench_micro (code text, geom geometry(MultiPolygon, 4326))")
        _copy(conn, "bench_points", points["id"].to_numpy(), points.geometry.to_numpy())
        multi = np.array([g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g])
                          for g in micro.geometry], dtype=object)
        _copy(conn, "bench_micro", micro["code"].to_numpy(), multi)
        conn.execute("CREATE INDEX ON bench_points USING gist (geom)")
        conn.execute("CREATE INDEX ON bench_micro USING gist (geom)")
        conn.execute("ANALYZE bench_points")
        conn.execute("ANALYZE bench_micro")
        best, rows = float("inf"), 0
        for _ in range(repeats):
            conn.execute("DROP TABLE IF EXISTS bench_result")
            started = time.perf_counter()
            conn.execute("CREATE TEMP TABLE bench_result AS SELECT p.id, m.code FROM bench_points p "
                         "JOIN bench_micro m ON ST_Intersects(m.geom, p.geom)")
            best = min(best, time.perf_counter() - started)
        rows = conn.execute("SELECT count(*) FROM bench_result").fetchone()[0]
    return best, rows, version


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname")
    if not name:
        return
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _copy(conn: Any, table: str, keys: np.ndarray, geoms: np.ndarray) -> None:
    wkb = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
    with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
        for key, g in zip(keys.tolist(), wkb.tolist(), strict=True):
            copy.write_row((key, g))


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--outside", type=float, default=0.05,
                        help="share of points uniform in the extent, most outside every micro-grid (0.05)")
    parser.add_argument("--on-vertices", type=float, default=0.01,
                        help="share of points exactly on micro-grid vertices (default 0.01)")
    parser.add_argument("--db", default=None, help="read the micro-grids from this store")
    parser.add_argument("--county", default="330327")
    parser.add_argument("--synthetic", action="store_true",
                        help="use synthetic Voronoi micro-grids even when the demo generator exists")
    parser.add_argument("--pg", default=None, help="also time the join in PostGIS at this URL")
    args = parser.parse_args(argv)

    units, source = load_units(args.db, args.county, args.seed, args.synthetic)
    micro = units.loc[units.level == "micro", ["code", "geometry"]].reset_index(drop=True)
    points = random_points(units, args.points, args.seed, args.outside, args.on_vertices)
    geoms, micro_geoms = points.geometry.to_numpy(), micro.geometry.to_numpy()
    print(f"micro-grids: {len(micro):,}, {shapely.get_num_coordinates(micro_geoms).mean():.1f} vertices "
          f"on average ({source})\npoints: {len(points):,}: {args.outside:.0%} uniform in the extent, "
          f"{args.on_vertices:.0%} on micro-grid vertices, the rest inside micro-grids\n"
          f"best of {args.repeats} interleaved rounds; python {platform.python_version()}, "
          f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), geopandas {gpd.__version__}, "
          f"{os.cpu_count()} CPUs\n")

    methods: dict[str, Callable[[], Any]] = {
        "floor": lambda: floor(geoms, micro_geoms),
        "assign": lambda: assign(points, units),
        "sjoin": lambda: gpd.sjoin(points, micro, predicate="intersects"),
    }
    pairs, out, joined = (func() for func in methods.values())  # warm-up, and the results to report
    times = timed_rounds(args.repeats, methods)
    t_floor, t_assign, t_sjoin = (min(times[name]) for name in methods)
    paired = float(np.median(np.array(times["assign"]) / np.array(times["floor"])))
    rows: list[tuple[str, float, str]] = [
        ("raw shapely STRtree + query(points, 'intersects') (floor)", t_floor, f"{pairs.shape[1]:,} pairs"),
        ("gridmap assign() (rule + ancestors + frame)", t_assign,
         f"{int((~out['outside']).sum()):,} assigned, {int(out['outside'].sum()):,} outside"),
        ("geopandas.sjoin(predicate='intersects')", t_sjoin, f"{len(joined):,} rows"),
    ]
    if args.pg:
        t_pg, n, version = postgis_join(args.pg, points, micro, args.repeats)
        rows.append((f"PostGIS {version} JOIN ON ST_Intersects (GiST)", t_pg, f"{n:,} rows"))

    print("| method | seconds | ratio vs floor | result |")
    print("|---|---:|---:|---|")
    for name, seconds, note in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / t_floor:.2f}x | {note} |")
    best_ratio = t_assign / t_floor
    verdict = "MET" if paired <= TARGET_RATIO else "NOT MET"
    print(f"\nassign() / floor: median of the {args.repeats} per-round ratios {paired:.2f}x "
          f"(best time / best time {best_ratio:.2f}x): target <= {TARGET_RATIO}x {verdict}")
    return 0 if paired <= TARGET_RATIO else 1

if __name__ == "__main__":
    raise SystemExit(main())
