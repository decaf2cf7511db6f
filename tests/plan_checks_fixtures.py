"""Hand-drawn plans for the planner's check and balance tests.

Coordinates are cells of 0.001° (~100 m) from (120.500E, 27.500N), near Cangnan, so
the metric CRS is EPSG:4549. ``cell(i, j)`` is the cell in column ``i``, row ``j``
(row 0 at the bottom); ``rect(i0, j0, i1, j1)`` the box over cells ``i0..i1-1``,
``j0..j1-1``. A plan from :func:`plan_of` always has the chain county -> town ->
village -> grid with the grid's outline as each ancestor's outline, so only the
micro-grids (or whatever the test draws) can be wrong.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely

from gridmap.plan.model import PLAN_COLUMNS

X0, Y0, D = 120.5, 27.5, 0.001
COUNTY, TOWN, VILLAGE, GRID = "330327000000", "330327103000", "330327103001", "33032710300101"
WORKER = {"name": "张伟", "role": "grid_worker"}
LEADER = {"name": "李娜", "role": "micro_leader"}


def x(i: float) -> float:
    return round(X0 + i * D, 6)


def y(j: float) -> float:
    return round(Y0 + j * D, 6)


def pt(i: float, j: float) -> tuple[float, float]:
    return (x(i), y(j))


def rect(i0: float, j0: float, i1: float, j1: float) -> shapely.Polygon:
    return shapely.box(x(i0), y(j0), x(i1), y(j1))


def cell(i: int, j: int) -> shapely.Polygon:
    return rect(i, j, i + 1, j + 1)


def micro_code(n: int, grid: str = GRID) -> str:
    return f"{grid}{n:03d}"


def micro(n: int, geom: Any, households: int = 30, staff: Any = "default", grid: str = GRID,
          name: str | None = None) -> dict[str, Any]:
    """A micro-grid row (numbered ``n`` in ``grid``)."""
    return {"code": micro_code(n, grid), "level": "micro", "name": name or f"第{n}微网格", "parent_code": grid,
            "households": households, "residents": households * 3,
            "staff": [dict(LEADER)] if staff == "default" else staff, "geometry": geom}


def plan_of(micros: list[dict[str, Any]], outline: shapely.Geometry, *, grid_staff: Any = "default",
            extra: list[dict[str, Any]] | None = None) -> gpd.GeoDataFrame:
    """A plan: the chain county/town/village/grid over ``outline``, the micro-grids,
    and ``extra`` rows (other grids and their micro-grids)."""
    rows = micros + (extra or [])
    grid_households = sum(r["households"] for r in rows if r["parent_code"] == GRID)
    staff = [dict(WORKER), {"name": "王芳", "role": "grid_leader"}] if grid_staff == "default" else grid_staff
    chain = [
        {"code": COUNTY, "level": "county", "name": "苍南县", "parent_code": None, "geometry": outline},
        {"code": TOWN, "level": "town", "name": "宜山镇", "parent_code": COUNTY, "geometry": outline},
        {"code": VILLAGE, "level": "village", "name": "球山社区", "parent_code": TOWN, "geometry": outline},
        {"code": GRID, "level": "grid", "name": "球山社区第1网格", "parent_code": VILLAGE, "geometry": outline,
         "staff": staff},
    ]
    total = grid_households + sum(r["households"] for r in rows if r["level"] == "grid")
    for row in chain:
        row.setdefault("staff", [{"name": "陈静", "role": "leader"}])
        row["households"] = grid_households if row["level"] == "grid" else total
        row["residents"] = row["households"] * 3
    frame = gpd.GeoDataFrame(chain + rows, geometry="geometry", crs="EPSG:4326")
    frame["plan_version"] = 1
    return frame[list(PLAN_COLUMNS)]


def grid_plan(n: int, households: int = 30) -> gpd.GeoDataFrame:
    """An ``n`` x ``n`` grid of micro-grids, numbered row by row from the bottom left."""
    micros = [micro(j * n + i + 1, cell(i, j), households) for j in range(n) for i in range(n)]
    return plan_of(micros, rect(0, 0, n, n))
