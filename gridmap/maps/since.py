"""The command map's "since you last looked" layer: solid rings and dashed outlines.

Rings around the issues that changed since the user's previous visit -- violet for new,
dark red for newly overdue, green for closed -- a solid ring, unlike the dashed, pulsing
blue ring of the live tick's new items; and a dashed violet outline around the units shown
whose risk colour changed or that hold a grid behind on zero-reports. Only positions and
outlines are sent (no text). Fixed ids, so the layer's script stays the same between ticks
when nothing changed.

Two steps, so the page can keep the costly one: :func:`since_features` turns the changes
into GeoJSON (shifted for the tiles; a county's day is hundreds of rings), once per live
tick and selection; :func:`since_layer` wraps them in folium objects on every run.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely

from gridmap.i18n import DEFAULT_LANGUAGE, t
from gridmap.maps.display import to_display
from gridmap.maps.features import element_id, feature_collection, feature_group, prepare_points
from gridmap.maps.legend import LegendEntry, legend
from gridmap.maps.tiles import TileSource

SINCE_COLOURS: dict[str, str] = {"new": "#7048E8", "overdue": "#C92A2A", "closed": "#2F9E44"}
OUTLINE_COLOUR = "#7048E8"


@dataclass(frozen=True)
class SinceFeatures:
    """The layer's GeoJSON: rings per kind (only kinds with rows) and the outlines (or None)."""

    rings: Mapping[str, dict[str, Any]]
    outlines: dict[str, Any] | None


def since_features(points: gpd.GeoDataFrame, units: gpd.GeoDataFrame | None, changed_units: Collection[str], *,
                   tiles: TileSource) -> SinceFeatures:
    """The GeoJSON of the layer.

    Args:
        points: Changed issues: ``id``, ``kind`` (``new``, ``overdue``, ``closed``) and a
            point geometry (EPSG:4326).
        units: The units drawn (``code``, geometry), or None.
        changed_units: Codes of the drawn units to outline.
        tiles: The tile source (GCJ-02 tiles shift everything).
    """
    rings: dict[str, dict[str, Any]] = {}
    frame = prepare_points(points, tiles) if len(points) else points
    for kind in SINCE_COLOURS:
        rows = frame[(frame["kind"] == kind).to_numpy()] if len(frame) else frame
        if len(rows):
            rings[kind] = _point_collection(rows)
    outlines = None
    if units is not None and len(units) and changed_units:
        shown = units[units["code"].astype(str).isin(set(changed_units)).to_numpy()]
        if len(shown):
            shown = to_display(shown, tiles)
            outlines = feature_collection(np.asarray(shown.geometry.values, dtype=object),
                                          [{} for _ in range(len(shown))])
    return SinceFeatures(rings, outlines)


def since_layer(features: SinceFeatures, *, lang: str = DEFAULT_LANGUAGE, key: str = "since") -> folium.FeatureGroup:
    """The feature group (with a legend of what it shows)."""
    group = feature_group(key, t("since.layer", lang))
    entries = []
    for kind, collection in features.rings.items():
        colour = SINCE_COLOURS[kind]
        layer = folium.GeoJson(collection, marker=folium.CircleMarker(radius=11, color=colour, weight=3, fill=False),
                               control=False)
        layer._id = element_id(f"{key}{kind}")
        group.add_child(layer, name=layer._id)
        entries.append(LegendEntry("ring", colour, t(f"since.kind.{kind}", lang)))
    if features.outlines is not None:
        outline = folium.GeoJson(features.outlines, style_function=_outline_style, control=False)
        outline._id = element_id(f"{key}units")
        group.add_child(outline, name=outline._id)
        entries.append(LegendEntry("fill", "transparent", t("since.legend", lang)))
    if entries:
        group.add_child(legend(t("since.layer", lang), entries, key=f"{key}_legend", position="topleft"),
                        name=f"{key}_legend")
    return group


def _point_collection(rows: gpd.GeoDataFrame) -> dict[str, Any]:
    """Points as GeoJSON, coordinates rounded to 5 decimals (about 1 m), built in one go."""
    xy = np.round(shapely.get_coordinates(np.asarray(rows.geometry.values, dtype=object)), 5).tolist()
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": c}}
                         for c in xy]}


def _outline_style(_feature: Mapping[str, Any]) -> dict[str, Any]:
    return {"color": OUTLINE_COLOUR, "weight": 3, "dashArray": "6 4", "fill": False}
