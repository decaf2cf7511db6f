"""Geometry checks and repairs for imported features, and the way to EPSG:4326.

Each step takes the geometry array and a ``bad`` mask (features that already have an
error and are skipped by later steps) and returns what it found. The order matters:

1. :func:`check_basics` -- missing, unreadable and empty geometries, NaN/inf
   coordinates (checked before any repair: ``make_valid`` keeps NaN), more vertices
   than the per-feature limit (:data:`DEFAULT_MAX_VERTICES`, checked before any
   geometry work), the layer's geometry type; Z (and M) values are dropped and reported.
2. :func:`resolve_crs` -- the source CRS: ``--crs``, else the file's, else the
   format's own (GeoJSON, CSV); no CRS at all is refused with a hint from the numbers.
3. :func:`check_ranges` -- longitude/latitude out of range, with the hint "swapped" or
   "projected metres"; degrees under a projected CRS.
4. :func:`to_wgs84` -- transform to EPSG:4326 (always_xy), then GCJ-02 -> WGS84 when
   the source is Gaode/Amap coordinates.
5. :func:`check_extent` -- in WGS84, each feature must lie in China
   (:data:`CHINA_EXTENT`), must not cross the 180th meridian, and a polygon may span at
   most :data:`DEFAULT_MAX_EXTENT_DEG` degrees each way (a county's size).
6. :func:`normalise_precision` -- coordinates rounded to :data:`COORDINATE_DECIMALS`
   decimals (about 1 cm; the precision of our exports), reported per feature.
7. :func:`repair_polygons` -- ``make_valid`` keeping polygonal parts only, refused
   when the area changes by more than :data:`MAX_AREA_CHANGE` or nothing is left.
8. :func:`orient_polygons` -- RFC 7946's right-hand rule: exterior rings
   counter-clockwise, holes clockwise; reported per feature that had it the other way.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pyproj
import shapely

from gridmap.domain import LayerSpec
from gridmap.io.problems import Message, Problem, message, problem, reject
from gridmap.spatial.crs import CHINA_LON_RANGE, gcj02_to_wgs84

STORE_CRS = pyproj.CRS("EPSG:4326")
# A repair may change a polygon's area by at most this fraction.
MAX_AREA_CHANGE = 0.01
# China, for the hints: longitudes 73-136E, latitudes 18-54N.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (18.0, 54.0)
# Where every imported feature must lie: China from Pamir to the Wusuli (73-136E, the
# range metric_crs takes) and from the Nansha islands to Mohe (3-54N).
CHINA_EXTENT = (CHINA_LON_RANGE[0], 3.0, CHINA_LON_RANGE[1], 54.0)
# A feature with more vertices is refused: a micro-grid drawn by hand has tens, a
# surveyed village boundary a few thousand; 20,000 is a 100 km outline at 5 m spacing.
# Larger rows slow every map and nesting check (measured: a 300,000-vertex ring is
# 4.8 MB of WKB and grew the SQLite store by 9.5 MB). A parameter of read_layer_file /
# import_layer (max_vertices=); the deployment setting is to come with gridmap.config.
DEFAULT_MAX_VERTICES = 20_000
# A polygon may span at most this many degrees of longitude and of latitude (~300 km;
# Cangnan spans about 0.6). The largest western counties (Ruoqiang in Xinjiang, Ejin
# Banner in Inner Mongolia) span more: pass a larger max_extent_deg there.
DEFAULT_MAX_EXTENT_DEG = 3.0
# Coordinates are kept to 7 decimals (~1 cm), the precision of our GeoJSON/CSV exports.
COORDINATE_DECIMALS = 7
# Coordinates this large are metres (or feet), not degrees.
_PROJECTED_MAGNITUDE = 1000.0

_POINT, _MULTIPOINT, _POLYGON, _MULTIPOLYGON = 0, 4, 3, 6
# GEOS's validity reasons -> the key of their words (io.geos.<code>).
_GEOS_REASONS: dict[str, str] = {
    "Ring Self-intersection": "ring_self_intersection",
    "Self-intersection": "self_intersection",
    "Too few points": "too_few_points",
    "Hole lies outside shell": "hole_outside_shell",
    "Nested holes": "nested_holes",
    "Interior is disconnected": "interior_disconnected",
    "Nested shells": "nested_shells",
    "Duplicate Rings": "duplicate_rings",
    "Invalid Coordinate": "invalid_coordinate",
}
_REASON = re.compile(r"^(?P<what>[^\[]+)(\[(?P<at>[^\]]*)\])?")

Found = tuple[np.ndarray, list[Problem], list[Problem]]  # geometries, errors, repairs


def check_basics(geoms: np.ndarray, unreadable: np.ndarray, spec: LayerSpec, keys: list[str | None], *,
                 reasons: dict[int, Message] | None = None, max_vertices: int = DEFAULT_MAX_VERTICES) -> Found:
    """Missing/unreadable/empty geometries, non-finite coordinates, vertex count, type; drop Z.

    Args:
        reasons: why a feature has no (readable) geometry, when the reader could
            tell (0-based position -> detail); otherwise the generic words are used.
        max_vertices: the most vertices a feature may have.

    Returns:
        The geometries (2D; a one-point MultiPoint becomes a Point), the errors and
        the repairs.
    """
    geoms = geoms.copy()
    errors: list[Problem] = []
    repairs: list[Problem] = []
    reasons = reasons or {}
    missing = np.array([g is None for g in geoms], dtype=bool)
    for i in np.flatnonzero(missing):
        generic = message("io.geom.unreadable" if unreadable[i] else "io.geom.missing")
        errors.append(_at(i, reasons.get(int(i), generic), keys))
    present = ~missing
    empty = present.copy()
    empty[present] = shapely.is_empty(geoms[present])
    for i in np.flatnonzero(empty):
        errors.append(problem(i + 1, "io.geom.empty", ref=keys[i]))
    ok = present & ~empty
    too_many = ok.copy()
    too_many[ok] = shapely.get_num_coordinates(geoms[ok]) > max_vertices
    for i in np.flatnonzero(too_many):
        errors.append(problem(i + 1, "io.geom.too_many_vertices", ref=keys[i],
                              count=int(shapely.get_num_coordinates(geoms[i])), limit=max_vertices))
    ok &= ~too_many
    not_finite = _rows_with_nonfinite(geoms, ok)
    for i in np.flatnonzero(not_finite):
        errors.append(problem(i + 1, "io.geom.nonfinite", ref=keys[i]))
    ok &= ~not_finite
    geoms, type_errors, type_repairs = _check_type(geoms, ok, spec, keys)
    errors += type_errors
    repairs += type_repairs
    has_z = ok & (shapely.has_z(geoms) | shapely.has_m(geoms))
    if has_z.any():
        geoms[has_z] = shapely.force_2d(geoms[has_z])
        repairs += [problem(i + 1, "io.repair.z_dropped", ref=keys[i], severity="repaired")
                    for i in np.flatnonzero(has_z)]
    return geoms, errors, repairs


def resolve_crs(file_crs: str | None, crs_implied: bool, crs_arg: str | None,
                geoms: np.ndarray, bad: np.ndarray) -> tuple[pyproj.CRS, list[Message]]:
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
    notes: list[Message] = []
    if crs_arg:
        try:
            src = pyproj.CRS.from_user_input(crs_arg)
        except pyproj.exceptions.CRSError:
            raise reject("io.crs.unknown_arg", crs=repr(crs_arg)) from None
        declared = _parse_crs(file_crs) if file_crs and not crs_implied else None
        if declared is not None and not _horizontal(declared).equals(_horizontal(src)):
            notes.append(message("io.note.crs_overridden", declared=_name(declared), crs=_name(src)))
        return _horizontal(src), notes
    if file_crs:
        try:
            return _horizontal(pyproj.CRS(file_crs)), notes
        except pyproj.exceptions.CRSError:
            raise reject("io.crs.unknown_file", crs=file_crs[:80]) from None
    if crs_implied:
        return STORE_CRS, notes
    raise reject("io.crs.none", hint=_crs_hint(geoms, bad))


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
            return [problem(None, "io.crs.projected_but_degrees", crs=_name(src))]
        return []
    errors = []
    out = (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
    for j in np.flatnonzero(out):
        i = int(ok[j])
        errors.append(_at(i, _range_detail(bounds[j]), keys))
    return errors


def to_wgs84(geoms: np.ndarray, bad: np.ndarray, src: pyproj.CRS, source_datum: str,
             keys: list[str | None]) -> tuple[np.ndarray, list[Problem], list[Message]]:
    """Transform the good geometries from ``src`` to EPSG:4326, then undo GCJ-02 if asked.

    Returns:
        The geometries, errors (coordinates the transformation could not map) and notes.

    Raises:
        ImportRejected: for ``source_datum="gcj02"`` with a projected ``src``.
    """
    geoms = geoms.copy()
    notes: list[Message] = []
    ok = ~bad
    if not src.equals(STORE_CRS):
        transformer = pyproj.Transformer.from_crs(src, STORE_CRS, always_xy=True)
        geoms[ok] = shapely.transform(geoms[ok], lambda xy: _project(transformer, xy))
        notes.append(message("io.note.transformed", crs=_name(src)))
    errors = [problem(i + 1, "io.geom.transform_failed", ref=keys[i], crs=_name(src))
              for i in np.flatnonzero(_rows_with_nonfinite(geoms, ok))]
    if source_datum == "gcj02":
        if not src.is_geographic:
            raise reject("io.crs.gcj02_projected", crs=_name(src))
        ok = ok & ~_rows_with_nonfinite(geoms, ok)
        geoms[ok] = shapely.transform(geoms[ok], lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
        notes.append(message("io.note.gcj02"))
    return geoms, errors, notes


def check_extent(geoms: np.ndarray, bad: np.ndarray, keys: list[str | None], *,
                 max_extent_deg: float = DEFAULT_MAX_EXTENT_DEG) -> list[Problem]:
    """Features in EPSG:4326 that cannot belong to a Chinese county.

    One error per feature, the most telling first: it crosses the 180th meridian (a
    ring that jumps more than 180 degrees of longitude, or parts on both sides); a
    coordinate lies outside :data:`CHINA_EXTENT` (a wrong CRS, axis order or sign); a
    polygon spans more than ``max_extent_deg`` degrees of longitude or latitude.
    Checked before any geometry work, so the metric CRS and the nesting check only see
    plausible input.
    """
    ok = np.flatnonzero(~bad)
    if ok.size == 0:
        return []
    bounds = shapely.bounds(geoms[ok])
    width, height = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
    x0, y0, x1, y1 = CHINA_EXTENT
    crosses = _longitude_jumps(geoms[ok]) | (width > 180)
    outside = ~crosses & ((bounds[:, 0] < x0) | (bounds[:, 2] > x1) | (bounds[:, 1] < y0) | (bounds[:, 3] > y1))
    too_large = (~crosses & ~outside & (shapely.get_type_id(geoms[ok]) != _POINT)
                 & (np.maximum(width, height) > max_extent_deg))
    errors = []
    for j in np.flatnonzero(crosses | outside | too_large):
        i, b = int(ok[j]), bounds[j]
        if crosses[j]:
            errors.append(problem(i + 1, "io.geom.antimeridian", ref=keys[i], west=f"{b[0]:.4f}", east=f"{b[2]:.4f}"))
        elif outside[j]:
            corner = (b[0], b[1]) if b[0] < x0 or b[1] < y0 else (b[2], b[3])
            errors.append(problem(i + 1, "io.geom.outside_china", ref=keys[i], at=_point(*corner),
                                  lon0=f"{x0:g}", lon1=f"{x1:g}", lat0=f"{y0:g}", lat1=f"{y1:g}"))
        else:
            errors.append(problem(i + 1, "io.geom.too_large", ref=keys[i], width=f"{width[j]:.2f}",
                                  height=f"{height[j]:.2f}", limit=f"{max_extent_deg:g}"))
    return errors


def normalise_precision(geoms: np.ndarray, bad: np.ndarray, keys: list[str | None], *,
                        report: bool = True) -> Found:
    """Coordinates rounded to :data:`COORDINATE_DECIMALS` decimals (~1 cm).

    Features already on that grid are left exactly as they are. A polygon that rounding
    would make invalid is snapped with ``shapely.set_precision`` instead (valid output);
    one that would vanish (smaller than the grid) is an error.

    Args:
        report: one "repaired" finding per changed feature; False when the noise comes
            from our own transformation (a projected or GCJ-02 source), where a
            file-level note says it once.
    """
    geoms = geoms.copy()
    errors: list[Problem] = []
    repairs: list[Problem] = []
    ok = np.flatnonzero(~bad)
    if ok.size == 0:
        return geoms, errors, repairs
    coords, which = shapely.get_coordinates(geoms[ok], return_index=True)
    off_grid = np.zeros(ok.size, dtype=bool)
    off_grid[np.unique(which[(np.round(coords, COORDINATE_DECIMALS) != coords).any(axis=1)])] = True
    rows = ok[off_grid]
    if rows.size == 0:
        return geoms, errors, repairs
    original = geoms[rows]
    rounded = shapely.transform(original, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    broken = ~shapely.is_valid(rounded) & shapely.is_valid(original)
    if broken.any():
        rounded[broken] = shapely.set_precision(original[broken], 10.0 ** -COORDINATE_DECIMALS)
    vanished = shapely.is_empty(rounded)
    errors += [problem(i + 1, "io.geom.below_precision", ref=keys[i], decimals=COORDINATE_DECIMALS)
               for i in rows[vanished]]
    geoms[rows[~vanished]] = rounded[~vanished]
    if report:  # one shared detail: a county's households may all carry 15 decimals
        detail = message("io.repair.precision", decimals=COORDINATE_DECIMALS)
        repairs += [Problem(i + 1, None, detail, "repaired", keys[i]) for i in rows[~vanished].tolist()]
    return geoms, errors, repairs


def orient_polygons(geoms: np.ndarray, bad: np.ndarray, keys: list[str | None], *,
                    wrong: np.ndarray | None = None) -> Found:
    """Exterior rings counter-clockwise and holes clockwise (RFC 7946, section 3.1.6).

    Args:
        wrong: which features had a ring the other way round in the file (from
            :func:`wrongly_oriented` before any repair); by default computed here.

    Returns:
        The geometries, no errors, and one repair per feature in ``wrong``.
    """
    geoms = geoms.copy()
    ok = ~bad
    if wrong is None:
        wrong = wrongly_oriented(geoms, bad)
    geoms[ok] = shapely.orient_polygons(geoms[ok], exterior_cw=False)
    repairs = [problem(i + 1, "io.repair.orientation", ref=keys[i], severity="repaired")
               for i in np.flatnonzero(wrong & ok)]
    return geoms, [], repairs


def wrongly_oriented(geoms: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """True for polygons with a clockwise exterior ring or a counter-clockwise hole."""
    out = np.zeros(len(geoms), dtype=bool)
    idx = np.flatnonzero(~bad)
    if idx.size == 0:
        return out
    parts, part_of = shapely.get_parts(geoms[idx], return_index=True)
    polygons = shapely.get_type_id(parts) == _POLYGON
    rings, ring_of = shapely.get_rings(parts[polygons], return_index=True)
    if rings.size == 0:
        return out
    exterior = np.r_[True, ring_of[1:] != ring_of[:-1]]  # get_rings lists each exterior first
    ccw = shapely.is_ccw(rings)
    wrong = np.where(exterior, ~ccw, ccw)
    out[idx[part_of[np.flatnonzero(polygons)[ring_of[wrong]]]]] = True
    return out


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
            errors.append(problem(i + 1, "io.repair.nothing_left", ref=keys[i], reason=reason))
        elif before == 0:
            errors.append(problem(i + 1, "io.repair.cancelling", ref=keys[i], reason=reason))
        elif abs(fixed.area - before) / before > MAX_AREA_CHANGE:
            change = abs(fixed.area - before) / before
            errors.append(problem(i + 1, "io.repair.area_change", ref=keys[i], reason=reason,
                                  change=f"{change:.1%}", limit=f"{MAX_AREA_CHANGE:.0%}"))
        else:
            geoms[i] = _on_grid(fixed)
            repairs.append(problem(i + 1, "io.repair.made_valid", ref=keys[i], severity="repaired", reason=reason))
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
            repairs.append(problem(i + 1, "io.repair.single_point", ref=keys[i], severity="repaired"))
        want = message("io.want.point")
        wrong = ok & ~single & (types != _POINT)
    else:
        want = message("io.want.polygon")
        wrong = ok & ~np.isin(types, (_POLYGON, _MULTIPOLYGON))
    for i in np.flatnonzero(wrong):
        errors.append(problem(i + 1, "io.geom.wrong_type", ref=keys[i], type=geoms[i].geom_type, layer=spec.name,
                              want=want))
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


def _name(crs: pyproj.CRS) -> Message | str:
    code = crs.to_epsg(min_confidence=70)
    return message("io.crs.name", code=code, name=crs.name) if code else crs.name


def _range_detail(b: np.ndarray) -> Message:
    x0, y0, x1, y1 = (float(v) for v in b)
    shown = f"({x0:.6g}, {y0:.6g})"
    if CHINA_LAT[0] <= x0 and x1 <= CHINA_LAT[1] and CHINA_LON[0] <= y0 and y1 <= CHINA_LON[1]:
        return message("io.geom.range_swapped", at=shown)
    if max(abs(x0), abs(x1), abs(y0), abs(y1)) > _PROJECTED_MAGNITUDE:
        return message("io.geom.range_projected", at=shown)
    return message("io.geom.range", at=shown)


def _crs_hint(geoms: np.ndarray, bad: np.ndarray) -> Message:
    good = geoms[~bad]
    if good.size == 0:
        return message("io.hint.crs")
    bounds = shapely.total_bounds(good)
    if looks_like_china_lonlat(bounds):
        return message("io.hint.crs_lonlat")
    if np.nanmax(np.abs(bounds)) > _PROJECTED_MAGNITUDE:
        return message("io.hint.crs_projected")
    return message("io.hint.crs")


def _reason(text: str) -> Message:
    match = _REASON.match(text or "")
    what = (match.group("what") if match else text).strip()
    code = next((code for en, code in _GEOS_REASONS.items() if what.startswith(en)), "invalid")
    at = match.group("at") if match else None
    return message("io.geos.reason_at" if at else "io.geos.reason", words=message(f"io.geos.{code}"), what=what,
                   at=at or "")


def _at(i: int, detail: Message, keys: list[str | None]) -> Problem:
    """The error ``detail`` at the 0-based feature ``i``."""
    return Problem(int(i) + 1, None, detail, "error", keys[i])


def _on_grid(geom: shapely.Geometry) -> shapely.Geometry:
    """A repaired polygon on the coordinate grid (make_valid adds intersection nodes)."""
    snapped = shapely.set_precision(geom, 10.0 ** -COORDINATE_DECIMALS)
    return snapped if not snapped.is_empty else geom


def _longitude_jumps(geoms: np.ndarray) -> np.ndarray:
    """True where a ring or line of a feature has an edge spanning more than 180 degrees of longitude."""
    out = np.zeros(len(geoms), dtype=bool)
    shaped = np.flatnonzero(shapely.get_type_id(geoms) != _POINT)  # a point has no edge
    if shaped.size == 0:
        return out
    parts, part_of = shapely.get_parts(geoms[shaped], return_index=True)
    part_of = shaped[part_of]
    if parts.size == 0:
        return out
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    if rings.size == 0:
        return out
    coords, which = shapely.get_coordinates(rings, return_index=True)
    jump = (np.abs(np.diff(coords[:, 0])) > 180) & (which[1:] == which[:-1])
    out[part_of[ring_of[which[1:][jump]]]] = True
    return out


def _point(x: float, y: float) -> str:
    return f"({x:.6g}, {y:.6g})"


def _polygonal(geom: shapely.Geometry) -> shapely.MultiPolygon | None:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys = [p for g in parts for p in shapely.get_parts(g)]
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    return shapely.MultiPolygon(polys) if polys else None
