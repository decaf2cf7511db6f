"""The command map's "since you last looked" layer: solid rings and dashed outlines.

Rings around the issues that changed since the user's previous visit -- violet for new,
dark red for newly overdue, green for closed -- a solid ring, unlike the dashed, pulsing
blue ring of the live tick's new items; and a dashed violet outline around the units shown
whose risk colour changed or that hold a grid behind on zero-reports. Only positions and
outlines are sent (no text). Fixed ids, so the layer's script stays the same between ticks
when nothing changed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import folium
import geopandas as gpd
import numpy as np

from gridmap.i18n import DEFAULT_LANGUAGE, t
from gridmap.maps.display import to_display
from gridmap.maps.features import element_id, feature_collection, feature_group, prepare_points
from gridmap.maps.legend import LegendEntry, legend
from gridmap.maps.tiles import TileSource

SINCE_COLOURS: dict[str, str] = {"new": "#7048E8", "overdue": "#C92A2A", "closed": "#2F9E44"}
OUTLINE_COLOUR = "#7048E8"


def since_layer(points: gpd.GeoDataFrame, units: gpd.GeoDataFrame | None, changed_units: Collection[str], *,
                tiles: TileSource, lang: str = DEFAULT_LANGUAGE, key: str = "since") -> folium.FeatureGroup:
    """The layer.

    Args:
        points: Changed issues: ``id``, ``kind`` (``new``, ``overdue``, ``closed``) and a
            point geometry (EPSG:4326).
        units: The units drawn (``code``, geometry), or None.
        changed_units: Codes of the drawn units to outline.
        tiles: The tile source (GCJ-02 tiles shift everything).
        lang: The language of the layer's name and legend.
        key: A fixed id for the group.
    """
    group = feature_group(key, t("since.layer", lang))
    entries = []
    frame = prepare_points(points, tiles) if len(points) else points
    for kind, colour in SINCE_COLOURS.items():
        rows = frame[frame["kind"] == kind] if len(frame) else frame
        if not len(rows):
            continue
        props: list[dict[str, Any]] = [{} for _ in range(len(rows))]
        layer = folium.GeoJson(feature_collection(np.asarray(rows.geometry.values, dtype=object), props),
                               marker=folium.CircleMarker(radius=11, color=colour, weight=3, fill=False),
                               control=False)
        layer._id = element_id(f"{key}{kind}")
        group.add_child(layer, name=layer._id)
        entries.append(LegendEntry("ring", colour, t(f"since.kind.{kind}", lang)))
    if units is not None and len(units) and changed_units:
        shown = units[units["code"].astype(str).isin(set(changed_units))]
        if len(shown):
            shown = to_display(shown, tiles)
            outline = folium.GeoJson(feature_collection(np.asarray(shown.geometry.values, dtype=object),
                                                        [{} for _ in range(len(shown))]),
                                     style_function=_outline_style, control=False)
            outline._id = element_id(f"{key}units")
            group.add_child(outline, name=outline._id)
            entries.append(LegendEntry("fill", "transparent", t("since.legend", lang)))
    if entries:
        group.add_child(legend(t("since.layer", lang), entries, key=f"{key}_legend", position="topleft"),
                        name=f"{key}_legend")
    return group


def _outline_style(_feature: Mapping[str, Any]) -> dict[str, Any]:
    return {"color": OUTLINE_COLOUR, "weight": 3, "dashArray": "6 4", "fill": False}
