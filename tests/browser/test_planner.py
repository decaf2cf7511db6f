"""The planner's workbench in a real browser (issue 10): drag a shared vertex, split by a
line, publish, and see the result on the commander's map.

Leaflet.draw stacks one handle per unit on a shared vertex and only the top one moves;
the server must make the neighbour follow (gridmap.plan.edit.reshape). The test reads
the draft back from the store after each step, and checks the coverage itself.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
import shapely
from playwright.sync_api import Frame, Page, expect

from gridmap.access import Session, User
from gridmap.domain import code_prefix
from gridmap.plan import versions
from gridmap.store import open_store
from tests.harness import StreamlitServer, click_unit, find_map_frame, sign_in, wait_for_app, wait_map

pytestmark = pytest.mark.browser

MAP_TIMEOUT_S = 90

# A WGS84 point's position in the map's container (the container's page box added by the caller).
CONTAINER_POINT_JS = """([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);
  return {x: p.x, y: p.y} }"""
# Resolves once the map's centre and zoom have stayed the same for 300 ms.
SETTLED_JS = """() => new Promise(resolve => { let last = null;
  const tick = () => { const v = JSON.stringify([window.map.getCenter(), window.map.getZoom()]);
    if (v === last) { resolve(true); return; } last = v; setTimeout(tick, 300); }; tick(); })"""
CODES_JS = """() => (window.drawnItems && window.drawnItems.getLayers ? window.drawnItems.getLayers() : [])
  .map(l => l.feature && l.feature.properties ? l.feature.properties.code : null).filter(c => c)"""


@pytest.fixture
def planner_store(demo_copy_url: str) -> str:
    return demo_copy_url


def _session(db_url: str, username: str = "planner") -> Session:
    store = open_store(db_url)
    row = store.account(username)
    assert row is not None
    return Session(store, User.from_row(row))


def _draft(db_url: str) -> int:
    plans = versions.list_plans(_session(db_url))
    drafts = plans[plans["status"] == "draft"]
    assert len(drafts) == 1, plans
    return int(drafts["version"].iloc[0])


def _shared_inner_vertex(plan, grid: str) -> tuple[str, str, tuple[float, float]]:
    """Two micro-grids of ``grid`` and a vertex they share that is not on the grid's outline."""
    micro = plan[plan["parent_code"] == grid]
    outline = plan[plan["code"] == grid].geometry.iloc[0].boundary
    rows = list(micro.itertuples())
    for i, a in enumerate(rows):
        ca = {tuple(round(v, 6) for v in c) for c in shapely.get_coordinates(a.geometry)}
        for b in rows[i + 1:]:
            for c in shapely.get_coordinates(b.geometry):
                key = (round(c[0], 6), round(c[1], 6))
                if key in ca and outline.distance(shapely.Point(key)) > 1e-5:
                    return a.code, b.code, key
    raise AssertionError(f"no inner shared vertex in grid {grid}")


def _busy_grid(plan) -> str:
    micro = plan[plan["level"] == "micro"]
    counts = micro.groupby("parent_code").size()
    return str(counts[counts >= 4].index[0])


def _chord(unit: shapely.Geometry) -> list[tuple[float, float]]:
    """Two points just outside ``unit`` on either side of a horizontal chord through it."""
    mid = unit.representative_point()
    minx, _, maxx, _ = unit.bounds
    across = shapely.LineString([(minx - 1, mid.y), (maxx + 1, mid.y)]).intersection(unit)
    parts = list(getattr(across, "geoms", [across]))
    chord = next(p for p in parts if p.distance(mid) < 1e-9)
    (x0, y0), (x1, y1) = chord.coords[0], chord.coords[-1]
    reach = (x1 - x0) * 0.12
    return [(min(x0, x1) - abs(reach), y0), (max(x0, x1) + abs(reach), y1)]


def _page_point(page: Page, frame: Frame, lat: float, lng: float) -> tuple[float, float]:
    """Page coordinates of a WGS84 point on the map in ``frame`` (scrolled into view)."""
    container = frame.locator(".leaflet-container").first
    container.scroll_into_view_if_needed()
    box = container.bounding_box()
    assert box is not None
    p = frame.evaluate(CONTAINER_POINT_JS, [lat, lng])
    return box["x"] + p["x"], box["y"] + p["y"]


def _editable_codes(page: Page, want: list[str], timeout_s: float = MAP_TIMEOUT_S) -> list[str]:
    """The codes of the editable shapes once they are ``want`` (or what is drawn at the timeout)."""
    deadline = time.monotonic() + timeout_s
    got: list[str] = []
    while time.monotonic() < deadline:
        frame = find_map_frame(page)
        try:
            got = sorted(frame.evaluate(CODES_JS)) if frame is not None else []
        except Exception:  # the frame was replaced while we asked
            got = []
        if got == want:
            break
        page.wait_for_timeout(200)
    return got


# The codes of the units drawn with the given prefix and code length, once there are any.
CHILDREN_JS = """([prefix, len]) => { try { const c = [];
  window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.code && l.getLatLngs && p.code.length === len && p.code.startsWith(prefix)) c.push(p.code) });
  return c.length ? c : false } catch (e) { return false } }"""


def _drawn_children(page: Page, prefix: str, length: int) -> list[str]:
    """The commander map's units one level down, once it draws them (the frame may be replaced)."""
    deadline = time.monotonic() + MAP_TIMEOUT_S
    while time.monotonic() < deadline:
        frame = find_map_frame(page)
        try:
            got = frame.evaluate(CHILDREN_JS, [prefix, length]) if frame is not None else False
        except Exception:
            got = False
        if got:
            page.wait_for_timeout(500)  # let the redraw finish, then read again
            frame = find_map_frame(page)
            return list(frame.evaluate(CHILDREN_JS, [prefix, length]) or []) if frame is not None else []
        page.wait_for_timeout(200)
    raise AssertionError(f"the command map drew no units {prefix}* of length {length}")


def _pick_unit(page: Page, code: str) -> None:
    box = page.get_by_label("编辑哪个单元的下级")
    box.click()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    wait_for_app(page)


def _wait_message(page: Page, text: str) -> None:
    try:
        expect(page.get_by_text(text).first).to_be_visible(timeout=MAP_TIMEOUT_S * 1000)
    except AssertionError:
        errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
        raise AssertionError(f"no message with {text!r}; errors on the page: {errors}") from None


def test_planner_drags_a_shared_vertex_splits_publishes_and_the_commander_sees_it(
        page: Page, planner_store: str, streamlit_server: Callable[[str], StreamlitServer],
        offsite_requests: list[str]) -> None:
    url = streamlit_server(planner_store).base_url
    sign_in(page, url, "planner", "demo-planner-2026", expect_heading="网格规划")
    page.get_by_label("新草案名称").fill("浏览器测试")
    page.get_by_role("button", name="新建草案").click()
    _wait_message(page, "已新建草案")
    version = _draft(planner_store)
    session = _session(planner_store)
    plan = versions.load_plan(session, version)
    grid = _busy_grid(plan)
    a, b, vertex = _shared_inner_vertex(plan, grid)
    _pick_unit(page, grid)
    frame, n = wait_map(page, {"prefix": grid}, MAP_TIMEOUT_S)
    assert n == int((plan["parent_code"] == grid).sum())

    # 1. drag the vertex A and B share: whichever handle is on top moves, both must follow
    frame.locator("a.leaflet-draw-edit-edit").click()
    x, y = _page_point(page, frame, vertex[1], vertex[0])
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 12, y + 9, steps=6)
    page.mouse.up()
    frame.get_by_text("保存", exact=True).click()
    _wait_message(page, "调整了")
    after = versions.load_plan(_session(planner_store), version)
    for code in (a, b):
        old = plan[plan["code"] == code].geometry.iloc[0]
        new = after[after["code"] == code].geometry.iloc[0]
        assert not old.equals(new), f"{code} did not follow the dragged vertex"
    micro_after = list(after[after["parent_code"] == grid].geometry)
    grid_before = plan[plan["code"] == grid].geometry.iloc[0]
    grid_after = after[after["code"] == grid].geometry.iloc[0]
    assert shapely.coverage_is_valid(micro_after)
    # the grid did not move (the repair may node its outline: ~1 m² = 1e-10 square degrees here)
    assert shapely.symmetric_difference(grid_before, grid_after).area < 1e-10
    assert shapely.symmetric_difference(shapely.union_all(micro_after), grid_after).area < 1e-12  # no gap
    assert abs(sum(g.area for g in micro_after) - grid_after.area) < 1e-12  # no overlap

    # 2. split a micro-grid by a line drawn across it (once the redrawn map has settled)
    wait_for_app(page, quiet_ms=1500)
    frame, _ = wait_map(page, {"prefix": grid}, MAP_TIMEOUT_S)
    frame.evaluate(SETTLED_JS)
    rows_before = page.get_by_test_id("stDataFrame").count()
    view = frame.evaluate("() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(), "
                          "b.getEast(), b.getNorth()] }")
    shown = shapely.box(*view).buffer(-(view[2] - view[0]) * 0.1)
    inside = after[(after["parent_code"] == grid) & after.geometry.within(shown)]
    assert len(inside), "no micro-grid of the grid lies wholly in the map's view"
    target = inside.loc[inside.geometry.area.idxmax()]
    start, end = (_page_point(page, frame, lat, lng) for lng, lat in _chord(target.geometry))
    frame.locator("a.leaflet-draw-draw-polyline").click()
    for x, y in (start, end):  # Leaflet.draw takes a vertex on mouse-up after a move to it
        page.mouse.move(x - 3, y - 3)
        page.mouse.move(x, y, steps=3)
        page.mouse.down()
        page.wait_for_timeout(60)
        page.mouse.up()
        page.wait_for_timeout(150)
    frame.get_by_text("完成", exact=True).click()
    _wait_message(page, "块")  # 把…分成了2块
    split = versions.load_plan(_session(planner_store), version)
    assert int((split["parent_code"] == grid).sum()) == int((after["parent_code"] == grid).sum()) + 1
    want = sorted(split[split["parent_code"] == grid]["code"])
    assert _editable_codes(page, want) == want  # the map was redrawn with the new micro-grid
    assert page.get_by_test_id("stDataFrame").count() >= rows_before

    # 3. publish now
    page.get_by_role("tab", name="发布").click()
    page.get_by_role("button", name="发布方案").click()
    _wait_message(page, "已发布")
    assert _session(planner_store).current_plan() == version

    # 4. the commander's map shows the new micro-grids of that grid
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        cmd = context.new_page()
        sign_in(cmd, url, "commander", "demo-commander-2026", expect_heading="指挥一张图")
        frame, _ = wait_map(cmd, None, MAP_TIMEOUT_S)
        levels = ((grid[:9] + "000", "town", 12), (grid[:12], "village", 14), (grid, "grid", 17))
        drawn: list[str] = []
        for level_code, level, child_len in levels:
            frame.evaluate(SETTLED_JS)  # the map has moved to the selection: click where the unit is now
            click_unit(cmd, frame, level_code)
            drawn = _drawn_children(cmd, code_prefix(level_code, level), child_len)
            frame, _ = wait_map(cmd, None, MAP_TIMEOUT_S)
        assert sorted(drawn) == want  # the new micro-grid, with the new boundaries
    finally:
        context.close()
    assert not offsite_requests


def _unit_with_a_neighbour(plan):  # type: ignore[no-untyped-def]
    """A unit with units inside it and its touching siblings that have units inside too
    (grids first, then villages)."""
    has_units = set(plan["parent_code"].dropna())
    for level in ("grid", "village", "town"):
        for row in plan[(plan["level"] == level) & plan["code"].isin(has_units)].sort_values("code").itertuples():
            siblings = plan[(plan["parent_code"] == row.parent_code) & (plan["code"] != row.code)
                            & plan["code"].isin(has_units)]
            siblings = siblings[siblings.geometry.intersects(row.geometry.buffer(1e-6))]
            if len(siblings):
                return str(row.code), plan[plan["code"] == row.code].iloc[0], siblings
    raise AssertionError("no unit with a neighbour that has units inside")


def test_planner_picks_a_neighbour_by_clicking_it_on_the_map(
        page: Page, planner_store: str, streamlit_server: Callable[[str], StreamlitServer],
        offsite_requests: list[str]) -> None:
    url = streamlit_server(planner_store).base_url
    sign_in(page, url, "planner", "demo-planner-2026", expect_heading="网格规划")
    page.get_by_label("新草案名称").fill("点选测试")
    page.get_by_role("button", name="新建草案").click()
    _wait_message(page, "已新建草案")
    plan = versions.load_plan(_session(planner_store), _draft(planner_store))
    grid, row, siblings = _unit_with_a_neighbour(plan)
    _pick_unit(page, grid)
    frame, _ = wait_map(page, {"prefix": grid}, MAP_TIMEOUT_S)
    frame.evaluate(SETTLED_JS)
    view = frame.evaluate("() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(), "
                          "b.getEast(), b.getNorth()] }")
    shown = shapely.box(*view).buffer(-(view[2] - view[0]) * 0.05)
    target, spot = None, None
    for other in siblings.itertuples():
        free = other.geometry.intersection(shown).difference(row.geometry.buffer(2e-5))
        if free.area > 0:
            target, spot = str(other.code), free.representative_point()
            break
    assert target is not None and spot is not None, "no neighbour is in the map's view"

    # A click while a draw tool is active is drawing, not picking: nothing happens.
    frame.locator("a.leaflet-draw-edit-edit").click()
    x, y = _page_point(page, frame, spot.y, spot.x)
    page.mouse.click(x, y)
    page.wait_for_timeout(1200)
    mine = sorted(plan[plan["parent_code"] == grid]["code"])
    assert _editable_codes(page, mine, timeout_s=2) == mine
    assert not page.get_by_text("已切换到").count()
    frame.locator("a:visible", has_text="取消").first.click()  # leave edit mode

    # A click on the neighbour picks it: its micro-grids become the editable shapes.
    x, y = _page_point(page, frame, spot.y, spot.x)
    page.mouse.click(x, y)
    _wait_message(page, "已切换到")
    want = sorted(plan[plan["parent_code"] == target]["code"])
    assert _editable_codes(page, want) == want
    name = plan.loc[plan["code"] == target, "name"].iloc[0]
    expect(page.get_by_role("combobox", name="编辑哪个单元的下级")).to_have_value(
        re.compile(rf"^{re.escape(name)}（.* {target}）$"), timeout=10_000)
    assert not offsite_requests


# The household cells drawn on the cells map: [{cell, micro, picked}], once there are any.
CELLS_JS = """() => { try { const c = [];
  window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.cell && l.getLatLngs) c.push({cell: p.cell, micro: p.micro, picked: !!p.picked}) });
  return c.length ? c : false } catch (e) { return false } }"""


def _cells_drawn(page: Page, picked: set[str] | None = None) -> tuple[Frame, list[dict]]:
    """The cells map's frame and cells, once drawn (and, given ``picked``, with exactly those picked)."""
    deadline = time.monotonic() + MAP_TIMEOUT_S
    while time.monotonic() < deadline:
        frame = find_map_frame(page)
        try:
            got = frame.evaluate(CELLS_JS) if frame is not None else False
        except Exception:
            got = False
        if got and (picked is None or {c["cell"] for c in got if c["picked"]} == picked):
            return frame, got  # type: ignore[return-value]
        page.wait_for_timeout(200)
    raise AssertionError(f"the cells map did not show the cells (picked: {picked})")


def test_planner_moves_households_by_clicking_their_cell(
        page: Page, planner_store: str, streamlit_server: Callable[[str], StreamlitServer],
        offsite_requests: list[str]) -> None:
    from gridmap.plan import cells as plan_cells

    url = streamlit_server(planner_store).base_url
    sign_in(page, url, "planner", "demo-planner-2026", expect_heading="网格规划")
    page.get_by_label("新草案名称").fill("按户调整测试")
    page.get_by_role("button", name="新建草案").click()
    _wait_message(page, "已新建草案")
    version = _draft(planner_store)
    session = _session(planner_store)
    plan = versions.load_plan(session, version)
    grid = _busy_grid(plan)
    parent = plan[plan["code"] == grid]
    points = session.read("households", bbox=tuple(parent.total_bounds), columns=["id", "residents", "geometry"])
    cells = plan_cells.cells_for(plan, grid, points)
    children = plan[plan["parent_code"] == grid]
    _pick_unit(page, grid)
    wait_map(page, {"prefix": grid}, MAP_TIMEOUT_S)
    page.get_by_text("按户调整", exact=True).click()
    wait_for_app(page)
    frame, drawn = _cells_drawn(page)
    assert sorted(c["cell"] for c in drawn) == sorted(cells["cell_id"])  # the page built the same cells
    frame.evaluate(SETTLED_JS)
    view = frame.evaluate("() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(), "
                          "b.getEast(), b.getNorth()] }")
    shown = shapely.box(*view).buffer(-(view[2] - view[0]) * 0.05)
    chosen = None
    for row in cells[(cells["households"] > 0)].itertuples():
        targets = plan_cells.neighbours_of(cells, [row.cell_id], children)
        spot = row.geometry.buffer(-1e-5)
        if targets and not spot.is_empty and spot.within(shown):
            chosen = (row.cell_id, row.household_ids, targets[0], spot.representative_point())
            break
    assert chosen is not None, "no cell with households next to another micro-grid in view"
    cell, household_ids, target, spot = chosen

    page.mouse.click(*_page_point(page, frame, spot.y, spot.x))
    _cells_drawn(page, picked={cell})  # the map came back with the cell picked
    _wait_message(page, "已选中")
    page.get_by_role("button", name="移过去").click()
    _wait_message(page, "户调到微网格")
    after = versions.load_plan(_session(planner_store), version)
    receiver = after[after["code"] == target].geometry.iloc[0]
    moved = points[points["id"].astype(str).isin(household_ids)]
    assert len(moved) and bool(shapely.contains(receiver, moved.geometry.to_numpy()).all())
    kids = after[after["parent_code"] == grid].geometry.to_numpy()
    assert shapely.coverage_is_valid(kids)
    assert shapely.symmetric_difference(shapely.union_all(kids), after[after["code"] == grid].geometry.iloc[0]).area \
        < 1e-12
    _cells_drawn(page, picked=set())  # a new map of the new cells, nothing picked
    assert not offsite_requests
