"""Hand-made plans for the planner's partition and transfer tests (and the benchmark).

Coordinates are degrees near Cangnan (120.5E, 27.5N), on the 1e-6 grid. A *box plan*
is a county > town > village > grids > micro-grids chain of rectangles::

    county 330327000000 ─ town 330327100000 ─ village 330327100001
        grids 33032710000101, 33032710000102, ... side by side (west to east)
            micro-grids <grid>001, <grid>002, ... side by side inside each grid
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.plan.model import PLAN_COLUMNS, snap_frame

X0, Y0 = 120.5, 27.5
COUNTY, TOWN, VILLAGE = "330327000000", "330327100000", "330327100001"


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A rectangle in degrees."""
    return shapely.box(x0, y0, x1, y1)


def box_plan(width: float, height: float, micro_per_grid: Sequence[int]) -> gpd.GeoDataFrame:
    """A village ``width`` x ``height`` degrees split into ``len(micro_per_grid)`` grids
    (columns), grid ``g`` into ``micro_per_grid[g]`` micro-grids (rows, north first)."""
    x1, y1 = X0 + width, Y0 + height
    rows = [_row(COUNTY, "county", "苍南县", None, box(X0 - 0.01, Y0 - 0.01, x1 + 0.01, y1 + 0.01)),
            _row(TOWN, "town", "灵溪镇", COUNTY, box(X0 - 0.005, Y0 - 0.005, x1 + 0.005, y1 + 0.005)),
            _row(VILLAGE, "village", "下黄社区", TOWN, box(X0, Y0, x1, y1))]
    n_grids = len(micro_per_grid)
    for g, n_micro in enumerate(micro_per_grid):
        gx0, gx1 = X0 + width * g / n_grids, X0 + width * (g + 1) / n_grids
        grid = f"{VILLAGE}{g + 1:02d}"
        rows.append(_row(grid, "grid", f"第{g + 1}网格", VILLAGE, box(gx0, Y0, gx1, y1)))
        for m in range(n_micro):
            my1, my0 = y1 - height * m / n_micro, y1 - height * (m + 1) / n_micro
            rows.append(_row(f"{grid}{m + 1:03d}", "micro", f"第{g + 1}网格{m + 1}号", grid, box(gx0, my0, gx1, my1)))
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    return snap_frame(frame[list(PLAN_COLUMNS)])


def _row(code: str, level: str, name: str, parent: str | None, geom: shapely.Geometry) -> dict[str, object]:
    return {"code": code, "level": level, "name": name, "parent_code": parent, "households": 0, "residents": 0,
            "staff": None, "plan_version": 1, "geometry": geom}


def households_at(points: Sequence[tuple[float, float]], prefix: str = "hh") -> gpd.GeoDataFrame:
    """Households at the given lon/lat points, ids ``hh-0000``..., 3 residents each."""
    ids = [f"{prefix}-{i:04d}" for i in range(len(points))]
    return gpd.GeoDataFrame({"id": ids, "residents": 3}, geometry=[shapely.Point(p) for p in points],
                            crs="EPSG:4326")


def community(n_households: int = 1000, n_grids: int = 2, seed: int = 0) -> tuple[gpd.GeoDataFrame,
                                                                                  gpd.GeoDataFrame]:
    """A synthetic community of about 0.01 x 0.008 degrees (1 km x 0.9 km) with
    ``n_grids`` grids of one micro-grid each and ``n_households`` households: houses
    scattered at random and some apartment buildings (2-6 households 1 m apart)."""
    rng = np.random.default_rng(seed)
    plan = box_plan(0.01, 0.008, [1] * n_grids)
    pts: list[tuple[float, float]] = []
    while len(pts) < n_households:
        x, y = X0 + rng.uniform(0.0002, 0.0098), Y0 + rng.uniform(0.0002, 0.0078)
        flats = int(rng.integers(2, 7)) if rng.random() < 0.15 else 1
        for j in range(min(flats, n_households - len(pts))):
            pts.append((round(x + j * 1e-5, 6), round(y, 6)))
    return plan, households_at(pts)
