"""The command map's "since you last looked" part: the visit, the list and the map layer.

:func:`visit` runs once per browser session (the first command-map run): it stores this
visit's time and keeps the window ``(previous visit, now]`` in ``st.session_state``, so
reruns and live ticks do not move it. The units and zero-reports it needs are read once
per visit (:func:`_visit_reads`); the issue changes are recomputed from the shared snapshot
on each tick (vectorised, milliseconds), so an issue reported during the visit joins them.
Only roles with :data:`Op.VIEW_BRIEFING` (commanders, admins) get it.
"""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.access import Op, Session
from gridmap.command import Snapshot
from gridmap.command.since import (
    FIRST_VISIT_HOURS,
    Changes,
    changes_since,
    read_units,
    read_zero_reports,
    record_visit,
    visit_window,
)
from gridmap.command.view import MapView, ViewPoints
from gridmap.domain import beijing_now
from gridmap.i18n import label, t
from gridmap.maps.since import since_features, since_layer
from gridmap.maps.tiles import TileSource
from gridmap.text import escape_markdown
from gridmap.ui.text import fmt_datetime

WINDOW_KEY = "cmd_since_window"
READS_KEY = "cmd_since_reads"
CHANGES_KEY = "cmd_since_changes"
FEATURES_KEY = "cmd_since_features"


def visit(session: Session, data_now: dt.datetime) -> tuple[dt.datetime, dt.datetime, bool] | None:
    """This browser session's window (stored at its first run), or None for other roles."""
    if not session.can(Op.VIEW_BRIEFING) or session.user.system:
        return None
    window = st.session_state.get(WINDOW_KEY)
    if window is None:
        wall = beijing_now().replace(tzinfo=None, microsecond=0)
        previous = record_visit(session, wall)
        window = visit_window(previous, data_now, wall)
        st.session_state[WINDOW_KEY] = window
    return window


def changes(session: Session, snapshot: Snapshot, code: str, window: tuple[dt.datetime, dt.datetime, bool],
            data_now: dt.datetime, version: int = 0) -> Changes:
    """The changes inside ``code`` from the window's start until now (the tick's time),
    computed again only when the snapshot (its ``version``) or the selection changed."""
    since, until, first = window
    cached = st.session_state.get(CHANGES_KEY)
    if cached is not None and cached[0] == (since, version, code, session.cache_key()):
        return cached[1]
    until = max(until, data_now, beijing_now().replace(tzinfo=None, microsecond=0))
    key = (since, snapshot.plan_version, session.cache_key())
    reads = st.session_state.get(READS_KEY)
    if reads is None or reads[0] != key:
        reads = (key, read_units(session, snapshot.plan_version), read_zero_reports(session, since, until))
        st.session_state[READS_KEY] = reads
    found = changes_since(snapshot, since, until, selection=code, units=reads[1], zero_reports=reads[2],
                          first_visit=first)
    st.session_state[CHANGES_KEY] = ((since, version, code, session.cache_key()), found)
    return found


def map_layer(found: Changes, view: MapView, points: ViewPoints, tiles: TileSource, lang: str,
              version: int = 0) -> folium.FeatureGroup:
    """The rings and outlines for what the map shows; their GeoJSON is kept per live tick
    and selection (``version``), so a filter change only wraps it again."""
    key = (found.since, version, view.measure.selection, tiles.name, len(found))
    cached = st.session_state.get(FEATURES_KEY)
    if cached is not None and cached[0] == key:
        return since_layer(cached[1], lang=lang)
    if len(points.issues) and len(found.issues):
        issues = points.issues
        where = pd.Index(issues["id"].astype(str)).get_indexer(found.issues["id"].astype(str))
        keep = where >= 0
        frame = gpd.GeoDataFrame({"id": found.issues["id"].to_numpy()[keep],
                                  "kind": found.issues["kind"].to_numpy()[keep]},
                                 geometry=issues.geometry.to_numpy()[where[keep]], crs="EPSG:4326")
    else:
        frame = gpd.GeoDataFrame({"id": [], "kind": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"),
                                 crs="EPSG:4326")
    marked = [*found.risk["code"].astype(str), *found.zero_behind["code"].astype(str)]
    shown = view.units["code"].astype(str).tolist() if view.units is not None else []
    outlined = {code for code in shown if any(m.startswith(code) for m in marked)}
    features = since_features(frame, view.units, outlined, tiles=tiles)
    st.session_state[FEATURES_KEY] = (key, features)
    return since_layer(features, lang=lang)


def since_list(found: Changes, snapshot: Snapshot, lang: str) -> None:
    """The expander with the summary and the lists."""
    summary = t("since.summary", lang, new=found.count("new"), overdue=found.count("overdue"),
                closed=found.count("closed"), risk=found.count("risk"), zero=found.count("zero_behind"))
    title = f"{t('since.title', lang)} · {fmt_datetime(found.since.isoformat())}"
    with st.expander(title, expanded=bool(len(found)), icon=":material/history:"):
        if found.first_visit:
            st.caption(t("since.first", lang, hours=FIRST_VISIT_HOURS))
        st.caption(t("since.window", lang, since=fmt_datetime(found.since.isoformat()),
                     until=fmt_datetime(found.until.isoformat())))
        if not len(found):
            st.markdown(t("since.none", lang))
            return
        st.markdown(escape_markdown(summary))
        names = snapshot.units["name"]
        if len(found.issues):
            st.dataframe(pd.DataFrame({
                t("since.col.kind", lang): [t(f"since.kind.{k}", lang) for k in found.issues["kind"]],
                t("since.col.at", lang): [fmt_datetime(pd.Timestamp(a).isoformat()) for a in found.issues["at"]],
                t("since.col.unit", lang): [str(names.get(str(m), m or "—")) for m in found.issues["micro_code"]],
                t("since.col.status", lang): [label("issue_status", s, lang) if s else "—"
                                              for s in found.issues["status"]],
            }), hide_index=True, width="stretch", height=min(320, 38 + 35 * len(found.issues)))
        if len(found.risk):
            st.markdown(f"**{t('since.risk', lang)}**")
            st.dataframe(pd.DataFrame({
                t("since.col.unit", lang): found.risk["name"].astype(str).to_numpy(),
                t("since.col.colour", lang): [label("risk", str(c), lang) if c else "—"
                                              for c in found.risk["risk_colour"]],
                t("since.col.at", lang): [fmt_datetime(pd.Timestamp(a).isoformat()) for a in found.risk["risk_set_at"]],
            }), hide_index=True, width="stretch")
        if len(found.zero_behind):
            days = int(found.zero_behind["days"].iloc[0])
            st.markdown(f"**{t('since.zero', lang, days=days)}**")
            st.dataframe(pd.DataFrame({
                t("since.col.unit", lang): found.zero_behind["name"].astype(str).to_numpy(),
                t("since.col.missed", lang): found.zero_behind["missed"].to_numpy(),
            }), hide_index=True, width="stretch", height=min(320, 38 + 35 * len(found.zero_behind)))
