"""The routing table page (分派规则), issue 12: admins edit category (x unit) ->
department and each category's deadline; every save is a new version (the old ones
kept and listed), audited, and in force for the next report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gridmap.access import Session
from gridmap.domain import CATEGORIES, DEPARTMENTS
from gridmap.i18n import label, t
from gridmap.store import StoreError
from gridmap.ui.issue import flash, refusal, show_flash
from gridmap.ui.text import escape_markdown, fmt_datetime
from gridmap.workflow import Deadline, RoutingTable, Rule, WorkflowError, current_table, save_table
from gridmap.workflow.routing import versions

ROUND_KEY = "routing_round"


def _rules_frame(table: RoutingTable, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "category": [label("category", r.category, lang) for r in table.rules],
        "unit_code": [r.unit_code or "" for r in table.rules],
        "department": [label("department", r.department, lang) for r in table.rules],
    })


def _deadlines_frame(table: RoutingTable, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "category": [label("category", c, lang) for c in CATEGORIES],
        "hours": [table.deadline(c).hours for c in CATEGORIES],
        "same_day": [table.deadline(c).same_day for c in CATEGORIES],
    })


def routing_page(session: Session, lang: str) -> None:
    show_flash()
    table = current_table(session)
    st.caption(t("routing.in_force", lang, version=table.version,
                 author=escape_markdown(table.author if table.stored else t("routing.builtin", lang)),
                 at=fmt_datetime(table.created_at.isoformat()) if table.created_at else "—"))
    round_ = int(st.session_state.get(ROUND_KEY, 0))
    categories = {label("category", c, lang): c for c in CATEGORIES}
    departments = {label("department", d, lang): d for d in DEPARTMENTS}
    st.markdown(f"**{t('routing.rules', lang)}**")
    st.caption(t("routing.rules_hint", lang))
    rules = st.data_editor(_rules_frame(table, lang), num_rows="dynamic", hide_index=True, width="stretch",
                           key=f"routing_rules_{round_}", column_config={
                               "category": st.column_config.SelectboxColumn(t("routing.col.category", lang),
                                                                            options=list(categories), required=True),
                               "unit_code": st.column_config.TextColumn(t("routing.col.unit", lang), max_chars=17),
                               "department": st.column_config.SelectboxColumn(t("routing.col.department", lang),
                                                                              options=list(departments),
                                                                              required=True),
                           })
    st.markdown(f"**{t('routing.deadlines', lang)}**")
    deadlines = st.data_editor(_deadlines_frame(table, lang), hide_index=True, width="stretch",
                               key=f"routing_deadlines_{round_}", disabled=["category"], column_config={
                                   "category": st.column_config.TextColumn(t("routing.col.category", lang)),
                                   "hours": st.column_config.NumberColumn(t("routing.col.hours", lang), step=1),
                                   "same_day": st.column_config.CheckboxColumn(t("routing.col.same_day", lang)),
                               })
    note = st.text_input(t("routing.note", lang), key=f"routing_note_{round_}", max_chars=500)
    if st.button(t("routing.save", lang), type="primary", key=f"routing_save_{round_}", icon=":material/save:"):
        try:
            new_rules = [Rule(categories.get(str(r["category"]), str(r["category"])),
                              departments.get(str(r["department"]), str(r["department"])),
                              str(r["unit_code"]).strip() or None if isinstance(r["unit_code"], str) else None)
                         for r in rules.to_dict("records") if isinstance(r.get("category"), str)]
            new_deadlines = {categories[str(r["category"])]: Deadline(_hours(r["hours"]), bool(r["same_day"]))
                             for r in deadlines.to_dict("records")}
            saved = save_table(session, new_rules, new_deadlines, note=note or None)
        except (WorkflowError, StoreError) as exc:
            st.error(refusal(exc, lang), icon=":material/block:")
        else:
            flash(t("routing.saved", lang, version=saved.version))
            st.session_state[ROUND_KEY] = round_ + 1
            st.rerun()
    _history(session, lang)


def _hours(value: object) -> int:
    try:
        return int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _history(session: Session, lang: str) -> None:
    stored = versions(session)
    st.markdown(f"**{t('routing.history', lang)}**")
    if not stored:
        st.caption(t("routing.no_history", lang))
        return
    st.dataframe(pd.DataFrame({
        t("routing.col.version", lang): [v.version for v in stored],
        t("routing.col.author", lang): [v.author for v in stored],
        t("routing.col.at", lang): [fmt_datetime(v.created_at.isoformat()) if v.created_at else "—" for v in stored],
        t("routing.col.note", lang): [v.note or "" for v in stored],
    }), hide_index=True, width="stretch")


__all__ = ["routing_page"]
