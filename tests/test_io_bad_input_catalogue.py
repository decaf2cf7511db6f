"""The bad-input catalogue (issue 8), on the real import path: a file, a Session, the store.

Each case was found by an independent run against ``main`` and is pinned here with a
real file: the message must name the feature (or the file) and what is wrong, in
Chinese and in English; nothing may be written (rows, geometries and the audit log
are compared before and after); no exception other than ``ImportRejected``. Every
store test runs on SQLite and PostGIS (the ``tiny_store`` fixture).

Cases that are repaired rather than refused (clockwise rings, coordinate noise) check
what is stored and that the report says so.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from gridmap.access import Session
from gridmap.io import ImportRejected, import_layer
from gridmap.io.geometry import DEFAULT_MAX_VERTICES
from gridmap.store import Store
from gridmap.uploads import UploadRejected, accept_upload
from tests.fixtures.io.builders import (
    INSIDE_M1,
    feature,
    household,
    point,
    polygon,
    write_csv,
    write_geojson,
)
from tests.store_fixtures import M1, M2, SCOPE, tiny_units

FIXTURES = Path(__file__).parent / "fixtures" / "io"
Build = Callable[[Path], Path]
# M1 is the box 120.40-120.41E x 27.51-27.52N; these stay inside it.
CENTRE, RADIUS = (120.405, 27.515), 0.004


# --------------------------------------------------------------------------- files


def _ring(n: int, *, clockwise: bool = False, noise: float = 0.0) -> list[list[float]]:
    """A closed circle of ``n`` distinct vertices inside M1."""
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    if clockwise:
        angles = -angles
    ring = [[CENTRE[0] + RADIUS * math.cos(a) + noise, CENTRE[1] + RADIUS * math.sin(a) + noise] for a in angles]
    return [*ring, ring[0]]


def _units_file(tmp: Path, replace: dict[str, dict[str, Any] | None] | None = None,
                props: dict[str, dict[str, Any]] | None = None, name: str = "units.geojson") -> Path:
    """The tiny county's nine units as GeoJSON, with some geometries or properties replaced."""
    replace, props = replace or {}, props or {}
    features = []
    for row in tiny_units().itertuples():
        geometry = replace.get(row.code, shapely.geometry.mapping(row.geometry))
        properties = {"code": row.code, "level": row.level, "name": row.name, "parent_code": row.parent_code,
                      "plan_version": 1, **props.get(row.code, {})}
        features.append(feature(geometry, **properties))
    return write_geojson(tmp / name, features)


def _households(tmp: Path, *features: dict[str, Any]) -> Path:
    return write_geojson(tmp / "households.geojson", [household(n=1, id="ok1"), *features])


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _deep_json(depth: int) -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"


# --------------------------------------------------------------------------- store state


def _snapshot(store: Store) -> dict[str, Any]:
    """Every row (id and geometry) of the layers an import writes, and the audit log length."""
    state: dict[str, Any] = {}
    for layer in ("units", "households", "issues", "stations"):
        frame = store.read(layer, SCOPE).sort_values("id")
        state[layer] = [(i, g.wkb_hex) for i, g in zip(frame["id"], frame.geometry, strict=True)]
    state["audit"] = len(store.audit_log(SCOPE, limit=10_000))
    state["plan"] = store.current_plan(SCOPE.county_code)
    return state


def _import(store: Store, layer: str, path: Path, **kwargs: Any) -> Any:
    return import_layer(Session.system(store, SCOPE, "tester"), layer, path, **kwargs)


# --------------------------------------------------------------------------- refused cases


@dataclass(frozen=True)
class Case:
    """A bad file, the layer, the feature the message must name, and its words in each language."""

    name: str
    layer: str
    build: Build
    feature: int | None
    zh: tuple[str, ...]
    en: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


REFUSED: list[Case] = [
    Case("ring with 300,000 vertices", "units",
         lambda tmp: _units_file(tmp, {M1: polygon(_ring(300_000))}), 6,
         ("300,001 个顶点", f"上限 {DEFAULT_MAX_VERTICES:,}", M1),
         ("300,001 vertices", "limit of 20,000 per feature", M1), {"mode": "replace"}),
    Case("polygon across the antimeridian", "units",
         lambda tmp: _units_file(tmp, {M1: polygon([[179.9, 27.51], [-179.9, 27.51], [-179.9, 27.52],
                                                    [179.9, 27.52], [179.9, 27.51]])}), 6,
         ("跨越 180° 经线", M1), ("crosses the 180th meridian", M1), {"mode": "replace"}),
    Case("polygon larger than a county", "units",
         lambda tmp: _units_file(tmp, {M1: polygon([[118.0, 25.0], [124.0, 25.0], [124.0, 28.0], [118.0, 28.0],
                                                    [118.0, 25.0]])}), 6,
         ("经度 6.00° × 纬度 3.00°", "超过一个县的合理范围"), ("spans 6.00 degrees", "more than a county"),
         {"mode": "replace"}),
    Case("point outside China", "households", lambda tmp: _households(tmp, household(point(10.0, 50.0), n=2)), 2,
         ("(10, 50)", "不在中国境内"), ("(10, 50)", "outside China")),
    Case("point at 0,0 (a GPS without a fix)", "households",
         lambda tmp: _households(tmp, household(point(0.0, 0.0), n=2)), 2, ("不在中国境内",), ("outside China",)),
    Case("coordinates written as strings", "households",
         lambda tmp: _households(tmp, household({"type": "Point", "coordinates": ["120.405", "27.515"]}, n=2)), 2,
         ("坐标是文本", "'120.405'"), ("coordinates are text", "'120.405'")),
    Case("unknown geometry type", "households",
         lambda tmp: _households(tmp, household({"type": "Blob", "coordinates": [120.405, 27.515]}, n=2)), 2,
         ("几何类型 'Blob'", "不是 GeoJSON 的几何类型"), ("geometry type 'Blob'", "not a GeoJSON geometry type")),
    Case("geometry given as a WKT string inside GeoJSON", "households",
         lambda tmp: _households(tmp, household(n=2) | {"geometry": "POINT (120.405 27.515)"}), 2,
         ("不是 GeoJSON 几何对象",), ("not a GeoJSON geometry object",)),
    Case("Point without coordinates", "households",
         lambda tmp: _households(tmp, household({"type": "Point"}, n=2)), 2,
         ("缺少 coordinates",), ("has no coordinates",)),
    Case("WKT of an unknown type in a CSV", "households",
         lambda tmp: write_csv(tmp / "h.csv", "address,wkt\n一号,POINT (120.405 27.515)\n二号,BLOB (1 2)\n"), 2,
         ("WKT 文本 'BLOB (1 2)'", "无法解析"), ("WKT text 'BLOB (1 2)'", "cannot be parsed")),
    Case("zip holding only a readme.txt", "households",
         lambda tmp: _zip(tmp / "households.zip", {"readme.txt": "本压缩包说明\nfor the households layer\n".encode()}),
         None, ("没有可读取的数据文件", "readme.txt"), ("holds no data file", "readme.txt")),
    Case("JSON nested 5,000 levels deep", "households",
         lambda tmp: _write(tmp / "deep.geojson", _deep_json(5000)), None,
         ("嵌套 5001 层", "上限 100 层"), ("nested 5001 levels deep", "limit of 100")),
    Case("Open311 GeoReport v2 service requests for households", "households",
         lambda tmp: FIXTURES / "open311_requests.json", None,
         ("Open311 GeoReport v2", "服务请求", "请作为事件导入"),
         ("Open311 GeoReport v2 service requests", "import it as issues")),
    Case("Open311 service list", "issues",
         lambda tmp: write_csv(tmp / "services.json", json.dumps([
             {"service_code": "001", "service_name": "Cans left out 24x7", "metadata": True, "type": "realtime",
              "keywords": "lorem, ipsum, dolor", "group": "sanitation"}])), None,
         ("Open311", "服务类型列表"), ("Open311", "service list")),
    Case("JSON that is not GeoJSON", "households",
         lambda tmp: write_csv(tmp / "h.json", json.dumps({"displayFieldName": "x", "features": []})), None,
         ("不是 GeoJSON", "displayFieldName"), ("not GeoJSON", "displayFieldName")),
    Case("a JSON field nested 3,000 levels deep in a CSV cell", "stations",
         lambda tmp: write_csv(tmp / "s.csv", "name,station_type,lon,lat,services\n一号站,happiness,120.405,27.515,\""
                               + "[" * 3000 + "]" * 3000 + "\"\n"), 1,
         ("services", "嵌套 3000 层"), ("services", "nested 3000 levels deep")),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_bad_input_is_refused_by_name_and_nothing_is_written(case: Case, tiny_store: Store, tmp_path: Path) -> None:
    before = _snapshot(tiny_store)
    path = case.build(tmp_path)
    with pytest.raises(ImportRejected) as caught:
        _import(tiny_store, case.layer, path, **case.kwargs)
    matching = [p for p in caught.value.problems if all(w in p.message for w in case.zh)]
    assert matching, f"no problem says {case.zh}:\n{caught.value}"
    found = matching[0]
    assert found.feature == case.feature
    assert all(w in found.text("en") for w in case.en), found.text("en")
    where_en = "File" if case.feature is None else f"Feature {case.feature}"
    assert found.text("en").startswith(where_en) and found.message.startswith(found.where("zh"))
    assert _snapshot(tiny_store) == before


# --------------------------------------------------------------------------- the vertex limit


def test_vertex_limit_is_a_parameter(tiny_store: Store, tmp_path: Path) -> None:
    path = _units_file(tmp_path, {M1: polygon(_ring(25_000))})
    before = _snapshot(tiny_store)
    with pytest.raises(ImportRejected, match="25,001 个顶点"):
        _import(tiny_store, "units", path, mode="replace")
    assert _snapshot(tiny_store) == before
    report = _import(tiny_store, "units", path, mode="replace", max_vertices=30_000)
    assert report.written == 9
    stored = tiny_store.read("units", SCOPE, where={"code": M1}).geometry.iloc[0]
    assert shapely.get_num_coordinates(stored) == 25_001


def test_extent_limit_is_a_parameter(tiny_store: Store, tmp_path: Path) -> None:
    """A 4-degree polygon is refused by default; with a larger limit the next check speaks (nesting)."""
    path = _units_file(tmp_path, {M1: polygon([[118.0, 25.0], [122.0, 25.0], [122.0, 26.0], [118.0, 26.0],
                                               [118.0, 25.0]])})
    with pytest.raises(ImportRejected) as default:
        _import(tiny_store, "units", path, mode="replace")
    assert [p.key for p in default.value.problems] == ["io.geom.too_large"]
    with pytest.raises(ImportRejected) as wider:
        _import(tiny_store, "units", path, mode="replace", max_extent_deg=5)
    assert "io.unit.outside_parent" in [p.key for p in wider.value.problems]


# --------------------------------------------------------------------------- repairs reported with refusals


def test_repairs_are_reported_with_a_later_rejection(tiny_store: Store, tmp_path: Path) -> None:
    """An unclosed ring (repaired while reading) and a code of the wrong length (refused later)."""
    unclosed = shapely.geometry.mapping(tiny_units().set_index("code").geometry[M1].geoms[0])
    unclosed = {"type": "Polygon", "coordinates": [list(unclosed["coordinates"][0][:-1])]}
    path = _units_file(tmp_path, {M1: unclosed}, {M2: {"code": M2[:-1]}})
    before = _snapshot(tiny_store)
    with pytest.raises(ImportRejected) as caught:
        _import(tiny_store, "units", path, mode="replace")
    text = str(caught.value)
    assert "已自动闭合" in text and "应为 17 位数字" in text, text
    assert "it was closed" in caught.value.text("en") and "have 17 digits" in caught.value.text("en")
    assert [p.key for p in caught.value.repairs] == ["io.repair.ring_closed"]
    assert caught.value.repairs[0].feature == 6
    assert _snapshot(tiny_store) == before


def test_repairs_are_reported_when_the_store_check_refuses(tiny_store: Store, tmp_path: Path) -> None:
    """The refusal after reading (units already stored, append mode) keeps the repairs too."""
    unclosed = {"type": "Polygon", "coordinates": [[[120.40, 27.51], [120.41, 27.51], [120.41, 27.52],
                                                    [120.40, 27.52]]]}
    path = _units_file(tmp_path, {M1: unclosed})
    before = _snapshot(tiny_store)
    with pytest.raises(ImportRejected) as caught:
        _import(tiny_store, "units", path)
    assert "已存在于第 1 版规划中" in str(caught.value)
    assert "已自动闭合" in str(caught.value) and caught.value.repairs
    assert _snapshot(tiny_store) == before


# --------------------------------------------------------------------------- normalised on import


def test_clockwise_rings_and_coordinate_noise_are_normalised_and_reported(tiny_store: Store, tmp_path: Path) -> None:
    noisy = _ring(40, clockwise=True, noise=1.234567890123e-9)
    path = _units_file(tmp_path, {M1: polygon(noisy)})
    assert not shapely.Polygon(noisy).exterior.is_ccw  # the file really is clockwise
    report = _import(tiny_store, "units", path, mode="replace")
    stored = tiny_store.read("units", SCOPE, where={"code": M1}).geometry.iloc[0]
    ring = stored.geoms[0].exterior
    assert ring.is_ccw
    coords = shapely.get_coordinates(stored)
    assert np.array_equal(coords, np.round(coords, 7))
    assert report.repaired == 1 and {p.key for p in report.repairs} == {"io.repair.orientation",
                                                                         "io.repair.precision"}
    assert "修复 1 条" in str(report) and "逆时针" in report.text("zh")
    assert "counter-clockwise" in report.text("en") and "rounded to 7" in report.text("en")
    others = tiny_store.read("units", SCOPE).set_index("code").drop(index=M1)
    original = tiny_units().set_index("code").drop(index=M1)
    assert all(shapely.equals_exact(others.geometry[c], original.geometry[c], tolerance=0) for c in original.index)


def test_point_coordinate_noise_is_rounded_and_reported(tiny_store: Store, tmp_path: Path) -> None:
    x, y = INSIDE_M1[0] + 1.23456789012345e-9, INSIDE_M1[1] + 9.87654321098765e-10
    path = _households(tmp_path, household(point(x, y), n=2, id="noisy"))
    report = _import(tiny_store, "households", path)
    stored = tiny_store.read("households", SCOPE, where={"id": "noisy"}).geometry.iloc[0]
    assert (stored.x, stored.y) == (round(x, 7), round(y, 7))
    assert report.repaired == 1 and report.repairs[0].feature == 2
    assert "rounded to 7" in report.text("en")


def test_a_clean_file_is_stored_exactly_as_given(tiny_store: Store, tmp_path: Path) -> None:
    """7 decimals, counter-clockwise rings: nothing to repair, the geometry stays bit for bit."""
    clean = np.round(_ring(40), 7).tolist()
    path = _units_file(tmp_path, {M1: polygon(clean)})
    report = _import(tiny_store, "units", path, mode="replace")
    assert report.repaired == 0 and not report.repairs
    stored = tiny_store.read("units", SCOPE, where={"code": M1}).geometry.iloc[0]
    assert np.array_equal(shapely.get_coordinates(stored), np.array(clean))


# --------------------------------------------------------------------------- uploads


def test_upload_of_deeply_nested_json_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(UploadRejected) as caught:
        accept_upload(_deep_json(5000), "deep.geojson", "data")
    assert caught.value.key == "upload.json_too_deep"
    assert "5001" in caught.value.text("zh") and "nested 5001 levels deep" in caught.value.text("en")


def test_upload_of_open311_requests_is_accepted_as_open311() -> None:
    upload = accept_upload((FIXTURES / "open311_requests.json").read_bytes(), "requests.json", "data")
    assert (upload.fmt, upload.filename, upload.media_type) == ("open311", "requests.json", "application/json")


def test_upload_of_an_open311_service_list_names_the_format() -> None:
    services = json.dumps([{"service_code": "001", "service_name": "Cans", "type": "realtime"}]).encode()
    with pytest.raises(UploadRejected) as caught:
        accept_upload(services, "services.json", "data")
    assert caught.value.key == "upload.not_geojson"
    assert "服务类型列表" in caught.value.text("zh") and "holds no issues" in caught.value.text("en")


def test_upload_of_a_zip_holding_only_a_readme_is_refused() -> None:
    with pytest.raises(UploadRejected) as caught:
        accept_upload(_zip_bytes({"readme.txt": b"hello\nthis is a readme\n"}), "households.zip", "data")
    assert caught.value.key == "upload.archive_no_data" and "readme.txt" in caught.value.text("en")


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_a_tab_separated_txt_in_a_zip_is_read_next_to_a_readme(tiny_store: Store, tmp_path: Path) -> None:
    """The .txt rule does not get in the way: a .txt whose first line names lon/lat columns is data."""
    table = "address\tlon\tlat\n一号\t120.405\t27.515\n"
    path = _zip(tmp_path / "households.zip", {"households.txt": table.encode(), "readme.md": b"notes"})
    report = _import(tiny_store, "households", path)
    assert report.written == 1
    assert any(n.key == "io.note.csv_delimiter" for n in report.notes)
