"""The planner's side panels: checks, balance, impact, publishing, files.

The map, the unit picker and the edit forms are in :mod:`gridmap.ui.planner`; both work
on its :class:`~gridmap.ui.planner.Workbench`.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from gridmap.access import PermissionDenied, Session
from gridmap.command.view import fit_zoom
from gridmap.domain import Level, beijing_now
from gridmap.i18n import label, t
from gridmap.maps.plan import view_of
from gridmap.plan import balance as plan_balance
from gridmap.plan import bands as plan_bands
from gridmap.plan import cells as plan_cells
from gridmap.plan import checks as plan_checks
from gridmap.plan import impact as plan_impact
from gridmap.plan import transfer as plan_transfer
from gridmap.plan import versions
from gridmap.plan.context import PlanContext
from gridmap.plan.errors import PlanError
from gridmap.plan.model import Problem
from gridmap.text import escape_markdown
from gridmap.ui.planner import (
    MAP_HEIGHT,
    MAP_WIDTH,
    STATE_KEY,
    Workbench,
    band_of,
    open_draft,
    run_edit,
    say,
)


def problems_panel(problems: list[Problem], bench: Workbench, lang: str) -> None:
    """The check list, errors first, with zoom-to."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if not problems:
        st.success(t("plan.page.no_problems", lang), icon=":material/check_circle:")
        return
    st.markdown(t("plan.page.problem_counts", lang, errors=len(errors), warnings=len(warnings)))
    rows = pd.DataFrame({
        t("plan.page.col.severity", lang): [t(f"plan.page.severity.{p.severity}", lang) for p in problems],
        t("plan.page.col.unit", lang): [p.unit_code or "—" for p in problems],
        t("plan.page.col.problem", lang): [p.text(lang) for p in problems],
    })
    st.dataframe(rows, hide_index=True, width="stretch", height=min(38 * (len(rows) + 1), 300))
    located = [i for i, p in enumerate(problems) if p.where is not None and not shapely.is_empty(p.where)]
    if located:
        pick = st.selectbox(t("plan.page.zoom_to", lang), [None, *located],
                            format_func=lambda i: t("plan.page.choose", lang) if i is None else problems[i].text(lang),
                            key=f"plan_zoom_{bench.version}")
        if pick is not None and bench.zoomed != pick:
            bench.zoomed = pick
            bounds = tuple(shapely.bounds(problems[pick].where))
            bench.view = view_of(bounds, fit_zoom(bounds, MAP_WIDTH, MAP_HEIGHT))
            bench.nonce += 1
            st.rerun()


def balance_panel(bench: Workbench, points: gpd.GeoDataFrame, lang: str) -> None:
    """Households (and residents) per child against the ideal, as a table and a chart."""
    table = plan_balance.balance(bench.plan, bench.parent, points, bands=bench.bands)
    if table.empty:
        st.caption(t("plan.page.no_children", lang))
        return
    chart = table.set_index("name")[["households"]].rename(columns={"households": t("plan.page.col.households", lang)})
    st.bar_chart(chart, height=220)
    shown = pd.DataFrame({
        t("plan.page.col.unit", lang): table["name"],
        t("plan.page.col.households", lang): table["households"],
        t("plan.page.col.residents", lang): table["residents"],
        t("plan.page.col.ideal", lang): table["ideal"].round(1),
        t("plan.page.col.deviation", lang): table["deviation_pct"].round(1).astype(str) + "%",
    })
    st.dataframe(shown, hide_index=True, width="stretch")


def bands_form(session: Session, bench: Workbench, lang: str) -> None:
    """The households band of the edited unit: where it comes from, and a form to set it."""
    (low, high), source = band_of(bench, bench.parent)
    names = dict(zip(bench.plan["code"].astype(str), bench.plan["name"], strict=False))
    name = names.get(bench.parent, bench.parent)
    st.markdown(t("plan.bands.title", lang))
    if source == bench.parent:
        st.caption(t("plan.bands.own", lang, low=low, high=high))
    elif source is not None:
        st.caption(t("plan.bands.inherited", lang, name=escape_markdown(names.get(source, source)), code=source,
                     low=low, high=high))
    else:
        st.caption(t("plan.bands.default", lang, low=low, high=high))
    with st.form(f"plan_band_{bench.parent}", border=False):
        a, b = st.columns(2)
        low_text = a.text_input(t("plan.bands.low", lang), value=str(low), max_chars=8, key=f"plan_band_low_{bench.parent}")
        high_text = b.text_input(t("plan.bands.high", lang), value=str(high), max_chars=8,
                                 key=f"plan_band_high_{bench.parent}")
        save, clear = st.columns(2)
        go = save.form_submit_button(t("plan.bands.save", lang), icon=":material/save:")
        drop = clear.form_submit_button(t("plan.bands.clear", lang), disabled=source != bench.parent)
    if not (go or drop):
        return
    try:
        band = plan_bands.parse_band(low_text, high_text) if go else None
        bench.bands = plan_bands.set_band(session, bench.parent, band)
    except PlanError as exc:
        st.error(escape_markdown(exc.text(lang)), icon=":material/error:")
        return
    except PermissionDenied:
        st.error(t("plan.bands.denied", lang), icon=":material/block:")
        return
    bench._derived.clear()
    if band is None:
        say("success", t("plan.bands.cleared", lang, name=name))
    else:
        say("success", t("plan.bands.saved", lang, name=name, low=band[0], high=band[1]))
    st.rerun()


def impact_panel(session: Session, bench: Workbench, lang: str) -> None:
    """What publishing this draft would change, unit by unit; the moved points go on the map."""
    if st.button(t("plan.page.impact_run", lang), icon=":material/compare_arrows:"):
        with st.spinner(t("plan.page.impact_running", lang)):
            bench.impact = plan_impact.impact(session, bench.version)
        st.rerun()
    result = bench.impact
    if result is None:
        return
    if result.units.empty and result.moved.empty:
        st.info(t("plan.page.impact_none", lang), icon=":material/info:")
        return
    st.dataframe(impact_table(result, lang), hide_index=True, width="stretch")
    counts = result.moved_counts()
    st.caption(t("plan.page.impact_moved", lang, n=sum(counts.values())) + " " + "，".join(
        f"{label('layer', name, lang)} {n}" for name, n in counts.items() if n))


def impact_table(result: plan_impact.Impact, lang: str) -> pd.DataFrame:
    """The impact's units in words: name, level, change and each measure as before → after."""
    units = result.units
    table = pd.DataFrame({
        t("plan.impact.col.name", lang): units["name"],
        t("plan.impact.col.level", lang): [label("level", v, lang) for v in units["level"]],
        t("plan.impact.col.change", lang): [t(f"plan.versions.change.{c}", lang) for c in units["change"]],
    })
    for measure in plan_impact.MEASURES:
        before, after = units.get(f"{measure}_before"), units.get(f"{measure}_after")
        if before is None or after is None:
            continue
        table[t(f"plan.impact.col.{measure}", lang)] = [_arrow(a, b) for a, b in zip(before, after, strict=True)]
    return table


def _arrow(before: Any, after: Any) -> str:
    def shown(v: Any) -> str:
        return "—" if v is None or v != v else str(int(v))

    a, b = shown(before), shown(after)
    return a if a == b else f"{a} → {b}"


def publish_form(session: Session, bench: Workbench, lang: str) -> None:
    """Publish now or at a date and time; refused while any error remains."""
    with st.form("plan_publish", border=False):
        when = st.radio(t("plan.page.publish_when", lang), ["now", "later"], key="plan_publish_when",
                        format_func=lambda w: t(f"plan.page.publish_{w}", lang), horizontal=True)
        day = st.text_input(t("plan.page.publish_date", lang), placeholder="2027-01-01 00:00", key="plan_publish_date")
        go = st.form_submit_button(t("plan.page.publish", lang), type="primary", icon=":material/publish:")
    if not go:
        return
    effective: dt.datetime | None = None
    if when == "later":
        try:
            effective = dt.datetime.fromisoformat(day.strip().replace("/", "-"))
        except ValueError:
            st.error(t("plan.page.bad_date", lang, value=escape_markdown(day)), icon=":material/error:")
            return
    try:
        info = versions.publish(session, bench.version, effective_at=effective, now=beijing_now(),
                                check=lambda plan: plan_checks.validate(PlanContext(plan=plan)))
    except PlanError as exc:
        st.error(escape_markdown(exc.text(lang)), icon=":material/error:")
        return
    st.session_state.pop(STATE_KEY, None)
    key = "plan.page.published" if info.status == "published" else "plan.page.scheduled"
    say("success", t(key, lang, version=info.version, when=str(info.effective_at or "")))
    st.rerun()


def transfer_panel(session: Session, bench: Workbench, lang: str) -> None:
    """GeoPackage out (a layer per level) and an edited GeoPackage back in as a new draft."""
    def gpkg() -> bytes:  # written when the button is clicked, not on every rerun
        buffer = io.BytesIO()
        plan_transfer.export_gpkg(bench.plan, buffer)
        return buffer.getvalue()

    st.download_button(t("plan.page.export_gpkg", lang), gpkg, file_name=f"plan-{bench.version}.gpkg",
                       mime="application/geopackage+sqlite3", icon=":material/download:")
    upload = st.file_uploader(t("plan.page.import_gpkg", lang), type=["gpkg"], key=f"plan_gpkg_{bench.version}")
    if upload is None:
        return
    try:
        plan, problems = plan_transfer.import_gpkg(upload.getvalue(), base_plan=bench.plan)
    except PlanError as exc:
        st.error(escape_markdown(exc.text(lang)), icon=":material/error:")
        return
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        st.error(escape_markdown("\n".join(p.text(lang) for p in errors[:10])), icon=":material/error:")
        return
    if st.button(t("plan.page.import_as_draft", lang)):
        info = versions.create_draft(session, t("plan.page.imported_name", lang, name=upload.name))
        draft = versions.load_plan(session, info.version)
        changed, removed = versions.changed_codes(draft, plan)
        versions.save_draft(session, info.version, plan, changed=changed, removed=removed,
                            expected_revision=info.revision)
        st.session_state[STATE_KEY] = open_draft(session, info.version)
        say("success", t("plan.page.created", lang, version=info.version, name=upload.name))
        st.rerun()


def assignment_panel(session: Session, bench: Workbench, points: gpd.GeoDataFrame, lang: str) -> None:
    """A grid's households -> micro-grid as CSV out and in (editing by assignment)."""
    if bench.level != Level.GRID:
        st.caption(t("plan.page.assignment_levels", lang))
        return
    if points.empty:
        st.caption(t("plan.page.assignment_no_households", lang))
        return
    try:
        cells = bench.derived("cells", lambda: plan_cells.cells_for(bench.plan, bench.parent, points))
    except PlanError as exc:
        st.caption(escape_markdown(exc.text(lang)))
        return

    def csv() -> bytes:  # written when the button is clicked
        table = cells[["household_ids", "micro_code"]].explode("household_ids")
        return plan_transfer.export_assignment_csv(table.rename(columns={"household_ids": "id"}))

    st.download_button(t("plan.page.export_assignment", lang), csv,
                       file_name=f"assignment-{bench.parent}.csv", mime="text/csv", icon=":material/download:")
    upload = st.file_uploader(t("plan.page.import_assignment", lang), type=["csv"],
                              key=f"plan_csv_{bench.version}_{bench.parent}")
    if upload is not None and st.button(t("plan.page.apply_assignment", lang), key="plan_apply_csv"):
        data = upload.getvalue()
        run_edit(session, bench, lambda plan: plan_transfer.import_assignment_csv(data, cells, plan, bench.parent),
                 lang)
