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

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import ASSIGN_COLUMNS, Scope
from gridmap.spatial.assign import UNIT_COLUMNS, assign
from gridmap.spatial.crs import STORE_CRS
from gridmap.store.base import Frame, StoreError, Transaction

_MAX_PARENT_HOPS = 5
_FEW = 16  # up to this many points (a report): plain shapely tests, no index or frame building
_ANCESTOR_COLUMN = {"town": "town_code", "village": "village_code", "grid": "grid_code"}


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
    if len(frame) <= _FEW:
        return _place_few(tx, frame)
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


def place_records(tx: Transaction, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`place` for a few rows given as dicts (one report): the same codes, no frame.

    Each dict gets ``town_code``, ``village_code``, ``grid_code``, ``micro_code`` and
    ``outside`` from its ``geometry`` (a new dict; the input is left alone).
    """
    if not records:
        return []
    geoms = np.array([r.get("geometry") for r in records], dtype=object)
    _check_points(geoms, list(range(len(records))))
    return [{**r, **codes} for r, codes in zip(records, _codes_of(tx, geoms), strict=True)]


def _place_few(tx: Transaction, frame: Frame) -> Frame:
    """:func:`place` for a handful of points, with the rule of :func:`gridmap.spatial.assign.assign`
    (the closed micro-grid; on a shared edge the smallest code), without building frames."""
    crs = getattr(frame, "crs", None)
    if crs is not None and not crs.equals(STORE_CRS):
        raise StoreError(f"points are in {crs.to_string()}, the store takes {STORE_CRS}")
    geoms = np.asarray(frame["geometry"].values, dtype=object)
    _check_points(geoms, list(frame.index))
    found = _codes_of(tx, geoms)
    out = frame.copy()
    for column in ASSIGN_COLUMNS[:-1]:
        out[column] = np.array([f[column] for f in found], dtype=object)
    out["outside"] = np.array([f["outside"] for f in found], dtype=bool)
    return out


def _check_points(geoms: np.ndarray, labels: list[Any]) -> None:
    for i, g in enumerate(geoms):
        if not isinstance(g, shapely.Point) or g.is_empty or not np.isfinite(shapely.get_coordinates(g)).all():
            what = "no geometry" if g is None else f"a {getattr(g, 'geom_type', type(g).__name__)}"
            raise StoreError(f"row {labels[i]!r} has {what}; expected a Point with finite coordinates")


def _codes_of(tx: Transaction, geoms: np.ndarray) -> list[dict[str, object]]:
    """The assignment columns of each point (the closed micro-grid; on a shared edge the
    smallest code; ancestors from the parent chain)."""
    units = _unit_records_around(tx, geoms)
    micro = sorted((u for u in units if u["level"] == "micro"), key=lambda u: str(u["code"]))
    codes = np.array([str(u["code"]) for u in micro], dtype=object)
    shapes = np.array([u["geometry"] for u in micro], dtype=object)
    chain = {str(u["code"]): (str(u["level"]), u["parent_code"] if isinstance(u["parent_code"], str) else None)
             for u in units}
    found: list[dict[str, object]] = []
    for g in geoms:
        hits = sorted(codes[shapely.intersects(shapes, g)]) if len(codes) else []
        row: dict[str, object] = dict.fromkeys(ASSIGN_COLUMNS[:-1])
        row["outside"] = not hits
        if hits:
            row["micro_code"] = hits[0]
            parent = chain[hits[0]][1]
            for _ in range(_MAX_PARENT_HOPS):
                if parent is None:
                    break
                if parent not in chain:
                    raise StoreError(f"units: the parent chain of micro-grid {hits[0]!r} reaches {parent!r}, "
                                     "which is not among the units")
                level, up = chain[parent]
                if level in _ANCESTOR_COLUMN:
                    row[_ANCESTOR_COLUMN[level]] = parent
                parent = up
        found.append(row)
    return found


def _unit_records_around(tx: Transaction, geoms: np.ndarray) -> list[dict[str, object]]:
    """:func:`_units_around` as records (no frames): the light path of one report."""
    box = _box(geoms)
    if box is None:
        return []
    county = Scope.county(tx.scope.county_code)
    plan = tx.current_plan()
    columns = list(UNIT_COLUMNS)
    units = tx.records("units", scope=county, bbox=box, where={"plan_version": plan}, columns=columns)
    for _ in range(_MAX_PARENT_HOPS):
        known = {str(u["code"]) for u in units}
        parents = {str(u["parent_code"]) for u in units if isinstance(u["parent_code"], str)} - known
        if not parents:
            break
        more = tx.records("units", scope=county, where={"code": sorted(parents), "plan_version": plan},
                          columns=columns)
        if not more:
            break
        units += more
    return units


def _box(geoms: np.ndarray) -> tuple[float, float, float, float] | None:
    """The bounding box of the usable points among ``geoms``, None if there is none."""
    usable = np.array([isinstance(g, shapely.Point) and not g.is_empty for g in geoms], dtype=bool)
    if not usable.any():
        return None
    bounds = shapely.bounds(geoms[usable])
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    if not len(bounds):
        return None
    return (float(bounds[:, 0].min()), float(bounds[:, 1].min()), float(bounds[:, 2].max()),
            float(bounds[:, 3].max()))


def _units_around(tx: Transaction, points: gpd.GeoDataFrame | np.ndarray) -> gpd.GeoDataFrame:
    """The current plan's units whose box holds a point, plus any missing ancestors."""
    geoms = points.geometry.to_numpy() if isinstance(points, gpd.GeoDataFrame) else points
    box = _box(np.asarray(geoms, dtype=object))
    if box is None:
        return gpd.GeoDataFrame({c: [] for c in UNIT_COLUMNS[:-1]}, geometry=[], crs=STORE_CRS)
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


__all__ = ["place", "place_records"]
