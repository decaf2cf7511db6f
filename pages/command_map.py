"""指挥一张图 / Command map: the jurisdiction live, KPIs, drill-down from county to micro-grid."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.command import data_now
from gridmap.i18n import t
from gridmap.maps import TileConfigError, missing_assets, tile_source
from gridmap.ui import command

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_MAP, lang, store)
st.title(t("command.title", lang))

if not session.count("units"):
    st.info(t("command.no_data", lang), icon=":material/info:")
    st.stop()
try:
    tiles = tile_source()
except TileConfigError as exc:
    st.error(t("command.map_error", lang, detail=ui.escape_markdown(t(exc.message_key, lang, **exc.values))),
             icon=":material/error:")
    st.stop()
if missing_assets():  # before anything is drawn: the live fragment would hide the reason
    st.error(t("map.assets_missing", lang), icon=":material/error:")
    st.stop()

interval = command.live_seconds()
snapshot, _ = command.shared_snapshot(session, interval)
now = data_now(session)
code = command.selected_unit(snapshot)
command.breadcrumb(snapshot, code, lang)
left, right = st.columns([4, 1])
with left:
    filters = command.filters_form(lang, now)
with right:
    measure = command.measure_picker(snapshot, lang)
center, zoom = command.home_view(snapshot, session)
command.live_panel(command.PanelArgs(session, filters, measure, tiles, lang, interval, center, zoom))
