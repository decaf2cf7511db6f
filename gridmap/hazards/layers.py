"""The hazard page's own map layers, built on :mod:`gridmap.maps` (no Streamlit).

- :func:`area_layer` -- polygons (H3 cells or units) coloured by a class per feature,
  with a legend; the hexagon counts, the hot-spot confidence bins and the emerging
  patterns all use it. The polygons go to the browser encoded
  (:mod:`gridmap.maps.areas`): a county's 7,470 micro-grids in about 1 MB instead of 2.7.
- :func:`hotspot_classes`, :data:`BIN_COLOURS` -- ArcGIS's confidence bins
  (-3..3: cold/hot at 99, 95, 90 %) as colours and legend rows.
- :func:`count_classes` -- whole-number classes for counts and rates.
- :func:`route_layer` -- the ordered stops of a route, numbered, joined by a line.
- :func:`pick_layer` -- the spot the user clicked for a new hazard.
- :func:`place_layer` -- places not inspected within their cycle.
- :class:`LocateButton` -- a map button that asks the browser for its position
  (``navigator.geolocation``) and reports it as a click at that spot, so the page
  receives it like any map click. Needs a secure context (HTTPS or localhost). It
  lives in :mod:`gridmap.maps.locate` (the report page uses it too) and is
  importable from here as before.

Every text reaching the map is escaped here (:func:`gridmap.text.escape_html`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import shapely

from gridmap.maps import style
from gridmap.maps.areas import AreaLayer, EncodedGeometries, encode_geometries, palette_of
from gridmap.maps.display import point_to_display, to_display
from gridmap.maps.features import (
    element_id,
    feature_collection,
    feature_group,
    geojson_tooltip,
    has_geometry,
)
from gridmap.maps.legend import LegendEntry, legend
from gridmap.maps.locate import LocateButton
from gridmap.maps.tiles import TileSource
from gridmap.spatial.crs import STORE_CRS
from gridmap.text import escape_html

# ArcGIS Pro's Hot Spot Analysis colours: cold 99/95/90, not significant, hot 90/95/99.
BIN_COLOURS: dict[int, str] = {-3: "#4575B5", -2: "#849EBA", -1: "#C0CCBE", 0: "#F7F7F2", 1: "#FAB984",
                               2: "#ED7551", 3: "#D62F27"}
ROUTE_COLOUR = "#5F3DC4"
PICK_COLOUR = "#0B7285"
PLACE_COLOUR = "#862E9C"


def area_layer(frame: gpd.GeoDataFrame, classes: Sequence[int | None], colours: Mapping[int, str],
               entries: Sequence[LegendEntry], *, key: str, name: str, tooltip: Sequence[tuple[str, str]],
               tiles: TileSource, legend_title: str, opacity: float = 0.7) -> folium.FeatureGroup:
    """Polygons filled by class, with a tooltip and a legend.

    Args:
        frame: Polygons in EPSG:4326, one row per feature; a ``code`` column is carried
            as each feature's ``code`` property.
        classes: One class per row (None: no data, drawn grey).
        colours: Class -> fill colour.
        entries: The legend rows (unescaped texts).
        key: A fixed id for the group (lower-case letters and digits).
        name: The layer's name.
        tooltip: ``(column, label)`` pairs shown on hover; the column values are
            escaped here.
        tiles: The tile source (GCJ-02 tiles shift the geometry).
        legend_title: The legend's heading.
        opacity: The fill opacity.
    """
    group = feature_group(key, name)
    keep = has_geometry(frame)
    rows = frame[keep]
    kept = [c for c, k in zip(classes, keep, strict=True) if k]
    if rows.empty:
        return group
    indices, palette = palette_of(kept, colours)
    layer = AreaLayer(_encoded(rows.geometry.to_numpy(), tiles), indices, palette,
                      codes=rows["code"].astype(str).tolist() if "code" in rows.columns else None,
                      texts=[rows[col].tolist() for col, _ in tooltip], labels=[label for _c, label in tooltip],
                      key=f"{key}areas", no_data=style.NO_DATA_COLOUR, stroke=style.BOUNDARY_COLOUR,
                      fill_opacity=opacity)
    group.add_child(layer, name=layer.get_name())
    if entries:
        group.add_child(legend(legend_title, entries, key=f"{key}_legend", position="bottomright"),
                        name=f"{key}_legend")
    return group


GEOMETRY_CACHE_SIZE = 8
_geometry_cache: OrderedDict[tuple[str, str], tuple[np.ndarray, EncodedGeometries]] = OrderedDict()
_geometry_lock = threading.Lock()


def _encoded(geoms: np.ndarray, tiles: TileSource) -> EncodedGeometries:
    """The features' geometries shifted for ``tiles`` and encoded (:func:`encode_geometries`),
    kept for the last :data:`GEOMETRY_CACHE_SIZE` sets of geometries.

    A filter change recolours the same units or cells: their geometry is encoded once.
    The key is the identity of the (immutable) shapely objects; the cache holds the objects
    themselves, so an identity cannot be reused by another geometry while its entry lives.
    """
    ids = np.fromiter((id(g) for g in geoms), dtype=np.int64, count=len(geoms))
    key = (tiles.crs_kind, hashlib.sha1(ids.tobytes()).hexdigest())
    with _geometry_lock:
        hit = _geometry_cache.get(key)
        if hit is not None and len(hit[0]) == len(geoms) and all(a is b for a, b in zip(hit[0], geoms, strict=True)):
            _geometry_cache.move_to_end(key)
            return hit[1]
    shifted = np.asarray(to_display(gpd.GeoSeries(geoms, crs=STORE_CRS), tiles).values, dtype=object)
    out = encode_geometries(shifted)
    with _geometry_lock:
        _geometry_cache[key] = (np.asarray(geoms, dtype=object).copy(), out)
        while len(_geometry_cache) > GEOMETRY_CACHE_SIZE:
            _geometry_cache.popitem(last=False)
    return out


def hotspot_classes(bins: Sequence[int], labels: Mapping[int, str]) -> tuple[list[int | None], list[LegendEntry]]:
    """The classes of confidence bins and their legend rows, hot 99 % first.

    Args:
        bins: One bin per feature, -3..3.
        labels: Bin -> its words ("热点 99% 置信度", ...).
    """
    classes: list[int | None] = [int(b) if b is not None and -3 <= int(b) <= 3 else None for b in bins]
    entries = [LegendEntry("fill", BIN_COLOURS[b], labels[b]) for b in (3, 2, 1, 0, -1, -2, -3)]
    return classes, entries


def count_classes(values: Sequence[float | None], fmt: str = "{:g}") -> tuple[list[int | None], dict[int, str],
                                                                              list[tuple[float, float]]]:
    """Classes for counts or rates: zero apart, then up to four classes of the rest.

    Returns:
        The class per value (None for missing), class -> colour, and each class's
        ``(low, high)`` (both included; zero is class 0 when present).
    """
    present = [float(v) for v in values if v is not None and np.isfinite(v)]
    positive = sorted(v for v in present if v > 0)
    breaks: list[float] = []
    if positive:
        qs = np.quantile(positive, [0.25, 0.5, 0.75, 1.0])
        breaks = sorted({float(q) for q in qs})
    colours: dict[int, str] = {0: style.ZERO_COLOUR}
    palette = style.SEQUENTIAL[1:] if len(breaks) <= 4 else style.SEQUENTIAL
    ranges: list[tuple[float, float]] = [(0.0, 0.0)]
    low = 0.0
    for i, b in enumerate(breaks, start=1):
        colours[i] = palette[min(i - 1, len(palette) - 1)]
        ranges.append((low, b))
        low = b
    out: list[int | None] = []
    for v in values:
        if v is None or not np.isfinite(v):
            out.append(None)
        elif v <= 0:
            out.append(0)
        else:
            out.append(1 + int(np.searchsorted(np.asarray(breaks), float(v), side="left")))
    return out, colours, ranges


def route_layer(stops: gpd.GeoDataFrame, *, tiles: TileSource, name: str, key: str = "route",
                legend_text: str = "") -> folium.FeatureGroup:
    """The stops in order (numbered circles) joined by a line."""
    group = feature_group(key, name)
    rows = stops[has_geometry(stops)]
    if rows.empty:
        return group
    shown = to_display(rows, tiles)
    xy = np.round(shapely.get_coordinates(np.asarray(shown.geometry.values, dtype=object)), 6)
    line = folium.PolyLine([[float(y), float(x)] for x, y in xy], color=ROUTE_COLOUR, weight=4, opacity=0.8)
    line._id = element_id(f"{key}line")
    group.add_child(line, name=line._id)
    for i, (x, y) in enumerate(xy, start=1):
        html = (f'<div style="width:22px;height:22px;line-height:22px;border-radius:50%;background:{ROUTE_COLOUR};'
                f'color:#fff;font-size:11px;font-weight:700;text-align:center">{i}</div>')
        marker = folium.Marker([float(y), float(x)], icon=folium.DivIcon(html=html, icon_size=(22, 22),
                                                                        icon_anchor=(11, 11)))
        marker._id = element_id(f"{key}stop{i}")
        group.add_child(marker, name=marker._id)
    if legend_text:
        group.add_child(legend(name, [LegendEntry("point", ROUTE_COLOUR, legend_text)], key=f"{key}_legend",
                               position="topright"), name=f"{key}_legend")
    return group


def pick_layer(lon: float, lat: float, *, tiles: TileSource, name: str, key: str = "pick") -> folium.FeatureGroup:
    """A ringed marker where the new hazard will be recorded."""
    group = feature_group(key, name)
    y, x = point_to_display(lat, lon, tiles)
    marker = folium.CircleMarker([round(y, 6), round(x, 6)], radius=9, color=PICK_COLOUR, weight=3, fill=True,
                                 fill_color="#FFFFFF", fill_opacity=0.9, tooltip=None)
    marker._id = element_id(f"{key}marker")
    group.add_child(marker, name=marker._id)
    return group


def place_layer(places: gpd.GeoDataFrame, *, tiles: TileSource, name: str, tooltip: Sequence[tuple[str, str]],
                key: str = "places", legend_text: str = "") -> folium.FeatureGroup:
    """Places not inspected within their cycle, as purple squares with a tooltip."""
    group = feature_group(key, name)
    rows = places[has_geometry(places)]
    if rows.empty:
        return group
    shown = to_display(rows, tiles)
    fields = [f"f{i}" for i in range(len(tooltip))]
    columns = {col: rows[col].tolist() for col, _ in tooltip}
    props = [{f: escape_html("" if columns[col][i] is None else str(columns[col][i]))
              for f, (col, _l) in zip(fields, tooltip, strict=True)} for i in range(len(rows))]
    marker = folium.CircleMarker(radius=6, color=PLACE_COLOUR, weight=2, fill=True, fill_color=PLACE_COLOUR,
                                 fill_opacity=0.6)
    layer = folium.GeoJson(feature_collection(np.asarray(shown.geometry.values, dtype=object), props),
                           marker=marker, control=False,
                           tooltip=geojson_tooltip(fields, [label for _c, label in tooltip], f"{key}tooltip"))
    layer._id = element_id(f"{key}geojson")
    group.add_child(layer, name=layer._id)
    if legend_text:
        group.add_child(legend(name, [LegendEntry("point", PLACE_COLOUR, legend_text)], key=f"{key}_legend",
                               position="bottomleft"), name=f"{key}_legend")
    return group


__all__ = [
    "BIN_COLOURS",
    "LocateButton",
    "area_layer",
    "count_classes",
    "hotspot_classes",
    "pick_layer",
    "place_layer",
    "route_layer",
]
