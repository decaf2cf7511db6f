"""The daily zero-report page (每日零报告), issue 12.

- A grid worker picks one of their micro-grids (the first one still missing today is
  preselected) and presses "nothing to report", or writes what there was and sends
  that: two clicks at most. A second report the same day is refused, naming the first.
- A commander sees the compliance map (each micro-grid green when it has reported
  today, red when not) and the micro-grids still missing, by village and grid, with
  each grid's and village's count. The command map's "今日零报告率" measure shows the
  same share per unit (:mod:`gridmap.command.measures`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Op, Session
from gridmap.domain import Level
from gridmap.i18n import t
from gridmap.maps import TileSource, base_map, unit_layer, units_at_level
from gridmap.store import StoreError
from gridmap.store.base import now
from gridmap.ui.issue import flash, refusal, show_flash
from gridmap.ui.text import fmt_datetime
from gridmap.workflow import WorkflowError, submit_zero_report, zero_report_status

PICK_KEY = "zero_micro"


def zero_report_page(session: Session, tiles: TileSource, lang: str) -> None:
    show_flash()
    today = now().date()
    status = zero_report_status(session, today)
    st.caption(t("zero.caption", lang, day=today.isoformat(), done=int(status["reported"].sum()), n=len(status)))
    if session.can(Op.SUBMIT_ZERO_REPORT):
        _submit_panel(session, status, lang)
    else:
        left, right = st.columns([3, 2])
        with left:
            _compliance_map(session, status, tiles, lang)
        with right:
            _missing(status, lang)


def _submit_panel(session: Session, status: pd.DataFrame, lang: str) -> None:
    if status.empty:
        st.info(t("zero.no_micro", lang), icon=":material/info:")
        return
    codes = status["micro_code"].tolist()
    missing = status.loc[~status["reported"], "micro_code"].tolist()
    names = {r["micro_code"]: t("zero.option", lang, micro=r["micro"], grid=r["grid"],
                                state=t("zero.done_at", lang, time=fmt_datetime(r["reported_at"]))
                                if r["reported"] else t("zero.not_yet", lang))
             for r in status.to_dict("records")}
    index = codes.index(missing[0]) if missing else 0
    micro = st.selectbox(t("zero.pick", lang), codes, index=index, key=PICK_KEY, format_func=names.__getitem__)
    row = status.set_index("micro_code").loc[micro]
    if bool(row["reported"]):
        st.success(t("zero.already_in", lang, time=fmt_datetime(row["reported_at"]), reporter=str(row["reporter"])),
                   icon=":material/check_circle:")
    if st.button(t("zero.nothing", lang), type="primary", key="zero_nothing", icon=":material/done_all:"):
        _send(session, str(micro), None, lang)
    with st.expander(t("zero.something", lang)):
        note = st.text_area(t("zero.items", lang), key="zero_note", height=100)
        if st.button(t("zero.send_items", lang), key="zero_send"):
            if not note.strip():
                st.error(t("zero.items_empty", lang), icon=":material/edit_note:")
            else:
                _send(session, str(micro), note, lang)
    st.dataframe(_table(status, lang), hide_index=True, width="stretch")


def _send(session: Session, micro: str, note: str | None, lang: str) -> None:
    try:
        submit_zero_report(session, micro, note=note)
    except (WorkflowError, StoreError) as exc:
        st.error(refusal(exc, lang), icon=":material/block:")
        return
    flash(t("zero.sent", lang, code=micro))
    st.rerun()


def _table(status: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("zero.col.village", lang): status["village"], t("zero.col.grid", lang): status["grid"],
        t("zero.col.micro", lang): status["micro"],
        t("zero.col.state", lang): [t("zero.done_at", lang, time=fmt_datetime(a)) if r else t("zero.not_yet", lang)
                                    for r, a in zip(status["reported"], status["reported_at"], strict=True)],
        t("zero.col.note", lang): [str(n) if isinstance(n, str) else "" for n in status["note"]],
    })


def _compliance_map(session: Session, status: pd.DataFrame, tiles: TileSource, lang: str) -> None:
    units = units_at_level(session, Level.MICRO, columns=["code", "name", "level"])
    if units.empty:
        return
    values = status.set_index("micro_code")["reported"].astype(float)
    minx, miny, maxx, maxy = (float(v) for v in units.total_bounds)
    from gridmap.command.view import fit_zoom

    fmap = base_map(((miny + maxy) / 2, (minx + maxx) / 2), zoom=fit_zoom((minx, miny, maxx, maxy), 700, 520),
                    tiles=tiles)
    layer = unit_layer(units, values=values.reindex(units["code"]).fillna(0.0), measure=t("zero.measure", lang),
                       scale="share", higher_is_worse=False, tiles=tiles, lang=lang, key="zerounits")
    st_folium(fmap, key="zero_map", height=520, use_container_width=True, feature_group_to_add=[layer],
              returned_objects=[])
    st.caption(t("zero.map_caption", lang))


def _missing(status: pd.DataFrame, lang: str) -> None:
    missing = status[~status["reported"]]
    st.markdown(f"**{t('zero.missing', lang, n=len(missing))}**")
    if missing.empty:
        st.success(t("zero.all_in", lang), icon=":material/celebration:")
        return
    by_village = status.groupby(["village_code", "village"], sort=True)["reported"].agg(["sum", "count"])
    by_grid = status.groupby(["grid_code", "grid"], sort=True)["reported"].agg(["sum", "count"])
    st.dataframe(pd.DataFrame({
        t("zero.col.village", lang): [v for _, v in by_village.index],
        t("zero.col.done", lang): [f"{int(s)}/{int(c)}" for s, c in by_village.to_numpy()],
    }), hide_index=True, width="stretch")
    st.dataframe(pd.DataFrame({
        t("zero.col.grid", lang): [g for _, g in by_grid.index],
        t("zero.col.done", lang): [f"{int(s)}/{int(c)}" for s, c in by_grid.to_numpy()],
    }), hide_index=True, width="stretch")
    st.dataframe(pd.DataFrame({
        t("zero.col.village", lang): missing["village"], t("zero.col.grid", lang): missing["grid"],
        t("zero.col.micro", lang): missing["micro"], t("zero.col.code", lang): missing["micro_code"],
    }), hide_index=True, width="stretch", key="zero_missing_table")


__all__ = ["zero_report_page"]
