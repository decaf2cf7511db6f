"""The command map's Streamlit parts: filters, breadcrumb, KPI row, and the live map.

The live part is one fragment (:func:`live_panel`) that reruns every
``GRIDMAP_LIVE_SECONDS`` (default 30): it refreshes the shared snapshot, redraws the
KPIs and sends new feature groups to the SAME map component. The base map is built
from the user's home unit only, so it never changes and the iframe never remounts:
the user's zoom and pan survive every tick.

Caches are shared by all sessions, so every cached function takes
:meth:`gridmap.access.Session.cache_key` (store, scope, role, department: everything
that decides what the session may read) as a parameter (``st.cache_resource`` hashes
it; arguments starting with ``_`` are not hashed and never decide what is returned).
Two sessions share a cached snapshot only when the store would give both the same rows.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Session
from gridmap.command import (
    MEASURES,
    Filters,
    Kpis,
    Snapshot,
    available_measures,
    data_now,
    kpis,
    load_snapshot,
    new_since,
    refresh_snapshot,
    unit_measure,
)
from gridmap.command.ranking import ranking
from gridmap.command.view import MapView, ViewPoints, build_view, fit_zoom, load_points, unit_at
from gridmap.domain import CATEGORIES, HazardStatus, HazardType, IssueStatus, Level, StationType, beijing_now
from gridmap.i18n import label, t
from gridmap.maps import AssetsMissing, TileSource, base_map, bounded, from_display
from gridmap.settings import get_settings
from gridmap.store import StoreError
from gridmap.text import escape_markdown
from gridmap.ui import since
from gridmap.ui.auth import still_signed_in
from gridmap.ui.context import cached_store, show_store_error
from gridmap.ui.period import period_picker
from gridmap.ui.text import fmt_count, fmt_datetime

UNIT_KEY = "cmd_unit"
CLICK_KEY = "cmd_last_click"
SEEN_KEY = "cmd_seen"
MAP_KEY = "cmd_map"
MAP_HEIGHT = 620
RANKING_MAX_PX = 420  # taller rankings scroll inside the table: every unit is there
# What the map sends back. The layer-click count makes a second click on the same spot
# a new value (the component sends only values that differ from the last one it sent).
RETURNED = ["last_active_drawing", "last_clicked", "last_object_clicked_count"]


def live_seconds() -> int:
    """The live refresh interval: ``GRIDMAP_LIVE_SECONDS`` (a positive number), default 30."""
    return get_settings().live_seconds


# --------------------------------------------------------------------------- shared caches


@dataclass
class _Shared:
    """One jurisdiction's snapshot, refreshed by whichever session ticks first."""

    snapshot: Snapshot
    version: int = 0
    refreshed: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(max_entries=32, ttl=6 * 3600, show_spinner=False)
def _shared(cache_key: str, _session: Session) -> _Shared:
    """The snapshot of everyone whose :meth:`~gridmap.access.Session.cache_key` is ``cache_key``."""
    return _Shared(load_snapshot(_session))


def shared_snapshot(session: Session, interval: int) -> tuple[Snapshot, int]:
    """The jurisdiction's snapshot, refreshed at most once per ``interval`` seconds, and at
    once when another plan has come into force."""
    shared = _shared(session.cache_key(), session)
    # A newly published plan is shown at once, not at the next tick.
    due = time.monotonic() - shared.refreshed >= interval or shared.snapshot.plan_version != session.current_plan()
    if due and shared.lock.acquire(blocking=False):
        try:
            shared.snapshot = refresh_snapshot(session, shared.snapshot)
            shared.version += 1
            shared.refreshed = time.monotonic()
        finally:
            shared.lock.release()
    return shared.snapshot, shared.version


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _points(cache_key: str, code: str, version: int, _session: Session, _snapshot: Snapshot) -> ViewPoints:
    return load_points(_session, _snapshot, code)


def warm_snapshot(session: Session) -> None:
    """Put ``session``'s snapshot and its home unit's points into the shared caches.

    The start-up warm-up (:mod:`gridmap.ui.warm`) calls it for each commander, so the
    first commander after a server start finds both cached under their own
    :meth:`~gridmap.access.Session.cache_key`, exactly where :func:`shared_snapshot`
    and the live panel look.
    """
    shared = _shared(session.cache_key(), session)
    _points(session.cache_key(), shared.snapshot.home_code, shared.version, session, shared.snapshot)


# --------------------------------------------------------------------------- widgets


def filters_form(lang: str, now: dt.datetime) -> Filters:
    """The filter widgets, in an expander; returns the filters they describe."""
    today = now.date()
    with st.expander(t("command.filters", lang), expanded=False, icon=":material/filter_alt:"):
        c1, c2, c3 = st.columns(3)
        # Not st.date_input: its calendar speaks English ("Date range", "Select...") in any language.
        date_from, date_to = period_picker(t("command.dates", lang), "cmd_dates", lang, today, c1)
        categories = c2.multiselect(t("command.categories", lang), list(CATEGORIES), key="cmd_categories",
                                    format_func=lambda c: label("category", c, lang),
                                    placeholder=t("command.all", lang), select_all=False)
        issue_statuses = c3.multiselect(t("command.issue_statuses", lang), [s.value for s in IssueStatus],
                                        key="cmd_issue_statuses", placeholder=t("command.all", lang), select_all=False,
                                        format_func=lambda s: label("issue_status", s, lang))
        c4, c5, c6 = st.columns(3)
        hazard_types = c4.multiselect(t("command.hazard_types", lang), [h.value for h in HazardType],
                                      key="cmd_hazard_types", placeholder=t("command.all", lang), select_all=False,
                                      format_func=lambda h: label("hazard", h, lang))
        hazard_statuses = c5.multiselect(t("command.hazard_statuses", lang), [s.value for s in HazardStatus],
                                         key="cmd_hazard_statuses", placeholder=t("command.all", lang), select_all=False,
                                         format_func=lambda s: label("hazard_status", s, lang))
        station_types = c6.multiselect(t("command.station_types", lang), [s.value for s in StationType],
                                       key="cmd_station_types", placeholder=t("command.all", lang), select_all=False,
                                       format_func=lambda s: label("station", s, lang))
    filters = Filters(date_from=date_from, date_to=date_to, categories=tuple(categories) or None,
                      issue_statuses=tuple(issue_statuses) or None, hazard_types=tuple(hazard_types) or None,
                      hazard_statuses=tuple(hazard_statuses) or None,
                      station_types=tuple(station_types) or None)
    return filters


def measure_picker(snapshot: Snapshot, lang: str) -> str:
    """The measure the units are coloured by."""
    names = [m for m in MEASURES if m in available_measures(snapshot)]
    return str(st.selectbox(t("measure.label", lang), names, key="cmd_measure",
                            index=names.index("open_issues") if "open_issues" in names else 0,
                            format_func=lambda m: t(f"measure.{m}", lang)))


def selected_unit(snapshot: Snapshot) -> str:
    """The unit the user looks at (their home unit until they drill down)."""
    code = st.session_state.get(UNIT_KEY)
    if not isinstance(code, str) or code not in snapshot.units.index:
        code = snapshot.home_code
        st.session_state[UNIT_KEY] = code
    return code


def breadcrumb(snapshot: Snapshot, code: str, lang: str) -> None:
    """Buttons from the home unit down to the selection; a click goes back up.

    The buttons sit in one wrapping row, each as wide as its name: long village names
    ("严处村第1网格") are never cut.
    """
    path = _path(snapshot, code)
    row = st.container(horizontal=True, wrap=True, gap="small", vertical_alignment="center")
    for i, (unit_code, name) in enumerate(path):
        last = i == len(path) - 1
        label_text = f"{name} ›" if not last else name
        if row.button(escape_markdown(label_text), key=f"crumb_{unit_code}", disabled=last,
                      type="tertiary" if not last else "secondary", width="content"):
            st.session_state[UNIT_KEY] = unit_code
            st.rerun()


def _path(snapshot: Snapshot, code: str) -> list[tuple[str, str]]:
    units = snapshot.units
    path: list[tuple[str, str]] = []
    current: str | None = code
    home = snapshot.home_code
    while current is not None and current in units.index:
        path.append((current, str(units.at[current, "name"])))
        if current == home:
            break
        parent = units.at[current, "parent_code"]
        current = parent if isinstance(parent, str) else None
    return path[::-1]


def kpi_row(k: Kpis, lang: str) -> None:
    """The headline numbers of the selection: tiles as wide as their label and value, in a
    row that wraps on a narrow screen, so nothing is cut ("今日零报告率", "100.0%")."""
    rate = "—" if k.closure_rate is None else f"{k.closure_rate:.1%}"
    zero = "—" if k.zero_report_rate is None else f"{k.zero_report_rate:.1%}"
    first = [("kpi.open_issues", fmt_count(k.open_issues)), ("kpi.overdue_issues", fmt_count(k.overdue_issues)),
             ("kpi.closed_today", fmt_count(k.closed_today)), ("kpi.closure_rate", rate),
             ("kpi.hazards_found", fmt_count(k.hazards_found)),
             ("kpi.hazards_rectified", fmt_count(k.hazards_rectified)),
             ("kpi.zero_report_rate", zero), ("kpi.households", _fmt_big(k.households, lang))]
    row = st.container(horizontal=True, wrap=True, gap="medium")  # tiles wrap; nothing is cut
    for key, value in first:
        row.metric(t(key, lang), value, help=t(f"{key}.help", lang), width="content")
    st.caption(" · ".join([
        t("kpi.range", lang, date_from=k.date_from.isoformat(), date_to=k.date_to.isoformat()),
        f"{t('kpi.residents', lang)} {fmt_count(k.residents)}",
        f"{t('kpi.hazards_open', lang)} {fmt_count(k.hazards_open)}",
        f"{t('kpi.stations', lang)} {fmt_count(k.stations)}",
        *kpi_notes(k, lang),
    ]))


def kpi_notes(k: Kpis, lang: str) -> list[str]:
    """Words for figures that look wrong but are not (more rectified than found)."""
    if k.hazards_rectified > k.hazards_found:
        return [t("kpi.rectified_exceeds_found", lang, rectified=fmt_count(k.hazards_rectified),
                  found=fmt_count(k.hazards_found))]
    return []


# --------------------------------------------------------------------------- live panel


@dataclass(frozen=True)
class PanelArgs:
    """Everything the live panel needs from the full page run."""

    session: Session
    filters: Filters
    measure: str
    tiles: TileSource
    lang: str
    interval: int
    home_center: tuple[float, float]
    home_zoom: int


def live_panel(args: PanelArgs) -> None:
    """The KPIs, the map and the ranking; reruns alone every ``args.interval`` seconds."""
    st.fragment(run_every=args.interval)(_panel)(args)


def _panel(args: PanelArgs) -> None:
    """One tick. A fragment shows its own errors as Streamlit's redacted box, so the
    problems a user can fix are caught here and shown in words. Each tick first checks
    that the sign-in still holds (account disabled, password changed, session revoked):
    if not, the whole page reruns and shows the sign-in form."""
    try:
        if not still_signed_in(cached_store(args.session.store_url)):
            st.rerun(scope="app")
        _tick(args)
    except AssetsMissing:
        st.error(t("map.assets_missing", args.lang), icon=":material/error:")
    except StoreError as exc:
        show_store_error(exc, args.lang, args.session.store_url)


def _tick(args: PanelArgs) -> None:
    session, lang = args.session, args.lang
    snapshot, version = shared_snapshot(session, args.interval)
    now = data_now(session)
    code = selected_unit(snapshot)
    fresh = _new_ids(snapshot, now)
    kpi_row(kpis(snapshot, code, args.filters, now), lang)
    points = _points(session.cache_key(), code, version, session, snapshot)
    view = build_view(session, snapshot, code, args.filters, args.measure, now, tiles=args.tiles, lang=lang,
                      new_ids=fresh, points=points)
    window = since.visit(session, now)  # issue 13: since you last looked (commanders, admins)
    found = since.changes(session, snapshot, code, window, now, version) if window is not None else None
    layers = view.layers if found is None else [*view.layers, since.map_layer(found, view, points, args.tiles, lang, version)]
    fmap = base_map(args.home_center, zoom=args.home_zoom, tiles=args.tiles)
    result = st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                       feature_group_to_add=_groups(layers), center=view.center, zoom=view.zoom,
                       layer_control=folium.LayerControl(collapsed=False),
                       returned_objects=RETURNED)
    _handle_click(result, view, args.tiles, code)
    st.caption(" · ".join([
        t("command.live", lang, seconds=args.interval, time=refreshed_at(), n=len(fresh)),
        t("command.as_of", lang, as_of=escape_markdown(fmt_datetime(now.isoformat()))),
        t("command.sent", lang, **{k: fmt_count(v) for k, v in view.sent.items() if k != "new"}),
    ]))
    st.caption(t("command.click_hint", lang))
    ranking_panel(snapshot, view, code, args)
    if found is not None:
        since.since_list(found, snapshot, lang)


def refreshed_at() -> str:
    """The time of this tick as the caption shows it ("上次刷新 15:21:07"): Beijing time,
    the same clock as "数据截至" and the lock message, whatever the server's zone."""
    return beijing_now().strftime("%H:%M:%S")


def _groups(layers: list[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """The view's groups, bounded against streamlit-folium's leak unless GRIDMAP_LIVE_TRIM=0."""
    return bounded(layers) if get_settings().live_trim else list(layers)


def _new_ids(snapshot: Snapshot, now: dt.datetime) -> frozenset[str]:
    """Ids that appeared since this browser session's previous tick."""
    seen = st.session_state.get(SEEN_KEY)
    current = snapshot.ids()
    st.session_state[SEEN_KEY] = current
    if seen is None:
        return frozenset()
    return frozenset(new_since(snapshot, now, seen=seen).ids())


def _handle_click(result: dict[str, Any] | None, view: MapView, tiles: TileSource, selected: str) -> None:
    """A click on a unit below the selection drills down to it: every click, once.

    A click is new when the map reports a new click position or a new layer click
    (``last_clicked``, ``last_object_clicked_count``); the unit is the one under that
    position (:func:`~gridmap.command.view.unit_at`). ``last_active_drawing`` is only
    the fallback: a click in the moment the map is redrawn reaches the map but not the
    layer, and ``last_active_drawing`` then still names the unit clicked before (issue 9:
    the first click on a unit was often ignored).
    """
    result = result or {}
    if not result.get("last_clicked"):
        return
    clicked = (str(result.get("last_clicked")), str(result.get("last_object_clicked_count")))
    if clicked == st.session_state.get(CLICK_KEY):
        return  # this click was handled in an earlier run (the component keeps its value)
    st.session_state[CLICK_KEY] = clicked
    children = {str(c) for c in view.measure.values.index}
    position = clicked_position(result, tiles)
    code = unit_at(view.units, *position) if position is not None else None
    if code is None:
        drawing = result.get("last_active_drawing") or {}
        code = (drawing.get("properties") or {}).get("code")
    if code is not None and str(code) in children and str(code) != selected:
        st.session_state[UNIT_KEY] = str(code)
        st.rerun()


def clicked_position(result: dict[str, Any] | None, tiles: TileSource) -> tuple[float, float] | None:
    """Where the user clicked, as WGS84 ``(lon, lat)`` (shifted back from GCJ-02 tiles)."""
    point = (result or {}).get("last_clicked")
    if not point:
        return None
    lon, lat = from_display(float(point["lng"]), float(point["lat"]), tiles)
    return float(lon), float(lat)


def _fmt_big(n: int | None, lang: str) -> str:
    """Large counts as 万 in Chinese (22.4万), so the metric fits its column; None as "—"."""
    if n is not None and lang == "zh" and n >= 100_000:
        return f"{n / 10_000:.1f}万"
    return fmt_count(n)


def ranking_panel(snapshot: Snapshot, view: MapView, code: str, args: PanelArgs) -> None:
    """Every unit below the selection, worst first for the measure, the selection marked.

    At a micro-grid (the finest level, drawn as itself) the table ranks it among the
    micro-grids of its grid, so the commander sees where it stands.
    """
    lang = args.lang
    measure = view.measure
    units = snapshot.units
    if code in units.index and units.at[code, "level"] == Level.MICRO.value:
        parent = units.at[code, "parent_code"]
        if isinstance(parent, str) and parent in units.index:
            measure = unit_measure(snapshot, parent, Level.MICRO, args.measure, args.filters,
                                   data_now(args.session))
    table = ranking(measure, selected=code)
    if table.empty:
        return
    label_text = t(measure.label_key, lang)
    st.markdown(f"**{t('command.ranking', lang, measure=escape_markdown(label_text))}**")
    st.caption(t("command.ranking_note", lang, n=len(table)))
    marker = t("command.ranking_selected", lang)
    shown = pd.DataFrame({
        t("command.col.rank", lang): ["" if pd.isna(r) else str(r) for r in table["rank"]],
        t("command.col.unit", lang): [f"{marker} {n}" if sel else str(n)
                                     for n, sel in zip(table["name"], table["selected"], strict=True)],
        t("command.col.value", lang): [_fmt(v, measure.scale, lang) for v in table["value"]],
    })
    st.dataframe(shown, hide_index=True, width="stretch", height=min(RANKING_MAX_PX, 38 + 35 * len(shown)))


def _fmt(value: object, scale: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if scale == "share":
        return f"{float(value):.1%}"  # type: ignore[arg-type]
    if scale == "category":
        return label("risk", str(value), lang)
    if scale == "per_100":
        return f"{float(value):.1f}"  # type: ignore[arg-type]
    return fmt_count(int(float(value)))  # type: ignore[arg-type]


def home_view(snapshot: Snapshot, session: Session) -> tuple[tuple[float, float], int]:
    """The fixed centre (WGS84 lat, lon) and zoom of the base map: the user's home unit."""
    home = session.read("units", where={"code": snapshot.home_code,
                                        "plan_version": session.current_plan()},
                        columns=["code", "geometry"])
    if home.empty:
        return (27.5, 120.45), 10
    minx, miny, maxx, maxy = (float(v) for v in home.total_bounds)
    return ((miny + maxy) / 2, (minx + maxx) / 2), fit_zoom((minx, miny, maxx, maxy))
