"""待办事件 / Work queue: the role's open issues soonest deadline first, overdue marked in the
list and on the map; commanders accept or dispatch several at once."""

from __future__ import annotations

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import t
from gridmap.ui.queue import queue_page

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.HANDLE_ISSUE, lang, store)
st.title(t("queue.title", lang))
tiles = ui.map_page_or_stop(session, lang)
queue_page(session, tiles, lang)
