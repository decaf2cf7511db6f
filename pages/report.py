"""随手拍上报 / Report an issue: position by map click, typed coordinates or a photo's GPS;
photos, category, description, channel; open reports nearby offered as duplicates first."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui.report import report_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.REPORT_ISSUE, lang, store)
st.title(t("report.title", lang))
tiles = ui.map_page_or_stop(session, lang)
report_page(session, tiles, lang)
