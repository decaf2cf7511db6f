"""Neighbours follow a reshaped unit: vertex propagation first, the overlay as fallback.

**Vertex propagation** (exact, the planner's intent when a shared vertex was dragged):
the old and new outer rings are diffed (:class:`difflib.SequenceMatcher` on the vertex
sequences); every moved vertex moves in each sibling holding it, every inserted vertex
is inserted into each sibling holding the edge it was inserted in, and a deleted vertex
is deleted from a sibling holding both its edges. It is accepted only if the result is
a valid coverage of the same area (same union, same total area, ``coverage_is_valid``).
It fails on fold-overs, on moving a vertex of the parent's outline and on deleting a
corner three or more units share.

**Overlay** (the fallback): the siblings' boundaries, the new outline and the parent's
outline are noded together and polygonized; faces inside the new outline (and inside
the parent: *an edit of a child is clipped to its parent*) go to the edited unit, faces
it gave up go to the sibling they share the longest border with.
"""

from __future__ import annotations

import difflib

import numpy as np
import shapely
from shapely import Geometry, Polygon

from gridmap.plan import edit_faces as ef
from gridmap.plan.errors import BadEdit
from gridmap.plan.model import PRECISION

Point = tuple[float, float]


def propagate(old: Polygon, new: Polygon, siblings: dict[str, Geometry]) -> dict[str, Geometry] | None:
    """The siblings after applying the vertex changes of ``old -> new``; None if it fails.

    Args:
        old: the unit's stored outline; new: the planner's outline (both on the grid).
        siblings: the unit's siblings (code -> geometry).

    Returns:
        code -> new geometry of each sibling that changed (the edited unit not included),
        or None when propagation cannot express the edit (use :func:`overlay`).
    """
    if not isinstance(new, Polygon) or not isinstance(old, Polygon):
        return None
    o = _ring(old)
    n = _ring(new)
    if old.exterior.is_ccw != new.exterior.is_ccw:
        n = n[::-1]
    rotated = _aligned(o, n)
    if rotated is None:
        return None
    o, n = rotated
    moves: dict[Point, Point] = {}
    inserts: dict[tuple[Point, Point], list[Point]] = {}
    deletes: set[Point] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, o, n, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            moves.update(zip(o[i1:i2], n[j1:j2], strict=True))
        elif op == "insert":
            inserts[(o[i1 - 1], o[i1 % len(o)])] = n[j1:j2]
        elif op == "delete":
            deletes.update(o[i1:i2])
        else:
            return None
    edges = {frozenset(e) for e in zip(o, o[1:] + o[:1], strict=True)}
    out: dict[str, Geometry] = {}
    for code, geom in siblings.items():
        if not isinstance(geom, Polygon):
            continue
        ring = _ring(geom)
        changed = _apply(ring, moves, inserts, deletes, edges)
        if changed is None:
            return None
        if changed is not ring:
            if len(changed) < 3:
                return None
            out[code] = Polygon(changed, [r.coords for r in geom.interiors])
    return out


def _ring(poly: Polygon) -> list[Point]:
    return [(float(x), float(y)) for x, y in poly.exterior.coords[:-1]]


def _aligned(o: list[Point], n: list[Point]) -> tuple[list[Point], list[Point]] | None:
    """Both rings rotated to start at the first old vertex the new ring kept."""
    where = {p: i for i, p in enumerate(n)}
    for i, p in enumerate(o):
        if p in where:
            j = where[p]
            return o[i:] + o[:i], n[j:] + n[:j]
    return None


def _apply(ring: list[Point], moves: dict[Point, Point], inserts: dict[tuple[Point, Point], list[Point]],
           deletes: set[Point], edges: set[frozenset[Point]]) -> list[Point] | None:
    """``ring`` with the changes applied (the same list object if none applies; None: cannot)."""
    k = len(ring)
    hit = False
    out: list[Point] = []
    for i, p in enumerate(ring):
        prev, nxt = ring[i - 1], ring[(i + 1) % k]
        if p in deletes:
            if frozenset((prev, p)) in edges and frozenset((p, nxt)) in edges:
                hit = True
                continue
            return None
        out.append(moves.get(p, p))
        hit = hit or p in moves
        if (nxt, p) in inserts:
            out.extend(inserts[(nxt, p)][::-1])
            hit = True
        elif (p, nxt) in inserts:
            out.extend(inserts[(p, nxt)])
            hit = True
    return out if hit else ring


def coverage_kept(before: list[Geometry], after: list[Geometry]) -> bool:
    """True if ``after`` is a valid coverage of exactly the area of ``before``."""
    arr = np.asarray(after, dtype=object)
    if not all(isinstance(g, Polygon) and g.is_valid and not g.is_empty for g in after):
        return False
    old_area = float(shapely.area(np.asarray(before, dtype=object)).sum())
    if abs(float(shapely.area(arr).sum()) - old_area) > 1e-9 * old_area:
        return False
    if not shapely.coverage_is_valid(arr):
        return False
    u_old = shapely.coverage_union_all(np.asarray(before, dtype=object))
    u_new = shapely.coverage_union_all(arr)
    return bool(shapely.symmetric_difference(u_old, u_new).area <= 1e-9 * old_area)


def overlay(code: str, old: Geometry, new: Geometry, parent: Geometry | None, siblings: dict[str, Geometry],
            who: dict[str, dict[str, str]]) -> dict[str, Geometry]:
    """The edited unit and its siblings after the overlay repair.

    Args:
        code: the edited unit; old: its stored outline; new: its new outline (before clipping).
        parent: the parent's outline (None: no parent, nothing to clip to).
        siblings: code -> geometry of the siblings near the edit (old and new outline).
        who: code -> message params naming the unit, for refusals.

    Returns:
        code -> new geometry for the edited unit and every sibling passed in.

    Raises:
        BadEdit: the area given up borders no sibling (a gap would be left), or the
        clipped outline falls apart in pieces.
    """
    geoms = [*siblings.values(), new] + ([parent] if parent is not None else [])
    faces = ef.faces_of(geoms)
    inside_new = ef.owners_of(faces, {code: new})
    in_parent = ef.owners_of(faces, {"p": parent}) if parent is not None else ["p"] * len(faces)
    was = ef.owners_of(faces, siblings)
    gave = ef.owners_of(faces, {code: old})
    owner: list[str | None] = []
    for i in range(len(faces)):
        if in_parent[i] is None:
            owner.append("")  # outside the parent: dropped
        elif inside_new[i] is not None:
            owner.append(code)
        elif was[i] is not None:
            owner.append(was[i])
        elif gave[i] is not None:
            owner.append(None)  # given up: to the sibling with the longest border
        else:
            owner.append("")  # a sibling's that is not near the edit: not ours
    free = [i for i, o in enumerate(owner) if o is None]
    if free:
        owner = ef.hand_out(faces, owner, excluded={code, ""})
        if any(owner[i] is None for i in free):
            raise BadEdit("plan.edit.gap_left", **who[code])
    built = ef.build(faces, [o or None for o in owner])
    if code not in built:
        raise BadEdit("plan.edit.clipped_away", **who[code])
    if len(shapely.get_parts(built[code])) > 1:
        raise BadEdit("plan.edit.falls_apart", **who[code])
    for sib in siblings:
        if sib not in built:
            raise BadEdit("plan.edit.swallows", **who[sib])
    return built


def on_grid(geom: Geometry) -> Geometry:
    """``geom`` on the :data:`PRECISION` grid (vertices rounded, made valid)."""
    return shapely.set_precision(geom, PRECISION)
