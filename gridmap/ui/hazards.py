"""The hazard page's Streamlit parts: who may use it, the data, the filters in the address, the map.

- :func:`require_role` -- the page is for inspectors, commanders, admins and department
  handlers (:data:`gridmap.hazards.PAGE_ROLES`); anyone else is told so in words.
- :func:`load` -- the jurisdiction's inspections and units, read through the session
  once and cached under :meth:`~gridmap.access.Session.cache_key` (so never shared
  across roles or jurisdictions); :func:`changed` makes the next run read again.
- :func:`filter_bar` -- the filter widgets, kept in step with ``st.query_params``:
  the address holds the view (:mod:`gridmap.hazards.filters`), a parameter that cannot
  be used is named and replaced by its default.
- :func:`hazard_map` -- one base map (never rebuilt, so zoom and pan survive), the
  view's layers sent as feature groups; returns where the user clicked.

The side panels (record, rectify, places, route, rankings) are in
:mod:`gridmap.ui.hazard_record` and :mod:`gridmap.ui.hazard_panels`; the statistics
views in :mod:`gridmap.ui.hazard_stats`.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Op, Session, level_of_code
from gridmap.command.view import fit_zoom
from gridmap.domain import (
    CODE_PREFIX,
    HAZARD_LIFECYCLE,
    HazardStatus,
    HazardType,
    Level,
    PlaceType,
    Severity,
    code_prefix,
)
from gridmap.hazards import PAGE_ROLES, HazardFilters, parse_query, select, to_query
from gridmap.hazards.filters import BASES, MEASURES, STATISTICS, VIEWS
from gridmap.hazards.layers import LocateButton, pick_layer
from gridmap.i18n import label, t
from gridmap.maps import (
    TileSource,
    base_map,
    fit_once,
    from_display,
    heat_layer,
    inspection_layer,
    unit_layer,
)
from gridmap.maps.layers import Scale
from gridmap.maps.lod import units_at_level
from gridmap.period import DAY_FORMAT, DEFAULT_PRESET, PRESETS, custom_range
from gridmap.text import escape_markdown
from gridmap.workflow.clock import hazard_overdue

PAGE_PATH = "hazards"  # the page's url_path in app.py
MAP_KEY = "hz_map"
MAP_HEIGHT = 600
PICK_KEY = "hz_pick"  # (lon, lat, source) of the spot picked for a new hazard
CLICK_KEY = "hz_last_click"
ZOOM_KEY = "hz_zoom"
ADDRESS_KEY = "hz_address"  # the query parameters the widgets were last set from or wrote
PROBLEMS_KEY = "hz_url_problems"
PARSED_KEY = "hz_url_parsed"
SELECTED_KEY = "hz_selected"  # the hazard shown in the detail panel
ROUTE_KEY = "hz_route"
RETURNED = ["last_clicked", "last_object_clicked", "last_active_drawing", "zoom"]
CLUSTER_ABOVE = 300  # more points than this are clustered
_W = {"types": "hz_types", "statuses": "hz_statuses", "severities": "hz_severities", "places": "hz_places",
      "period": "hz_period", "from": "hz_from", "to": "hz_to", "unit": "hz_unit", "inspector": "hz_inspector",
      "overdue": "hz_overdue", "view": "hz_view", "measure": "hz_measure", "basis": "hz_basis",
      "statistic": "hz_stat"}
INSPECTION_COLUMNS = ["id", "place_type", "hazard_types", "severity", "status", "found_at", "deadline",
                      "rectified_at", "inspector", "town_code", "village_code", "grid_code", "micro_code",
                      "outside", "geometry"]


def require_role(session: Session, lang: str) -> None:
    """Stop the page, in words, for a role the hazard page is not for (planners, grid workers)."""
    if session.user.system or session.user.role in PAGE_ROLES:
        return
    roles = "、".join(label("role", r, lang) for r in sorted(PAGE_ROLES, key=list(type(session.user.role)).index))
    st.error(t("hazards.not_for_role", lang, role=label("role", session.user.role, lang), roles=roles),
             icon=":material/block:")
    st.stop()


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, eq=False)
class HazardData:
    """What the page reads once per jurisdiction and change.

    Attributes:
        inspections: Every inspection in the session's view (all statuses, all time).
        units: The current plan's units (``code``, ``name``, ``level``, ``parent_code``;
            ``households`` when the role may see them), no geometry.
        households: Households per micro-grid code, or None when the role may not see them.
        home: The user's home unit code.
        bounds: ``(minx, miny, maxx, maxy)`` of the home unit.
    """

    inspections: gpd.GeoDataFrame
    units: pd.DataFrame
    households: pd.Series | None
    home: str
    bounds: tuple[float, float, float, float]

    @property
    def unit_codes(self) -> list[str]:
        return self.units["code"].astype(str).tolist()

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Unit code -> name (built once per load: a lookup per unit of a county-wide view)."""
        return {str(c): str(n) for c, n in zip(self.units["code"], self.units["name"], strict=True)}

    def unit_name(self, code: str) -> str:
        return self.names.get(str(code), code)


_generation = [0]
_generation_lock = threading.Lock()


def generation() -> int:
    """How many writes this process has made (a cache key part: a write refreshes every view)."""
    return _generation[0]


def changed() -> None:
    """A write happened in this process: the next :func:`load` reads the store again."""
    with _generation_lock:
        _generation[0] += 1


@st.cache_resource(max_entries=16, ttl=120, show_spinner=False)
def _load(cache_key: str, generation: int, plan: int, _session: Session) -> HazardData:
    session = _session
    inspections = session.read("inspections", columns=INSPECTION_COLUMNS)
    inspections = inspections.sort_values("id", kind="stable").reset_index(drop=True)
    see_households = session.can(Op.VIEW_HOUSEHOLDS)
    columns = ["code", "name", "level", "parent_code", *(["households"] if see_households else [])]
    units = session.read("units", where={"plan_version": plan}, columns=[*columns, "geometry"])
    units = units[units["code"].astype(str).str.startswith(session.scope.prefix)]
    county = units.loc[units["level"] == Level.COUNTY.value, "code"]
    home = session.scope.unit_code or (str(county.iloc[0]) if len(county) else f"{session.scope.county_code}000000")
    home_rows = units[units["code"] == home]
    bounds_frame = home_rows if not home_rows.empty else units
    bounds = tuple(float(v) for v in bounds_frame.total_bounds) if not bounds_frame.empty else (120.3, 27.4,
                                                                                                120.6, 27.7)
    households = None
    if see_households:
        micro = units[units["level"] == Level.MICRO.value]
        households = pd.Series(pd.to_numeric(micro["households"], errors="coerce").fillna(0).to_numpy(),
                               index=micro["code"].astype(str), name="households")
    plain = pd.DataFrame(units.drop(columns="geometry")).sort_values("code").reset_index(drop=True)
    return HazardData(inspections, plain, households, home, bounds)  # type: ignore[arg-type]


def load(session: Session) -> HazardData:
    """The session's inspections and units (cached per :meth:`Session.cache_key` and change)."""
    return _load(session.cache_key(), generation(), session.current_plan(), session)


# --------------------------------------------------------------------------- filters in the address


def filter_bar(data: HazardData, lang: str, today: dt.date) -> HazardFilters:
    """The filters, read from the address when it changed, shown as widgets, written back to it."""
    address = st.query_params.to_dict()
    if st.session_state.get(ADDRESS_KEY) != address:
        parsed = parse_query(address, today=today, known_units=data.unit_codes)
        _set_widgets(parsed.filters)
        st.session_state[PROBLEMS_KEY] = [_problem_text(p, lang) for p in parsed.problems]
        st.session_state[PARSED_KEY] = parsed.filters
    with st.expander(t("hazards.filters", lang), expanded=True, icon=":material/filter_alt:"):
        filters = _widgets(data, lang, today)
    if filters != st.session_state.get(PARSED_KEY):
        st.session_state[PROBLEMS_KEY] = []  # the user chose anew: the old complaint is moot
    for text in st.session_state.get(PROBLEMS_KEY, []):
        st.warning(text, icon=":material/link_off:")
    query = to_query(filters)
    if query != address:
        st.query_params.from_dict(query)
    st.session_state[ADDRESS_KEY] = query
    share_link(query, lang)
    return filters


def share_link(query: dict[str, str], lang: str) -> None:
    """The view's link with the page's own path: the browser shows the inspector's first page
    at ``/``, which would be another role's first page in a colleague's browser."""
    base = str(st.context.url or "").split("?", 1)[0].rstrip("/")
    if base.endswith(f"/{PAGE_PATH}"):
        base = base[: -len(PAGE_PATH) - 1]
    link = f"{base}/{PAGE_PATH}" + (f"?{urlencode(query)}" if query else "")
    st.caption(t("hazards.share", lang))
    st.code(link, language=None, wrap_lines=True)


def _problem_text(problem: Any, lang: str) -> str:
    reason = t(problem.key, lang, **dict(problem.params))
    return t("hazards.url.problem", lang, parameter=escape_markdown(problem.parameter),
             value=escape_markdown(problem.value), reason=escape_markdown(reason))


def _set_widgets(f: HazardFilters) -> None:
    state = st.session_state
    state[_W["types"]] = list(f.hazard_types or [])
    state[_W["statuses"]] = list(f.statuses or [])
    state[_W["severities"]] = list(f.severities or [])
    state[_W["places"]] = list(f.place_types or [])
    state[_W["period"]] = f.period
    if f.period == "custom" and f.date_from and f.date_to:
        state[_W["from"]] = f.date_from.strftime(DAY_FORMAT)
        state[_W["to"]] = f.date_to.strftime(DAY_FORMAT)
    state[_W["unit"]] = f.unit or ""
    state[_W["inspector"]] = f.inspector or ""
    state[_W["overdue"]] = f.overdue_only
    state[_W["view"]] = f.view
    state[_W["measure"]] = f.measure
    state[_W["basis"]] = f.basis
    state[_W["statistic"]] = f.statistic


def _widgets(data: HazardData, lang: str, today: dt.date) -> HazardFilters:
    all_text = t("hazards.all", lang)
    c1, c2, c3, c4 = st.columns(4)
    types = c1.multiselect(t("hazards.f.types", lang), [str(h) for h in HazardType], key=_W["types"],
                           format_func=lambda h: label("hazard", h, lang), placeholder=all_text, select_all=False)
    statuses = c2.multiselect(t("hazards.f.statuses", lang), list(HAZARD_LIFECYCLE.statuses), key=_W["statuses"],
                              format_func=lambda s: label("hazard_status", s, lang), placeholder=all_text, select_all=False)
    severities = c3.multiselect(t("hazards.f.severities", lang), [str(s) for s in Severity], key=_W["severities"],
                                format_func=lambda s: label("severity", s, lang), placeholder=all_text, select_all=False)
    places = c4.multiselect(t("hazards.f.places", lang), [str(p) for p in PlaceType], key=_W["places"],
                            format_func=lambda p: label("place", p, lang), placeholder=all_text, select_all=False)
    c5, c6, c7, c8 = st.columns(4)
    period, start, end = _period(c5, lang, today)
    unit = _unit_picker(c6, data, lang)
    inspectors = sorted({str(v) for v in data.inspections["inspector"].dropna()})
    current = st.session_state.get(_W["inspector"], "")
    if current and current not in inspectors:
        inspectors.append(current)
    inspector = c7.selectbox(t("hazards.f.inspector", lang), ["", *inspectors], key=_W["inspector"],
                             format_func=lambda n: n or t("hazards.anyone", lang))
    overdue = c8.toggle(t("hazards.f.overdue", lang), key=_W["overdue"], help=t("hazards.f.overdue_help", lang))
    v1, v2, v3, v4 = st.columns([3, 1, 1, 1])
    view = v1.radio(t("hazards.f.view", lang), VIEWS, key=_W["view"], horizontal=True,
                    format_func=lambda v: t(f"hazards.view.{v}", lang))
    measure = v2.selectbox(t("hazards.f.measure", lang), MEASURES, key=_W["measure"],
                           format_func=lambda m: t(f"hazards.measure.{m}", lang),
                           disabled=view != "units")
    basis = v3.selectbox(t("hazards.f.basis", lang), BASES, key=_W["basis"],
                         format_func=lambda b: t(f"hazards.basis.{b}", lang),
                         disabled=view not in ("hotspots", "emerging"))
    statistic = v4.selectbox(t("hazards.f.statistic", lang), STATISTICS, key=_W["statistic"],
                             format_func=lambda s: t(f"hazards.statistic.{s}", lang),
                             help=t("hazards.f.statistic_help", lang), disabled=view != "hotspots")
    return HazardFilters(hazard_types=tuple(types) or None, statuses=tuple(statuses) or None,
                         severities=tuple(severities) or None, place_types=tuple(places) or None,
                         period=period, date_from=start, date_to=end, unit=unit or None,
                         inspector=inspector or None, overdue_only=bool(overdue), view=str(view),
                         measure=str(measure), basis=str(basis), statistic=str(statistic))


def _period(box: Any, lang: str, today: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
    preset = str(box.selectbox(t("hazards.f.period", lang), PRESETS, key=_W["period"],
                               format_func=lambda p: t(f"period.{p}", lang)))
    if preset != "custom":
        return preset, None, None
    example = today.strftime(DAY_FORMAT)
    start = box.text_input(t("period.from", lang), key=_W["from"], max_chars=40,
                           placeholder=t("period.placeholder", lang, example=example))
    end = box.text_input(t("period.to", lang), key=_W["to"], max_chars=40,
                         placeholder=t("period.placeholder", lang, example=example))
    result = custom_range(start or "", end or "", today)
    if isinstance(result, tuple):
        return "custom", result[0], result[1]
    box.error(t(result.key, lang, **result.params) + " " + t("hazards.period_fallback", lang),
              icon=":material/event_busy:")
    return DEFAULT_PRESET, None, None


def _unit_picker(box: Any, data: HazardData, lang: str) -> str:
    units = data.units
    depth = {lvl.value: lvl.depth for lvl in Level}
    names = {str(c): ("　" * depth.get(str(lv), 0)) + str(n)
             for c, n, lv in zip(units["code"], units["name"], units["level"], strict=True)}
    options = ["", *sorted(names)]
    if st.session_state.get(_W["unit"]) not in options:
        st.session_state[_W["unit"]] = ""
    return str(box.selectbox(t("hazards.f.unit", lang), options, key=_W["unit"],
                             format_func=lambda c: names.get(c, "") if c else t("hazards.whole", lang)))


# --------------------------------------------------------------------------- the rows shown


def selected_rows(data: HazardData, filters: HazardFilters, now: dt.datetime, *,
                  period: bool = True) -> gpd.GeoDataFrame:
    """The inspections the filters keep."""
    frame = data.inspections
    if frame.empty:
        return frame
    return frame[select(frame, filters, now, period=period).to_numpy()]


def summary(rows: gpd.GeoDataFrame, now: dt.datetime, lang: str) -> None:
    """Counts of the filtered hazards: all, open, overdue, rectified or verified."""
    open_ = rows["status"].astype(str).isin(HAZARD_LIFECYCLE.open) if not rows.empty else pd.Series(dtype=bool)
    late = hazard_overdue(rows, now) if not rows.empty else pd.Series(dtype=bool)
    done = rows["status"].astype(str).isin([HazardStatus.RECTIFIED, HazardStatus.VERIFIED]) if not rows.empty \
        else pd.Series(dtype=bool)
    row = st.container(horizontal=True, wrap=True, gap="medium")
    for key, value in (("hazards.kpi.found", len(rows)), ("hazards.kpi.open", int(open_.sum())),
                       ("hazards.kpi.overdue", int(late.sum())), ("hazards.kpi.rectified", int(done.sum()))):
        row.metric(t(key, lang), f"{value:,}", width="content")


# --------------------------------------------------------------------------- the map


@dataclass(frozen=True)
class MapResult:
    """What the map reported: the zoom, and a new click (WGS84) or a clicked hazard's id."""

    zoom: float | None
    clicked: tuple[float, float] | None
    hazard_id: str | None


def home_view(data: HazardData) -> tuple[tuple[float, float], int]:
    """The base map's fixed centre and zoom: the user's home unit."""
    minx, miny, maxx, maxy = data.bounds
    # the map takes three fifths of a wide page: about 700 x 600 pixels
    return ((miny + maxy) / 2, (minx + maxx) / 2), fit_zoom(data.bounds, width_px=700, height_px=MAP_HEIGHT)


def current_zoom(data: HazardData) -> float:
    """The map's zoom as last reported (the home zoom until the map has reported one)."""
    zoom = st.session_state.get(ZOOM_KEY)
    return float(zoom) if isinstance(zoom, int | float) else float(home_view(data)[1])


def point_layers(rows: gpd.GeoDataFrame, filters: HazardFilters, tiles: TileSource, lang: str,
                 now: dt.datetime) -> list[folium.FeatureGroup]:
    """The points view (clustered above :data:`CLUSTER_ABOVE`) or the heat view."""
    if filters.view == "heat":
        return [heat_layer(rows, name=t("hazards.view.heat", lang), tiles=tiles, key="hzheat", lang=lang)]
    return [inspection_layer(rows, as_of=now, tiles=tiles, lang=lang, key="hzpoints",
                             aggregate="cluster" if len(rows) > CLUSTER_ABOVE else "markers")]


def unit_measure_layer(session: Session, data: HazardData, rows: gpd.GeoDataFrame, filters: HazardFilters,
                       tiles: TileSource, lang: str, now: dt.datetime) -> tuple[list[folium.FeatureGroup], str]:
    """The units one level below the selection, coloured by the chosen measure (and a note)."""
    focus = filters.unit or data.home
    level = level_of_code(focus)
    child = level.child or Level.MICRO
    units = units_at_level(session, child, columns=["code", "name", "level", "parent_code"])
    if level != Level.COUNTY:
        units = units[units["code"].astype(str).str.startswith(code_prefix(focus, level))]
    column = {"town": "town_code", "village": "village_code", "grid": "grid_code", "micro": "micro_code"}[child.value]
    codes = rows[column].astype(str) if not rows.empty else pd.Series(dtype=str)
    status = rows["status"].astype(str) if not rows.empty else pd.Series(dtype=str)
    note = ""
    measure = filters.measure
    if measure == "count":
        values = codes.value_counts()
        scale, worse = "count", True
    elif measure == "open":
        values = codes[status.isin(HAZARD_LIFECYCLE.open).to_numpy()].value_counts()
        scale, worse = "count", True
    elif measure == "overdue":
        values = codes[hazard_overdue(rows, now).to_numpy()].value_counts() if not rows.empty else codes.value_counts()
        scale, worse = "count", True
    elif measure == "rectified_share":
        done = status.isin([HazardStatus.RECTIFIED, HazardStatus.VERIFIED]).to_numpy()
        total = codes.value_counts()
        values = (codes[done].value_counts().reindex(total.index).fillna(0) / total)
        scale, worse = "share", False
    else:  # per_100
        if data.households is None:
            note = t("hazards.no_households", lang)
            values = codes.value_counts()
            scale, worse = "count", True
        else:
            households = _households_by(data, units, child)
            counts = codes.value_counts()
            values = (counts.reindex(households.index).fillna(0) * 100 / households.where(households > 0))
            scale, worse = "per_100", True
    values = values.reindex(units["code"].astype(str)).fillna(0 if scale == "count" else float("nan"))
    layer = unit_layer(units, values=values, measure=t(f"hazards.measure.{measure}", lang),
                       scale=cast(Scale, scale),
                       higher_is_worse=worse, tiles=tiles, lang=lang, key="hzunits", labels=len(units) <= 60)
    return [layer], note


def _households_by(data: HazardData, units: pd.DataFrame, level: Level) -> pd.Series:
    """Households per unit of ``level`` (summed from the micro-grids by code prefix)."""
    assert data.households is not None
    micro = data.households
    codes = units["code"].astype(str)
    if level == Level.MICRO:
        return pd.Series(micro.reindex(codes).fillna(0).to_numpy(dtype=float), index=codes.to_numpy())
    width = CODE_PREFIX[level]
    sums = micro.groupby(micro.index.str[:width]).sum()
    return pd.Series([float(sums.get(code_prefix(c, level), 0.0)) for c in codes], index=codes.to_numpy())


def hazard_map(data: HazardData, layers: list[folium.FeatureGroup], filters: HazardFilters, tiles: TileSource,
               lang: str) -> MapResult:
    """The base map (fixed: the home unit) with ``layers``, the picked spot and the GPS button."""
    center, zoom = home_view(data)
    fmap = base_map(center, zoom=zoom, tiles=tiles)
    fmap.add_child(LocateButton(t("hazards.locate", lang), t("hazards.locate_unavailable", lang)), name="locate")
    groups = list(layers)
    pick = st.session_state.get(PICK_KEY)
    if pick:
        groups.append(pick_layer(pick[0], pick[1], tiles=tiles, name=t("hazards.pick_layer", lang), key="hzpick"))
    focus = filters.unit
    if focus and focus != data.home:
        bounds = _unit_bounds(data, focus)
        if bounds is not None and groups:
            groups[0].add_child(fit_once(bounds, key=focus, tiles=tiles), name="hzfit")
    result = st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                       feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=True),
                       returned_objects=RETURNED)
    return _read_result(result or {}, tiles)


def _unit_bounds(data: HazardData, code: str) -> tuple[float, float, float, float] | None:
    level = level_of_code(code)
    prefix = code_prefix(code, level)
    rows = data.inspections[data.inspections["micro_code"].fillna("").astype(str).str.startswith(prefix)]
    if rows.empty:
        return None
    minx, miny, maxx, maxy = (float(v) for v in rows.total_bounds)
    pad = 0.002
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _read_result(result: dict[str, Any], tiles: TileSource) -> MapResult:
    zoom = result.get("zoom")
    if isinstance(zoom, int | float):
        st.session_state[ZOOM_KEY] = zoom
    clicked = result.get("last_clicked")
    hazard_id = None
    position = None
    if clicked:
        marker = (str(clicked), str(result.get("last_object_clicked")))
        if marker != st.session_state.get(CLICK_KEY):
            st.session_state[CLICK_KEY] = marker
            lon, lat = from_display(float(clicked["lng"]), float(clicked["lat"]), tiles)
            position = (float(lon), float(lat))
            drawing = result.get("last_active_drawing") or {}
            obj = result.get("last_object_clicked") or {}
            if obj and obj.get("lat") == clicked.get("lat") and obj.get("lng") == clicked.get("lng"):
                hazard_id = (drawing.get("properties") or {}).get("id")
    return MapResult(zoom if isinstance(zoom, int | float) else None, position,
                     str(hazard_id) if hazard_id else None)


def take_click(result: MapResult) -> None:
    """A new click picks the spot of the next hazard; a click on a hazard also selects it."""
    if result.clicked is not None:
        st.session_state[PICK_KEY] = (round(result.clicked[0], 6), round(result.clicked[1], 6), "map")
    if result.hazard_id is not None:
        st.session_state[SELECTED_KEY] = result.hazard_id


__all__ = [
    "HazardData",
    "MapResult",
    "changed",
    "current_zoom",
    "filter_bar",
    "generation",
    "hazard_map",
    "home_view",
    "load",
    "point_layers",
    "require_role",
    "selected_rows",
    "summary",
    "take_click",
    "unit_measure_layer",
]
