"""Households and residents per unit, counted from the household points.

Points are assigned to micro-grids with :func:`gridmap.spatial.assign.assign` (its rule
for points on a shared edge or vertex: the micro-grid with the smallest code) and the
counts are summed up the tree by ``parent_code``: a unit's count is the sum over the
micro-grids below it. A unit with no micro-grid below it (or none with a usable
polygon) counts 0; points outside every micro-grid count nowhere.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import Level
from gridmap.spatial.assign import assign

_MICRO_DEPTH = Level.MICRO.depth


def count_units(plan: gpd.GeoDataFrame, households: gpd.GeoDataFrame, rows: np.ndarray, *,
                children: dict[int, np.ndarray], parent_rows: np.ndarray, depths: np.ndarray,
                micro_ok: np.ndarray, shapes: np.ndarray | None = None) -> pd.DataFrame:
    """``households`` and ``residents`` per plan row, counted from points for ``rows``.

    Args:
        plan: the plan frame.
        households: points in EPSG:4326; ``residents`` is summed when present (else the
            plan's residents are kept).
        rows: row positions to count exactly (their micro-grids are found below them).
        children: parent row -> child rows.
        parent_rows: parent row per row (-1: none).
        depths: level depth per row.
        micro_ok: True where a micro-grid's geometry can hold points.
        shapes: geometry to assign against (default: the plan's).

    Returns:
        A frame with one row per plan row (positional index): the counted values for
        ``rows`` and the units below them, the plan's own values elsewhere.
    """
    out = pd.DataFrame({c: _column(plan, c) for c in ("households", "residents")})
    subtree = _subtree(rows, children)
    if len(subtree) == 0:
        return out
    geoms = np.asarray(plan.geometry.to_numpy() if shapes is None else shapes, dtype=object)
    micro = subtree[(depths[subtree] == _MICRO_DEPTH) & micro_ok[subtree]]
    per_micro = _per_micro(households, micro, geoms, plan["code"].astype(str).to_numpy(dtype=object), len(plan))
    has_residents = "residents" in households.columns
    totals = {c: np.zeros(len(plan), dtype=np.int64) for c in ("households", "residents")}
    for c in totals:
        totals[c][micro] = per_micro[c][micro]
    # Bottom-up: the deepest units pass their totals to their parents first.
    for depth in range(_MICRO_DEPTH, 0, -1):
        level_rows = subtree[(depths[subtree] == depth) & (parent_rows[subtree] >= 0)]
        for c in totals:
            np.add.at(totals[c], parent_rows[level_rows], totals[c][level_rows])
    out.loc[subtree, "households"] = totals["households"][subtree]
    if has_residents:
        out.loc[subtree, "residents"] = totals["residents"][subtree]
    return out


def _per_micro(households: gpd.GeoDataFrame, micro: np.ndarray, geoms: np.ndarray, codes: np.ndarray,
               n: int) -> dict[str, np.ndarray]:
    counts = {c: np.zeros(n, dtype=np.int64) for c in ("households", "residents")}
    if len(micro) == 0 or len(households) == 0:
        return counts
    shapes = geoms[micro]
    minx, miny, maxx, maxy = shapely.total_bounds(shapes)
    index = households.sindex  # built once per households frame and kept by geopandas
    if len(index) != len(households):  # empty or missing points: let assign name them
        near = np.ones(len(households), dtype=bool)
    else:
        near = np.zeros(len(households), dtype=bool)
        near[index.query(shapely.box(minx, miny, maxx, maxy))] = True
    if not near.any():
        return counts
    has_residents = "residents" in households.columns
    data = {"residents": pd.to_numeric(households["residents"].to_numpy()[near], errors="coerce")} if has_residents else {}
    points = gpd.GeoDataFrame(data, geometry=households.geometry.to_numpy()[near], crs=households.crs)
    # Real codes keep assign's tie rule (smallest code); repeated codes get the row appended.
    names = pd.Index(codes[micro])
    if not names.is_unique:
        names = pd.Index([f"{code}\x00{row}" for code, row in zip(codes[micro], micro, strict=True)])
    units = gpd.GeoDataFrame({"code": names.to_numpy(dtype=object), "level": str(Level.MICRO), "parent_code": None},
                             geometry=list(shapes), crs=households.crs)
    assigned = assign(points, units)
    inside = ~assigned["outside"].to_numpy(dtype=bool)
    which = micro[names.get_indexer(assigned["micro_code"].to_numpy(dtype=object)[inside])]
    np.add.at(counts["households"], which, 1)
    if has_residents:
        residents = points["residents"].fillna(0).to_numpy(dtype=np.int64)
        np.add.at(counts["residents"], which, residents[inside])
    return counts


def _subtree(rows: np.ndarray, children: dict[int, np.ndarray]) -> np.ndarray:
    """``rows`` and every unit below them."""
    seen = np.zeros(0, dtype=np.intp)
    frontier = np.unique(np.asarray(rows, dtype=np.intp))
    while len(frontier):
        seen = np.union1d(seen, frontier)
        below = [children[int(r)] for r in frontier if int(r) in children]
        frontier = np.setdiff1d(np.concatenate(below), seen) if below else np.zeros(0, dtype=np.intp)
    return seen.astype(np.intp)


def _column(plan: pd.DataFrame, column: str) -> np.ndarray:
    if column not in plan.columns:
        return np.zeros(len(plan), dtype=np.int64)
    return pd.to_numeric(plan[column], errors="coerce").fillna(0).astype(np.int64).to_numpy()
