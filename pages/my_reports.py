"""我的上报 / My reports: the issues the user reported, their status and history."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui.queue import my_reports_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.REPORT_ISSUE, lang, store)
st.title(t("mine.title", lang))
my_reports_page(session, lang)
