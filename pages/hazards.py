"""隐患排查 / Hazards: the inspector's hazard map -- filters shared by address, points, heat,
hexagons, units, hot spots, emerging hot spots, places due for a visit; record and
rectify hazards; a route for the next round; rankings."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.command import data_now
from gridmap.i18n import t
from gridmap.ui import hazard_panels, hazard_record, hazard_stats, hazards

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_MAP, lang, store)
hazards.require_role(session, lang)
st.title(t("hazards.title", lang))
hazard_record.show_message()

tiles = ui.map_page_or_stop(session, lang)
now = data_now(session)
data = hazards.load(session)
filters = hazards.filter_bar(data, lang, now.date())
rows = hazards.selected_rows(data, filters, now)
hazards.summary(rows, now, lang)

view = hazard_stats.view_layers(session, data, rows, filters, tiles, lang, now)
left, right = st.columns([3, 2])
with left:
    clicked = hazards.hazard_map(data, view.layers + hazard_panels.route_layers(tiles, lang), filters, tiles, lang)
    hazard_stats.explain(view, lang)
with right:
    record_tab, detail_tab, cycle_tab, route_tab, rank_tab = st.tabs(
        [t(f"hazards.tab.{k}", lang) for k in ("record", "detail", "cycle", "route", "rank")])
    with record_tab:
        hazard_record.record_form(session, lang, now)
    with detail_tab:
        hazard_record.detail_panel(session, rows, data.inspections, lang, now)
    with cycle_tab:
        hazard_panels.cycle_panel(session, view.due_places(), data, view.cycles, lang)
    with route_tab:
        hazard_panels.route_panel(rows, data, now, lang, view.hot)
    with rank_tab:
        hazard_panels.ranking_panel(session, data, rows, now, view.rank_level, filters.unit or data.home, lang)
if clicked.clicked is not None or clicked.hazard_id is not None:
    hazards.take_click(clicked)
    st.rerun()
