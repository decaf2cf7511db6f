"""The map library: offline assets, tile configuration, level of detail, folium layers.

Pure library code (no Streamlit): a page builds one :func:`base_map` per view and
passes the layers as ``st_folium(m, feature_group_to_add=[...])``.

Assets (:mod:`gridmap.maps.assets`)
    :func:`use_local_assets`, :func:`offsite_assets`, :func:`missing_assets`,
    :func:`install_assets`, :class:`AssetsMissing`
Tiles (:mod:`gridmap.maps.tiles`) and display datum (:mod:`gridmap.maps.display`)
    :func:`tile_source`, :class:`TileSource`, :class:`TileConfigError`,
    :func:`tile_layers`, :func:`to_display`, :func:`from_display`,
    :func:`point_to_display`
Level of detail (:mod:`gridmap.maps.lod`)
    :func:`units_at_level`, :func:`simplify_units`, :data:`TOLERANCE_M`
Layers (:mod:`gridmap.maps.layers`, :mod:`gridmap.maps.points`, :mod:`gridmap.maps.legend`)
    :func:`base_map`, :func:`unit_layer`, :func:`station_layer`, :func:`fit_once`,
    :func:`inspection_layer`, :func:`issue_layer`, :func:`heat_layer`,
    :func:`points_per_unit`, :func:`new_items_layer`, :func:`issue_overdue`, :func:`hazard_overdue`,
    :func:`legend`, :class:`LegendEntry`
The locate button (:mod:`gridmap.maps.locate`)
    :class:`LocateButton` (the browser's GPS position, reported as a map click)
Colours (:mod:`gridmap.maps.style`)
    imported as a module: ``from gridmap.maps import style``

Example::

    from gridmap.maps import base_map, unit_layer, units_at_level, tile_source

    tiles = tile_source()                      # GRIDMAP_TILES, default offline
    m = base_map((27.52, 120.43), zoom=10, tiles=tiles)
    towns = units_at_level(session, "town")
    layer = unit_layer(towns, values=open_issues_by_code, measure="未办结事件", tiles=tiles)
    # page: st_folium(m, feature_group_to_add=[layer], returned_objects=["last_active_drawing"])
"""

from gridmap.maps import style
from gridmap.maps.assets import (
    AssetsMissing,
    install_assets,
    missing_assets,
    offsite_assets,
    use_local_assets,
)
from gridmap.maps.display import from_display, point_to_display, to_display
from gridmap.maps.layers import FitOnce, UnitLabels, base_map, fit_once, station_layer, unit_layer
from gridmap.maps.legend import Legend, LegendEntry, legend
from gridmap.maps.live import bounded
from gridmap.maps.locate import LocateButton
from gridmap.maps.lod import TOLERANCE_M, GeometryCache, simplify_units, units_at_level
from gridmap.maps.points import (
    MAX_MARKERS,
    hazard_overdue,
    heat_layer,
    inspection_layer,
    issue_layer,
    issue_overdue,
    new_items_layer,
    points_per_unit,
)
from gridmap.maps.tiles import OFFLINE, TileConfigError, TileSource, tile_layers, tile_source

__all__ = [
    "MAX_MARKERS",
    "OFFLINE",
    "TOLERANCE_M",
    "AssetsMissing",
    "FitOnce",
    "GeometryCache",
    "Legend",
    "LegendEntry",
    "LocateButton",
    "TileConfigError",
    "TileSource",
    "UnitLabels",
    "base_map",
    "bounded",
    "fit_once",
    "from_display",
    "hazard_overdue",
    "heat_layer",
    "inspection_layer",
    "install_assets",
    "issue_layer",
    "issue_overdue",
    "legend",
    "missing_assets",
    "new_items_layer",
    "offsite_assets",
    "point_to_display",
    "points_per_unit",
    "simplify_units",
    "station_layer",
    "style",
    "tile_layers",
    "tile_source",
    "to_display",
    "unit_layer",
    "units_at_level",
    "use_local_assets",
]
