"""操作审计 / Audit trail: who changed what, when, before and after (admins only)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.domain import LAYERS
from gridmap.i18n import label, t
from gridmap.store.base import AuditFilter, now
from gridmap.ui.period import period_picker

ACTIONS = ("insert", "replace", "update", "update_many", "delete", "set_meta", "sign_in", "sign_in_token",
           "sign_in_failed", "sign_in_refused", "sign_out")

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_AUDIT, lang, store)
st.title(t("audit.title", lang))
st.caption(t("audit.caption", lang))

any_label = t("audit.filter.any", lang)
today = now().date()
c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 3, 1])
actor = c1.text_input(t("audit.filter.actor", lang), key="audit_actor", max_chars=64).strip()
action = c2.selectbox(t("audit.filter.action", lang), (None, *ACTIONS), key="audit_action",
                      format_func=lambda a: any_label if a is None else ui.audit_action_label(a, lang))
layer_name = c3.selectbox(t("audit.filter.layer", lang), (None, *LAYERS), key="audit_layer",
                          format_func=lambda n: any_label if n is None else label("layer", n, lang))
# Not st.date_input: its calendar speaks English ("Date range", "Select...") in any language.
first_day, last_day = period_picker(t("audit.filter.dates", lang), "audit_dates", lang, today, c4)
limit = c5.number_input(t("audit.filter.limit", lang), 10, 5000, 200, step=50, key="audit_limit")

since = dt.datetime.combine(first_day, dt.time())
until = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
log = session.audit_log(limit=int(limit), filters=AuditFilter(actor=actor or None, action=action,
                                                             layer=layer_name, since=since, until=until))
if log.empty:
    st.info(t("audit.empty", lang), icon=":material/info:")
    st.stop()

st.caption(t("audit.count", lang, n=ui.fmt_count(len(log))))
columns = ["at", "actor", "action", "layer", "target", "scope", "before", "after"]
# st.dataframe shows cell text as text (no HTML, no markdown), so stored text needs no escaping here.
shown = log.assign(action=log["action"].map(lambda a: ui.audit_action_label(a, lang)),
                   layer=log["layer"].map(lambda n: ui.audit_layer_label(n, lang)),
                   target=log["target"].fillna(""), before=log["before"].fillna(""), after=log["after"].fillna(""))
table = pd.DataFrame({t(f"audit.col.{c}", lang): shown[c] for c in columns})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={t("audit.col.at", lang): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})

with st.expander(t("audit.detail", lang)):
    pick = st.selectbox(t("audit.detail", lang), log.index, key="audit_pick", label_visibility="collapsed",
                        format_func=lambda i: f"{ui.fmt_datetime(log.at[i, 'at'])} · {log.at[i, 'actor']} · "
                                              f"{shown.at[i, 'action']} · {shown.at[i, 'target']}"[:120])
    row = log.loc[pick]
    left, right = st.columns(2)
    left.markdown(f"**{t('audit.col.before', lang)}**")
    left.code(row["before"] or "—", language="json", wrap_lines=True)
    right.markdown(f"**{t('audit.col.after', lang)}**")
    right.code(row["after"] or "—", language="json", wrap_lines=True)
