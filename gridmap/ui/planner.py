"""The planner's workbench (网格规划): the draft, the unit picker, the editable map and the
edit forms; the side panels are in :mod:`gridmap.ui.planner_panels`. ``pages/planner.py``
only arranges them.

State lives in ``st.session_state[STATE_KEY]``: one :class:`Workbench` per signed-in
planner -- the draft being edited, its revision (the optimistic lock), the undo/redo
history and the unit whose children are edited. Every edit is decided on the server
(:mod:`gridmap.plan.edit`), checked (:mod:`gridmap.plan.checks`) and saved to the draft
at once (:func:`gridmap.plan.versions.save_draft`), so a reload loses nothing; a save
refused because another planner saved first says who and what, and offers a reload.

The map is rebuilt only when the geometry changed, at the view the browser reported
with the last draw event (:mod:`gridmap.maps.plan`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Session
from gridmap.command.view import fit_zoom, unit_at
from gridmap.domain import Level, code_prefix
from gridmap.i18n import label, t
from gridmap.maps import TileSource
from gridmap.maps.plan import (
    Drawings,
    EditView,
    Pick,
    change_area,
    geometry_changed,
    plan_map,
    read_drawings,
    read_pick,
    restore_vertices,
    view_of,
)
from gridmap.plan import bands as plan_bands
from gridmap.plan import checks as plan_checks
from gridmap.plan import edit as plan_edit
from gridmap.plan import impact as plan_impact
from gridmap.plan import partition as plan_partition
from gridmap.plan import versions
from gridmap.plan.context import DEFAULT_BAND, PlanContext
from gridmap.plan.errors import PlanConflict, PlanError
from gridmap.plan.history import EditHistory
from gridmap.plan.model import EditResult, Problem
from gridmap.text import escape_markdown

_log = logging.getLogger(__name__)

STATE_KEY = "planner_bench"
MESSAGE_KEY = "planner_message"
_MERGED_KEY = "planner_merged"  # the last save merged others' units: keep its message
PICK_KEY = "planner_picked"  # a unit picked on the map, for the unit box of the next run
MAP_HEIGHT = 620
MAP_WIDTH = 540  # the map column at 1400 px (3 of 5 columns)
LEVEL_ORDER = [Level.COUNTY, Level.TOWN, Level.VILLAGE, Level.GRID, Level.MICRO]


@dataclass
class Workbench:
    """One planner's work on one draft (kept in the Streamlit session)."""

    version: int
    revision: int
    history: EditHistory
    parent: str
    seen: str = ""  # digest of the last drawings processed
    seen_pick: str = ""  # digest of the last map click processed
    view: EditView | None = None
    nonce: int = 0  # bumped to throw away what the map holds (after a refused edit)
    pending: shapely.Polygon | None = None  # a drawn polygon waiting for its name
    impact: plan_impact.Impact | None = None  # the last impact preview, for this revision
    conflict: bool = False  # the last save was refused: another planner saved first
    zoomed: int | None = None  # the problem the map was last zoomed to
    mode: str = "shape"  # "shape": edit boundaries; "cells": move households (cells) between micro-grids
    picked: frozenset[str] = frozenset()  # cells picked for a move, of the plan ``picked_on``
    picked_on: Any = None
    bands: dict[str, tuple[int, int]] = field(default_factory=dict)  # households bands set by planners
    _derived: dict[str, tuple[str, gpd.GeoDataFrame | None, Any]] = field(default_factory=dict, repr=False)

    @property
    def plan(self) -> gpd.GeoDataFrame:
        return self.history.plan

    @property
    def prefix(self) -> str:
        """The code prefix of the edited unit and everything inside it."""
        level = self.plan.loc[self.plan["code"] == self.parent, "level"].iloc[0]
        return code_prefix(self.parent, Level(str(level)))

    @property
    def level(self) -> Level:
        return Level(str(self.plan.loc[self.plan["code"] == self.parent, "level"].iloc[0]))

    def derived(self, name: str, make: Callable[[], Any], *, per_plan: bool = True) -> Any:
        """``make()``, kept until the edited unit (or, ``per_plan``, the plan) changes.

        The plan is compared by identity: every edit, undo and redo gives a new frame,
        and holding it here keeps its id from being reused.
        """
        plan = self.plan if per_plan else None
        hit = self._derived.get(name)
        if hit is None or hit[0] != self.parent or hit[1] is not plan:
            hit = (self.parent, plan, make())
            self._derived[name] = hit
        return hit[2]


# --------------------------------------------------------------------------- messages


def say(kind: str, text: str) -> None:
    """Keep a message for the next run (edits rerun the page)."""
    st.session_state[MESSAGE_KEY] = (kind, text)


def show_message() -> None:
    """The message the last action left, once."""
    kind, text = st.session_state.pop(MESSAGE_KEY, (None, None))
    if kind == "error":
        st.error(escape_markdown(text), icon=":material/error:")
    elif kind == "success":
        st.success(escape_markdown(text), icon=":material/check_circle:")
    elif kind == "info":
        st.info(escape_markdown(text), icon=":material/info:")


# --------------------------------------------------------------------------- plans


def plan_bar(session: Session, lang: str) -> Workbench | None:
    """The current plan, the drafts, a form for a new draft; the chosen draft's workbench."""
    plans = versions.list_plans(session)
    current = session.current_plan()
    st.caption(t("plan.page.current", lang, version=current))
    drafts = plans[plans["status"] == "draft"] if not plans.empty else plans
    left, right = st.columns([3, 2])
    with right, st.form("plan_new_draft", border=True):
        name = st.text_input(t("plan.page.new_name", lang), max_chars=60, key="plan_new_name",
                             placeholder=t("plan.page.new_placeholder", lang))
        if st.form_submit_button(t("plan.page.new", lang), icon=":material/add:"):
            _create_draft(session, name, lang)
    options = [int(v) for v in drafts["version"]] if not drafts.empty else []
    if not options:
        left.info(t("plan.page.no_drafts", lang), icon=":material/info:")
        _history_table(plans, lang)
        return None
    names = {int(r.version): _draft_label(r, lang) for r in drafts.itertuples()}
    bench = st.session_state.get(STATE_KEY)
    default = options.index(bench.version) if isinstance(bench, Workbench) and bench.version in options else 0
    version = left.selectbox(t("plan.page.draft", lang), options, index=default, format_func=names.__getitem__,
                             key="plan_draft_choice")
    if not isinstance(bench, Workbench) or bench.version != version:
        bench = open_draft(session, int(version))
        st.session_state[STATE_KEY] = bench
    with left.expander(t("plan.page.history", lang)):
        _history_table(plans, lang)
    return bench


def _draft_label(row: Any, lang: str) -> str:
    return t("plan.page.draft_label", lang, version=int(row.version), name=row.name or "—",
             author=row.author or "—")


def _history_table(plans: pd.DataFrame, lang: str) -> None:
    if plans.empty:
        return
    shown = pd.DataFrame({
        t("plan.page.col.version", lang): plans["version"].astype(int),
        t("plan.page.col.name", lang): plans["name"],
        t("plan.page.col.status", lang): [t(f"plan.page.status.{s}", lang) for s in plans["status"]],
        t("plan.page.col.author", lang): plans["author"],
        t("plan.page.col.effective", lang): plans["effective_at"].astype(str).replace({"NaT": "", "None": ""}),
    })
    st.dataframe(shown, hide_index=True, width="stretch")


def _create_draft(session: Session, name: str, lang: str) -> None:
    name = " ".join(name.split())
    if not name:
        st.error(t("plan.page.name_required", lang), icon=":material/error:")
        return
    try:
        info = versions.create_draft(session, name)
    except PlanError as exc:
        st.error(escape_markdown(exc.text(lang)), icon=":material/error:")
        return
    st.session_state[STATE_KEY] = open_draft(session, info.version)
    st.session_state.pop("plan_draft_choice", None)
    say("success", t("plan.page.created", lang, version=info.version, name=name))
    st.rerun()


def open_draft(session: Session, version: int) -> Workbench:
    info = versions.plan_info(session, version)
    plan = versions.load_plan(session, version)
    return Workbench(version=version, revision=info.revision, history=EditHistory(plan),
                     parent=_home_unit(session, plan))


def _home_unit(session: Session, plan: gpd.GeoDataFrame) -> str:
    """The planner's own unit if it has children, else the first unit with children."""
    codes = set(plan["code"])
    own = session.scope.unit_code
    if own and own in codes and (plan["parent_code"] == own).any():
        return str(own)
    for level in LEVEL_ORDER[1:]:
        rows = plan[plan["level"] == level]
        for code in sorted(rows["code"]):
            if (plan["parent_code"] == code).any():
                return str(code)
    return str(plan["code"].iloc[0])


# --------------------------------------------------------------------------- unit picker


def unit_picker(bench: Workbench, lang: str) -> str:
    """Pick the unit whose children are edited: search by name or code, or step up/down."""
    plan = bench.plan
    picked = st.session_state.pop(PICK_KEY, None)
    if isinstance(picked, str) and picked == bench.parent:  # picked on the map in the last run
        st.session_state[f"plan_unit_{bench.version}"] = picked
        st.session_state.pop("plan_search", None)
    parents = plan[plan["code"].isin(set(plan["parent_code"].dropna()))]
    parents = parents.assign(_order=parents["level"].map({str(v): i for i, v in enumerate(LEVEL_ORDER)}))
    parents = parents.sort_values(["_order", "code"])
    query = st.text_input(t("plan.page.search", lang), key="plan_search",
                          placeholder=t("plan.page.search_placeholder", lang)).strip()
    if query:
        hit = parents["name"].str.contains(query, regex=False, na=False) | parents["code"].str.startswith(query)
        parents = parents[hit]
        if parents.empty:
            st.warning(t("plan.page.search_none", lang, query=escape_markdown(query)), icon=":material/search_off:")
            return bench.parent
    codes = list(parents["code"])
    if bench.parent not in codes:
        codes = [bench.parent, *codes] if bench.parent in set(plan["code"]) else codes
    names = dict(zip(plan["code"], plan["name"], strict=False))
    levels = dict(zip(plan["code"], plan["level"], strict=False))
    choice = st.selectbox(t("plan.page.unit", lang), codes, index=codes.index(bench.parent) if bench.parent in codes else 0,
                          format_func=lambda c: f"{names.get(c, c)}（{label('level', levels.get(c, 'micro'), lang)} {c}）",
                          key=f"plan_unit_{bench.version}")
    if choice != bench.parent:
        _open_unit(bench, str(choice))
    up = plan.loc[plan["code"] == bench.parent, "parent_code"]
    up_code = str(up.iloc[0]) if len(up) and isinstance(up.iloc[0], str) else None
    if up_code:
        st.button(t("plan.page.up", lang, name=names.get(up_code, up_code)), icon=":material/arrow_upward:",
                  key=f"plan_up_{bench.version}", on_click=_go_up, args=(bench, up_code))
    return bench.parent


def _open_unit(bench: Workbench, code: str) -> None:
    bench.parent = code
    bench.view = None
    bench.pending = None
    bench.picked, bench.picked_on = frozenset(), None


def _go_up(bench: Workbench, code: str) -> None:
    """Button callback (before the rerun draws the unit box): open the parent unit."""
    _open_unit(bench, code)
    st.session_state[f"plan_unit_{bench.version}"] = code
    st.session_state.pop("plan_search", None)


# --------------------------------------------------------------------------- data


def households(session: Session, bench: Workbench) -> gpd.GeoDataFrame:
    """The household points inside the edited unit's box (read once per unit)."""
    def read() -> gpd.GeoDataFrame:
        parent = bench.plan[bench.plan["code"] == bench.parent]
        return session.read("households", bbox=tuple(parent.total_bounds), columns=["id", "residents", "geometry"])

    return bench.derived("households", read, per_plan=False)


def load_bands(session: Session, bench: Workbench) -> dict[str, tuple[int, int]]:
    """The households bands as stored now (another planner may have changed them); when
    they changed, what was derived with the old ones is thrown away."""
    bands = plan_bands.read_bands(session)
    if bands != bench.bands:
        bench.bands = bands
        bench._derived.clear()
    return bands


def band_of(bench: Workbench, code: str) -> tuple[tuple[int, int], str | None]:
    """The band that holds for the micro-grids inside ``code``, and the unit it was set
    on (None: the default)."""
    plan = bench.plan
    parents = dict(zip(plan["code"].astype(str), plan["parent_code"], strict=False))
    seen: set[str] = set()
    at: str | None = code
    while at is not None and at not in seen:
        if at in bench.bands:
            return bench.bands[at], at
        seen.add(at)
        up = parents.get(at)
        at = up if isinstance(up, str) else None
    return DEFAULT_BAND, None


def problems_of(bench: Workbench, points: gpd.GeoDataFrame) -> list[Problem]:
    """The checks of the edited unit's children after the last edit (once per edit).

    Errors anywhere in view block publishing and are all shown; warnings only for the
    unit being edited and what lies inside it (a neighbour's band is not this edit's business).
    """
    def check() -> list[Problem]:
        ctx = PlanContext(plan=bench.plan, parent_code=bench.parent, households=points, bands=bench.bands)
        return [p for p in plan_checks.validate(ctx)
                if p.severity == "error" or p.unit_code is None or str(p.unit_code).startswith(bench.prefix)]

    return bench.derived("problems", check)


# --------------------------------------------------------------------------- map


def counted_children(bench: Workbench, points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The edited unit's children with households and residents counted from the points."""
    def count() -> gpd.GeoDataFrame:
        subtree = bench.plan[bench.plan["code"].astype(str).str.startswith(bench.prefix)]
        counted = plan_checks.recount(subtree, points) if len(points) else subtree
        return counted[counted["parent_code"] == bench.parent]

    return bench.derived("counted", count)


def edit_map(session: Session, bench: Workbench, points: gpd.GeoDataFrame, problems: list[Problem],
             tiles: TileSource, lang: str) -> None:
    """The editable map of the selected unit's children, and what the planner did on it."""
    plan = bench.plan
    children = counted_children(bench, points)
    parent = plan[plan["code"] == bench.parent]
    if children.empty:
        st.info(t("plan.page.no_children", lang), icon=":material/info:")
        return
    context = context_units(plan, parent)
    if bench.view is None:
        bounds = tuple(parent.total_bounds)
        bench.view = view_of(bounds, fit_zoom(bounds, MAP_WIDTH, MAP_HEIGHT))
    highlight = [(p.where, p.text(lang), p.severity) for p in problems if p.where is not None][:200]
    impact = bench.impact
    moved = impact.moved if impact is not None and not impact.moved.empty else None
    changed = frozenset(impact.units.loc[impact.units["change"] != "unchanged", "code"].astype(str)) \
        if impact is not None and not impact.units.empty else frozenset()
    fmap = plan_map(children, context, view=bench.view, tiles=tiles, lang=lang, problems=highlight, moved=moved,
                    changed=changed)
    key = f"plan_map_{bench.version}_{geometry_digest(children)}_{bench.nonce}"
    out = st_folium(fmap, key=key, height=MAP_HEIGHT, width="stretch",
                    returned_objects=["all_drawings", "last_geocoder_result"])
    st.caption(t("plan.page.map_hint", lang))
    drawings = read_drawings((out or {}).get("all_drawings"), tiles)
    if drawings is not None and drawings.digest != bench.seen:
        bench.seen = drawings.digest
        if drawings.view is not None:
            bench.view = drawings.view
        _apply_drawings(session, bench, children, drawings, lang)
    pick = read_pick((out or {}).get("last_geocoder_result"), tiles)
    if pick is not None and pick.digest != bench.seen_pick:
        bench.seen_pick = pick.digest
        code = picked_unit(plan, children, context, pick)
        if code is not None:
            open_picked(bench, code, names=dict(zip(plan["code"], plan["name"], strict=False)), lang=lang)


def picked_unit(plan: gpd.GeoDataFrame, children: gpd.GeoDataFrame, context: gpd.GeoDataFrame,
                pick: Pick) -> str | None:
    """The unit a click on the map picks: a neighbour shown for context that has units
    inside it; None for a click on an editable unit (that is editing, not picking), on
    the parent, or outside every unit shown."""
    if unit_at(children, pick.lon, pick.lat) is not None:
        return None
    parents = set(plan["parent_code"].dropna().astype(str))
    shown = context[context["code"].astype(str).isin(parents)]
    if len(context):
        shown = shown[shown["code"] != context["code"].iloc[0]]  # the first row is the parent itself
    return unit_at(shown, pick.lon, pick.lat)


def open_picked(bench: Workbench, code: str, *, names: dict[str, str], lang: str) -> None:
    """Open the unit picked on the map; the unit box follows in the next run."""
    _open_unit(bench, code)
    st.session_state[PICK_KEY] = code
    say("info", t("plan.page.picked", lang, name=names.get(code, code), code=code))
    st.rerun()


def _apply_drawings(session: Session, bench: Workbench, children: gpd.GeoDataFrame, drawings: Drawings,
                    lang: str) -> None:
    before = dict(zip(children["code"], children.geometry, strict=True))
    reshaped = [c for c, g in drawings.shapes.items() if c in before and geometry_changed(before[c], g)]
    if reshaped:
        # One Save may report several shapes; the planner moved the one that changed most
        # (the others only carry the shared vertex the server moves for them anyway).
        code = max(reshaped, key=lambda c: change_area(before[c], drawings.shapes[c]))
        shape = restore_vertices(before[code], drawings.shapes[code])
        run_edit(session, bench, lambda plan: plan_edit.reshape(plan, code, shape), lang)
    elif drawings.lines:
        line = drawings.lines[-1]
        target = _crossed_unit(children, line)
        if target is None:
            bench.nonce += 1
            say("error", t("plan.page.line_misses", lang))
            st.rerun()
        run_edit(session, bench, lambda plan: plan_edit.split(plan, target, line), lang)
    elif drawings.polygons:
        bench.pending = drawings.polygons[-1]
        st.rerun()


def _crossed_unit(children: gpd.GeoDataFrame, line: shapely.LineString) -> str | None:
    """The child the line runs through longest (None: it crosses none)."""
    lengths = shapely.length(shapely.intersection(children.geometry.to_numpy(), line))
    if not len(lengths) or float(lengths.max()) <= 0:
        _log.warning("split line %s crosses none of %s", line.wkt, list(children["code"]))
        return None
    return str(children["code"].iloc[int(lengths.argmax())])


def context_units(plan: gpd.GeoDataFrame, parent: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if parent.empty:
        return plan.iloc[:0]
    row = parent.iloc[0]
    siblings = plan[(plan["parent_code"] == row["parent_code"]) & (plan["code"] != row["code"])]
    near = siblings[siblings.geometry.intersects(row.geometry.buffer(1e-6))]
    return pd.concat([parent, near])


def geometry_digest(children: gpd.GeoDataFrame) -> str:
    h = hashlib.sha1()
    for code, geom in zip(children["code"], children.geometry, strict=True):
        h.update(str(code).encode())
        h.update(shapely.to_wkb(geom))
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- edits


def run_edit(session: Session, bench: Workbench, edit: Callable[[gpd.GeoDataFrame], EditResult], lang: str) -> None:
    """Apply one edit on the server, save it to the draft, rerun; or say why not."""
    try:
        result = edit(bench.plan)
    except PlanError as exc:
        bench.nonce += 1  # the map still shows the refused shape: rebuild it from the plan
        say("error", exc.text(lang))
        st.rerun()
    before = bench.plan
    bench.history.push(result)
    if not _save(session, bench, before, lang):
        bench.history.undo()
        bench.nonce += 1
        st.rerun()
    if not st.session_state.pop(_MERGED_KEY, False):
        say("success", result.text(lang) or t("plan.page.saved", lang))
    st.rerun()


def _save(session: Session, bench: Workbench, before: gpd.GeoDataFrame, lang: str) -> bool:
    changed, removed = versions.changed_codes(before, bench.plan)
    if not changed and not removed:
        return True
    try:
        info = versions.save_draft(session, bench.version, bench.plan, changed=changed, removed=removed,
                                   expected_revision=bench.revision)
    except PlanConflict as exc:
        say("error", exc.text(lang))
        bench.conflict = True
        return False
    except PlanError as exc:
        say("error", exc.text(lang))
        return False
    bench.revision = info.revision
    bench.conflict = False
    bench.impact = None  # computed for the plan before this step
    if info.merged:
        # Others saved far-away units meanwhile: take the draft as stored (theirs and
        # this edit); the undo steps were made on the plan without theirs.
        bench.history = EditHistory(versions.load_plan(session, bench.version))
        bench._derived.clear()
        say("info", t("plan.page.merged", lang, authors="、".join(info.merged_authors), count=len(info.merged)))
        st.session_state[_MERGED_KEY] = True
    return True


def pending_polygon(session: Session, bench: Workbench, lang: str) -> None:
    """A drawn polygon waiting for its name: add it as a new unit, or throw it away."""
    if bench.pending is None:
        return
    polygon = bench.pending
    with st.form("plan_pending", border=True):
        st.markdown(t("plan.page.pending", lang))
        name = st.text_input(t("plan.page.unit_name", lang), max_chars=40, key="plan_pending_name")
        ok, cancel = st.columns(2)
        add = ok.form_submit_button(t("plan.page.add", lang), type="primary")
        drop = cancel.form_submit_button(t("plan.page.discard", lang))
    if drop:
        bench.pending = None
        bench.nonce += 1
        st.rerun()
    if add:
        name = " ".join(name.split())
        if not name:
            st.error(t("plan.page.name_required", lang), icon=":material/error:")
            return
        bench.pending = None
        run_edit(session, bench, lambda plan: plan_edit.add_unit(plan, bench.parent, polygon, name), lang)


def undo_redo(session: Session, bench: Workbench, lang: str) -> None:
    """Undo and redo buttons (each step saved to the draft like an edit)."""
    a, b, c = st.columns([1, 1, 3])
    history = bench.history
    if a.button(t("plan.page.undo", lang), icon=":material/undo:", disabled=not history.can_undo, width="stretch"):
        _step(session, bench, history.undo, history.redo, "plan.page.undone", lang)
    if b.button(t("plan.page.redo", lang), icon=":material/redo:", disabled=not history.can_redo, width="stretch"):
        _step(session, bench, history.redo, history.undo, "plan.page.redone", lang)
    if bench.conflict and c.button(t("plan.page.reload", lang), icon=":material/refresh:"):
        st.session_state[STATE_KEY] = open_draft(session, bench.version)
        st.rerun()


def _step(session: Session, bench: Workbench, go: Callable[[], Any], back: Callable[[], Any], done_key: str,
          lang: str) -> None:
    """One undo or redo, saved to the draft; taken back when the save is refused."""
    before = bench.plan
    go()
    if _save(session, bench, before, lang):
        if not st.session_state.pop(_MERGED_KEY, False):
            say("info", t(done_key, lang))
    else:
        back()
    st.rerun()


def merge_form(session: Session, bench: Workbench, lang: str) -> None:
    """Merge two or more neighbouring children."""
    children = bench.plan[bench.plan["parent_code"] == bench.parent]
    names = dict(zip(children["code"], children["name"], strict=True))
    with st.form("plan_merge", border=False):
        picked = st.multiselect(t("plan.page.merge_pick", lang), list(children["code"]), key="plan_merge_pick",
                                format_func=lambda c: f"{names[c]}（{c}）", placeholder=t("plan.page.choose", lang),
                                select_all=False)
        go = st.form_submit_button(t("plan.page.merge", lang), icon=":material/join:")
    if go:
        if len(picked) < 2:
            st.error(t("plan.page.merge_two", lang), icon=":material/error:")
            return
        run_edit(session, bench, lambda plan: plan_edit.merge(plan, list(picked)), lang)


def partition_form(session: Session, bench: Workbench, points: gpd.GeoDataFrame, lang: str) -> None:
    """Auto-partition the selected unit into ~30-household micro-grids, with progress."""
    if bench.level not in (Level.VILLAGE, Level.GRID):
        st.caption(t("plan.page.partition_levels", lang))
        return
    (low, high), _ = band_of(bench, bench.parent)
    middle = min(max((low + high) // 2, 10), 200)
    with st.form("plan_partition", border=False):
        target = st.number_input(t("plan.page.partition_target", lang), min_value=10, max_value=200, value=middle,
                                 key="plan_partition_target",
                                 step=5)
        go = st.form_submit_button(t("plan.page.partition", lang), icon=":material/auto_awesome_mosaic:")
    if go:
        bar = st.progress(0.0, text=t("plan.page.partition_running", lang))

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

        run_edit(session, bench, lambda plan: plan_partition.auto_partition(
            plan, bench.parent, points, target=int(target), progress=progress, bands=bench.bands), lang)
