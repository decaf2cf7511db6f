"""Work queues (待办事件) and "my reports" (我的上报), issue 12.

The queue is the role's own (:func:`gridmap.workflow.queue_for`): the grid worker's unit,
the department's routed issues, the commander's undispatched, awaiting closure and
overdue issues (escalated first; opening the queue escalates what has become overdue,
:func:`gridmap.workflow.escalate_overdue`). Sorted by deadline; overdue rows are marked
in the list and ringed on the map. Commanders accept or dispatch several at once: one
transaction per issue, and a refusal names its issue without undoing the others.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Op, Session
from gridmap.command import data_now
from gridmap.domain import DEPARTMENTS, IssueStatus, Role
from gridmap.i18n import label, t
from gridmap.maps import TileSource, base_map, issue_layer
from gridmap.store import StoreError
from gridmap.ui.issue import flash, open_issue, refusal, show_flash, status_text
from gridmap.ui.text import fmt_datetime
from gridmap.workflow import (
    WorkflowError,
    bulk_transition,
    escalate_overdue,
    issue_history,
    my_reports,
    queue_for,
    work_queue,
)

TABLE_KEY = "queue_table"


def _table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    overdue_mark = t("queue.overdue_mark", lang)
    escalated_mark = t("queue.escalated_mark", lang)
    flags = [" ".join(m for m, on in ((escalated_mark, e), (overdue_mark, o)) if on)
             for e, o in zip(rows.get("escalated", pd.Series(False, index=rows.index)),
                             rows.get("overdue", pd.Series(False, index=rows.index)), strict=True)]
    table = pd.DataFrame({
        t("queue.col.flag", lang): flags,
        t("queue.col.deadline", lang): [fmt_datetime(v) if pd.notna(v) else "—" for v in rows["deadline"]],
        t("queue.col.status", lang): [status_text(s, lang) for s in rows["status"]],
        t("queue.col.category", lang): [label("category", str(c), lang) for c in rows["category"]],
        t("queue.col.department", lang): [label("department", str(d), lang) if isinstance(d, str) else "—"
                                          for d in rows["department"]],
        t("queue.col.description", lang): [str(d or "")[:60] for d in rows["description"]],
        t("queue.col.reported_at", lang): [fmt_datetime(v) for v in rows["reported_at"]],
        t("queue.col.id", lang): rows["id"].astype(str).to_numpy(),
    })
    return table


def queue_page(session: Session, tiles: TileSource, lang: str) -> None:
    show_flash()
    at = data_now(session)
    queue = queue_for(session)
    if session.user.role == Role.COMMANDER:
        try:
            escalated = escalate_overdue(session, at)
        except (WorkflowError, StoreError):
            escalated = []
        if escalated:
            st.warning(t("queue.escalated_now", lang, n=len(escalated)), icon=":material/campaign:")
    rows = work_queue(session, queue, at)
    st.caption(t(f"queue.caption.{queue}", lang, n=len(rows), overdue=int(rows["overdue"].sum()) if len(rows) else 0,
                 at=fmt_datetime(at.isoformat())))
    if rows.empty:
        st.info(t("queue.empty", lang), icon=":material/inbox:")
        return
    bulk = session.user.role == Role.COMMANDER and session.can(Op.HANDLE_ISSUE)
    left, right = st.columns([3, 2])
    with left:
        st.dataframe(_table(rows, lang), hide_index=True, width="stretch", key=TABLE_KEY)
        opened = st.selectbox(t("queue.open", lang), rows["id"].astype(str).tolist(), key="queue_open",
                              format_func=lambda i: _row_name(rows, i, lang))
        if st.button(t("queue.open_button", lang), key="queue_open_go", icon=":material/open_in_new:"):
            open_issue(opened)
        if bulk:
            _bulk(session, rows, lang)
    with right:
        _queue_map(rows, tiles, at, lang)


def _row_name(rows: pd.DataFrame, issue_id: str, lang: str) -> str:
    row = rows.set_index(rows["id"].astype(str)).loc[issue_id]
    return f"{label('category', str(row['category']), lang)} · {status_text(row['status'], lang)} · {issue_id}"


def _bulk(session: Session, rows: pd.DataFrame, lang: str) -> None:
    """Accept or dispatch the picked issues, one transaction each."""
    waiting = rows[rows["status"].isin([str(IssueStatus.REPORTED), str(IssueStatus.ACCEPTED),
                                        str(IssueStatus.RETURNED)])]
    picked = st.multiselect(t("queue.bulk_pick", lang), waiting["id"].astype(str).tolist(), key="queue_bulk_pick",
                            format_func=lambda i: _row_name(rows, i, lang), placeholder=t("queue.bulk_none", lang),
                            select_all=False)
    st.markdown(f"**{t('queue.bulk', lang, n=len(picked))}**")
    c1, c2, c3 = st.columns([2, 2, 2])
    department = c3.selectbox(t("queue.bulk_department", lang), [None, *DEPARTMENTS], key="queue_bulk_dept",
                              format_func=lambda d: t("queue.bulk_department_routed", lang) if d is None
                              else label("department", d, lang))
    go_accept = c1.button(t("queue.bulk_accept", lang), key="queue_bulk_accept", disabled=not picked)
    go_dispatch = c2.button(t("queue.bulk_dispatch", lang), key="queue_bulk_dispatch", disabled=not picked)
    if not (go_accept or go_dispatch):
        return
    target = str(IssueStatus.ACCEPTED if go_accept else IssueStatus.DISPATCHED)
    results = bulk_transition(session, picked, target, department=department if go_dispatch else None)
    done = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    lines = [t("queue.bulk_done", lang, n=len(done), to_status=status_text(target, lang))]
    for r in failed:
        assert r.error is not None
        lines.append(f"- {refusal(r.error, lang)}")
    flash("\n".join(lines), "error" if failed else "success")
    st.rerun()


def _queue_map(rows: pd.DataFrame, tiles: TileSource, at: dt.datetime, lang: str) -> None:
    points = gpd.GeoDataFrame(rows.drop(columns=["lon", "lat"]),
                              geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs="EPSG:4326")
    minx, miny, maxx, maxy = (float(v) for v in points.total_bounds)
    from gridmap.command.view import fit_zoom

    fmap = base_map(((miny + maxy) / 2, (minx + maxx) / 2),
                    zoom=min(fit_zoom((minx, miny, maxx, maxy), 500, 420), 16), tiles=tiles)
    layer = issue_layer(points, overdue=rows["overdue"], tiles=tiles, lang=lang, key="queueissues")
    st_folium(fmap, key="queue_map", height=420, use_container_width=True, feature_group_to_add=[layer],
              returned_objects=[])
    st.caption(t("queue.map_caption", lang))


# --------------------------------------------------------------------------- my reports


def my_reports_page(session: Session, lang: str) -> None:
    rows = my_reports(session)
    if rows.empty:
        st.info(t("mine.empty", lang), icon=":material/inbox:")
        return
    st.caption(t("mine.caption", lang, n=len(rows)))
    table = pd.DataFrame({
        t("queue.col.reported_at", lang): [fmt_datetime(v) for v in rows["reported_at"]],
        t("queue.col.category", lang): [label("category", str(c), lang) for c in rows["category"]],
        t("queue.col.status", lang): [_my_status(r, lang) for r in rows.to_dict("records")],
        t("queue.col.description", lang): [str(d or "")[:60] for d in rows["description"]],
        t("queue.col.id", lang): rows["id"].astype(str).to_numpy(),
    })
    st.dataframe(table, hide_index=True, width="stretch")
    for r in rows.to_dict("records"):
        title = f"{label('category', str(r['category']), lang)} · {_my_status(r, lang)} · {r['id']}"
        with st.expander(title):
            for event in issue_history(session, str(r["id"])).to_dict("records"):
                start = event["from_status"]
                step = (status_text(event["to_status"], lang) if not isinstance(start, str)
                        else f"{status_text(start, lang)} → {status_text(event['to_status'], lang)}")
                st.markdown(f"- {fmt_datetime(event['at'])} · {step}")
            if st.button(t("queue.open_button", lang), key=f"mine_open_{r['id']}"):
                open_issue(str(r["id"]))


def _my_status(row: dict[str, object], lang: str) -> str:
    status = status_text(row["status"], lang)
    original = row.get("original_status")
    if row["status"] == str(IssueStatus.DUPLICATE) and isinstance(original, str):
        return t("mine.duplicate_status", lang, status=status, id=str(row["duplicate_of"]),
                 original=status_text(original, lang))
    return status


__all__ = ["my_reports_page", "queue_page"]
