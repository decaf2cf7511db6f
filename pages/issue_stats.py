"""事件统计 / Issue statistics: per unit, department or reporter, with a CSV download.

Commanders and admins see their jurisdiction; department handlers their department's
issues only (the session filters them). The figures come from :mod:`gridmap.issue_stats`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gridmap import ui
from gridmap.access import Op, Session
from gridmap.command import data_now
from gridmap.domain import Level
from gridmap.i18n import label, t
from gridmap.io.write import table_csv
from gridmap.issue_stats import NO_REPORTER_KEY, OUTSIDE_KEY, STAT_COLUMNS, issue_stats, total_row
from gridmap.ui.period import period_picker

RATES = ("closure_rate", "on_time_share")

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_ISSUE_STATS, lang, store)
st.title(t("istats.title", lang))
st.caption(t("istats.caption", lang))

clock = data_now(session)  # the moment the data describe (the demo's as-of time), as on the command map
c1, c2, c3 = st.columns([2, 2, 3])
by = str(c1.selectbox(t("istats.by", lang), ("unit", "department", "reporter"), key="istats_by",
                      format_func=lambda b: t(f"istats.by.{b}", lang)))
levels = [lv for lv in Level if lv.depth >= session.scope.level.depth]
level = Level(c2.selectbox(t("istats.level", lang), levels, key="istats_level", disabled=by != "unit",
                           index=min(1, len(levels) - 1), format_func=lambda lv: label("level", lv, lang)))
first_day, last_day = period_picker(t("istats.period", lang), "istats_period", lang, clock.date(), c3)


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def _stats(cache_key: str, by: str, level: str, first: dt.date, last: dt.date, at: dt.datetime,
           _session: Session) -> pd.DataFrame:
    """The table, shared by the sessions that see the same rows (``cache_key``) for two minutes:
    at county scale it reads every issue and every resolution step (seconds)."""
    return issue_stats(_session, by=by, level=level, first_day=first, last_day=last, now=at)


# "Now" to the minute, so reruns within a minute (and other users of the same scope) share it.
with st.spinner(t("istats.computing", lang)):
    table = _stats(session.cache_key(), by, level.value, first_day, last_day,
                   clock.replace(second=0, microsecond=0), session)
if table.empty or int(table["reported"].sum() + table["open_now"].sum()) == 0:
    st.info(t("istats.empty", lang), icon=":material/info:")
    st.stop()


def _name(key: str, name: str) -> str:
    if key == OUTSIDE_KEY:
        return t("istats.outside", lang)
    if key == NO_REPORTER_KEY:
        return t("istats.no_reporter", lang)
    return label("department", key, lang) if by == "department" else name


shown = table.assign(name=[_name(k, n) for k, n in zip(table["key"], table["name"], strict=True)])
for column in RATES:
    shown[column] = [None if v is None else round(100 * float(v), 1) for v in shown[column]]
columns = ["key", "name", *STAT_COLUMNS]
headers = {c: t(f"istats.col.{c}", lang) for c in columns}
out = pd.DataFrame({headers[c]: shown[c] for c in columns})
total = total_row(table, days=(last_day - first_day).days + 1)
rate = "—" if total["closure_rate"] is None else f"{100 * float(total['closure_rate']):.1f}%"
st.caption(t("istats.total", lang, reported=ui.fmt_count(int(total["reported"])),
             genuine=ui.fmt_count(int(total["genuine"])), closed=ui.fmt_count(int(total["closed"])),
             rate=rate, open=ui.fmt_count(int(total["open_now"])),
             overdue=ui.fmt_count(int(total["overdue_now"]))))
# st.dataframe shows cell text as text (no HTML, no markdown): stored names need no escaping here.
st.dataframe(out, hide_index=True, width="stretch", column_config={
    headers[c]: st.column_config.NumberColumn(format="%.1f%%") for c in RATES})
st.download_button(t("istats.download", lang), table_csv(out),
                   file_name=f"issue-stats-{by}-{first_day:%Y%m%d}-{last_day:%Y%m%d}.csv", mime="text/csv",
                   key="istats_csv", icon=":material/download:")
