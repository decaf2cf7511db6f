"""Moving households on the planner's map (编辑方式：按户调整): editing by assignment.

On a grid, the planner switches the map from boundaries to the grid's household cells
(:func:`gridmap.plan.cells.cells_for`), picks cells by clicking them or by drawing a
rectangle or polygon around them, chooses a neighbouring micro-grid and moves them
(:func:`gridmap.plan.cells.move_cells`). Each micro-grid becomes the union of its cells,
so no gap or overlap can appear; the move is one edit like any other (saved to the draft,
undone by Undo, checked, counted in the balance).

The picks belong to one plan frame (``Workbench.picked_on``): any edit, undo or redo
gives a new frame and so drops them (the cells are rebuilt for the new plan).
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Session
from gridmap.command.view import fit_zoom
from gridmap.domain import Level
from gridmap.i18n import t
from gridmap.maps import TileSource
from gridmap.maps.plan import cells_map, read_drawings, read_pick, view_of
from gridmap.plan import cells as plan_cells
from gridmap.plan.errors import PlanError
from gridmap.text import escape_markdown
from gridmap.ui.planner import (
    MAP_HEIGHT,
    MAP_WIDTH,
    Workbench,
    context_units,
    counted_children,
    geometry_digest,
    run_edit,
    say,
)

MODES = ("shape", "cells")


def mode_switch(bench: Workbench, lang: str) -> str:
    """Boundaries or households: the way the map edits (households only on a grid)."""
    if bench.level != Level.GRID:
        bench.mode = "shape"
        return bench.mode
    mode = st.radio(t("plan.cells.mode", lang), MODES, index=MODES.index(bench.mode), horizontal=True,
                    format_func=lambda m: t(f"plan.cells.mode.{m}", lang), key=f"plan_mode_{bench.version}")
    bench.mode = str(mode)
    return bench.mode


def picked(bench: Workbench) -> frozenset[str]:
    """The cells picked on the current plan (none after any edit)."""
    return bench.picked if bench.picked_on is bench.plan else frozenset()


def set_picked(bench: Workbench, cells: frozenset[str]) -> None:
    bench.picked, bench.picked_on = cells, bench.plan


def grid_cells(bench: Workbench, points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The grid's cells for the current plan (built once per plan and grid).

    Raises:
        PlanError: the unit is not a grid (from ``cells_for``).
    """
    return bench.derived("cells", lambda: plan_cells.cells_for(bench.plan, bench.parent, points))


def cells_view(session: Session, bench: Workbench, points: gpd.GeoDataFrame, tiles: TileSource, lang: str) -> None:
    """The cells map, what the planner picked on it, and the move form."""
    try:
        cells = grid_cells(bench, points)
    except PlanError as exc:
        st.warning(t("plan.cells.no_cells", lang, reason=escape_markdown(exc.text(lang))), icon=":material/warning:")
        return
    plan = bench.plan
    children = counted_children(bench, points)
    parent = plan[plan["code"] == bench.parent]
    if bench.view is None:
        bounds = tuple(parent.total_bounds)
        bench.view = view_of(bounds, fit_zoom(bounds, MAP_WIDTH, MAP_HEIGHT))
    chosen = picked(bench)
    fmap = cells_map(children, cells, chosen, view=bench.view, tiles=tiles, lang=lang,
                     context=context_units(plan, parent))
    digest = hashlib.sha1("|".join(sorted(chosen)).encode()).hexdigest()[:12]
    key = f"plan_cells_{bench.version}_{geometry_digest(children)}_{digest}_{bench.nonce}"
    out = st_folium(fmap, key=key, height=MAP_HEIGHT, width="stretch",
                    returned_objects=["all_drawings", "last_geocoder_result"])
    st.caption(t("plan.cells.hint", lang))
    drawings = read_drawings((out or {}).get("all_drawings"), tiles)
    if drawings is not None and drawings.digest != bench.seen:
        bench.seen = drawings.digest
        if drawings.view is not None:
            bench.view = drawings.view
        if drawings.polygons:
            taken = plan_cells.cells_in(cells, drawings.polygons[-1], points)
            if not taken:
                say("info", t("plan.cells.drawn_none", lang))
            set_picked(bench, chosen | frozenset(taken))
            st.rerun()
    pick = read_pick((out or {}).get("last_geocoder_result"), tiles)
    if pick is not None and pick.digest != bench.seen_pick:
        bench.seen_pick = pick.digest
        cell = plan_cells.cell_at(cells, pick.lon, pick.lat)
        if cell is not None:
            if pick.view is not None:
                bench.view = pick.view
            set_picked(bench, chosen ^ {cell})
            st.rerun()
    move_form(session, bench, cells, children, lang)


def move_form(session: Session, bench: Workbench, cells: gpd.GeoDataFrame, children: gpd.GeoDataFrame,
              lang: str) -> None:
    """What is picked, where it can go, and the Move button."""
    chosen = picked(bench)
    if not chosen:
        st.info(t("plan.cells.none_picked", lang), icon=":material/touch_app:")
        return
    rows = cells[cells["cell_id"].isin(chosen)]
    names = dict(zip(children["code"].astype(str), children["name"], strict=True))
    sources = sorted(set(rows["micro_code"].dropna().astype(str)))
    st.markdown(t("plan.cells.picked", lang, cells=len(rows), households=int(rows["households"].sum()),
                  sources=escape_markdown("、".join(names.get(c, c) for c in sources))))
    targets = plan_cells.neighbours_of(cells, chosen, children)
    if st.button(t("plan.cells.clear", lang), icon=":material/deselect:", key="plan_cells_clear"):
        set_picked(bench, frozenset())
        st.rerun()
    if not targets:
        st.warning(t("plan.cells.no_target", lang), icon=":material/warning:")
        return
    with st.form("plan_cells_move", border=True):
        to = st.selectbox(t("plan.cells.to", lang), targets, key="plan_cells_to",
                          format_func=lambda c: f"{names.get(c, c)}（{c}）")
        go = st.form_submit_button(t("plan.cells.move", lang), icon=":material/move_down:", type="primary")
    if go and to is not None:
        ids = sorted(chosen)
        run_edit(session, bench, lambda plan: plan_cells.move_cells(plan, bench.parent, cells, ids, str(to)), lang)
