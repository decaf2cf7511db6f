"""Export formats: what other tools require of each file, and the round trip back in."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from gridmap.domain import LAYERS
from gridmap.io import read_layer_file, shapefile_names, write_frame
from tests.conftest import require_service
from tests.store_fixtures import tiny_issues, tiny_units


def _clockwise_units() -> gpd.GeoDataFrame:
    """The tiny county's units with clockwise exterior rings, as some tools write them."""
    units = tiny_units()
    units["geometry"] = shapely.orient_polygons(units.geometry.to_numpy(), exterior_cw=True)
    return units


def _stations() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["s1", "s2"], "name": ["=HYPERLINK(\"http://x\")", "幸福小站"],
         "station_type": ["happiness", "party_l2"], "opened": [dt.date(2026, 1, 2), None],
         "services": [["理发", "+量血压"], []], "funding_yuan": [100, None]},
        geometry=[shapely.Point(120.4051234567891, 27.5151234567891), shapely.Point(120.415, 27.505)],
        crs="EPSG:4326",
    )


def _validate_gpkg(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """GDAL's GeoPackage validator (``pip install --no-deps gdal-utils``; the Makefile does it)."""
    if importlib.util.find_spec("osgeo_utils") is None:
        require_service("gdal-utils", "osgeo_utils is not installed; run pip install --no-deps gdal-utils")
    return subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_gpkg", *options, str(path)],
                          capture_output=True, text=True, timeout=120)


def test_geopackage_passes_gdal_validator(tmp_path: Path) -> None:
    path = write_frame(tiny_units(), tmp_path / "units.gpkg", "gpkg", "units")
    done = _validate_gpkg(path, "-v")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERROR" not in done.stdout + done.stderr
    info = pyogrio.read_info(path)
    assert info["layer_name"] == "units" and info["geometry_type"] == "MultiPolygon"
    assert info["crs"] == "EPSG:4326"


def test_empty_geopackage_passes_gdal_validator(tmp_path: Path) -> None:
    path = write_frame(tiny_issues().iloc[:0], tmp_path / "issues.gpkg", "gpkg", "issues")
    done = _validate_gpkg(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert pyogrio.read_info(path)["geometry_type"] == "Point"


def test_geojson_follows_rfc7946(tmp_path: Path) -> None:
    path = write_frame(_clockwise_units(), tmp_path / "units.geojson", "geojson", "units")
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert "crs" not in doc
    assert "苍南县" in text  # UTF-8, not \\u escapes
    decimals = [len(m) for m in re.findall(r"\d+\.(\d+)", json.dumps(doc["features"][0]["geometry"]))]
    assert max(decimals) <= 7
    for feat in doc["features"]:
        for poly in feat["geometry"]["coordinates"]:
            exterior = shapely.LinearRing(poly[0])
            assert exterior.is_ccw, feat["properties"]["code"]
            assert all(not shapely.LinearRing(hole).is_ccw for hole in poly[1:])


def test_geojson_keeps_seven_decimals(tmp_path: Path) -> None:
    path = write_frame(_stations(), tmp_path / "s.geojson", "geojson", "stations")
    coords = json.loads(path.read_text(encoding="utf-8"))["features"][0]["geometry"]["coordinates"]
    assert coords == [120.4051235, 27.5151235]


def test_shapefile_zip_has_all_parts_utf8_cpg_and_short_names(tmp_path: Path) -> None:
    path = write_frame(tiny_issues(), tmp_path / "issues", "shp", "issues")
    assert path.name == "issues.zip"
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"issues.shp", "issues.shx", "issues.dbf", "issues.prj", "issues.cpg", "issues_fields.csv"} <= names
        assert zf.read("issues.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
        mapping = list(csv.DictReader(zf.read("issues_fields.csv").decode("utf-8-sig").splitlines()))
    fields = pyogrio.read_info(f"/vsizip/{path}/issues.shp")["fields"]
    assert all(len(f) <= 10 for f in fields)
    assert {"reported_at": "reported_a", "village_code": "village_co"}.items() <= \
        {m["column"]: m["shapefile_field"] for m in mapping}.items()


def test_shapefile_names_are_unique_and_deterministic() -> None:
    for spec in LAYERS.values():
        names = shapefile_names(spec)
        assert names == shapefile_names(spec)
        assert all(len(v) <= 10 for v in names.values())
        assert len({v.lower() for v in names.values()}) == len(names)


def test_csv_has_bom_lonlat_and_neutralised_formulas(tmp_path: Path) -> None:
    path = write_frame(_stations(), tmp_path / "s.csv", "csv", "stations")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["name"] == "'=HYPERLINK(\"http://x\")"
    assert rows[1]["name"] == "幸福小站"
    assert json.loads(rows[0]["services"]) == ["理发", "+量血压"]  # JSON text starts with [: left alone
    assert rows[0]["lon"] == "120.4051235" and rows[0]["lat"] == "27.5151235"
    assert rows[0]["opened"] == "2026-01-02" and rows[1]["opened"] == ""


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t"])
def test_csv_neutralises_each_formula_prefix(prefix: str, tmp_path: Path) -> None:
    frame = _stations()
    frame.loc[0, "name"] = f"{prefix}1+1"
    path = write_frame(frame, tmp_path / "s.csv", "csv", "stations")
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["name"].startswith("'")
    back = read_layer_file("stations", path)
    assert back.frame["name"].iloc[0] == f"{prefix}1+1".strip()


def test_csv_of_units_has_wkt_and_a_point_inside(tmp_path: Path) -> None:
    path = write_frame(tiny_units(), tmp_path / "u.csv", "csv", "units")
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    geoms = shapely.from_wkt(table["wkt"].to_numpy())
    points = shapely.points(table["lon"].astype(float), table["lat"].astype(float))
    assert shapely.contains(geoms, points).all()  # inside, not on the boundary


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "csv"])
def test_round_trip_units(fmt: str, tmp_path: Path) -> None:
    original = tiny_units()
    path = write_frame(original, tmp_path / f"units.{fmt}", fmt, "units")
    back = read_layer_file("units", path).frame
    assert list(back["code"]) == list(original["code"])
    assert list(back["parent_code"].fillna("-")) == list(original["parent_code"].fillna("-"))
    assert list(back["households"]) == list(original["households"])
    assert list(back["approximate"]) == [True] * len(original)
    assert back["staff"].iloc[0] == [{"name": "张三", "role": "grid_leader"}]
    assert back["risk_set_at"].iloc[0] == dt.datetime(2026, 11, 1, 9, 30)
    assert shapely.equals_exact(back.geometry.normalize().to_numpy(),
                                original.geometry.normalize().to_numpy(), tolerance=1e-7).all()


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "csv"])
def test_round_trip_issues(fmt: str, tmp_path: Path) -> None:
    original = tiny_issues()
    path = write_frame(original, tmp_path / f"issues.{fmt}", fmt, "issues")
    result = read_layer_file("issues", path)
    back = result.frame
    assert list(back["id"]) == list(original["id"])
    assert list(back["description"]) == list(original["description"])
    assert list(back["reported_at"]) == list(original["reported_at"])
    assert back["closed_at"].iloc[0] is None and back["closed_at"].iloc[1] == dt.datetime(2026, 11, 2, 10)
    assert shapely.equals_exact(back.geometry.to_numpy(), original.geometry.to_numpy(), tolerance=1e-7).all()
    assert "town_code" not in back.columns  # assignment is recomputed, never trusted from a file


def test_write_refuses_frame_without_crs(tmp_path: Path) -> None:
    frame = tiny_issues().set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="no CRS"):
        write_frame(frame, tmp_path / "x.gpkg", "gpkg", "issues")


def test_write_transforms_other_crs_to_wgs84(tmp_path: Path) -> None:
    path = write_frame(tiny_issues().to_crs("EPSG:4549"), tmp_path / "x.geojson", "geojson", "issues")
    back = gpd.read_file(path)
    assert back.geometry.x.iloc[0] == pytest.approx(120.405, abs=1e-7)


@pytest.mark.parametrize(("layer", "fmt", "message"), [
    ("nope", "gpkg", "unknown layer"),
    ("issues", "xlsx", "unknown export format"),
    ("issue_events", "gpkg", "no geometry"),
])
def test_write_validates_its_arguments(layer: str, fmt: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=message):
        write_frame(tiny_issues(), tmp_path / "x", fmt, layer)  # type: ignore[arg-type]


def test_shapefile_cuts_text_over_254_bytes_and_logs_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    issues = tiny_issues()
    issues.loc[0, "description"] = "垃圾" * 100  # 600 bytes in UTF-8
    with caplog.at_level("WARNING", logger="gridmap.io.write"):
        path = write_frame(issues, tmp_path / "issues.zip", "shp", "issues")
    back = read_layer_file("issues", path).frame["description"].iloc[0]
    assert back == "垃圾" * 42 and len(back.encode()) == 252  # cut on a character boundary
    assert "254 bytes" in caplog.text
