"""The planner's workbench in a real browser (issue 10): drag a shared vertex, split by a
line, publish, and see the result on the commander's map.

Leaflet.draw stacks one handle per unit on a shared vertex and only the top one moves;
the server must make the neighbour follow (gridmap.plan.edit.reshape). The test reads
the draft back from the store after each step, and checks the coverage itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import Frame, Page, expect

from gridmap.access import Session, User
from gridmap.plan import versions
from gridmap.store import open_store
from tests.harness import MAP_IFRAME, StreamlitServer, click_unit, sign_in, wait_for_app, wait_map

pytestmark = pytest.mark.browser

MAP_TIMEOUT_S = 90

# The page position of a WGS84 point on the map (iframe offset added by the caller).
POINT_JS = """([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);
  const r = window.map.getContainer().getBoundingClientRect(); return {x: r.left + p.x, y: r.top + p.y} }"""
CODES_JS = """() => (window.drawnItems && window.drawnItems.getLayers ? window.drawnItems.getLayers() : [])
  .map(l => l.feature && l.feature.properties ? l.feature.properties.code : null).filter(c => c)"""


@pytest.fixture
def planner_store(demo_db_url: str, tmp_path: Path) -> str:
    source = demo_db_url.removeprefix("sqlite:///")
    target = tmp_path / "planner.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


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


def _page_point(page: Page, frame: Frame, lat: float, lng: float) -> tuple[float, float]:
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    p = frame.evaluate(POINT_JS, [lat, lng])
    return box["x"] + p["x"], box["y"] + p["y"]


def _pick_unit(page: Page, code: str) -> None:
    box = page.get_by_label("编辑哪个单元的下级")
    box.click()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    wait_for_app(page)


def _wait_message(page: Page, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible(timeout=MAP_TIMEOUT_S * 1000)


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
    micro_before = plan[plan["parent_code"] == grid].geometry
    micro_after = after[after["parent_code"] == grid].geometry
    assert shapely.coverage_is_valid(list(micro_after))
    assert abs(shapely.union_all(list(micro_after)).area - shapely.union_all(list(micro_before)).area) < 1e-12
    assert abs(sum(g.area for g in micro_after) - sum(g.area for g in micro_before)) < 1e-12  # no overlap

    # 2. split a micro-grid by a line drawn across it
    frame, _ = wait_map(page, {"prefix": grid}, MAP_TIMEOUT_S)
    rows_before = page.get_by_test_id("stDataFrame").count()
    target = after[after["parent_code"] == grid].sort_values("code").iloc[0]
    minx, _, maxx, _ = target.geometry.bounds
    mid = target.geometry.representative_point()
    start = _page_point(page, frame, mid.y, minx - (maxx - minx) * 0.05)
    end = _page_point(page, frame, mid.y, maxx + (maxx - minx) * 0.05)
    frame.locator("a.leaflet-draw-draw-polyline").click()
    page.mouse.click(*start)
    page.mouse.click(*end)
    frame.get_by_text("完成", exact=True).click()
    _wait_message(page, "拆分")
    split = versions.load_plan(_session(planner_store), version)
    assert int((split["parent_code"] == grid).sum()) == int((after["parent_code"] == grid).sum()) + 1
    frame, _ = wait_map(page, {"prefix": grid}, MAP_TIMEOUT_S)
    assert sorted(frame.evaluate(CODES_JS)) == sorted(split[split["parent_code"] == grid]["code"])
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
        for level_code in (grid[:9] + "000", grid[:12], grid):
            click_unit(cmd, frame, level_code)
            frame, _ = wait_map(cmd, {"prefix": level_code, "exclude": level_code}, MAP_TIMEOUT_S)
        drawn = set(frame.evaluate("""() => { const c = []; window.map.eachLayer(l => {
            if (l.feature && l.feature.properties && l.feature.properties.code && l.getLatLngs)
                c.push(l.feature.properties.code) }); return c }"""))
        assert drawn == set(split[split["parent_code"] == grid]["code"])
    finally:
        context.close()
    assert not offsite_requests
