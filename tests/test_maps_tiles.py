"""gridmap.maps.tiles and gridmap.maps.display: tile configuration and the GCJ-02 shift."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap.i18n import MESSAGES, t
from gridmap.maps import (
    OFFLINE,
    TileConfigError,
    from_display,
    point_to_display,
    tile_layers,
    tile_source,
    to_display,
)
from gridmap.maps.tiles import GAODE_ATTRIBUTION, OSM_ATTRIBUTION, TIANDITU_ATTRIBUTION

GAODE = tile_source({"GRIDMAP_TILES": "gaode"})
# Published pair (wandergis/coordtransform, test/app.js): wgs84togcj02(116.404, 39.915).
KNOWN_WGS84 = (116.404, 39.915)
KNOWN_GCJ02 = (116.41024449916938, 39.91640428150164)


# --------------------------------------------------------------------------- configuration


def test_default_is_offline_with_no_tile_layer() -> None:
    source = tile_source({})
    assert source.name == "none" and source.offline and source.urls == ()
    assert tile_layers(source) == []


def test_osm() -> None:
    source = tile_source({"GRIDMAP_TILES": "osm"})
    assert source.urls == ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",)
    assert "OpenStreetMap" in source.attribution and "contributors" in source.attribution
    assert source.attribution == OSM_ATTRIBUTION
    assert source.crs_kind == "wgs84" and source.max_zoom == 19


@pytest.mark.parametrize(("name", "base", "labels"), [("tianditu", "vec", "cva"), ("tianditu_img", "img", "cia"),
                                                      ("TIANDITU-IMG", "img", "cia")])
def test_tianditu_base_and_label_overlay(name: str, base: str, labels: str) -> None:
    source = tile_source({"GRIDMAP_TILES": name, "GRIDMAP_TIANDITU_KEY": "abc123"})
    assert len(source.urls) == 2
    assert f"t{{s}}.tianditu.gov.cn/{base}_w/wmts?" in source.urls[0] and f"LAYER={base}&" in source.urls[0]
    assert f"/{labels}_w/wmts?" in source.urls[1] and f"LAYER={labels}&" in source.urls[1]
    for url in source.urls:
        assert url.endswith("&tk=abc123")
        assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in url
    assert source.subdomains == "01234567"
    assert "天地图" in source.attribution and source.attribution == TIANDITU_ATTRIBUTION
    layers = tile_layers(source)
    assert [layer.overlay for layer in layers] == [False, True]


def test_tianditu_without_key_is_a_clear_error() -> None:
    with pytest.raises(TileConfigError, match="GRIDMAP_TIANDITU_KEY") as info:
        tile_source({"GRIDMAP_TILES": "tianditu"})
    assert info.value.message_key == "map.tiles.error.tianditu_key"
    assert "GRIDMAP_TIANDITU_KEY" in t(info.value.message_key, "zh", **info.value.values)


def test_gaode_is_gcj02() -> None:
    assert GAODE.crs_kind == "gcj02" and GAODE.shifted
    assert GAODE.urls == ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
                          "&x={x}&y={y}&z={z}",)
    assert GAODE.subdomains == "1234"
    assert "高德地图" in GAODE.attribution and GAODE.attribution == GAODE_ATTRIBUTION


def test_intranet_tile_url_alone_selects_custom() -> None:
    source = tile_source({"GRIDMAP_TILE_URL": "http://10.0.0.5/tiles/{z}/{x}/{y}.png",
                          "GRIDMAP_TILE_ATTRIBUTION": "县测绘院", "GRIDMAP_TILE_CRS": "gcj02",
                          "GRIDMAP_TILE_MAX_ZOOM": "17"})
    assert (source.name, source.urls, source.attribution) == ("custom", ("http://10.0.0.5/tiles/{z}/{x}/{y}.png",),
                                                              "县测绘院")
    assert source.shifted and source.max_zoom == 17


@pytest.mark.parametrize(("env", "key"), [
    ({"GRIDMAP_TILES": "google"}, "map.tiles.error.unknown"),
    ({"GRIDMAP_TILES": "osm", "GRIDMAP_TILE_URL": "http://x/{z}/{x}/{y}.png"}, "map.tiles.error.conflict"),
    ({"GRIDMAP_TILES": "custom"}, "map.tiles.error.custom_url"),
    ({"GRIDMAP_TILE_URL": "http://x/tiles.png"}, "map.tiles.error.custom_url"),
    ({"GRIDMAP_TILE_URL": "http://x/{z}/{x}/{y}.png"}, "map.tiles.error.custom_attribution"),
    ({"GRIDMAP_TILE_URL": "http://x/{z}/{x}/{y}.png", "GRIDMAP_TILE_ATTRIBUTION": "a",
      "GRIDMAP_TILE_CRS": "bd09"}, "map.tiles.error.custom_crs"),
    ({"GRIDMAP_TILE_URL": "http://x/{z}/{x}/{y}.png", "GRIDMAP_TILE_ATTRIBUTION": "a",
      "GRIDMAP_TILE_MAX_ZOOM": "30"}, "map.tiles.error.custom_zoom"),
])
def test_bad_configurations_name_their_problem(env: dict[str, str], key: str) -> None:
    with pytest.raises(TileConfigError) as info:
        tile_source(env)
    assert info.value.message_key == key
    for lang in MESSAGES:
        text = t(key, lang, **info.value.values)
        assert "{" not in text.replace("{x}", "").replace("{y}", "").replace("{z}", ""), text


def test_tile_layer_ids_are_fixed() -> None:
    a = tile_layers(tile_source({"GRIDMAP_TILES": "osm"}))
    b = tile_layers(tile_source({"GRIDMAP_TILES": "osm"}))
    assert [x.get_name() for x in a] == [y.get_name() for y in b]
    assert all(re.fullmatch(r"[a-z_]+_[a-z0-9]+", x.get_name()) for x in a)


# --------------------------------------------------------------------------- GCJ-02 display


def test_to_display_moves_a_known_vertex_to_its_gcj02_position() -> None:
    square = shapely.Polygon([KNOWN_WGS84, (116.41, 39.915), (116.41, 39.92), (116.404, 39.92)])
    frame = gpd.GeoDataFrame({"code": ["a"]}, geometry=[square], crs="EPSG:4326")
    shown = to_display(frame, GAODE)
    first = shapely.get_coordinates(shown.geometry.iloc[0])[0]
    assert first == pytest.approx(KNOWN_GCJ02, abs=1e-9)
    assert shapely.get_coordinates(frame.geometry.iloc[0])[0] == pytest.approx(KNOWN_WGS84), "input untouched"
    lon, lat = from_display(*first, GAODE)
    assert abs(lon - KNOWN_WGS84[0]) < 1e-6 and abs(lat - KNOWN_WGS84[1]) < 1e-6


def test_display_is_identity_for_wgs84_tiles() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(120.4, 27.5)], crs="EPSG:4326")
    assert to_display(frame, OFFLINE) is frame
    assert from_display(120.4, 27.5, OFFLINE) == (120.4, 27.5)
    assert point_to_display(27.5, 120.4, tile_source({"GRIDMAP_TILES": "osm"})) == (27.5, 120.4)


def test_shift_in_cangnan_is_hundreds_of_metres_and_inverts() -> None:
    lon = np.array([120.06, 120.40, 120.70])
    lat = np.array([27.14, 27.50, 27.57])
    shifted = to_display(gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326"), GAODE)
    gx, gy = shifted.x.to_numpy(), shifted.y.to_numpy()
    metres = np.hypot((gx - lon) * 111_320 * np.cos(np.radians(lat)), (gy - lat) * 110_574)
    assert ((metres > 400) & (metres < 700)).all(), metres
    back_lon, back_lat = from_display(gx, gy, GAODE)
    assert np.abs(back_lon - lon).max() < 1e-6 and np.abs(back_lat - lat).max() < 1e-6


def test_point_to_display_uses_folium_order() -> None:
    lat, lon = point_to_display(KNOWN_WGS84[1], KNOWN_WGS84[0], GAODE)
    assert (lon, lat) == pytest.approx(KNOWN_GCJ02, abs=1e-9)


def test_to_display_refuses_projected_frames() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(500000, 3000000)], crs="EPSG:4549")
    with pytest.raises(ValueError, match="EPSG:4326"):
        to_display(frame, GAODE)
