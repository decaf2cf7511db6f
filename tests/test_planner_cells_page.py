"""Moving households on the planner's page (按户调整), run headless with AppTest on a copy
of the small demo.

The map is an ``st_folium`` component (an UnknownElement here), so the picks a click or
a drawn rectangle make are set on the workbench the way ``planner_cells.cells_view``
sets them; the mode switch, the move form, the saved draft, the checks and Undo run as
the planner would use them. What the cells do is tested in tests/test_plan_cells.py.
"""

from __future__ import annotations

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from gridmap.plan import cells as plan_cells
from gridmap.plan import versions
from gridmap.ui import planner, planner_cells
from tests.test_planner_page import click, new_draft, planner_session, run_page


@pytest.fixture
def planner_db_url(demo_copy_url: str) -> str:
    return demo_copy_url


def _grid_with_micro(at: AppTest, db_url: str) -> tuple[int, str]:
    version = int(at.selectbox(key="plan_draft_choice").value)
    plan = versions.load_plan(planner_session(db_url), version)
    micro = plan[plan["level"] == "micro"]
    counts = micro.groupby("parent_code").size()
    return version, str(counts[counts >= 2].index[0])


def _cells_mode(at: AppTest, version: int, grid: str, label: str) -> AppTest:
    at.selectbox(key=f"plan_unit_{version}").set_value(grid).run()
    at.radio(key=f"plan_mode_{version}").set_value("cells").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key=f"plan_mode_{version}").label == label
    return at


def test_picked_households_move_to_the_neighbour_and_undo_brings_them_back(monkeypatch: pytest.MonkeyPatch,
                                                                         planner_db_url: str) -> None:
    at = new_draft(run_page(monkeypatch, planner_db_url))
    version, grid = _grid_with_micro(at, planner_db_url)
    at = _cells_mode(at, version, grid, "编辑方式")
    assert any("住户单元" in c.value for c in at.caption)
    assert any("还没有选中住户单元" in i.value for i in at.info)
    bench = at.session_state[planner.STATE_KEY]
    cells = planner_cells.grid_cells(bench, planner.households(planner_session(planner_db_url), bench))
    children = bench.plan[bench.plan["parent_code"] == grid]
    # a cell with households that borders another micro-grid (what a click on it picks)
    cell, target = next((c, plan_cells.neighbours_of(cells, [c], children)) for c, n in
                        zip(cells["cell_id"], cells["households"], strict=True)
                        if n > 0 and plan_cells.neighbours_of(cells, [c], children))
    moving = cells.set_index("cell_id").loc[cell]
    planner_cells.set_picked(bench, frozenset([cell]))
    at.run()
    assert any("已选中" in m.value and f"{int(moving['households'])}" in m.value for m in at.markdown)
    at.selectbox(key="plan_cells_to").set_value(target[0])
    click(at, "移过去")
    assert not at.error, [e.value for e in at.error]
    session = planner_session(planner_db_url)
    after = versions.load_plan(session, version)
    kids = after[after["parent_code"] == grid]
    receiver = kids[kids["code"] == target[0]].geometry.iloc[0]
    points = planner.households(session, bench)
    moved = points[points["id"].astype(str).isin(moving["household_ids"])]
    assert len(moved) and shapely.contains(receiver, moved.geometry).all()
    assert shapely.coverage_is_valid(kids.geometry.to_numpy())
    grid_geom = after[after["code"] == grid].geometry.iloc[0]
    assert shapely.symmetric_difference(shapely.union_all(kids.geometry.to_numpy()), grid_geom).area < 1e-12
    assert not planner_cells.picked(at.session_state[planner.STATE_KEY])  # the picks went with the old plan
    click(at, "撤销")
    back = versions.load_plan(session, version)
    old_receiver = back[back["code"] == target[0]].geometry.iloc[0]
    assert not shapely.contains(old_receiver, moved.geometry).any()


def test_cells_that_border_no_other_micro_grid_cannot_move_and_the_form_says_so(monkeypatch: pytest.MonkeyPatch,
                                                                               planner_db_url: str) -> None:
    at = new_draft(run_page(monkeypatch, planner_db_url))
    version, grid = _grid_with_micro(at, planner_db_url)
    at = _cells_mode(at, version, grid, "编辑方式")
    bench = at.session_state[planner.STATE_KEY]
    cells = planner_cells.grid_cells(bench, planner.households(planner_session(planner_db_url), bench))
    children = bench.plan[bench.plan["parent_code"] == grid]
    inner = next((c for c in cells["cell_id"] if not plan_cells.neighbours_of(cells, [c], children)), None)
    if inner is None:
        pytest.skip("every cell of this grid borders another micro-grid")
    before = versions.plan_info(planner_session(planner_db_url), version).revision
    planner_cells.set_picked(bench, frozenset([inner]))
    at.run()
    assert any("不与其他微网格相邻" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "移过去"]
    assert versions.plan_info(planner_session(planner_db_url), version).revision == before


def test_the_mode_switch_speaks_english_and_is_only_offered_on_a_grid(monkeypatch: pytest.MonkeyPatch,
                                                                     planner_db_url: str) -> None:
    at = new_draft(run_page(monkeypatch, planner_db_url))
    version, grid = _grid_with_micro(at, planner_db_url)
    village = str(versions.load_plan(planner_session(planner_db_url), version)
                  .set_index("code").loc[grid, "parent_code"])
    at.selectbox(key=f"plan_unit_{version}").set_value(village).run()
    assert not [r for r in at.radio if r.key == f"plan_mode_{version}"]
    at.session_state["lang"] = "en"
    at = _cells_mode(at, version, grid, "How to edit")
    assert any("Each coloured patch" in c.value for c in at.caption)
    assert any("No cells picked yet" in i.value for i in at.info)
