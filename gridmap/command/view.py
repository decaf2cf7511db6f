"""What the command map sends to the browser for one selection: aggregated, never everything.

:func:`build_view` turns (session, snapshot, selected unit, filters, measure) into the
feature groups a page passes to ``st_folium(feature_group_to_add=...)``:

- the units one level below the selection (towns at county view, micro-grids inside a
  grid), simplified per level, coloured by the chosen measure;
- issues and hazards as points, but only what a commander acts on at that scale: at
  county view the open ones only (the same "open" as the KPIs, :mod:`gridmap.workflow.clock`;
  the closed ones are in the colours and the KPIs); inside a town or below also those
  reported or found in the date range;
- stations of the selected types, from village level down (at county and town view
  their number is in the KPI line; 1,500 icons would hide the colours);
- the items new since the previous live tick, in a dashed, pulsing blue ring
  (:func:`gridmap.maps.new_items_layer`).

The units' group fits the map to the selection once per selection (:func:`gridmap.maps.fit_once`:
a live tick keeps the user's zoom) and names the units shown. The selection's outline
and a zoom that fits it come back too, so the page can move the map without rebuilding
the base map (which would remount it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access import Session
from gridmap.command.filters import Filters
from gridmap.command.measures import UnitMeasure, unit_measure
from gridmap.command.snapshot import Snapshot
from gridmap.domain import HAZARD_LIFECYCLE, ISSUE_LIFECYCLE, Level
from gridmap.i18n import t
from gridmap.maps import (
    MAX_MARKERS,
    fit_once,
    inspection_layer,
    issue_layer,
    new_items_layer,
    point_to_display,
    station_layer,
    unit_layer,
    units_at_level,
)
from gridmap.maps.tiles import TileSource

ISSUE_POINT_COLUMNS = ("id", "category", "status", "description", "reported_at", "deadline", "closed_at")
HAZARD_POINT_COLUMNS = ("id", "place_type", "hazard_types", "severity", "status", "found_at", "deadline")
STATION_POINT_COLUMNS = ("id", "name", "station_type", "opened", "closes")
# Open, as the KPIs count it (gridmap.workflow.clock): what county view reads and shows.
OPEN_ISSUES: tuple[str, ...] = tuple(s for s in ISSUE_LIFECYCLE.statuses if s in ISSUE_LIFECYCLE.open)
OPEN_HAZARDS: tuple[str, ...] = tuple(s for s in HAZARD_LIFECYCLE.statuses if s in HAZARD_LIFECYCLE.open)
DENSE_MARKERS = 150  # above this many points at county or town view, cluster them


@dataclass(frozen=True)
class MapView:
    """The layers and framing of one view of the command map.

    Attributes:
        layers: Feature groups for ``st_folium(feature_group_to_add=...)``, fixed order.
        bounds: ``(minx, miny, maxx, maxy)`` of the selected unit, WGS84.
        center: ``(lat, lon)`` to centre on, already in the tiles' datum.
        zoom: A zoom that fits the selection.
        child_level: The level of the units drawn.
        measure: The measure the units are coloured by.
        sent: How many features of each kind were sent.
        units: The units drawn (``code`` and the geometry as drawn, WGS84), for
            :func:`unit_at`: a click is resolved from its position, not from the layer
            Leaflet happened to report.
    """

    layers: list[folium.FeatureGroup]
    bounds: tuple[float, float, float, float]
    center: tuple[float, float]
    zoom: int
    child_level: Level
    measure: UnitMeasure
    sent: dict[str, int] = field(default_factory=dict)
    units: gpd.GeoDataFrame | None = None


def child_level(level: Level | str) -> Level:
    """The level drawn inside a selection: the next one down (micro-grids stay micro-grids)."""
    return Level(level).child or Level.MICRO


def fit_zoom(bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 560) -> int:
    """The largest web-map zoom at which ``bounds`` fits a map of the given size."""
    minx, miny, maxx, maxy = bounds
    lat = math.radians((miny + maxy) / 2)
    width = max(maxx - minx, 1e-6) * math.cos(lat)
    height = max(maxy - miny, 1e-6)
    zoom_x = math.log2(360 * width_px / 256 / width)
    zoom_y = math.log2(360 * height_px / 256 / height)
    return int(max(6, min(18, math.floor(min(zoom_x, zoom_y)))))


@dataclass(frozen=True, eq=False)
class ViewPoints:
    """The points a view may show, read once per selection and live tick (filters apply later).

    At county view only open issues and unfinished hazards are read; inside a town or
    below, every issue and hazard of the selection, so that a filter change needs no read.
    """

    code: str
    whole: bool
    issues: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame


def load_points(session: Session, snapshot: Snapshot, code: str | None) -> ViewPoints:
    """Read the points of one selection through the session (its scope bounds the read)."""
    sel = snapshot.select(code)
    view = session.narrowed(sel.code) if sel.code != session.scope.unit_code else session
    whole = sel.level == Level.COUNTY
    issue_where = {"status": list(OPEN_ISSUES)} if whole else None
    hazard_where = {"status": list(OPEN_HAZARDS)} if whole else None
    return ViewPoints(
        sel.code, whole,
        view.read("issues", where=issue_where, columns=[*ISSUE_POINT_COLUMNS, "geometry"]),
        view.read("inspections", where=hazard_where, columns=[*HAZARD_POINT_COLUMNS, "geometry"]),
        view.read("stations", columns=[*STATION_POINT_COLUMNS, "geometry"]),
    )


def build_view(session: Session, snapshot: Snapshot, code: str | None, filters: Filters, measure: str,
               now: dt.datetime, *, tiles: TileSource, lang: str, new_ids: Collection[str] = (),
               points: ViewPoints | None = None) -> MapView:
    """The command map's layers for one selected unit.

    Args:
        session: The user's session (its jurisdiction bounds every read).
        snapshot: The numbers, from :func:`gridmap.command.load_snapshot`.
        code: The selected unit; None for the user's whole jurisdiction.
        filters: The commander's filters.
        measure: The measure the units are coloured by (:data:`gridmap.command.MEASURES`).
        now: The data's as-of time.
        tiles: The tile source (GCJ-02 tiles shift everything drawn).
        lang: The language of labels.
        new_ids: Issue and hazard ids new since the last tick, ringed on the map.
        points: From :func:`load_points` for the same selection (read here when None).

    Returns:
        The view. Raises :class:`~gridmap.store.ScopeError` when ``code`` is outside
        the session's jurisdiction.
    """
    sel = snapshot.select(code)
    view = session.narrowed(sel.code) if sel.code != session.scope.unit_code else session
    if points is None or points.code != sel.code:
        points = load_points(session, snapshot, sel.code)
    level = child_level(sel.level)
    um = unit_measure(snapshot, sel.code, level, measure, filters, now)
    units = units_at_level(view, level, columns=["name", "level", "households", "risk_colour"])
    categorical = um.kind == "categorical"
    bounds = _bounds(view, sel.code, units)
    zoom = fit_zoom(bounds)
    # Names of the units shown (a generated partition means nothing without them),
    # hidden two zooms out from the fit, where they would pile up.
    unit_group = unit_layer(units, values=um.values["value"], measure=t(um.label_key, lang),
                            colour_by="risk" if categorical else "value", scale=um.scale,  # type: ignore[arg-type]
                            higher_is_worse=um.higher_is_worse, tiles=tiles, lang=lang, key="units",
                            labels=_short_names(units, str(snapshot.units.at[sel.code, "name"])),
                            label_min_zoom=zoom - 2)
    unit_group.add_child(fit_once(bounds, key=f"{sel.code}:{_bounds_key(bounds)}", tiles=tiles), name="fit")
    layers = [unit_group]
    issues = _issues(points.issues, filters, now, open_only=points.whole)
    hazards = _hazards(points.hazards, filters, now, open_only=points.whole)
    # Above village level, points cluster early and stations are left to the numbers:
    # 1,500 station icons would hide the county's colours.
    dense = sel.level in (Level.COUNTY, Level.TOWN)
    stations = _stations(points.stations, filters, now).iloc[:0] if dense else _stations(points.stations, filters, now)
    cap = DENSE_MARKERS if dense else MAX_MARKERS
    layers += [
        issue_layer(issues, as_of=now, tiles=tiles, lang=lang, key="issues", max_markers=cap),
        inspection_layer(hazards, as_of=now, tiles=tiles, lang=lang, key="hazards", max_markers=cap),
        station_layer(stations, tiles=tiles, lang=lang, key="stations"),
    ]
    fresh = _new_points(issues, hazards, new_ids)
    layers.append(new_items_layer(fresh, tiles=tiles, lang=lang, key="new"))
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    lon, lat = _display_point(cx, cy, tiles)
    return MapView(layers, bounds, (lat, lon), zoom, level, um,
                   {"units": len(units), "issues": len(issues), "hazards": len(hazards),
                    "stations": len(stations), "new": len(fresh)},
                   units[["code", "geometry"]])


def unit_at(units: gpd.GeoDataFrame | None, lon: float, lat: float) -> str | None:
    """The code of the unit of ``units`` that holds the WGS84 point, or None.

    The command map drills down on the unit under the click. Leaflet reports the layer
    it hit, but a click in the moment a view is redrawn (new layers added, the map
    moving to the new selection) reaches only the map: its position is reliable, the
    layer is not. Boundaries count as inside; on a shared edge the lowest code wins.
    """
    if units is None or units.empty:
        return None
    point = shapely.Point(lon, lat)
    hits = units[units.geometry.intersects(point)]
    if hits.empty:
        return None
    return str(hits["code"].astype(str).min())


# --------------------------------------------------------------------------- filtering


def _issues(frame: gpd.GeoDataFrame, filters: Filters, now: dt.datetime, *, open_only: bool) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame
    live = list(OPEN_ISSUES)
    keep = np.ones(len(frame), dtype=bool)
    if filters.categories is not None:
        keep &= frame["category"].isin(filters.categories).to_numpy()
    if filters.issue_statuses is not None:
        keep &= frame["status"].isin(filters.issue_statuses).to_numpy()
    reported = pd.to_datetime(frame["reported_at"])
    keep &= (reported <= pd.Timestamp(now)).to_numpy()
    if not open_only:
        start, end = _window(filters, now)
        keep &= (frame["status"].isin(live) | ((reported >= start) & (reported < end))).to_numpy()
    return frame[keep]


def _hazards(frame: gpd.GeoDataFrame, filters: Filters, now: dt.datetime, *, open_only: bool) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame
    live = list(OPEN_HAZARDS)
    keep = np.ones(len(frame), dtype=bool)
    if filters.hazard_statuses is not None:
        keep &= frame["status"].isin(filters.hazard_statuses).to_numpy()
    if filters.hazard_types is not None:
        wanted = set(filters.hazard_types)
        keep &= np.array([bool(wanted.intersection(h or ())) for h in frame["hazard_types"]], dtype=bool)
    found = pd.to_datetime(frame["found_at"])
    keep &= (found <= pd.Timestamp(now)).to_numpy()
    if not open_only:
        start, end = _window(filters, now)
        keep &= (frame["status"].isin(live) | ((found >= start) & (found < end))).to_numpy()
    return frame[keep]


def _stations(frame: gpd.GeoDataFrame, filters: Filters, now: dt.datetime) -> gpd.GeoDataFrame:
    """The stations of the selected types open at ``now``: a temporary 助考小站 only in its
    dates, a closed station never after its last day (as the KPIs count them)."""
    if frame.empty:
        return frame
    from gridmap.stations.registry import active_on

    keep = active_on(frame, now.date())
    if filters.station_types is not None:
        keep &= frame["station_type"].isin(filters.station_types).to_numpy()
    return frame[keep]


def _window(filters: Filters, now: dt.datetime) -> tuple[pd.Timestamp, pd.Timestamp]:
    date_from, date_to = filters.window(now)
    return pd.Timestamp(date_from), pd.Timestamp(date_to) + pd.Timedelta(days=1)


def _bounds(view: Session, code: str, units: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    own = view.read("units", where={"code": code, "plan_version": view.current_plan()}, columns=["code", "geometry"])
    shapes = own if not own.empty else units
    if shapes.empty:
        return (120.2, 27.2, 120.9, 27.8)
    minx, miny, maxx, maxy = shapes.total_bounds
    return float(minx), float(miny), float(maxx), float(maxy)


# --------------------------------------------------------------------------- new items


def _new_points(issues: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame, new_ids: Collection[str]) -> gpd.GeoDataFrame:
    wanted = set(new_ids)
    parts = [frame.loc[frame["id"].isin(wanted), ["id", "geometry"]] for frame in (issues, hazards)
             if not frame.empty and wanted]
    if not parts:
        return gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def _short_names(units: gpd.GeoDataFrame, parent: str) -> dict[str, str]:
    """Unit names without the selection's name in front (严处村第1网格第3微网格 -> 第3微网格)."""
    out = {}
    for code, name in zip(units["code"].astype(str), units["name"].astype(str), strict=True):
        out[code] = name[len(parent):] if parent and name.startswith(parent) and len(name) > len(parent) else name
    return out


def _bounds_key(bounds: tuple[float, float, float, float]) -> str:
    return ",".join(f"{b:.5f}" for b in bounds)


def _display_point(lon: float, lat: float, tiles: TileSource) -> tuple[float, float]:
    dlat, dlon = point_to_display(lat, lon, tiles)
    return float(dlon), float(dlat)


__all__ = ["MapView", "ViewPoints", "build_view", "child_level", "fit_zoom", "load_points"]

