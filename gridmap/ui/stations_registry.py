"""The stations page's registry tab (站点台账): the table of every station in view (closed ones
too), exports for those who may export, and for editors (planners, admins) add at the picked
point, edit, move, close and import. Every write is one audited store write in
:mod:`gridmap.stations.registry`."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from gridmap.access import Op, Session
from gridmap.domain import STATION_LEVELS, StationType
from gridmap.i18n import label, t
from gridmap.io import ImportRejected, export_layer, import_layer
from gridmap.stations import EDITABLE, add_station, close_station, edit_station, move_station, visit_age
from gridmap.store.base import StoreError
from gridmap.ui.stations import (
    PICK_KEY,
    SELECT_KEY,
    Stations,
    joined,
    last_text,
    picked,
    refusal,
    say,
    station_picker,
)
from gridmap.ui.text import escape_markdown, fmt_count
from gridmap.workflow.errors import WorkflowError


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
    station = station_picker(data, lang, include_closed=True, key="st_edit_pick")
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
        t("stations.col.services", lang): [joined(v) for v in frame["services"]],
        t("stations.col.staff", lang): [joined(v) for v in frame["staff"]],
        t("stations.col.funding", lang): frame["funding_yuan"],
        t("stations.col.last_visit", lang): [last_text(d, data.today, lang) or t("stations.age.never", lang)
                                             for d in ages["days"]],
    })


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
            st.error(refusal(exc, lang))
            return
        st.session_state[SELECT_KEY] = str(row["id"])
        say("ok", t("stations.added", lang, name=row["name"]))
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
            st.error(refusal(exc, lang))
            return
        say("ok", t("stations.saved", lang, name=values["name"]))
        st.rerun()
    point = st.session_state.get(PICK_KEY)
    if st.button(t("stations.move", lang), key=f"st_move_{sid}", disabled=point is None,
                 help=t("stations.move_help", lang)) and point is not None:
        try:
            move_station(session, sid, lon=point[0], lat=point[1])
        except (WorkflowError, StoreError) as exc:
            st.error(refusal(exc, lang))
            return
        say("ok", t("stations.moved", lang, name=str(station["name"])))
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
            st.error(refusal(exc, lang))
            return
        say("ok", t("stations.closed_done", lang, name=str(station["name"]), day=day))
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
            st.error(refusal(exc, lang))
            return
    say("ok", t("stations.imported", lang, n=fmt_count(report.written)))
    st.rerun()


__all__ = ["registry"]
