"""Nested tessellations: Voronoi atoms, contiguity repair and dissolving by level.

A nested partition (towns > villages > grids > micro-grids) is built from its finest
level. :func:`voronoi_faces` cuts an area into the faces of the Voronoi diagram of the
seeds, noded together with the area's boundary: neighbouring faces share exactly the
same vertices, so any union of faces is a valid coverage. Each unit of every level is a
set of faces, and :func:`dissolve` unions them (``shapely.coverage_union_all``), so a
child is always inside its parent and the children cover it exactly.

Clipping a Voronoi diagram by a concave outline leaves cells in several pieces.
:func:`repair_contiguity` reassigns every detached piece of a unit, level by level from
the coarsest, to the neighbouring micro-unit that shares the longest border with it
(preferring one with the same parent), until every unit of every level is connected.

Work in a metric CRS: lengths and areas are used as weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["Adjacency", "dissolve", "face_adjacency", "repair_contiguity", "separate_points", "voronoi_faces"]


@dataclass(frozen=True)
class Adjacency:
    """Pairs of faces that share a border, with the shared length (``a < b``)."""

    a: np.ndarray
    b: np.ndarray
    length: np.ndarray


def voronoi_faces(seeds: np.ndarray, area: shapely.Geometry, groups: np.ndarray | None = None,
                  regions: Sequence[shapely.Geometry] | np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``area`` by the Voronoi diagram of ``seeds`` into noded faces.

    With ``groups`` and ``regions``, the diagram is constrained: seeds of group ``g``
    compete only inside ``regions[g]`` (the regions must partition ``area``), so every
    group's faces fill its region exactly.

    Args:
        seeds: ``(n, 2)`` distinct seed coordinates (metric CRS).
        area: the (Multi)Polygon to cut; seeds may lie outside it.
        groups: optional group index (0..len(regions)-1) of each seed.
        regions: the region of each group.

    Returns:
        ``(faces, owner)``: an object array of Polygons covering ``area`` without gaps
        or overlaps, and for each face the index of the seed whose cell holds it.

    Raises:
        ValueError: when there are fewer than two seeds, two seeds coincide, or only one
            of ``groups`` and ``regions`` is given.
    """
    seeds = np.asarray(seeds, dtype=float)
    if len(seeds) < 2:
        raise ValueError(f"voronoi_faces needs at least two seeds, got {len(seeds)}")
    if len(np.unique(seeds, axis=0)) != len(seeds):
        raise ValueError("voronoi_faces: two seeds coincide; move one of them (see separate_points)")
    if (groups is None) != (regions is None):
        raise ValueError("voronoi_faces: pass both groups and regions, or neither")
    if groups is None or regions is None:
        groups, regions = np.zeros(len(seeds), dtype=np.int64), [area]
    group_of = np.asarray(groups, dtype=np.int64)
    region_of = np.asarray(regions, dtype=object)
    lines = [shapely.boundary(area), *shapely.boundary(region_of)]
    for g, region in enumerate(region_of):
        mine = seeds[group_of == g]
        if len(mine) >= 2:
            lines.append(shapely.intersection(_voronoi_edges(mine, region), region))
    noded = shapely.union_all(shapely.get_parts(np.asarray(lines, dtype=object)))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.contains_properly(area, shapely.point_on_surface(faces)) & (shapely.area(faces) > 0)
    faces = faces[inside]
    return faces, _owners(faces, seeds, group_of, region_of)


def _voronoi_edges(seeds: np.ndarray, region: shapely.Geometry) -> shapely.Geometry:
    envelope = shapely.box(*shapely.bounds(shapely.union(shapely.multipoints(seeds), region)))
    return shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=shapely.buffer(envelope, 1.0),
                                    only_edges=True)


def _owners(faces: np.ndarray, seeds: np.ndarray, groups: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """The seed of each face: the nearest seed of the group whose region holds it."""
    probe = shapely.point_on_surface(faces)
    face_idx, region_idx = shapely.STRtree(regions).query(probe, predicate="within")
    face_group = np.full(len(faces), -1, dtype=np.int64)
    face_group[face_idx] = region_idx
    lost = np.flatnonzero(face_group < 0)
    if len(lost):
        found = shapely.STRtree(regions).query_nearest(probe[lost], all_matches=False)
        face_group[lost[found[0]]] = found[1]
    owner = np.full(len(faces), -1, dtype=np.int64)
    for g in np.unique(face_group):
        mine = np.flatnonzero(groups == g)
        here = np.flatnonzero(face_group == g)
        if len(mine) == 0:
            mine = np.arange(len(seeds))
        found = shapely.STRtree(shapely.points(seeds[mine])).query_nearest(probe[here], all_matches=False)
        owner[here[found[0]]] = mine[found[1]]
    return owner


def separate_points(xy: np.ndarray, min_gap: float = 0.5) -> np.ndarray:
    """Nudge coinciding points apart (deterministically) so that no two are equal.

    Points that round to the same ``min_gap`` cell get offsets of ``min_gap`` times
    their rank along a small spiral. Returns a new array.
    """
    xy = np.array(xy, dtype=float)
    cells = np.round(xy / min_gap).astype(np.int64)
    _, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    if counts.max() == 1:
        return xy
    order = np.argsort(inverse, kind="stable")
    rank = np.empty(len(xy), dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank[order] = np.arange(len(xy)) - np.repeat(starts, counts)
    angle = rank * 2.399963  # golden angle
    radius = min_gap * 2.0 * np.sqrt(rank)
    xy[:, 0] += radius * np.cos(angle)
    xy[:, 1] += radius * np.sin(angle)
    return xy


def face_adjacency(faces: np.ndarray) -> Adjacency:
    """Which noded faces share a border, and how long it is.

    Faces from :func:`voronoi_faces` share identical segments, so matching segments by
    their exact end points finds every shared border. Faces that touch at a point only
    are not adjacent.
    """
    rings, ring_face = shapely.get_rings(faces, return_index=True)
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    same_ring = ring_idx[1:] == ring_idx[:-1]
    p, q = coords[:-1][same_ring], coords[1:][same_ring]
    face = ring_face[ring_idx[:-1][same_ring]]
    swap = (p[:, 0] > q[:, 0]) | ((p[:, 0] == q[:, 0]) & (p[:, 1] > q[:, 1]))
    lo = np.where(swap[:, None], q, p)
    hi = np.where(swap[:, None], p, q)
    order = np.lexsort((hi[:, 1], hi[:, 0], lo[:, 1], lo[:, 0]))
    key = np.column_stack([lo, hi])[order]
    face = face[order]
    twin = np.all(key[1:] == key[:-1], axis=1) & (face[1:] != face[:-1])
    a, b = face[:-1][twin], face[1:][twin]
    seg = key[:-1][twin]
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    pairs = pd.DataFrame({"a": np.minimum(a, b), "b": np.maximum(a, b), "length": length})
    pairs = pairs.groupby(["a", "b"], sort=True, as_index=False)["length"].sum()
    return Adjacency(pairs["a"].to_numpy(np.int64), pairs["b"].to_numpy(np.int64), pairs["length"].to_numpy())


def repair_contiguity(face_unit: np.ndarray, ancestors: Sequence[np.ndarray], adjacency: Adjacency,
                      weight: np.ndarray, max_rounds: int = 12) -> tuple[np.ndarray, list[np.ndarray]]:
    """Reassign detached pieces so that every unit of every level is connected.

    Levels are repaired coarsest first. In each unit the connected piece with the
    largest total ``weight`` stays; every other piece goes to the finest unit across
    its longest border (one with the same parent when there is one). A finest unit
    lying wholly in such a piece moves as a whole (it takes the receiver's ancestors
    and keeps its faces); faces of a finest unit that also has faces in the main
    piece move to the receiver. So no finest unit loses all its faces.

    Args:
        face_unit: for each face, the index of its finest-level unit.
        ancestors: one array per coarser level, coarsest first, mapping a finest-level
            unit index to that level's unit index.
        adjacency: the faces' shared borders (:func:`face_adjacency`).
        weight: per face, e.g. households at the seed plus a little area.
        max_rounds: passes over all levels before giving up.

    Returns:
        ``(face_unit, ancestors)`` after the repair (new arrays).
    """
    face_unit = np.array(face_unit, dtype=np.int64)
    n_units = int(face_unit.max()) + 1 if len(face_unit) else 0
    levels = [*(np.array(m, dtype=np.int64) for m in ancestors), np.arange(n_units, dtype=np.int64)]
    for _ in range(max_rounds):
        moved = False
        for depth in range(len(levels)):
            moved |= _move_detached(face_unit, levels, depth, adjacency, weight)
        if not moved:
            break
    return face_unit, levels[:-1]


def _move_detached(face_unit: np.ndarray, levels: list[np.ndarray], depth: int, adjacency: Adjacency,
                   weight: np.ndarray) -> bool:
    """One pass at one level: move every non-main piece to its best neighbour (in place)."""
    level_of = levels[depth]
    unit = level_of[face_unit]
    comp = _components(unit, adjacency)
    n_comp = int(comp.max()) + 1
    comp_unit = np.empty(n_comp, dtype=np.int64)
    comp_unit[comp] = unit
    comp_weight = np.bincount(comp, weights=weight, minlength=n_comp)
    order = np.lexsort((-comp_weight, comp_unit))
    first = np.ones(n_comp, dtype=bool)
    first[1:] = comp_unit[order][1:] != comp_unit[order][:-1]
    main = np.zeros(n_comp, dtype=bool)
    main[order[first]] = True
    if main.all():
        return False
    parent_of = levels[depth - 1] if depth > 0 else None
    receiver = _best_receivers(face_unit, comp, ~main, level_of, parent_of, adjacency)[comp]
    movable = receiver >= 0
    if depth == len(levels) - 1:
        face_unit[movable] = receiver[movable]
        return bool(movable.any())
    whole = _units_wholly_detached(face_unit, main[comp] | ~movable, weight, receiver)
    for coarser in levels[:-1]:
        coarser[whole.index] = coarser[whole.to_numpy()]
    partial = movable & ~np.isin(face_unit, whole.index)
    face_unit[partial] = receiver[partial]
    return bool(movable.any())


def _units_wholly_detached(face_unit: np.ndarray, staying: np.ndarray, weight: np.ndarray,
                           receiver: np.ndarray) -> pd.Series:
    """Finest units with no staying face, mapped to the receiver of their heaviest piece."""
    n = int(face_unit.max()) + 1
    anchored = np.bincount(face_unit[staying], minlength=n) > 0
    moving = ~staying & ~anchored[face_unit]
    if not moving.any():
        return pd.Series(dtype=np.int64)
    frame = pd.DataFrame({"unit": face_unit[moving], "to": receiver[moving], "w": weight[moving]})
    best = frame.groupby(["unit", "to"], as_index=False)["w"].sum()
    best = best.sort_values(["unit", "w", "to"], ascending=[True, False, True]).drop_duplicates("unit")
    return pd.Series(best["to"].to_numpy(), index=best["unit"].to_numpy())


def _components(unit: np.ndarray, adjacency: Adjacency) -> np.ndarray:
    """Connected pieces of each unit: components of the graph of same-unit borders."""
    same = unit[adjacency.a] == unit[adjacency.b]
    n = len(unit)
    graph = coo_matrix((np.ones(int(same.sum())), (adjacency.a[same], adjacency.b[same])), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def _best_receivers(face_unit: np.ndarray, comp: np.ndarray, detached: np.ndarray, level_of: np.ndarray,
                    parent_of: np.ndarray | None, adjacency: Adjacency) -> np.ndarray:
    """For each detached piece, the finest unit across its longest border with a piece
    that stays (-1: none yet; a later round retries)."""
    a = np.concatenate([adjacency.a, adjacency.b])
    b = np.concatenate([adjacency.b, adjacency.a])
    length = np.concatenate([adjacency.length, adjacency.length])
    # Only staying (main) pieces receive, so two detached pieces never swap forever.
    keep = detached[comp[a]] & ~detached[comp[b]]
    pieces = pd.DataFrame({"piece": comp[a][keep], "to": face_unit[b][keep], "length": length[keep],
                           "from": face_unit[a][keep]})
    receiver = np.full(len(detached), -1, dtype=np.int64)
    if pieces.empty:
        return receiver
    pieces = pieces.groupby(["piece", "to"], as_index=False).agg(length=("length", "sum"), source=("from", "first"))
    if parent_of is not None:
        src_parent = parent_of[pieces["source"].to_numpy()]
        dst_parent = parent_of[pieces["to"].to_numpy()]
        pieces["kin"] = (src_parent == dst_parent).astype(int)
    else:
        pieces["kin"] = 0
    pieces["unit"] = level_of[pieces["to"].to_numpy()]
    pieces = pieces.sort_values(["piece", "kin", "length", "to"], ascending=[True, False, False, True])
    best = pieces.drop_duplicates("piece")
    receiver[best["piece"].to_numpy()] = best["to"].to_numpy()
    return receiver


def dissolve(geoms: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Union the coverage ``geoms`` by ``labels`` (0..n_labels-1) into one geometry each.

    Labels with no geometry get ``None``.
    """
    out = np.full(n_labels, None, dtype=object)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_labels + 1))
    for label in range(n_labels):
        members = order[bounds[label]:bounds[label + 1]]
        if len(members) == 1:
            out[label] = geoms[members[0]]
        elif len(members) > 1:
            out[label] = shapely.coverage_union_all(geoms[members])
    return out
