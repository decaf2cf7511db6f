"""Reading good files: every format, column spellings, CRS conversion, GCJ-02, progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from gridmap.io import ImportRejected, ImportResult, read_layer_file
from gridmap.spatial.crs import wgs84_to_gcj02
from tests.fixtures.io.builders import (
    INSIDE_M1,
    feature,
    household,
    households_frame,
    point,
    shapefile_parts,
    write_csv,
    write_geojson,
    write_shapefile,
    zip_files,
)


def _coords(result: ImportResult) -> np.ndarray:
    return shapely.get_coordinates(result.frame.geometry.to_numpy())


def test_geojson_households(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "h.geojson", [household(n=1, rental="是"), household(n=2, rental=0)])
    result = read_layer_file("households", path)
    frame = result.frame
    assert list(frame.columns) == ["id", "county_code", "address", "residents", "floating", "rental", "rooms",
                                   "collected", "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert list(frame["rental"]) == [True, False]
    assert list(frame["residents"]) == [3, 3]
    assert not result.problems and not result.repaired


def test_geopackage_and_plain_shapefile(tmp_path: Path) -> None:
    frame = households_frame(3)
    pyogrio.write_dataframe(frame, tmp_path / "h.gpkg", layer="households")
    shp = write_shapefile(tmp_path / "shp", frame)
    for path in (tmp_path / "h.gpkg", shp):
        result = read_layer_file("households", path)
        assert list(result.frame["address"]) == list(frame["address"])
        assert np.allclose(_coords(result), shapely.get_coordinates(frame.geometry))


def test_geopackage_with_several_layers_uses_the_one_named_after_the_layer(tmp_path: Path) -> None:
    path = tmp_path / "many.gpkg"
    pyogrio.write_dataframe(households_frame(1), path, layer="other")
    pyogrio.write_dataframe(households_frame(2), path, layer="roads", append=False)
    with pytest.raises(ImportRejected, match="多个图层"):
        read_layer_file("households", path)
    pyogrio.write_dataframe(households_frame(4), path, layer="households")
    assert len(read_layer_file("households", path).frame) == 4


def test_projected_shapefile_with_prj_is_transformed_and_noted(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", households_frame(3, crs="EPSG:4549"))
    result = read_layer_file("households", zip_files(tmp_path / "h.zip", shapefile_parts(shp)))
    assert np.allclose(_coords(result), shapely.get_coordinates(households_frame(3).geometry), atol=1e-8)
    assert any("EPSG:4549" in n.text() and "WGS84" in n.text() for n in result.notes)


def test_arcgis_upper_case_columns_match(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "h.geojson", [feature(point(*INSIDE_M1), ADDRESS="一号", Residents=2, extra=1)])
    result = read_layer_file("households", path)
    assert result.frame["address"].iloc[0] == "一号" and result.frame["residents"].iloc[0] == 2
    assert any("extra" in n.text() and "忽略" in n.text() for n in result.notes)


@pytest.mark.parametrize(("x", "y"), [("lon", "lat"), ("经度", "纬度"), ("longitude", "latitude"), ("X", "Y"),
                                      ("lng", "lat")])
def test_csv_coordinate_column_names(x: str, y: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", f"address,{x},{y},residents\n一号,120.405,27.515,3\n二号,120.406,27.516,\n")
    result = read_layer_file("households", path)
    assert np.allclose(_coords(result), [[120.405, 27.515], [120.406, 27.516]])
    assert list(result.frame["residents"]) == [3, None]


def test_csv_with_bom_and_quoted_formula(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "\ufeffaddress,lon,lat\n'=1+1,120.405,27.515\n'normal,120.405,27.515\n",
                     "utf-8")
    result = read_layer_file("households", path)
    assert list(result.frame["address"]) == ["=1+1", "'normal"]
    assert not result.notes


def test_csv_missing_coordinates_is_a_missing_geometry(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "address,lon,lat\n一号,,27.515\n")
    with pytest.raises(ImportRejected, match="第 1 个要素：没有几何"):
        read_layer_file("households", path)


def test_csv_nan_coordinates_are_not_finite(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "address,lon,lat\n一号,nan,27.515\n二号,inf,27.5\n")
    with pytest.raises(ImportRejected) as caught:
        read_layer_file("households", path)
    assert [p.feature for p in caught.value.problems] == [1, 2]
    assert all("NaN 或无穷大" in p.message for p in caught.value.problems)


def test_gcj02_source_is_converted_to_wgs84(tmp_path: Path) -> None:
    wgs = np.array([[120.405, 27.515], [120.41, 27.5]])
    gx, gy = wgs84_to_gcj02(wgs[:, 0], wgs[:, 1])
    path = write_geojson(tmp_path / "h.geojson", [household(point(x, y), n=i) for i, (x, y) in enumerate(zip(gx, gy, strict=True))])
    plain = read_layer_file("households", path)
    converted = read_layer_file("households", path, source_crs="gcj02")
    assert np.allclose(_coords(converted), wgs, atol=1e-8)
    assert not np.allclose(_coords(plain), wgs, atol=1e-3)  # ~500 m apart without the conversion
    assert any("GCJ-02" in n.text() for n in converted.notes)


def test_crs_argument_overrides_a_declared_crs_and_says_so(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "shp", households_frame(1).set_crs("EPSG:4490", allow_override=True))
    result = read_layer_file("households", shp, crs="EPSG:4326")
    assert any("4490" in n.text() and "--crs" in n.text() for n in result.notes)


def test_datetimes_with_zone_become_beijing_local_time(tmp_path: Path) -> None:
    props = {"category": "sanitation", "status": "reported"}
    path = write_geojson(tmp_path / "i.geojson", [
        feature(point(*INSIDE_M1), reported_at="2026-11-01T01:30:00Z", **props),
        feature(point(*INSIDE_M1), reported_at="2026-11-01 09:30", **props),
        feature(point(*INSIDE_M1), reported_at="2026/11/01 09:30:00", **props),
        feature(point(*INSIDE_M1), reported_at="2026年11月1日 9时30分", **props),
    ])
    frame = read_layer_file("issues", path).frame
    assert list(frame["reported_at"]) == [dt.datetime(2026, 11, 1, 9, 30)] * 4


def test_choice_values_are_matched_case_insensitively(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "s.geojson", [feature(point(*INSIDE_M1), name="站", station_type="HAPPINESS",
                                                         services='["理发"]')])
    frame = read_layer_file("stations", path).frame
    assert frame["station_type"].iloc[0] == "happiness" and frame["services"].iloc[0] == ["理发"]


def test_geojson_native_arrays_are_json_values(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "s.geojson", [feature(point(*INSIDE_M1), name="站", station_type="happiness",
                                                         services=["理发", "量血压"])])
    assert read_layer_file("stations", path).frame["services"].iloc[0] == ["理发", "量血压"]


def test_numeric_codes_from_a_shapefile_stay_text(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "u.geojson", [feature(
        {"type": "Polygon", "coordinates": [[[120.40, 27.50], [120.42, 27.50], [120.42, 27.52], [120.40, 27.52],
                                             [120.40, 27.50]]]},
        code=330327000000.0, level="county", name="苍南县", plan_version=1.0)])
    frame = read_layer_file("units", path).frame
    assert frame["code"].iloc[0] == "330327000000" and frame["plan_version"].iloc[0] == 1
    assert frame["id"].iloc[0] == "330327000000:1"


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[str, float]] = []
    read_layer_file("households", write_geojson(tmp_path / "h.geojson", [household()]),
                    progress=lambda stage, f: calls.append((stage, f)))
    assert calls[0] == ("read", 0.0) and calls[-1] == ("validate", 1.0)
    assert [f for _, f in calls] == sorted(f for _, f in calls)


@pytest.mark.parametrize(("layer", "message"), [("nope", "cannot be imported"), ("issue_events", "cannot be imported")])
def test_unknown_or_not_importable_layer(layer: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=message):
        read_layer_file(layer, write_geojson(tmp_path / "h.geojson", [household()]))
