"""The stations page's shared parts: what it reads once per run, the map of time since the
last visit, the town picker, the picked point and the helpers the tabs share.

The page (``pages/stations.py``) arranges this map above five tabs, each in its own module
on the same :class:`Stations`:

- :mod:`gridmap.ui.stations_registry` -- 站点台账: the table, add, edit, move, close, import, export;
- :mod:`gridmap.ui.stations_visits` -- 督查走访: record a located visit, the history with its photos;
- :mod:`gridmap.ui.stations_coverage` -- 服务覆盖: households within walking distance, per unit, uncovered map;
- :mod:`gridmap.ui.stations_siting` -- 选址建议: k new sites (MCLP or greedy), before and after;
- :mod:`gridmap.ui.stations_results` -- 督查结果公示: the visit results per town, CSV.

Everything reads and writes through the user's :class:`~gridmap.access.Session`; the work is
in :mod:`gridmap.stations`. A click on the map sets the point that a new station, a move or a
visit uses (the browser's GPS needs a secure origin and a position service, which an intranet
server over plain HTTP does not have, so the position is the visitor's click).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Op, Session
from gridmap.domain import Level
from gridmap.i18n import label, t
from gridmap.maps.display import from_display
from gridmap.maps.layers import base_map, unit_layer
from gridmap.maps.lod import units_at_level
from gridmap.maps.stations import pick_layer, visit_age_layer
from gridmap.maps.tiles import TileSource
from gridmap.stations import active_on, visit_age
from gridmap.store.base import now
from gridmap.ui.text import fmt_count
from gridmap.workflow.errors import WorkflowError

PICK_KEY = "st_pick"
CLICK_KEY = "st_click"
SELECT_KEY = "st_station"
MESSAGE_KEY = "st_message"
MAP_KEY = "st_map"
MAP_HEIGHT = 520
MAX_DOTS = 6000  # households drawn at most on the coverage and siting maps (a sample beyond)
RETURNED = ["last_clicked", "last_object_clicked"]


@dataclass(frozen=True)
class Stations:
    """What the page reads once per run: the stations in scope (all, open flagged) and visits."""

    session: Session
    stations: gpd.GeoDataFrame
    visits: gpd.GeoDataFrame
    today: dt.date

    @property
    def open_stations(self) -> gpd.GeoDataFrame:
        return self.stations[self.stations["open"].to_numpy()] if len(self.stations) else self.stations


def show_message() -> None:
    """The outcome of the last action (kept across the rerun that follows it)."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)


def say(kind: str, text: str) -> None:
    """Show ``text`` (``kind`` "ok" or "error") after the rerun that follows an action."""
    st.session_state[MESSAGE_KEY] = (kind, text)


def refusal(exc: Exception, lang: str) -> str:
    """A refused write in the user's words."""
    if isinstance(exc, WorkflowError):
        return exc.text(lang)
    return t("stations.store_error", lang, detail=str(exc))


def town_scope(session: Session, lang: str) -> Session:
    """A town picker (the jurisdiction's towns); the page works inside the one chosen."""
    if session.scope.level not in (Level.COUNTY,):
        return session
    towns = session.read("units", where={"level": "town", "plan_version": session.current_plan()},
                         columns=["code", "name"]).sort_values("code")
    options = [None, *towns["code"].astype(str)]
    names = dict(zip(towns["code"].astype(str), towns["name"].astype(str), strict=True))
    code = st.selectbox(t("stations.town", lang), options, key="st_town",
                        format_func=lambda c: t("stations.whole", lang) if c is None else names.get(c, c))
    return session if code is None else session.narrowed(code)


def load(session: Session) -> Stations:
    """The stations and visits inside ``session``'s scope, and today (Beijing)."""
    today = now().date()
    stations = session.read("stations")
    stations["open"] = active_on(stations, today)
    visits = session.read("station_visits")
    return Stations(session, stations, visits, today)


# --------------------------------------------------------------------------- the map


def station_map(data: Stations, tiles: TileSource, lang: str) -> None:
    """The open stations by time since their last visit, and the clicked point."""
    shown = with_age(data.open_stations, data, lang)
    pick = st.session_state.get(PICK_KEY)
    bounds = data.stations.total_bounds if len(data.stations) else unit_bounds(data.session)
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    fmap = base_map(center, zoom=map_zoom(bounds), tiles=tiles)
    result = st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                       feature_group_to_add=[*_outlines(data.session, tiles, lang),
                                             visit_age_layer(shown, tiles=tiles, lang=lang),
                                             pick_layer(pick, tiles=tiles, lang=lang)],
                       returned_objects=RETURNED)
    _handle_click(result, data, tiles)
    st.caption(t("stations.map.hint", lang, n=fmt_count(len(shown))))


def _outlines(session: Session, tiles: TileSource, lang: str) -> list[folium.FeatureGroup]:
    """The villages (or the grids of a village jurisdiction) as plain outlines with names."""
    level = Level.VILLAGE if session.scope.level in (Level.COUNTY, Level.TOWN) else Level.GRID
    units = units_at_level(session, level, columns=["name", "level"])
    if units.empty:
        return []
    names = dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))
    return [unit_layer(units, colour_by="none", tiles=tiles, lang=lang, key="stunits", show_legend=False,
                       labels=names, label_min_zoom=13)]


def _handle_click(result: dict[str, Any] | None, data: Stations, tiles: TileSource) -> None:
    """A new click sets the picked point; a click on a station also selects it."""
    result = result or {}
    point = result.get("last_clicked") or result.get("last_object_clicked")
    if not point:
        return
    clicked = (str(result.get("last_clicked")), str(result.get("last_object_clicked")))
    if clicked == st.session_state.get(CLICK_KEY):
        return
    st.session_state[CLICK_KEY] = clicked
    lon, lat = from_display(float(point["lng"]), float(point["lat"]), tiles)
    st.session_state[PICK_KEY] = (round(float(lon), 6), round(float(lat), 6))
    hit = result.get("last_object_clicked")
    if hit and len(data.open_stations):
        hx, hy = from_display(float(hit["lng"]), float(hit["lat"]), tiles)
        geoms = data.open_stations.geometry
        near = np.hypot(geoms.x.to_numpy() - float(hx), geoms.y.to_numpy() - float(hy))
        if near.min() < 2e-5:
            st.session_state[SELECT_KEY] = str(data.open_stations["id"].iloc[int(np.argmin(near))])
    st.rerun()


def with_age(stations: gpd.GeoDataFrame, data: Stations, lang: str) -> gpd.GeoDataFrame:
    """The stations with their visit-age class and a "last visited" text."""
    ages = visit_age(stations["id"].astype(str), data.visits, data.today)
    last = ages["days"]
    out = stations.copy()
    out["age_class"] = ages["age_class"].to_numpy()
    out["last_visit"] = [last_text(d, data.today, lang) for d in last]
    return out


def last_text(days: float, today: dt.date, lang: str) -> str:
    """The day of the last visit and how long ago ("" when never visited)."""
    if days != days:  # NaN: never visited
        return ""
    day = today - dt.timedelta(days=int(days))
    return t("stations.map.last_text", lang, day=day.isoformat(), days=int(days))


def unit_bounds(session: Session) -> np.ndarray:
    """The bounds of the units in view (a default box over Cangnan when there are none)."""
    units = session.read("units", where={"plan_version": session.current_plan()}, columns=["code", "geometry"])
    return units.total_bounds if len(units) else np.array([120.2, 27.2, 120.9, 27.8])


def map_zoom(bounds: np.ndarray) -> int:
    """The zoom that fits ``bounds``, at most 17."""
    from gridmap.command.view import fit_zoom

    return min(17, fit_zoom(tuple(float(b) for b in bounds)))  # type: ignore[arg-type]


def picked(lang: str) -> tuple[float, float] | None:
    """The clicked point, with a line saying where it is (or how to set it)."""
    pick = st.session_state.get(PICK_KEY)
    if pick is None:
        st.info(t("stations.pick.none", lang), icon=":material/touch_app:")
        return None
    st.caption(t("stations.pick.at", lang, lon=f"{pick[0]:.6f}", lat=f"{pick[1]:.6f}"))
    return pick


# --------------------------------------------------------------------------- shared by the tabs


def joined(value: Any) -> str:
    """A stored list (services, staff, follow-ups) as one line."""
    return "、".join(str(v) for v in value) if isinstance(value, list) else ""


def station_picker(data: Stations, lang: str, *, include_closed: bool, key: str) -> pd.Series | None:
    """A station select box (a click on a station on the map selects it here too); its row, or None."""
    frame = data.stations if include_closed else data.open_stations
    if frame.empty:
        st.info(t("stations.none", lang), icon=":material/info:")
        return None
    frame = frame.sort_values("name")
    ids = frame["id"].astype(str).tolist()
    chosen = st.session_state.get(SELECT_KEY)
    if chosen in ids and st.session_state.get(key) != chosen and st.session_state.get(f"{key}_from") != chosen:
        st.session_state[key] = chosen  # a click on the map selects the station here too
        st.session_state[f"{key}_from"] = chosen
    names = dict(zip(ids, frame["name"].astype(str), strict=True))
    kinds = dict(zip(ids, frame["station_type"].astype(str), strict=True))
    pick = st.selectbox(t("stations.pick_station", lang), ids, key=key,
                        format_func=lambda i: f"{names[i]} · {label('station', kinds[i], lang)}")
    return frame.set_index("id").loc[pick].rename(pick) if pick in ids else None


def households_in_view(session: Session) -> gpd.GeoDataFrame | None:
    """The households in view, or None when the role may not see households."""
    if not session.can(Op.VIEW_HOUSEHOLDS):
        return None
    return session.read("households", columns=["id", "town_code", "village_code", "grid_code", "micro_code",
                                               "geometry"])


def small_map(data: Stations, tiles: TileSource, groups: list[folium.FeatureGroup], key: str) -> None:
    """A map of the stations' area with ``groups`` on it and a layer switch (coverage, siting)."""
    bounds = data.stations.total_bounds if len(data.stations) else unit_bounds(data.session)
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    fmap = base_map(center, zoom=map_zoom(bounds), tiles=tiles)
    st_folium(fmap, key=key, height=440, use_container_width=True, feature_group_to_add=groups,
              layer_control=folium.LayerControl(collapsed=False), returned_objects=[])


def unit_names(session: Session) -> dict[str, str]:
    """Unit code -> name, for every unit in view."""
    units = session.read("units", where={"plan_version": session.current_plan()}, columns=["code", "name"])
    return dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))


__all__ = ["MAX_DOTS", "PICK_KEY", "SELECT_KEY", "Stations", "households_in_view", "joined", "last_text", "load",
           "map_zoom", "picked", "refusal", "say", "show_message", "small_map", "station_map", "station_picker",
           "town_scope", "unit_bounds", "unit_names", "with_age"]
