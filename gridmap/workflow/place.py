"""Where a point lies, decided on the server: its micro-grid and every ancestor.

:func:`place` is what every insert of an assigned layer through a session runs
(:meth:`gridmap.access.GuardedTransaction.insert`): the codes a client supplies are
ignored and derived from the geometry against the county's current plan, so a grid
worker cannot file a pin in another village under their own micro-grid.

It stays light for one report: it reads only the units whose bounding box holds the
points (an index-backed ``bbox`` read on the transaction's own connection, in the whole
county's scope) and tests containment exactly with :func:`gridmap.spatial.assign.assign`.
Ancestors that a box read missed (a town drawn slightly inside its micro-grids) are
fetched by code, so the chain never depends on boundaries nesting to the last metre.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import ASSIGN_COLUMNS, Scope
from gridmap.spatial.assign import UNIT_COLUMNS, assign
from gridmap.spatial.crs import STORE_CRS
from gridmap.store.base import Frame, StoreError, Transaction

_MAX_PARENT_HOPS = 5


def place(tx: Transaction, frame: Frame) -> Frame:
    """``frame`` with ``town_code``, ``village_code``, ``grid_code``, ``micro_code`` and
    ``outside`` derived from its point geometry (current plan, whole county).

    A point in no micro-grid is kept with ``outside=True`` and no codes. A frame without
    a ``geometry`` column is returned unchanged (the store refuses it with its own
    message).

    Raises:
        StoreError: a geometry is not a usable point in EPSG:4326 (the message says which).
    """
    if "geometry" not in frame.columns or len(frame) == 0:
        return frame
    crs = getattr(frame, "crs", None) or STORE_CRS
    points = gpd.GeoDataFrame(pd.DataFrame(frame).drop(columns=["geometry"]),
                              geometry=gpd.GeoSeries(np.asarray(frame["geometry"].values, dtype=object),
                                                     index=frame.index, crs=crs), crs=crs)
    units = _units_around(tx, points)
    try:
        if units.empty or not (units["level"] == "micro").any():
            return _outside(points)
        return assign(points, units)
    except ValueError as exc:
        raise StoreError(f"{exc}") from None


def _units_around(tx: Transaction, points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The current plan's units whose box holds a point, plus any missing ancestors."""
    geoms = points.geometry.to_numpy()
    usable = np.array([isinstance(g, shapely.Point) and not g.is_empty for g in geoms], dtype=bool)
    if not usable.any():
        return gpd.GeoDataFrame({c: [] for c in UNIT_COLUMNS[:-1]}, geometry=[], crs=STORE_CRS)
    bounds = shapely.bounds(geoms[usable])
    finite = np.isfinite(bounds).all(axis=1)
    if not finite.any():
        return gpd.GeoDataFrame({c: [] for c in UNIT_COLUMNS[:-1]}, geometry=[], crs=STORE_CRS)
    bounds = bounds[finite]
    box = (float(bounds[:, 0].min()), float(bounds[:, 1].min()), float(bounds[:, 2].max()),
           float(bounds[:, 3].max()))
    county = Scope.county(tx.scope.county_code)
    plan = tx.current_plan()
    units = tx.read("units", scope=county, bbox=box, where={"plan_version": plan}, columns=list(UNIT_COLUMNS))
    return _with_ancestors(tx, county, plan, units)


def _with_ancestors(tx: Transaction, county: Scope, plan: int, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``units`` plus the parents their chains name that are not among them yet."""
    for _ in range(_MAX_PARENT_HOPS):
        known = set(units["code"].astype(str))
        parents = {str(p) for p in units["parent_code"].dropna()} - known
        if not parents:
            break
        more = tx.read("units", scope=county, where={"code": sorted(parents), "plan_version": plan},
                       columns=list(UNIT_COLUMNS))
        if more.empty:
            break
        units = gpd.GeoDataFrame(pd.concat([units, more], ignore_index=True), geometry="geometry", crs=STORE_CRS)
    return units


def _outside(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = points.copy()
    for column in ASSIGN_COLUMNS[:-1]:
        out[column] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out["outside"] = True
    return out


__all__ = ["place"]
