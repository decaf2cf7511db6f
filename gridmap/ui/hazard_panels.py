"""The hazard page's side panels: places due for a visit, recurring hazards, the route, rankings.

- :func:`cycle_panel` -- places not inspected within their cycle (a list; the map
  shows them in the 巡查周期 view) and hazards that came back after rectification.
- :func:`cycle_layers` -- the overdue places as a map layer.
- :func:`route_panel` -- a shortlist of open or overdue places (of the current filter,
  or of the hot cells), ordered into a walking route by :mod:`gridmap.hotspots`'
  route library, drawn on the map, exported as CSV and GPX.
- :func:`ranking_panel` -- units ranked by hazards per 100 households, rectification
  rate and overdue count, with the method in words; CSV and XLSX.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.access import Session, level_of_code
from gridmap.domain import HAZARD_LIFECYCLE, Level, code_prefix
from gridmap.hazards import DEFAULT_RECURRING_DAYS, SAME_PLACE_M, overdue_places, parse_cycles, recurring
from gridmap.hazards.layers import place_layer, route_layer
from gridmap.hotspots import (
    RANK_BY,
    describe_ranking,
    describe_route,
    rank_units,
    walking_route,
    write_csv,
    write_gpx,
    write_xlsx,
)
from gridmap.i18n import label, t
from gridmap.maps import TileSource
from gridmap.maps.lod import units_at_level
from gridmap.settings import get_settings
from gridmap.text import escape_markdown
from gridmap.ui.hazards import ROUTE_KEY, HazardData, generation
from gridmap.ui.text import fmt_datetime
from gridmap.workflow.clock import hazard_overdue

ROUTE_MAX_STOPS = 200
ROUTE_PROBLEM_KEY = "hz_route_problem"


def cycles(lang: str) -> dict[str, int]:
    """The cycle per place type (``GRIDMAP_INSPECTION_CYCLES`` over the defaults); bad entries named."""
    table, problems = parse_cycles(get_settings().inspection_cycles)
    for problem in problems:
        st.warning(t(problem.key, lang, entry=escape_markdown(problem.entry)), icon=":material/settings:")
    return table


@st.cache_data(max_entries=16, ttl=120, show_spinner=False)
def _overdue_places(cache_key: str, generation: int, _rows: gpd.GeoDataFrame, day: dt.date,
                    cycle_items: tuple[tuple[str, int], ...]) -> gpd.GeoDataFrame:
    return overdue_places(_rows, dt.datetime.combine(day, dt.time(23, 59)), cycles=dict(cycle_items))


def due_places(cache_key: str, generation: int, data: HazardData, now: dt.datetime,
               table: dict[str, int]) -> gpd.GeoDataFrame:
    """Places overdue for a visit, among every inspection of the jurisdiction (all time)."""
    return _overdue_places(cache_key, generation, data.inspections, now.date(), tuple(sorted(table.items())))


def cycle_layers(due: gpd.GeoDataFrame, tiles: TileSource, lang: str) -> list[folium.FeatureGroup]:
    """Places overdue for a visit, as purple dots with their place type and days over."""
    shown = due.assign(
        kind=[label("place", str(p), lang) for p in due["place_type"]],
        last=[fmt_datetime(str(v))[:10] for v in due["last_visit"]],
        over=[str(int(v)) for v in due["days_over"]])
    return [place_layer(shown, tiles=tiles, name=t("hazards.view.cycle", lang), key="hzplaces",
                        tooltip=[("kind", t("hazards.cycle.col.place", lang)),
                                 ("last", t("hazards.cycle.col.last", lang)),
                                 ("over", t("hazards.cycle.col.over", lang))],
                        legend_text=t("hazards.cycle.legend", lang))]


@st.cache_data(max_entries=16, ttl=120, show_spinner=False)
def _recurring(cache_key: str, generation: int, days: int, _rows: gpd.GeoDataFrame) -> pd.DataFrame:
    return recurring(_rows, days=days)


def cycle_panel(session: Session, due: gpd.GeoDataFrame, data: HazardData, table: dict[str, int],
                lang: str) -> None:
    """The overdue places, and recurring hazards within N days of rectification."""
    st.caption(t("hazards.cycle.method", lang, radius=int(SAME_PLACE_M),
                 cycles="、".join(f"{label('place', p, lang)} {d}" for p, d in table.items())))
    st.markdown(f"**{t('hazards.cycle.title', lang, n=len(due))}**")
    if due.empty:
        st.caption(t("hazards.cycle.none", lang))
    else:
        st.dataframe(pd.DataFrame({
            t("hazards.cycle.col.place", lang): [label("place", str(p), lang) for p in due["place_type"]],
            t("hazards.cycle.col.address", lang): [str(a) if isinstance(a, str) else "—" for a in due["address"]],
            t("hazards.cycle.col.micro", lang): [data.unit_name(str(c)) if isinstance(c, str) else "—"
                                                 for c in due["micro_code"]],
            t("hazards.cycle.col.last", lang): [fmt_datetime(str(v))[:10] for v in due["last_visit"]],
            t("hazards.cycle.col.cycle", lang): due["cycle_days"].astype(int).tolist(),
            t("hazards.cycle.col.over", lang): due["days_over"].astype(int).tolist(),
        }), hide_index=True, width="stretch", height=min(360, 38 + 35 * len(due)))
    days = int(st.number_input(t("hazards.recurring.days", lang), min_value=1, max_value=3650,
                               value=DEFAULT_RECURRING_DAYS, step=1, key="hz_recurring_days"))
    again = _recurring(session.cache_key(), generation(), days, data.inspections)
    st.markdown(f"**{t('hazards.recurring.title', lang, n=len(again), days=days)}**")
    st.caption(t("hazards.recurring.method", lang, radius=int(SAME_PLACE_M), days=days))
    if not again.empty:
        st.dataframe(pd.DataFrame({
            t("hazards.recurring.col.earlier", lang): again["earlier_id"],
            t("hazards.recurring.col.rectified", lang): [fmt_datetime(str(v))[:16] for v in again["rectified_at"]],
            t("hazards.recurring.col.later", lang): again["later_id"],
            t("hazards.recurring.col.found", lang): [fmt_datetime(str(v))[:16] for v in again["found_at"]],
            t("hazards.recurring.col.days", lang): [round(float(v), 1) for v in again["days_after"]],
        }), hide_index=True, width="stretch", height=min(300, 38 + 35 * len(again)))


# --------------------------------------------------------------------------- route


def shortlist(rows: gpd.GeoDataFrame, now: dt.datetime, hot_codes: set[str] | None = None,
              hot_cells: set[str] | None = None, resolution: int | None = None) -> gpd.GeoDataFrame:
    """The open or overdue hazards of the filter (of the hot units or cells, when given)."""
    if rows.empty:
        return rows
    keep = rows["status"].astype(str).isin(HAZARD_LIFECYCLE.open) | hazard_overdue(rows, now)
    picked = rows[keep.to_numpy()]
    if hot_codes is not None:
        picked = picked[picked["micro_code"].astype(str).isin(hot_codes).to_numpy()]
    if hot_cells is not None and resolution is not None:
        from gridmap.hotspots import h3_cells

        cells = h3_cells(picked, resolution)
        picked = picked[pd.Series(cells, index=picked.index).isin(hot_cells).to_numpy()]
    return picked


def route_panel(rows: gpd.GeoDataFrame, data: HazardData, now: dt.datetime, lang: str,
                hot: dict[str, Any] | None) -> None:
    """Pick a shortlist, order it (:func:`gridmap.hotspots.walking_route`), offer CSV and GPX."""
    sources = ["filter", *(["hot"] if hot else [])]
    if st.session_state.get("hz_route_source") not in sources:
        st.session_state["hz_route_source"] = "filter"
    source = st.radio(t("hazards.route.source", lang), sources, key="hz_route_source", horizontal=True,
                      format_func=lambda s: t(f"hazards.route.source.{s}", lang))
    limit = int(st.number_input(t("hazards.route.limit", lang), min_value=2, max_value=ROUTE_MAX_STOPS, value=30,
                                step=1, key="hz_route_limit"))
    if source == "hot" and hot:
        picked = shortlist(rows, now, hot.get("codes"), hot.get("cells"), hot.get("resolution"))
    else:
        picked = shortlist(rows, now)
    st.caption(t("hazards.route.shortlist", lang, n=len(picked), limit=limit))
    # A callback: the route exists before the map is drawn in the same run (no second rerun,
    # which would also put the tabs back on the first one).
    st.button(t("hazards.route.make", lang), key="hz_route_make", icon=":material/route:",
              disabled=len(picked) < 2, on_click=_make_route, args=(picked, limit))
    problem = st.session_state.pop(ROUTE_PROBLEM_KEY, None)
    if problem:
        st.error(t("hazards.stats_refused", lang, detail=escape_markdown(problem)), icon=":material/error:")
    plan = st.session_state.get(ROUTE_KEY)
    if plan is None:
        return
    ordered = plan.frame
    st.markdown(t("hazards.route.summary", lang, n=len(ordered), km=f"{plan.length_m / 1000:.2f}"))
    st.caption(describe_route(plan, lang) + " " + t("hazards.route.method", lang))
    table = pd.DataFrame({
        t("hazards.route.col.order", lang): ordered["stop"].astype(int).tolist(),
        t("hazards.route.col.id", lang): ordered["id"].astype(str).tolist(),
        t("hazards.route.col.status", lang): [label("hazard_status", str(s), lang) for s in ordered["status"]],
        t("hazards.route.col.place", lang): [label("place", str(p), lang) for p in ordered["place_type"]],
        t("hazards.route.col.leg", lang): [round(float(v)) for v in ordered["leg_m"]],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=min(300, 38 + 35 * len(table)))
    csv_table = table.assign(**{t("hazards.route.col.lon", lang): [round(g.x, 7) for g in ordered.geometry],
                                t("hazards.route.col.lat", lang): [round(g.y, 7) for g in ordered.geometry]})
    c1, c2 = st.columns(2)
    c1.download_button(t("hazards.route.csv", lang), _file_bytes(lambda path: write_csv(csv_table, path), ".csv"),
                       file_name="route.csv", mime="text/csv", key="hz_route_csv", icon=":material/download:")
    gpx = _file_bytes(lambda path: write_gpx(plan, path, name=t("hazards.route.gpx_name", lang),
                                             stop_name=lambda r: _stop_name(r, lang)), ".gpx")
    c2.download_button(t("hazards.route.gpx", lang), gpx, file_name="route.gpx", mime="application/gpx+xml",
                       key="hz_route_gpx", icon=":material/download:")
    st.button(t("hazards.route.clear", lang), key="hz_route_clear",
              on_click=lambda: st.session_state.pop(ROUTE_KEY, None))


def _make_route(picked: gpd.GeoDataFrame, limit: int) -> None:
    try:
        st.session_state[ROUTE_KEY] = walking_route(_stops(picked, limit))
    except ValueError as exc:
        st.session_state[ROUTE_PROBLEM_KEY] = str(exc)


def _stop_name(row: pd.Series, lang: str) -> str:
    types = row.get("hazard_types")
    names = "、".join(label("hazard", str(h), lang) for h in (types if isinstance(types, list | tuple) else []))
    return f"{int(row['stop'])}. {label('hazard_status', str(row['status']), lang)} {names} ({row['id']})"


def _file_bytes(write: Callable[[Path], Any], suffix: str) -> bytes:
    """What a file writer of :mod:`gridmap.hotspots` writes, as bytes for a download button."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out{suffix}"
        write(path)
        return path.read_bytes()


def _stops(picked: gpd.GeoDataFrame, limit: int) -> gpd.GeoDataFrame:
    """The most urgent ``limit`` hazards of the shortlist: overdue first, then the oldest."""
    frame = picked.assign(_late=(picked["status"].astype(str) == "overdue"))
    frame = frame.sort_values(["_late", "found_at", "id"], ascending=[False, True, True]).head(limit)
    return frame.drop(columns="_late")


def route_layers(tiles: TileSource, lang: str) -> list[folium.FeatureGroup]:
    """The route of this session, when one was made."""
    plan = st.session_state.get(ROUTE_KEY)
    if plan is None:
        return []
    return [route_layer(plan.frame, tiles=tiles, name=t("hazards.route.layer", lang), key="hzroute",
                        legend_text=t("hazards.route.legend", lang))]


# --------------------------------------------------------------------------- rankings


def ranking_panel(session: Session, data: HazardData, rows: gpd.GeoDataFrame, now: dt.datetime, level: Level,
                  focus: str, lang: str) -> None:
    """Units one level below the selection ranked (:func:`gridmap.hotspots.rank_units`), CSV and XLSX."""
    see = data.households is not None
    choices = list(RANK_BY) if see else [b for b in RANK_BY if b not in ("rate", "rate_eb")]
    if st.session_state.get("hz_rank_by") not in choices:
        st.session_state["hz_rank_by"] = choices[0]
    by = str(st.selectbox(t("hazards.rank.by", lang), choices, key="hz_rank_by",
                          format_func=lambda b: t(f"hotspots.rank_by.{b}", lang)))
    units = units_at_level(session, level, columns=["code", "name", *(["households"] if see else [])])
    focus_level = level_of_code(focus)
    if focus_level != Level.COUNTY:
        units = units[units["code"].astype(str).str.startswith(code_prefix(focus, focus_level))]
    if units.empty:
        st.info(t("hazards.hot.no_units", lang), icon=":material/info:")
        return
    if not see:
        units = units.assign(households=0)
    result = rank_units(units, rows, now=now, by=by)
    st.caption(describe_ranking(result.method, lang) if see else t("hazards.rank.no_households", lang))
    columns = ["rank", "name", *(["households", "rate", "rate_eb"] if see else []), "hazards", "rectified",
               "rectification_rate", "open", "overdue"]
    frame = pd.DataFrame(result.frame.drop(columns="geometry", errors="ignore"))[columns]
    headers = [t(f"hazards.rank.col.{c}", lang) for c in columns]
    shown = frame.copy()
    for c in ("rate", "rate_eb", "rectification_rate"):
        if c in shown.columns:
            shown[c] = [None if pd.isna(v) else round(float(v), 1) for v in shown[c]]
    shown.columns = headers
    st.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
    c1, c2 = st.columns(2)
    c1.download_button(t("hazards.rank.csv", lang), _file_bytes(lambda p: write_csv(shown, p), ".csv"),
                       file_name="hazard_ranking.csv", mime="text/csv", key="hz_rank_csv",
                       icon=":material/download:")
    c2.download_button(t("hazards.rank.xlsx", lang),
                       _file_bytes(lambda p: write_xlsx(frame, p, sheet=t("hazards.tab.rank", lang),
                                                        headers=headers), ".xlsx"),
                       file_name="hazard_ranking.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="hz_rank_xlsx",
                       icon=":material/download:")


__all__ = ["cycle_layers", "cycle_panel", "cycles", "due_places", "ranking_panel", "route_layers", "route_panel",
           "shortlist"]
