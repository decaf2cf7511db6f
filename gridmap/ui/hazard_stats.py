"""The hazard page's views that need statistics: hexagons, hot spots, emerging hot spots.

:func:`view_layers` builds the layers of the chosen view (the points, heat and units
views come from :mod:`gridmap.ui.hazards`, the statistics from
:mod:`gridmap.hotspots`; nothing is computed here but counts per cell) and
:func:`explain` says in words what the map shows: for hot spots the variable, the
neighbours, the permutations and the correction, and whether the permutation engine is
still warming up (analytic z-scores until it is).

Results are cached per :meth:`~gridmap.access.Session.cache_key` (never across
jurisdictions or roles), the data generation and the filters.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import h3
import pandas as pd
import streamlit as st

from gridmap.access import Op, Session, level_of_code
from gridmap.domain import Level, code_prefix
from gridmap.hazards import HazardFilters
from gridmap.hazards.layers import area_layer, count_classes, hotspot_classes
from gridmap.i18n import t
from gridmap.maps import TileSource
from gridmap.maps.legend import LegendEntry
from gridmap.maps.lod import units_at_level
from gridmap.text import escape_markdown
from gridmap.ui import hazards
from gridmap.ui.hazard_panels import cycle_layers, cycles, due_places
from gridmap.ui.hazards import HazardData

MAX_CELLS = 6000  # the finest H3 resolution whose study area has at most this many cells
PATTERN_COLOURS: dict[str, str] = {
    "new": "#FDD0A2", "consecutive": "#FDAE6B", "intensifying": "#E6550D", "persistent": "#A63603",
    "diminishing": "#FD8D3C", "sporadic": "#F16913", "oscillating": "#D94801", "historical": "#8C6D31",
}
COLD_PATTERN_COLOURS: dict[str, str] = {
    "new": "#C6DBEF", "consecutive": "#9ECAE1", "intensifying": "#08519C", "persistent": "#08306B",
    "diminishing": "#6BAED6", "sporadic": "#4292C6", "oscillating": "#2171B5", "historical": "#6A51A3",
}


@dataclass
class View:
    """The layers of the view and what the page says about them."""

    layers: list[folium.FeatureGroup]
    notes: list[str] = field(default_factory=list)
    method: str = ""
    warming: bool = False
    hot: dict[str, Any] | None = None  # the hot units or cells, for the route's shortlist
    cycles: dict[str, int] = field(default_factory=dict)
    rank_level: Level = Level.VILLAGE
    due: Callable[[], gpd.GeoDataFrame] | None = None

    def due_places(self) -> gpd.GeoDataFrame:
        assert self.due is not None
        return self.due()


def view_layers(session: Session, data: HazardData, rows: gpd.GeoDataFrame, filters: HazardFilters,
                tiles: TileSource, lang: str, now: dt.datetime) -> View:
    """The chosen view's layers (and its words)."""
    table = cycles(lang)
    generation = hazards.generation()
    memo: dict[str, gpd.GeoDataFrame] = {}

    def due() -> gpd.GeoDataFrame:
        if "due" not in memo:
            memo["due"] = due_places(session.cache_key(), generation, data, now, table)
        return memo["due"]

    focus = filters.unit or data.home
    focus_level = level_of_code(focus)
    rank_level = focus_level.child or Level.MICRO
    view = View([], cycles=table, rank_level=rank_level, due=due)
    try:
        if filters.view in ("points", "heat"):
            view.layers = hazards.point_layers(rows, filters, tiles, lang, now)
            if filters.view == "heat":
                view.notes.append(t("hazards.heat_note", lang))
        elif filters.view == "units":
            view.layers, note = hazards.unit_measure_layer(session, data, rows, filters, tiles, lang, now)
            if note:
                view.notes.append(note)
        elif filters.view == "hex":
            _hexagons(session, data, rows, filters, tiles, lang, view)
        elif filters.view == "hotspots" and filters.statistic == "moran":
            _outliers(session, data, rows, filters, tiles, lang, view)
        elif filters.view == "hotspots":
            _hotspots(session, data, rows, filters, tiles, lang, view)
        elif filters.view == "emerging":
            _emerging(session, data, filters, tiles, lang, now, view)
        else:  # cycle
            view.layers = cycle_layers(due(), tiles, lang)
            view.notes.append(t("hazards.cycle.map_note", lang, n=len(due())))
    except ImportError:
        view.notes.append(t("hazards.stats_missing", lang))
        view.layers = hazards.point_layers(rows, filters.with_view("points"), tiles, lang, now)
    except ValueError as exc:  # the statistics refuse what cannot be analysed, naming it
        view.notes.append(t("hazards.stats_refused", lang, detail=escape_markdown(str(exc))))
    return view


def explain(view: View, lang: str) -> None:
    """What the map shows, in words, under the map."""
    if view.warming:
        st.info(t("hazards.hot.warming", lang), icon=":material/hourglass_top:")
    if view.method:
        st.caption(view.method)
    for note in view.notes:
        st.caption(note)


# --------------------------------------------------------------------------- areas


def _focus_area(session: Session, data: HazardData, filters: HazardFilters) -> gpd.GeoDataFrame:
    """The micro-grids of the selection (the study area of the H3 views and the unit hot spots).

    Read once per jurisdiction, data generation and selection, like :func:`hazards.load`
    (a county's 7,500 micro-grids took a store read per filter change); callers must not
    modify the frame.
    """
    focus = filters.unit or data.home
    return _cached_focus_area(session.cache_key(), hazards.generation(), session.current_plan(), focus,
                              session.can(Op.VIEW_HOUSEHOLDS), session)


@st.cache_resource(max_entries=16, ttl=120, show_spinner=False)
def _cached_focus_area(cache_key: str, generation: int, plan: int, focus: str, households: bool,
                       _session: Session) -> gpd.GeoDataFrame:
    session = _session
    level = level_of_code(focus)
    columns = ["code", "name", "level", *(["households"] if households else [])]
    micro = units_at_level(session, Level.MICRO, columns=columns, plan_version=plan)
    if level != Level.COUNTY:
        micro = micro[micro["code"].astype(str).str.startswith(code_prefix(focus, level))]
    return micro.reset_index(drop=True)


def _resolution(area: gpd.GeoDataFrame, zoom: float) -> tuple[int, int]:
    """The H3 resolution the zoom asks for, and the one used (coarser when the area would
    hold more than :data:`MAX_CELLS` cells)."""
    from gridmap.hotspots import h3_resolution_for_zoom

    wanted = h3_resolution_for_zoom(zoom)
    if area.empty:
        return wanted, wanted
    from gridmap.spatial.crs import metric_area_m2

    km2 = float(metric_area_m2(area.geometry).sum()) / 1e6
    used = wanted
    while used > 5 and km2 / h3.average_hexagon_area(used, "km^2") > MAX_CELLS:
        used -= 1
    return wanted, used


def _households_points(session: Session) -> gpd.GeoDataFrame | None:
    if not session.can(Op.VIEW_HOUSEHOLDS):
        return None
    return _cached_households(session.cache_key(), hazards.generation(), session)


@st.cache_resource(max_entries=8, ttl=600, show_spinner=False)
def _cached_households(cache_key: str, generation: int, _session: Session) -> gpd.GeoDataFrame:
    return _session.read("households", columns=["id", "geometry"])


def _hexagons(session: Session, data: HazardData, rows: gpd.GeoDataFrame, filters: HazardFilters,
              tiles: TileSource, lang: str, view: View) -> None:
    from gridmap.hotspots import cell_polygons, h3_cells

    area = _focus_area(session, data, filters)
    wanted, res = _resolution(area, hazards.current_zoom(data))
    counts = h3_cells(rows, res).dropna().value_counts() if not rows.empty else pd.Series(dtype=int)
    cells = sorted(counts.index)
    frame = gpd.GeoDataFrame({"cell": cells, "count": counts.reindex(cells).to_numpy()},
                             geometry=list(cell_polygons(cells)) if cells else [], crs="EPSG:4326")
    households = _households_points(session)
    tooltip = [("count", t("hazards.hex.count", lang))]
    values: list[float | None] = [float(v) for v in frame["count"]]
    if households is not None and not frame.empty:
        per_cell = h3_cells(households, res).dropna().value_counts()
        hh = per_cell.reindex(cells).fillna(0).to_numpy()
        rate = [round(c * 100 / h, 1) if h > 0 else None for c, h in zip(frame["count"], hh, strict=True)]
        frame["households"] = hh.astype(int)
        frame["rate"] = ["—" if r is None else f"{r:.1f}" for r in rate]
        tooltip += [("households", t("hazards.hex.households", lang)), ("rate", t("hazards.hex.rate", lang))]
    else:
        view.notes.append(t("hazards.no_households", lang))
    classes, colours, ranges = count_classes(values)
    entries = [LegendEntry("fill", colours[i], _range_text(lo, hi, i, lang)) for i, (lo, hi) in enumerate(ranges)
               if i in colours and i > 0]
    view.layers = [area_layer(frame, classes, colours, entries, key="hzhex", name=t("hazards.view.hex", lang),
                              tooltip=tooltip, tiles=tiles, legend_title=t("hazards.hex.legend", lang, res=res))]
    edge = h3.average_hexagon_edge_length(res, "m")
    view.method = t("hazards.hex.method", lang, res=res, edge=f"{edge:,.0f}", n=len(cells))
    if res != wanted:
        view.notes.append(t("hazards.hex.coarser", lang, wanted=wanted, res=res, limit=f"{MAX_CELLS:,}"))


def _range_text(lo: float, hi: float, index: int, lang: str) -> str:
    if index == 0:
        return "0"
    low = math.floor(lo) + 1 if lo == math.floor(lo) else lo
    return f"{low:g}–{hi:g}" if low < hi else f"{hi:g}"


# --------------------------------------------------------------------------- hot spots


def _bin_labels(lang: str) -> dict[int, str]:
    return {b: t(f"hazards.hot.bin.{b}", lang) for b in range(-3, 4)}


def _hotspots(session: Session, data: HazardData, rows: gpd.GeoDataFrame, filters: HazardFilters,
              tiles: TileSource, lang: str, view: View) -> None:
    from gridmap.hotspots import is_warm

    area = _focus_area(session, data, filters)
    if area.empty:
        view.notes.append(t("hazards.hot.no_units", lang))
        return
    households = _households_points(session)
    if filters.basis == "micro":
        variable = "rate_eb" if "households" in area.columns else "count"
        result = _unit_hotspots(session.cache_key(), hazards.generation(), filters, variable, area, rows)
        key_column, tip_name = "code", t("hazards.hot.unit", lang)
        frame = result.frame.assign(name=[data.unit_name(str(c)) for c in result.frame["code"]])
        tooltip = [("name", tip_name)]
    else:
        wanted, res = _resolution(area, hazards.current_zoom(data))
        variable = "rate_eb" if households is not None else "count"
        result = _h3_hotspots(session.cache_key(), hazards.generation(), filters, variable, res, area, rows,
                              households)
        key_column = "code"
        frame = result.frame.assign(name=result.frame["code"].astype(str))
        tooltip = [("name", t("hazards.hot.cell", lang))]
        if res != wanted:
            view.notes.append(t("hazards.hex.coarser", lang, wanted=wanted, res=res, limit=f"{MAX_CELLS:,}"))
    labels = _bin_labels(lang)
    frame = frame.assign(
        bin_text=[labels.get(int(b), "") for b in frame["bin"]],
        z_text=[f"{float(z):.2f}" for z in frame["z"]],
        p_text=[f"{float(p):.4f}" for p in (frame["p_sim"] if result.method.permutations else frame["p"])],
        n_text=[str(int(c)) for c in frame["count"]])
    tooltip += [("bin_text", t("hazards.hot.col.bin", lang)), ("n_text", t("hazards.hot.col.count", lang)),
                ("z_text", "z"), ("p_text", "p")]
    classes, entries = hotspot_classes([int(b) for b in frame["bin"]], labels)
    view.layers = [area_layer(frame, classes, {b: c for b, c in _bin_colours().items()}, entries, key="hzhot",
                              name=t("hazards.view.hotspots", lang), tooltip=tooltip, tiles=tiles,
                              legend_title=t("hazards.hot.legend", lang), opacity=0.75)]
    view.method = method_text(result.method, lang)
    view.warming = not result.method.warm or not is_warm()
    if variable == "count" and households is None:
        view.notes.append(t("hazards.hot.count_only", lang))
    hot = result.hot
    view.hot = ({"codes": set(hot[key_column].astype(str))} if filters.basis == "micro"
                else {"cells": set(hot[key_column].astype(str)), "resolution": result.method.resolution})
    view.notes.append(t("hazards.hot.found", lang, hot=len(hot), cold=len(result.cold), n=len(frame)))


def _bin_colours() -> dict[int, str]:
    from gridmap.hazards.layers import BIN_COLOURS

    return dict(BIN_COLOURS)


def method_text(method: Any, lang: str) -> str:
    """The hot-spot method in words: variable, neighbours, permutations, correction, confidence."""
    variable = t(f"hazards.hot.variable.{method.variable}", lang)
    if method.neighbour_kind == "h3":
        neighbours = t("hazards.hot.neighbours.h3", lang, k=method.k, res=method.resolution)
    else:
        neighbours = t("hazards.hot.neighbours.queen", lang)
    if method.permutations:
        inference = t("hazards.hot.permutations", lang, n=method.permutations)
    else:
        inference = t("hazards.hot.analytic", lang, n=method.requested_permutations or 999)
    correction = t("hazards.hot.fdr" if method.correction == "fdr" else "hazards.hot.no_correction", lang,
                   alpha=f"{method.alpha:g}")
    return t("hazards.hot.method", lang, variable=variable, neighbours=neighbours, inference=inference,
             correction=correction, n=method.units)


def _filters_key(filters: HazardFilters) -> str:
    return repr(filters.with_view("hotspots"))


@st.cache_resource(max_entries=16, ttl=300, show_spinner=False)
def _unit_hotspots_cached(cache_key: str, generation: int, filters_key: str, variable: str, warm: bool,
                          _area: gpd.GeoDataFrame, _rows: gpd.GeoDataFrame) -> Any:
    from gridmap.hotspots import hotspots_by_unit

    return hotspots_by_unit(_area, _rows, variable=variable, permutations=999, alpha=0.05, fdr=True, seed=0)


def _unit_hotspots(cache_key: str, generation: int, filters: HazardFilters, variable: str, area: gpd.GeoDataFrame,
                   rows: gpd.GeoDataFrame) -> Any:
    from gridmap.hotspots import is_warm

    return _unit_hotspots_cached(cache_key, generation, _filters_key(filters), variable, is_warm(), area, rows)


@st.cache_resource(max_entries=16, ttl=300, show_spinner=False)
def _h3_hotspots_cached(cache_key: str, generation: int, filters_key: str, variable: str, res: int, warm: bool,
                        _area: gpd.GeoDataFrame, _rows: gpd.GeoDataFrame, _households: gpd.GeoDataFrame | None) -> Any:
    from gridmap.hotspots import hotspots_by_h3

    return hotspots_by_h3(_rows, resolution=res, study_area=_area, households=_households, variable=variable,
                          permutations=999, alpha=0.05, fdr=True, seed=0)


def _h3_hotspots(cache_key: str, generation: int, filters: HazardFilters, variable: str, res: int,
                 area: gpd.GeoDataFrame, rows: gpd.GeoDataFrame, households: gpd.GeoDataFrame | None) -> Any:
    from gridmap.hotspots import is_warm

    return _h3_hotspots_cached(cache_key, generation, _filters_key(filters), variable, res, is_warm(), area, rows,
                               households)


# --------------------------------------------------------------------------- outliers (Local Moran's I)

MORAN_COLOURS: dict[int, str] = {0: "#F7F7F2", 1: "#D62F27", 2: "#4575B5", 3: "#F4A582", 4: "#92C5DE"}
MORAN_CLASSES: dict[str, int] = {"": 0, "HH": 1, "LL": 2, "HL": 3, "LH": 4}


def _outliers(session: Session, data: HazardData, rows: gpd.GeoDataFrame, filters: HazardFilters,
              tiles: TileSource, lang: str, view: View) -> None:
    """Local Moran's I on the selection's micro-grids: HH/LL clusters, HL/LH outliers."""
    from gridmap.hotspots import is_warm

    area = _focus_area(session, data, filters)
    if area.empty:
        view.notes.append(t("hazards.hot.no_units", lang))
        return
    if filters.basis == "h3":
        view.notes.append(t("hazards.moran.micro_only", lang))
    variable = "rate_eb" if "households" in area.columns else "count"
    result = _moran_cached(session.cache_key(), hazards.generation(), _filters_key(filters), variable, is_warm(),
                           area, rows)
    words = {k: t(f"hazards.moran.cluster.{k or 'none'}", lang) for k in MORAN_CLASSES}
    frame = result.frame.assign(
        name=[data.unit_name(str(c)) for c in result.frame["code"]],
        cluster_text=[words.get(str(c), words[""]) for c in result.frame["cluster"]],
        n_text=[str(int(c)) for c in result.frame["count"]],
        z_text=[f"{float(z):.2f}" for z in result.frame["z"]],
        p_text=[f"{float(p):.4f}" for p in result.frame["p"]])
    classes: list[int | None] = [MORAN_CLASSES.get(str(c), 0) for c in frame["cluster"]]
    entries = [LegendEntry("fill", MORAN_COLOURS[MORAN_CLASSES[k]], words[k]) for k in ("HH", "HL", "LH", "LL", "")]
    view.layers = [area_layer(frame, classes, MORAN_COLOURS, entries, key="hzmoran",
                              name=t("hazards.statistic.moran", lang),
                              tooltip=[("name", t("hazards.hot.unit", lang)), ("cluster_text", t("hazards.moran.col", lang)),
                                       ("n_text", t("hazards.hot.col.count", lang)), ("z_text", "z"), ("p_text", "p")],
                              tiles=tiles, legend_title=t("hazards.moran.legend", lang), opacity=0.75)]
    if result.permutations:
        inference = t("hazards.hot.permutations", lang, n=result.permutations)
    else:
        inference = t("hazards.hot.analytic", lang, n=999)
    correction = t("hazards.hot.fdr" if result.correction == "fdr" else "hazards.hot.no_correction", lang,
                   alpha=f"{result.alpha:g}")
    view.method = t("hazards.moran.method", lang, variable=t(f"hazards.hot.variable.{result.variable}", lang),
                    inference=inference, correction=correction, n=len(frame))
    view.warming = not result.warm or not is_warm()
    if variable == "count":
        view.notes.append(t("hazards.hot.count_only", lang))
    counts = frame["cluster"].astype(str).value_counts()
    view.notes.append(t("hazards.moran.found", lang, **{k: int(counts.get(k, 0)) for k in ("HH", "LL", "HL", "LH")}))
    high = frame[frame["cluster"].isin(["HH", "HL"])]
    view.hot = {"codes": set(high["code"].astype(str))}  # the route's shortlist: the high clusters and outliers


@st.cache_resource(max_entries=16, ttl=300, show_spinner=False)
def _moran_cached(cache_key: str, generation: int, filters_key: str, variable: str, warm: bool,
                  _area: gpd.GeoDataFrame, _rows: gpd.GeoDataFrame) -> Any:
    from gridmap.hotspots import local_moran

    return local_moran(_area, _rows, variable=variable, permutations=999, alpha=0.05, fdr=True, seed=0)


# --------------------------------------------------------------------------- emerging


def _emerging(session: Session, data: HazardData, filters: HazardFilters, tiles: TileSource, lang: str,
              now: dt.datetime, view: View) -> None:
    area = _focus_area(session, data, filters)
    if area.empty:
        view.notes.append(t("hazards.hot.no_units", lang))
        return
    from gridmap.hotspots import weeks_of_period

    rows = hazards.selected_rows(data, filters, now, period=False)  # the weeks pick the period's points
    first, last = filters.window(now.date())
    window = weeks_of_period(first, last)
    res = 0
    if filters.basis == "micro":
        result = _emerging_cached(session.cache_key(), hazards.generation(), _filters_key(filters), window.end,
                                  window.weeks, 0, area, rows)
        frame = result.frame.assign(name=[data.unit_name(str(c)) for c in result.frame["code"]])
        tip = t("hazards.hot.unit", lang)
    else:
        _wanted, res = _resolution(area, hazards.current_zoom(data))
        result = _emerging_cached(session.cache_key(), hazards.generation(), _filters_key(filters), window.end,
                                  window.weeks, res, area, rows)
        frame = result.frame.assign(name=result.frame["code"].astype(str))
        tip = t("hazards.hot.cell", lang)
    patterns = [str(p) for p in frame["pattern"]]
    directions = [str(d) for d in frame["direction"]] if "direction" in frame.columns else ["hot"] * len(frame)
    keys = [f"{d}:{p}" if p != "none" else "none" for p, d in zip(patterns, directions, strict=True)]
    order = [f"hot:{p}" for p in PATTERN_COLOURS] + [f"cold:{p}" for p in COLD_PATTERN_COLOURS]
    present = [k for k in order if k in set(keys)]
    index = {k: i + 1 for i, k in enumerate(present)}
    colours = {0: "#F7F7F2"}
    entries: list[LegendEntry] = []
    for k in present:
        direction, pattern = k.split(":")
        colour = (PATTERN_COLOURS if direction == "hot" else COLD_PATTERN_COLOURS)[pattern]
        colours[index[k]] = colour
        entries.append(LegendEntry("fill", colour, t(f"hazards.pattern.{direction}", lang,
                                                     pattern=t(f"hazards.pattern.{pattern}", lang))))
    classes: list[int | None] = [index.get(k, 0) for k in keys]
    frame = frame.assign(pattern_text=[t(f"hazards.pattern.{d}", lang, pattern=t(f"hazards.pattern.{p}", lang))
                                       if p != "none" else t("hazards.pattern.none", lang)
                                       for p, d in zip(patterns, directions, strict=True)])
    view.layers = [area_layer(frame, classes, colours, entries, key="hzemerging",
                              name=t("hazards.view.emerging", lang),
                              tooltip=[("name", tip), ("pattern_text", t("hazards.pattern.col", lang))], tiles=tiles,
                              legend_title=t("hazards.pattern.legend", lang, weeks=len(result.weeks),
                                             first=str(window.first), last=str(window.last)))]
    method = result.method
    neighbours = (t("hazards.hot.neighbours.h3", lang, k=1, res=res) if filters.basis == "h3"
                  else t("hazards.hot.neighbours.queen", lang))
    view.method = t("hazards.emerging.method", lang, weeks=method.weeks, neighbours=neighbours,
                    window=method.time_window, alpha=f"{method.alpha:g}",
                    first=str(window.first), last=str(window.last),
                    correction=t("hazards.hot.fdr" if method.correction == "fdr" else "hazards.hot.no_correction",
                                 lang, alpha=f"{method.alpha:g}"))
    if window.extended:
        view.notes.append(t("hazards.emerging.extended", lang, first=str(first), last=str(last),
                            weeks=window.weeks, start=str(window.first)))
    elif window.skipped_days:
        view.notes.append(t("hazards.emerging.skipped", lang, first=str(first), days=window.skipped_days,
                            start=str(window.first)))
    view.notes.append(t("hazards.emerging.defs", lang))
    counts = pd.Series(keys).value_counts()
    view.notes.append(" · ".join(f"{e.text}: {int(counts.get(k, 0))}" for k, e in zip(present, entries,
                                                                                         strict=True)) or
                      t("hazards.emerging.nothing", lang))


@st.cache_resource(max_entries=8, ttl=300, show_spinner=False)
def _emerging_cached(cache_key: str, generation: int, filters_key: str, end: dt.date, weeks: int, res: int,
                     _area: gpd.GeoDataFrame, _rows: gpd.GeoDataFrame) -> Any:
    from gridmap.hotspots import emerging_hotspots

    if res:
        return emerging_hotspots(_rows, time_column="found_at", resolution=res, study_area=_area,
                                 weeks=weeks, end=end)
    return emerging_hotspots(_rows, time_column="found_at", units=_area, weeks=weeks, end=end)


__all__ = ["View", "explain", "method_text", "view_layers"]
