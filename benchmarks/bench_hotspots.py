"""Hot-spot statistics at county scale, against calling esda directly on the same data.

Run::

    python benchmarks/bench_hotspots.py [--db sqlite:///data/bench/county.db] [--repeats 5] [--keep]

Data: the county demo store (``benchmarks/common.py``: ~7,500 micro-grids, ~61,000
inspections), copied. Cases, each timed ``--repeats`` rounds, interleaved with its
baseline so both share the machine's load; the table shows the median of each and the
median per-round ratio:

1. **Gi* 999 permutations, 5,000 units, warm** -- :func:`gridmap.hotspots.gi_star`
   (esda plus the two-sided p-values, FDR and the confidence bins; its result cache
   off) on the first 5,000 micro-grids in code order (whole towns), weights built once;
   baseline ``esda.G_Local(y, w, transform="B", star=True, permutations=999, n_jobs=1)``
   on the same values and the same weights as a libpysal ``W`` (what one gets from
   ``Queen.from_dataframe``). **Target: <= 1 s.**
2. **hotspots_by_unit, county, a filter change** -- the whole call the page and the CLI
   make (count the points per micro-grid, EB rates, Gi* 999 permutations, FDR) on every
   micro-grid and every inspection, the weights cached (as after the first call) and the
   result cache cleared; baseline: esda on the same values and weights. Also the first
   call (weights built) and the analytic-only call (before the warm-up).
3. **hotspots_by_h3, county, resolution 9** -- every cell of the county, zero cells too.
4. **emerging_hotspots, county, 12 weeks** -- the space-time cube of micro-grids.
5. **rank_units** and **walking_route** (50 stops) for the page's ranking and route.

Cold compile: a fresh interpreter times :func:`gridmap.hotspots.warm_up` once (numba's
compilation when numba is installed; without numba esda runs plain Python and there is
nothing to compile), and a second fresh interpreter times the first esda call with
permutations directly.

The script exits with status 1 when target 1 is missed.
"""

from __future__ import annotations

import dataclasses
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import REPO_ROOT, bench_run, log, parser, verdict

TARGET_S = 1.0
UNITS_5K = 5000


def _fresh(code: str) -> list[float]:
    """The seconds printed by ``code`` run in a fresh interpreter, one per line."""
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True,
                          timeout=600)
    return [float(line) for line in proc.stdout.split()]


COLD_WARM_UP = """
import time
t = time.perf_counter()
from gridmap.hotspots import warm_up
print(time.perf_counter() - t)
t = time.perf_counter()
warm_up()
print(time.perf_counter() - t)
"""
COLD_ESDA = """
import time, warnings
import numpy as np, esda, libpysal
w = libpysal.weights.lat2W(6, 6, rook=False)
y = np.arange(36, dtype=float) % 7
warnings.simplefilter("ignore")
t = time.perf_counter()
esda.G_Local(y, w, transform="B", star=True, permutations=99, n_jobs=1, seed=0)
print(time.perf_counter() - t)
"""


CPU: dict[str, list[float]] = {}  # case -> CPU seconds of this process per round


def _timed(fn: Callable[[], Any], cpu: str | None = None) -> float:
    c = time.process_time()
    t = time.perf_counter()
    fn()
    wall = time.perf_counter() - t
    if cpu is not None:
        CPU.setdefault(cpu, []).append(time.process_time() - c)
    return wall


def _pairs(case: Callable[[], Any], base: Callable[[], Any] | None, repeats: int,
           cpu: str | None = None) -> tuple[list[float], list[float]]:
    case()  # warm (caches, first-call costs)
    if base is not None:
        base()
    cs: list[float] = []
    bs: list[float] = []
    for _ in range(repeats):
        cs.append(_timed(case, cpu and f"{cpu} ours"))
        if base is not None:
            bs.append(_timed(base, cpu and f"{cpu} esda"))
    return cs, bs


def main() -> int:
    cli = parser(__doc__)
    cli.add_argument("--repeats", type=int, default=5)
    args = cli.parse_args()
    import esda

    from gridmap.hotspots import (
        clear_caches,
        emerging_hotspots,
        gi_star,
        hotspots_by_h3,
        hotspots_by_unit,
        rank_units,
        unit_neighbours,
        walking_route,
        warm_up,
    )
    from gridmap.hotspots.analysis import count_per_unit, variable_values
    from gridmap.hotspots.gistar import clear_results
    from gridmap.hotspots.warm import warm_up_seconds

    log("cold: warm_up() in a fresh interpreter")
    cold_import, cold_ours = _fresh(COLD_WARM_UP)
    (cold_esda,) = _fresh(COLD_ESDA)
    try:
        import numba  # noqa: F401

        compiler = "numba installed"
    except ImportError:
        compiler = "numba NOT installed: esda runs its permutations in plain Python (nothing to compile)"
    warm_up()
    rows: list[tuple[str, float, float | None, str]] = []
    with bench_run(args) as run:
        session = run.session
        units = session.read("units")
        micro = units[units["level"] == "micro"].sort_values("code").reset_index(drop=True)
        county = units[units["level"] == "county"]
        points = session.read("inspections")
        log(f"{len(micro):,} micro-grids, {len(points):,} inspections")
        warnings.simplefilter("ignore")

        # 1. Gi* on 5,000 units
        five = micro.iloc[:UNITS_5K].reset_index(drop=True)
        nb5 = dataclasses.replace(unit_neighbours(five), key="")  # no key: gi_star's result cache is off
        y5, _, _ = variable_values("rate_eb", count_per_unit(five, points),
                                   five["households"].astype(float).to_numpy())
        ours, base = _pairs(lambda: gi_star(y5, nb5, permutations=999, seed=0),
                            lambda: esda.G_Local(y5, nb5.w, transform="B", star=True, permutations=999, n_jobs=1,
                                                 seed=0),
                            args.repeats, cpu="gi5")
        ratios = [a / b for a, b in zip(ours, base, strict=True)]
        gi5 = statistics.median(ours)
        cpu5, cpu5_esda = statistics.median(CPU["gi5 ours"]), statistics.median(CPU["gi5 esda"])
        rows.append((f"gi_star, {len(five):,} units, 999 permutations (warm)", gi5, statistics.median(base),
                     f"ratio {statistics.median(ratios):.2f}x; CPU {cpu5:.3f} s vs esda {cpu5_esda:.3f} s; "
                     f"target <= {TARGET_S:.1f} s: wall {verdict(gi5 <= TARGET_S)}, CPU {verdict(cpu5 <= TARGET_S)}"))

        # 2. The whole call at county scale
        clear_caches()
        first = _timed(lambda: hotspots_by_unit(micro, points, permutations=999))
        nb = unit_neighbours(micro)
        y, _, _ = variable_values("rate_eb", count_per_unit(micro, points), micro["households"].astype(float).to_numpy())

        def filter_change() -> Any:
            clear_results()
            return hotspots_by_unit(micro, points, permutations=999)

        whole, base2 = _pairs(filter_change,
                              lambda: esda.G_Local(y, nb.w, transform="B", star=True, permutations=999, n_jobs=1,
                                                   seed=0),
                              max(2, args.repeats // 2))
        result = hotspots_by_unit(micro, points, permutations=999)
        hot = int((result.frame["significant"] & (result.frame["z"] > 0)).sum())
        rows.append((f"hotspots_by_unit, first call (queen weights built), {len(micro):,} micro-grids", first, None,
                     "once per set of units and process"))
        rows.append((f"hotspots_by_unit, filter change, {len(micro):,} micro-grids, {len(points):,} points",
                     statistics.median(whole),
                     statistics.median(base2),
                     f"ratio {statistics.median([a / b for a, b in zip(whole, base2, strict=True)]):.2f}x; "
                     f"{hot} hot units"))
        def analytic_change() -> Any:
            clear_results()
            return hotspots_by_unit(micro, points, permutations=0)

        analytic, _ = _pairs(analytic_change, None, max(2, args.repeats // 2))
        rows.append(("hotspots_by_unit, county, analytic only (before warm)", statistics.median(analytic), None, ""))

        # 3. H3
        def h3_change() -> Any:
            clear_results()
            return hotspots_by_h3(points, resolution=9, study_area=county, permutations=999)

        h3_times, _ = _pairs(h3_change, None, max(2, args.repeats // 2))
        cells = len(hotspots_by_h3(points, resolution=9, study_area=county, permutations=0).frame)
        rows.append((f"hotspots_by_h3, resolution 9, {cells:,} cells, 999 permutations", statistics.median(h3_times),
                     None, ""))

        # 4. Emerging
        em, _ = _pairs(lambda: emerging_hotspots(points, units=micro, weeks=12), None, 2)
        rows.append((f"emerging_hotspots, {len(micro):,} micro-grids x 12 weeks", statistics.median(em), None, ""))

        # 5. Ranking and route
        import datetime as dt

        now = dt.datetime(2026, 11, 23, 12)
        rk, _ = _pairs(lambda: rank_units(micro, points, now=now), None, args.repeats)
        rows.append((f"rank_units, {len(micro):,} micro-grids", statistics.median(rk), None, ""))
        stops = points[points["status"] == "overdue"].head(50)
        rt, _ = _pairs(lambda: walking_route(stops), None, args.repeats)
        rows.append((f"walking_route, {len(stops)} stops (NN + 2-opt)", statistics.median(rt), None, ""))
        print(run.header(None, extra=compiler))

    print(f"cold: importing gridmap.hotspots {cold_import:.2f} s, then warm_up() {cold_ours:.2f} s in a fresh process "
          f"(this process: {warm_up_seconds() or 0:.2f} s); "
          f"first esda call with permutations in a fresh process {cold_esda:.2f} s\n")
    print("| case | ours (median s) | esda directly (median s) | note |")
    print("|---|---:|---:|---|")
    for name, a, b, note in rows:
        print(f"| {name} | {a:.3f} | {'' if b is None else f'{b:.3f}'} | {note} |")
    return 0 if gi5 <= TARGET_S else 1


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
