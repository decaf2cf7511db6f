"""Bad input files: each case is refused with a message naming the feature and the
problem, or repaired and reported when the repair is safe.

Every case builds its file in ``tmp_path``. ``REJECTED`` cases must raise
:class:`ImportRejected` whose problems include one that names the feature and contains
the expected words; ``REPAIRED`` cases must read and report the repair.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from gridmap.io import ImportRejected, read_layer_file
from tests.fixtures.io.builders import (
    INSIDE_M1,
    SQUARE,
    feature,
    household,
    households_frame,
    point,
    polygon,
    shapefile_parts,
    write_csv,
    write_geojson,
    write_shapefile,
    zip_files,
)

Build = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    """One bad file: how to build it, which layer, and the words the message must hold."""

    name: str
    layer: str
    build: Build
    words: tuple[str, ...]
    feature: int | str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


def _unit(geometry: dict[str, Any] | None, code: str = "33032710000101001", **extra: Any) -> dict[str, Any]:
    props = {"code": code, "level": "micro", "name": "第1微网格", "parent_code": "33032710000101",
             "plan_version": 1, **extra}
    return feature(geometry, **props)


def _units_file(*features: dict[str, Any]) -> Build:
    return lambda tmp: write_geojson(tmp / "units.geojson", features)


def _households_file(*features: dict[str, Any]) -> Build:
    return lambda tmp: write_geojson(tmp / "households.geojson", [household(n=1), *features])


# A square with a tiny loop at its first corner: the last edge crosses the first one.
_SMALL_LOOP = [[120.401, 27.511], [120.402, 27.511], [120.402, 27.512], [120.401, 27.512],
               [120.40101, 27.51099], [120.401, 27.511]]
# A bow-tie: its two halves cancel, so a repair would change the area completely.
_BOWTIE = [[120.401, 27.511], [120.402, 27.512], [120.402, 27.511], [120.401, 27.512], [120.401, 27.511]]
_UNCLOSED = SQUARE[:-1]
_FAR_HOLE = [[120.403, 27.511], [120.4035, 27.511], [120.4035, 27.5115], [120.403, 27.511]]
_COLLAPSED = [[120.401, 27.511], [120.402, 27.511], [120.401, 27.511]]
# A hole in SQUARE, counter-clockwise like its exterior (RFC 7946 wants holes clockwise).
_CCW_HOLE = [[120.4013, 27.5113], [120.4017, 27.5113], [120.4017, 27.5117], [120.4013, 27.5117], [120.4013, 27.5113]]


def _shapefile_without_prj(tmp: Path) -> Path:
    shp = write_shapefile(tmp / "shp", households_frame(), prj=False)
    return zip_files(tmp / "households.zip", shapefile_parts(shp))


def _shapefile_without_dbf(tmp: Path) -> Path:
    shp = write_shapefile(tmp / "shp", households_frame())
    (tmp / "shp" / "households.dbf").unlink()
    return shp


def _declared_projected_but_degrees(tmp: Path) -> Path:
    return write_geojson(tmp / "h.geojson", [household()], crs="urn:ogc:def:crs:EPSG::4549")


REJECTED: list[Case] = [
    Case("bowtie polygon: repair would change the area", "units", _units_file(_unit(polygon(_BOWTIE))),
         ("面自相交", "相互抵消", "无法安全地自动修复"), 1),
    Case("hole outside its shell: repair would change the area", "units",
         _units_file(_unit(polygon(SQUARE, _FAR_HOLE))), ("内环（洞）在外环之外", "面积变化", "上限 1%"), 1),
    Case("ring collapsed to a line: repair leaves nothing", "units", _units_file(_unit(polygon(_COLLAPSED))),
         ("没有剩下面",), 1),
    Case("NaN coordinate in a point", "households",
         _households_file(household(point(math.nan, 27.5), n=2)), ("NaN",), 2),
    Case("infinite coordinate in a point", "households",
         _households_file(household(point(math.inf, 27.5), n=2)), ("无穷大",), 2),
    Case("NaN inside a polygon is refused before make_valid", "units",
         _units_file(_unit(polygon([*SQUARE[:2], [math.nan, 27.512], *SQUARE[3:]]))), ("NaN",), 1),
    Case("null geometry", "households", _households_file(household(None, n=2) | {"geometry": None}),
         ("没有几何",), 2),
    Case("empty geometry", "units", _units_file(_unit({"type": "Polygon", "coordinates": []})), ("几何为空",), 1),
    Case("unknown geometry type", "households",
         _households_file(feature({"type": "Blob", "coordinates": [1, 2]}, address="x")),
         ("几何类型 'Blob'", "不是 GeoJSON 的几何类型"), 2),
    Case("point into units", "units", _units_file(_unit(point(*INSIDE_M1))), ("Point", "需要面"), 1),
    Case("polygon into households", "households", _households_file(household(polygon(SQUARE), n=2)),
         ("Polygon", "需要点"), 2),
    Case("latitude/longitude swapped", "households",
         _households_file(household(point(27.515, 120.405), n=2)), ("swapped", "写反"), 2),
    Case("projected metres without CRS", "households",
         _households_file(household(point(512000.0, 3044000.0), n=2)), ("projected metres", "--crs"), 2),
    Case("degrees under a projected CRS", "households", _declared_projected_but_degrees,
         ("投影坐标系", "EPSG:4549", "看起来是经纬度"), None),
    Case("shapefile without .prj", "households", _shapefile_without_prj,
         (".prj", "--crs EPSG:4326"), None),
    Case("shapefile without .dbf", "households", _shapefile_without_dbf, ("缺少配套文件", ".dbf"), None),
    Case("required column missing", "households",
         lambda tmp: write_geojson(tmp / "h.geojson", [feature(point(*INSIDE_M1), residents=3)]),
         ("缺少必填字段 address",), None),
    Case("required value empty", "households", _households_file(household(n=2, address="")),
         ("必填字段 address 为空",), 2),
    Case("unknown choice value", "stations",
         lambda tmp: write_geojson(tmp / "s.geojson", [feature(point(*INSIDE_M1), name="站",
                                                              station_type="teahouse")]),
         ("station_type", "'teahouse'", "允许", "party_l2"), 1),
    Case("integer field holds text", "households", _households_file(household(n=2, residents="three")),
         ("residents", "'three'", "不是整数"), 2),
    Case("bad date", "stations",
         lambda tmp: write_geojson(tmp / "s.geojson", [feature(point(*INSIDE_M1), name="站",
                                                              station_type="happiness", opened="next week")]),
         ("opened", "'next week'", "不是日期"), 1),
    Case("bad JSON text", "stations",
         lambda tmp: write_geojson(tmp / "s.geojson", [feature(point(*INSIDE_M1), name="站",
                                                              station_type="happiness", services="[a, b")]),
         ("services", "不是有效的 JSON"), 1),
    Case("duplicate ids", "households", _households_file(household(n=2, id="h1"), household(n=3, id="h1")),
         ("id 'h1' 重复",), 2),
    Case("CSV longitude not a number", "households",
         lambda tmp: write_csv(tmp / "h.csv", "address,lon,lat\n一号,120.405,27.515\n二号,东经120度,27.5\n"),
         ("lon", "'东经120度'", "不是数字"), 2),
    Case("CSV without coordinate columns", "households",
         lambda tmp: write_csv(tmp / "h.csv", "address,东,北\n一号,120.405,27.515\n"), ("找不到坐标列",), None),
    Case("file without features", "households", lambda tmp: write_geojson(tmp / "h.geojson", []),
         ("没有任何要素",), None),
    Case("corrupt GeoJSON", "households",
         lambda tmp: write_csv(tmp / "h.geojson", '{"type": "FeatureCollection", "features": [{"type": '),
         ("h.geojson", "不是有效的 JSON", "第 1 行"), None),
    Case("unsupported file type", "households",
         lambda tmp: write_csv(tmp / "h.xlsx", "not really"), ("不支持的文件类型",), None),
    Case("oversize file refused before reading", "households",
         lambda tmp: write_csv(tmp / "h.geojson", "{" * 5000), ("超过上限",), None, {"max_bytes": 1000}),
    Case("unknown --crs", "households", _households_file(), ("--crs", "不是可识别的坐标系"), None,
         {"crs": "EPSG:999999"}),
    Case("GCJ-02 with projected coordinates", "households",
         lambda tmp: write_geojson(tmp / "h.geojson", [household(point(512000.0, 3044000.0))]),
         ("gcj02", "投影"), None, {"crs": "EPSG:4549", "source_crs": "gcj02"}),
]


@pytest.mark.parametrize("case", REJECTED, ids=[c.name for c in REJECTED])
def test_bad_file_is_rejected_naming_feature_and_problem(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    with pytest.raises(ImportRejected) as caught:
        read_layer_file(case.layer, path, **case.kwargs)
    matching = [p for p in caught.value.problems if all(w in p.message for w in case.words)]
    assert matching, f"no problem mentions {case.words}: {caught.value}"
    assert all(p.severity == "error" for p in caught.value.problems)
    assert matching[0].feature == case.feature
    where = "文件" if case.feature is None else f"第 {case.feature} 个要素"
    assert matching[0].message.startswith(where)
    assert matching[0].message in str(caught.value)
    english = matching[0].text("en")  # every message renders in English too, naming the same place
    assert english.startswith("File" if case.feature is None else f"Feature {case.feature}")
    assert english in str(caught.value) and english != matching[0].message


def _gbk_shapefile_zip(tmp: Path) -> Path:
    frame = households_frame(2)
    frame["address"] = ["温州市苍南县灵溪镇人民路1号", "龙港镇"]
    shp = write_shapefile(tmp / "shp", frame, encoding="GBK", cpg=False)
    return zip_files(tmp / "households.zip", shapefile_parts(shp))


@dataclass(frozen=True)
class Repair:
    name: str
    layer: str
    build: Build
    words: tuple[str, ...]
    check: Callable[[Any], None] = lambda result: None
    kwargs: dict[str, Any] = field(default_factory=dict)


def _valid_multipolygon(result: Any) -> None:
    geom = result.frame.geometry.iloc[0]
    assert geom.geom_type == "MultiPolygon" and geom.is_valid


def _rfc7946_rings(result: Any) -> None:
    polygon_ = result.frame.geometry.iloc[0].geoms[0]
    assert polygon_.exterior.is_ccw and all(not ring.is_ccw for ring in polygon_.interiors)


def _two_dimensional(result: Any) -> None:
    assert not shapely.has_z(result.frame.geometry.to_numpy()).any()
    assert result.frame.crs.to_epsg() == 4326


REPAIRED: list[Repair] = [
    Repair("small self-intersection repaired with make_valid", "units", _units_file(_unit(polygon(_SMALL_LOOP))),
           ("第 1 个要素（33032710000101001）", "面自相交", "已修复（make_valid）"), _valid_multipolygon),
    Repair("unclosed ring closed", "units", _units_file(_unit(polygon(_UNCLOSED))),
           ("第 1 个要素", "未闭合", "已自动闭合"), _valid_multipolygon),
    Repair("3D coordinates: Z dropped (and the EPSG:4979 pyogrio gives is 4326)", "households",
           _households_file(household(point(*INSIDE_M1, 12.5), n=2)), ("第 2 个要素", "高程"), _two_dimensional),
    Repair("one-point MultiPoint becomes a Point", "households",
           _households_file(household({"type": "MultiPoint", "coordinates": [list(INSIDE_M1)]}, n=2)),
           ("第 2 个要素", "MultiPoint"),
           lambda r: assert_equal(list(r.frame.geom_type), ["Point", "Point"])),
    Repair("counter-clockwise hole turned clockwise (RFC 7946)", "units",
           _units_file(_unit(polygon(SQUARE, _CCW_HOLE))), ("第 1 个要素", "RFC 7946", "已调整"), _rfc7946_rings),
    Repair("clockwise exterior turned counter-clockwise (RFC 7946)", "units",
           _units_file(_unit(polygon(SQUARE[::-1]))), ("第 1 个要素", "外环应为逆时针"), _rfc7946_rings),
    Repair("15 decimals rounded to 7", "households",
           _households_file(household(point(120.405000000000012, 27.515000000000034), n=2)),
           ("第 2 个要素", "超过 7 位小数", "四舍五入"),
           lambda r: assert_equal(shapely.get_coordinates(r.frame.geometry.iloc[1]).tolist(), [[120.405, 27.515]])),
    Repair("units parent_code derived from the code", "units",
           _units_file(_unit(polygon(SQUARE), parent_code=None)), ("推定为 33032710000101",),
           lambda r: assert_equal(r.frame["parent_code"].iloc[0], "33032710000101")),
]


def assert_equal(actual: Any, expected: Any) -> None:
    assert actual == expected


@pytest.mark.parametrize("case", REPAIRED, ids=[c.name for c in REPAIRED])
def test_safe_repair_is_made_and_reported(case: Repair, tmp_path: Path) -> None:
    result = read_layer_file(case.layer, case.build(tmp_path), **case.kwargs)
    assert not result.problems
    matching = [p for p in result.repaired if all(w in p.message for w in case.words)]
    assert matching, f"no repair mentions {case.words}: {[p.message for p in result.repaired]}"
    assert all(p.severity == "repaired" for p in result.repaired)
    assert all(p.text("en").startswith("Feature ") for p in matching)
    case.check(result)


def test_3d_file_reported_as_epsg4979_is_taken_as_wgs84(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "z.geojson", [household(point(*INSIDE_M1, 5.0), n=1),
                                                 household(point(*INSIDE_M1, 6.0), n=2)])
    assert pyogrio.read_info(path)["crs"] == "EPSG:4979"  # what pyogrio says for 3D GeoJSON
    result = read_layer_file("households", path)
    assert result.frame.crs.to_epsg() == 4326 and not shapely.has_z(result.frame.geometry.to_numpy()).any()
    assert len(result.repaired) == 2
    assert not any("转换" in n.text() for n in result.notes)  # no transformation: 4979 is 4326 plus height


def test_plain_geopandas_cannot_read_an_unclosed_ring(tmp_path: Path) -> None:
    """Why the reader parses WKB itself: GDAL passes the ring on unclosed, shapely refuses it."""
    path = _units_file(_unit(polygon(_UNCLOSED)))(tmp_path)
    with pytest.warns(RuntimeWarning, match="Non closed ring"), pytest.raises(shapely.errors.GEOSException):
        gpd.read_file(path)


def test_repair_keeps_area_within_one_percent(tmp_path: Path) -> None:
    result = read_layer_file("units", _units_file(_unit(polygon(_SMALL_LOOP)))(tmp_path))
    before = abs(shapely.Polygon(_SMALL_LOOP).area)
    assert result.frame.geometry.iloc[0].area == pytest.approx(before, rel=0.01)


def test_gbk_dbf_without_cpg_is_read_as_gb18030_and_noted(tmp_path: Path) -> None:
    result = read_layer_file("households", _gbk_shapefile_zip(tmp_path))
    assert list(result.frame["address"]) == ["温州市苍南县灵溪镇人民路1号", "龙港镇"]
    assert any("GB18030" in n.text() for n in result.notes)


def test_utf8_dbf_without_cpg_is_read_as_utf8_and_noted(tmp_path: Path) -> None:
    frame = households_frame(1)
    frame["address"] = ["灵溪镇"]
    shp = write_shapefile(tmp_path / "shp", frame, encoding="UTF-8", cpg=False)
    result = read_layer_file("households", shp)
    assert list(result.frame["address"]) == ["灵溪镇"]
    assert any("UTF-8" in n.text() for n in result.notes)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_is_decoded_and_noted(encoding: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "address,经度,纬度\n温州市苍南县灵溪镇,120.405,27.515\n", encoding)
    result = read_layer_file("households", path)
    assert result.frame["address"].iloc[0] == "温州市苍南县灵溪镇"
    assert any("GB18030" in n.text() for n in result.notes)


def test_shapefile_without_prj_is_accepted_with_crs(tmp_path: Path) -> None:
    result = read_layer_file("households", _shapefile_without_prj(tmp_path), crs="EPSG:4326")
    assert len(result.frame) == 3 and result.frame.crs.to_epsg() == 4326


def test_projected_metres_are_accepted_with_crs(tmp_path: Path) -> None:
    metres = households_frame(3, crs="EPSG:4549")
    features = [household(point(p.x, p.y), n=i) for i, p in enumerate(metres.geometry)]
    path = write_geojson(tmp_path / "h.geojson", features)
    result = read_layer_file("households", path, crs="EPSG:4549")
    expected = households_frame(3).geometry
    assert np.allclose(shapely.get_coordinates(result.frame.geometry), shapely.get_coordinates(expected), atol=1e-8)


def test_many_problems_are_listed_with_a_count(tmp_path: Path) -> None:
    features = [household(n=i, residents="x") for i in range(30)]
    with pytest.raises(ImportRejected) as caught:
        read_layer_file("households", write_geojson(tmp_path / "h.geojson", features))
    text = str(caught.value)
    assert len(caught.value.problems) == 30
    assert "发现 30 个问题" in text and "另有 10 个问题" in text
    assert "第 1 个要素" in text and "第 30 个要素" not in text


def test_all_problems_are_collected_in_one_round(tmp_path: Path) -> None:
    features = [household(n=1), household(None, n=2) | {"geometry": None}, household(point(27.5, 120.4), n=3),
                household(n=4, residents="x")]
    with pytest.raises(ImportRejected) as caught:
        read_layer_file("households", write_geojson(tmp_path / "h.geojson", features))
    assert [p.feature for p in caught.value.problems] == [2, 3, 4]


def test_preview_returns_problems_and_only_the_good_rows(tmp_path: Path) -> None:
    features = [household(n=1), household(None, n=2) | {"geometry": None}, household(n=3)]
    result = read_layer_file("households", write_geojson(tmp_path / "h.geojson", features), raise_on_error=False)
    assert [p.feature for p in result.problems] == [2]
    assert list(result.frame["address"]) == ["灵溪镇人民路1号", "灵溪镇人民路3号"]
