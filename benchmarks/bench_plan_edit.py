"""Repair of one planner edit (neighbours and descendants follow) on the small demo town.

Run: ``.venv/bin/python -m benchmarks.bench_plan_edit [--units 30] [--repeat 5]``.

The plan is ``gridmap.demo.generate("small")`` (宜山镇: ~427 micro-grids, 52 grids, 35
villages), snapped to the 6-decimal grid. Cases, each on ``--units`` different units:

- *micro drag*: one inner vertex of a micro-grid moved 20% of the way to its centroid
  (vertex propagation; the usual Leaflet drag);
- *micro delete*: a vertex shared by three or more units deleted (the overlay fallback);
- *grid drag*: one vertex of a grid moved the same way (grids and micro-grids follow);
- *grid split*: a grid cut by a line through its centroid (micro-grids cut and re-coded).

Baseline, in the same run: ``shapely.coverage_is_valid`` over the edited unit's siblings
(the cheapest check one would run after any edit). Target (issue 10): <= 50 ms per repair.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import shapely
from shapely import LineString, Polygon

from gridmap import demo
from gridmap.plan.edit import reshape, split
from gridmap.plan.errors import BadEdit
from gridmap.plan.model import EditResult, snap_frame

TARGET_MS = 50.0


def _timed(fn: Callable[[], object], repeat: int) -> float:
    best = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best.append((time.perf_counter() - t0) * 1000)
    return statistics.median(best)


def _dragged(poly: Polygon, shared: set[tuple[float, float]], outline: set[tuple[float, float]]) -> Polygon | None:
    ring = [tuple(c) for c in np.asarray(poly.exterior.coords)[:-1].tolist()]
    cx, cy = poly.centroid.x, poly.centroid.y
    for i, (x, y) in enumerate(ring):
        if (x, y) in shared and (x, y) not in outline:
            moved = (round(x + 0.2 * (cx - x), 6), round(y + 0.2 * (cy - y), 6))
            new = Polygon([*ring[:i], moved, *ring[i + 1:]])
            return new if new.is_valid else None
    return None


def _deleted(poly: Polygon, counts: dict[tuple[float, float], int]) -> Polygon | None:
    ring = [tuple(c) for c in np.asarray(poly.exterior.coords)[:-1].tolist()]
    for i, p in enumerate(ring):
        if counts.get(p, 0) >= 3 and len(ring) > 4:
            new = Polygon(ring[:i] + ring[i + 1:])
            return new if new.is_valid else None
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=30, help="units edited per case")
    ap.add_argument("--repeat", type=int, default=5, help="timings per edit (median)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    plan = snap_frame(demo.generate("small")["units"])
    print(f"demo small: {len(plan)} units, built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    geoms = dict(zip(plan["code"], plan.geometry, strict=True))
    parent = dict(zip(plan["code"], plan["parent_code"], strict=True))
    level = dict(zip(plan["code"], plan["level"], strict=True))
    siblings: dict[str, list[str]] = {}
    for c, p in parent.items():
        siblings.setdefault(str(p), []).append(c)
    rng = np.random.default_rng(7)

    def vertex_counts(codes: list[str]) -> dict[tuple[float, float], int]:
        out: dict[tuple[float, float], int] = {}
        for c in codes:
            for xy in np.asarray(geoms[c].exterior.coords)[:-1].tolist():
                out[tuple(xy)] = out.get(tuple(xy), 0) + 1
        return out

    cases: dict[str, list[tuple[str, Callable[[], EditResult]]]] = {"micro drag": [], "micro delete": [],
                                                                      "grid drag": [], "grid split": []}
    for lvl, drag_case, delete_case in (("micro", "micro drag", "micro delete"), ("grid", "grid drag", None)):
        codes = [c for c in plan["code"] if level[c] == lvl]
        for c in rng.permutation(codes).tolist():
            sibs = siblings[str(parent[c])]
            counts = vertex_counts(sibs)
            shared = {p for p, n in counts.items() if n >= 2}
            outline = {tuple(xy) for xy in np.asarray(geoms[str(parent[c])].exterior.coords).tolist()}
            new = _dragged(geoms[c], shared, outline)
            if new is not None and len(cases[drag_case]) < args.units:
                cases[drag_case].append((c, lambda c=c, new=new: reshape(plan, c, new)))
            if delete_case:
                gone = _deleted(geoms[c], counts)
                if gone is not None and len(cases[delete_case]) < args.units:
                    cases[delete_case].append((c, lambda c=c, gone=gone: reshape(plan, c, gone)))
            if lvl == "grid" and len(cases["grid split"]) < args.units:
                g = geoms[c]
                x0, _, x1, _ = g.bounds
                cy = g.centroid.y
                line = LineString([(round(x0 - 1e-4, 6), round(cy, 6)), (round(x1 + 1e-4, 6), round(cy, 6))])
                cases["grid split"].append((c, lambda c=c, line=line: split(plan, c, line, min_area_m2=1.0)))

    rows = []
    for name, edits in cases.items():
        times, bases, refused, changed = [], [], 0, []
        for c, fn in edits:
            try:
                res = fn()
            except BadEdit:
                refused += 1
                continue
            changed.append(len(res.changed) + len(res.added))
            times.append(_timed(fn, args.repeat))
            sib = np.asarray([geoms[s] for s in siblings[str(parent[c])]], dtype=object)
            bases.append(_timed(lambda sib=sib: shapely.coverage_is_valid(sib), args.repeat))
        if not times:
            continue
        med, p90, base = statistics.median(times), float(np.percentile(times, 90)), statistics.median(bases)
        rows.append((name, len(times), refused, statistics.median(changed), med, p90, max(times), base, med / base,
                     "yes" if p90 <= TARGET_MS else "NO"))
    print("| case | edits | refused | units changed (median) | repair median ms | p90 ms | max ms "
          "| baseline coverage_is_valid(siblings) ms | ratio | p90 <= 50 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.0f} | {r[4]:.2f} | {r[5]:.2f} | {r[6]:.2f} | {r[7]:.3f} "
              f"| {r[8]:.0f}x | {r[9]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
