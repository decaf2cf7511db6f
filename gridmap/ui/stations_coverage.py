"""The stations page's coverage tab (服务覆盖): households within the walking distance of an
open station of each type (straight lines in the metric CRS, :mod:`gridmap.stations.coverage`),
the share per village, grid or town, and a map of the uncovered households."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from gridmap.i18n import label, t
from gridmap.maps.stations import household_layer, visit_age_layer
from gridmap.maps.tiles import TileSource
from gridmap.stations import household_coverage, unit_coverage, walk_distance
from gridmap.ui.stations import MAX_DOTS, Stations, households_in_view, small_map, unit_names, with_age
from gridmap.ui.text import fmt_count


def coverage_panel(data: Stations, tiles: TileSource, lang: str) -> None:
    """Households within walking distance of the open stations, per type and of any (or one
    chosen) type; per-unit share; the uncovered households on a map."""
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
    present = by_type_table(data, cover.by_type, len(households), lang)
    kind = st.selectbox(t("stations.coverage.kind", lang), [None, *present], key="st_cov_kind",
                        format_func=lambda k: t("stations.coverage.any", lang) if k is None else label("station", k, lang))
    covered = cover.covered if kind is None else cover.by_type[kind]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("stations.coverage.households", lang), fmt_count(len(households)))
    c2.metric(t("stations.coverage.covered", lang), fmt_count(int(covered.sum())))
    c3.metric(t("stations.coverage.share", lang), f"{covered.mean():.1%}")
    level = st.selectbox(t("stations.coverage.level", lang), ["village_code", "grid_code", "town_code"],
                         format_func=lambda c: label("level", c.removesuffix("_code"), lang), key="st_cov_level")
    per_unit = unit_coverage(households, covered, level)
    names = unit_names(data.session)
    st.dataframe(pd.DataFrame({
        t("stations.col.unit", lang): per_unit["code"].map(lambda c: names.get(str(c), str(c))),
        t("stations.coverage.households", lang): per_unit["households"],
        t("stations.coverage.covered", lang): per_unit["covered"],
        t("stations.coverage.share", lang): (per_unit["share"] * 100).round(1),
    }).sort_values(t("stations.coverage.share", lang)), hide_index=True, width="stretch")
    uncovered = households[~covered]
    shown = uncovered if len(uncovered) <= MAX_DOTS else uncovered.sample(MAX_DOTS, random_state=1)
    if len(shown) < len(uncovered):
        st.caption(t("stations.coverage.sampled", lang, n=fmt_count(len(shown)), total=fmt_count(len(uncovered))))
    small_map(data, tiles, [household_layer(shown, tiles=tiles, name=t("stations.coverage.uncovered", lang),
                                             key="uncovered",
                                             legend_text=t("stations.coverage.uncovered_dot", lang)),
                             visit_age_layer(with_age(data.open_stations, data, lang), tiles=tiles, lang=lang,
                                             key="covstations")], "st_cov_map")


def by_type_table(data: Stations, by_type: Mapping[str, np.ndarray], households: int, lang: str) -> list[str]:
    """The households within walking distance of each station type (the types with open
    stations, in :class:`~gridmap.domain.StationType` order) as a table; those types."""
    kinds = data.open_stations["station_type"].astype(str).value_counts()
    present = [k for k in by_type if k in kinds.index]
    if not present:
        return []
    st.dataframe(pd.DataFrame({
        t("stations.field.station_type", lang): [label("station", k, lang) for k in present],
        t("stations.coverage.walk", lang): [round(walk_distance(k)) for k in present],
        t("stations.coverage.stations", lang): [int(kinds[k]) for k in present],
        t("stations.coverage.covered", lang): [int(by_type[k].sum()) for k in present],
        t("stations.coverage.share", lang): [round(float(by_type[k].mean()) * 100, 1) if households else 0.0
                                             for k in present],
    }), hide_index=True, width="stretch")
    return present


__all__ = ["by_type_table", "coverage_panel"]
