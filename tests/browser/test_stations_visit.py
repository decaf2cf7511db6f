"""A supervisor records a located visit in a real browser (issue 13): on the stations page a
commander clicks station A on the map (which picks the point and the station), records the
visit, and the map's dot for A turns from 从未督查 (never visited) to visited within 30 days.
The store gets one visit at a few metres from the station, not flagged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gridmap.store import open_store
from tests.conftest import TEST_PASSWORD
from tests.harness import MAP_IFRAME, StreamlitServer, find_map_frame, sign_in, wait_for_app
from tests.stations_fixtures import seed_stations
from tests.store_fixtures import SCOPE

pytestmark = pytest.mark.browser

TIMEOUT_MS = 45_000

# The properties of station ``id``'s dot and its position in the iframe, once it is drawn.
_STATION_JS = """(id) => { try { let out = null;
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.id === id
                                  && l.getLatLng) {
      const p = window.map.latLngToContainerPoint(l.getLatLng());
      out = {a: l.feature.properties.a, v: l.feature.properties.v, x: p.x, y: p.y} } });
  return out } catch (e) { return null } }"""


@pytest.fixture
def stations_app(streamlit_server: Callable[[str], StreamlitServer], tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'stations-browser.db'}"
    with open_store(url) as store:
        seed_stations(store)
    return streamlit_server(url).base_url, url


def _station(page: Page, want_class: str | None = None) -> dict:
    """Station A's dot (waiting until the map draws it, in ``want_class`` when given)."""
    deadline_ms = TIMEOUT_MS
    while deadline_ms > 0:
        frame = find_map_frame(page)
        if frame is not None:
            try:
                found = frame.evaluate(_STATION_JS, "A")
            except Exception:  # the frame is being replaced: look again
                found = None
            if found and (want_class is None or found["a"] == want_class):
                return found
        page.wait_for_timeout(250)
        deadline_ms -= 250
    raise AssertionError(f"station A was not drawn{f' as {want_class}' if want_class else ''}")


def test_a_commander_records_a_located_visit_and_the_map_shows_it(page: Page, stations_app: tuple[str, str],
                                                                  offsite_requests: list[str]) -> None:
    base, url = stations_app
    sign_in(page, base, "commander", TEST_PASSWORD)
    page.goto(f"{base}/stations")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="服务站点")).to_be_visible(timeout=TIMEOUT_MS)
    before = _station(page)
    assert before["a"] == "never" and before["v"] == "从未督查"

    iframe = page.locator(MAP_IFRAME).first
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    assert box is not None
    before = _station(page)
    page.mouse.click(box["x"] + before["x"], box["y"] + before["y"])  # on the dot: picks A and its point
    page.get_by_role("tab", name="督查走访").click()
    expect(page.get_by_text("选定位置：经度")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("选定位置距站点")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_text("人员在岗").click()
    page.get_by_role("button", name="在选定位置登记督查").click()
    expect(page.get_by_text("已登记对“站点A”的督查")).to_be_visible(timeout=TIMEOUT_MS)

    after = _station(page, "d30")
    assert after["v"].endswith("（0 天前）"), after
    with open_store(url) as store:
        visits = store.read("station_visits", SCOPE)
    assert len(visits) == 1 and visits["station_id"].iloc[0] == "A"
    assert float(visits["distance_m"].iloc[0]) < 30 and not bool(visits["far"].iloc[0])
    assert visits["checklist"].iloc[0]["staff_present"] is True
    assert page.get_by_test_id("stException").count() == 0
    assert offsite_requests == []
