"""Two planners at once, per unit: saves of the same draft that changed different units
that do not touch are merged; the same or touching units are still refused (both
backends, and racing in threads).

A county of three grids in a row, each of two micro-grids side by side::

    27.51 +-----+-----+-----+-----+-----+-----+
          | A1  | A2  | B1  | B2  | C1  | C2  |     grids A, B, C (village V)
    27.50 +-----+-----+-----+-----+-----+-----+
        120.40      120.42      120.44      120.46

Ann moves the A1|A2 edge, Bob the C1|C2 edge: A and C are 0.02° apart, so both saves
stand (merged). Carol moves the B1|B2 edge: B1 touches A2 (Ann's), so her save is
refused with the usual diff and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import threading

import geopandas as gpd
import pytest
import shapely

from gridmap.plan import versions as v
from gridmap.plan.errors import PlanConflict
from gridmap.store import Store
from tests.plan_version_fixtures import assert_published_plan_is_sound, planner
from tests.store_fixtures import SCOPE

VILLAGE = "330327100001"
A, B, C = (VILLAGE + g for g in ("01", "02", "03"))
A1, A2, B1, B2, C1, C2 = (g + m for g in (A, B, C) for m in ("001", "002"))


def _box(x0: float, x1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, 27.50, x1, 27.51)])


def _units() -> gpd.GeoDataFrame:
    rows = [("330327000000", "county", "苍南县", None, _box(120.40, 120.46)),
            ("330327100000", "town", "灵溪镇", "330327000000", _box(120.40, 120.46)),
            (VILLAGE, "village", "古磉居委会", "330327100000", _box(120.40, 120.46))]
    for g, (grid, x0) in enumerate(((A, 120.40), (B, 120.42), (C, 120.44))):
        rows.append((grid, "grid", f"第{g + 1}网格", VILLAGE, _box(x0, x0 + 0.02)))
        rows.append((grid + "001", "micro", f"第{g + 1}网格1号", grid, _box(x0, x0 + 0.01)))
        rows.append((grid + "002", "micro", f"第{g + 1}网格2号", grid, _box(x0 + 0.01, x0 + 0.02)))
    return gpd.GeoDataFrame({
        "id": [f"{r[0]}:1" for r in rows], "code": [r[0] for r in rows], "level": [r[1] for r in rows],
        "name": [r[2] for r in rows], "parent_code": [r[3] for r in rows], "households": [30] * len(rows),
        "residents": [90] * len(rows), "risk_colour": ["cyan"] * len(rows),
        "risk_set_at": [dt.datetime(2026, 11, 1, 9, 30)] * len(rows),
        "staff": [[{"name": "张三", "role": "grid_leader"}]] * len(rows), "plan_version": [1] * len(rows)},
        geometry=[r[4] for r in rows], crs="EPSG:4326")


@pytest.fixture
def draft(store: Store) -> Store:
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", _units())
        tx.set_meta("plan_version", "1")
    v.create_draft(planner(store, "ann"), "共同草稿")
    return store


def _move_edge(plan: gpd.GeoDataFrame, grid: str, x: float) -> tuple[gpd.GeoDataFrame, set[str]]:
    """The edge between the grid's two micro-grids moved to ``x``."""
    out = plan.copy()
    x0, _, x1, _ = out.loc[out["code"] == grid].geometry.iloc[0].bounds
    out.loc[out["code"] == grid + "001", "geometry"] = [_box(x0, x)]
    out.loc[out["code"] == grid + "002", "geometry"] = [_box(x, x1)]
    return out, {grid + "001", grid + "002"}


def _x(store: Store, code: str) -> float:
    plan = v.load_plan(planner(store), 2)
    return float(plan.loc[plan["code"] == code].geometry.iloc[0].bounds[2])


def test_saves_of_units_far_apart_are_merged_and_touching_ones_refused(draft: Store) -> None:
    ann, bob, carol = planner(draft, "ann"), planner(draft, "bob"), planner(draft, "carol")
    loaded = {n: v.load_plan(s, 2) for n, s in (("ann", ann), ("bob", bob), ("carol", carol))}
    ann_plan, ann_codes = _move_edge(loaded["ann"], A, 120.412)
    v.save_draft(ann, 2, ann_plan, changed=ann_codes, removed=set(), expected_revision=0)

    bob_plan, bob_codes = _move_edge(loaded["bob"], C, 120.455)
    saved = v.save_draft(bob, 2, bob_plan, changed=bob_codes, removed=set(), expected_revision=0)
    assert saved.revision == 2
    assert saved.merged == tuple(sorted(ann_codes)) and saved.merged_authors == ("ann",)
    assert (_x(draft, A1), _x(draft, C1)) == (pytest.approx(120.412), pytest.approx(120.455))  # both kept
    saves = v.plan_saves(bob, 2)
    assert saves["author"].tolist() == ["ann", "bob"]
    assert "merged" in str(saves["note"].iloc[-1])

    carol_plan, carol_codes = _move_edge(loaded["carol"], B, 120.425)  # B1 touches A2 (Ann's)
    snapshot = carol_plan.copy()
    with pytest.raises(PlanConflict) as refused:
        v.save_draft(carol, 2, carol_plan, changed=carol_codes, removed=set(), expected_revision=0)
    assert isinstance(refused.value, v.DraftConflict)
    assert set(refused.value.units) == ann_codes | bob_codes
    for lang in ("zh", "en"):
        assert "ann" in refused.value.text(lang) and A2 in refused.value.text(lang)
    assert carol_plan.equals(snapshot)  # nothing lost
    assert _x(draft, B1) == pytest.approx(120.43) and v.plan_info(carol, 2).revision == 2  # nothing written
    v.publish(carol, 2)
    assert_published_plan_is_sound(draft)


def test_the_same_unit_saved_twice_is_refused(draft: Store) -> None:
    ann, bob = planner(draft, "ann"), planner(draft, "bob")
    plan = v.load_plan(ann, 2)
    first, codes = _move_edge(plan, A, 120.412)
    v.save_draft(ann, 2, first, changed=codes, removed=set(), expected_revision=0)
    second, _ = _move_edge(plan, A, 120.405)
    with pytest.raises(PlanConflict):
        v.save_draft(bob, 2, second, changed={A1}, removed=set(), expected_revision=0)
    assert _x(draft, A1) == pytest.approx(120.412)


def test_saves_racing_in_threads_far_apart_both_stand(draft: Store) -> None:
    names = {"ann": (A, 120.412), "bob": (C, 120.455)}
    plans = {n: _move_edge(v.load_plan(planner(draft, n), 2), g, x) for n, (g, x) in names.items()}
    results: dict[str, object] = {}
    start = threading.Barrier(len(names))

    def save(name: str) -> None:
        start.wait()
        try:
            plan, codes = plans[name]
            results[name] = v.save_draft(planner(draft, name), 2, plan, changed=codes, removed=set(),
                                         expected_revision=0)
        except PlanConflict as exc:
            results[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(isinstance(r, v.PlanInfo) for r in results.values()), results
    assert sorted(r.revision for r in results.values()) == [1, 2]  # type: ignore[union-attr]
    assert sum(bool(r.merged) for r in results.values()) == 1  # type: ignore[union-attr]  # the later one merged
    assert (_x(draft, A1), _x(draft, C1)) == (pytest.approx(120.412), pytest.approx(120.455))
    assert sorted(v.plan_saves(planner(draft), 2)["author"]) == ["ann", "bob"]


def test_saves_racing_in_threads_on_touching_units_one_wins(draft: Store) -> None:
    names = {"ann": (A, 120.412), "bob": (B, 120.425)}  # A2 touches B1
    plans = {n: _move_edge(v.load_plan(planner(draft, n), 2), g, x) for n, (g, x) in names.items()}
    results: dict[str, object] = {}
    start = threading.Barrier(len(names))

    def save(name: str) -> None:
        start.wait()
        try:
            plan, codes = plans[name]
            results[name] = v.save_draft(planner(draft, name), 2, plan, changed=codes, removed=set(),
                                         expected_revision=0)
        except PlanConflict as exc:
            results[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(type(r).__name__ for r in results.values()) == ["DraftConflict", "PlanInfo"], results
    assert v.plan_info(planner(draft), 2).revision == 1
