"""The stations page's published results tab (督查结果公示): per town for a period, open
stations, stations visited, visits, visits flagged far, checklist items passed, follow-ups
(:func:`gridmap.stations.town_results`), and the same table as CSV."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gridmap.i18n import t
from gridmap.io import table_csv
from gridmap.stations import town_results
from gridmap.ui.stations import Stations


def results_panel(data: Stations, lang: str) -> None:
    """The visit results per town for a period, and a CSV download of the same table."""
    session = data.session
    c1, c2 = st.columns(2)
    since = c1.text_input(t("stations.results.since", lang), (data.today - dt.timedelta(days=90)).isoformat(),
                          key="st_res_since")
    until = c2.text_input(t("stations.results.until", lang), data.today.isoformat(), key="st_res_until")
    try:
        first, last = dt.date.fromisoformat(since.strip()), dt.date.fromisoformat(until.strip())
    except ValueError:
        st.error(t("stations.results.bad_dates", lang, since=since, until=until))
        return
    towns = session.read("units", where={"level": "town", "plan_version": session.current_plan()},
                         columns=["code", "name"])
    scope_towns = {str(c): str(n) for c, n in zip(towns["code"], towns["name"], strict=True)}
    if not scope_towns and session.scope.unit_code:
        scope_towns = {session.scope.unit_code[:9] + "000": session.scope.unit_code}
    table = town_results(data.visits, data.stations, scope_towns, since=first, until=last)
    shown = pd.DataFrame({
        t("stations.results.town", lang): table["town"],
        t("stations.results.stations", lang): table["stations"],
        t("stations.results.visited", lang): table["visited"],
        t("stations.results.visits", lang): table["visits"],
        t("stations.results.far", lang): table["far"],
        t("stations.results.passed", lang): (table["passed_share"] * 100).round(1),
        t("stations.results.follow_ups", lang): table["follow_ups"],
    })
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(t("stations.results.download", lang), table_csv(shown),
                       file_name=f"station-visits-{first}-{last}.csv", mime="text/csv", key="st_res_csv",
                       on_click="ignore")

__all__ = ["results_panel"]
