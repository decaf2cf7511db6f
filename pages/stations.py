"""服务站点 / Service stations: the registry, supervision visits, coverage, siting and the
published results; planners and admins edit the registry, commanders and admins visit."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui import stations
from gridmap.ui.stations_coverage import coverage_panel
from gridmap.ui.stations_registry import registry
from gridmap.ui.stations_results import results_panel
from gridmap.ui.stations_siting import siting_panel
from gridmap.ui.stations_visits import visit_form, visit_history

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_MAP, lang, store)
st.title(t("stations.title", lang))
stations.show_message()

tiles = ui.map_page_or_stop(session, lang)
view = stations.town_scope(session, lang)
data = stations.load(view)
stations.station_map(data, tiles, lang)

registry_tab, visits_tab, coverage_tab, siting_tab, results_tab = st.tabs(
    [t(f"stations.tab.{k}", lang) for k in ("registry", "visits", "coverage", "siting", "results")])
with registry_tab:
    registry(data, lang)
with visits_tab:
    visit_form(data, lang)
    visit_history(data, lang)
with coverage_tab:
    coverage_panel(data, tiles, lang)
with siting_tab:
    siting_panel(data, tiles, lang)
with results_tab:
    results_panel(data, lang)
