"""The stations page's widgets: the map of time since the last visit, the registry, visits,
coverage, siting and the published results (pages/stations.py arranges them).

Everything reads and writes through the user's :class:`~gridmap.access.Session`; the work is
in :mod:`gridmap.stations`. One map at the top shows the open stations coloured by the time
since their last supervision visit; a click on it sets the point that a new station, a move
or a visit uses (the browser's GPS needs a secure origin and a position service, which an
intranet server over plain HTTP does not have, so the position is the visitor's click).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Op, Session
from gridmap.domain import STATION_LEVELS, TEMPORARY_STATIONS, VISIT_CHECKLIST, Level, StationType
from gridmap.i18n import label, t
from gridmap.io import ImportRejected, export_layer, import_layer, table_csv
from gridmap.maps.display import from_display
from gridmap.maps.layers import base_map, unit_layer
from gridmap.maps.lod import units_at_level
from gridmap.maps.stations import (
    NEWLY_COVERED_COLOUR,
    UNCOVERED_COLOUR,
    frame_of,
    household_layer,
    pick_layer,
    site_layer,
    visit_age_layer,
)
from gridmap.maps.tiles import TileSource
from gridmap.settings import get_settings
from gridmap.spatial.crs import metric_transformer
from gridmap.stations import (
    EDITABLE,
    active_on,
    add_station,
    candidate_sites,
    close_station,
    distance_m,
    edit_station,
    household_coverage,
    metric_xy,
    move_station,
    record_visit,
    suggest_sites,
    town_results,
    unit_coverage,
    visit_age,
    walk_distance,
)
from gridmap.store.base import StoreError, now
from gridmap.ui.text import escape_markdown, fmt_count
from gridmap.uploads import UploadRejected, accept_upload
from gridmap.workflow.errors import WorkflowError

PICK_KEY = "st_pick"
CLICK_KEY = "st_click"
SELECT_KEY = "st_station"
MESSAGE_KEY = "st_message"
SITING_KEY = "st_siting"
MAP_KEY = "st_map"
MAP_HEIGHT = 520
MAX_DOTS = 6000  # uncovered households drawn at most (a sample beyond)
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


def _say(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def _refusal(exc: Exception, lang: str) -> str:
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
    shown = _with_age(data.open_stations, data, lang)
    pick = st.session_state.get(PICK_KEY)
    bounds = data.stations.total_bounds if len(data.stations) else _unit_bounds(data.session)
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    fmap = base_map(center, zoom=_zoom(bounds), tiles=tiles)
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


def _with_age(stations: gpd.GeoDataFrame, data: Stations, lang: str) -> gpd.GeoDataFrame:
    ages = visit_age(stations["id"].astype(str), data.visits, data.today)
    last = ages["days"]
    out = stations.copy()
    out["age_class"] = ages["age_class"].to_numpy()
    out["last_visit"] = [_last_text(d, data.today, lang) for d in last]
    return out


def _last_text(days: float, today: dt.date, lang: str) -> str:
    if days != days:  # NaN: never visited
        return ""
    day = today - dt.timedelta(days=int(days))
    return t("stations.map.last_text", lang, day=day.isoformat(), days=int(days))


def _unit_bounds(session: Session) -> np.ndarray:
    units = session.read("units", where={"plan_version": session.current_plan()}, columns=["code", "geometry"])
    return units.total_bounds if len(units) else np.array([120.2, 27.2, 120.9, 27.8])


def _zoom(bounds: np.ndarray) -> int:
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


# --------------------------------------------------------------------------- registry


def registry(data: Stations, lang: str) -> None:
    """The station table; editors add, edit, move and close; everyone may export."""
    session = data.session
    editor = session.can(Op.EDIT_STATIONS)
    table = _registry_table(data, lang)
    st.dataframe(table, hide_index=True, width="stretch")
    if session.can(Op.EXPORT):
        _export_buttons(session, lang)
    if not editor:
        st.caption(t("stations.reader_hint", lang))
        return
    station = _station_picker(data, lang, include_closed=True, key="st_edit_pick")
    add_tab, edit_tab, close_tab, import_tab = st.tabs([t(f"stations.tab.{k}", lang)
                                                        for k in ("add", "edit", "close", "import")])
    with add_tab:
        _add_form(session, lang)
    with edit_tab:
        if station is not None:
            _edit_form(session, station, lang)
    with close_tab:
        if station is not None:
            _close_form(session, station, data.today, lang)
    with import_tab:
        if session.can(Op.IMPORT_POINTS):
            _import_form(session, lang)


def _registry_table(data: Stations, lang: str) -> pd.DataFrame:
    frame = data.stations
    if frame.empty:
        return pd.DataFrame()
    ages = visit_age(frame["id"].astype(str), data.visits, data.today)
    return pd.DataFrame({
        t("stations.col.name", lang): frame["name"],
        t("stations.col.type", lang): [label("station", k, lang) for k in frame["station_type"].astype(str)],
        t("stations.col.level", lang): [label("level", v, lang) if isinstance(v, str) else "" for v in frame["level"]],
        t("stations.col.status", lang): [t("stations.open" if o else "stations.closed", lang) for o in frame["open"]],
        t("stations.col.opened", lang): frame["opened"].astype(str).replace({"None": "", "NaT": ""}),
        t("stations.col.closes", lang): frame["closes"].astype(str).replace({"None": "", "NaT": ""}),
        t("stations.col.hours", lang): frame["hours"].fillna(""),
        t("stations.col.services", lang): [_joined(v) for v in frame["services"]],
        t("stations.col.staff", lang): [_joined(v) for v in frame["staff"]],
        t("stations.col.funding", lang): frame["funding_yuan"],
        t("stations.col.last_visit", lang): [_last_text(d, data.today, lang) or t("stations.age.never", lang)
                                             for d in ages["days"]],
    })


def _joined(value: Any) -> str:
    return "、".join(str(v) for v in value) if isinstance(value, list) else ""


def _station_picker(data: Stations, lang: str, *, include_closed: bool, key: str) -> pd.Series | None:
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


def _fields(lang: str, prefix: str, row: pd.Series | None = None) -> dict[str, Any]:
    """The registry fields as widgets (inside a form), filled from ``row``."""
    def value(column: str, default: Any = None) -> Any:
        if row is None:
            return default
        v = row.get(column)
        return default if v is None or (not isinstance(v, list) and pd.isna(v)) else v

    kinds = [str(k) for k in StationType]
    c1, c2 = st.columns(2)
    out: dict[str, Any] = {
        "name": c1.text_input(t("stations.field.name", lang), value(column="name", default=""), max_chars=60,
                              key=f"{prefix}_name"),
        "station_type": c2.selectbox(t("stations.field.station_type", lang), kinds,
                                     index=kinds.index(value("station_type", kinds[0])),
                                     format_func=lambda k: label("station", k, lang), key=f"{prefix}_type"),
    }
    levels = [None, *STATION_LEVELS]
    out["level"] = c1.selectbox(t("stations.field.level", lang), levels, index=levels.index(value("level")),
                                format_func=lambda v: "—" if v is None else label("level", v, lang),
                                key=f"{prefix}_level")
    out["hours"] = c2.text_input(t("stations.field.hours", lang), value("hours", ""), max_chars=200,
                                 placeholder=t("stations.hours_hint", lang), key=f"{prefix}_hours")
    out["opened"] = c1.text_input(t("stations.field.opened", lang), _day_text(value("opened")),
                                  placeholder="YYYY-MM-DD", key=f"{prefix}_opened")
    out["closes"] = c2.text_input(t("stations.field.closes", lang), _day_text(value("closes")),
                                  placeholder=t("stations.closes_hint", lang), key=f"{prefix}_closes")
    out["services"] = c1.text_input(t("stations.field.services", lang), "、".join(value("services", []) or []),
                                    placeholder=t("stations.list_hint", lang), key=f"{prefix}_services")
    out["staff"] = c2.text_input(t("stations.field.staff", lang), "、".join(value("staff", []) or []),
                                 placeholder=t("stations.list_hint", lang), key=f"{prefix}_staff")
    funding = value("funding_yuan")
    out["funding_yuan"] = c1.text_input(t("stations.field.funding_yuan", lang),
                                        "" if funding is None else str(int(funding)), key=f"{prefix}_funding")
    return out


def _day_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).date().isoformat()


def _add_form(session: Session, lang: str) -> None:
    point = picked(lang)
    with st.form("st_add_form", clear_on_submit=False):
        values = _fields(lang, "st_add")
        submitted = st.form_submit_button(t("stations.add", lang), disabled=point is None, type="primary")
    if submitted and point is not None:
        try:
            row = add_station(session, lon=point[0], lat=point[1], **values)
        except (WorkflowError, StoreError) as exc:
            st.error(_refusal(exc, lang))
            return
        st.session_state[SELECT_KEY] = str(row["id"])
        _say("ok", t("stations.added", lang, name=row["name"]))
        st.rerun()


def _edit_form(session: Session, station: pd.Series, lang: str) -> None:
    sid = str(station.name)
    with st.form(f"st_edit_form_{sid}"):
        values = _fields(lang, f"st_edit_{sid}", station)
        submitted = st.form_submit_button(t("stations.save", lang), type="primary")
    if submitted:
        changes = {k: v for k, v in values.items() if k in EDITABLE}
        try:
            edit_station(session, sid, changes)
        except (WorkflowError, StoreError) as exc:
            st.error(_refusal(exc, lang))
            return
        _say("ok", t("stations.saved", lang, name=values["name"]))
        st.rerun()
    point = st.session_state.get(PICK_KEY)
    if st.button(t("stations.move", lang), key=f"st_move_{sid}", disabled=point is None,
                 help=t("stations.move_help", lang)) and point is not None:
        try:
            move_station(session, sid, lon=point[0], lat=point[1])
        except (WorkflowError, StoreError) as exc:
            st.error(_refusal(exc, lang))
            return
        _say("ok", t("stations.moved", lang, name=str(station["name"])))
        st.rerun()


def _close_form(session: Session, station: pd.Series, today: dt.date, lang: str) -> None:
    sid = str(station.name)
    with st.form(f"st_close_form_{sid}"):
        day = st.text_input(t("stations.close_day", lang), today.isoformat(), key=f"st_close_day_{sid}")
        note = st.text_input(t("stations.field.closed_note", lang), max_chars=200, key=f"st_close_note_{sid}")
        submitted = st.form_submit_button(t("stations.close", lang))
    st.caption(t("stations.close_hint", lang))
    if submitted:
        try:
            close_station(session, sid, last_day=day, note=note)  # type: ignore[arg-type]  # checked there
        except (WorkflowError, StoreError) as exc:
            st.error(_refusal(exc, lang))
            return
        _say("ok", t("stations.closed_done", lang, name=str(station["name"]), day=day))
        st.rerun()


def _export_buttons(session: Session, lang: str) -> None:
    c1, c2, _ = st.columns([1, 1, 3])
    for column, fmt, mime in ((c1, "geojson", "application/geo+json"), (c2, "csv", "text/csv")):
        def data(fmt: str = fmt) -> bytes:  # written when the button is clicked
            with tempfile.TemporaryDirectory() as tmp:
                _, path = export_layer(session, "stations", Path(tmp) / f"stations.{fmt}", fmt=fmt)  # type: ignore[arg-type]
                return path.read_bytes()
        column.download_button(t(f"stations.export_{fmt}", lang), data, file_name=f"stations.{fmt}", mime=mime,
                               key=f"st_export_{fmt}", on_click="ignore")


def _import_form(session: Session, lang: str) -> None:
    st.caption(t("stations.import_hint", lang))
    upload = st.file_uploader(t("stations.import", lang), type=["geojson", "gpkg", "zip", "csv"], key="st_import")
    if upload is None or not st.button(t("stations.import_go", lang), key="st_import_go"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            report = import_layer(session, "stations", path)
        except ImportRejected as exc:
            st.error(t("stations.import_rejected", lang, detail=escape_markdown(str(exc))))
            return
        except (WorkflowError, StoreError) as exc:
            st.error(_refusal(exc, lang))
            return
    _say("ok", t("stations.imported", lang, n=fmt_count(report.written)))
    st.rerun()


# --------------------------------------------------------------------------- visits


def visit_form(data: Stations, lang: str) -> None:
    """Record a visit at the clicked point (commanders, admins); others see the history only."""
    session = data.session
    if not session.can(Op.RECORD_VISIT):
        st.caption(t("stations.visit.reader", lang))
        return
    station = _station_picker(data, lang, include_closed=False, key="st_visit_pick")
    point = picked(lang)
    if station is None:
        return
    far_m = get_settings().visit_far_m
    if point is not None:
        metres = distance_m(point[0], point[1], station.geometry.x, station.geometry.y)
        text = t("stations.visit.distance", lang, m=f"{metres:,.0f}")
        if metres > far_m:
            st.warning(f"{text} {t('stations.visit.far_warning', lang, limit=far_m)}", icon=":material/warning:")
        else:
            st.caption(text)
    with st.form("st_visit_form"):
        st.markdown(f"**{t('stations.visit.checklist', lang)}**")
        checks = {item: st.checkbox(t(f"stations.check.{item}", lang), key=f"st_check_{item}")
                  for item in VISIT_CHECKLIST}
        follow = st.text_area(t("stations.visit.follow_up", lang), placeholder=t("stations.visit.follow_hint", lang),
                              key="st_follow", max_chars=2000)
        note = st.text_input(t("stations.visit.note", lang), key="st_note", max_chars=1000)
        files = st.file_uploader(t("stations.visit.photos", lang), type=["jpg", "jpeg", "png", "webp"],
                                 accept_multiple_files=True, key="st_photos")
        submitted = st.form_submit_button(t("stations.visit.record", lang), type="primary")
    if not submitted:
        return
    try:
        photos = [accept_upload(f.getvalue(), f.name, "image") for f in files or []]
    except UploadRejected as exc:
        st.error(exc.text(lang))
        return
    if point is None:  # no click: the position a photo carries (EXIF GPS, read before it was stripped)
        located = next((p.gps for p in photos if p.gps is not None), None)
        if located is None:
            st.error(t("stations.visit.no_position", lang))
            return
        point = (located.lon, located.lat)
        st.info(t("stations.visit.photo_gps", lang, lon=f"{point[0]:.6f}", lat=f"{point[1]:.6f}"))
    try:
        row = record_visit(session, str(station.name), lon=point[0], lat=point[1], checklist=checks,
                           follow_up=follow.splitlines(), note=note, photos=photos)
    except (WorkflowError, StoreError) as exc:
        st.error(_refusal(exc, lang))
        return
    key = "stations.visit.saved_far" if row["far"] else "stations.visit.saved"
    text = t(key, lang, name=str(station["name"]), m=f"{row['distance_m']:,.0f}", limit=far_m)
    if row["photos"]:
        text += " " + t("stations.visit.photo_count", lang, n=len(row["photos"]))
    _say("ok", text)
    st.rerun()


def visit_history(data: Stations, lang: str) -> None:
    """The visits in scope, newest first."""
    visits = data.visits
    if visits.empty:
        st.caption(t("stations.visit.none", lang))
        return
    names = dict(zip(data.stations["id"].astype(str), data.stations["name"].astype(str), strict=True))
    ordered = visits.sort_values("visited_at", ascending=False)
    st.dataframe(pd.DataFrame({
        t("stations.col.visited_at", lang): pd.to_datetime(ordered["visited_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        t("stations.col.name", lang): ordered["station_id"].astype(str).map(names),
        t("stations.col.visitor", lang): ordered["visitor"],
        t("stations.col.distance", lang): ordered["distance_m"].round(0),
        t("stations.col.far", lang): [t("stations.yes" if f else "stations.no", lang) for f in ordered["far"]],
        t("stations.col.passed", lang): [f"{int(p)}/{int(n)}" if n == n and n else "—"
                                         for p, n in zip(ordered["passed"], ordered["items"], strict=True)],
        t("stations.col.follow_up", lang): [_joined(f) for f in ordered["follow_up"]],
    }), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- coverage and siting


def _households(session: Session) -> gpd.GeoDataFrame | None:
    if not session.can(Op.VIEW_HOUSEHOLDS):
        return None
    return session.read("households", columns=["id", "town_code", "village_code", "grid_code", "micro_code",
                                               "geometry"])


def coverage_panel(data: Stations, tiles: TileSource, lang: str) -> None:
    """Households within walking distance of the open stations; per-unit share; uncovered map."""
    households = _households(data.session)
    if households is None:
        st.caption(t("stations.coverage.no_households", lang))
        return
    if households.empty:
        st.info(t("stations.coverage.empty", lang), icon=":material/info:")
        return
    cover = household_coverage(households, data.open_stations)
    walk = ", ".join(f"{label('station', k, lang)} {walk_distance(k):,.0f} m" for k in
                     sorted(set(data.open_stations["station_type"].astype(str))))
    st.caption(t("stations.coverage.caption", lang, walk=walk or "—"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("stations.coverage.households", lang), fmt_count(len(households)))
    c2.metric(t("stations.coverage.covered", lang), fmt_count(int(cover.covered.sum())))
    c3.metric(t("stations.coverage.share", lang), f"{cover.share:.1%}")
    level = st.selectbox(t("stations.coverage.level", lang), ["village_code", "grid_code", "town_code"],
                         format_func=lambda c: label("level", c.removesuffix("_code"), lang), key="st_cov_level")
    per_unit = unit_coverage(households, cover.covered, level)
    names = _unit_names(data.session)
    st.dataframe(pd.DataFrame({
        t("stations.col.unit", lang): per_unit["code"].map(lambda c: names.get(str(c), str(c))),
        t("stations.coverage.households", lang): per_unit["households"],
        t("stations.coverage.covered", lang): per_unit["covered"],
        t("stations.coverage.share", lang): (per_unit["share"] * 100).round(1),
    }).sort_values(t("stations.coverage.share", lang)), hide_index=True, width="stretch")
    uncovered = households[~cover.covered]
    shown = uncovered if len(uncovered) <= MAX_DOTS else uncovered.sample(MAX_DOTS, random_state=1)
    if len(shown) < len(uncovered):
        st.caption(t("stations.coverage.sampled", lang, n=fmt_count(len(shown)), total=fmt_count(len(uncovered))))
    _small_map(data, tiles, [household_layer(shown, tiles=tiles, name=t("stations.coverage.uncovered", lang),
                                             key="uncovered",
                                             legend_text=t("stations.coverage.uncovered_dot", lang)),
                             visit_age_layer(_with_age(data.open_stations, data, lang), tiles=tiles, lang=lang,
                                             key="covstations")], "st_cov_map")


def siting_panel(data: Stations, tiles: TileSource, lang: str) -> None:
    """Suggest k new sites for one station type among candidates from the uncovered clusters."""
    households = _households(data.session)
    if households is None or households.empty:
        st.caption(t("stations.coverage.no_households", lang))
        return
    st.caption(t("stations.siting.caption", lang))
    kinds = [str(k) for k in StationType if k not in TEMPORARY_STATIONS]
    with st.form("st_siting_form"):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(t("stations.field.station_type", lang), kinds, format_func=lambda k: label("station", k, lang),
                            key="st_site_type")
        k = int(c2.number_input(t("stations.siting.k", lang), 1, 50, 5, key="st_site_k"))
        method = c3.selectbox(t("stations.siting.method", lang), ["mclp", "greedy"],
                              format_func=lambda m: t(f"stations.siting.method.{m}", lang), key="st_site_method")
        go = st.form_submit_button(t("stations.siting.run", lang), type="primary")
    if go:
        cover = household_coverage(households, data.open_stations)
        reach = walk_distance(kind)
        crs = cover.crs
        xy = metric_xy(households, crs)
        uncovered = xy[~cover.covered]
        sites = candidate_sites(uncovered, reach)
        result = suggest_sites(uncovered, sites, reach, k, method=method)  # type: ignore[arg-type]
        lon, lat = metric_transformer(crs, "EPSG:4326").transform(sites[result.chosen, 0], sites[result.chosen, 1]) \
            if result.chosen else (np.empty(0), np.empty(0))
        st.session_state[SITING_KEY] = {
            "key": data.session.scope.prefix, "kind": kind, "k": k, "households": len(households),
            "before": int(cover.covered.sum()), "gained": result.total_gained, "method": result.method,
            "optimal": result.optimal, "seconds": result.seconds, "candidates": len(sites),
            "sites": np.column_stack([np.asarray(lon), np.asarray(lat)]), "ranked_gain": result.gained,
            "uncovered_ids": households["id"].to_numpy()[~cover.covered],
            "newly": result.covered_after,
        }
    found = st.session_state.get(SITING_KEY)
    if not found or found["key"] != data.session.scope.prefix:
        return
    total = found["households"]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("stations.siting.before", lang), f"{found['before'] / total:.1%}")
    c2.metric(t("stations.siting.after", lang), f"{(found['before'] + found['gained']) / total:.1%}",
              delta=f"+{fmt_count(found['gained'])}")
    c3.metric(t("stations.siting.sites", lang), fmt_count(len(found["sites"])))
    st.caption(t("stations.siting.how", lang, method=t(f"stations.siting.method.{found['method']}", lang),
                 n=fmt_count(found["candidates"]), s=f"{found['seconds']:.1f}",
                 optimal=t("stations.yes" if found["optimal"] else "stations.no", lang)))
    sites = frame_of(found["sites"], rank=np.arange(1, len(found["sites"]) + 1), gained=found["ranked_gain"])
    uncovered = households.set_index("id").loc[found["uncovered_ids"]].reset_index()
    newly = uncovered[found["newly"]]
    still = uncovered[~found["newly"]]
    still = still if len(still) <= MAX_DOTS else still.sample(MAX_DOTS, random_state=1)
    _small_map(data, tiles, [household_layer(still, tiles=tiles, colour=UNCOVERED_COLOUR, key="stilluncovered",
                                             name=t("stations.coverage.uncovered", lang)),
                             household_layer(newly, tiles=tiles, colour=NEWLY_COVERED_COLOUR, key="newlycovered",
                                             name=t("stations.siting.newly", lang)),
                             site_layer(sites, tiles=tiles, lang=lang)], "st_site_map")


def _small_map(data: Stations, tiles: TileSource, groups: list[folium.FeatureGroup], key: str) -> None:
    bounds = data.stations.total_bounds if len(data.stations) else _unit_bounds(data.session)
    center = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2)
    fmap = base_map(center, zoom=_zoom(bounds), tiles=tiles)
    st_folium(fmap, key=key, height=440, use_container_width=True, feature_group_to_add=groups,
              layer_control=folium.LayerControl(collapsed=False), returned_objects=[])


def _unit_names(session: Session) -> dict[str, str]:
    units = session.read("units", where={"plan_version": session.current_plan()}, columns=["code", "name"])
    return dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))


# --------------------------------------------------------------------------- published results


def results_panel(data: Stations, lang: str) -> None:
    """The visit results per town for a period, and a CSV download of the same table."""
    session = data.session
    c1, c2 = st.columns(2)
    since = c1.text_input(t("stations.results.since", lang), (data.today - dt.timedelta(days=90)).isoformat(),
                          key="st_res_since")
    until = c2.text_input(t("stations.results.until", lang), data.today.isoformat(), key="st_res_until")
    try:
        first, last = dt.date.fromisoformat(since.strip()), dt.date.fromisoformat(until.strip())
    except ValueError:
        st.error(t("stations.results.bad_dates", lang, since=since, until=until))
        return
    towns = session.read("units", where={"level": "town", "plan_version": session.current_plan()},
                         columns=["code", "name"])
    scope_towns = {str(c): str(n) for c, n in zip(towns["code"], towns["name"], strict=True)}
    if not scope_towns and session.scope.unit_code:
        scope_towns = {session.scope.unit_code[:9] + "000": session.scope.unit_code}
    table = town_results(data.visits, data.stations, scope_towns, since=first, until=last)
    shown = pd.DataFrame({
        t("stations.results.town", lang): table["town"],
        t("stations.results.stations", lang): table["stations"],
        t("stations.results.visited", lang): table["visited"],
        t("stations.results.visits", lang): table["visits"],
        t("stations.results.far", lang): table["far"],
        t("stations.results.passed", lang): (table["passed_share"] * 100).round(1),
        t("stations.results.follow_ups", lang): table["follow_ups"],
    })
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(t("stations.results.download", lang), table_csv(shown),
                       file_name=f"station-visits-{first}-{last}.csv", mime="text/csv", key="st_res_csv",
                       on_click="ignore")


__all__ = ["Stations", "coverage_panel", "load", "registry", "results_panel", "show_message", "siting_panel",
           "station_map", "town_scope", "visit_form", "visit_history"]
