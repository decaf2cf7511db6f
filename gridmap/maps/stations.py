"""Layers of the stations page: stations by time since their last visit, households,
suggested sites and the pending click.

- :func:`visit_age_layer` -- one coloured dot per station, by :data:`AGE_COLOURS`
  (visited in the last 30 / 90 / 180 days, longer ago, never), with a legend; the
  tooltip names the station, its type and the last visit. Feature properties: ``id``,
  ``n`` name, ``t`` type, ``v`` last visit (escaped text), ``a`` age class.
- :func:`household_layer` -- households as small dots of one colour (the uncovered ones).
- :func:`site_layer` -- suggested new sites, numbered in the order they add most.
- :func:`pick_layer` -- the point the user clicked (where a visit or a station goes).

Text is escaped here (:mod:`gridmap.text`), ids are fixed: the layers go to
``st_folium(feature_group_to_add=...)`` and update in place.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.i18n import DEFAULT_LANGUAGE, label, t
from gridmap.maps.display import to_display
from gridmap.maps.features import (
    element_id,
    escaped_text,
    feature_collection,
    feature_group,
    geojson_tooltip,
    prepare_points,
    require_columns,
    row_ids,
)
from gridmap.maps.legend import LegendEntry, legend
from gridmap.maps.tiles import TileSource, tile_source
from gridmap.text import escape_html

# Age class (gridmap.stations.visits.AGE_CLASSES and "never") -> colour: green when
# recent, through amber, to red for a station nobody has visited.
AGE_COLOURS: dict[str, str] = {"d30": "#2B8A3E", "d90": "#94D82D", "d180": "#FAB005", "older": "#E8590C",
                               "never": "#C92A2A"}
UNCOVERED_COLOUR = "#D6336C"
NEWLY_COVERED_COLOUR = "#1C7ED6"
SITE_COLOUR = "#5F3DC4"
PICK_COLOUR = "#1971C2"


def visit_age_layer(stations: gpd.GeoDataFrame, *, tiles: TileSource | None = None, lang: str = DEFAULT_LANGUAGE,
                    key: str = "stationage") -> folium.FeatureGroup:
    """Stations coloured by the time since their last visit.

    Args:
        stations: EPSG:4326 points with ``id``, ``name``, ``station_type``, ``age_class``
            and ``last_visit`` (text to show, unescaped; empty when never visited).
        tiles: The tile source (GCJ-02 tiles shift the points).
        lang: The language of the legend and tooltip.
        key: The group's fixed id.
    """
    tiles = tile_source() if tiles is None else tiles
    require_columns(stations, ("id", "name", "station_type", "age_class", "last_visit"), "stations")
    group = feature_group(key, t("stations.map.layer", lang))
    frame = prepare_points(stations, tiles)
    entries = []
    for i, (cls, colour) in enumerate(AGE_COLOURS.items()):
        rows = frame[(frame["age_class"] == cls).to_numpy()]
        entries.append(LegendEntry("point", colour, t(f"stations.age.{cls}", lang)))
        if rows.empty:
            continue
        never = t("stations.age.never", lang)
        props = [{"id": escaped_text(r), "n": escape_html(n), "t": escape_html(label("station", k, lang)),
                  "v": escape_html(v or never), "a": cls}
                 for r, n, k, v in zip(row_ids(rows), rows["name"], rows["station_type"].astype(str),
                                       rows["last_visit"], strict=True)]
        marker = folium.CircleMarker(radius=8, color="#FFFFFF", weight=2, fill=True, fill_color=colour,
                                     fill_opacity=0.95)
        layer = folium.GeoJson(feature_collection(np.asarray(rows.geometry.values, dtype=object), props),
                               marker=marker, control=False,
                               tooltip=geojson_tooltip(["n", "t", "v"], [t("map.field.name", lang),
                                                                         t("map.field.type", lang),
                                                                         t("stations.map.last_visit", lang)],
                                                       f"{key}{i}tooltip"))
        layer._id = element_id(f"{key}{i}")
        group.add_child(layer, name=layer._id)
    group.add_child(legend(t("stations.map.legend", lang), entries, key=f"{key}legend", position="bottomleft"),
                    name=f"{key}legend")
    return group


def household_layer(points: gpd.GeoDataFrame, *, colour: str = UNCOVERED_COLOUR, tiles: TileSource | None = None,
                    name: str = "", key: str = "households", legend_text: str | None = None) -> folium.FeatureGroup:
    """Households as small dots of one ``colour`` (no personal data: no tooltip)."""
    tiles = tile_source() if tiles is None else tiles
    group = feature_group(key, name or key)
    if len(points):
        shown = to_display(points.geometry.reset_index(drop=True), tiles)
        marker = folium.CircleMarker(radius=3, color=colour, weight=0, fill=True, fill_color=colour,
                                     fill_opacity=0.75)
        layer = folium.GeoJson(feature_collection(np.asarray(shown.values, dtype=object), [{}] * len(shown)),
                               marker=marker, control=False)
        layer._id = element_id(f"{key}dots")
        group.add_child(layer, name=layer._id)
    if legend_text:
        group.add_child(legend(name, [LegendEntry("point", colour, legend_text)], key=f"{key}legend",
                               position="bottomright"), name=f"{key}legend")
    return group


def site_layer(sites: gpd.GeoDataFrame, *, tiles: TileSource | None = None, lang: str = DEFAULT_LANGUAGE,
               key: str = "sites") -> folium.FeatureGroup:
    """Suggested sites (EPSG:4326 points with ``rank`` and ``gained``), numbered by rank."""
    tiles = tile_source() if tiles is None else tiles
    group = feature_group(key, t("stations.siting.layer", lang))
    if len(sites):
        shown = to_display(sites.geometry.reset_index(drop=True), tiles)
        props = [{"r": int(r), "g": int(g)} for r, g in zip(sites["rank"], sites["gained"], strict=True)]
        marker = folium.CircleMarker(radius=10, color="#FFFFFF", weight=2, fill=True, fill_color=SITE_COLOUR,
                                     fill_opacity=0.95)
        layer = folium.GeoJson(feature_collection(np.asarray(shown.values, dtype=object), props), marker=marker,
                               control=False,
                               tooltip=geojson_tooltip(["r", "g"], [t("stations.siting.rank", lang),
                                                                    t("stations.siting.gained", lang)],
                                                       f"{key}tooltip"))
        layer._id = element_id(f"{key}dots")
        group.add_child(layer, name=layer._id)
    group.add_child(legend(t("stations.siting.layer", lang),
                           [LegendEntry("point", SITE_COLOUR, t("stations.siting.site", lang)),
                            LegendEntry("point", UNCOVERED_COLOUR, t("stations.coverage.uncovered_dot", lang)),
                            LegendEntry("point", NEWLY_COVERED_COLOUR, t("stations.siting.newly", lang))],
                           key=f"{key}legend", position="bottomright"), name=f"{key}legend")
    return group


def pick_layer(point: tuple[float, float] | None, *, tiles: TileSource | None = None,
               lang: str = DEFAULT_LANGUAGE, key: str = "pick") -> folium.FeatureGroup:
    """The clicked point ``(lon, lat)`` as a blue ring, or an empty group."""
    tiles = tile_source() if tiles is None else tiles
    group = feature_group(key, t("stations.map.pick", lang))
    if point is not None:
        shown = to_display(gpd.GeoSeries([shapely.Point(point)], crs="EPSG:4326"), tiles)
        marker = folium.CircleMarker(radius=9, color=PICK_COLOUR, weight=3, fill=True, fill_color="#FFFFFF",
                                     fill_opacity=0.6)
        layer = folium.GeoJson(feature_collection(np.asarray(shown.values, dtype=object), [{"p": 1}]),
                               marker=marker, control=False)
        layer._id = element_id(f"{key}dot")
        group.add_child(layer, name=layer._id)
    return group


def frame_of(xy_lonlat: np.ndarray, **columns: object) -> gpd.GeoDataFrame:
    """An EPSG:4326 frame of ``(n, 2)`` lon/lat points with extra columns."""
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=shapely.points(np.asarray(xy_lonlat).reshape(-1, 2)),
                            crs="EPSG:4326")


__all__ = ["AGE_COLOURS", "frame_of", "household_layer", "pick_layer", "site_layer", "visit_age_layer"]
