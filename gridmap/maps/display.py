"""Coordinates between the store (WGS84) and the map on screen (the tiles' datum).

Gaode (高德) tiles are drawn in GCJ-02, 480-580 m off WGS84 in Zhejiang. With such
tiles everything drawn is shifted WGS84 -> GCJ-02 (:func:`to_display`) and every
position the map reports back (a click, the visible bounds) is shifted GCJ-02 -> WGS84
(:func:`from_display`) before it is used. With WGS84 tiles (OSM, Tianditu, none) both
are the identity. The conversions are those of :mod:`gridmap.spatial.crs`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely

from gridmap.maps.tiles import TileSource
from gridmap.spatial.crs import STORE_CRS, gcj02_to_wgs84, wgs84_to_gcj02

G = TypeVar("G")


def to_display(geoms: G, tiles: TileSource) -> G:
    """``geoms`` as drawn on ``tiles``: unchanged for WGS84 tiles, shifted for GCJ-02.

    Args:
        geoms: A GeoDataFrame or GeoSeries in EPSG:4326, a shapely geometry, or an
            array/list of geometries (longitude/latitude).
        tiles: The tile source the map uses.

    Returns:
        The same kind of object (a copy when shifted; the input itself otherwise).

    Raises:
        ValueError: a frame or series in another CRS than EPSG:4326.
    """
    if (isinstance(geoms, gpd.GeoDataFrame | gpd.GeoSeries) and geoms.crs is not None
            and not geoms.crs.equals(STORE_CRS)):
        raise ValueError(f"geometries are in {geoms.crs.to_string()}; to_display expects {STORE_CRS}")
    if not tiles.shifted:
        return geoms
    if isinstance(geoms, gpd.GeoDataFrame):
        out = geoms.copy()
        out[out.geometry.name] = _shift(np.asarray(geoms.geometry.values, dtype=object))
        return out
    if isinstance(geoms, gpd.GeoSeries):
        return gpd.GeoSeries(_shift(np.asarray(geoms.values, dtype=object)), index=geoms.index,
                             crs=geoms.crs)
    if isinstance(geoms, shapely.Geometry):
        return _shift(np.array([geoms], dtype=object))[0]
    return _shift(np.asarray(geoms, dtype=object))  # type: ignore[return-value]


def from_display(lon: Any, lat: Any, tiles: TileSource) -> tuple[Any, Any]:
    """A position reported by the map (click, bounds) back in WGS84 longitude/latitude.

    Args:
        lon: Longitude(s) as the map reports them (scalar or array).
        lat: Latitude(s).
        tiles: The tile source the map uses.

    Returns:
        ``(lon, lat)`` in WGS84: scalars for scalars, arrays for arrays.
    """
    if not tiles.shifted:
        if np.ndim(lon) == 0 and np.ndim(lat) == 0:
            return float(lon), float(lat)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return gcj02_to_wgs84(lon, lat)


def point_to_display(lat: float, lon: float, tiles: TileSource) -> tuple[float, float]:
    """A WGS84 ``(lat, lon)`` (folium's order, e.g. a map centre) as drawn on ``tiles``."""
    if not tiles.shifted:
        return float(lat), float(lon)
    x, y = wgs84_to_gcj02(lon, lat)
    return float(y), float(x)


def _shift(arr: np.ndarray) -> np.ndarray:
    present = np.array([g is not None for g in arr], dtype=bool)
    out = arr.copy()
    if present.any():
        out[present] = shapely.transform(
            arr[present], lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))
    return out


__all__ = ["from_display", "point_to_display", "to_display"]
