"""每日零报告 / Daily zero-report: grid workers report each micro-grid every day; commanders see
the compliance map and the micro-grids still missing."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui.zero_report import zero_report_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_ZERO_REPORTS, lang, store)
st.title(t("zero.title", lang))
tiles = ui.map_page_or_stop(session, lang)
zero_report_page(session, tiles, lang)
