"""事件详情 / Issue: details, photos, the full history as a timeline, and the steps the user may make."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui.issue import issue_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_MAP, lang, store)
st.title(t("issue.title", lang))
issue_page(session, lang)
