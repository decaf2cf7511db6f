"""The hazard page's server time for a filter change, against esda called directly on the same data.

``python benchmarks/bench_hazard_page.py [--db sqlite:///...] [--repeats 5]``

A filter change on the hazard page (warm: the permutation engine compiled, the store's
rows read once, as the page caches them) costs, per view:

- **points**: the filter (:func:`gridmap.hazards.select`) and the point layer built and
  rendered to the JavaScript ``st_folium`` sends (clustered above 300 points);
- **hot spots**: the filter, Gi* on every micro-grid of the county with 999 permutations
  and FDR (:func:`gridmap.hotspots.hotspots_by_unit`, the EB rate per 100 households, a
  commander's view) and the bins layer built and rendered.

The baseline is esda itself on the same counts in the same run: ``G_Local(y, w,
transform="B", star=True, permutations=999)`` on libpysal's queen weights (built once,
not timed) and ``esda.fdr``. Target: the page's filter change <= 300 ms server time
(issue 11). Filters cycle through hazard types, statuses and periods; each round times
every method once, in turn; the table shows the median.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    RERUN_TARGET_MS,
    bench_run,
    header,
    log,
    parser,
    store_counts,
    verdict,
)


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    from esda import G_Local, fdr
    from libpysal.weights import Queen

    from gridmap.command import data_now
    from gridmap.domain import Level
    from gridmap.hazards import HazardFilters, select
    from gridmap.hazards.layers import BIN_COLOURS, area_layer, hotspot_classes
    from gridmap.hotspots import count_per_unit, hotspots_by_unit, warm_up
    from gridmap.maps import TileSource, inspection_layer
    from gridmap.maps.lod import units_at_level

    tiles = TileSource("none")
    with bench_run(args) as run:
        session = run.session
        now = data_now(session)
        log("warming esda's permutation engine")
        warm_up()
        inspections = session.read("inspections")
        micro = units_at_level(session, Level.MICRO, columns=["code", "name", "households"]).reset_index(drop=True)
        weights = Queen.from_dataframe(micro, use_index=False, silence_warnings=True)
        start = now.date()
        cycle = [HazardFilters(), HazardFilters(hazard_types=("flying_wire", "ebike_indoor_charging")),
                 HazardFilters(period="last7"), HazardFilters(statuses=("found", "rectifying", "overdue")),
                 HazardFilters(period="custom", date_from=start - dt.timedelta(days=180), date_to=start),
                 HazardFilters(severities=("high",), place_types=("rental", "small_venue"))]
        labels = {b: str(b) for b in range(-3, 4)}
        times: dict[str, list[float]] = {"points": [], "hotspots": [], "esda": []}
        sizes: list[int] = []
        for _ in range(args.repeats):
            for f in cycle:
                t0 = time.perf_counter()
                rows = inspections[select(inspections, f, now).to_numpy()]
                group = inspection_layer(rows, as_of=now, tiles=tiles, key="hzpoints",
                                         aggregate="cluster" if len(rows) > 300 else "markers")
                sizes.append(len(_render(group)))
                times["points"].append(time.perf_counter() - t0)

                t0 = time.perf_counter()
                rows = inspections[select(inspections, f, now).to_numpy()]
                result = hotspots_by_unit(micro, rows, variable="rate_eb", permutations=999, seed=len(times["esda"]))
                classes, entries = hotspot_classes([int(b) for b in result.frame["bin"]], labels)
                _render(area_layer(result.frame, classes, BIN_COLOURS, entries, key="hzhot", name="hot",
                                   tooltip=[("code", "code")], tiles=tiles, legend_title="Gi*"))
                times["hotspots"].append(time.perf_counter() - t0)

                y = count_per_unit(micro, rows).astype(float)
                t0 = time.perf_counter()
                g = G_Local(y, weights, transform="B", star=True, permutations=999, seed=len(times["esda"]))
                fdr(g.p_sim, 0.05)
                times["esda"].append(time.perf_counter() - t0)
        counts = store_counts(session, run.county)
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        print(header(run.source_url, run.built_s, counts, None, time.perf_counter() - run.started,
                     extra=f"{len(micro):,} micro-grids analysed, {len(cycle)} filters x {args.repeats} rounds"))
        print("| filter change (warm) | median ms | vs esda | target |")
        print("|---|---:|---:|---|")
        print(f"| esda G_Local(star, B, 999) + fdr, same counts (baseline) | {med['esda']:.0f} | 1.00x | |")
        print(f"| page: filter + Gi* (EB rate, 999, FDR) + bins layer rendered | {med['hotspots']:.0f} | "
              f"{med['hotspots'] / med['esda']:.2f}x | <= {RERUN_TARGET_MS:.0f} ms: "
              f"{verdict(med['hotspots'] <= RERUN_TARGET_MS)} |")
        print(f"| page: filter + points layer rendered (median {statistics.median(sizes) / 1e6:.2f} MB) | "
              f"{med['points']:.0f} | {med['points'] / med['esda']:.2f}x | <= {RERUN_TARGET_MS:.0f} ms: "
              f"{verdict(med['points'] <= RERUN_TARGET_MS)} |")
        return 0 if max(med["hotspots"], med["points"]) <= RERUN_TARGET_MS else 1
    return 1  # pragma: no cover


def _render(group: object) -> str:
    """The group's JavaScript as ``st_folium`` sends it (it renders each group's script)."""
    import folium

    m = folium.Map(location=[27.5, 120.4], zoom_start=11, tiles=None)
    m.add_child(group)  # type: ignore[arg-type]
    return str(m.get_root().render())


if __name__ == "__main__":
    sys.exit(main())
