"""Auto-partition (gridmap.plan.partition.auto_partition) against a plain GerryChain call.

Run::

    python benchmarks/bench_plan_partition.py [--repeats 3] [--seed 0]

Cases: a synthetic community of 1,000 households (one grid; tests/plan_fixtures.py)
and one village of the small demo (``gridmap.demo.generate("small")``: the village
with the most households, each of its grids partitioned).

Timed, best of ``--repeats``, in the same process:

* baseline: ``recursive_tree_part`` on the same cell graph with the same number of
  parts and the band that ``auto_partition`` ended with (graph built beforehand, not
  timed): the GerryChain work alone.
* ``auto_partition``: cells (Voronoi faces, clusters), graph, the tries of the band
  schedule, the union of cells into micro-grids and the new plan frame.

Prints a markdown table: case, cells, parts, band, best seconds of each and their ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import warnings
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd
from gerrychain.partition import recursive_tree_part
from gerrychain.tree import bipartition_tree

from gridmap.plan.cells import CLUSTER_M, _cells, _children
from gridmap.plan.model import PLAN_COLUMNS, snap_frame
from gridmap.plan.partition import MAX_ATTEMPTS, auto_partition, cell_graph
from tests.plan_fixtures import VILLAGE, community


def _best(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _baseline(plan: gpd.GeoDataFrame, grids: list[str], hh: gpd.GeoDataFrame, bands: dict, seed: int) -> tuple:  # type: ignore[type-arg]
    jobs = []
    n_cells = 0
    for grid in grids:
        parent = plan.loc[plan["code"] == grid].iloc[0]
        cells = _cells(parent, _children(plan, grid).iloc[0:0], hh, CLUSTER_M, max_cluster=30)
        n_cells += len(cells)
        total = int(cells["households"].sum())
        k = max(1, round(total / 30))
        if k > 1:
            jobs.append((cell_graph(cells), k, total / k, bands[grid][2]))

    def run() -> None:
        method = partial(bipartition_tree, max_attempts=MAX_ATTEMPTS, warn_attempts=MAX_ATTEMPTS + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for graph, k, ideal, eps in jobs:
                for n in range(20):
                    try:
                        recursive_tree_part(graph, list(range(k)), ideal, "households", eps,
                                            bipartition_tree_fn=method, rng=random.Random(seed + n))
                        break
                    except Exception:
                        continue
    return run, n_cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from gridmap.demo import generate
    demo = generate("small")
    units = snap_frame(demo["units"][list(PLAN_COLUMNS)])
    villages = units.loc[units["level"] == "village"].sort_values("households", ascending=False)
    village = villages["code"].iloc[0]
    plan1, hh1 = community(1000, n_grids=1, seed=args.seed)
    cases = [("community, 1,000 households", plan1, VILLAGE + "01", hh1),
             (f"demo village {village} ({int(villages['households'].iloc[0]):,} households)", units, village,
              demo["households"])]
    print("| case | cells | micro-grids | band (households) | recursive_tree_part (s) | auto_partition (s) | ratio |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name, plan, code, hh in cases:
        result = auto_partition(plan, code, hh, seed=args.seed)
        grids = sorted(result.params["bands"])
        run, n_cells = _baseline(plan, grids, hh, result.params["bands"], args.seed)
        base = _best(run, args.repeats)
        ours = _best(lambda p=plan, c=code, h=hh: auto_partition(p, c, h, seed=args.seed), args.repeats)
        low, high = result.params["low"], result.params["high"]
        print(f"| {name} | {n_cells:,} | {len(result.added)} | {low}-{high} | {base:.2f} | {ours:.2f} | "
              f"{ours / base:.2f}x |")


if __name__ == "__main__":
    main()
