"""登录 / Sign in: the only page a signed-out visitor can reach."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.i18n import t

lang = ui.current_language()
st.title(t("auth.title", lang))
ui.sign_in_form(ui.store_or_stop(lang), lang)
