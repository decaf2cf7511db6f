"""Point -> unit assignment: which micro-grid, grid, village and town a point lies in.

:func:`assign` is vectorised: one ``shapely.STRtree`` over the micro-grid polygons, one
``query(points, predicate="intersects")``, then array lookups. The ancestors come from
the units' ``parent_code`` chain, never from slicing codes (imported units may use
codes of their own).

The boundary rule
-----------------
A point belongs to a micro-grid when it lies in its closed area (interior or
boundary: ``intersects``). A point in several micro-grids (on a shared edge or vertex,
or where two micro-grids overlap) goes to the one with the **smallest code** (string
order). The rule depends only on the geometry and the codes, never on the row order,
and costs nothing for points in one micro-grid. (Overlapping micro-grids are a plan
error for the coverage checks to report; the rule still gives one answer.)
A point in no micro-grid is kept, with ``outside=True`` and ``None`` codes.

:func:`reassign` re-runs the assignment for a stored layer after a boundary change and
writes the changed rows back in one transaction; :func:`reassign_all` does every
assigned point layer in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gridmap.domain import ASSIGN_COLUMNS, LIFECYCLES, POINT_LAYERS, Level, Lifecycle, Scope, layer
from gridmap.spatial.crs import STORE_CRS

if TYPE_CHECKING:
    from gridmap.access import GuardedTransaction
    from gridmap.store.base import Store, Transaction

__all__ = ["UNIT_COLUMNS", "assign", "finished", "reassign", "reassign_all", "reassign_in"]

UNIT_COLUMNS: tuple[str, ...] = ("code", "level", "parent_code", "geometry")

# The ancestor columns filled from the parent chain, and the level each one holds.
_ANCESTOR_COLUMNS: dict[Level, str] = {
    Level.TOWN: "town_code",
    Level.VILLAGE: "village_code",
    Level.GRID: "grid_code",
}
_POINT_TYPE_ID = 0
# A missing code as a 0-d object array: numpy's stubs accept no bare None in where/append.
_NONE = np.array(None, dtype=object)
_POLYGON_TYPE_IDS = (3, 6)  # Polygon, MultiPolygon


def assign(points: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Assign each point to its micro-grid and that micro-grid's grid, village and town.

    Args:
        points: point rows in EPSG:4326 (other columns are kept as they are).
        units: units of all levels in EPSG:4326 with columns ``code``, ``level``
            (``'county'``, ``'town'``, ``'village'``, ``'grid'``, ``'micro'``),
            ``parent_code`` and (Multi)Polygon ``geometry``.

    Returns:
        A copy of ``points`` with ``town_code``, ``village_code``, ``grid_code``,
        ``micro_code`` (str or None) and ``outside`` (bool) set; existing columns of
        those names are overwritten. Row order and index are unchanged. See the module
        docstring for the rule on shared edges and vertices.

    Raises:
        ValueError: naming the problem when a CRS is missing or differs from
            EPSG:4326, a point geometry is missing, empty, not finite or not a Point,
            a unit column is missing, there are no micro-grids, a micro-grid is not a
            (Multi)Polygon, a code repeats, or a parent chain is broken.
    """
    _check_points(points)
    micro, ancestors = _prepare_units(units)
    tree = shapely.STRtree(micro["geometry"].to_numpy())
    geoms = points.geometry.to_numpy()
    unit_of_point = _match(geoms, tree, micro)
    _check_unmatched_points(points, geoms, unit_of_point < 0)
    return _frame_with_codes(points, unit_of_point, micro["code"].to_numpy(dtype=object), ancestors)


def reassign(store: Store, layer_name: str, scope: Scope, actor: str) -> int:
    """Re-assign a stored point layer to the current units; write changes in one transaction.

    Reads the layer's rows in ``scope`` and the units of the scope's county in the
    county's current plan version, runs :func:`assign`, and updates only the rows whose
    assignment changed, with ``tx.update_many`` (one audit record). Reads happen inside
    the write transaction, so nothing changes between the read and the write.

    Args:
        store: an open store.
        layer_name: an assigned point layer, e.g. ``"households"``.
        scope: whose rows to re-assign. Points are assigned against the whole county;
            the store refuses the write if a row would leave the caller's jurisdiction.
        actor: who does it (for the audit record).

    Returns:
        The number of rows whose assignment changed.

    Raises:
        ValueError: when ``layer_name`` is not an assigned point layer, or the units are
            unusable (see :func:`assign`).
    """
    _check_point_layer(layer_name)
    with store.transaction(actor, scope) as tx:
        units = _current_units(tx)
        return _reassign_layer(tx, layer_name, units)


def reassign_all(store: Store, scope: Scope, actor: str) -> dict[str, int]:
    """:func:`reassign` every layer in :data:`gridmap.domain.POINT_LAYERS`, all in one
    transaction (all layers change or none).

    Returns:
        The number of changed rows per layer name.
    """
    with store.transaction(actor, scope) as tx:
        units = _current_units(tx)
        return {name: _reassign_layer(tx, name, units) for name in POINT_LAYERS}


def _check_point_layer(layer_name: str) -> None:
    spec = layer(layer_name)
    if not (spec.assigned and spec.geom == "Point"):
        raise ValueError(f"layer {layer_name!r} is not an assigned point layer; "
                         f"expected one of {', '.join(POINT_LAYERS)}")


def _reassign_layer(tx: Transaction, layer_name: str, units: gpd.GeoDataFrame) -> int:
    return len(reassign_in(tx, layer_name, units))


def finished(layer_name: str, rows: pd.DataFrame) -> np.ndarray:
    """Which rows of ``layer_name`` have ended their lifecycle (a final status).

    Closed issues and verified hazards are history: a new plan leaves them in the unit
    they had when they happened. Every row of a layer without a lifecycle is unfinished.
    """
    lifecycle = LIFECYCLES.get(layer_name)
    if lifecycle is None or rows.empty:
        return np.zeros(len(rows), dtype=bool)
    return rows["status"].astype(str).isin(lifecycle.terminal).to_numpy()


def reassign_in(tx: Transaction | GuardedTransaction, layer_name: str, units: gpd.GeoDataFrame, *,
                keep_finished: bool = False) -> gpd.GeoDataFrame:
    """Re-assign a stored point layer to ``units`` inside an open transaction.

    Writes the changed rows with one ``update_many`` and moves the history rows of moved
    issues and hazards with them.

    Args:
        tx: A store transaction or a session's guarded one (its rules then apply).
        layer_name: An assigned point layer.
        units: The plan to assign to (see :func:`assign`).
        keep_finished: Leave rows in a final status (:func:`finished`) where they are.

    Returns:
        The moved rows: ``id``, ``from_code``, ``to_code`` (micro-grid codes, None when
        outside) and ``geometry``.
    """
    _check_point_layer(layer_name)
    extra = ["status"] if keep_finished and layer_name in LIFECYCLES else []
    rows = tx.read(layer_name, columns=["id", *ASSIGN_COLUMNS, *extra, "geometry"])
    empty = gpd.GeoDataFrame({"id": pd.Series(dtype=object), "from_code": pd.Series(dtype=object),
                              "to_code": pd.Series(dtype=object)}, geometry=gpd.GeoSeries([], crs=STORE_CRS))
    if keep_finished and extra:
        rows = rows[~finished(layer_name, rows)]
    if rows.empty:
        return empty
    assigned = assign(rows, units)
    changed = _changed_rows(rows, assigned)
    if not changed.any():
        return empty
    moved = assigned.loc[changed, ["id", *ASSIGN_COLUMNS]]
    tx.update_many(layer_name, moved, columns=list(ASSIGN_COLUMNS))
    if layer_name in LIFECYCLES:
        _move_history(tx, LIFECYCLES[layer_name], moved)
    old = rows.loc[changed, "micro_code"]
    return gpd.GeoDataFrame({"id": moved["id"].to_numpy(dtype=object),
                             "from_code": old.astype(object).where(old.notna(), None).to_numpy(dtype=object),
                             "to_code": moved["micro_code"].to_numpy(dtype=object)},
                            geometry=rows.loc[changed].geometry.to_numpy(), crs=STORE_CRS)


def _move_history(tx: Transaction | GuardedTransaction, lifecycle: Lifecycle, moved: pd.DataFrame) -> None:
    """Give the history rows of ``moved`` rows their row's new ``micro_code``.

    Jurisdiction scope filters a history by the micro-grid copied onto each event, so
    an issue that a new plan moves to another micro-grid takes its history with it.
    """
    events = tx.read(lifecycle.history, columns=["id", lifecycle.key, "micro_code"])
    if events.empty:
        return
    new_code = dict(zip(moved["id"].astype(str), moved["micro_code"], strict=True))
    owners = events[lifecycle.key].astype(str)
    stale = owners.isin(new_code).to_numpy()
    if stale.any():
        codes = [new_code[o] for o in owners[stale]]
        tx.update_many(lifecycle.history, pd.DataFrame({"id": events.loc[stale, "id"].to_numpy(),
                                                        "micro_code": pd.Series(codes, dtype=object)}),
                       columns=["micro_code"])


# --------------------------------------------------------------------------- validation


def _check_points(points: gpd.GeoDataFrame) -> None:
    if not isinstance(points, gpd.GeoDataFrame):
        raise ValueError(f"points must be a GeoDataFrame, got {type(points).__name__}")
    _check_crs("points", points)
    geoms = points.geometry.to_numpy()
    if len(geoms) == 0:
        return
    types = shapely.get_type_id(geoms)  # -1 for None
    bad = types != _POINT_TYPE_ID
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "no geometry" if geoms[i] is None else f"a {geoms[i].geom_type}"
        raise ValueError(f"points: row {points.index[i]!r} has {what}; "
                         f"expected Point geometries ({int(bad.sum())} such row(s))")


def _check_unmatched_points(points: gpd.GeoDataFrame, geoms: np.ndarray, unmatched: np.ndarray) -> None:
    """Empty points and points with NaN/inf coordinates match no unit: look only there.

    One pass (``shapely.bounds``, NaN for both) over the unmatched points only, so a
    clean input pays for its outside points, not for all of them.
    """
    rows = np.flatnonzero(unmatched)
    if len(rows) == 0:
        return
    finite = np.isfinite(shapely.bounds(geoms[rows])).all(axis=1)
    if not finite.all():
        i = rows[~finite][0]
        what = "an empty Point" if geoms[i].is_empty else "a NaN or infinite coordinate"
        raise ValueError(f"points: row {points.index[i]!r} has {what}")


def _check_crs(name: str, frame: gpd.GeoDataFrame) -> None:
    if frame.crs is None:
        raise ValueError(f"{name} have no CRS; set it to {STORE_CRS} (e.g. frame.set_crs('{STORE_CRS}'))")
    if not frame.crs.equals(pyproj.CRS(STORE_CRS)):
        raise ValueError(f"{name} are in {frame.crs.to_string()}, expected {STORE_CRS}; "
                         f"convert with frame.to_crs('{STORE_CRS}') first")


def _prepare_units(units: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Validate units; return the micro rows (code, geometry) and their ancestor codes."""
    if not isinstance(units, gpd.GeoDataFrame):
        raise ValueError(f"units must be a GeoDataFrame, got {type(units).__name__}")
    missing = [c for c in UNIT_COLUMNS if c not in units.columns]
    if missing:
        raise ValueError(f"units: missing column(s) {', '.join(missing)}; "
                         f"expected {', '.join(UNIT_COLUMNS)}")
    _check_crs("units", units)
    levels = units["level"].astype(str)
    unknown = ~levels.isin([str(lv) for lv in Level])
    if unknown.any():
        raise ValueError(f"units: level {units['level'][unknown].iloc[0]!r} is not one of "
                         f"{', '.join(Level)}")
    codes = units["code"]
    if codes.isna().any():
        raise ValueError(f"units: row {units.index[codes.isna().to_numpy()][0]!r} has no code")
    codes = codes.astype(str)
    if codes.duplicated().any():
        raise ValueError(f"units: code {codes[codes.duplicated()].iloc[0]!r} appears more than once "
                         "(units of several plan versions? pass one plan)")
    is_micro = (levels == Level.MICRO).to_numpy()
    if not is_micro.any():
        raise ValueError("units: there are no micro-grids (level 'micro'); nothing to assign points to")
    geoms = units.geometry.to_numpy()[is_micro]
    types = shapely.get_type_id(geoms)
    bad = ~np.isin(types, _POLYGON_TYPE_IDS) | shapely.is_empty(geoms)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "no geometry" if geoms[i] is None else f"a {'empty ' if geoms[i].is_empty else ''}{geoms[i].geom_type}"
        raise ValueError(f"units: micro-grid {codes.to_numpy()[is_micro][i]!r} has {what}; "
                         "expected a Polygon or MultiPolygon")
    micro = pd.DataFrame({"code": codes.to_numpy()[is_micro], "geometry": geoms})
    all_codes = codes.to_numpy(dtype=object)
    parents = units["parent_code"].to_numpy(dtype=object)
    return micro, _ancestors(all_codes, parents, levels.to_numpy(dtype=object), np.flatnonzero(is_micro))


def _ancestors(codes: np.ndarray, parents: np.ndarray, levels: np.ndarray,
               micro_rows: np.ndarray) -> dict[str, np.ndarray]:
    """Town, village and grid codes of each micro-grid, by walking ``parent_code`` upwards.

    ``parent_code`` is looked up once for all units (a hash lookup, ``Index.get_indexer``)
    into row positions; the walk then moves every chain one parent up per step with
    array indexing, and stops at the town. A level may be skipped (a micro-grid hung
    directly under a village has no grid code). A chain that breaks below the town (a
    parent code not among the units) or loops is an error.
    """
    has_parent = pd.notna(parents)
    parent_row = pd.Index(codes).get_indexer(np.where(has_parent, parents, _NONE))
    depth = pd.Series(levels).map({str(lv): lv.depth for lv in Level}).to_numpy(dtype=np.intp)
    found = {col: np.full(len(micro_rows), None, dtype=object) for col in _ANCESTOR_COLUMNS.values()}
    chain = np.arange(len(micro_rows))  # which micro-grid each live chain belongs to
    node = micro_rows.copy()  # the unit each live chain has reached
    for _ in range(len(Level)):
        broken = has_parent[node] & (parent_row[node] < 0)
        if broken.any():
            i = int(np.flatnonzero(broken)[0])
            raise ValueError(f"units: the parent chain of micro-grid {codes[micro_rows[chain[i]]]!r} "
                             f"reaches {parents[node[i]]!r}, which is not among the units")
        keep = parent_row[node] >= 0
        chain, node = chain[keep], parent_row[node[keep]]
        for level, col in _ANCESTOR_COLUMNS.items():
            hit = depth[node] == level.depth
            found[col][chain[hit]] = codes[node[hit]]
        below_town = depth[node] > Level.TOWN.depth
        chain, node = chain[below_town], node[below_town]
        if len(node) == 0:
            return found
    raise ValueError(f"units: the parent chain of micro-grid {codes[micro_rows[chain[0]]]!r} is a cycle "
                     f"or deeper than {len(Level)} levels")


# --------------------------------------------------------------------------- matching


def _match(points: np.ndarray, tree: shapely.STRtree, micro: pd.DataFrame) -> np.ndarray:
    """Index into ``micro`` of each point's unit, or -1 when it is in none."""
    unit_of_point = np.full(len(points), -1, dtype=np.intp)
    if len(points) == 0:
        return unit_of_point
    pt_idx, unit_idx = tree.query(points, predicate="intersects")
    if len(pt_idx) == 0:
        return unit_of_point
    if not (np.diff(pt_idx) >= 0).all():  # shapely returns them by point; do not rely on it
        order = np.argsort(pt_idx, kind="stable")
        pt_idx, unit_idx = pt_idx[order], unit_idx[order]
    unit_of_point[pt_idx] = unit_idx  # last match wins; fixed below where a point has several
    repeated = pt_idx[1:] == pt_idx[:-1]
    if repeated.any():
        _resolve_ties(pt_idx, unit_idx, repeated, micro, unit_of_point)
    return unit_of_point


def _resolve_ties(pt_idx: np.ndarray, unit_idx: np.ndarray, repeated: np.ndarray, micro: pd.DataFrame,
                  unit_of_point: np.ndarray) -> None:
    """Give each point matched by several micro-grids the one with the smallest code (in place)."""
    tied = np.zeros(len(unit_of_point), dtype=bool)
    tied[pt_idx[1:][repeated]] = True
    sel = tied[pt_idx]
    p, u = pt_idx[sel], unit_idx[sel]
    code_rank = np.empty(len(micro), dtype=np.intp)
    code_rank[np.argsort(micro["code"].to_numpy(dtype=str), kind="stable")] = np.arange(len(micro))
    # Sort by point, then by code; keep the first per point.
    order = np.lexsort((code_rank[u], p))
    p, u = p[order], u[order]
    first = np.ones(len(p), dtype=bool)
    first[1:] = p[1:] != p[:-1]
    unit_of_point[p[first]] = u[first]


def _frame_with_codes(points: gpd.GeoDataFrame, unit_of_point: np.ndarray, micro_codes: np.ndarray,
                      ancestors: dict[str, np.ndarray]) -> gpd.GeoDataFrame:
    columns = {**ancestors, "micro_code": micro_codes}
    outside = unit_of_point < 0
    # Each code array gets a trailing None, taken by the points outside every micro-grid.
    take = np.where(outside, len(micro_codes), unit_of_point)
    out = points.copy()
    for col in ASSIGN_COLUMNS[:-1]:
        values = np.append(columns[col], _NONE).astype(object)
        # A Series with its dtype given skips pandas' scan of object arrays for dates.
        out[col] = pd.Series(np.take(values, take), index=out.index, dtype=object, copy=False)
    out["outside"] = outside
    return out


def _changed_rows(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Rows whose assignment columns differ (None and NaN count as the same missing)."""
    was_outside = before["outside"].fillna(False).astype(bool).to_numpy()
    changed = was_outside != after["outside"].to_numpy(dtype=bool)
    for col in ASSIGN_COLUMNS[:-1]:
        old = before[col].astype(object).where(before[col].notna(), None).to_numpy()
        changed |= old != after[col].to_numpy(dtype=object)
    return changed


def _current_units(tx: Transaction) -> gpd.GeoDataFrame:
    """The units of the scope's whole county in its current plan version.

    The whole county, not only the scope: a point may now lie in a unit outside the
    caller's part, and must be assigned there (the store then refuses the write if the
    caller may not move it).
    """
    county = Scope.county(tx.scope.county_code)
    plan = tx.current_plan()
    units = tx.read("units", scope=county, where={"plan_version": plan},
                    columns=["code", "level", "parent_code", "geometry"])
    if units.empty:
        raise ValueError(f"county {county.county_code} has no units in plan version {plan}; "
                         "import or generate boundaries first")
    return units
