"""The command map (指挥一张图) in a real browser, on the small demo county.

What a commander does: sign in, see the units and points, click a unit to drill down
(the KPIs change), leave the screen running (the live refresh keeps their zoom and the
map is never remounted; new reports are ringed), and, with Gaode tiles, see the units
drawn at their GCJ-02 positions. The offline configuration never requests anything
from another host.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from playwright.sync_api import Frame, Page, expect

from gridmap.domain import Scope
from gridmap.spatial.crs import wgs84_to_gcj02
from gridmap.store import open_store
from tests.harness import StreamlitServer, click_unit, sign_in

pytestmark = pytest.mark.browser

COMMANDER = ("commander", "demo-commander-2026")
MAP_READY_TIMEOUT_S = 60

_UNIT_CODES_JS = """() => { const out = [];
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.code
                                  && l.getLatLngs) out.push(l.feature.properties.code) });
  return out.sort() }"""

_POINTS_JS = """() => { let n = 0;
  window.map.eachLayer(l => { if ((l instanceof L.Marker || l instanceof L.CircleMarker)) n++ });
  return n }"""

def map_frame(page: Page) -> Frame:
    """The st_folium iframe, once its Leaflet map has drawn unit polygons."""
    deadline = time.monotonic() + MAP_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                try:
                    if frame.evaluate("() => !!window.map && window.map instanceof L.Map") and \
                            frame.evaluate(_UNIT_CODES_JS):
                        return frame
                except Exception:  # the frame is still loading
                    pass
        time.sleep(0.25)
    raise AssertionError("the command map did not draw any unit within 60 s")


def metric(page: Page, name: str) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=name)
    return card.get_by_test_id("stMetricValue").inner_text()


def open_command_map(page: Page, base_url: str) -> Frame:
    sign_in(page, base_url, *COMMANDER, expect_heading="指挥一张图")
    return map_frame(page)


def test_map_draws_units_and_points_offline(page: Page, demo_app_url: str, offsite_requests: list[str]) -> None:
    frame = open_command_map(page, demo_app_url)
    codes = frame.evaluate(_UNIT_CODES_JS)
    assert codes == ["330327103000"]  # the small demo's one town, at county view
    assert frame.evaluate(_POINTS_JS) > 20, "open issues, hazards and stations are drawn"
    expect(page.get_by_text("本视图发送到浏览器")).to_be_visible()
    assert offsite_requests == []


def test_clicking_a_unit_drills_down_and_the_kpis_change(page: Page, demo_app_url: str,
                                                         offsite_requests: list[str]) -> None:
    frame = open_command_map(page, demo_app_url)
    county_households = metric(page, "覆盖户数")
    click_unit(page, frame, "330327103000")
    expect(page.get_by_role("button", name="宜山镇", exact=True)).to_be_visible()
    deadline = time.monotonic() + MAP_READY_TIMEOUT_S
    villages: list[str] = []
    while time.monotonic() < deadline and len(villages) < 2:
        villages = map_frame(page).evaluate(_UNIT_CODES_JS)
        time.sleep(0.25)
    assert len(villages) > 10 and all(c.startswith("330327103") and len(c) == 12 for c in villages)
    frame = map_frame(page)
    village = villages[len(villages) // 2]
    click_unit(page, frame, village)
    expect(page.get_by_role("button", name="宜山镇 ›")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="覆盖户数").get_by_test_id("stMetricValue")) \
        .not_to_have_text(county_households)
    # The breadcrumb goes back up to the county.
    page.get_by_role("button", name="苍南县 ›").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="覆盖户数").get_by_test_id("stMetricValue")) \
        .to_have_text(county_households)
    assert offsite_requests == []


@pytest.fixture
def live_store(demo_db_url: str, tmp_path: Path) -> str:
    """A copy of the demo store the live test may write to."""
    src = Path(demo_db_url.removeprefix("sqlite:///"))
    dst = tmp_path / "live.db"
    shutil.copy(src, dst)
    return f"sqlite:///{dst}"


def test_live_refresh_keeps_zoom_never_remounts_and_rings_new_reports(
        page: Page, streamlit_server: Callable[..., StreamlitServer], live_store: str,
        offsite_requests: list[str]) -> None:
    base = streamlit_server(live_store, {"GRIDMAP_LIVE_SECONDS": "2"}).base_url
    frame = open_command_map(page, base)
    frame.evaluate("() => { window.__gmMark = 'first-mount'; return null }")
    zoom_before = frame.evaluate("() => window.map.getZoom()")
    frame.locator(".leaflet-control-zoom-out").click()  # the user's own view, wider than the page's
    frame.wait_for_function(f"() => window.map.getZoom() === {zoom_before - 1}")
    page.wait_for_timeout(1000)  # let the zoom animation finish
    frame.evaluate("() => { window.map.panBy([60, 40], {animate: false}); return null }")
    page.wait_for_timeout(300)
    center = frame.evaluate("() => window.map.getCenter()")

    # A new report arrives while the screen is open.
    with open_store(live_store) as store:
        scope = Scope.county("330327")
        as_of = dt.datetime.fromisoformat(str(store.get_meta("330327", "as_of")))
        micro = store.read("units", scope, where={"level": "micro"}, columns=["code", "parent_code", "geometry"],
                           limit=1)
        code = str(micro["code"].iloc[0])
        spot = micro.geometry.iloc[0].representative_point()
        with store.transaction("hotline", scope) as tx:
            tx.insert("issues", gpd.GeoDataFrame([{
                "id": f"live-{uuid.uuid4().hex[:8]}", "category": "sanitation", "status": "reported",
                "description": "新上报：路边垃圾", "reported_at": as_of - dt.timedelta(minutes=5),
                "deadline": as_of + dt.timedelta(hours=24), "town_code": code[:9] + "000",
                "village_code": code[:12], "grid_code": code[:14], "micro_code": code, "outside": False,
            }], geometry=[spot], crs="EPSG:4326"))

    caption = page.get_by_text(re.compile("上次刷新"))
    first = caption.inner_text()
    expect(caption).not_to_have_text(first, timeout=15_000)
    rings = "() => { let n = 0; window.map.eachLayer(l => { if (l instanceof L.Marker && l.options.icon && (l.options.icon.options.className || '').includes('gm-new-icon')) n++ }); return n }"
    frame.wait_for_function(f"() => ({rings})() > 0", timeout=20_000)
    second = caption.inner_text()
    expect(caption).not_to_have_text(second, timeout=15_000)  # at least two ticks went by

    assert frame.evaluate("() => window.__gmMark") == "first-mount", "the map iframe was remounted"
    # streamlit-folium #247: old feature groups must not pile up in the browser.
    # 5 layers of the view + the commander's "since you last looked" layer + the trim group.
    assert frame.evaluate("() => window.feature_group.length") <= 7
    assert frame.evaluate("() => window.map.getZoom()") == zoom_before - 1
    after = frame.evaluate("() => window.map.getCenter()")
    assert abs(after["lat"] - center["lat"]) < 1e-6 and abs(after["lng"] - center["lng"]) < 1e-6
    assert offsite_requests == []


def test_gaode_tiles_draw_units_at_their_gcj02_position(page: Page, streamlit_server: Callable[..., StreamlitServer],
                                                        demo_db_url: str) -> None:
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    base = streamlit_server(demo_db_url, {"GRIDMAP_TILES": "gaode"}).base_url
    frame = open_command_map(page, base)
    drawn = frame.evaluate("""() => { let v = null;
      window.map.eachLayer(l => { if (!v && l.feature && l.feature.properties.code === '330327103000' && l.getLatLngs)
        { const p = l.getLatLngs().flat(Infinity)[0]; v = [p.lng, p.lat] } }); return v }""")
    assert drawn is not None
    with open_store(demo_db_url) as store:
        town = store.read("units", Scope.county("330327"), where={"code": "330327103000"}).geometry.iloc[0]
    vertices = shapely.get_coordinates(town)
    gx, gy = wgs84_to_gcj02(vertices[:, 0], vertices[:, 1])
    distances = np.hypot(gx - drawn[0], gy - drawn[1])
    nearest = int(distances.argmin())
    assert distances[nearest] < 2e-5, f"the drawn vertex is {distances[nearest]:.6f} deg from every GCJ-02 vertex"
    # The same stored vertex, unshifted, lies ~500 m away: the map did shift it.
    shift = float(np.hypot(vertices[nearest, 0] - drawn[0], vertices[nearest, 1] - drawn[1]))
    assert 3e-3 < shift < 8e-3, f"shift of {shift:.5f} deg is not the 480-580 m GCJ-02 offset of Zhejiang"
