"""The inspector's hazard page in a real browser (issue 11): filters from the address, the hot
spot view with a planted hot spot highlighted, a hazard recorded by clicking the map, and
a route exported as GPX and CSV.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import shapely
from playwright.sync_api import Page, expect

from gridmap.access import Session
from gridmap.command import data_now
from gridmap.hazards import parse_query, select
from gridmap.store import open_store
from tests.harness import StreamlitServer, find_map_frame, wait_for_app

pytestmark = pytest.mark.browser

TIMEOUT_S = 90
HOT_COLOURS = ["#D62F27", "#ED7551", "#FAB984"]
# True once a polygon filled with a hot colour contains one of the given [lat, lng] points.
HOT_AT_JS = """([points, colours]) => { try {
  let hit = false;
  window.map.eachLayer(l => { if (hit || !l.feature || !l.getBounds || !l.options) return;
    if (!colours.includes(String(l.options.fillColor).toUpperCase())) return;
    const b = l.getBounds(); if (points.some(p => b.contains(p))) hit = true; });
  return hit } catch (e) { return false } }"""
# True once the map draws the route (a polyline and numbered stops).
ROUTE_JS = """() => { try { let line = false, stops = 0;
  window.map.eachLayer(l => { if (l instanceof L.Polyline && !(l instanceof L.Polygon) && !l.feature) line = true;
    if (l.options && l.options.icon && String(l.options.icon.options.html || '').includes('font-weight:700')) stops++; });
  return line && stops >= 2 } catch (e) { return false } }"""
CONTAINER_POINT_JS = """([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);
  return {x: p.x, y: p.y} }"""


def _session(url: str, name: str) -> Session:
    from gridmap import auth

    store = open_store(url)
    user = auth.current_user(store, name)
    assert user is not None
    return Session(store, user)


def _poll(page: Page, js: str, arg: object, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        frame = find_map_frame(page)
        try:
            if frame is not None and frame.evaluate(js, arg):
                return
        except Exception:  # the frame was replaced while we asked
            pass
        page.wait_for_timeout(250)
    raise AssertionError(f"the map never showed {what}")


def test_inspector_shares_a_view_finds_the_hot_spot_records_a_hazard_and_leaves_with_a_route(
        page: Page, demo_copy_url: str, streamlit_server: Callable[[str], StreamlitServer],
        offsite_requests: list[str], tmp_path: Path) -> None:
    # this server pays the numba compilation in the background, as a real one does
    base = streamlit_server(demo_copy_url, {"GRIDMAP_HOTSPOTS_WARM": "1"}).base_url
    session = _session(demo_copy_url, "inspector")
    now = data_now(session)
    inspections = session.read("inspections")
    # the demo's strongest planted hot spot: its hazard type (and another) over its period
    planted = session.read("planted_hotspots").sort_values("extra_points", ascending=False)
    spot = planted.iloc[0]
    first, last = spot["start"], min(spot["end"], now.date())
    period = f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
    query = f"type={spot['hazard_type']},gas&severity=high,medium,low&period={period}"
    expected = int(select(inspections, parse_query(parse_qs(query), today=now.date()).filters, now).sum())

    # a colleague's link, opened signed out: the sign-in form, then the page with its filters
    page.goto(f"{base}/hazards?{query}")
    wait_for_app(page)
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill("demo-inspector-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="隐患排查一张图").wait_for()
    wait_for_app(page)
    # the address's filters are the page's filters
    expect(page.get_by_test_id("stMultiSelect").first).to_contain_text("燃气")
    expect(page.get_by_label("开始日期（年-月-日）")).to_have_value(f"{first:%Y-%m-%d}")
    expect(page.get_by_label("结束日期（年-月-日）")).to_have_value(f"{last:%Y-%m-%d}")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(f"{expected:,}")
    # the address keeps the filters (codes sorted, the default period left out)
    types = ",".join(sorted([str(spot["hazard_type"]), "gas"]))
    assert parse_qs(urlparse(page.url).query) == {"type": [types], "severity": ["high,low,medium"],
                                                  "period": [period]}
    share = page.get_by_test_id("stCode").first.inner_text()
    assert "/hazards?" in share and f"period={period.replace('..', '..')}" in share.replace("%2E", ".")

    # the hot spot view: Gi* bins, and a planted hot spot lies in a hot unit
    page.get_by_test_id("stRadio").locator("label").filter(has_text="热点分析").click()
    page.wait_for_function("() => location.search.includes('view=hotspots')", timeout=TIMEOUT_S * 1000)
    expect(page.get_by_text("Getis-Ord Gi*").first).to_be_visible(timeout=TIMEOUT_S * 1000)
    points = [[float(spot.geometry.y), float(spot.geometry.x)]]
    _poll(page, HOT_AT_JS, [points, HOT_COLOURS], "the planted hot spot inside a hot unit")
    assert parse_qs(urlparse(page.url).query)["view"] == ["hotspots"]

    # record a hazard by clicking the map inside a micro-grid
    micro = session.read("units", where={"level": "micro", "plan_version": session.current_plan()})
    target = micro.geometry.iloc[len(micro) // 2].representative_point()
    frame = find_map_frame(page)
    assert frame is not None
    container = frame.locator(".leaflet-container").first
    container.scroll_into_view_if_needed()
    box = container.bounding_box()
    assert box is not None
    spot = frame.evaluate(CONTAINER_POINT_JS, [target.y, target.x])
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    expect(page.get_by_text("位置：经度").first).to_be_visible(timeout=TIMEOUT_S * 1000)
    wait_for_app(page)
    types = page.get_by_label("隐患类型（可多选）")
    types.click()
    page.keyboard.type("燃气")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_label("地址（选填）").fill("灵溪镇测试路 1 号")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("已登记隐患").first).to_be_visible(timeout=TIMEOUT_S * 1000)
    after = _session(demo_copy_url, "inspector").read("inspections")
    new = after[~after["id"].isin(inspections["id"])]
    assert len(new) == 1
    row = new.iloc[0]
    assert list(row["hazard_types"]) == ["gas"] and row["address"] == "灵溪镇测试路 1 号"
    assert row.geometry.distance(shapely.Point(target.x, target.y)) < 2e-4  # the clicked spot (~20 m)
    assert row["deadline"] - row["found_at"] == dt.timedelta(days=3)  # medium, the form's default

    # a route of the open hazards of the filter, exported as GPX and CSV
    page.get_by_role("tab", name="巡查路线").click()
    page.get_by_role("button", name="生成巡查路线").click()
    expect(page.get_by_text("路线共").first).to_be_attached(timeout=TIMEOUT_S * 1000)
    wait_for_app(page)
    page.get_by_role("tab", name="巡查路线").click()  # still the open tab, or open it again
    expect(page.get_by_text("路线共").first).to_be_visible()
    _poll(page, ROUTE_JS, None, "the route's numbered stops")
    with page.expect_download() as gpx_download:
        page.get_by_role("button", name="下载路线 GPX").click()
    gpx = Path(gpx_download.value.path()).read_text(encoding="utf-8")
    assert gpx.lstrip().startswith("<?xml") and "<gpx" in gpx and gpx.count("<rtept") + gpx.count("<wpt") >= 2
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="下载路线 CSV").click()
    csv = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert len(csv.strip().splitlines()) >= 3  # a header and at least two stops
    assert offsite_requests == []
