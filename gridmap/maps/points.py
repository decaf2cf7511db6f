"""Point layers: hazard inspections and issues by status, clusters, heat maps, counts.

- :func:`issue_layer`, :func:`inspection_layer` -- one colour per status, overdue points
  larger, red and ringed on top; issues are dots, hazards diamonds (never the same
  marker); above ``max_markers`` rows everything goes into one marker cluster (neutral
  slate bubbles whatever their size; clusters holding overdue points get a red ring;
  both in the legend) or, on request, a heat map. Statuses that share a colour share
  one legend row.
- :func:`issue_overdue`, :func:`hazard_overdue` -- what counts as overdue: the one
  definition in :mod:`gridmap.workflow.clock` (the KPIs use it too).
- :func:`new_items_layer` -- a dashed, pulsing blue ring around items new since the last tick.
- :func:`heat_layer` -- the density (or a weighted sum) of any points.
- :func:`points_per_unit` -- counts per unit, for a count map instead of points.

Feature properties (short keys keep the JSON small): ``id`` row id, ``t`` category or
place type, ``s`` status, ``g`` severity, ``z`` hazards, ``d`` description, ``f`` found
or reported time, ``l`` deadline. Text values are escaped HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import Level
from gridmap.i18n import DEFAULT_LANGUAGE, label, t
from gridmap.maps import style
from gridmap.maps.features import (
    element_id,
    feature_collection,
    feature_group,
    format_time,
    geojson_tooltip,
    js_json,
    prepare_points,
    present,
    require_columns,
    row_ids,
    shorten,
    split_by,
)
from gridmap.maps.legend import LegendEntry, legend
from gridmap.maps.lod import DECIMALS
from gridmap.maps.tiles import TileSource, tile_source
from gridmap.text import escape_html
from gridmap.workflow import clock

MAX_MARKERS = 1500


Aggregate = Literal["auto", "markers", "cluster", "heat"]


def inspection_layer(inspections: gpd.GeoDataFrame, *, as_of: dt.datetime | None = None,
                     overdue: pd.Series | None = None, tiles: TileSource | None = None,
                     lang: str = DEFAULT_LANGUAGE, max_markers: int = MAX_MARKERS, aggregate: Aggregate = "auto",
                     key: str = "inspections", show_legend: bool = True) -> folium.FeatureGroup:
    """Hazard inspections coloured by status; overdue ones stand out.

    Args:
        inspections: Rows with ``status`` (and ``severity``, ``place_type``,
            ``hazard_types``, ``found_at``, ``deadline``, ``id``) in EPSG:4326.
        as_of: "Now" for deciding what is overdue (:func:`hazard_overdue`). None:
            the stored ``overdue`` status only.
        overdue: A boolean per row (same index) to use instead of that rule.
        tiles: The tile source.
        lang: The language of labels.
        max_markers: Above this many rows ``aggregate="auto"`` clusters the points.
        aggregate: ``"markers"``, ``"cluster"``, ``"heat"`` or ``"auto"``.
        key: A fixed id for the group.
        show_legend: Add a legend.
    """
    require_columns(inspections, ("status",), "inspections")
    late = overdue if overdue is not None else hazard_overdue(inspections, as_of)
    return _status_points(
        inspections, late, kind="hazard_status", colours=style.HAZARD_STATUS_COLOURS,
        layer_name=label("layer", "inspections", lang), props=_inspection_props, lang=lang, tiles=tiles,
        max_markers=max_markers, aggregate=aggregate, key=key, show_legend=show_legend, shape=style.HAZARD_SHAPE)


def issue_layer(issues: gpd.GeoDataFrame, *, as_of: dt.datetime | None = None, overdue: pd.Series | None = None,
                tiles: TileSource | None = None, lang: str = DEFAULT_LANGUAGE, max_markers: int = MAX_MARKERS,
                aggregate: Aggregate = "auto", key: str = "issues", show_legend: bool = True) -> folium.FeatureGroup:
    """Issues coloured by status; overdue ones (open past their deadline) stand out.

    Args:
        issues: Rows with ``status`` (and ``category``, ``description``,
            ``reported_at``, ``deadline``, ``id``) in EPSG:4326.
        as_of: "Now" for deciding what is overdue: a deadline before ``as_of`` while
            the clock still runs (not resolved, verified or closed). None: nothing is.
        overdue: A boolean per row (same index) to use instead of that rule.
        tiles, lang, max_markers, aggregate, key, show_legend: as for
            :func:`inspection_layer`.
    """
    require_columns(issues, ("status",), "issues")
    late = overdue if overdue is not None else issue_overdue(issues, as_of)
    return _status_points(
        issues, late, kind="issue_status", colours=style.ISSUE_STATUS_COLOURS, layer_name=label("layer", "issues", lang),
        props=_issue_props, lang=lang, tiles=tiles, max_markers=max_markers, aggregate=aggregate, key=key,
        show_legend=show_legend, shape=style.ISSUE_SHAPE)


def issue_overdue(issues: pd.DataFrame, as_of: dt.datetime | None) -> pd.Series:
    """True for issues on the clock whose deadline passed before ``as_of`` (None: nothing is)."""
    return clock.issue_overdue(issues, as_of)


def hazard_overdue(inspections: pd.DataFrame, as_of: dt.datetime | None) -> pd.Series:
    """True for open hazards past their deadline (the KPIs' definition); a stored
    ``overdue`` status without a deadline counts too. Without ``as_of`` only the stored
    ``overdue`` status counts."""
    return clock.hazard_overdue(inspections, as_of)


def heat_layer(points: gpd.GeoDataFrame, *, name: str, tiles: TileSource | None = None,
               weight: str | None = None, key: str = "heat", radius: int = 14, blur: int = 18,
               lang: str = DEFAULT_LANGUAGE, show_legend: bool = True) -> folium.FeatureGroup:
    """A heat map of points (density, or the sum of a ``weight`` column).

    Args:
        points: Point rows in EPSG:4326.
        name: The layer's name (already translated).
        tiles: The tile source.
        weight: A numeric column to weight each point by.
        key: A fixed id for the group.
        radius, blur: Leaflet.heat's radius and blur in pixels.
        lang: The language of the legend.
        show_legend: Add a low-to-high legend.
    """
    tiles = tile_source() if tiles is None else tiles
    group = feature_group(key, name)
    frame = prepare_points(points, tiles)
    if frame.empty:
        return group
    xy = np.round(shapely.get_coordinates(np.asarray(frame.geometry.values, dtype=object)), DECIMALS)
    if weight is not None:
        w = pd.to_numeric(frame[weight], errors="coerce").fillna(0).to_numpy(dtype=float)
        data = [[float(y), float(x), round(float(v), 3)] for (x, y), v in zip(xy, w, strict=True)]
    else:
        data = [[float(y), float(x)] for x, y in xy]
    heat = folium.plugins.HeatMap(data, radius=radius, blur=blur, min_opacity=0.3, control=False)
    heat._id = element_id(f"{key}heat")
    group.add_child(heat, name=heat._id)
    if show_legend:
        gradient = "linear-gradient(to right, blue, cyan, lime, yellow, red)"
        group.add_child(legend(name, [LegendEntry("gradient", gradient, t("map.legend.heat", lang))],
                               key=f"{key}_legend", position="bottomleft"), name=f"{key}_legend")
    return group


def new_items_layer(points: gpd.GeoDataFrame, *, tiles: TileSource | None = None, lang: str = DEFAULT_LANGUAGE,
                    key: str = "new", show_legend: bool = True) -> folium.FeatureGroup:
    """A thick, dashed, pulsing blue ring around each item new since the last live tick.

    Unmistakable next to the red overdue rings: another colour (one no status uses),
    another line (dashed), and it pulses; the legend says what it means. Only positions
    are sent (no text). The group's id is fixed, so its JavaScript stays the same
    between ticks when nothing arrived.

    Args:
        points: Rows with ``id`` and a point geometry in EPSG:4326.
        tiles: The tile source.
        lang: The language of the layer's name and legend.
        key: A fixed id for the group.
        show_legend: Add a legend row when something is new.
    """
    tiles = tile_source() if tiles is None else tiles
    group = feature_group(key, t("map.layer.new", lang))
    frame = prepare_points(points, tiles)
    if frame.empty:
        return group
    size = 26
    ring = (f'<div class="gm-new" style="width:{size}px;height:{size}px;border-radius:50%;'
            f'border:4px dashed {style.NEW_COLOUR};box-sizing:border-box"></div>')
    marker = folium.Marker(location=None, icon=folium.DivIcon(html=ring, icon_size=(size, size),
                                                              icon_anchor=(size // 2, size // 2),
                                                              class_name="gm-new-icon"))
    props: list[dict[str, Any]] = [{} for _ in range(len(frame))]
    layer = folium.GeoJson(feature_collection(np.asarray(frame.geometry.values, dtype=object), props),
                           marker=marker, control=False)
    layer._id = element_id(f"{key}rings")
    group.add_child(layer, name=layer._id)
    if show_legend:
        group.add_child(legend(t("map.layer.new", lang), [LegendEntry("new", style.NEW_COLOUR,
                                                                        t("map.legend.new", lang))],
                               key=f"{key}_legend", position="topleft"), name=f"{key}_legend")
    return group


def points_per_unit(points: pd.DataFrame, level: Level | str) -> pd.Series:
    """How many points lie in each unit of ``level`` (by the assigned code columns).

    Args:
        points: Assigned point rows (``town_code`` ... ``micro_code``).
        level: ``town``, ``village``, ``grid`` or ``micro``.

    Returns:
        Counts indexed by unit code (units without points are absent).
    """
    column = {"town": "town_code", "village": "village_code", "grid": "grid_code", "micro": "micro_code"}.get(
        Level(level).value)
    if column is None:
        raise ValueError(f"points are assigned to town, village, grid and micro units, not {level!r}")
    codes = points[column].dropna().astype(str)
    return codes.value_counts().sort_index().rename("count")


# --------------------------------------------------------------------------- helpers


def _status_points(points: gpd.GeoDataFrame, late: pd.Series, *, kind: str, colours: Mapping[str, str],
                   layer_name: str, props: Callable[[pd.DataFrame, str], list[dict[str, Any]]], lang: str,
                   tiles: TileSource | None, max_markers: int, aggregate: Aggregate, key: str,
                   show_legend: bool, shape: str) -> folium.FeatureGroup:
    tiles = tile_source() if tiles is None else tiles
    if aggregate not in ("auto", "markers", "cluster", "heat"):
        raise ValueError(f"aggregate must be auto, markers, cluster or heat, not {aggregate!r}")
    group = feature_group(key, layer_name)
    frame = prepare_points(points.assign(_late=late.reindex(points.index).fillna(False).astype(bool)), tiles)
    if frame.empty:
        return group
    mode = aggregate if aggregate != "auto" else ("markers" if len(frame) <= max_markers else "cluster")
    if mode == "heat":
        return heat_layer(frame, name=layer_name, tiles=_ALREADY_SHIFTED, key=key, lang=lang,
                          show_legend=show_legend)
    status = frame["status"].astype(str)
    order = list(colours)
    statuses = [s for s in order if (status == s).any()] + sorted(set(status) - set(order))
    fields, aliases = _point_fields(kind, lang)
    if mode == "markers":
        regular = frame[~frame["_late"]]
        for i, (code, rows) in enumerate(split_by(regular, regular["status"].astype(str), order)):
            st = style.point_style(colours.get(code, style.UNKNOWN_COLOUR))
            group.add_child(_marker_geojson(rows, props(rows, lang), st, fields, aliases, f"{key}_{i}", shape),
                            name=f"{key}_{i}")
        late_rows = frame[frame["_late"]]
        if not late_rows.empty:
            group.add_child(_marker_geojson(late_rows, props(late_rows, lang), style.OVERDUE_STYLE, fields, aliases,
                                            f"{key}_late", shape), name=f"{key}_late")
    else:
        group.add_child(_cluster(frame, statuses, colours, kind, lang, key, shape), name=f"{key}_cluster")
    if show_legend:
        regular_status = set(status[~frame["_late"].to_numpy()])
        entries = _status_entries([s for s in statuses if s in regular_status], colours, kind, lang, shape)
        if frame["_late"].any():
            entries.append(LegendEntry("ring" if shape == style.ISSUE_SHAPE else "diamond_ring",
                                       style.OVERDUE_STYLE.fill, t("map.legend.overdue", lang)))
        if mode == "cluster":
            square = "" if shape == style.ISSUE_SHAPE else "square"
            entries.append(LegendEntry("cluster", style.CLUSTER_COLOURS["fill"], t("map.legend.cluster", lang),
                                       square))
            if frame["_late"].any():
                entries.append(LegendEntry("cluster_late", style.CLUSTER_COLOURS["fill"],
                                           t("map.legend.cluster_late", lang), square))
        group.add_child(legend(layer_name, entries, key=f"{key}_legend", position="bottomleft"),
                        name=f"{key}_legend")
    return group


def _status_entries(statuses: list[str], colours: Mapping[str, str], kind: str, lang: str,
                    shape: str) -> list[LegendEntry]:
    """One legend row per colour: statuses painted alike are listed together (已派遣、处置中)."""
    by_colour: dict[str, list[str]] = {}
    for s in statuses:
        by_colour.setdefault(colours.get(s, style.UNKNOWN_COLOUR), []).append(label(kind, s, lang))
    joiner = " / " if lang == "en" else "、"
    swatch = "point" if shape == style.ISSUE_SHAPE else "diamond"
    return [LegendEntry(swatch, colour, joiner.join(names)) for colour, names in by_colour.items()]


def _marker_geojson(rows: gpd.GeoDataFrame, props: list[dict[str, Any]], st: style.PointStyle,
                    fields: list[str], aliases: list[str], key: str, shape: str) -> folium.GeoJson:
    opts = st.options()
    marker: folium.CircleMarker | folium.Marker
    if shape == style.HAZARD_SHAPE:
        size, html = _diamond(st)
        marker = folium.Marker(location=None, icon=folium.DivIcon(html=html, icon_size=(size, size),
                                                                  icon_anchor=(size // 2, size // 2),
                                                                  class_name="gm-hazard-icon"))
    else:
        marker = folium.CircleMarker(radius=opts["radius"], color=opts["color"], weight=opts["weight"],
                                     fill=True, fill_color=opts["fillColor"], fill_opacity=opts["fillOpacity"])
    layer = folium.GeoJson(feature_collection(np.asarray(rows.geometry.values, dtype=object), props),
                           marker=marker, control=False,
                           tooltip=geojson_tooltip(fields, aliases, f"{key}tooltip"))
    layer._id = element_id(key)
    return layer


def _diamond(st: style.PointStyle) -> tuple[int, str]:
    """A hazard's marker: a square turned 45 degrees, as wide as the issue dot of the same style."""
    side = round(st.radius * 1.5 + st.weight)
    box = round(side * 1.45) + 2
    margin = (box - side) / 2
    html = (f'<div class="gm-hazard" style="width:{side}px;height:{side}px;margin:{margin:g}px;'
            f'background:{st.fill};border:{st.weight:g}px solid {st.stroke};box-sizing:border-box;'
            f'transform:rotate(45deg);opacity:{st.fill_opacity:g}"></div>')
    return box, html


_CLUSTER_ICON = """function (cluster) {
    var kids = cluster.getAllChildMarkers(), late = 0;
    for (var i = 0; i < kids.length; i++) { if (kids[i].options.gridmapLate) { late++; } }
    var n = cluster.getChildCount();
    var d = n < 10 ? 28 : (n < 100 ? 34 : 42);
    var ring = late ? '0 0 0 4px LATE' : '0 0 0 3px HALO';
    return L.divIcon({html: '<div style="width:' + d + 'px;height:' + d + 'px;line-height:' + d + 'px;'
                            + 'border-radius:RADIUS;background:FILL;color:TEXT;font-weight:600;font-size:12px;'
                            + 'text-align:center;opacity:0.92;box-shadow:' + ring + '">' + n + '</div>',
                      className: 'gm-cluster', iconSize: new L.Point(d, d)});
}"""


def _cluster_icon(shape: str) -> str:
    """The bubbles' JavaScript: one neutral colour; red only as the overdue ring. Issue
    clusters are round, hazard clusters square, like their markers."""
    c = style.CLUSTER_COLOURS
    radius = "4px" if shape == style.HAZARD_SHAPE else "50%"
    return (_CLUSTER_ICON.replace("RADIUS", radius).replace("LATE", style.OVERDUE_STYLE.fill)
            .replace("HALO", c["halo"])
            .replace("FILL", c["fill"]).replace("TEXT", c["text"]))


def _cluster(frame: gpd.GeoDataFrame, statuses: list[str], colours: Mapping[str, str], kind: str, lang: str,
             key: str, shape: str) -> folium.plugins.FastMarkerCluster:
    """Every point in one marker cluster; rows are ``[lat, lon, style, label]`` indexes."""
    status_index = {s: i for i, s in enumerate(statuses)}
    point_styles = [style.point_style(colours.get(s, style.UNKNOWN_COLOUR)) for s in statuses]
    point_styles.append(style.OVERDUE_STYLE)
    late_style = len(point_styles) - 1
    styles: list[dict[str, Any]]
    if shape == style.HAZARD_SHAPE:
        styles = []
        for i, st in enumerate(point_styles):
            size, html = _diamond(st)
            styles.append({"icon": {"html": html, "iconSize": [size, size], "iconAnchor": [size // 2, size // 2],
                                    "className": "gm-hazard-icon"}, "gridmapLate": i == late_style})
        make = " var s = styles[row[2]], marker = L.marker(new L.LatLng(row[0], row[1]),"\
               " {icon: L.divIcon(s.icon), gridmapLate: s.gridmapLate});"
    else:
        styles = [{**st.options(), "gridmapLate": i == late_style} for i, st in enumerate(point_styles)]
        make = " var s = styles[row[2]], marker = L.circleMarker(new L.LatLng(row[0], row[1]), s);"
    tips = [escape_html(label(kind, s, lang)) for s in statuses]
    late_text = escape_html(t("map.legend.overdue", lang))
    xy = np.round(shapely.get_coordinates(np.asarray(frame.geometry.values, dtype=object)), DECIMALS)
    rows = []
    for (x, y), s, is_late in zip(xy, frame["status"].astype(str), frame["_late"], strict=True):
        i = status_index[s]
        rows.append([float(y), float(x), late_style if is_late else i, i])
    callback = (
        "function (row) {"
        f" var styles = {js_json(styles)}, tips = {js_json(tips)}, late = {js_json(late_text)};"
        f"{make}"
        " marker.bindTooltip(tips[row[3]] + (s.gridmapLate ? ' · ' + late : ''));"
        " return marker; }")
    cluster = folium.plugins.FastMarkerCluster(
        rows, callback=callback, control=False, maxClusterRadius=50, disableClusteringAtZoom=17,
        icon_create_function=_cluster_icon(shape))
    cluster._id = element_id(f"{key}cluster")
    return cluster


def _point_fields(kind: str, lang: str) -> tuple[list[str], list[str]]:
    if kind == "issue_status":
        keys = [("t", "map.field.category"), ("s", "map.field.status"), ("d", "map.field.description"),
                ("f", "map.field.reported_at"), ("l", "map.field.deadline")]
    else:
        keys = [("t", "map.field.place_type"), ("z", "map.field.hazards"), ("g", "map.field.severity"),
                ("s", "map.field.status"), ("f", "map.field.found_at"), ("l", "map.field.deadline")]
    return [k for k, _ in keys], [t(m, lang) for _, m in keys]


def _issue_props(rows: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    out = []
    for r in _records(rows, ("category", "status", "description", "reported_at", "deadline")):
        out.append({
            "id": r["id"],
            "t": escape_html(label("category", str(r["category"]), lang) if present(r["category"]) else ""),
            "s": escape_html(label("issue_status", str(r["status"]), lang)),
            "d": escape_html(shorten(r["description"])),
            "f": format_time(r["reported_at"]),
            "l": format_time(r["deadline"]),
        })
    return out


def _inspection_props(rows: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    out = []
    for r in _records(rows, ("place_type", "hazard_types", "severity", "status", "found_at", "deadline")):
        hazards = r["hazard_types"] if isinstance(r["hazard_types"], list | tuple) else []
        out.append({
            "id": r["id"],
            "t": escape_html(label("place", str(r["place_type"]), lang) if present(r["place_type"]) else ""),
            "z": escape_html("、".join(label("hazard", str(h), lang) for h in hazards)),
            "g": escape_html(label("severity", str(r["severity"]), lang) if present(r["severity"]) else ""),
            "s": escape_html(label("hazard_status", str(r["status"]), lang)),
            "f": format_time(r["found_at"]),
            "l": format_time(r["deadline"]),
        })
    return out


def _records(rows: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    data = {c: (rows[c].tolist() if c in rows.columns else [None] * len(rows)) for c in columns}
    data["id"] = row_ids(rows)
    return [dict(zip(data, values, strict=True)) for values in zip(*data.values(), strict=True)]


# Points reaching heat_layer from _status_points are already shifted for display.
_ALREADY_SHIFTED = TileSource("none")


__all__ = [
    "MAX_MARKERS",
    "hazard_overdue",
    "heat_layer",
    "inspection_layer",
    "issue_layer",
    "issue_overdue",
    "new_items_layer",
    "points_per_unit",
]
