"""The planner's geometry edits: reshape, split, merge, add -- pure functions on a plan frame.

Each edit takes a plan frame (:mod:`gridmap.plan.model`) and returns an
:class:`~gridmap.plan.model.EditResult` with the whole new plan, or raises
:class:`~gridmap.plan.errors.BadEdit` naming the unit; the input is never modified.
Coverage is kept at every level: a unit's children cover it with no gap or overlap, a
shared edge moves for both neighbours, and a new node on a boundary (a split line's end,
the corner of an edited edge) becomes a vertex of every unit along that boundary, at
every level (no T-junctions).

Rules chosen:

- **Inside the parent.** An edit of a unit cannot move its parent's outline: a reshaped
  or drawn outline is *clipped* to the parent (the result says so), never the parent
  grown. Top-level units (no parent) cannot be reshaped or split here.
- **Reshape.** Vertex propagation first, the overlay as fallback
  (:mod:`gridmap.plan.edit_repair`); area given up goes to the sibling with the longest
  shared border; an edit that would swallow a sibling whole, cut the unit in pieces, leave
  a gap no sibling borders, or leave any changed unit below ``min_area_m2`` is refused.
- **Descendants** follow by :mod:`gridmap.plan.edit_descend`: on a reshape, area that moved
  between parents goes to the child of the gaining parent with the longest shared border
  (a child that moved whole keeps its shape and is re-coded); on a split or add, each
  piece that changed parent becomes a new child of its new parent.
- **Codes.** The biggest part of a split keeps the code; new units get the next free
  code under their parent (:func:`new_code`); a merge keeps the smallest code and re-codes
  the other units' children under it.
- **Counts.** Units whose area changed get ``households``/``residents`` missing (NA);
  recounting is :func:`gridmap.plan.checks.recount`'s job. ``changed`` lists every unit
  whose stored geometry changed, including units that only gained a node.

Example::

    res = reshape(plan, "33032710300101001", dragged_polygon)
    res.plan, res.changed, res.text("zh")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely import Geometry, LineString, Polygon
from shapely.geometry import shape

from gridmap.plan import edit_faces as ef
from gridmap.plan import edit_repair as er
from gridmap.plan.edit_descend import piece_name, refit_down
from gridmap.plan.edit_frame import Draft, child_level
from gridmap.plan.errors import BadEdit
from gridmap.plan.model import PRECISION, EditResult
from gridmap.workflow.errors import listed

# Default smallest unit a split, add or reshape may leave (m², in the metric CRS).
MIN_AREA_M2 = 50.0


def new_code(plan: gpd.GeoDataFrame, parent_code: str) -> str:
    """The next free child code under ``parent_code`` (max serial + 1, else the first gap).

    Raises:
        BadEdit: unknown parent, a micro-grid (no children), or no serial left.
    """
    draft = Draft(plan)
    draft.need(parent_code)
    if child_level(parent_code) is None:
        raise BadEdit("plan.edit.no_children_here", **draft.who(parent_code))
    return draft.new_code(parent_code)


def reshape(plan: gpd.GeoDataFrame, code: str, new_geometry: Geometry | Mapping[str, Any], *,
            min_area_m2: float = MIN_AREA_M2) -> EditResult:
    """The unit ``code`` with a new outline; siblings and descendants follow.

    Args:
        plan: the plan frame.
        code: the unit the planner edited.
        new_geometry: its new outline (a Polygon, or GeoJSON from Leaflet).
        min_area_m2: no changed unit may be left smaller than this.

    Raises:
        BadEdit: unknown unit, not a polygon, self-intersecting, outside the parent, a
            sibling swallowed, a gap left, a unit cut in pieces, a sliver.
    """
    draft = Draft(plan)
    draft.need(code)
    parent = draft.parent(code)
    if parent is None or parent not in draft.row:
        raise BadEdit("plan.edit.top_level", **draft.who(code))
    new = _polygon(new_geometry, draft.who(code))
    old = draft.old_geom(code)
    if shapely.equals_exact(new, old, 0.0):
        return draft.result("plan.edit.reshaped", **draft.who(code))
    parent_geom = draft.geom(parent)
    near = _near(draft, draft.siblings(code), shapely.union_all([old, new]))
    clipped = shapely.area(shapely.difference(new, parent_geom)) > 1e-6 * new.area
    built: dict[str, Geometry] | None = None
    if not clipped:
        moved = er.propagate(old, new, near)
        if moved is not None:
            after = {**near, **moved}
            if er.coverage_kept([old, *near.values()], [new, *after.values()]):
                built = {code: new, **after}
    if built is None:
        who = {c: draft.who(c) for c in [code, *near]}
        built = er.overlay(code, old, new, parent_geom, near, who)
    reshaped = [c for c, g in built.items()
                if not shapely.equals(g, draft.old_geom(c))]
    _refuse_slivers(draft, {c: built[c] for c in reshaped}, min_area_m2)
    for c in reshaped:
        draft.set_geom(c, built[c])
    refit_down(draft, reshaped, reshaped, "absorb", min_area_m2)
    _node(draft)
    key = "plan.edit.reshaped_clipped" if clipped else "plan.edit.reshaped"
    return draft.result(key, **draft.who(code))


def split(plan: gpd.GeoDataFrame, code: str, line: Geometry | Mapping[str, Any], *,
          min_area_m2: float = MIN_AREA_M2) -> EditResult:
    """The unit ``code`` cut in two or more parts by a drawn line across it.

    The biggest part keeps the code, the others get the next free codes under the same
    parent (names: the unit's name and a number). The line's nodes are inserted into the
    neighbours; children are cut by the line too and re-coded under the part they fall in.

    Raises:
        BadEdit: unknown unit, not a line, a line that does not cross the unit or ends
            inside it, a part below ``min_area_m2``.
    """
    draft = Draft(plan)
    draft.need(code)
    who = draft.who(code)
    parent = draft.parent(code)
    if parent is None or parent not in draft.row:
        raise BadEdit("plan.edit.top_level", **who)
    cut = _line(line, who)
    unit = draft.old_geom(code)
    if not shapely.intersects(cut, unit) or shapely.touches(cut, unit):
        raise BadEdit("plan.edit.line_misses", **who)
    faces = ef.faces_of([unit, cut])
    inside = ef.owners_of(faces, {code: unit})
    parts = faces[[i for i, o in enumerate(inside) if o is not None]]
    if len(parts) < 2:
        raise BadEdit("plan.edit.line_ends_inside", **who)
    areas = draft.area_m2(parts)
    if areas.min() < min_area_m2:
        raise BadEdit("plan.edit.sliver", **who, area=f"{areas.min():.0f}", min_area=f"{min_area_m2:g}")
    order = np.argsort(-areas, kind="stable")
    draft.set_geom(code, parts[order[0]])
    level = str(draft.value(code, "level"))
    new_codes = []
    for n, i in enumerate(order[1:], start=2):
        c = draft.new_code(parent)
        draft.add(c, code, parts[i], name=piece_name(draft.name(code), n), parent_code=parent, level=level)
        new_codes.append(c)
    refit_down(draft, [code, *new_codes], [code], "own", min_area_m2)
    _node(draft)
    return draft.result("plan.edit.split", **who, n=len(parts))


def merge(plan: gpd.GeoDataFrame, codes: Sequence[str]) -> EditResult:
    """Two or more adjacent units of one parent merged; the smallest code survives.

    The children of the other units are re-coded under the survivor (``renamed``), with
    their descendants; the survivor's counts become missing.

    Raises:
        BadEdit: fewer than two units, unknown units, different parents, units that do
            not share a border (touching at a point is not enough).
    """
    draft = Draft(plan)
    chosen = sorted(dict.fromkeys(str(c) for c in codes))
    if len(chosen) < 2:
        raise BadEdit("plan.edit.merge_few")
    for c in chosen:
        draft.need(c)
    names = listed(f"{draft.name(c)}（{c}）" for c in chosen)
    if len({draft.parent(c) for c in chosen}) != 1:
        raise BadEdit("plan.edit.merge_parents", names=names)
    geoms = np.asarray([draft.old_geom(c) for c in chosen], dtype=object)
    union = shapely.coverage_union_all(geoms)
    if not isinstance(union, Polygon):
        parts = shapely.get_parts(union)
        main = parts[int(np.argmax(shapely.area(parts)))]
        apart = [c for c, g in zip(chosen, geoms, strict=True)
                 if not shapely.intersects(main, shapely.point_on_surface(g))]
        raise BadEdit("plan.edit.merge_not_touching", names=names,
                      apart=listed(f"{draft.name(c)}（{c}）" for c in apart))
    survivor = chosen[0]
    draft.set_geom(survivor, union)
    for c in chosen[1:]:
        draft.remove(c)
        for child in draft.children(c):
            draft.rename(child, draft.new_code(survivor), parent=survivor)
    # EditResult.text does not render Listed values: the names joined as stored (Chinese)
    joined = "、".join(f"{draft.name(c)}（{c}）" for c in chosen)
    return draft.result("plan.edit.merged", names=joined, **draft.who(survivor))


def add_unit(plan: gpd.GeoDataFrame, parent_code: str, polygon: Geometry | Mapping[str, Any], name: str, *,
             min_area_m2: float = MIN_AREA_M2) -> EditResult:
    """A new child of ``parent_code`` drawn by the planner; it takes its area from siblings.

    The drawn shape is clipped to the parent. The siblings it overlaps give that area up
    (their children's pieces inside become children of the new unit); a sibling the shape
    would cover wholly is refused, not removed (merge it instead).

    Raises:
        BadEdit: unknown parent, a micro-grid parent, no name, a self-intersecting shape,
            a shape outside the parent, one that covers a sibling wholly, a sliver.
    """
    draft = Draft(plan)
    draft.need(parent_code)
    level = child_level(parent_code)
    if level is None:
        raise BadEdit("plan.edit.no_children_here", **draft.who(parent_code))
    name = (name or "").strip()
    if not name:
        raise BadEdit("plan.edit.name_missing", **draft.who(parent_code))
    drawn = _polygon(polygon, {"name": name, "code": "-"})
    parent_geom = draft.geom(parent_code)
    if shapely.area(shapely.intersection(drawn, parent_geom)) <= 1e-9 * drawn.area:
        raise BadEdit("plan.edit.outside_parent", name=name, code="-", parent=draft.name(parent_code),
                      parent_code=parent_code)
    code = draft.new_code(parent_code)
    siblings = draft.children(parent_code)
    near = _near(draft, siblings, drawn)
    faces = ef.faces_of([drawn, parent_geom, *near.values()])
    in_parent = ef.owners_of(faces, {parent_code: parent_geom})
    in_drawn = ef.owners_of(faces, {code: drawn})
    was = ef.owners_of(faces, near)
    owner = [None if p is None else (code if d is not None else w)
             for p, d, w in zip(in_parent, in_drawn, was, strict=True)]
    built = ef.build(faces, owner)
    who = {"name": name, "code": code}
    new = built.get(code)
    if new is None:
        raise BadEdit("plan.edit.outside_parent", **who, parent=draft.name(parent_code), parent_code=parent_code)
    if len(shapely.get_parts(new)) > 1:
        raise BadEdit("plan.edit.falls_apart", **who)
    for s in near:
        if s not in built:
            raise BadEdit("plan.edit.covers_sibling", **who, sibling=draft.name(s), sibling_code=s)
    changed = [s for s in near if not shapely.equals(built[s], near[s])]
    _refuse_slivers(draft, {code: new, **{s: built[s] for s in changed}}, min_area_m2, names={code: name})
    draft.add(code, siblings[0] if siblings else parent_code, new, name=name, parent_code=parent_code,
              level=level.value)
    for s in changed:
        draft.set_geom(s, built[s])
    refit_down(draft, [code, *changed], changed, "own", min_area_m2)
    _node(draft)
    return draft.result("plan.edit.added", **who, parent=draft.name(parent_code), parent_code=parent_code)


# ---------------------------------------------------------------------------- helpers

def _polygon(value: Geometry | Mapping[str, Any], who: Mapping[str, str]) -> Polygon:
    """A drawn or edited outline: one valid polygon, on the grid."""
    try:
        geom = shape(value) if isinstance(value, Mapping) else value
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise BadEdit("plan.edit.not_polygon", **who) from exc
    if isinstance(geom, shapely.MultiPolygon) and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if not isinstance(geom, Polygon) or geom.is_empty:
        raise BadEdit("plan.edit.not_polygon", **who)
    if not geom.is_valid:
        raise BadEdit("plan.edit.self_intersecting", **who, where=_where(geom))
    snapped = shapely.set_precision(geom, PRECISION, mode="valid_output")
    if not isinstance(snapped, Polygon) or snapped.is_empty or not snapped.is_valid:
        raise BadEdit("plan.edit.not_polygon", **who)
    return snapped


def _where(geom: Geometry) -> str:
    """Where a shape is invalid, as 'lon, lat' for the message."""
    reason = shapely.is_valid_reason(geom)
    if "[" in reason:
        xy = reason[reason.index("[") + 1: reason.rindex("]")].split()
        try:
            return f"{float(xy[0]):.6f}, {float(xy[1]):.6f}"
        except (IndexError, ValueError):
            pass
    point = geom.representative_point() if not geom.is_empty else None
    return f"{point.x:.6f}, {point.y:.6f}" if point is not None else ""


def _line(value: Geometry | Mapping[str, Any], who: Mapping[str, str]) -> LineString:
    try:
        geom = shape(value) if isinstance(value, Mapping) else value
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise BadEdit("plan.edit.not_line", **who) from exc
    if not isinstance(geom, LineString) or geom.is_empty or geom.length == 0:
        raise BadEdit("plan.edit.not_line", **who)
    snapped = shapely.set_precision(geom, PRECISION)
    if not isinstance(snapped, LineString) or snapped.is_empty:
        raise BadEdit("plan.edit.not_line", **who)
    return snapped


def _near(draft: Draft, codes: Iterable[str], where: Geometry) -> dict[str, Geometry]:
    """Those of ``codes`` whose geometry intersects ``where``."""
    codes = list(codes)
    if not codes:
        return {}
    geoms = np.asarray([draft.geom(c) for c in codes], dtype=object)
    hit = shapely.intersects(geoms, where)
    return {c: g for c, g, h in zip(codes, geoms, hit.tolist(), strict=True) if h}


def _refuse_slivers(draft: Draft, geoms: Mapping[str, Geometry], min_area_m2: float,
                    names: Mapping[str, str] | None = None) -> None:
    if not geoms:
        return
    areas = draft.area_m2(geoms.values())
    for (c, _), a in zip(geoms.items(), areas.tolist(), strict=True):
        if a < min_area_m2:
            name = (names or {}).get(c) or draft.name(c)
            raise BadEdit("plan.edit.sliver", name=name, code=c, area=f"{a:.0f}", min_area=f"{min_area_m2:g}")


def _node(draft: Draft) -> None:
    """Insert the vertices of every changed geometry into every ring segment they lie on."""
    changed = [c for c, g in draft.geoms.items()
               if c in draft.added or not shapely.equals_exact(g, draft.old_geom(c), 0.0)]
    if not changed:
        return
    points = ef.vertices(draft.geoms[c] for c in changed)
    codes = [c for c in draft.row if c not in draft.removed] + list(draft.added)
    geoms = np.asarray([draft.geom(c) for c in codes], dtype=object)
    tree = shapely.STRtree(shapely.boundary(geoms))
    pi, gi = tree.query(shapely.points(points), predicate="dwithin", distance=ef.NODE_TOLERANCE)
    by_unit: dict[int, list[int]] = {}
    for p, g in zip(pi.tolist(), gi.tolist(), strict=True):
        by_unit.setdefault(g, []).append(p)
    for g, ps in by_unit.items():
        code = codes[g]
        noded = ef.insert_nodes(geoms[g], points[ps])
        if noded is not geoms[g]:
            draft.set_geom(code, noded, reshaped=code in draft.reshaped)
