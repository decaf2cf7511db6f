"""Editing by assignment (the Districtr/GerryChain model): atomic cells -> micro-grid.

A grid's micro-grids are described as an *assignment*: each atomic cell (the Voronoi
face of one household, or of one building cluster of households closer than
:data:`CLUSTER_M` metres, clipped to its micro-grid) belongs to one micro-grid, and a
micro-grid's polygon is the union of its cells. The cells tile the grid, so any
assignment gives a coverage without gaps or overlaps by construction.

- :func:`cells_for` -- the cells of a grid (one row per cell, with its households).
- :func:`plan_from_assignment` -- a new plan from ``cell id -> micro-grid code``.
- :func:`move_households` -- move households (their cells) to a neighbouring micro-grid.
- :func:`move_cells` -- the same for cells picked on the map (:func:`cell_at` for a click,
  :func:`cells_in` for a drawn rectangle or polygon, :func:`neighbours_of` for the targets).

Cells are built in the metric CRS (:func:`gridmap.spatial.crs.metric_crs`) with
Voronoi edges noded with the outlines (as :func:`gridmap.spatial.tessellate.voronoi_faces`
does, see :func:`_faces`), constrained so that every current
micro-grid is tiled by its own households' cells: the assignment of the cells as they
are gives the current plan back. A cell piece cut off from its household (Voronoi faces
clipped by a concave outline) joins the neighbouring cell of the same micro-grid with
the longest shared border; a micro-grid without households is one empty cell.

Example::

    cells = cells_for(plan, "33032710000101", households)
    result = move_households(plan, "33032710000101", cells, ["hh-000123"], "33032710000101002")
    result.changed          # the two micro-grids (and neighbours that took new nodes)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.domain import CODE_LENGTH, Level, code_prefix
from gridmap.i18n import t
from gridmap.plan.errors import BadEdit, PlanError
from gridmap.plan.model import PLAN_COLUMNS, PRECISION, EditResult, snap
from gridmap.spatial.crs import STORE_CRS, metric_crs, metric_transformer
from gridmap.spatial.tessellate import face_adjacency, separate_points

__all__ = ["CELL_COLUMNS", "CLUSTER_M", "NODE_TOLERANCE", "cell_at", "cells_for", "cells_in", "move_cells",
           "move_households", "neighbours_of", "plan_from_assignment"]

# Households closer than this (metres) are one building cluster: one cell.
CLUSTER_M = 3.0
# Voronoi edges reach this far (metres) past their micro-grid, so they cross its outline.
_OVERHANG_M = 1.0
# New boundary nodes on the grid's outline are inserted into neighbours within this (degrees).
NODE_TOLERANCE = 2 * PRECISION
# The columns of a cells frame.
CELL_COLUMNS: tuple[str, ...] = ("cell_id", "household_ids", "households", "residents", "micro_code", "geometry")


def cells_for(plan: gpd.GeoDataFrame, parent_code: str, households: gpd.GeoDataFrame, *,
              cluster_m: float = CLUSTER_M) -> gpd.GeoDataFrame:
    """The atomic cells of the grid ``parent_code``, each with its households.

    Args:
        plan: the plan frame (EPSG:4326, :data:`~gridmap.plan.model.PLAN_COLUMNS`).
        parent_code: a grid's code; its micro-grids are the targets of the assignment.
        households: household points (EPSG:4326) with ``id`` and ``residents``;
            those outside the grid are ignored. Each is put in the micro-grid of the
            plan that holds it (its stored ``micro_code`` is not used: the plan may
            be a draft).
        cluster_m: households closer than this many metres share one cell.

    Returns:
        A GeoDataFrame (EPSG:4326) with :data:`CELL_COLUMNS`, ordered by micro-grid and
        first household id; ``cell_id`` is ``<grid code>.<n>`` (deterministic for the
        same plan and households); ``micro_code`` is None where the grid has no
        micro-grids yet.

    Raises:
        PlanError: the grid is not in the plan, or it is not a grid.
    """
    parent = _parent(plan, parent_code)
    children = _children(plan, parent_code)
    return _cells(parent, children, households, cluster_m)


def plan_from_assignment(plan: gpd.GeoDataFrame, parent_code: str, cells: gpd.GeoDataFrame,
                         assignment: Mapping[str, str]) -> EditResult:
    """A new plan whose micro-grids under ``parent_code`` are unions of their cells.

    Cells left out of ``assignment`` keep their ``micro_code``. A micro-grid left
    without cells is removed; a new code (17 digits under the grid) is added, named
    ``<grid name>N号微网格``. Nodes that new boundaries put on the grid's outline are
    inserted into the units outside it that share that outline (at every level), so
    the coverage stays valid beyond the grid too.

    Args:
        plan: the plan frame; never modified.
        parent_code: the grid whose micro-grids are reassigned.
        cells: its cells (:func:`cells_for`).
        assignment: cell id -> micro-grid code.

    Returns:
        The new plan and what changed (``added``/``removed`` codes, ``changed``
        geometries, neighbours that took new nodes included).

    Raises:
        BadEdit: a cell id that is not a cell of the grid, a code that is not a
            micro-grid of the grid (nor a new one under it), a cell left without a
            micro-grid, or a micro-grid that would be in several pieces (named).
        PlanError: the grid is not in the plan, or it is not a grid.
    """
    parent = _parent(plan, parent_code)
    children = _children(plan, parent_code)
    target = _target_codes(cells, assignment, parent, children)
    geoms = _fit_to_parent(_drop_inserted_nodes(_union_by_code(cells, target), parent, children), parent.geometry)
    for code, geom in geoms.items():
        if len(shapely.get_parts(geom)) > 1:
            raise BadEdit("plan.partition.not_contiguous", code=code, parts=len(shapely.get_parts(geom)))
    counts = cells.assign(_to=target).groupby("_to")[["households", "residents"]].sum()
    return _build(plan, parent, children, geoms, counts)


def move_households(plan: gpd.GeoDataFrame, parent_code: str, cells: gpd.GeoDataFrame,
                    household_ids: Iterable[str], to_code: str) -> EditResult:
    """Move households -- their whole cells (a building cluster moves together) -- to
    the neighbouring micro-grid ``to_code``.

    Args:
        plan: the plan frame; never modified.
        parent_code: the grid both micro-grids belong to.
        cells: the grid's cells (:func:`cells_for`).
        household_ids: the households to move.
        to_code: the receiving micro-grid; it must share a border with the moved cells.

    Returns:
        The new plan; ``changed`` holds the giving and receiving micro-grids.

    Raises:
        BadEdit: an unknown household, an unknown micro-grid, households already in
            ``to_code``, cells that do not border ``to_code``, or a giving micro-grid
            left in pieces.
    """
    _parent(plan, parent_code)  # refuses an unknown unit or a non-grid
    if to_code not in set(_children(plan, parent_code)["code"]):
        raise BadEdit("plan.partition.unknown_micro", code=to_code, parent=parent_code)
    wanted = list(dict.fromkeys(str(h) for h in household_ids))
    cell_of = {h: cid for cid, ids in zip(cells["cell_id"], cells["household_ids"], strict=True) for h in ids}
    unknown = [h for h in wanted if h not in cell_of]
    if unknown:
        raise BadEdit("plan.partition.unknown_household", ids=", ".join(unknown[:10]), parent=parent_code)
    return move_cells(plan, parent_code, cells, [cell_of[h] for h in wanted], to_code)


def move_cells(plan: gpd.GeoDataFrame, parent_code: str, cells: gpd.GeoDataFrame,
               cell_ids: Iterable[str], to_code: str) -> EditResult:
    """Move whole cells (picked on the map: households, building clusters, or empty land)
    to the neighbouring micro-grid ``to_code``; each micro-grid stays the union of its cells.

    Args:
        plan: the plan frame; never modified.
        parent_code: the grid both micro-grids belong to.
        cells: the grid's cells (:func:`cells_for`).
        cell_ids: the cells to move (those already in ``to_code`` are left where they are).
        to_code: the receiving micro-grid; it must share a border with the moved cells.

    Returns:
        The new plan; ``changed`` holds the giving and receiving micro-grids.

    Raises:
        BadEdit: an unknown cell or micro-grid, nothing left to move, cells that do not
            border ``to_code``, or a micro-grid left in pieces (named).
    """
    _parent(plan, parent_code)  # refuses an unknown unit or a non-grid
    children = _children(plan, parent_code)
    if to_code not in set(children["code"]):
        raise BadEdit("plan.partition.unknown_micro", code=to_code, parent=parent_code)
    wanted = list(dict.fromkeys(str(c) for c in cell_ids))
    unknown = [c for c in wanted if c not in set(cells["cell_id"])]
    if unknown:
        raise BadEdit("plan.partition.unknown_cell", ids=", ".join(unknown[:10]), parent=parent_code)
    moving = cells[cells["cell_id"].isin(wanted) & (cells["micro_code"] != to_code)]
    if moving.empty:
        raise BadEdit("plan.partition.nothing_to_move", code=to_code)
    receiver = children.loc[children["code"] == to_code].geometry.iloc[0]
    moved = shapely.union_all(moving.geometry.to_numpy())
    shared = shapely.intersection(shapely.boundary(moved), shapely.boundary(receiver))
    if shapely.length(shared) <= 0:
        raise BadEdit("plan.partition.not_neighbour", code=to_code,
                      source=", ".join(sorted(set(moving["micro_code"].dropna())))
                      )
    result = plan_from_assignment(plan, parent_code, cells, dict.fromkeys(moving["cell_id"], to_code))
    return EditResult(result.plan, result.changed, result.added, result.removed, result.renamed,
                      "plan.partition.moved", {"count": int(moving["households"].sum()), "code": to_code})


def cells_in(cells: gpd.GeoDataFrame, shape: shapely.Geometry, households: gpd.GeoDataFrame) -> list[str]:
    """The ids of the cells a shape drawn around households (EPSG:4326) takes, in cell
    order: every cell with a household inside the shape (its whole building cluster
    comes along), and every cell without households whose inner point is inside."""
    if shape is None or shapely.is_empty(shape) or cells.empty:
        return []
    shape = shapely.make_valid(shape)
    inside = set()
    if not households.empty:
        hit = shapely.intersects(shape, households.geometry.to_numpy())
        inside = set(households.loc[hit, "id"].astype(str))
    empty = cells["households"].to_numpy() == 0
    inner = shapely.intersects(shape, shapely.point_on_surface(cells.geometry.to_numpy()))
    taken = [bool(inside.intersection(ids)) or bool(e and i)
             for ids, e, i in zip(cells["household_ids"], empty, inner, strict=True)]
    return [str(c) for c, keep in zip(cells["cell_id"], taken, strict=True) if keep]


def cell_at(cells: gpd.GeoDataFrame, lon: float, lat: float) -> str | None:
    """The id of the cell holding the WGS84 point (on a shared edge: the first in order)."""
    if cells.empty:
        return None
    hit = shapely.intersects(cells.geometry.to_numpy(), shapely.Point(lon, lat))
    found = cells.loc[hit, "cell_id"]
    return str(found.iloc[0]) if len(found) else None


def neighbours_of(cells: gpd.GeoDataFrame, cell_ids: Iterable[str], children: gpd.GeoDataFrame) -> list[str]:
    """Codes of the micro-grids (rows of ``children``) that share a border with the cells
    ``cell_ids`` and do not hold them all: where they can be moved to."""
    picked = cells[cells["cell_id"].isin(set(cell_ids))]
    if picked.empty:
        return []
    union = shapely.union_all(picked.geometry.to_numpy())
    edge = shapely.boundary(union)
    out = []
    holders = set(picked["micro_code"].dropna())
    for code, geom in zip(children["code"], children.geometry, strict=True):
        if holders == {code}:
            continue
        if shapely.length(shapely.intersection(edge, shapely.boundary(geom))) > 0:
            out.append(str(code))
    return sorted(out)


# --------------------------------------------------------------------------- the grid


def _parent(plan: gpd.GeoDataFrame, parent_code: str) -> pd.Series:
    found = plan.loc[plan["code"] == parent_code]
    if found.empty:
        raise PlanError("plan.partition.unknown_unit", code=parent_code)
    row = found.iloc[0]
    if row["level"] != Level.GRID.value:
        raise BadEdit("plan.partition.not_grid", code=parent_code, name=row["name"])
    return row


def _children(plan: gpd.GeoDataFrame, parent_code: str) -> gpd.GeoDataFrame:
    kids = plan.loc[(plan["parent_code"] == parent_code) & (plan["level"] == Level.MICRO.value)]
    return kids.sort_values("code").reset_index(drop=True)


# --------------------------------------------------------------------------- cells


def _cells(parent: pd.Series, children: gpd.GeoDataFrame, households: gpd.GeoDataFrame,
           cluster_m: float, max_cluster: int | None = None) -> gpd.GeoDataFrame:
    """Cells of ``parent`` constrained to ``children`` (or the whole parent when empty).

    A cluster of more than ``max_cluster`` households (a big apartment building) is
    cut into one cell per household: its points are nudged apart
    (:func:`~gridmap.spatial.tessellate.separate_points`), so the cells are tiny.
    """
    crs = metric_crs(parent.geometry)
    area = _to_metric(np.array([parent.geometry], dtype=object), crs)[0]
    if len(children):
        regions = _to_metric(children.geometry.to_numpy(), crs)
        region_codes: list[str | None] = list(children["code"])
    else:
        regions = np.array([area], dtype=object)
        region_codes = [None]
    hh = _households_in(households, parent.geometry)
    xy = _to_metric_xy(hh, crs)
    hh_region = _region_of(shapely.points(xy), regions) if len(hh) else np.zeros(0, dtype=np.int64)
    cluster = _clusters(xy, hh_region, cluster_m)
    if max_cluster is not None and len(cluster):
        size = np.bincount(cluster)[cluster]
        big = size > max_cluster
        cluster = np.where(big, cluster.max() + 1 + np.arange(len(cluster)), cluster)
        cluster = np.unique(cluster, return_inverse=True)[1].ravel()
    n_clusters = int(cluster.max()) + 1 if len(cluster) else 0
    seeds = np.zeros((n_clusters, 2))
    seed_region = np.zeros(n_clusters, dtype=np.int64)
    if n_clusters:
        np.add.at(seeds, cluster, xy)
        seeds /= np.bincount(cluster, minlength=n_clusters)[:, None]
        seed_region[cluster] = hh_region
        seeds = separate_points(seeds)
    faces, face_cell = _faces(area, regions, seeds, seed_region)
    face_region = _region_of(shapely.point_on_surface(faces), regions)
    face_cell = _attach_pieces(faces, face_cell, face_region, seeds)
    return _cell_frame(parent, faces, face_cell, face_region, region_codes, hh, cluster, crs)


def _households_in(households: gpd.GeoDataFrame, parent_geom: shapely.Geometry) -> gpd.GeoDataFrame:
    if households.crs is not None and not households.crs.equals(STORE_CRS):
        households = households.to_crs(STORE_CRS)
    pts = households.geometry.to_numpy()
    inside = shapely.intersects(parent_geom, pts) & ~shapely.is_empty(pts)
    hh = households.loc[inside]
    residents = hh["residents"] if "residents" in hh else pd.Series(0, index=hh.index)
    out = pd.DataFrame({"id": hh["id"].astype(str).to_numpy(),
                        "residents": pd.to_numeric(residents, errors="coerce").fillna(0).astype(int).to_numpy()})
    out = gpd.GeoDataFrame(out, geometry=hh.geometry.to_numpy(), crs=STORE_CRS)
    return out.sort_values("id", kind="stable").reset_index(drop=True)


def _to_metric(geoms: np.ndarray, crs: str) -> np.ndarray:
    tf = metric_transformer(STORE_CRS, crs)
    return shapely.transform(geoms, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))


def _to_store(geoms: np.ndarray, crs: str) -> np.ndarray:
    tf = metric_transformer(crs, STORE_CRS)
    return shapely.transform(geoms, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))


def _to_metric_xy(hh: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    if hh.empty:
        return np.zeros((0, 2))
    tf = metric_transformer(STORE_CRS, crs)
    lon, lat = shapely.get_x(hh.geometry.to_numpy()), shapely.get_y(hh.geometry.to_numpy())
    return np.column_stack(tf.transform(lon, lat))


def _region_of(points: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """Index of the region holding each point (the nearest one for points in none)."""
    tree = shapely.STRtree(regions)
    found = np.full(len(points), -1, dtype=np.int64)
    p, r = tree.query(points, predicate="intersects")
    order = np.lexsort((r, p))
    p, r = p[order], r[order]
    first = np.ones(len(p), dtype=bool)
    first[1:] = p[1:] != p[:-1]
    found[p[first]] = r[first]
    lost = np.flatnonzero(found < 0)
    if len(lost):
        near = tree.query_nearest(points[lost], all_matches=False)
        found[lost[near[0]]] = near[1]
    return found


def _clusters(xy: np.ndarray, region: np.ndarray, cluster_m: float) -> np.ndarray:
    """Cluster index per household: same region and linked by gaps below ``cluster_m``."""
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pts = shapely.points(xy)
    a, b = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=cluster_m)
    keep = (a < b) & (region[a] == region[b])
    graph = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    # Number clusters by their first household (households are sorted by id).
    _, first = np.unique(label, return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[label]


def _faces(area: shapely.Geometry, regions: np.ndarray, seeds: np.ndarray,
           seed_region: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Noded faces and, per face, its cluster (-1: no household of its region owns it).

    Like :func:`~gridmap.spatial.tessellate.voronoi_faces` with groups, but each
    region's Voronoi edges are clipped to the region buffered by :data:`_OVERHANG_M`:
    clipped exactly, a floating end point can stop short of the outline and leave a
    seed without a face (seen with two seeds in a rectangle). The overhang crosses the
    outline, so noding is exact; its ends inside the neighbour are dangles.
    """
    lines = [shapely.boundary(area), *shapely.boundary(regions)]
    for g, region in enumerate(regions):
        mine = seeds[seed_region == g]
        if len(mine) >= 2:
            envelope = shapely.buffer(shapely.box(*shapely.bounds(shapely.union(shapely.multipoints(mine), region))),
                                      1.0)
            edges = shapely.voronoi_polygons(shapely.multipoints(mine), extend_to=envelope, only_edges=True)
            lines.append(shapely.intersection(edges, shapely.buffer(region, _OVERHANG_M)))
    noded = shapely.union_all(shapely.get_parts(np.asarray(lines, dtype=object)))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.contains_properly(area, shapely.point_on_surface(faces)) & (shapely.area(faces) > 0)]
    face_region = _region_of(shapely.point_on_surface(faces), regions)
    owner = np.full(len(faces), -1, dtype=np.int64)
    probe = shapely.point_on_surface(faces)
    for g in range(len(regions)):
        mine = np.flatnonzero(seed_region == g)
        here = np.flatnonzero(face_region == g)
        if len(mine) == 0 or len(here) == 0:
            continue
        found = shapely.STRtree(shapely.points(seeds[mine])).query_nearest(probe[here], all_matches=False)
        owner[here[found[0]]] = mine[found[1]]
    return faces, owner


def _attach_pieces(faces: np.ndarray, face_cell: np.ndarray, face_region: np.ndarray,
                   seeds: np.ndarray) -> np.ndarray:
    """Give every piece of a cell cut off from its household to a neighbouring cell of
    the same micro-grid (longest border); pieces with no such neighbour stay empty (-1)."""
    cell = face_cell.copy()
    adj = face_adjacency(faces)
    a = np.concatenate([adj.a, adj.b])
    b = np.concatenate([adj.b, adj.a])
    length = np.concatenate([adj.length, adj.length])
    home = np.full(len(seeds), -1, dtype=np.int64)
    if len(seeds):
        s_idx, f_idx = shapely.STRtree(faces).query(shapely.points(seeds), predicate="intersects")
        ok = cell[f_idx] == s_idx
        home[s_idx[ok]] = f_idx[ok]
    for _ in range(50):
        piece = _pieces(cell, face_region, adj)
        anchored = np.zeros(int(piece.max()) + 1 if len(piece) else 0, dtype=bool)
        anchored[piece[home[home >= 0]]] = True
        loose = (cell >= 0) & ~anchored[piece]
        # Cells that own no face with their seed (seed on an outline): keep their biggest piece.
        loose &= _has_anchor(cell, piece, anchored, faces)
        cross = loose[a] & ~loose[b] & (cell[b] >= 0) & (face_region[a] == face_region[b])
        if not cross.any():
            break
        frame = pd.DataFrame({"piece": piece[a][cross], "to": cell[b][cross], "length": length[cross]})
        best = frame.groupby(["piece", "to"], as_index=False)["length"].sum()
        best = best.sort_values(["piece", "length", "to"], ascending=[True, False, True]).drop_duplicates("piece")
        receiver = pd.Series(best["to"].to_numpy(), index=best["piece"].to_numpy())
        moving = loose & np.isin(piece, receiver.index)
        cell[moving] = receiver.loc[piece[moving]].to_numpy()
    piece = _pieces(cell, face_region, adj)
    anchored = np.zeros(int(piece.max()) + 1 if len(piece) else 0, dtype=bool)
    anchored[piece[home[home >= 0]]] = True
    loose = (cell >= 0) & ~anchored[piece] & _has_anchor(cell, piece, anchored, faces)
    cell[loose] = -1
    return cell


def _has_anchor(cell: np.ndarray, piece: np.ndarray, anchored: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """True for faces whose cell has an anchored piece; otherwise the cell's largest piece
    counts as anchored (False there) and its other pieces are loose."""
    out = np.ones(len(cell), dtype=bool)
    has = pd.Series(anchored[piece]).groupby(cell).transform("any").to_numpy()
    orphan = (cell >= 0) & ~has
    if orphan.any():
        area = pd.Series(shapely.area(faces)).groupby(piece).transform("sum").to_numpy()
        frame = pd.DataFrame({"cell": cell[orphan], "piece": piece[orphan], "area": area[orphan]})
        biggest = frame.sort_values(["cell", "area", "piece"], ascending=[True, False, True]).drop_duplicates("cell")
        out[orphan & np.isin(piece, biggest["piece"].to_numpy())] = False
    return out


def _pieces(cell: np.ndarray, region: np.ndarray, adj: object) -> np.ndarray:
    """Connected pieces of faces with the same cell (empty faces: by region)."""
    a, b = adj.a, adj.b  # type: ignore[attr-defined]
    same = (cell[a] == cell[b]) & (region[a] == region[b])
    n = len(cell)
    graph = coo_matrix((np.ones(int(same.sum())), (a[same], b[same])), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def _cell_frame(parent: pd.Series, faces: np.ndarray, face_cell: np.ndarray, face_region: np.ndarray,
                region_codes: list[str | None], hh: gpd.GeoDataFrame, cluster: np.ndarray,
                crs: str) -> gpd.GeoDataFrame:
    """One row per cell (and per empty piece), dissolved, back in EPSG:4326."""
    adj = face_adjacency(faces)
    empty_piece = _pieces(np.where(face_cell >= 0, face_cell, -1), face_region, adj)
    key = np.where(face_cell >= 0, face_cell, -1 - empty_piece)
    rows = []
    ids = hh["id"].to_numpy()
    residents = hh["residents"].to_numpy()
    for k in np.unique(key):
        members = np.flatnonzero(key == k)
        geom = shapely.coverage_union_all(faces[members]) if len(members) > 1 else faces[members[0]]
        if k >= 0:
            mine = np.flatnonzero(cluster == k)
            hh_ids, res = tuple(ids[mine]), int(residents[mine].sum())
        else:
            hh_ids, res = (), 0
        rows.append((region_codes[int(face_region[members[0]])], hh_ids, res, geom))
    geoms = snap(_to_store(np.array([r[3] for r in rows], dtype=object), crs))
    frame = pd.DataFrame({"household_ids": [r[1] for r in rows], "households": [len(r[1]) for r in rows],
                          "residents": [r[2] for r in rows], "micro_code": [r[0] for r in rows]})
    frame["_first"] = [r[1][0] if r[1] else "~" for r in rows]
    frame["_x"] = shapely.get_x(shapely.point_on_surface(geoms))
    frame = frame.assign(geometry=geoms, _m=frame["micro_code"].fillna(""))
    frame = frame.sort_values(["_m", "_first", "_x"], kind="stable").reset_index(drop=True)
    frame.insert(0, "cell_id", [f"{parent['code']}.{i + 1:04d}" for i in range(len(frame))])
    return gpd.GeoDataFrame(frame[list(CELL_COLUMNS)], geometry="geometry", crs=STORE_CRS)


# --------------------------------------------------------------------------- assignment -> plan


def _target_codes(cells: gpd.GeoDataFrame, assignment: Mapping[str, str], parent: pd.Series,
                  children: gpd.GeoDataFrame) -> np.ndarray:
    known = set(cells["cell_id"])
    unknown = [c for c in assignment if c not in known]
    if unknown:
        raise BadEdit("plan.partition.unknown_cell", ids=", ".join(map(str, unknown[:10])), parent=parent["code"])
    existing = set(children["code"])
    prefix = code_prefix(parent["code"], Level.GRID)
    for code in set(assignment.values()):
        code = str(code)
        new_ok = code.isdigit() and len(code) == CODE_LENGTH[Level.MICRO] and code.startswith(prefix)
        if code not in existing and not new_ok:
            raise BadEdit("plan.partition.unknown_micro", code=code, parent=parent["code"])
    target = np.array([assignment.get(c, m) for c, m in zip(cells["cell_id"], cells["micro_code"], strict=True)],
                      dtype=object)
    missing = [c for c, m in zip(cells["cell_id"], target, strict=True) if m is None or m != m]
    if missing:
        raise BadEdit("plan.partition.unassigned", ids=", ".join(missing[:10]), parent=parent["code"])
    return target


def _union_by_code(cells: gpd.GeoDataFrame, target: np.ndarray) -> dict[str, shapely.Geometry]:
    geoms = cells.geometry.to_numpy()
    out: dict[str, shapely.Geometry] = {}
    for code in sorted(set(target)):
        members = geoms[target == code]
        union = shapely.coverage_union_all(members) if len(members) > 1 else members[0]
        if not shapely.is_valid(union):
            union = shapely.union_all(members, grid_size=PRECISION)
        out[str(code)] = snap(shapely.normalize(union))
    return out


def _fit_to_parent(geoms: dict[str, shapely.Geometry], outline: shapely.Geometry) -> dict[str, shapely.Geometry]:
    """The micro-grids cut to their grid exactly, and any sliver of the grid they leave
    uncovered given to the one with the longest border on it.

    The cells are built in the metric CRS and snapped to :data:`PRECISION`: a vertex they
    put on the grid's outline (not one of its vertices) lands up to ~5 cm off it, which
    left parts of square metres outside the grid and gaps inside it on real boundaries.
    """
    fitted = {code: shapely.intersection(geom, outline) for code, geom in geoms.items()}
    rest = shapely.difference(outline, shapely.union_all(list(fitted.values())))
    for gap in shapely.get_parts(rest):
        if shapely.area(gap) <= 0:
            continue
        edge = shapely.boundary(gap)
        best = max(fitted, key=lambda c: shapely.length(shapely.intersection(edge, shapely.boundary(fitted[c]))))
        fitted[best] = shapely.union(fitted[best], gap)
    return {code: _polygonal(geom) for code, geom in fitted.items()}


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _drop_inserted_nodes(geoms: dict[str, shapely.Geometry], parent: pd.Series,
                         children: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """Remove the nodes the cells put on the old boundaries where no new boundary meets
    them, so that an unchanged micro-grid keeps exactly its old vertices.

    A node on an old boundary (of the grid or a former micro-grid) that is not an old
    vertex stays only where three or more units meet (the grid's outside counts as one):
    there a new boundary starts. Both sides of a shared edge drop the same nodes.
    """
    old = np.array([parent.geometry, *children.geometry], dtype=object)
    old_lines = shapely.union_all(shapely.boundary(old))
    old_nodes = {tuple(k) for k in _keys(shapely.get_coordinates(old))}
    outline = shapely.boundary(parent.geometry)
    meets: dict[tuple[int, int], int] = {}
    for geom in geoms.values():
        for k in {tuple(k) for k in _keys(shapely.get_coordinates(geom))}:
            meets[k] = meets.get(k, 0) + 1
    candidates = np.array([k for k in meets if k not in old_nodes], dtype=np.int64).reshape(-1, 2)
    if not len(candidates):
        return geoms
    pts = shapely.points(candidates * PRECISION)
    on_old = shapely.dwithin(pts, old_lines, NODE_TOLERANCE)
    outside = shapely.dwithin(pts, outline, NODE_TOLERANCE)
    drop = {tuple(k) for k, o, x in zip(candidates, on_old, outside, strict=True)
            if o and meets[tuple(k)] + int(x) < 3}
    return {code: _without(geom, drop, old_lines) for code, geom in geoms.items()} if drop else geoms


def _keys(coords: np.ndarray) -> np.ndarray:
    return np.round(coords / PRECISION).astype(np.int64)


def _without(geom: shapely.Geometry, drop: set[tuple[int, int]], old_lines: shapely.Geometry) -> shapely.Geometry:
    """``geom`` with the vertices in ``drop`` (grid keys) removed from its rings where the
    ring runs along the old boundaries on both sides of the vertex. Where two units meet
    at a node but their new boundary turns off the old one there (a cell moved next to
    the old boundary), the node is a corner of the new boundary and stays."""
    def ring(r: shapely.Geometry) -> np.ndarray:
        xy = shapely.get_coordinates(r)
        keep = np.array([tuple(k) not in drop for k in _keys(xy)], dtype=bool)
        if not keep.all():
            body = xy[:-1]
            mid_prev = (body + np.roll(body, 1, axis=0)) / 2
            mid_next = (body + np.roll(body, -1, axis=0)) / 2
            along = (shapely.dwithin(shapely.points(mid_prev), old_lines, NODE_TOLERANCE)
                     & shapely.dwithin(shapely.points(mid_next), old_lines, NODE_TOLERANCE))
            keep[:-1] |= ~along
            keep[-1] = keep[0]
        keep[-1] = keep[0] = keep[0] or keep[-1]
        out = xy[keep]
        if len(out) < 4:
            return xy
        if not np.array_equal(out[0], out[-1]):
            out = np.vstack([out, out[:1]])
        return out
    polys = [shapely.Polygon(ring(p.exterior), [ring(h) for h in p.interiors]) for p in shapely.get_parts(geom)]
    out = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    return out if shapely.is_valid(out) else geom


def _build(plan: gpd.GeoDataFrame, parent: pd.Series, children: gpd.GeoDataFrame,
           geoms: dict[str, shapely.Geometry], counts: pd.DataFrame) -> EditResult:
    old = dict(zip(children["code"], children.geometry, strict=True))
    removed = frozenset(old) - frozenset(geoms)
    added = frozenset(geoms) - frozenset(old)
    changed = {c for c, g in geoms.items() if c in old and not shapely.equals(old[c], g)}
    keep = plan.loc[~plan["code"].isin(old)].copy()
    follow = _insert_nodes(keep, parent, children, geoms)
    changed |= set(follow)
    for code, geom in follow.items():
        keep.loc[keep["code"] == code, "geometry"] = geom
    rows = []
    by_code = children.set_index("code")
    numbered = sorted(added)
    for code, geom in geoms.items():
        base = by_code.loc[code].to_dict() if code in old else {
            "level": Level.MICRO.value, "parent_code": parent["code"], "staff": None,
            "plan_version": parent.get("plan_version"),
            "name": t("plan.partition.new_name", "zh", grid=parent["name"], n=numbered.index(code) + 1)}
        base.update(code=code, households=int(counts.loc[code, "households"]),
                    residents=int(counts.loc[code, "residents"]), geometry=geom)
        rows.append(base)
    new = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=plan.crs)
    columns = list(plan.columns)
    out = pd.concat([keep, new.reindex(columns=columns)], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=plan.crs)
    out = out.sort_values("code", kind="stable").reset_index(drop=True)
    missing = [c for c in PLAN_COLUMNS if c not in out.columns]
    if missing:
        raise PlanError("plan.partition.bad_plan", columns=", ".join(missing))
    return EditResult(out, frozenset(changed | added), added, removed, {}, "plan.partition.assigned",
                      {"code": parent["code"], "count": len(geoms)})


def _insert_nodes(others: gpd.GeoDataFrame, parent: pd.Series, children: gpd.GeoDataFrame,
                  geoms: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """Micro-grids outside the grid that share its outline, with the nodes new
    boundaries put on that outline inserted into their rings (so the micro-grid level
    stays one valid coverage; coarser levels are separate coverages and keep theirs)."""
    outline = shapely.boundary(parent.geometry)
    coords = np.unique(np.concatenate([shapely.get_coordinates(g) for g in geoms.values()]), axis=0)
    pts = shapely.points(coords)
    on = shapely.dwithin(pts, outline, NODE_TOLERANCE)
    existing = np.concatenate([shapely.get_coordinates(outline), *map(shapely.get_coordinates, children.geometry)])
    known = {tuple(c) for c in np.round(existing / PRECISION).astype(np.int64)}
    new = [p for p, c in zip(pts[on], coords[on], strict=True)
           if tuple(np.round(c / PRECISION).astype(np.int64)) not in known]
    if not new:
        return {}
    nodes = shapely.multipoints(new)
    micro = others.loc[others["level"] == Level.MICRO.value]
    near = micro.loc[shapely.dwithin(micro.geometry.to_numpy(), nodes, NODE_TOLERANCE)]
    out: dict[str, shapely.Geometry] = {}
    for code, geom in zip(near["code"], near.geometry, strict=True):
        snapped = snap(shapely.snap(geom, nodes, NODE_TOLERANCE))
        if shapely.get_num_coordinates(snapped) != shapely.get_num_coordinates(geom):
            if geom.geom_type == "MultiPolygon" and snapped.geom_type == "Polygon":
                snapped = shapely.multipolygons([snapped])
            out[code] = snapped
    return out
