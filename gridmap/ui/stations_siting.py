"""The stations page's siting tab (选址建议): k new sites of one type among candidates from the
clusters of uncovered households (:mod:`gridmap.stations.siting`: spopt's MCLP or the greedy
maximal covering), with the coverage before and after and the sites on a map."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gridmap.domain import TEMPORARY_STATIONS, StationType
from gridmap.i18n import label, t
from gridmap.maps.stations import (
    NEWLY_COVERED_COLOUR,
    UNCOVERED_COLOUR,
    frame_of,
    household_layer,
    site_layer,
)
from gridmap.maps.tiles import TileSource
from gridmap.spatial.crs import metric_transformer
from gridmap.stations import (
    candidate_sites,
    household_coverage,
    metric_xy,
    parse_candidates,
    suggest_sites,
    walk_distance,
)
from gridmap.ui.stations import MAX_DOTS, Stations, households_in_view, small_map
from gridmap.ui.text import fmt_count
from gridmap.workflow.errors import BadInput

SITING_KEY = "st_siting"


def siting_panel(data: Stations, tiles: TileSource, lang: str) -> None:
    """Suggest k new sites for one station type among candidates given by the user or, by
    default, generated from the clusters of uncovered households."""
    households = households_in_view(data.session)
    if households is None or households.empty:
        st.caption(t("stations.coverage.no_households", lang))
        return
    st.caption(t("stations.siting.caption", lang))
    kinds = [str(k) for k in StationType if k not in TEMPORARY_STATIONS]
    with st.form("st_siting_form"):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(t("stations.field.station_type", lang), kinds, format_func=lambda k: label("station", k, lang),
                            key="st_site_type")
        k = int(c2.number_input(t("stations.siting.k", lang), 1, 50, 5, key="st_site_k"))
        method = c3.selectbox(t("stations.siting.method", lang), ["mclp", "greedy"],
                              format_func=lambda m: t(f"stations.siting.method.{m}", lang), key="st_site_method")
        typed = st.text_area(t("stations.siting.given", lang), key="st_site_given", height=90,
                             placeholder=t("stations.siting.given_hint", lang))
        go = st.form_submit_button(t("stations.siting.run", lang), type="primary")
    if go:
        try:
            given = parse_candidates(typed)
        except BadInput as exc:
            st.error(exc.text(lang))
            return
        cover = household_coverage(households, data.open_stations)
        reach = walk_distance(kind)
        crs = cover.crs
        xy = metric_xy(households, crs)
        uncovered = xy[~cover.covered]
        if len(given):
            gx, gy = metric_transformer("EPSG:4326", crs).transform(given[:, 0], given[:, 1])
            sites = np.column_stack([np.asarray(gx, dtype=float), np.asarray(gy, dtype=float)])
        else:
            sites = candidate_sites(uncovered, reach)
        result = suggest_sites(uncovered, sites, reach, k, method=method)  # type: ignore[arg-type]
        lon, lat = metric_transformer(crs, "EPSG:4326").transform(sites[result.chosen, 0], sites[result.chosen, 1]) \
            if result.chosen else (np.empty(0), np.empty(0))
        st.session_state[SITING_KEY] = {
            "key": data.session.scope.prefix, "kind": kind, "k": k, "households": len(households),
            "before": int(cover.covered.sum()), "gained": result.total_gained, "method": result.method,
            "optimal": result.optimal, "seconds": result.seconds, "candidates": len(sites), "given": len(given),
            "sites": np.column_stack([np.asarray(lon), np.asarray(lat)]), "ranked_gain": result.gained,
            "uncovered_ids": households["id"].to_numpy()[~cover.covered],
            "newly": result.covered_after,
        }
    found = st.session_state.get(SITING_KEY)
    if not found or found["key"] != data.session.scope.prefix:
        return
    total = found["households"]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("stations.siting.before", lang), f"{found['before'] / total:.1%}")
    c2.metric(t("stations.siting.after", lang), f"{(found['before'] + found['gained']) / total:.1%}",
              delta=f"+{fmt_count(found['gained'])}")
    c3.metric(t("stations.siting.sites", lang), fmt_count(len(found["sites"])))
    st.caption(t("stations.siting.how", lang, method=t(f"stations.siting.method.{found['method']}", lang),
                 n=fmt_count(found["candidates"]), s=f"{found['seconds']:.1f}",
                 optimal=t("stations.yes" if found["optimal"] else "stations.no", lang)))
    if found["given"]:
        st.caption(t("stations.siting.from_given", lang, n=fmt_count(found["given"])))
    sites = frame_of(found["sites"], rank=np.arange(1, len(found["sites"]) + 1), gained=found["ranked_gain"])
    uncovered = households.set_index("id").loc[found["uncovered_ids"]].reset_index()
    newly = uncovered[found["newly"]]
    still = uncovered[~found["newly"]]
    still = still if len(still) <= MAX_DOTS else still.sample(MAX_DOTS, random_state=1)
    small_map(data, tiles, [household_layer(still, tiles=tiles, colour=UNCOVERED_COLOUR, key="stilluncovered",
                                             name=t("stations.coverage.uncovered", lang)),
                             household_layer(newly, tiles=tiles, colour=NEWLY_COVERED_COLOUR, key="newlycovered",
                                             name=t("stations.siting.newly", lang)),
                             site_layer(sites, tiles=tiles, lang=lang)], "st_site_map")


__all__ = ["SITING_KEY", "siting_panel"]
