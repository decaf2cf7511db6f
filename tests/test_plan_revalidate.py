"""Issue 10: after one edit, only what it touched is checked again
(:func:`gridmap.plan.checks.revalidate`), and the answer is the one a full
:func:`~gridmap.plan.checks.validate` gives -- for every kind of edit and problem.

On the small demo's plan (one town, 427 micro-grids, 13,591 households), each case
makes one edit the planner could make (or a broken one the checks must catch) and
compares the two lists as multisets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import geopandas as gpd
import pytest
import shapely

from gridmap.access import Session, User
from gridmap.plan import edit as plan_edit
from gridmap.plan import versions
from gridmap.plan.checks import PlanContext, revalidate, validate
from gridmap.plan.model import Problem
from gridmap.store import open_store


def _key(p: Problem) -> tuple[str, str, str, str, str]:
    params = {k: v for k, v in p.params.items() if k != "area_m2"}
    where = "" if p.where is None else shapely.normalize(p.where).wkb_hex
    return (p.check, p.severity, p.unit_code or "", repr(sorted(params.items())), where)


@pytest.fixture(scope="module")
def demo_plan(demo_db_url: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    store = open_store(demo_db_url)
    row = store.account("planner")
    assert row is not None
    session = Session(store, User.from_row(row))
    return versions.load_plan(session, session.current_plan()), session.read("households")


def _micro_pair(plan: gpd.GeoDataFrame) -> tuple[str, str]:
    micro = plan[plan["level"] == "micro"].reset_index(drop=True)
    for _grid, rows in micro.groupby("parent_code"):
        geoms = list(rows.geometry)
        for i in range(len(geoms)):
            for j in range(i + 1, len(geoms)):
                if shapely.intersection(geoms[i], geoms[j]).length > 0:
                    return str(rows["code"].iloc[i]), str(rows["code"].iloc[j])
    raise AssertionError("no neighbouring micro-grids")


def _set(plan: gpd.GeoDataFrame, code: str, **values: object) -> gpd.GeoDataFrame:
    out = plan.copy()
    for column, value in values.items():
        out.loc[out["code"] == code, column] = [value] if column == "geometry" else value
    return out


def _grow(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    a, _ = _micro_pair(plan)
    geom = plan.loc[plan["code"] == a].geometry.iloc[0]
    return _set(plan, a, geometry=shapely.buffer(geom, 5e-5, join_style="mitre"))  # ~5 m: overlaps, outside


def _drop(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    a, _ = _micro_pair(plan)
    return plan[plan["code"] != a].reset_index(drop=True)  # a gap in its grid


def _merge(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return plan_edit.merge(plan, list(_micro_pair(plan))).plan  # a bigger micro-grid (band)


def _split(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    a, _ = _micro_pair(plan)
    geom = plan.loc[plan["code"] == a].geometry.iloc[0]
    minx, miny, maxx, maxy = geom.bounds
    mid = (miny + maxy) / 2
    return plan_edit.split(plan, a, shapely.LineString([(minx - 1e-4, mid), (maxx + 1e-4, mid)])).plan


def _no_staff(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    grid = str(plan[plan["level"] == "grid"]["code"].iloc[0])
    return _set(plan, grid, staff=None)


def _wrong_parent(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    a, _ = _micro_pair(plan)
    village = str(plan[plan["level"] == "village"]["code"].iloc[-1])
    return _set(plan, a, parent_code=village)  # nesting, and a gap where it was


def _bow_tie(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    a, _ = _micro_pair(plan)
    x0, y0, x1, y1 = plan.loc[plan["code"] == a].geometry.iloc[0].bounds
    return _set(plan, a, geometry=shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)]))


def _grid_moves(plan: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    grid = str(plan[plan["level"] == "grid"]["code"].iloc[3])
    geom = plan.loc[plan["code"] == grid].geometry.iloc[0]
    return _set(plan, grid, geometry=shapely.affinity.translate(geom, 2e-4, 0))  # parent of micro-grids


EDITS: dict[str, Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]] = {
    "grow": _grow, "drop": _drop, "merge": _merge, "split": _split, "no_staff": _no_staff,
    "wrong_parent": _wrong_parent, "bow_tie": _bow_tie, "grid_moves": _grid_moves,
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_revalidate_after_one_edit_finds_what_a_full_check_finds(
        demo_plan: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], edit: str) -> None:
    plan, points = demo_plan
    before = validate(PlanContext(plan, households=points))
    after_plan = EDITS[edit](plan)
    full = validate(PlanContext(after_plan, households=points))
    quick = revalidate(plan, before, after_plan, households=points)
    assert Counter(map(_key, quick)) == Counter(map(_key, full))
    assert [p.severity for p in quick] == sorted((p.severity for p in quick), key=("error", "warning").index)
    if edit in ("grow", "drop", "wrong_parent", "bow_tie", "grid_moves"):
        assert {p.check for p in full} - {p.check for p in before}, "the edit should make a new problem"


def test_nothing_changed_gives_the_problems_back_and_a_second_edit_builds_on_the_first(
        demo_plan: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    plan, points = demo_plan
    before = validate(PlanContext(plan, households=points))
    assert revalidate(plan, before, plan.copy(), households=points) == before
    first = _grow(plan)
    step = revalidate(plan, before, first, households=points)
    second = _no_staff(first)
    twice = revalidate(first, step, second, households=points)
    assert Counter(map(_key, twice)) == Counter(map(_key, validate(PlanContext(second, households=points))))
