"""量化比评 / Rankings: units ranked by a weighted score of smoothed rates (commanders, admins)."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.command import data_now
from gridmap.i18n import t
from gridmap.ui import command
from gridmap.ui.rankings import rankings_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_BRIEFING, lang, store)
st.title(t("rank.title", lang))
rankings_page(session, lang, command.live_seconds(), data_now(session))
