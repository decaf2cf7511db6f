"""Hand-drawn plans for the edit tests, and an independent coverage check.

Coordinates are in cells of 0.001 degrees (about 100 m) from (120.5 E, 27.5 N), so
``cell(1, 2)`` is the point one cell east and two north of the origin. All vertices are
on the 6-decimal grid.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import Polygon

from gridmap.access import level_of_code
from gridmap.domain import CODE_PREFIX
from gridmap.plan.model import PLAN_COLUMNS

X0, Y0, STEP = 120.5, 27.5, 0.001
COUNTY, TOWN, VILLAGE = "330327000000", "330327103000", "330327103001"
VILLAGE2 = "330327103002"


def cell(x: float, y: float) -> tuple[float, float]:
    """The point ``x`` cells east and ``y`` north of the origin (on the 1e-6 grid)."""
    return (round(X0 + x * STEP, 6), round(Y0 + y * STEP, 6))


def poly(*xy: tuple[float, float]) -> Polygon:
    """A polygon through cell points."""
    return Polygon([cell(x, y) for x, y in xy])


def box(x0: int, y0: int, x1: int, y1: int) -> Polygon:
    """A rectangle with a vertex at every whole cell along its edges (as its children have)."""
    ring = ([(x, y0) for x in range(x0, x1)] + [(x1, y) for y in range(y0, y1)]
            + [(x, y1) for x in range(x1, x0, -1)] + [(x0, y) for y in range(y1, y0, -1)])
    return poly(*ring)


def frame(rows: Iterable[tuple[str, str, str, str | None, Polygon]]) -> gpd.GeoDataFrame:
    """A plan frame from (code, level, name, parent, geometry) rows; 30 households each."""
    rows = list(rows)
    data = pd.DataFrame({
        "code": [r[0] for r in rows], "level": [r[1] for r in rows], "name": [r[2] for r in rows],
        "parent_code": [r[3] for r in rows], "households": [30] * len(rows), "residents": [90] * len(rows),
        "staff": [[] for _ in rows], "plan_version": [1] * len(rows),
    })
    out = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([r[4] for r in rows], crs="EPSG:4326"), crs="EPSG:4326")
    return out[list(PLAN_COLUMNS)]


def micro_block(nx: int, ny: int, grids_x: int = 1) -> gpd.GeoDataFrame:
    """A village of ``nx`` x ``ny`` one-cell micro-grids, cut into ``grids_x`` grids by columns.

    With ``nx=3, ny=3, grids_x=1`` (micro-grid serials in each cell)::

        y=3 +---+---+---+
            | 7 | 8 | 9 |
        y=2 +---+---+---+
            | 4 | 5 | 6 |      one grid 33032710300101 = the village;
        y=1 +---+---+---+      micro-grid k = 33032710300101 00k
            | 1 | 2 | 3 |
        y=0 +---+---+---+
           x=0  1   2   3

    With ``grids_x=2`` on a 2-column block each column is a grid (01 west, 02 east) and
    its micro-grids are numbered bottom-up. A neighbouring village 330327103002
    (one grid, one micro-grid) lies east of the block, so the town is the union.
    """
    rows: list[tuple[str, str, str, str | None, Polygon]] = []
    village = box(0, 0, nx, ny)
    east = box(nx, 0, nx + 1, ny)
    rows.append((COUNTY, "county", "县", None, box(0, 0, nx + 1, ny)))
    rows.append((TOWN, "town", "镇", COUNTY, box(0, 0, nx + 1, ny)))
    rows.append((VILLAGE, "village", "甲村", TOWN, village))
    rows.append((VILLAGE2, "village", "乙村", TOWN, east))
    rows.append((VILLAGE2 + "01", "grid", "乙村一格", VILLAGE2, east))
    rows.append((VILLAGE2 + "01001", "micro", "乙村一格1", VILLAGE2 + "01", east))
    per = nx // grids_x
    for g in range(grids_x):
        gcode = f"{VILLAGE}{g + 1:02d}"
        x0, x1 = g * per, nx if g == grids_x - 1 else (g + 1) * per
        rows.append((gcode, "grid", f"甲村{g + 1}格", VILLAGE, box(x0, 0, x1, ny)))
        k = 0
        for y in range(ny):
            for x in range(x0, x1):
                k += 1
                rows.append((f"{gcode}{k:03d}", "micro", f"{g + 1}格{k}", gcode, box(x, y, x + 1, y + 1)))
    return frame(rows)


def coverage_problems(plan: gpd.GeoDataFrame) -> list[str]:
    """Every parent whose children do not cover it exactly: an independent check.

    For each parent: all children valid polygons, ``coverage_is_valid``, no overlap (the
    areas add up to the union's), no gap (the union equals the parent within 1e-9
    relative); and codes unique, each child's code under its parent's prefix.
    """
    problems: list[str] = []
    if plan["code"].duplicated().any():
        problems.append("duplicate codes: " + ", ".join(plan.loc[plan["code"].duplicated(), "code"]))
    by_code = dict(zip(plan["code"], plan.geometry, strict=True))
    for parent, group in plan.groupby("parent_code"):
        if parent not in by_code:
            problems.append(f"{parent}: parent missing")
            continue
        geoms = np.asarray(group.geometry.to_numpy(), dtype=object)
        outline = by_code[parent]
        if not all(shapely.is_valid(geoms)) or not all(g.geom_type == "Polygon" for g in geoms):
            problems.append(f"{parent}: a child is invalid or not one polygon")
            continue
        if not shapely.coverage_is_valid(geoms):
            problems.append(f"{parent}: coverage_is_valid is False")
        union = shapely.union_all(geoms)
        if abs(shapely.area(geoms).sum() - union.area) > 1e-9 * outline.area:
            problems.append(f"{parent}: children overlap")
        if shapely.symmetric_difference(union, outline).area > 1e-9 * outline.area:
            problems.append(f"{parent}: children do not fill the parent (gap or outside)")
        if len(shapely.get_parts(union)) != len(shapely.get_parts(outline)):
            problems.append(f"{parent}: union has a different number of parts than the parent")
        prefix = parent[: CODE_PREFIX[level_of_code(parent)]]
        problems.extend(f"{c}: code not under parent {parent}" for c in group["code"] if not str(c).startswith(prefix))
    # holes in a unit that the others do not fill are gaps too
    for code, geom in by_code.items():
        for ring in getattr(geom, "interiors", []):
            hole = Polygon(ring)
            inside = plan.geometry[plan.geometry.within(hole.buffer(1e-9))]
            if abs(inside.area.sum() - hole.area) > 1e-9 * max(hole.area, 1e-12):
                problems.append(f"{code}: a hole that no unit fills")
    return problems


def all_coverage_ok(plan: gpd.GeoDataFrame) -> None:
    """Assert :func:`coverage_problems` finds nothing; also town-wide micro coverage."""
    problems = coverage_problems(plan)
    micros = np.asarray(plan.loc[plan["level"] == "micro"].geometry.to_numpy(), dtype=object)
    if not shapely.coverage_is_valid(micros):
        problems.append("micro-grids of the whole town are not a valid coverage (T-junction across parents?)")
    grids = np.asarray(plan.loc[plan["level"] == "grid"].geometry.to_numpy(), dtype=object)
    if not shapely.coverage_is_valid(grids):
        problems.append("grids of the whole town are not a valid coverage")
    assert not problems, problems


def geom(plan: gpd.GeoDataFrame, code: str) -> shapely.Geometry:
    return plan.loc[plan["code"] == code].geometry.iloc[0]
