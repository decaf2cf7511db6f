"""分派规则 / Routing rules: category (x unit) -> department and each category's deadline,
versioned and audited (admins)."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui.routing import routing_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.EDIT_ROUTING, lang, store)
st.title(t("routing.title", lang))
routing_page(session, lang)
