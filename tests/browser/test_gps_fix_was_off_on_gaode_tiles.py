"""Regression: the locate button's GPS fix landed 500 m off on Gaode (GCJ-02) tiles.

The button fired the browser's WGS84 fix as a map click unchanged; the page then shifts
every click GCJ-02 -> WGS84 (:func:`gridmap.maps.from_display`), so on Gaode tiles the
position saved was about 500 m from where the user stood. Now the button shifts the fix
to the tiles' datum first, in the browser (:data:`gridmap.maps.locate.GCJ02_JS`): here
the JavaScript is run in Chromium and compared with :func:`gridmap.spatial.crs.wgs84_to_gcj02`,
and the round trip through the page's own conversion gives the fix back.
"""

from __future__ import annotations

import folium
import pytest
from playwright.sync_api import Browser

from gridmap.maps import from_display
from gridmap.maps.locate import GCJ02_JS, LocateButton
from gridmap.maps.tiles import OFFLINE, TileSource
from gridmap.spatial.crs import wgs84_to_gcj02

pytestmark = pytest.mark.browser

GAODE = TileSource("gaode", ("https://example.invalid/{z}/{x}/{y}",), "高德", "gcj02", 18, "1234")
POINTS = [(120.57617, 27.51975), (120.41, 27.51), (116.397, 39.908), (113.26, 23.13), (0.5, 51.5)]


def test_the_gcj02_shift_in_the_browser_matches_the_library(browser: Browser) -> None:
    page = browser.new_page()
    try:
        for lon, lat in POINTS:
            shown = page.evaluate(f"([lon, lat]) => ({GCJ02_JS})(lon, lat)", [lon, lat])
            want = wgs84_to_gcj02(lon, lat)
            assert shown == pytest.approx(list(want), abs=1e-9), (lon, lat)
            back = from_display(shown[0], shown[1], GAODE)
            assert back == pytest.approx((lon, lat), abs=1e-8)
    finally:
        page.close()
    assert POINTS[-1] == tuple(wgs84_to_gcj02(*POINTS[-1])), "outside China nothing moves"


def test_the_button_shifts_the_fix_on_gcj02_tiles_only() -> None:
    def script(tiles: TileSource) -> str:
        m = folium.Map()
        m.add_child(LocateButton("定位", "不可用", tiles))
        return m.get_root().render()

    assert "6378245.0" in script(GAODE) and "toDisplay(pos.coords.longitude" in script(GAODE)
    assert "6378245.0" not in script(OFFLINE)
