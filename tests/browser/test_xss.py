"""Script payloads in every user text field never run, on any page, for any reader.

The store holds payloads in a unit name, a station name, an issue description, a
hazard type, a household address and a user's display name; the test signs in, opens
every page in the menu and checks that no payload ran (``window.__xss`` stays unset, no
dialog) while the payload text itself is shown, as typed, somewhere.

Jinja's ``{{``, ``{%`` and ``{#`` are payloads too (issue 8, defect 9): branca compiles
each rendered map script as a template, so one of them in stored text took the
command map down. The map must still be drawn, with its tooltips, and no page may show
Streamlit's error box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import Dialog, Page, expect

from gridmap import auth
from gridmap.access import Session
from gridmap.domain import Role
from gridmap.store import open_store
from tests.browser.conftest import StreamlitServer, sign_in, wait_for_app
from tests.conftest import TEST_PASSWORD
from tests.store_fixtures import M1, SCOPE, VILLAGE, tiny_units

pytestmark = pytest.mark.browser

PAYLOADS = (
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    "`${window.__xss=3}`",
    "[点我](javascript:window.__xss=4)",
    "<svg onload=window.__xss=5>",
    "\"'><iframe srcdoc=\"<script>parent.__xss=6</script>\">",
    "垃圾堆放 {{ 请尽快处理",
    "{% if %}",
    "{# x",
)
ALL = " ".join(PAYLOADS)


def _codes(micro: str) -> dict[str, object]:
    return {"town_code": "330327100000", "village_code": VILLAGE, "grid_code": micro[:14], "micro_code": micro,
            "outside": False}


@pytest.fixture(scope="module")
def xss_app_url(streamlit_server: Callable[[str], StreamlitServer], tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('xss') / 'gridmap.db'}"
    units = tiny_units()
    units["name"] = [f"{name} {ALL}" for name in units["name"]]
    point = shapely.Point(120.405, 27.515)
    with open_store(url) as store:
        with store.transaction("seed", SCOPE) as tx:
            tx.insert("units", units)
            tx.set_meta("plan_version", "1")
            tx.set_meta("as_of", "2026-11-23T15:00:00")
            tx.insert("stations", gpd.GeoDataFrame([{"id": "s1", "name": f"站 {ALL}", "station_type": "happiness",
                                                     **_codes(M1)}], geometry=[point], crs="EPSG:4326"))
            tx.insert("issues", gpd.GeoDataFrame([{
                "id": "i1", "category": "sanitation", "description": f"描述 {ALL}", "reporter": ALL,
                "department": auth.DEMO_DEPARTMENT, "status": "reported",
                "reported_at": dt.datetime(2026, 11, 23, 9), "deadline": dt.datetime(2026, 11, 23, 10),
                **_codes(M1)}], geometry=[point], crs="EPSG:4326"))
            tx.insert("inspections", gpd.GeoDataFrame([{
                "id": "k1", "place_type": "shop", "hazard_types": ["flying_wire", ALL], "severity": "high",
                "status": "found", "found_at": dt.datetime(2026, 11, 23, 8), **_codes(M1)}],
                geometry=[point], crs="EPSG:4326"))
            tx.insert("households", gpd.GeoDataFrame([{"id": "h1", "address": f"地址 {ALL}", "residents": 3,
                                                       **_codes(M1)}], geometry=[point], crs="EPSG:4326"))
        auth.add_user(Session.system(store, SCOPE), "xadmin", TEST_PASSWORD, role=Role.ADMIN,
                      unit_code="330327000000", display_name=f"管理员 {ALL}")
    return streamlit_server(url).base_url


_OPEN_TOOLTIPS_JS = """() => { if (!window.map) return 0; let n = 0;
  const open = l => { if (l.getTooltip && l.getTooltip()) { try { l.openTooltip(); n++; l.closeTooltip() } catch (e) {} } };
  window.map.eachLayer(l => { open(l); if (l.eachLayer) l.eachLayer(open) });
  return n }"""


def _open_every_tooltip(frame) -> int:  # type: ignore[no-untyped-def]
    """Show every tooltip of the map in ``frame`` once (as hovering would); returns how many."""
    try:
        return int(frame.evaluate(_OPEN_TOOLTIPS_JS))
    except Exception:  # a frame without a map
        return 0


def test_no_payload_runs_on_any_page(page: Page, xss_app_url: str, offsite_requests: list[str],
                                     tmp_path: Path) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    sign_in(page, xss_app_url, "xadmin", TEST_PASSWORD)
    # The display name is shown as typed (escaped), not interpreted.
    expect(page.get_by_test_id("stSidebar").get_by_text("<script>window.__xss=2</script>", exact=False)).to_be_visible()
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    titles = [links.nth(i).inner_text().strip().split("\n")[-1] for i in range(links.count())]
    assert len(titles) >= 2, titles
    for i, title in enumerate(titles):
        links.nth(i).click()
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        wait_for_app(page)
        page.wait_for_timeout(1500)  # let maps and iframes render their content
        opened = sum(_open_every_tooltip(f) for f in page.frames if "streamlit_folium" in f.url)
        assert page.get_by_test_id("stException").count() == 0, title
        if "指挥一张图" in title:
            assert opened >= 3, "the map's unit, station and issue tooltips must have been shown"
            expect(page.get_by_text("{% if %}", exact=False).first).to_be_visible()  # names shown as typed
        page.wait_for_timeout(500)
        frames_ran = [f.evaluate("() => window.__xss === undefined ? null : window.__xss")
                      for f in page.frames if not f.is_detached()]
        assert all(v is None for v in frames_ran), (title, frames_ran)
    assert dialogs == []
    assert page.evaluate("() => window.__xss") is None
    assert offsite_requests == []
