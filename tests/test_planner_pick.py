"""Issue 10: pick the unit to edit by clicking the map.

A click the map reports (``_PickClicks``: outside the editable shapes, no draw tool
active) picks the neighbour under it; a click on an editable unit, on the parent or
outside everything picks nothing. Hand-drawn fixture (lon 0-3, lat 0-1): the parent P
holds the editable children a and b; its neighbour Q holds q1; R has no units inside::

    +---+---+-------+-------+
    | a | b |  Q    |  R    |
    |   |   | (q1)  |       |
    +---+---+-------+-------+
     0   .5  1       2       3

The browser side (a real click selecting a neighbour) is in tests/browser/test_planner.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pytest
import shapely

from gridmap.maps.plan import EditView, Pick, plan_map, read_pick
from gridmap.maps.tiles import OFFLINE
from gridmap.plan import versions
from gridmap.ui import planner
from tests.test_planner_page import new_draft, planner_session, run_page

PLAN = gpd.GeoDataFrame(
    {"code": ["P", "Q", "R", "a", "b", "q1"], "name": ["P", "Q", "R", "a", "b", "q1"],
     "level": ["grid", "grid", "grid", "micro", "micro", "micro"],
     "parent_code": ["V", "V", "V", "P", "P", "Q"]},
    geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1),
              shapely.box(0, 0, 0.5, 1), shapely.box(0.5, 0, 1, 1), shapely.box(1, 0, 2, 1)],
    crs="EPSG:4326")
CHILDREN = PLAN[PLAN["parent_code"] == "P"]
CONTEXT = PLAN[PLAN["code"].isin(["P", "Q", "R"])]  # the parent first, as planner._context gives it


def _pick(lon: float, lat: float) -> Pick:
    return Pick(lon, lat, None, f"{lon},{lat}")


def test_a_click_on_a_neighbour_with_units_inside_picks_it() -> None:
    assert planner.picked_unit(PLAN, CHILDREN, CONTEXT, _pick(1.5, 0.5)) == "Q"


@pytest.mark.parametrize(("lon", "lat", "why"), [
    (0.25, 0.5, "an editable unit: that is editing"),
    (1.0, 0.5, "the edge of an editable unit"),
    (2.5, 0.5, "a neighbour with nothing inside to edit"),
    (5.0, 0.5, "outside every unit"),
])
def test_other_clicks_pick_nothing(lon: float, lat: float, why: str) -> None:
    assert planner.picked_unit(PLAN, CHILDREN, CONTEXT, _pick(lon, lat)) is None, why


def test_read_pick_takes_what_the_map_sends_and_refuses_anything_else() -> None:
    value = {"lat": 0.5, "lng": 1.5, "at": 1, "view": {"lat": 0.5, "lng": 1.4, "zoom": 12}}
    pick = read_pick(value, OFFLINE)
    assert pick is not None and (pick.lon, pick.lat) == (1.5, 0.5)
    assert pick.view == EditView(0.5, 1.4, 12.0)
    assert read_pick({**value, "at": 2}, OFFLINE).digest != pick.digest  # a second click on the same spot
    for bad in (None, [], "x", {"lat": "x", "lng": 1}, {"lat": 95, "lng": 1}, {"lng": 1},
                {"lat": float("nan"), "lng": 1}):
        assert read_pick(bad, OFFLINE) is None, bad


def test_the_map_reports_clicks_only_outside_the_editable_shapes_and_tools() -> None:
    html = plan_map(CHILDREN, CONTEXT, view=EditView(0.5, 1.0, 10), tiles=OFFLINE).get_root().render()
    assert "last_geocoder_result" in html
    for event in ("draw:drawstart", "draw:editstart", "draw:drawstop", "draw:editstop", "_gridmapEditable"):
        assert event in html


def test_open_picked_opens_the_unit_and_hands_it_to_the_unit_box(monkeypatch: pytest.MonkeyPatch) -> None:
    class Rerun(Exception):
        pass

    def rerun() -> None:
        raise Rerun

    fake = SimpleNamespace(session_state={}, rerun=rerun)
    monkeypatch.setattr(planner, "st", fake)
    bench = SimpleNamespace(parent="P", view=EditView(0, 0, 3), pending=shapely.box(0, 0, 1, 1))
    with pytest.raises(Rerun):
        planner.open_picked(bench, "Q", names={"Q": "东门网格"}, lang="zh")  # type: ignore[arg-type]
    assert (bench.parent, bench.view, bench.pending) == ("Q", None, None)
    assert fake.session_state[planner.PICK_KEY] == "Q"
    kind, text = fake.session_state[planner.MESSAGE_KEY]
    assert kind == "info" and "东门网格" in text


def test_a_unit_picked_on_the_map_becomes_the_unit_box_value(monkeypatch: pytest.MonkeyPatch,
                                                             planner_db_url: str) -> None:
    at = new_draft(run_page(monkeypatch, planner_db_url))
    version = int(at.selectbox(key="plan_draft_choice").value)
    plan = versions.load_plan(planner_session(planner_db_url), version)
    grids = plan[(plan["level"] == "grid") & plan["code"].isin(set(plan["parent_code"].dropna()))]
    first, second = (str(c) for c in grids["code"].iloc[:2])
    at.selectbox(key=f"plan_unit_{version}").set_value(first).run()
    at.text_input(key="plan_search").set_value("no such unit anywhere")  # cleared by the pick
    bench = at.session_state[planner.STATE_KEY]
    bench.parent = second  # what open_picked does in the run that saw the click
    at.session_state[planner.PICK_KEY] = second
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key=f"plan_unit_{version}").value == second
    assert at.text_input(key="plan_search").value == ""
    assert at.session_state[planner.STATE_KEY].parent == second


@pytest.fixture
def planner_db_url(demo_copy_url: str) -> str:
    return demo_copy_url
