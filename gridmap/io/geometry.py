"""Geometry checks and repairs for imported features, and the way to EPSG:4326.

Each step takes the geometry array and a ``bad`` mask (features that already have an
error and are skipped by later steps) and returns what it found. The order matters:

1. :func:`check_basics` -- missing, unreadable and empty geometries, NaN/inf
   coordinates (checked before any repair: ``make_valid`` keeps NaN), the layer's
   geometry type; Z (and M) values are dropped and reported.
2. :func:`resolve_crs` -- the source CRS: ``--crs``, else the file's, else the
   format's own (GeoJSON, CSV); no CRS at all is refused with a hint from the numbers.
3. :func:`check_ranges` -- longitude/latitude out of range, with the hint "swapped" or
   "projected metres"; degrees under a projected CRS.
4. :func:`to_wgs84` -- transform to EPSG:4326 (always_xy), then GCJ-02 -> WGS84 when
   the source is Gaode/Amap coordinates.
5. :func:`repair_polygons` -- ``make_valid`` keeping polygonal parts only, refused
   when the area changes by more than :data:`MAX_AREA_CHANGE` or nothing is left.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pyproj
import shapely

from gridmap.domain import LayerSpec
from gridmap.io.problems import Problem, problem, reject
from gridmap.spatial.crs import gcj02_to_wgs84

STORE_CRS = pyproj.CRS("EPSG:4326")
# A repair may change a polygon's area by at most this fraction.
MAX_AREA_CHANGE = 0.01
# China, for the hints: longitudes 73-136E, latitudes 18-54N.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (18.0, 54.0)
# Coordinates this large are metres (or feet), not degrees.
_PROJECTED_MAGNITUDE = 1000.0

_POINT, _MULTIPOINT, _POLYGON, _MULTIPOLYGON = 0, 4, 3, 6
_GEOS_REASONS: dict[str, str] = {
    "Ring Self-intersection": "环自相交",
    "Self-intersection": "面自相交",
    "Too few points": "点数不足",
    "Hole lies outside shell": "内环（洞）在外环之外",
    "Nested holes": "内环相互嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外环相互嵌套",
    "Duplicate Rings": "环重复",
    "Invalid Coordinate": "坐标无效",
}
_REASON = re.compile(r"^(?P<what>[^\[]+)(\[(?P<at>[^\]]*)\])?")

Found = tuple[np.ndarray, list[Problem], list[Problem]]  # geometries, errors, repairs


def check_basics(geoms: np.ndarray, unreadable: np.ndarray, spec: LayerSpec, keys: list[str | None]) -> Found:
    """Missing/unreadable/empty geometries, non-finite coordinates, type; drop Z.

    Returns:
        The geometries (2D; a one-point MultiPoint becomes a Point), the errors and
        the repairs.
    """
    geoms = geoms.copy()
    errors: list[Problem] = []
    repairs: list[Problem] = []
    missing = np.array([g is None for g in geoms], dtype=bool)
    for i in np.flatnonzero(missing):
        detail = "几何无法解析（格式错误）" if unreadable[i] else "没有几何（空值，或几何类型无法识别）"
        errors.append(problem(i + 1, detail, key=keys[i]))
    present = ~missing
    empty = present.copy()
    empty[present] = shapely.is_empty(geoms[present])
    for i in np.flatnonzero(empty):
        errors.append(problem(i + 1, "几何为空（没有坐标）", key=keys[i]))
    ok = present & ~empty
    not_finite = _rows_with_nonfinite(geoms, ok)
    for i in np.flatnonzero(not_finite):
        errors.append(problem(i + 1, "坐标含 NaN 或无穷大", key=keys[i]))
    ok &= ~not_finite
    geoms, type_errors, type_repairs = _check_type(geoms, ok, spec, keys)
    errors += type_errors
    repairs += type_repairs
    has_z = ok & (shapely.has_z(geoms) | shapely.has_m(geoms))
    if has_z.any():
        geoms[has_z] = shapely.force_2d(geoms[has_z])
        repairs += [problem(i + 1, "含高程（Z/M）坐标，已去掉，只保留平面坐标", key=keys[i], severity="repaired")
                    for i in np.flatnonzero(has_z)]
    return geoms, errors, repairs


def resolve_crs(file_crs: str | None, crs_implied: bool, crs_arg: str | None,
                geoms: np.ndarray, bad: np.ndarray) -> tuple[pyproj.CRS, list[str]]:
    """The CRS the coordinates are in, in two dimensions.

    ``--crs`` wins; then the file's declaration; then the format's (GeoJSON and CSV
    mean WGS84 longitude/latitude). A file with none of these (a shapefile without
    .prj, a GeoPackage with an undefined SRS) is refused even if its numbers look like
    longitude/latitude: the message says which ``--crs`` they look like.

    Returns:
        The horizontal source CRS and file-level notes.

    Raises:
        ImportRejected: when there is no CRS or ``crs_arg`` is not a CRS.
    """
    notes: list[str] = []
    if crs_arg:
        try:
            src = pyproj.CRS.from_user_input(crs_arg)
        except pyproj.exceptions.CRSError:
            raise reject(f"--crs {crs_arg!r} 不是可识别的坐标系；示例：EPSG:4326、EPSG:4549") from None
        declared = _parse_crs(file_crs) if file_crs and not crs_implied else None
        if declared is not None and not _horizontal(declared).equals(_horizontal(src)):
            notes.append(f"文件声明的坐标系为 {_name(declared)}，已按 --crs 指定的 {_name(src)} 解读")
        return _horizontal(src), notes
    if file_crs:
        try:
            return _horizontal(pyproj.CRS(file_crs)), notes
        except pyproj.exceptions.CRSError:
            raise reject(f"无法识别文件声明的坐标系（{file_crs[:80]}）；请用 --crs 指明，例如 EPSG:4549") from None
    if crs_implied:
        return STORE_CRS, notes
    raise reject("文件没有坐标系信息（Shapefile 缺少 .prj，或图层未定义坐标系）；" + _crs_hint(geoms, bad))


def check_ranges(geoms: np.ndarray, bad: np.ndarray, src: pyproj.CRS, keys: list[str | None]) -> list[Problem]:
    """Coordinates that cannot be in ``src``: the usual sign of a wrong CRS or swapped axes."""
    ok = np.flatnonzero(~bad)
    if ok.size == 0:
        return []
    bounds = shapely.bounds(geoms[ok])
    if not src.is_geographic:
        x0, y0 = np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1])
        x1, y1 = np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3])
        if max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90:
            return [problem(None, f"坐标系是投影坐标系 {_name(src)}（单位米），但坐标看起来是经纬度；"
                                  "若是 WGS84 经纬度，请使用 --crs EPSG:4326")]
        return []
    errors = []
    out = (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
    for j in np.flatnonzero(out):
        i = int(ok[j])
        errors.append(problem(i + 1, _range_detail(bounds[j]), key=keys[i]))
    return errors


def to_wgs84(geoms: np.ndarray, bad: np.ndarray, src: pyproj.CRS, source_datum: str,
             keys: list[str | None]) -> tuple[np.ndarray, list[Problem], list[str]]:
    """Transform the good geometries from ``src`` to EPSG:4326, then undo GCJ-02 if asked.

    Returns:
        The geometries, errors (coordinates the transformation could not map) and notes.

    Raises:
        ImportRejected: for ``source_datum="gcj02"`` with a projected ``src``.
    """
    geoms = geoms.copy()
    notes: list[str] = []
    ok = ~bad
    if not src.equals(STORE_CRS):
        transformer = pyproj.Transformer.from_crs(src, STORE_CRS, always_xy=True)
        geoms[ok] = shapely.transform(geoms[ok], lambda xy: _project(transformer, xy))
        notes.append(f"坐标已从 {_name(src)} 转换为 WGS84（EPSG:4326）")
    errors = [problem(i + 1, f"坐标无法从 {_name(src)} 转换为经纬度（超出该坐标系的范围）", key=keys[i])
              for i in np.flatnonzero(_rows_with_nonfinite(geoms, ok))]
    if source_datum == "gcj02":
        if not src.is_geographic:
            raise reject(f"--source-crs gcj02 要求坐标是经纬度，但文件坐标系是投影坐标系 {_name(src)}")
        ok = ok & ~_rows_with_nonfinite(geoms, ok)
        geoms[ok] = shapely.transform(geoms[ok], lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
        notes.append("坐标已从 GCJ-02（高德/腾讯地图坐标）转换为 WGS84")
    return geoms, errors, notes


def repair_polygons(geoms: np.ndarray, bad: np.ndarray, keys: list[str | None]) -> Found:
    """Repair invalid polygons with ``make_valid``, keeping polygonal parts only.

    A repair is accepted when something polygonal is left and the area changes by at
    most :data:`MAX_AREA_CHANGE`; otherwise the feature is an error (a bow-tie whose
    halves cancel, a ring that collapses to a line).
    """
    geoms = geoms.copy()
    errors: list[Problem] = []
    repairs: list[Problem] = []
    candidates = np.flatnonzero(~bad)
    invalid = candidates[~shapely.is_valid(geoms[candidates])]
    for i in invalid:
        reason = _reason(shapely.is_valid_reason(geoms[i]))
        fixed = _polygonal(shapely.make_valid(geoms[i], method="structure", keep_collapsed=False))
        before = abs(geoms[i].area)
        if fixed is None:
            errors.append(problem(i + 1, f"{reason}，修复后没有剩下面（退化为线或点）", key=keys[i]))
        elif before == 0:
            errors.append(problem(i + 1, f"{reason}，各部分面积相互抵消（如 8 字形），无法安全地自动修复；"
                                         "请在 GIS 软件中修正", key=keys[i]))
        elif abs(fixed.area - before) / before > MAX_AREA_CHANGE:
            change = abs(fixed.area - before) / before
            errors.append(problem(i + 1, f"{reason}，自动修复会使面积变化 {change:.1%}（上限 {MAX_AREA_CHANGE:.0%}）；"
                                         "请在 GIS 软件中修正", key=keys[i]))
        else:
            geoms[i] = fixed
            repairs.append(problem(i + 1, f"{reason}，已修复（make_valid）", key=keys[i], severity="repaired"))
    return geoms, errors, repairs


def as_multipolygons(geoms: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Polygons wrapped as MultiPolygons (the layer type of units)."""
    geoms = geoms.copy()
    polys = ~bad & (shapely.get_type_id(geoms) == _POLYGON)
    geoms[polys] = [shapely.MultiPolygon([g]) for g in geoms[polys]]
    return geoms


def looks_like_china_lonlat(bounds: np.ndarray) -> bool:
    """True when ``(minx, miny, maxx, maxy)`` lies within China's longitudes and latitudes."""
    x0, y0, x1, y1 = bounds
    return CHINA_LON[0] <= x0 and x1 <= CHINA_LON[1] and CHINA_LAT[0] <= y0 and y1 <= CHINA_LAT[1]


# --------------------------------------------------------------------------- helpers


def _check_type(geoms: np.ndarray, ok: np.ndarray, spec: LayerSpec, keys: list[str | None]) -> Found:
    errors: list[Problem] = []
    repairs: list[Problem] = []
    types = np.full(len(geoms), -1)
    types[ok] = shapely.get_type_id(geoms[ok])
    if spec.geom == "Point":
        single = ok & (types == _MULTIPOINT) & (shapely.get_num_geometries(geoms) == 1)
        for i in np.flatnonzero(single):
            geoms[i] = shapely.get_geometry(geoms[i], 0)
            repairs.append(problem(i + 1, "只含一个点的多点（MultiPoint），已改为点", key=keys[i], severity="repaired"))
        want = "点（Point）"
        wrong = ok & ~single & (types != _POINT)
    else:
        want = "面（Polygon/MultiPolygon）"
        wrong = ok & ~np.isin(types, (_POLYGON, _MULTIPOLYGON))
    for i in np.flatnonzero(wrong):
        errors.append(problem(i + 1, f"几何类型为 {geoms[i].geom_type}，{spec.name} 图层需要{want}", key=keys[i]))
        ok[i] = False
    return geoms, errors, repairs


def _project(transformer: pyproj.Transformer, xy: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        # pyproj 3.7 first tries its one-point path, which warns for 1-element arrays.
        warnings.simplefilter("ignore", DeprecationWarning)
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))


def _rows_with_nonfinite(geoms: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(len(geoms), dtype=bool)
    idx = np.flatnonzero(rows)
    if idx.size == 0:
        return out
    coords, which = shapely.get_coordinates(geoms[idx], return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    out[idx[np.unique(which[bad])]] = True
    return out


def _parse_crs(text: str) -> pyproj.CRS | None:
    try:
        return pyproj.CRS(text)
    except pyproj.exceptions.CRSError:
        return None


def _horizontal(crs: pyproj.CRS) -> pyproj.CRS:
    """The 2D part of a 3D CRS (EPSG:4979 -> EPSG:4326, the CRS pyogrio gives 3D files)."""
    two_d = crs.to_2d() if len(crs.axis_info) > 2 else crs
    return STORE_CRS if two_d.equals(STORE_CRS, ignore_axis_order=True) else two_d


def _name(crs: pyproj.CRS) -> str:
    code = crs.to_epsg(min_confidence=70)
    return f"EPSG:{code}（{crs.name}）" if code else crs.name


def _range_detail(b: np.ndarray) -> str:
    x0, y0, x1, y1 = (float(v) for v in b)
    shown = f"({x0:.6g}, {y0:.6g})"
    if CHINA_LAT[0] <= x0 and x1 <= CHINA_LAT[1] and CHINA_LON[0] <= y0 and y1 <= CHINA_LON[1]:
        return f"坐标 {shown} 超出经纬度范围，看起来经度和纬度写反了（looks like latitude/longitude swapped）；请交换两列后再导入"
    if max(abs(x0), abs(x1), abs(y0), abs(y1)) > _PROJECTED_MAGNITUDE:
        return (f"坐标 {shown} 超出经纬度范围，看起来是投影坐标（米），例如 EPSG:4549"
                "（looks like projected metres）；请用 --crs 指明坐标系")
    return f"坐标 {shown} 超出经纬度范围（经度 -180~180，纬度 -90~90）"


def _crs_hint(geoms: np.ndarray, bad: np.ndarray) -> str:
    good = geoms[~bad]
    if good.size == 0:
        return "请用 --crs 指明坐标系"
    bounds = shapely.total_bounds(good)
    if looks_like_china_lonlat(bounds):
        return "坐标看起来是中国境内的经纬度；如确为 WGS84 经纬度，请加 --crs EPSG:4326 再导入"
    if np.nanmax(np.abs(bounds)) > _PROJECTED_MAGNITUDE:
        return "坐标看起来是投影坐标（米），例如 EPSG:4549（CGCS2000 3 度带 120E）；请用 --crs 指明坐标系"
    return "请用 --crs 指明坐标系"


def _reason(text: str) -> str:
    match = _REASON.match(text or "")
    what = (match.group("what") if match else text).strip()
    words = next((zh for en, zh in _GEOS_REASONS.items() if what.startswith(en)), "几何无效")
    at = match.group("at") if match else None
    return f"{words}（{what}{'，位置 ' + at if at else ''}）"


def _polygonal(geom: shapely.Geometry) -> shapely.MultiPolygon | None:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    return shapely.MultiPolygon(polys) if polys else None
