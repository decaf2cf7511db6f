"""Level of detail: unit boundaries simplified for drawing, one tolerance per level.

A county view draws 18 towns, a town view its villages, a village view its grids and
micro-grids; each level is simplified with a tolerance of about a pixel at the zoom it
is looked at (:data:`TOLERANCE_M`). Simplification is coverage-preserving
(``shapely.coverage_simplify``, GEOS's Visvalingam-Whyatt on shared edges): each
shared edge is simplified once, so neighbours stay gap-free (plain ``simplify`` leaves
gaps). It runs in the metric CRS of :func:`gridmap.spatial.crs.metric_crs`; the result
is snapped to a 1e-5 degree grid (about a metre) with ``shapely.set_precision``, which
keeps every polygon valid and shared vertices shared.

- :func:`simplify_units` -- the pure function: a frame in, the same rows with simplified
  geometry out.
- :func:`units_at_level` -- reads one level through a session (scoped), with the
  simplified geometry cached in-process by (store URL, county, plan version, level,
  scope prefix) and checked against the geometry just read, so a cache entry never
  outlives a boundary change and never serves another jurisdiction's rows.

Measured on the county demo (``--scale county``; GeoJSON with the unit code only):

=========  =====  ==========  ==========
level      units  as stored   simplified
=========  =====  ==========  ==========
town          18     88 kB       21 kB
village      681    679 kB      326 kB
grid         894    867 kB      457 kB
micro      7,470   2.95 MB     1.96 MB
=========  =====  ==========  ==========

The demo's micro-grids are Voronoi cells (7 vertices each on average), so there the
rounding does most of the work; surveyed boundaries with dense vertices gain more.
With names, values and styles, :func:`gridmap.maps.layers.unit_layer` sends 2.5 MB
for all micro-grids (folium's default ``GeoJson`` of the same frame: 6.1 MB), so a
county view should draw towns and leave micro-grids to a town or village view.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import shapely

from gridmap.domain import LAYERS, Level, Scope
from gridmap.spatial.crs import STORE_CRS, metric_crs, metric_transformer

# Simplification tolerance per level, in metres: about one screen pixel at the zoom a
# level is usually viewed at (Web Mercator at 27.5N: zoom 11 ~ 68 m/px, 13 ~ 17 m/px,
# 15 ~ 4 m/px, 16 ~ 2 m/px).
TOLERANCE_M: dict[Level, float] = {
    Level.COUNTY: 60.0,
    Level.TOWN: 40.0,
    Level.VILLAGE: 20.0,
    Level.GRID: 8.0,
    Level.MICRO: 4.0,
}
# Coordinates are snapped to this many decimals of a degree (1e-5 deg ~ 1.1 m north-south).
DECIMALS = 5

UNIT_COLUMNS: tuple[str, ...] = tuple(c for c in LAYERS["units"].columns)


class ScopedReader(Protocol):
    """What :func:`units_at_level` needs of a session (:class:`gridmap.access.Session`)."""

    scope: Scope

    @property
    def store_url(self) -> str: ...

    def read(self, layer_name: str, *, where: Any = None, bbox: Any = None, columns: Any = None,
             limit: int | None = None) -> Any: ...

    def current_plan(self) -> int: ...


# --------------------------------------------------------------------------- pure


def simplify_units(units: gpd.GeoDataFrame, tolerance_m: float, *, decimals: int = DECIMALS) -> gpd.GeoDataFrame:
    """The rows of ``units`` with boundaries simplified together and rounded.

    Args:
        units: Polygons of ONE level (they should form a coverage: no overlaps) in
            EPSG:4326.
        tolerance_m: The simplification tolerance in metres (0: only round).
        decimals: Decimal places of a degree to snap coordinates to.

    Returns:
        A copy of ``units`` with the new geometry. When the input is not a valid
        coverage (overlaps, mismatched shared edges), each polygon is simplified on its
        own instead (``preserve_topology``), which may open hairline gaps but never
        fails.

    Raises:
        ValueError: ``units`` is not in EPSG:4326, or ``tolerance_m`` is negative.
    """
    if tolerance_m < 0:
        raise ValueError(f"tolerance must be >= 0 metres, got {tolerance_m}")
    if units.crs is None or not units.crs.equals(STORE_CRS):
        raise ValueError(f"units are in {units.crs.to_string() if units.crs else 'no CRS'}; expected {STORE_CRS}")
    out = units.copy()
    if units.empty:
        return out
    geoms = np.asarray(units.geometry.values, dtype=object)
    out[out.geometry.name] = simplify_geometries(geoms, tolerance_m, decimals=decimals)
    return out


def simplify_geometries(geoms: np.ndarray, tolerance_m: float, *, decimals: int = DECIMALS) -> np.ndarray:
    """Coverage-simplify an array of EPSG:4326 polygons in metres, then snap to ``decimals``."""
    present = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    out = geoms.copy()
    if not present.any():
        return out
    work = geoms[present]
    if tolerance_m > 0:
        crs = metric_crs(tuple(shapely.total_bounds(work)))
        forward, back = metric_transformer(STORE_CRS, crs), metric_transformer(crs, STORE_CRS)
        metric = shapely.transform(work, lambda xy: np.column_stack(forward.transform(xy[:, 0], xy[:, 1])))
        if shapely.coverage_is_valid(metric):
            simple = shapely.coverage_simplify(metric, tolerance_m)
        else:
            simple = shapely.simplify(metric, tolerance_m, preserve_topology=True)
        work = shapely.transform(simple, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))
    out[present] = round_geometries(work, decimals)
    return out


def round_geometries(geoms: np.ndarray, decimals: int = DECIMALS) -> np.ndarray:
    """Snap polygons to a ``10**-decimals`` degree grid, keeping each one valid.

    ``shapely.set_precision`` snaps topologically (no self-touching rings), and the
    same vertex lands on the same grid point in every polygon, so shared edges stay
    shared. The coordinates are then rounded to the decimal value (same point, shorter
    JSON). A polygon that would vanish at this precision keeps its unrounded shape.
    """
    grid = 10.0 ** -decimals
    snapped = shapely.set_precision(geoms, grid)
    snapped = shapely.transform(snapped, lambda xy: np.round(xy, decimals))
    lost = shapely.is_empty(snapped) & ~shapely.is_empty(geoms)
    if lost.any():
        snapped[lost] = geoms[lost]
    polygons = shapely.get_type_id(snapped) == 3
    if polygons.any():
        snapped[polygons] = [shapely.MultiPolygon([g]) for g in snapped[polygons]]
    return snapped


def level_units(units: gpd.GeoDataFrame, level: Level | str, *, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """The units of ``level`` in ``units`` (any mix of levels), simplified for that level."""
    lvl = Level(level)
    rows = units[units["level"].astype(str) == lvl.value]
    return simplify_units(rows, TOLERANCE_M[lvl] if tolerance_m is None else tolerance_m)


# --------------------------------------------------------------------------- cached


CacheKey = tuple[str, str, int, str, str]


class GeometryCache:
    """Simplified geometry by unit code, per (store URL, county, plan, level, prefix).

    Thread-safe (Streamlit serves sessions from threads) and bounded (least recently
    used entries go first). An entry also remembers a fingerprint of the geometry it
    was made from; a lookup with another fingerprint misses, so an edited boundary is
    never served from the cache.
    """

    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, tuple[str, dict[str, shapely.Geometry]]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey, fingerprint: str) -> dict[str, shapely.Geometry] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != fingerprint:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: CacheKey, fingerprint: str, geoms: dict[str, shapely.Geometry]) -> None:
        with self._lock:
            self._entries[key] = (fingerprint, geoms)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


CACHE = GeometryCache()


def units_at_level(session: ScopedReader, level: Level | str, *, columns: Sequence[str] | None = None,
                   plan_version: int | None = None, cache: GeometryCache | None = CACHE) -> gpd.GeoDataFrame:
    """The units of one level inside the session's scope, with simplified geometry.

    Attributes (names, households, risk colour) are always read fresh; only the
    simplified geometry is cached. Rows outside the session's scope are never
    returned, whatever the cache holds.

    Args:
        session: A scoped reader (:class:`gridmap.access.Session`).
        level: The level to draw.
        columns: Attribute columns to return besides ``code`` (default: all).
        plan_version: The boundary plan (default: the county's current plan).
        cache: Where simplified geometry is kept; None to compute every time.

    Returns:
        A GeoDataFrame in EPSG:4326, sorted by code.
    """
    lvl = Level(level)
    scope = session.scope
    plan = int(plan_version if plan_version is not None else session.current_plan())
    where = {"level": lvl.value, "plan_version": plan}
    cols = ["code", *[c for c in (columns or UNIT_COLUMNS) if c not in ("code", "geometry")]]
    raw = session.read("units", where=where, columns=[*cols, "geometry"])
    raw = raw[raw["code"].astype(str).str.startswith(scope.prefix)]
    raw = raw.sort_values("code", kind="stable").reset_index(drop=True)
    if raw.empty:
        return raw
    codes = raw["code"].astype(str).tolist()
    fingerprint = _fingerprint(codes, np.asarray(raw.geometry.values, dtype=object))
    key: CacheKey = (str(session.store_url), scope.county_code, plan, lvl.value, scope.prefix)
    geoms = cache.get(key, fingerprint) if cache is not None else None
    if geoms is None:
        simple = simplify_geometries(np.asarray(raw.geometry.values, dtype=object), TOLERANCE_M[lvl])
        geoms = dict(zip(codes, simple, strict=True))
        if cache is not None:
            cache.put(key, fingerprint, geoms)
    out = raw.copy()
    out[out.geometry.name] = gpd.GeoSeries([geoms[c] for c in codes], index=out.index, crs=STORE_CRS)
    return out


def _fingerprint(codes: list[str], geoms: np.ndarray) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for code, wkb in zip(codes, shapely.to_wkb(geoms), strict=True):
        digest.update(code.encode())
        digest.update(wkb or b"")
    return digest.hexdigest()


__all__ = [
    "CACHE",
    "DECIMALS",
    "TOLERANCE_M",
    "GeometryCache",
    "level_units",
    "round_geometries",
    "simplify_geometries",
    "simplify_units",
    "units_at_level",
]
