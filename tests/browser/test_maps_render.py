"""The map library's HTML in a real browser: offline assets load, hostile names stay text.

A map with every kind of layer is written next to a link to ``static/`` and served by
a local HTTP server at the same ``/app/static/`` path Streamlit uses. Needs ``make
assets`` (a missing ``static/vendor`` fails under ``CI=true``).
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from collections.abc import Iterator

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import expect

from gridmap.maps import (
    OFFLINE,
    base_map,
    heat_layer,
    inspection_layer,
    issue_layer,
    missing_assets,
    station_layer,
    unit_layer,
)
from gridmap.maps.assets import static_dir
from tests.conftest import require_service
from tests.store_fixtures import M1, M2, tiny_issues, tiny_units

IMG = "<img src=x onerror=alert(1)>"
TEMPLATE = "`${alert(1)}`"
AS_OF = dt.datetime(2026, 11, 23, 9, 0)


def hostile_map_html() -> str:
    units = tiny_units()
    units = units[units["level"] == "micro"].copy()
    units.loc[units["code"] == M1, "name"] = IMG
    units.loc[units["code"] == M2, "name"] = TEMPLATE
    stations = gpd.GeoDataFrame({"id": ["s1"], "name": [IMG], "station_type": ["police_post"]},
                                geometry=[shapely.Point(120.418, 27.502)], crs="EPSG:4326")
    inspections = gpd.GeoDataFrame({"id": ["h1"], "status": ["found"], "severity": ["low"],
                                    "place_type": ["shop"], "hazard_types": [["gas"]]},
                                   geometry=[shapely.Point(120.402, 27.502)], crs="EPSG:4326")
    issues = tiny_issues()
    issues.loc[0, "description"] = TEMPLATE
    m = base_map((27.51, 120.41), zoom=15, tiles=OFFLINE)
    for group in (unit_layer(units, values={M1: 1, M2: 5}, tiles=OFFLINE),
                  station_layer(stations, tiles=OFFLINE),
                  inspection_layer(inspections, as_of=AS_OF, tiles=OFFLINE),
                  issue_layer(issues, as_of=AS_OF, tiles=OFFLINE, aggregate="cluster"),
                  heat_layer(issues, name="热力", tiles=OFFLINE, key="heat")):
        group.add_to(m)
    return m.get_root().render()


@pytest.fixture(scope="module")
def map_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if missing_assets():
        require_service("map assets", f"{static_dir() / 'vendor'} is incomplete; run `make assets`")
    root = tmp_path_factory.mktemp("mapsite")
    (root / "app").mkdir()
    (root / "app" / "static").symlink_to(static_dir().resolve(), target_is_directory=True)
    (root / "map.html").write_text(hostile_map_html(), encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/map.html"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_map_works_offline_and_shows_hostile_names_as_text(page, offsite_requests: list[str], map_url: str) -> None:
    errors: list[str] = []
    dialogs: list[str] = []
    failed: list[str] = []
    loaded: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("response", lambda r: (failed if r.status >= 400 and not r.url.endswith("favicon.ico")
                                   else loaded).append(f"{r.status} {r.url}"))
    page.goto(map_url)
    page.wait_for_function("typeof map_gridmap !== 'undefined'")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)

    libs = page.evaluate("""() => ({leaflet: L.version, cluster: typeof L.markerClusterGroup,
        heat: typeof L.heatLayer, awesome: typeof L.AwesomeMarkers, draw: typeof L.Draw,
        legends: document.querySelectorAll('.gridmap-legend').length})""")
    assert libs["leaflet"] == "1.9.4"
    assert libs["cluster"] == "function" and libs["heat"] == "function" and libs["awesome"] == "object"
    assert libs["legends"] == 5
    assert any("/app/static/vendor/fontawesome-free/webfonts/fa-solid-900.woff2" in u for u in loaded), \
        "the icons' webfont comes from static/vendor"

    box = page.locator("#map_gridmap").bounding_box()
    for lat_lon, raw in (((27.518, 120.403), IMG), ((27.518, 120.417), TEMPLATE)):
        point = page.evaluate("ll => map_gridmap.latLngToContainerPoint(ll)", list(lat_lon))
        page.wait_for_timeout(50)
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tooltip = page.locator(".leaflet-tooltip", has_text=raw)
        tooltip.wait_for(timeout=5000)  # the name shows exactly as typed
        assert tooltip.locator("img").count() == 0
        # Leaflet's canvas renderer ignores moves within 32 ms of the last one: move out,
        # pause, and nudge, so the final position is seen and the tooltip closes.
        page.mouse.move(box["x"] + 3, box["y"] + box["height"] / 2)
        page.wait_for_timeout(100)
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
        expect(page.locator(".leaflet-tooltip")).to_have_count(0)

    assert errors == []
    assert dialogs == [], "an injected script ran"
    assert failed == []
    assert offsite_requests == []
