"""Regression (issue 10, found by tests/browser/test_planner.py): dragging one shared vertex
of a demo micro-grid left 20 errors -- overlaps of up to 7 m² with micro-grids of the next
village, gaps and parts outside the grid.

The demo's (and any imported) boundaries carry 15 decimals; the edit's noding works on the
1e-6 degree grid Leaflet returns, so the edited units moved onto that grid while their
untouched neighbours did not. A draft is now created on that grid (``create_draft``
snaps its copy), so every vertex an edited unit shares with a neighbour stays shared.
Both backends: the small demo is loaded into each.
"""

from __future__ import annotations

import shapely

from gridmap.access import Session, User
from gridmap.demo.load import load_demo
from gridmap.domain import Role
from gridmap.plan import edit, versions
from gridmap.plan.checks import validate
from gridmap.plan.context import PlanContext
from gridmap.store import Store

GRID = "33032710300101"


def _shared_vertex(plan) -> tuple[str, tuple[float, float]]:
    micro = plan[plan["parent_code"] == GRID]
    outline = plan[plan["code"] == GRID].geometry.iloc[0].boundary
    first = micro.iloc[0]
    mine = {tuple(c) for c in shapely.get_coordinates(first.geometry)}
    for other in micro.iloc[1:].itertuples():
        for c in shapely.get_coordinates(other.geometry):
            if tuple(c) in mine and outline.distance(shapely.Point(c)) > 1e-5:
                return str(first["code"]), (float(c[0]), float(c[1]))
    raise AssertionError("no shared inner vertex")


def test_dragging_a_shared_vertex_of_a_demo_draft_keeps_the_coverage(store: Store) -> None:
    load_demo(store, "small")
    county = store.counties()[0]
    planner = Session(store, User(username="planner", role=Role.PLANNER, unit_code=f"{county}000000"))
    draft = versions.create_draft(planner, "拖动顶点")
    plan = versions.load_plan(planner, draft.version)
    code, vertex = _shared_vertex(plan)
    polygon = plan[plan["code"] == code].geometry.iloc[0].geoms[0]
    moved = shapely.Polygon([(x + 0.0002, y - 0.00015) if (x, y) == vertex else (x, y)
                             for x, y in polygon.exterior.coords])
    result = edit.reshape(plan, code, moved)
    versions.save_draft(planner, draft.version, result.plan, changed=set(result.changed) | set(result.added),
                        removed=set(result.removed), expected_revision=draft.revision)
    saved = versions.load_plan(planner, draft.version)
    errors = [p for p in validate(PlanContext(plan=saved, parent_code=GRID)) if p.severity == "error"]
    assert errors == [], [p.text("zh") for p in errors[:5]]
    micro = saved[saved["parent_code"] == GRID].geometry
    assert shapely.coverage_is_valid(list(micro))
