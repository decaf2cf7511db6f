"""The stations page's coverage tab (服务覆盖): households within the walking distance of an
open station of each type (straight lines in the metric CRS, :mod:`gridmap.stations.coverage`),
the share per village, grid or town, and a map of the uncovered households."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gridmap.i18n import label, t
from gridmap.maps.stations import household_layer, visit_age_layer
from gridmap.maps.tiles import TileSource
from gridmap.stations import household_coverage, unit_coverage, walk_distance
from gridmap.ui.stations import MAX_DOTS, Stations, households_in_view, small_map, unit_names, with_age
from gridmap.ui.text import fmt_count


def coverage_panel(data: Stations, tiles: TileSource, lang: str) -> None:
    """Households within walking distance of the open stations; per-unit share; uncovered map."""
    households = households_in_view(data.session)
    if households is None:
        st.caption(t("stations.coverage.no_households", lang))
        return
    if households.empty:
        st.info(t("stations.coverage.empty", lang), icon=":material/info:")
        return
    cover = household_coverage(households, data.open_stations)
    walk = ", ".join(f"{label('station', k, lang)} {walk_distance(k):,.0f} m" for k in
                     sorted(set(data.open_stations["station_type"].astype(str))))
    st.caption(t("stations.coverage.caption", lang, walk=walk or "—"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("stations.coverage.households", lang), fmt_count(len(households)))
    c2.metric(t("stations.coverage.covered", lang), fmt_count(int(cover.covered.sum())))
    c3.metric(t("stations.coverage.share", lang), f"{cover.share:.1%}")
    level = st.selectbox(t("stations.coverage.level", lang), ["village_code", "grid_code", "town_code"],
                         format_func=lambda c: label("level", c.removesuffix("_code"), lang), key="st_cov_level")
    per_unit = unit_coverage(households, cover.covered, level)
    names = unit_names(data.session)
    st.dataframe(pd.DataFrame({
        t("stations.col.unit", lang): per_unit["code"].map(lambda c: names.get(str(c), str(c))),
        t("stations.coverage.households", lang): per_unit["households"],
        t("stations.coverage.covered", lang): per_unit["covered"],
        t("stations.coverage.share", lang): (per_unit["share"] * 100).round(1),
    }).sort_values(t("stations.coverage.share", lang)), hide_index=True, width="stretch")
    uncovered = households[~cover.covered]
    shown = uncovered if len(uncovered) <= MAX_DOTS else uncovered.sample(MAX_DOTS, random_state=1)
    if len(shown) < len(uncovered):
        st.caption(t("stations.coverage.sampled", lang, n=fmt_count(len(shown)), total=fmt_count(len(uncovered))))
    small_map(data, tiles, [household_layer(shown, tiles=tiles, name=t("stations.coverage.uncovered", lang),
                                             key="uncovered",
                                             legend_text=t("stations.coverage.uncovered_dot", lang)),
                             visit_age_layer(with_age(data.open_stations, data, lang), tiles=tiles, lang=lang,
                                             key="covstations")], "st_cov_map")


__all__ = ["coverage_panel"]
