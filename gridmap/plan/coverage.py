"""The geometric checks of a plan: each ``PlanContext -> list[Problem]``.

Definitions (areas in m² in the plan's metric CRS; anything at or below the context's
``tolerance_m2`` is rounding and ignored):

- **invalid_geometry** (error): a unit with no boundary, a non-polygon, or a polygon
  GEOS calls invalid (``is_valid_reason``: a bow-tie, a ring with too few points, ...);
  ``where`` is the place GEOS names. The other checks use the repaired shape
  (``make_valid``), so one bad unit does not hide or crash the rest.
- **overlap** (error): two units of the same level whose interiors share an area;
  ``where`` is the shared area.
- **gap** (error): a part of a parent covered by none of its children (the parent
  minus the union of its children). Checked explicitly: ``shapely.coverage_is_valid``
  does not report gaps. One problem per gap; ``where`` is the gap.
- **outside_parent** (error): the part of a unit outside its parent.
- **non_contiguous**: a unit in more than one piece. An error for grids and
  micro-grids (the planner draws those; one micro-grid is one walkable area); a warning
  for counties, towns and villages, whose official outlines may have exclaves (飞地).
  ``where`` is every piece but the largest.
- **embedded** (warning): a unit lying in a hole of a sibling, i.e. inside the
  sibling's outline with its holes filled, sharing no area with it: an enclave, wholly
  surrounded by that sibling. The coverage is valid (drawing a new unit inside another
  makes one) but it is rarely meant: the enclave has a single neighbour and the
  surrounding unit is a ring. ``where`` is the embedded unit.
- **sliver** (warning): a unit smaller than ``min_sliver_m2``.

Only the units in view are checked (see :mod:`gridmap.plan.context`); an overlap or an
enclave is reported when at least one of its two units is being edited.
"""

from __future__ import annotations

import re

import numpy as np
import shapely

from gridmap.domain import Level
from gridmap.plan.context import PlanContext
from gridmap.plan.model import Problem, Severity

_REASONS: dict[str, str] = {
    "self-intersection": "self_intersection",
    "ring self-intersection": "self_intersection",
    "too few points": "too_few_points",
    "interior is disconnected": "disconnected_interior",
    "hole lies outside shell": "hole_outside",
    "nested holes": "nested",
    "nested shells": "nested",
    "duplicate rings": "nested",
    "invalid coordinate": "bad_coordinate",
    "ring is not closed": "not_closed",
}
_REASON_AT = re.compile(r"^\s*(?P<what>[^\[]*?)\s*\[(?P<x>[-+\deE.]+)\s+(?P<y>[-+\deE.]+)\]")
_DRAWN_LEVELS = {Level.GRID.depth, Level.MICRO.depth}


def invalid_geometry(ctx: PlanContext) -> list[Problem]:
    """Units without a usable boundary (error); see the module docstring."""
    out = []
    for row in ctx.checked[~ctx.valid[ctx.checked]]:
        geom = ctx.geoms[row]
        where: shapely.Geometry | None = geom
        if geom is None or geom.is_empty:
            key, where = "plan.checks.invalid.empty", None
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            key = "plan.checks.invalid.not_polygon"
        else:
            reason = shapely.is_valid_reason(geom)
            match = _REASON_AT.match(reason)
            what = (match["what"] if match else reason).strip().lower()
            key = f"plan.checks.invalid.{_REASONS.get(what, 'other')}"
            if match:
                where = shapely.Point(float(match["x"]), float(match["y"]))
            out.append(Problem("invalid_geometry", "error", ctx.codes[row], key,
                               {**ctx.unit(row), "detail": reason}, where))
            continue
        out.append(Problem("invalid_geometry", "error", ctx.codes[row], key,
                           {**ctx.unit(row), "detail": ""}, where))
    return out


def overlaps(ctx: PlanContext) -> list[Problem]:
    """Pairs of units of one level sharing an area (error)."""
    out = []
    rows = ctx.checked[~shapely.is_empty(ctx.shapes[ctx.checked])]
    for level in np.unique(ctx.levels[rows]):
        same = rows[ctx.levels[rows] == level]
        for a, b in _interior_pairs(ctx, same):
            shared = _polygonal_part(shapely.intersection(ctx.shapes[a], ctx.shapes[b]))
            area = float(ctx.area_m2([shared])[0]) if shared is not None else 0.0
            if area > ctx.tolerance_m2:
                first, other = (a, b) if ctx.edited[a] or not ctx.edited[b] else (b, a)
                out.append(Problem("overlap", "error", ctx.codes[first], "plan.checks.overlap",
                                   {**ctx.unit(first), **ctx.unit(other, "other_"), **_area(area)}, shared))
    return out


def gaps(ctx: PlanContext) -> list[Problem]:
    """Parts of a parent covered by none of its children (error), one per gap.

    Where the parent covers its children's union, the gaps' total area is the parent's
    area minus the union's: at or below the tolerance, no gap can be reported and the
    difference is not computed.
    """
    out: list[Problem] = []
    unions = ctx.family_unions
    families = [int(p) for p in ctx.families if int(p) in unions]
    if not families:
        return out
    outlines = ctx.shapes[families]
    planar = shapely.area(outlines)
    metric = ctx.area_m2(outlines)
    for parent, outline, deg2, m2 in zip(families, outlines, planar, metric, strict=True):
        union, covered = unions[parent]
        if covered and deg2 > 0 and m2 > 0:
            missing_m2 = (float(deg2) - float(shapely.area(union))) * float(m2) / float(deg2)
            if missing_m2 <= ctx.tolerance_m2:
                continue
        left = shapely.difference(outline, union)
        pieces = [p for p in shapely.get_parts(left) if p.geom_type == "Polygon" and not p.is_empty]
        if not pieces:
            continue
        areas = ctx.area_m2(pieces)
        for piece, area in zip(pieces, areas, strict=True):
            if area > ctx.tolerance_m2:
                out.append(Problem("gap", "error", ctx.codes[parent], "plan.checks.gap",
                                   {**ctx.unit(parent), **_area(float(area))}, piece))
    return out


def outside_parent(ctx: PlanContext) -> list[Problem]:
    """Parts of a unit outside its parent (error). Families whose parent covers the
    union of its children are passed at once; the others' children are tested one by one."""
    rows = ctx.checked[(ctx.parent_rows[ctx.checked] >= 0) & ~shapely.is_empty(ctx.shapes[ctx.checked])]
    if len(rows) == 0:
        return []
    parents = ctx.parent_rows[rows]
    usable = ~shapely.is_empty(ctx.shapes[parents])
    rows, parents = rows[usable], parents[usable]
    unions = ctx.family_unions
    open_ = np.array([not (int(p) in unions and unions[int(p)][1]) for p in parents], dtype=bool)
    rows, parents = rows[open_], parents[open_]
    if len(rows) == 0:
        return []
    outlines = ctx.shapes[parents]
    shapely.prepare(outlines)  # a parent is tested against each of its children
    loose = ~shapely.covers(outlines, ctx.shapes[rows])
    out = []
    for row, parent in zip(rows[loose], parents[loose], strict=True):
        beyond = _polygonal_part(shapely.difference(ctx.shapes[row], ctx.shapes[parent]))
        area = float(ctx.area_m2([beyond])[0]) if beyond is not None else 0.0
        if area > ctx.tolerance_m2:
            out.append(Problem("outside_parent", "error", ctx.codes[row], "plan.checks.outside_parent",
                               {**ctx.unit(row), **ctx.unit(int(parent), "parent_"), **_area(area)}, beyond))
    return out


def non_contiguous(ctx: PlanContext) -> list[Problem]:
    """Units in more than one piece: an error for grids and micro-grids, else a warning."""
    rows = ctx.checked[ctx.valid[ctx.checked]]  # invalid ones are reported already
    rows = rows[shapely.get_num_geometries(ctx.shapes[rows]) > 1]
    out = []
    for row in rows:
        pieces = shapely.get_parts(ctx.shapes[row])
        areas = ctx.area_m2(pieces)
        keep = areas > ctx.tolerance_m2
        if keep.sum() < 2:
            continue
        pieces, areas = pieces[keep], areas[keep]
        others = shapely.multipolygons(list(np.delete(pieces, int(np.argmax(areas)))))
        severity: Severity = "error" if ctx.depths[row] in _DRAWN_LEVELS else "warning"
        out.append(Problem("non_contiguous", severity, ctx.codes[row], "plan.checks.non_contiguous",
                           {**ctx.unit(row), "parts": int(keep.sum())}, others))
    return out


def embedded(ctx: PlanContext) -> list[Problem]:
    """Units lying in a hole of a sibling (warning); see the module docstring."""
    rows = ctx.checked[~shapely.is_empty(ctx.shapes[ctx.checked])]
    holed = rows[shapely.get_num_interior_rings(ctx.shapes[rows]) > 0]
    # get_num_interior_rings is 0 for a MultiPolygon: look at its parts too.
    multi = rows[shapely.get_type_id(ctx.shapes[rows]) == int(shapely.GeometryType.MULTIPOLYGON)]
    holed = np.union1d(holed, [r for r in multi
                               if (shapely.get_num_interior_rings(shapely.get_parts(ctx.shapes[r])) > 0).any()])
    out = []
    for outer in holed.astype(np.intp):
        filled = _filled(ctx.shapes[outer])
        same = rows[(ctx.levels[rows] == ctx.levels[outer]) & (rows != outer)]
        inside = same[shapely.contains(filled, ctx.shapes[same])]
        for inner in inside:
            if not (ctx.edited[inner] or ctx.edited[outer]):
                continue
            if shapely.relate_pattern(ctx.shapes[inner], ctx.shapes[outer], "F********"):
                out.append(Problem("embedded", "warning", ctx.codes[inner], "plan.checks.embedded",
                                   {**ctx.unit(int(inner)), **ctx.unit(int(outer), "other_")}, ctx.shapes[inner]))
    return out


def slivers(ctx: PlanContext) -> list[Problem]:
    """Units smaller than the context's ``min_sliver_m2`` (warning)."""
    rows = ctx.checked[~shapely.is_empty(ctx.shapes[ctx.checked])]
    areas = ctx.area_m2(ctx.shapes[rows])
    small = areas < ctx.min_sliver_m2
    return [Problem("sliver", "warning", ctx.codes[row], "plan.checks.sliver",
                    {**ctx.unit(int(row)), **_area(float(area)), "min_area": f"{ctx.min_sliver_m2:g}"},
                    ctx.shapes[row])
            for row, area in zip(rows[small], areas[small], strict=True)]


# --------------------------------------------------------------------------- helpers


def _interior_pairs(ctx: PlanContext, rows: np.ndarray) -> list[tuple[int, int]]:
    """Pairs (a, b), a < b, of ``rows`` whose interiors intersect, one of them edited.

    Two polygons whose interiors intersect always give one of them an invalid
    coverage edge (an edge inside the other, or a duplicate ring), so
    ``coverage_invalid_edges`` -- the cost of ``coverage_is_valid`` -- picks the few
    suspects; only their intersecting pairs get the DE-9IM test.
    """
    shapes = ctx.shapes[rows]
    suspect = ctx.suspects[rows]
    if not suspect.any():
        return []
    tree = shapely.STRtree(shapes)
    src, hit = tree.query(shapes[suspect], predicate="intersects")
    a, b = rows[suspect][src], rows[hit]
    keep = (a != b) & (ctx.edited[a] | ctx.edited[b])
    a, b = a[keep], b[keep]
    inner = shapely.relate_pattern(ctx.shapes[a], ctx.shapes[b], "T********")
    return sorted({(int(min(x, y)), int(max(x, y))) for x, y in zip(a[inner], b[inner], strict=True)})


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _filled(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` with its holes filled."""
    parts = shapely.get_parts(geom)
    return shapely.union_all(shapely.polygons(shapely.get_exterior_ring(parts)))


def _area(area: float) -> dict[str, object]:
    """Area values for a message: ``area`` (text, m²) and ``area_m2`` (float)."""
    text = f"{area:,.0f}" if area >= 100 else f"{area:.1f}" if area >= 1 else f"{area:.2f}"
    return {"area": text, "area_m2": area}
