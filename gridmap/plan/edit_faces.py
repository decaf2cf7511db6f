"""The overlay under every edit: node boundaries, cut faces, hand faces to units, insert nodes.

All work is on the :data:`~gridmap.plan.model.PRECISION` grid. Boundaries are noded
together with ``union_all(grid_size=PRECISION)`` and polygonized, so every face shares
exactly the vertices of its neighbours; a unit rebuilt from its faces
(``coverage_union_all``) then matches its neighbours vertex for vertex.

- :func:`faces_of` -- the faces cut by a set of boundaries.
- :func:`owners_of` -- which of some units (old geometry) each face lies in.
- :func:`hand_out` -- give faces without an owner to the owner they share the longest
  border with (iteratively, so a face reached only through other free faces is handed too).
- :func:`build` -- a unit per owner from its faces.
- :func:`insert_nodes` -- put given points into every ring segment they lie on (no T-junctions).

Example::

    faces = faces_of([a, b, new_a])
    owner = owners_of(faces, {"A": new_a, "B": b})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely import Geometry, Polygon

from gridmap.plan.model import PRECISION

# How far (degrees) a point may be from a segment and still be a node of it: Leaflet's
# rounding to 6 decimals moves a point on a segment by up to ~0.7e-6 (FINDINGS: ~2e-6).
NODE_TOLERANCE = 2e-6


def faces_of(geoms: Iterable[Geometry]) -> np.ndarray:
    """The polygons cut by the boundaries of ``geoms`` (noded on the grid).

    Args:
        geoms: polygons (their boundaries are used) and/or lines (split lines); dangling
            line ends cut nothing.

    Returns:
        An array of Polygons covering the union of the polygons' areas (and no more
        where the lines only dangle).
    """
    arr = np.asarray(list(geoms), dtype=object)
    lines = np.where(shapely.get_dimensions(arr) == 2, shapely.boundary(arr), arr)
    noded = shapely.union_all(lines, grid_size=PRECISION)
    polys = shapely.polygonize(shapely.get_parts(noded))
    faces = shapely.get_parts(polys)
    return faces[shapely.area(faces) > 0]


def owners_of(faces: np.ndarray, units: Mapping[str, Geometry]) -> list[str | None]:
    """The unit each face lies in (by a point inside the face), or None.

    A point of a thin face may fall a grid step outside the unit it came from; then the
    unit the face overlaps most is taken, if it overlaps any by more than half the face.
    """
    if not len(faces):
        return []
    codes = list(units)
    tree = shapely.STRtree(np.asarray([units[c] for c in codes], dtype=object))
    points = shapely.point_on_surface(faces)
    found: list[str | None] = [None] * len(faces)
    fi, ui = tree.query(points, predicate="intersects")
    for f, u in zip(fi.tolist(), ui.tolist(), strict=True):
        if found[f] is None:
            found[f] = codes[u]
    for f in (i for i, c in enumerate(found) if c is None):
        cands = tree.query(faces[f], predicate="intersects")
        if len(cands):
            shares = shapely.area(shapely.intersection(faces[f], tree.geometries[cands]))
            best = int(np.argmax(shares))
            if shares[best] > 0.5 * faces[f].area:
                found[f] = codes[cands[best]]
    return found


def shared_lengths(faces: np.ndarray) -> dict[int, dict[int, float]]:
    """For each face, the faces it shares a border with and the border's length."""
    tree = shapely.STRtree(faces)
    left, right = tree.query(faces, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    lengths = shapely.length(shapely.intersection(shapely.boundary(faces[left]), shapely.boundary(faces[right])))
    out: dict[int, dict[int, float]] = {i: {} for i in range(len(faces))}
    for a, b, n in zip(left.tolist(), right.tolist(), lengths.tolist(), strict=True):
        if n > 0:
            out[a][b] = n
            out[b][a] = n
    return out


def hand_out(faces: np.ndarray, owner: list[str | None], eligible: Mapping[int, Iterable[str]] | None = None,
             excluded: Iterable[str] = ()) -> list[str | None]:
    """Give every face without an owner to the owner it shares the longest border with.

    Faces are handed out in rounds, so a free face bordering only other free faces is
    handed once a neighbour has an owner. Ties go to the smallest code.

    Args:
        faces: the faces.
        owner: the owner of each face, None for free faces.
        eligible: per free face, the owners that may take it (default: any).
        excluded: owners that may take no free face (the unit that gave the area up).

    Returns:
        The owners; faces that no eligible owner borders stay None.
    """
    result = list(owner)
    free = [i for i, o in enumerate(result) if o is None]
    if not free:
        return result
    borders = shared_lengths(faces)
    banned = set(excluded)
    while free:
        handed: dict[int, str] = {}
        for f in free:
            allowed = None if eligible is None or f not in eligible else set(eligible[f])
            score: dict[str, float] = {}
            for g, n in borders[f].items():
                o = result[g]
                if o is None or o in banned or (allowed is not None and o not in allowed):
                    continue
                score[o] = score.get(o, 0.0) + n
            if score:
                best = max(score.values())
                handed[f] = min(c for c, n in score.items() if n >= best * (1 - 1e-9))
        if not handed:
            break
        for f, o in handed.items():
            result[f] = o
        free = [f for f in free if f not in handed]
    return result


def build(faces: np.ndarray, owner: list[str | None]) -> dict[str, Geometry]:
    """One geometry per owner: the coverage union of its faces."""
    groups: dict[str, list[int]] = {}
    for i, o in enumerate(owner):
        if o is not None:
            groups.setdefault(o, []).append(i)
    return {o: _union(faces[idx]) for o, idx in groups.items()}


def _union(parts: np.ndarray) -> Geometry:
    if len(parts) == 1:
        return parts[0]
    merged = shapely.coverage_union_all(parts)
    if not merged.is_valid:  # faces of one noding always form a coverage; belt and braces
        merged = shapely.union_all(parts, grid_size=PRECISION)
    return merged


def insert_nodes(geom: Geometry, points: np.ndarray, tolerance: float = NODE_TOLERANCE) -> Geometry:
    """``geom`` with each point inserted into every ring segment it lies on (within tolerance).

    Points equal to an existing vertex are left alone. Used after an edit so that a node
    on a shared boundary (where a split line or an edited edge meets it) is a vertex of
    every unit along that boundary, at every level.
    """
    if not len(points):
        return geom
    if isinstance(geom, Polygon):
        return _insert_polygon(geom, points, tolerance)
    parts = [_insert_polygon(p, points, tolerance) for p in shapely.get_parts(geom)]
    return shapely.multipolygons(parts)


def _insert_polygon(poly: Polygon, points: np.ndarray, tol: float) -> Polygon:
    shell = _insert_ring(np.asarray(poly.exterior.coords), points, tol)
    holes = [_insert_ring(np.asarray(r.coords), points, tol) for r in poly.interiors]
    if shell is None and all(h is None for h in holes):
        return poly
    return Polygon(shell if shell is not None else poly.exterior.coords,
                   [h if h is not None else r.coords for h, r in zip(holes, poly.interiors, strict=True)])


def _insert_ring(ring: np.ndarray, points: np.ndarray, tol: float) -> np.ndarray | None:
    a, b = ring[:-1], ring[1:]
    d = b - a
    seg_len2 = (d**2).sum(axis=1)
    # (point, segment) pairs: projection parameter and distance
    rel = points[:, None, :] - a[None, :, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        tpar = (rel * d[None, :, :]).sum(axis=2) / seg_len2[None, :]
    foot = a[None, :, :] + tpar[..., None] * d[None, :, :]
    dist = np.sqrt(((points[:, None, :] - foot) ** 2).sum(axis=2))
    near_end = np.minimum(np.abs(rel).max(axis=2), np.abs(points[:, None, :] - b[None, :, :]).max(axis=2))
    hit = (dist <= tol) & (tpar > 0) & (tpar < 1) & (near_end > PRECISION / 2)
    if not hit.any():
        return None
    vertex_set = {tuple(v) for v in ring.tolist()}
    out: list[Any] = []
    for s in range(len(a)):
        out.append(a[s])
        pi = np.nonzero(hit[:, s])[0]
        if len(pi):
            order = pi[np.argsort(tpar[pi, s])]
            for p in order:
                if tuple(points[p].tolist()) not in vertex_set:
                    out.append(points[p])
    out.append(ring[-1])
    return np.asarray(out)


def vertices(geoms: Iterable[Geometry]) -> np.ndarray:
    """The distinct vertices of ``geoms`` as an (n, 2) array."""
    arr = np.asarray(list(geoms), dtype=object)
    if not len(arr):
        return np.zeros((0, 2))
    return np.unique(shapely.get_coordinates(arr), axis=0)
