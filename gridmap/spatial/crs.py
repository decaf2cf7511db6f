"""Coordinate reference systems: the stored CRS, the metric CRS, and the GCJ-02 shift.

Three facts drive this module:

* Geometry is stored in :data:`STORE_CRS` (EPSG:4326, longitude/latitude; CGCS2000
  coordinates are the same to well under a metre).
* Metric work (areas, buffers, distances) happens in ONE projected CRS picked by
  :func:`metric_crs`: the CGCS2000 3-degree Gauss-Kruger zone whose central meridian is
  nearest the data ("CM" variants, EPSG:4534-4554, no zone prefix in the easting).
  EPSG:4549 (CM 120E) covers most of Zhejiang with <= 0.11% area error.
* Chinese web maps (Amap/Gaode, Tencent) draw in GCJ-02, an obfuscated offset of
  WGS84 (300-600 m in Zhejiang) that PROJ does not know. :func:`wgs84_to_gcj02` applies
  the published Krasovsky-ellipsoid formula; :func:`gcj02_to_wgs84` inverts it by
  fixed-point iteration to about a millimetre.

Every pyproj transformation here uses ``always_xy=True``: coordinates are always
(longitude, latitude) or (easting, northing), never the EPSG axis order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pyproj
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CHINA_LON_RANGE",
    "GCJ02_BOX",
    "STORE_CRS",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_simple",
    "metric_area_m2",
    "metric_crs",
    "metric_transformer",
    "out_of_china",
    "to_metric",
    "to_store",
    "wgs84_to_gcj02",
]

STORE_CRS = "EPSG:4326"

# Longitudes accepted by metric_crs: China spans about 73.5E-134.8E.
CHINA_LON_RANGE: tuple[float, float] = (73.0, 136.0)
# Latitudes accepted for bounds/geometries (catches swapped lat/lon: latitude 120 fails).
_CHINA_LAT_RANGE: tuple[float, float] = (0.0, 56.0)

# CGCS2000 / 3-degree Gauss-Kruger CM 75E .. CM 135E are EPSG:4534 .. EPSG:4554.
_GK_FIRST_EPSG = 4534
_GK_FIRST_CM = 75
_GK_LAST_CM = 135

LonOrBounds: TypeAlias = float | int | Sequence[float] | np.ndarray | shapely.Geometry | Any


# --------------------------------------------------------------------------- metric CRS


def metric_crs(where: LonOrBounds) -> str:
    """The projected metric CRS for data at ``where``: a CGCS2000 3-degree GK zone.

    The zone is the one whose central meridian (a multiple of 3 degrees) is nearest the
    longitude (a longitude exactly on a zone edge, e.g. 118.5E, takes the eastern zone);
    longitudes west of 76.5E use CM 75E and east of 133.5E use CM 135E, the outermost
    zones EPSG defines for China.

    Args:
        where: a longitude in degrees; or bounds ``(minx, miny, maxx, maxy)`` in
            EPSG:4326; or a shapely geometry, GeoSeries or GeoDataFrame in EPSG:4326
            (its bounds are used). For bounds the centre longitude decides.

    Returns:
        An ``"EPSG:45xx"`` string, e.g. ``"EPSG:4549"`` (CM 120E) for Cangnan.

    Raises:
        ValueError: when the longitude is not finite or outside 73-136E, when bounds
            have a latitude outside 0-56N (often swapped lat/lon), or when a frame is
            not in EPSG:4326.
    """
    lon = _centre_longitude(where)
    lo, hi = CHINA_LON_RANGE
    if not math.isfinite(lon) or not lo <= lon <= hi:
        raise ValueError(f"longitude {lon!r} is outside China ({lo:g}-{hi:g}E); "
                         "metric_crs takes EPSG:4326 longitudes (check the CRS and the axis order)")
    cm = min(max(3 * math.floor((lon + 1.5) / 3), _GK_FIRST_CM), _GK_LAST_CM)
    return f"EPSG:{_GK_FIRST_EPSG + (cm - _GK_FIRST_CM) // 3}"


@lru_cache(maxsize=64)
def metric_transformer(crs_from: str, crs_to: str) -> pyproj.Transformer:
    """A cached pyproj transformer with ``always_xy=True`` (lon/lat, easting/northing)."""
    return pyproj.Transformer.from_crs(crs_from, crs_to, always_xy=True)


def to_metric(gdf: gpd.GeoDataFrame | gpd.GeoSeries, crs: str | None = None) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Project a frame or series to the metric CRS (``metric_crs(gdf)`` unless given).

    Raises:
        ValueError: when ``gdf`` has no CRS.
    """
    if gdf.crs is None:
        raise ValueError(f"the frame has no CRS; set it (the store uses {STORE_CRS}) before projecting")
    if crs is None:
        lonlat = gdf if gdf.crs.equals(pyproj.CRS(STORE_CRS)) else gdf.to_crs(STORE_CRS)
        crs = metric_crs(tuple(lonlat.total_bounds))
    return gdf.to_crs(crs)


def to_store(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """Project a frame or series back to :data:`STORE_CRS`.

    Raises:
        ValueError: when ``gdf`` has no CRS.
    """
    if gdf.crs is None:
        raise ValueError("the frame has no CRS; cannot tell how to bring it to " + STORE_CRS)
    return gdf.to_crs(STORE_CRS)


def metric_area_m2(geoms: Any, crs: str | None = None) -> np.ndarray:
    """Areas in square metres of EPSG:4326 (multi)polygons, in the metric CRS.

    Args:
        geoms: a shapely geometry, an array/list of them, or a GeoSeries in EPSG:4326.
        crs: the metric CRS; by default ``metric_crs`` of the geometries' bounds.

    Returns:
        A float array of areas (0 for non-polygonal geometries, NaN for missing ones).

    Raises:
        ValueError: when a GeoSeries is not in EPSG:4326 or the data are outside China.
    """
    arr = _geometry_array(geoms)
    if arr.size == 0:
        return np.zeros(0)
    if crs is None:
        crs = metric_crs(tuple(shapely.total_bounds(arr)))
    tf = metric_transformer(STORE_CRS, crs)
    projected = shapely.transform(arr, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))
    return shapely.area(projected)


def _centre_longitude(where: LonOrBounds) -> float:
    if isinstance(where, bool):
        raise ValueError(f"expected a longitude, bounds or geometry, got {where!r}")
    if isinstance(where, int | float | np.integer | np.floating):
        return float(where)
    if isinstance(where, shapely.Geometry):
        if where.is_empty:
            raise ValueError("cannot pick a metric CRS for an empty geometry")
        bounds = shapely.bounds(where)
    elif hasattr(where, "total_bounds") and hasattr(where, "crs"):
        if where.crs is not None and not where.crs.equals(pyproj.CRS(STORE_CRS)):
            raise ValueError(f"geometries are in {where.crs.to_string()}; metric_crs expects {STORE_CRS}")
        bounds = np.asarray(where.total_bounds, dtype=float)
    else:
        try:
            bounds = np.asarray(where, dtype=float).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"expected a longitude, (minx, miny, maxx, maxy) bounds or a geometry, "
                             f"got {where!r}") from None
        if bounds.size == 1:
            return float(bounds[0])
        if bounds.size != 4:
            raise ValueError(f"expected bounds (minx, miny, maxx, maxy), got {where!r}")
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    lo, hi = _CHINA_LAT_RANGE
    for lat in (miny, maxy):
        if not math.isfinite(lat) or not lo <= lat <= hi:
            raise ValueError(f"latitude {lat!r} in bounds {tuple(bounds)} is outside China ({lo:g}-{hi:g}N); "
                             "are longitude and latitude swapped?")
    if minx > maxx:
        raise ValueError(f"bounds {tuple(bounds)} have minx > maxx")
    return (minx + maxx) / 2


def _geometry_array(geoms: Any) -> np.ndarray:
    if isinstance(geoms, shapely.Geometry):
        return np.array([geoms], dtype=object)
    crs = getattr(geoms, "crs", None)
    if crs is not None and not crs.equals(pyproj.CRS(STORE_CRS)):
        raise ValueError(f"geometries are in {crs.to_string()}; expected {STORE_CRS}")
    return np.asarray(getattr(geoms, "values", geoms), dtype=object)


# --------------------------------------------------------------------------- GCJ-02

# The published GCJ-02 formula uses the Krasovsky 1940 ellipsoid.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323  # first eccentricity squared

# The "out of China" rule used by the published implementations (eviltransform,
# coordtransform, ...): a rough bounding box. Points outside it are not shifted.
# (min lon, min lat, max lon, max lat)
GCJ02_BOX: tuple[float, float, float, float] = (72.004, 0.8293, 137.8347, 55.8271)

_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_ITERATIONS = 30

ArrayLike = float | np.ndarray | Sequence[float]


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray | bool:
    """True where a point lies outside :data:`GCJ02_BOX` (so GCJ-02 leaves it unchanged).

    The box is the conventional rough one (72.004-137.8347E, 0.8293-55.8271N), not the
    border: parts of neighbouring countries inside it are shifted too, as every
    published implementation does.
    """
    x, y, scalar = _as_arrays(lon, lat)
    out = (x < GCJ02_BOX[0]) | (x > GCJ02_BOX[2]) | (y < GCJ02_BOX[1]) | (y > GCJ02_BOX[3])
    return bool(out[0]) if scalar else out


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS84 longitude/latitude to GCJ-02 (the offset Amap and Tencent maps draw in).

    Vectorised over numpy arrays; scalars in, scalars out. Points outside
    :data:`GCJ02_BOX` come back unchanged.

    Raises:
        ValueError: for NaN or infinite coordinates, or arrays of different shapes.
    """
    x, y, scalar = _as_arrays(lon, lat)
    dx, dy = _gcj02_offset(x, y)
    return _result(x + dx, y + dy, scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """GCJ-02 longitude/latitude back to WGS84, iteratively (about 1e-9 degrees).

    Solves ``wgs84_to_gcj02(w) = g`` by the fixed-point iteration
    ``w <- w - (wgs84_to_gcj02(w) - g)`` from ``w = g``. The offset changes slowly with
    position, so each step gains about three orders of magnitude: 3-4 steps reach the
    1e-9 degree tolerance (0.1 mm); the loop stops there or after 30 steps.
    Points outside :data:`GCJ02_BOX` come back unchanged.

    Raises:
        ValueError: for NaN or infinite coordinates, or arrays of different shapes.
    """
    gx, gy, scalar = _as_arrays(lon, lat)
    wx, wy = gx.copy(), gy.copy()
    active = ~((gx < GCJ02_BOX[0]) | (gx > GCJ02_BOX[2]) | (gy < GCJ02_BOX[1]) | (gy > GCJ02_BOX[3]))
    for _ in range(_INVERSE_MAX_ITERATIONS):
        if not active.any():
            break
        dx, dy = _gcj02_offset(wx[active], wy[active])
        ex = wx[active] + dx - gx[active]
        ey = wy[active] + dy - gy[active]
        wx[active] -= ex
        wy[active] -= ey
        done = np.maximum(np.abs(ex), np.abs(ey)) < _INVERSE_TOLERANCE_DEG
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return _result(wx, wy, scalar)


def gcj02_to_wgs84_simple(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """One-step GCJ-02 to WGS84: subtract the offset computed at the GCJ-02 point.

    Kept for comparison only: it is off by up to about 1e-5 degrees (1-2 m). Use
    :func:`gcj02_to_wgs84`.
    """
    x, y, scalar = _as_arrays(lon, lat)
    dx, dy = _gcj02_offset(x, y)
    return _result(x - dx, y - dy, scalar)


def _gcj02_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (dlon, dlat) GCJ-02 shift in degrees at WGS84 points; zero outside the box."""
    x = lon - 105.0
    y = lat - 35.0
    dlat_m = _shift_lat(x, y)
    dlon_m = _shift_lon(x, y)
    rad_lat = np.radians(lat)
    sin_lat = np.sin(rad_lat)
    w = 1.0 - _KRASOVSKY_EE * sin_lat * sin_lat
    sqrt_w = np.sqrt(w)
    # metres -> degrees on the Krasovsky ellipsoid: meridian radius M and prime-vertical N.
    meridian = _KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) / (w * sqrt_w)
    prime_vertical = _KRASOVSKY_A / sqrt_w
    dlat = dlat_m * 180.0 / (meridian * math.pi)
    dlon = dlon_m * 180.0 / (prime_vertical * np.cos(rad_lat) * math.pi)
    outside = (lon < GCJ02_BOX[0]) | (lon > GCJ02_BOX[2]) | (lat < GCJ02_BOX[1]) | (lat > GCJ02_BOX[3])
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _shift_common(x: np.ndarray) -> np.ndarray:
    return (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0


def _shift_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    base = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    wave = (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    long_wave = (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return base + _shift_common(x) + wave + long_wave


def _shift_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    base = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    wave = (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    long_wave = (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return base + _shift_common(x) + wave + long_wave


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray, bool]:
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    try:
        x = np.atleast_1d(np.asarray(lon, dtype=float)).copy()
        y = np.atleast_1d(np.asarray(lat, dtype=float)).copy()
    except (TypeError, ValueError):
        raise ValueError(f"expected numeric longitude/latitude, got {lon!r}, {lat!r}") from None
    if x.shape != y.shape:
        raise ValueError(f"longitude and latitude have different shapes: {x.shape} vs {y.shape}")
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(f"coordinate {i} is not finite: ({x.ravel()[i]!r}, {y.ravel()[i]!r}); "
                         "GCJ-02 conversion needs finite longitude/latitude")
    return x, y, scalar


def _result(x: np.ndarray, y: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(x[0]), float(y[0])
    return x, y
