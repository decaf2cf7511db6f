"""The planner's map: the selected unit's children as editable shapes, its context around.

One :func:`plan_map` per geometry state: the editable shapes sit in the Draw control's
feature group, which must be part of the base map (streamlit-folium finds the group by
renaming ``drawnItems_*`` in the base map's script), so a new geometry means a new map.
The page builds it at the view the browser last reported (:class:`EditView`), so the
planner's zoom and position survive an edit.

What the browser sends back (``st_folium(..., returned_objects=["all_drawings"])``) is
read by :func:`read_drawings`: each editable shape carries its unit ``code`` in
``feature.properties``; a shape drawn by the planner has none (a split line or a new
unit). Every draw event also stamps the map's view (centre, zoom) and a sequence
number on the shapes it touched (:class:`_StampDrawEvents`), so the server knows where
the planner was looking, without a rerun on every pan.

Example::

    m = plan_map(children, context, view=EditView(27.5, 120.4, 14), tiles=tiles, lang="zh")
    out = st_folium(m, key=f"plan-{state_hash}", returned_objects=["all_drawings"])
    drawings = read_drawings(out.get("all_drawings"), tiles)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template
from scipy.spatial import cKDTree

from gridmap.i18n import DEFAULT_LANGUAGE, t
from gridmap.maps.display import from_display, to_display
from gridmap.maps.features import escaped_text, js_json, present
from gridmap.maps.layers import base_map
from gridmap.maps.tiles import TileSource
from gridmap.plan.model import PRECISION

EDIT_COLOUR = "#1f6feb"
CONTEXT_COLOUR = "#8c8c8c"
PROBLEM_COLOUR = "#d1242f"
WARNING_COLOUR = "#d97706"
MOVED_COLOUR = "#9a3fd1"
_DECIMALS = 6  # Leaflet's rounding of what it returns


@dataclass(frozen=True)
class EditView:
    """Where the map looks: centre (WGS84) and zoom."""

    lat: float
    lon: float
    zoom: float


@dataclass(frozen=True)
class Drawings:
    """What the planner did on the map since the map was built.

    Attributes:
        shapes: unit code -> the shape now (WGS84), for every editable unit returned.
        lines: drawn polylines (WGS84), newest last.
        polygons: drawn polygons (WGS84), newest last.
        view: the view at the last draw event, if any.
        digest: a hash of the returned value, to process each change once.
    """

    shapes: dict[str, shapely.Geometry]
    lines: list[shapely.LineString]
    polygons: list[shapely.Polygon]
    view: EditView | None
    digest: str


class _UnitCode(MacroElement):
    """Gives an editable polygon ``feature.properties.code``, so edits name their unit."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.feature = {"type": "Feature", "properties": {"code": {{ this.code }}}};
        {% endmacro %}
    """)

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "UnitCode"
        self.code = js_json(str(code))


class _StampDrawEvents(MacroElement):
    """On every draw event, writes the map's view and a sequence number into the touched
    shapes' properties. Registered before streamlit-folium's own handler (which reads
    the shapes into ``all_drawings``), so the stamp travels with the same update."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            function stamp(layer) {
                var f = layer.feature = layer.feature || {"type": "Feature", "properties": {}};
                f.properties = f.properties || {};
                var c = map.getCenter();
                window.__gridmapDrawSeq = (window.__gridmapDrawSeq || 0) + 1;
                f.properties.gridmap_view = {"lat": c.lat, "lng": c.lng, "zoom": map.getZoom(),
                                             "seq": window.__gridmapDrawSeq};
            }
            map.on("draw:created", function (e) { stamp(e.layer); });
            map.on("draw:edited", function (e) { e.layers.eachLayer(stamp); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "StampDrawEvents"


# Leaflet.draw's toolbar words (``L.drawLocal``), path -> i18n key.
_DRAW_WORDS: dict[str, str] = {
    "draw.toolbar.actions.title": "plan.draw.cancel_title",
    "draw.toolbar.actions.text": "plan.draw.cancel",
    "draw.toolbar.finish.title": "plan.draw.finish_title",
    "draw.toolbar.finish.text": "plan.draw.finish",
    "draw.toolbar.undo.title": "plan.draw.undo_title",
    "draw.toolbar.undo.text": "plan.draw.undo",
    "draw.toolbar.buttons.polyline": "plan.draw.polyline",
    "draw.toolbar.buttons.polygon": "plan.draw.polygon",
    "draw.toolbar.buttons.rectangle": "plan.draw.rectangle",
    "draw.handlers.rectangle.tooltip.start": "plan.draw.rectangle_start",
    "draw.handlers.simpleshape.tooltip.end": "plan.draw.rectangle_end",
    "draw.handlers.polygon.tooltip.start": "plan.draw.polygon_start",
    "draw.handlers.polygon.tooltip.cont": "plan.draw.polygon_cont",
    "draw.handlers.polygon.tooltip.end": "plan.draw.polygon_end",
    "draw.handlers.polyline.error": "plan.draw.crossing",
    "draw.handlers.polyline.tooltip.start": "plan.draw.line_start",
    "draw.handlers.polyline.tooltip.cont": "plan.draw.line_cont",
    "draw.handlers.polyline.tooltip.end": "plan.draw.line_end",
    "edit.toolbar.actions.save.title": "plan.draw.save_title",
    "edit.toolbar.actions.save.text": "plan.draw.save",
    "edit.toolbar.actions.cancel.title": "plan.draw.cancel_edit_title",
    "edit.toolbar.actions.cancel.text": "plan.draw.cancel",
    "edit.toolbar.buttons.edit": "plan.draw.edit",
    "edit.toolbar.buttons.editDisabled": "plan.draw.edit_disabled",
    "edit.handlers.edit.tooltip.text": "plan.draw.edit_text",
    "edit.handlers.edit.tooltip.subtext": "plan.draw.edit_subtext",
}


class _PickClicks(MacroElement):
    """Reports a click on the map outside the editable shapes, while no draw or edit tool
    is active: ``{"lat", "lng", "view": {"lat", "lng", "zoom"}, "at"}`` in streamlit-folium's
    ``last_geocoder_result`` slot (no geocoder is on this map), so only such clicks rerun
    the page. A click on an editable shape (or while dragging vertices, drawing a line or
    a polygon) is not reported: picking must not interfere with editing.

    Layer handlers run before the map's (Leaflet fires the layer, then the map), so the
    editable group marks the click and the map handler skips it; the map handler is
    registered before streamlit-folium's own, which sends the value (debounced).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, groups) {
            var busy = false;
            ["draw:drawstart", "draw:editstart", "draw:deletestart"].forEach(function (t) {
                map.on(t, function () { busy = true; });
            });
            ["draw:drawstop", "draw:editstop", "draw:deletestop"].forEach(function (t) {
                map.on(t, function () { setTimeout(function () { busy = false; }, 0); });
            });
            groups.forEach(function (g) {
                g.on("click", function (e) { if (e.originalEvent) { e.originalEvent._gridmapEditable = true; } });
            });
            map.on("click", function (e) {
                if (busy || !e.latlng || (e.originalEvent && e.originalEvent._gridmapEditable)) { return; }
                if (!window.__GLOBAL_DATA__) { return; }
                var c = map.getCenter();
                window.__GLOBAL_DATA__.last_geocoder_result = {
                    "lat": e.latlng.lat, "lng": e.latlng.lng, "at": Date.now(),
                    "view": {"lat": c.lat, "lng": c.lng, "zoom": map.getZoom()}};
            });
        })({{ this._parent.get_name() }}, [{{ this.groups }}]);
        {% endmacro %}
    """)

    def __init__(self, groups: Sequence[str]) -> None:
        super().__init__()
        self._name = "PickClicks"
        self.groups = ", ".join(groups)


class _DrawWords(MacroElement):
    """Leaflet.draw's toolbar and hints in the page's language (set before the control)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (words) {
            if (!window.L || !L.drawLocal) { return; }
            Object.keys(words).forEach(function (path) {
                var keys = path.split("."), node = L.drawLocal;
                for (var i = 0; i < keys.length - 1; i++) {
                    node = node[keys[i]] = node[keys[i]] || {};
                }
                node[keys[keys.length - 1]] = words[path];
            });
        })({{ this.words }});
        {% endmacro %}
    """)

    def __init__(self, lang: str, overrides: dict[str, str] | None = None) -> None:
        super().__init__()
        self._name = "DrawWords"
        words = {**_DRAW_WORDS, **(overrides or {})}
        self.words = js_json({path: t(key, lang) for path, key in words.items()})


def plan_map(children: gpd.GeoDataFrame, context: gpd.GeoDataFrame, *, view: EditView,
             tiles: TileSource, lang: str = DEFAULT_LANGUAGE,
             problems: Sequence[tuple[shapely.Geometry, str, str]] = (),
             moved: gpd.GeoDataFrame | None = None, changed: frozenset[str] = frozenset()) -> folium.Map:
    """The planner's map of one unit.

    Args:
        children: the editable units (``code``, ``name``, ``households``, geometry, WGS84).
        context: units shown for orientation only (the parent's outline, its neighbours).
        view: where the map looks.
        tiles: the tile source (GCJ-02 tiles shift what is drawn; edits are shifted back
            by :func:`read_drawings`).
        lang: the language of the tooltips and the draw toolbar's hints.
        problems: (geometry, sentence, severity) to highlight: errors red, warnings orange.
        moved: points that an edit moves to another unit (highlighted), or None.
        changed: codes of the units the draft changes against the plan in force (drawn
            with a thick outline).

    Returns:
        A ``folium.Map`` with a Draw control whose edit mode works on ``children`` only.
    """
    m = base_map((view.lat, view.lon), zoom=round(view.zoom), tiles=tiles)
    m.options["zoom_snap"] = 0.25
    if not context.empty:
        _context_layer(context, tiles).add_to(m)
    editable = folium.FeatureGroup(name=t("plan.map.editable", lang), control=False)
    # Leaflet.draw edits one ring per shape: a unit in several pieces (an exclave) is shown,
    # not offered for editing, or its other pieces would be lost in the edit.
    pieces = shapely.get_num_geometries(children.geometry.to_numpy())
    for row in children[pieces <= 1].itertuples():
        _editable_polygon(row, tiles, lang, changed=row.code in changed).add_to(editable)
    editable.add_to(m)
    if (pieces > 1).any():
        multipart = _multipart_layer(children[pieces > 1], tiles, lang)
        multipart.add_to(m)
    if problems:
        _problem_layer(problems, tiles, lang).add_to(m)
    if moved is not None and not moved.empty:
        _moved_layer(moved, tiles, lang).add_to(m)
    groups = [editable.get_name()]
    if (pieces > 1).any():
        groups.append(multipart.get_name())
    m.add_child(_PickClicks(groups), name="pick_clicks")
    m.add_child(_StampDrawEvents(), name="stamp_draw_events")
    m.add_child(_DrawWords(lang), name="draw_words")
    folium.plugins.Draw(
        feature_group=editable, export=False, position="topleft", show_geometry_on_click=False,
        draw_options={"polyline": {"shapeOptions": {"color": PROBLEM_COLOUR, "weight": 3}},
                      "polygon": {"allowIntersection": False, "showArea": False,
                                  "shapeOptions": {"color": EDIT_COLOUR}},
                      "rectangle": False, "circle": False, "marker": False, "circlemarker": False},
        edit_options={"edit": True, "remove": False},
    ).add_to(m)
    return m


# Fill colours of the micro-grids on the cells map (cycled by position).
_CELL_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f")
SELECTED_COLOUR = "#d1242f"


def cells_map(children: gpd.GeoDataFrame, cells: gpd.GeoDataFrame, selected: frozenset[str], *,
              view: EditView, tiles: TileSource, lang: str = DEFAULT_LANGUAGE,
              context: gpd.GeoDataFrame | None = None) -> folium.Map:
    """The map for moving households between micro-grids: the grid's cells coloured by
    micro-grid (picked ones red), the micro-grids' outlines, and a Draw control with a
    rectangle and a polygon to pick every cell inside. A click on a cell (outside any
    tool) comes back through :func:`read_pick`, a drawn shape through :func:`read_drawings`.

    Args:
        children: the grid's micro-grids (``code``, ``name``, ``households``, WGS84).
        cells: the grid's cells (:func:`gridmap.plan.cells.cells_for`).
        selected: ids of the picked cells.
        view: where the map looks.
        tiles: the tile source.
        lang: the language of the tooltips and the toolbar.
        context: units shown for orientation only, or None.
    """
    m = base_map((view.lat, view.lon), zoom=round(view.zoom), tiles=tiles)
    m.options["zoom_snap"] = 0.25
    if context is not None and not context.empty:
        _context_layer(context, tiles).add_to(m)
    colour = {str(c): _CELL_PALETTE[i % len(_CELL_PALETTE)] for i, c in enumerate(children["code"])}
    names = dict(zip(children["code"].astype(str), children["name"], strict=True))
    geoms = to_display(cells.geometry.to_numpy(), tiles)
    features = []
    for cid, code, n, g in zip(cells["cell_id"], cells["micro_code"], cells["households"], geoms, strict=True):
        picked = str(cid) in selected
        tip = t("plan.map.cell", lang, name=escaped_text(names.get(str(code), str(code))), n=int(n))
        features.append({"type": "Feature", "properties": {
            "cell": str(cid), "micro": str(code), "picked": picked,
            "fill": SELECTED_COLOUR if picked else colour.get(str(code), CONTEXT_COLOUR),
            "opacity": 0.55 if picked else 0.25, "tip": tip}, "geometry": shapely.geometry.mapping(g)})
    folium.GeoJson({"type": "FeatureCollection", "features": features}, name=t("plan.map.cells", lang),
                   control=False,
                   style_function=lambda f: {"color": "#ffffff", "weight": 0.8, "fillColor": f["properties"]["fill"],
                                             "fillOpacity": f["properties"]["opacity"]},
                   tooltip=folium.GeoJsonTooltip(["tip"], labels=False)).add_to(m)
    outlines = to_display(children.geometry.to_numpy(), tiles)
    folium.GeoJson({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(shapely.boundary(g))}
        for g in outlines]}, name="outlines", control=False, interactive=False,
        style_function=lambda _f: {"color": EDIT_COLOUR, "weight": 3}).add_to(m)
    drawn = folium.FeatureGroup(name="drawn", control=False)
    drawn.add_to(m)
    m.add_child(_PickClicks([]), name="pick_clicks")
    m.add_child(_StampDrawEvents(), name="stamp_draw_events")
    m.add_child(_DrawWords(lang, {"draw.toolbar.buttons.polygon": "plan.draw.polygon_pick",
                                  "draw.handlers.polygon.tooltip.start": "plan.draw.polygon_pick_start"}),
                name="draw_words")
    folium.plugins.Draw(
        feature_group=drawn, export=False, position="topleft", show_geometry_on_click=False,
        draw_options={"polyline": False, "rectangle": {"shapeOptions": {"color": SELECTED_COLOUR}},
                      "polygon": {"allowIntersection": False, "showArea": False,
                                  "shapeOptions": {"color": SELECTED_COLOUR}},
                      "circle": False, "marker": False, "circlemarker": False},
        edit_options={"edit": False, "remove": False},
    ).add_to(m)
    return m


def read_drawings(value: Any, tiles: TileSource) -> Drawings | None:
    """What ``st_folium`` returned as ``all_drawings``, in WGS84; None when nothing came.

    Shapes the browser could not have made (bad coordinates, unknown types) are left
    out rather than failing the page; the edit functions check what remains.
    """
    if not value:
        return None
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
    shapes: dict[str, shapely.Geometry] = {}
    lines: list[shapely.LineString] = []
    polygons: list[shapely.Polygon] = []
    best: tuple[int, EditView] | None = None
    for feature in value if isinstance(value, list) else []:
        if not isinstance(feature, dict):
            continue
        props = feature.get("properties") or {}
        geom = _geometry(feature.get("geometry"), tiles)
        if geom is None:
            continue
        stamp = props.get("gridmap_view")
        if isinstance(stamp, dict):
            view = _view(stamp)
            if view is not None and (best is None or view[0] > best[0]):
                best = view
        code = props.get("code")
        if isinstance(code, str) and geom.geom_type in ("Polygon", "MultiPolygon"):
            shapes[code] = geom
        elif geom.geom_type == "LineString":
            lines.append(geom)
        elif geom.geom_type == "Polygon":
            polygons.append(geom)
    _, last_view = best if best else (0, None)
    return Drawings(shapes, lines, polygons, last_view, digest)


@dataclass(frozen=True)
class Pick:
    """A click on the map outside the editable shapes (see :class:`_PickClicks`).

    Attributes:
        lon, lat: where (WGS84, shifted back from GCJ-02 tiles).
        view: the map's view at the click.
        digest: a hash of the returned value, to handle each click once.
    """

    lon: float
    lat: float
    view: EditView | None
    digest: str


def read_pick(value: Any, tiles: TileSource) -> Pick | None:
    """The click ``st_folium`` returned as ``last_geocoder_result``; None when none came or
    the value is not one the map could have sent."""
    if not isinstance(value, dict):
        return None
    try:
        lat, lng = float(value["lat"]), float(value["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (np.isfinite(lat) and np.isfinite(lng) and abs(lat) <= 90 and abs(lng) <= 180):
        return None
    lon, lat = from_display(np.array([lng]), np.array([lat]), tiles)
    raw = value.get("view")
    view = None
    if isinstance(raw, dict):
        try:
            view = EditView(float(raw["lat"]), float(raw["lng"]), float(raw["zoom"]))
        except (KeyError, TypeError, ValueError):
            view = None
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
    return Pick(float(lon[0]), float(lat[0]), view, digest)


def geometry_changed(before: shapely.Geometry, after: shapely.Geometry) -> bool:
    """Whether ``after`` (as returned by Leaflet) differs from ``before`` beyond rounding."""
    a, b = (_multi(shapely.set_precision(g, PRECISION)) for g in (before, after))
    return not shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=PRECISION / 2)


def change_area(before: shapely.Geometry, after: shapely.Geometry) -> float:
    """How much area (square degrees) an edit moved: the symmetric difference."""
    return float(shapely.area(shapely.symmetric_difference(_multi(before), _multi(after))))


def _multi(geom: shapely.Geometry) -> shapely.Geometry:
    # Units are stored as MultiPolygons; Leaflet returns a Polygon for the same shape.
    return shapely.MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom


def restore_vertices(stored: shapely.Geometry, returned: shapely.Geometry,
                     tolerance: float = 1.5 * PRECISION) -> shapely.Geometry:
    """``returned`` (an edited shape as Leaflet sends it, rounded to 6 decimals) with every
    vertex that the planner did not move put back exactly where ``stored`` has it.

    Leaflet rounds every coordinate; without this, each vertex of an edited unit would
    seem to move by up to 5e-7 degrees (~5 cm) and leave slivers against neighbours that
    share the edge but were not edited.
    """
    known = shapely.get_coordinates(stored)
    if not len(known):
        return returned
    tree = cKDTree(known)

    def back(coords: np.ndarray) -> np.ndarray:
        dist, idx = tree.query(coords, distance_upper_bound=tolerance)
        out = coords.copy()
        hit = np.isfinite(dist)
        out[hit] = known[idx[hit]]
        return out

    return shapely.transform(returned, back)


def view_of(bounds: tuple[float, float, float, float], zoom: float) -> EditView:
    """The view centred on ``bounds`` (minx, miny, maxx, maxy) at ``zoom``."""
    return EditView((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2, zoom)


# --------------------------------------------------------------------------- layers


def _editable_polygon(row: Any, tiles: TileSource, lang: str, *, changed: bool = False) -> folium.Polygon:
    geom = to_display(row.geometry, tiles)
    polygon = geom.geoms[0] if geom.geom_type == "MultiPolygon" else geom
    rings = [_latlngs(polygon.exterior), *(_latlngs(r) for r in polygon.interiors)]
    households = getattr(row, "households", None)
    tip = escaped_text(row.name)
    if present(households):
        tip += " · " + t("plan.map.households", lang, n=int(cast(Any, households)))
    if changed:
        tip += " · " + t("plan.map.changed", lang)
    shape = folium.Polygon(rings if len(rings) > 1 else rings[0], color=MOVED_COLOUR if changed else EDIT_COLOUR,
                           weight=4 if changed else 2,
                           fill=True, fill_opacity=0.08, tooltip=folium.Tooltip(tip, sticky=True))
    shape.add_child(_UnitCode(row.code), name="unit_code")
    return shape


def _multipart_layer(units: gpd.GeoDataFrame, tiles: TileSource, lang: str) -> folium.GeoJson:
    geoms = to_display(units.geometry.to_numpy(), tiles)
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": str(code), "tip": escaped_text(t("plan.map.multipart", lang, name=name))},
         "geometry": shapely.geometry.mapping(g)}
        for code, name, g in zip(units["code"], units["name"], geoms, strict=True)]}
    return folium.GeoJson(data, name="multipart", control=False,
                          style_function=lambda _f: {"color": EDIT_COLOUR, "weight": 2, "dashArray": "2 4",
                                                     "fillOpacity": 0.04},
                          tooltip=folium.GeoJsonTooltip(["tip"], labels=False))


def _latlngs(ring: shapely.LinearRing) -> list[list[float]]:
    # Leaflet closes rings itself; the repeated first point would become a draggable handle.
    return [[round(y, _DECIMALS), round(x, _DECIMALS)] for x, y in list(ring.coords)[:-1]]


def _context_layer(context: gpd.GeoDataFrame, tiles: TileSource) -> folium.GeoJson:
    geoms = to_display(context.geometry.to_numpy(), tiles)
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": escaped_text(name)}, "geometry": shapely.geometry.mapping(g)}
        for name, g in zip(context["name"], geoms, strict=True)]}
    return folium.GeoJson(data, name="context", control=False, interactive=False,
                          style_function=lambda _f: {"color": CONTEXT_COLOUR, "weight": 1.5, "dashArray": "4 4",
                                                     "fill": False})


def _problem_layer(problems: Sequence[tuple[shapely.Geometry, str, str]], tiles: TileSource,
                   lang: str) -> folium.GeoJson:
    features = []
    for geom, text, severity in problems:
        if geom is None or shapely.is_empty(geom):
            continue
        shown = to_display(geom, tiles)
        if shown.geom_type in ("Point", "MultiPoint"):
            shown = shapely.buffer(shown, 2e-4)
        colour = PROBLEM_COLOUR if severity == "error" else WARNING_COLOUR
        features.append({"type": "Feature", "properties": {"problem": escaped_text(text), "colour": colour,
                                                           "fill": 0.35 if severity == "error" else 0.0},
                         "geometry": shapely.geometry.mapping(shown)})
    return folium.GeoJson({"type": "FeatureCollection", "features": features}, name=t("plan.map.problems", lang),
                          style_function=lambda f: {"color": f["properties"]["colour"], "weight": 3,
                                                    "fillOpacity": f["properties"]["fill"], "dashArray": None
                                                    if f["properties"]["fill"] else "6 4"},
                          tooltip=folium.GeoJsonTooltip(["problem"], labels=False))


def _moved_layer(moved: gpd.GeoDataFrame, tiles: TileSource, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=t("plan.map.moved", lang))
    for p in to_display(moved.geometry.to_numpy(), tiles):
        folium.CircleMarker([p.y, p.x], radius=3, color=MOVED_COLOUR, fill=True, fill_opacity=0.9,
                            weight=1).add_to(group)
    return group


def _geometry(data: Any, tiles: TileSource) -> shapely.Geometry | None:
    try:
        geom = shapely.geometry.shape(data)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        return None
    if geom.is_empty or not shapely.is_valid_input(geom):
        return None
    coords = shapely.get_coordinates(geom)
    if not (abs(coords[:, 0]) <= 180).all() or not (abs(coords[:, 1]) <= 90).all():
        return None
    lon, lat = from_display(coords[:, 0], coords[:, 1], tiles)
    back = shapely.set_coordinates(geom, list(zip(lon, lat, strict=True)))
    return shapely.set_precision(back, PRECISION) if back.geom_type != "LineString" else back


def _view(stamp: dict[str, Any]) -> tuple[int, EditView] | None:
    try:
        return int(stamp["seq"]), EditView(float(stamp["lat"]), float(stamp["lng"]), float(stamp["zoom"]))
    except (KeyError, TypeError, ValueError):
        return None
