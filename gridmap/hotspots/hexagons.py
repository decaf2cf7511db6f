"""H3 hexagons: which cell a point is in, the cells of a study area, cell outlines, and
the resolution that suits a map zoom.

h3 4.x: ``latlng_to_cell(lat, lng, res)``; ``cell_to_boundary`` gives ``(lat, lng)``
pairs (swapped here to shapely's ``(lon, lat)``). Resolution 10 is about 76 m per edge.
"""

from __future__ import annotations

import math

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from gridmap.spatial.crs import STORE_CRS

__all__ = ["H3_RESOLUTIONS", "cell_polygons", "h3_cells", "h3_resolution_for_zoom", "study_area_cells"]

H3_RESOLUTIONS = range(5, 13)  # 9 km .. 10 m per edge: what a county map can use
_TARGET_EDGE_PX = 14.0  # a hexagon's edge on screen, about
_EARTH_M_PER_PX_Z0 = 156_543.034  # Web Mercator metres per pixel at zoom 0 on the equator


def _check_resolution(resolution: int) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, int | np.integer) \
            or int(resolution) not in H3_RESOLUTIONS:
        raise ValueError(f"H3 resolution must be a whole number from {H3_RESOLUTIONS.start} to "
                         f"{H3_RESOLUTIONS.stop - 1}, got {resolution!r}")
    return int(resolution)


def h3_cells(points: gpd.GeoDataFrame | gpd.GeoSeries, resolution: int) -> pd.Series:
    """The H3 cell (hex string) of each point, indexed like ``points``; None for missing points."""
    res = _check_resolution(resolution)
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    if geoms.crs is not None and not geoms.crs.equals(STORE_CRS):
        geoms = geoms.to_crs(STORE_CRS)
    xy = shapely.get_coordinates(geoms.to_numpy(), include_z=False) if len(geoms) else np.empty((0, 2))
    empty = geoms.isna().to_numpy() | shapely.is_empty(geoms.to_numpy())
    cells: list[str | None] = [None] * len(geoms)
    it = iter(xy)
    for i, missing in enumerate(empty):
        if missing:
            continue
        lon, lat = next(it)
        cells[i] = h3.latlng_to_cell(float(lat), float(lon), res)
    return pd.Series(cells, index=geoms.index, dtype=object, name="cell")


def study_area_cells(study_area: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry, resolution: int) -> list[str]:
    """Every cell whose centre lies in the study area (sorted), zero cells included."""
    res = _check_resolution(resolution)
    if isinstance(study_area, gpd.GeoDataFrame | gpd.GeoSeries):
        if study_area.crs is not None and not study_area.crs.equals(STORE_CRS):
            study_area = study_area.to_crs(STORE_CRS)
        geom = shapely.union_all(study_area.geometry.to_numpy() if isinstance(study_area, gpd.GeoDataFrame)
                                 else study_area.to_numpy())
    else:
        geom = study_area
    if geom is None or geom.is_empty:
        raise ValueError("the study area is empty")
    parts = list(getattr(geom, "geoms", [geom]))
    cells: set[str] = set()
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        cells.update(h3.geo_to_cells(part.__geo_interface__, res))
    return sorted(cells)


def cell_polygons(cells: list[str] | pd.Index | np.ndarray) -> gpd.GeoSeries:
    """Hexagon outlines of ``cells`` in EPSG:4326."""
    rings = [h3.cell_to_boundary(str(c)) for c in cells]
    if not rings:
        return gpd.GeoSeries([], crs=STORE_CRS)
    sizes = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    latlng = np.array([pt for r in rings for pt in r], dtype=np.float64)
    index = np.repeat(np.arange(len(rings)), sizes)
    polys = shapely.polygons(shapely.linearrings(latlng[:, ::-1], indices=index))
    return gpd.GeoSeries(polys, crs=STORE_CRS)


def h3_resolution_for_zoom(zoom: float, latitude: float = 28.0) -> int:
    """The resolution whose hexagons are about 14 pixels per edge at map ``zoom``.

    Zoom 12 gives 8 (~530 m), 13 -> 9 (~200 m), 15 -> 10 (~76 m) near 28 N; clamped to
    :data:`H3_RESOLUTIONS`.
    """
    if not math.isfinite(zoom):
        raise ValueError(f"zoom must be a number, got {zoom!r}")
    metres_per_px = _EARTH_M_PER_PX_Z0 * math.cos(math.radians(latitude)) / 2.0 ** float(zoom)
    want = _TARGET_EDGE_PX * metres_per_px
    return min(H3_RESOLUTIONS, key=lambda r: abs(math.log(h3.average_hexagon_edge_length(r, "m") / want)))
