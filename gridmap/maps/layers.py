"""Unit and station layers, and the base map they are drawn on.

The page keeps ONE base map (:func:`base_map`) for the life of the view and passes
everything that changes as feature groups through
``st_folium(m, feature_group_to_add=[...])``: ``st_folium`` remounts the map's iframe
(flicker, lost zoom) whenever the base map's JavaScript changes, but swaps feature
groups in place.

- :func:`base_map` -- tiles from configuration, local assets, nothing that changes.
- :func:`unit_layer` -- unit boundaries coloured by a measure, by risk colour, or
  plain; every feature carries its unit ``code``, so a click's
  ``last_active_drawing["properties"]["code"]`` names the unit.
- :func:`station_layer` -- one icon per station type.
- :func:`fit_once` -- fit the map to a selection once per selection (not on every tick).
- ``unit_layer(labels=True)`` -- the units' names on the map (:class:`UnitLabels`).

Points (issues, inspections, heat maps) are in :mod:`gridmap.maps.points`, legends in
:mod:`gridmap.maps.legend`. Every builder is deterministic (same frames, same HTML:
element ids are fixed, rows are sorted) and escapes every stored text with
:func:`gridmap.text.escape_html` before it reaches the page. No ``folium.Popup``
(random ids); tooltips only. Coordinates are rounded to 5 decimals and features carry
only the properties the tooltip shows.

Feature properties (short keys keep the JSON small): ``code`` unit code, ``id`` row
id, ``n`` name, ``v`` measure value, ``r`` risk, ``h`` households, ``t`` type. Text
values are escaped HTML: use ``code``/``id`` to look a row up, never show a property
as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from folium.elements import JSCSSMixin
from folium.template import Template

from gridmap.domain import RiskColour
from gridmap.i18n import DEFAULT_LANGUAGE, label, t
from gridmap.maps import style
from gridmap.maps.assets import use_local_assets
from gridmap.maps.display import point_to_display, to_display
from gridmap.maps.features import (
    by_code,
    compact_json,
    element_id,
    escaped_text,
    feature_collection,
    feature_group,
    format_number,
    format_value,
    geojson_tooltip,
    has_geometry,
    number,
    prepare_points,
    present,
    require_columns,
    row_ids,
    sort_by,
    split_by,
)
from gridmap.maps.legend import LegendEntry, legend
from gridmap.maps.tiles import TileSource, tile_layers, tile_source
from gridmap.text import escape_html

ColourBy = Literal["value", "risk", "none"]
Scale = Literal["count", "share", "per_100", "category"]

# Outline weight by level: coarse levels draw heavier lines.
_WEIGHT: dict[str, float] = {"county": 2.5, "town": 2.0, "village": 1.5, "grid": 1.0, "micro": 0.6}
_HIGHLIGHT = {"weight": 3, "color": "#000000", "fillOpacity": 0.75}


# --------------------------------------------------------------------------- base map


class _PluginAssets(JSCSSMixin):
    """Loads the clustering and heat-map scripts with the base map.

    ``st_folium`` loads scripts only when the iframe first mounts, so a plugin first
    used by a later feature group would find its script missing. This element draws
    nothing (its script is empty, so the base map's JavaScript stays the same) but
    lists the plugins' files.
    """

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")
    _plugins: tuple[type[JSCSSMixin], ...] = (folium.plugins.MarkerCluster, folium.plugins.HeatMap)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PluginAssets"
        self._id = "gmpluginassets"
        # Read when the element is made: base_map calls use_local_assets just before.
        self.default_js = [pair for cls in self._plugins for pair in cls.default_js]
        self.default_css = [pair for cls in self._plugins for pair in cls.default_css]


class _NoLeafletPrefix(folium.MacroElement):
    """Switches off Leaflet's attribution prefix (its link and flag): a county
    government's map credits only its data and its tiles."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
        }
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "NoLeafletPrefix"
        self._id = "gmnoprefix"


# Items new since the last tick (gridmap.maps.points.new_items_layer): a pulsing halo.
_NEW_CSS = (" @keyframes gm-new-pulse { 0% { box-shadow: 0 0 0 0 rgba(59,91,219,0.6); }"
            " 70% { box-shadow: 0 0 0 12px rgba(59,91,219,0); } 100% { box-shadow: 0 0 0 0 rgba(59,91,219,0); } }"
            " .gm-new { animation: gm-new-pulse 1.6s ease-out infinite; }")
# Unit names on the map (unit_layer(labels=True)): dark text on a white halo, never in
# the way of a click on the unit under it.
_LABEL_CSS = (" .gm-label { pointer-events: none !important; }"
              " .gm-label div { transform: translate(-50%, -50%); white-space: nowrap; font-size: 12px;"
              " font-weight: 600; color: #212529; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }")


def base_map(center: tuple[float, float], *, zoom: int = 11, tiles: TileSource | None = None,
             check_assets: bool = True, min_zoom: int = 6) -> folium.Map:
    """The map everything else is drawn on; build it once per view, never per rerun.

    Like :func:`~gridmap.maps.assets.use_local_assets`, this sets two process-wide
    folium settings: local asset URLs and compact JSON (:func:`compact_json`).

    Args:
        center: ``(lat, lon)`` in WGS84 (shifted for GCJ-02 tiles here).
        zoom: The initial zoom. Change the view later with ``st_folium(center=...,
            zoom=...)``; a different value here remounts the map.
        tiles: The tile source (default: :func:`gridmap.maps.tiles.tile_source`).
        check_assets: Fail when the local Leaflet files are not installed.
        min_zoom: The widest zoom allowed.

    Returns:
        A ``folium.Map`` with the configured tiles (none when offline), a scale bar,
        canvas rendering, and the plugin scripts preloaded.

    Raises:
        gridmap.maps.assets.AssetsMissing: ``check_assets`` and ``make assets`` has not run.
        gridmap.maps.tiles.TileConfigError: the tile configuration cannot work.
    """
    tiles = tile_source() if tiles is None else tiles
    use_local_assets(check=check_assets)
    compact_json()
    lat, lon = point_to_display(center[0], center[1], tiles)
    m = folium.Map(location=[round(lat, 6), round(lon, 6)], zoom_start=zoom, tiles=None, prefer_canvas=True,
                   control_scale=True)
    # On the map itself, not only on a tile layer: with no tiles (offline) Leaflet
    # would have no max zoom, and marker clusters refuse to work without one.
    m.options["max_zoom"] = tiles.max_zoom
    m.options["min_zoom"] = min_zoom
    # Quarter zoom steps, so fitting a selection (fit_once) fills the map instead of
    # leaving it up to half empty; the +/- buttons still step by one.
    m.options["zoom_snap"] = 0.25
    m._id = "gridmap"
    for layer in tile_layers(tiles):
        layer.add_to(m)
    m.add_child(_PluginAssets(), name="plugin_assets")
    m.add_child(_NoLeafletPrefix(), name="no_leaflet_prefix")
    # A heat map's canvas lies over the vector canvas (prefer_canvas) and would swallow
    # the mouse: no tooltips, no clicks on units. It only paints, so let events through.
    css = ".leaflet-heatmap-layer { pointer-events: none; }" + _NEW_CSS + _LABEL_CSS
    if tiles.offline:
        css += f" .leaflet-container {{ background: {style.OFFLINE_BACKGROUND} !important; }}"
    cast(Figure, m.get_root()).header.add_child(Element(f"<style>{css}</style>"), name="gridmap_css")
    return m


# --------------------------------------------------------------------------- units


def unit_layer(units: gpd.GeoDataFrame, *, values: Mapping[str, Any] | pd.Series | None = None,
               measure: str | None = None, colour_by: ColourBy | None = None, scale: Scale = "count",
               higher_is_worse: bool = True, tiles: TileSource | None = None, lang: str = DEFAULT_LANGUAGE,
               key: str = "units", show_legend: bool = True, labels: bool | Mapping[str, str] = False,
               label_min_zoom: int = 0) -> folium.FeatureGroup:
    """Unit boundaries with a tooltip, coloured by a measure, by risk, or plain.

    With a :class:`gridmap.command.UnitMeasure` ``um``::

        unit_layer(units, values=um.values["value"], measure=t(um.label_key, lang),
                   colour_by="risk" if um.kind == "categorical" else "value",
                   scale=um.scale, higher_is_worse=um.higher_is_worse, tiles=tiles, lang=lang)

    Args:
        units: Units as the store returns them (``code``, ``name``, ``level``; optional
            ``households``, ``risk_colour``), in EPSG:4326; usually from
            :func:`gridmap.maps.lod.units_at_level`.
        values: One value per unit code: numbers for ``"value"``, risk colour codes
            for ``"risk"`` (default: the frame's ``risk_colour``).
        measure: The measure's name for the legend and tooltip (already translated).
        colour_by: ``"value"`` (a colour ramp; needs ``values``), ``"risk"`` (三色管理)
            or ``"none"``; default ``"value"`` when ``values`` is given, else ``"none"``.
        scale: How values read: ``"count"``, ``"share"`` (0-1, shown as %) or
            ``"per_100"``.
        higher_is_worse: False turns the ramp round (low closure rates are dark).
        tiles: The tile source (GCJ-02 tiles shift the geometry).
        lang: The language of labels.
        key: A fixed id for the group, unique on the page (letters and digits).
        show_legend: Add a legend to the group (not for ``"none"``).
        labels: Write each unit's name on the map at a point inside it (text that
            never takes a click; see :class:`UnitLabels`); a mapping gives the text
            per unit code instead of the name (e.g. a shorter one).
        label_min_zoom: Hide the names below this zoom (they would pile up).

    Returns:
        A feature group holding one ``GeoJson`` (and the legend). Features carry
        ``code`` and the tooltip's properties only.

    Raises:
        ValueError: ``colour_by="value"`` without ``values``, or a frame without
            ``code``/``name``.
    """
    tiles = tile_source() if tiles is None else tiles
    colour_by = colour_by or ("value" if values is not None else "none")
    if colour_by == "value" and values is None:
        raise ValueError("colour_by='value' needs values (a measure value per unit code)")
    require_columns(units, ("code", "name"), "units")
    level = _single_level(units)
    group = feature_group(key, t("map.layer.boundaries", lang, level=label("level", level, lang) if level else ""))
    frame = sort_by(units, "code")
    frame = frame[has_geometry(frame)]
    if frame.empty:
        return group
    codes = frame["code"].astype(str).tolist()
    props: list[dict[str, Any]] = [{"code": c, "n": escape_html(n)} for c, n in zip(codes, frame["name"], strict=True)]
    fields, aliases = ["n"], [t("map.field.name", lang)]
    fills: list[str]
    entries: list[LegendEntry] = []
    title = ""
    if colour_by == "value":
        series = by_code(values)
        vals = [number(series.get(c)) for c in codes]
        if scale == "count":
            breaks, colours = _count_classes(vals, higher_is_worse)
        else:
            breaks = style.classify(v for v in vals if v is not None)
            colours = style.class_colours(len(breaks))
            if not higher_is_worse:
                colours = colours[::-1]
        fills = [style.NO_DATA_COLOUR if (k := style.class_of(v, breaks)) is None else colours[k] for v in vals]
        for p, v in zip(props, vals, strict=True):
            p["v"] = format_value(v, scale, lang)
        title = measure or t("map.field.value", lang)
        fields.append("v")
        aliases.append(title)
        entries = (_count_entries(breaks, colours, lang) if scale == "count"
                   else _class_entries(breaks, colours, scale, lang))
    elif colour_by == "risk":
        if values is not None:
            risks = [by_code(values, numeric=False).get(c) for c in codes]
        else:
            risks = frame["risk_colour"].tolist() if "risk_colour" in frame.columns else [None] * len(frame)
        fills = [style.RISK_COLOURS.get(str(r), style.NO_DATA_COLOUR) if present(r) else style.NO_DATA_COLOUR
                 for r in risks]
        for p, r in zip(props, risks, strict=True):
            p["r"] = escape_html(_risk_text(r, lang))
        title = measure or t("map.legend.risk", lang)
        fields.append("r")
        aliases.append(t("map.field.risk", lang))
        entries = [LegendEntry("fill", style.RISK_COLOURS[c], _risk_text(c, lang)) for c in RiskColour]
    else:
        fills = [style.PLAIN_FILL] * len(frame)
    if "households" in frame.columns:
        for p, h in zip(props, frame["households"], strict=True):
            p["h"] = format_number(h, lang)
        fields.append("h")
        aliases.append(t("map.field.households", lang))
    fill_by_code = dict(zip(codes, fills, strict=True))
    weight = _WEIGHT.get(level or "", 1.0)
    opacity = 0.65 if colour_by != "none" else 0.25
    geoms = np.asarray(to_display(frame.geometry, tiles).values, dtype=object)
    data = feature_collection(geoms, props)

    def style_function(feature: dict[str, Any]) -> dict[str, Any]:
        return {"fillColor": fill_by_code[feature["properties"]["code"]], "color": style.BOUNDARY_COLOUR,
                "weight": weight, "opacity": 0.9, "fillOpacity": opacity}

    layer = folium.GeoJson(data, style_function=style_function, highlight_function=lambda _f: _HIGHLIGHT,
                           tooltip=geojson_tooltip(fields, aliases, f"{key}tooltip"), control=False)
    layer._id = element_id(f"{key}geojson")
    group.add_child(layer, name=layer._id)
    if labels:
        spots = shapely.point_on_surface(geoms)
        xy = np.round(shapely.get_coordinates(spots), 5)
        texts = labels if isinstance(labels, Mapping) else {}
        names = [escape_html(texts.get(c, n)) for c, n in zip(codes, frame["name"], strict=True)]
        group.add_child(UnitLabels([(float(y), float(x), n) for (x, y), n in zip(xy, names, strict=True)],
                                   key=f"{key}labels", min_zoom=label_min_zoom), name=f"{key}labels")
    if show_legend and entries:
        group.add_child(legend(title, entries, key=f"{key}_legend"), name=f"{key}_legend")
    return group


def _single_level(units: pd.DataFrame) -> str | None:
    if "level" not in units.columns:
        return None
    levels = units["level"].dropna().astype(str).unique()
    return str(levels[0]) if len(levels) == 1 else None


def _class_entries(breaks: list[float], colours: list[str], scale: str, lang: str) -> list[LegendEntry]:
    entries = []
    low: float | None = None
    for b, c in zip(breaks, colours, strict=True):
        text = f"≤ {format_value(b, scale, lang)}" if low is None else \
            f"{format_value(low, scale, lang)} – {format_value(b, scale, lang)}"
        entries.append(LegendEntry("fill", c, text))
        low = b
    entries.append(LegendEntry("fill", style.NO_DATA_COLOUR, t("map.legend.no_data", lang)))
    return entries


def _count_classes(vals: list[float | None], higher_is_worse: bool) -> tuple[list[float], list[str]]:
    """Whole-number classes for counts (:func:`style.count_breaks`) and their colours.

    Zero is its own class: neutral (:data:`style.ZERO_COLOUR`) when more is worse (no
    open issues is nothing to act on); when more is better, zero is the worst class.
    """
    breaks = style.count_breaks(v for v in vals if v is not None)
    if not breaks:
        return breaks, []
    ramp = style.count_colours(len(breaks) - 1)
    if higher_is_worse:
        return breaks, [style.ZERO_COLOUR, *ramp]
    return breaks, [style.SEQUENTIAL[-1], *ramp[::-1]] if ramp else [style.SEQUENTIAL[-1]]


def _count_entries(breaks: list[float], colours: list[str], lang: str) -> list[LegendEntry]:
    """Legend rows for whole-number classes: ``0``, ``1–3``, ``4–8``: no bound twice."""
    entries = []
    low = None
    for b, c in zip(breaks, colours, strict=True):
        first = 0 if low is None else int(low) + 1
        last = int(b)
        text = format_number(last, lang) if first >= last else \
            f"{format_number(first, lang)}–{format_number(last, lang)}"
        entries.append(LegendEntry("fill", c, text))
        low = b
    entries.append(LegendEntry("fill", style.NO_DATA_COLOUR, t("map.legend.no_data", lang)))
    return entries


def _risk_text(code: Any, lang: str) -> str:
    if not present(code):
        return t("map.legend.no_data", lang)
    return f"{label('risk', str(code), lang)}（{label('risk_meaning', str(code), lang)}）" if lang != "en" else \
        f"{label('risk', str(code), lang)} ({label('risk_meaning', str(code), lang)})"


class UnitLabels(folium.MacroElement):
    """Unit names on the map, shown while their feature group is.

    Each name is a Leaflet ``divIcon`` marker that is not interactive and lets the
    mouse through (``.gm-label``, set in :func:`base_map`), so the unit under it still
    gets the click and the tooltip. Names sit in their own pane above the point
    markers and cluster bubbles (a bubble must not hide where you are). Names hide below ``min_zoom``. ``labels`` are
    ``(lat, lon, escaped name)`` in the display datum; the names must already be
    escaped (:func:`gridmap.text.escape_html`).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var owner = {{ this._parent.get_name() }}, minZoom = {{ this.min_zoom|tojson }};
            var rows = {{ this.labels|tojson }}, markers = [];
            for (var i = 0; i < rows.length; i++) {
                markers.push(L.marker([rows[i][0], rows[i][1]], {interactive: false, keyboard: false, pane: 'gmlabels',
                    icon: L.divIcon({className: 'gm-label', html: '<div>' + rows[i][2] + '</div>', iconSize: null})}));
            }
            var show = function () {
                var map = owner._map;
                if (!map) { return; }
                var on = map.getZoom() >= minZoom;
                for (var j = 0; j < markers.length; j++) {
                    if (on && !owner.hasLayer(markers[j])) { owner.addLayer(markers[j]); }
                    if (!on && owner.hasLayer(markers[j])) { owner.removeLayer(markers[j]); }
                }
            };
            var pane = function (map) {
                // Names above the point markers and cluster bubbles, below tooltips; never clickable.
                if (!map.getPane('gmlabels')) {
                    var p = map.createPane('gmlabels');
                    p.style.zIndex = 640;
                    p.style.pointerEvents = 'none';
                }
            };
            var watched = null;
            owner.on('add', function () { watched = owner._map; pane(watched); watched.on('zoomend', show); show(); });
            owner.on('remove', function () { if (watched) { watched.off('zoomend', show); watched = null; } });
            if (owner._map) { watched = owner._map; pane(watched); watched.on('zoomend', show); show(); }
        })();
        {% endmacro %}
    """)

    def __init__(self, labels: list[tuple[float, float, str]], *, key: str = "labels", min_zoom: int = 0) -> None:
        super().__init__()
        self._name = "UnitLabels"
        self._id = element_id(key)
        self.labels = [list(row) for row in labels]
        self.min_zoom = int(min_zoom)


class FitOnce(folium.MacroElement):
    """Fits the map to ``bounds`` when its feature group is added, once per ``key``.

    A page sends the same groups again on every live tick; fitting each time would
    undo the user's zoom. The key of the last fit is kept in the map's window, so a new
    selection fits and a tick of the same selection does not. The fit runs after
    streamlit-folium's own ``setView`` (a zero timeout, and after its zoom animation
    when it started one: the animation's end would restore its zoom), so it wins.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var owner = {{ this._parent.get_name() }}, key = {{ this.key|tojson }};
            var fit = function () {
                var map = owner._map;
                if (!map || window.__gmFitted === key) { return; }
                window.__gmFitted = key;
                var go = function () {
                    map.fitBounds({{ this.bounds|tojson }}, {animate: false, padding: [16, 16]});
                };
                // After streamlit-folium's setView; if that started a zoom animation, its
                // end would put the zoom back, so fit once it is over.
                setTimeout(function () {
                    if (map._animatingZoom) { map.once('zoomend', function () { setTimeout(go, 0); }); }
                    else { go(); }
                }, 0);
            };
            owner.on('add', fit);
            if (owner._map) { fit(); }
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: tuple[float, float, float, float], *, key: str, tiles: TileSource | None = None,
                 element: str = "fit") -> None:
        super().__init__()
        tiles = tile_source() if tiles is None else tiles
        minx, miny, maxx, maxy = bounds
        south, west = point_to_display(miny, minx, tiles)
        north, east = point_to_display(maxy, maxx, tiles)
        self._name = "FitOnce"
        self._id = element_id(element)
        self.key = key
        self.bounds = [[round(south, 6), round(west, 6)], [round(north, 6), round(east, 6)]]


def fit_once(bounds: tuple[float, float, float, float], *, key: str, tiles: TileSource | None = None) -> FitOnce:
    """An element that fits the map to ``bounds`` (WGS84 ``minx, miny, maxx, maxy``) once per
    ``key`` (e.g. the selected unit's code); add it to a feature group the page sends."""
    return FitOnce(bounds, key=key, tiles=tiles)


# --------------------------------------------------------------------------- stations


def station_layer(stations: gpd.GeoDataFrame, *, tiles: TileSource | None = None, lang: str = DEFAULT_LANGUAGE,
                  key: str = "stations", show_legend: bool = True) -> folium.FeatureGroup:
    """Service stations, one icon (and colour) per station type.

    Args:
        stations: Rows with ``station_type`` and ``name`` (and ``id``) in EPSG:4326.
        tiles: The tile source.
        lang: The language of labels.
        key: A fixed id for the group.
        show_legend: Add a legend of the types present.

    Returns:
        A feature group with one ``GeoJson`` per station type present.
    """
    tiles = tile_source() if tiles is None else tiles
    require_columns(stations, ("station_type", "name"), "stations")
    group = feature_group(key, label("layer", "stations", lang))
    frame = prepare_points(stations, tiles)
    entries = []
    for i, (kind, rows) in enumerate(split_by(frame, frame["station_type"].astype(str), list(style.STATION_ICONS))):
        spec = style.STATION_ICONS.get(kind, style.OTHER_STATION_ICON)
        type_text = label("station", kind, lang)
        props = [{"id": escaped_text(r), "n": escape_html(n), "t": escape_html(type_text)}
                 for r, n in zip(row_ids(rows), rows["name"], strict=True)]
        marker = folium.Marker(location=None, icon=folium.Icon(color=spec.colour, icon_color=spec.icon_colour,
                                                                icon=spec.icon, prefix="fa"))
        layer = folium.GeoJson(feature_collection(np.asarray(rows.geometry.values, dtype=object), props),
                               marker=marker, control=False,
                               tooltip=geojson_tooltip(["n", "t"], [t("map.field.name", lang), t("map.field.type", lang)],
                                                f"{key}_{i}tooltip"))
        layer._id = element_id(f"{key}{i}")
        group.add_child(layer, name=layer._id)
        entries.append(LegendEntry("icon", style.MARKER_HEX.get(spec.colour, style.UNKNOWN_COLOUR), type_text,
                                   spec.icon))
    if show_legend and entries:
        group.add_child(legend(label("layer", "stations", lang), entries, key=f"{key}_legend",
                               position="bottomleft"), name=f"{key}_legend")
    return group


__all__ = [
    "FitOnce",
    "UnitLabels",
    "base_map",
    "fit_once",
    "station_layer",
    "unit_layer",
]
