"""网格规划 / Planner: redraw the boundaries of one unit's children on a draft plan, see
the checks, the balance and the impact at once, and publish a versioned plan."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui import planner, planner_cells, planner_panels

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.EDIT_UNITS, lang, store)
st.title(t("plan.page.title", lang))
planner.show_message()

tiles = ui.map_page_or_stop(session, lang)

bench = planner.plan_bar(session, lang)
if bench is None:
    st.stop()
planner.unit_picker(bench, lang)
planner.load_bands(session, bench)
points = planner.households(session, bench)
problems = planner.problems_of(bench, points)
left, right = st.columns([3, 2])
with left:
    if planner_cells.mode_switch(bench, lang) == "cells":
        planner_cells.cells_view(session, bench, points, tiles, lang)
    else:
        planner.edit_map(session, bench, points, problems, tiles, lang)
        planner.pending_polygon(session, bench, lang)
    planner.undo_redo(session, bench, lang)
with right:
    checks_tab, balance_tab, edit_tab, impact_tab, publish_tab, files_tab = st.tabs(
        [t(f"plan.page.tab.{k}", lang) for k in ("checks", "balance", "edit", "impact", "publish", "files")])
    with checks_tab:
        planner_panels.problems_panel(problems, bench, lang)
    with balance_tab:
        planner_panels.balance_panel(bench, points, lang)
        planner_panels.bands_form(session, bench, lang)
    with edit_tab:
        st.caption(t("plan.page.edit_hint", lang))
        planner.merge_form(session, bench, lang)
        planner.partition_form(session, bench, points, lang)
    with impact_tab:
        planner_panels.impact_panel(session, bench, lang)
    with publish_tab:
        planner_panels.publish_form(session, bench, lang)
    with files_tab:
        planner_panels.transfer_panel(session, bench, lang)
        planner_panels.assignment_panel(session, bench, points, lang)
