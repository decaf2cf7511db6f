"""指挥一张图 / Command map: the jurisdiction live, KPIs, drill-down from county to micro-grid."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.command import data_now
from gridmap.i18n import t
from gridmap.ui import command
from gridmap.ui.brief import download_button

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_MAP, lang, store)
st.title(t("command.title", lang))

tiles = ui.map_page_or_stop(session, lang)

interval = command.live_seconds()
snapshot, _ = command.shared_snapshot(session, interval)
now = data_now(session)
code = command.selected_unit(snapshot)
command.breadcrumb(snapshot, code, lang)
download_button(session, snapshot, code, lang)  # issue 13: the town's one-page brief
left, right = st.columns([4, 1])
with left:
    filters = command.filters_form(lang, now)
with right:
    measure = command.measure_picker(snapshot, lang)
center, zoom = command.home_view(snapshot, session)
command.live_panel(command.PanelArgs(session, filters, measure, tiles, lang, interval, center, zoom))
