"""Plan versions in the store (both backends): drafts, saves, the plans layer, permissions.

The tiny county and the draft "shifted" are drawn in tests/plan_version_fixtures.py.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from gridmap.access import Op, PermissionDenied
from gridmap.plan import versions as v
from gridmap.plan.errors import BadEdit, PlanError
from gridmap.plan.model import PLAN_COLUMNS
from gridmap.store import Store
from gridmap.store.base import PLAN_ACTIONS, AuditFilter
from tests.plan_version_fixtures import M1, M2, M4, SCOPE, TOWN, commander, planner, seed, shifted


@pytest.fixture
def county(store: Store) -> Store:
    seed(store)
    return store


def test_the_current_plan_is_listed_as_published_before_any_plan_was_written(county: Store) -> None:
    plans = v.list_plans(commander(county))
    assert plans["version"].tolist() == [1]
    assert plans["status"].tolist() == ["published"]
    assert v.plan_info(commander(county), 1).status == "published"
    with pytest.raises(PlanError, match="no plan version 7"):
        v.plan_info(commander(county), 7)


def test_create_draft_copies_the_current_plan_into_the_next_version(county: Store) -> None:
    session = planner(county)
    info = v.create_draft(session, "  灵溪镇 2027 调整 ", note="试做")
    assert (info.version, info.status, info.parent_version, info.revision, info.author) == (2, "draft", 1, 0,
                                                                                               "planner")
    assert info.name == "灵溪镇 2027 调整"
    draft, current = v.load_plan(session, 2), v.load_plan(session, 1)
    assert list(draft.columns) == list(PLAN_COLUMNS)
    assert draft["code"].tolist() == current["code"].tolist()
    assert all(a.equals(b) for a, b in zip(draft.geometry, current.geometry, strict=True))
    assert set(draft["plan_version"]) == {2}
    assert county.current_plan("330327") == 1  # a draft changes nothing on the map
    # the current plan got its plans row in the same transaction
    assert v.list_plans(session)[["version", "status"]].values.tolist() == [[1, "published"], [2, "draft"]]
    third = v.create_draft(session, "另一稿", from_version=2)
    assert (third.version, third.parent_version) == (3, 2)


def test_create_draft_refuses_a_missing_name_and_a_missing_source(county: Store) -> None:
    session = planner(county)
    with pytest.raises(PlanError, match="name"):
        v.create_draft(session, "   ")
    with pytest.raises(PlanError, match="9"):
        v.create_draft(session, "x", from_version=9)
    assert v.list_plans(session)["version"].tolist() == [1]


def test_save_draft_writes_only_the_changed_and_removed_units(county: Store) -> None:
    session = planner(county)
    info = v.create_draft(session, "稿")
    plan, changed = shifted(v.load_plan(session, info.version))
    plan = plan[plan["code"] != M4]  # and M4 removed (its area left as a gap on purpose)
    changed -= {M4}
    before_ids = set(county.read("units", SCOPE, where={"plan_version": 2})["id"])
    saved = v.save_draft(session, info.version, plan, changed=changed, removed={M4}, expected_revision=0)
    assert saved.revision == 1
    stored = v.load_plan(session, 2).set_index("code")
    assert M4 not in stored.index
    assert stored.loc[M1, "geometry"].equals(plan.set_index("code").loc[M1, "geometry"])
    after = county.read("units", SCOPE, where={"plan_version": 2})
    # unchanged units keep their rows, the risk colour of a changed one is kept
    untouched = before_ids & set(after["id"])
    assert len(untouched) == len(after) == 8
    assert after.set_index("code").loc[M2, "risk_colour"] == "cyan"
    saves = v.plan_saves(session, 2)
    assert saves[["revision", "author"]].values.tolist() == [[1, "planner"]]
    assert sorted(saves["changed"].iloc[0]) == sorted(changed) and saves["removed"].iloc[0] == [M4]
    # the published plan is untouched
    assert len(v.load_plan(session, 1)) == 9


def test_an_added_unit_is_stored_with_the_draft(county: Store) -> None:
    session = planner(county)
    info = v.create_draft(session, "稿")
    plan = v.load_plan(session, 2)
    new = plan[plan["code"] == M2].copy()
    new["code"] = M2[:-3] + "003"
    new["name"] = "第5微网格"
    new["geometry"] = [shapely.MultiPolygon([shapely.box(120.415, 27.51, 120.42, 27.52)])]
    plan = gpd.GeoDataFrame(__import__("pandas").concat([plan, new], ignore_index=True), crs=plan.crs)
    v.save_draft(session, 2, plan, changed={new["code"].iloc[0]}, removed=set(), expected_revision=info.revision)
    assert v.load_plan(session, 2).set_index("code").loc[M2[:-3] + "003", "name"] == "第5微网格"


@pytest.mark.parametrize("case", ["changed_unknown", "removed_present", "duplicate", "bad_geometry", "bad_level"])
def test_save_draft_refuses_an_inconsistent_frame_and_writes_nothing(county: Store, case: str) -> None:
    session = planner(county)
    v.create_draft(session, "稿")
    plan = v.load_plan(session, 2)
    changed, removed = {M1}, set()
    if case == "changed_unknown":
        changed = {"33032710000199999"}
    elif case == "removed_present":
        removed = {M2}
    elif case == "duplicate":
        plan = gpd.GeoDataFrame(__import__("pandas").concat([plan, plan.iloc[[5]]]), crs=plan.crs)
    elif case == "bad_geometry":
        plan.loc[plan["code"] == M1, "geometry"] = shapely.LineString([(120.40, 27.51), (120.41, 27.52)])
    else:
        plan.loc[plan["code"] == M1, "level"] = "street"
    error = BadEdit if case in ("bad_geometry", "bad_level") else PlanError
    with pytest.raises(error):
        v.save_draft(session, 2, plan, changed=changed, removed=removed, expected_revision=0)
    assert v.plan_info(session, 2).revision == 0
    assert v.plan_saves(session, 2).empty


def test_published_and_superseded_plans_are_never_modified(county: Store) -> None:
    session = planner(county)
    plan, changed = shifted(v.load_plan(session, 1))
    with pytest.raises(PlanError, match="can no longer be changed") as refused:
        v.save_draft(session, 1, plan, changed=changed, removed=set(), expected_revision=1)
    assert "现行" in refused.value.text("zh")
    v.create_draft(session, "稿")
    v.publish(session, 2)
    with pytest.raises(PlanError, match="superseded"):
        v.save_draft(session, 1, plan, changed=changed, removed=set(), expected_revision=1)
    with pytest.raises(PlanError, match="published"):
        v.save_draft(session, 2, plan, changed=changed, removed=set(), expected_revision=0)
    with pytest.raises(PlanError):
        v.discard(session, 2)
    original = v.load_plan(session, 1).set_index("code")
    assert original.loc[M1, "geometry"].equals(shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.41, 27.52)]))


def test_a_commander_may_read_plans_but_not_write_them(county: Store) -> None:
    session = commander(county)
    assert len(v.list_plans(session)) == 1
    assert len(v.load_plan(session, 1)) == 9
    for attempt in (lambda: v.create_draft(session, "x"), lambda: v.publish(session, 1),
                    lambda: v.discard(session, 1), lambda: v.republish(session, 1)):
        with pytest.raises(PermissionDenied):
            attempt()
    with pytest.raises(PermissionDenied), session.write(Op.EDIT_UNITS):
        pass
    assert v.list_plans(session)["version"].tolist() == [1]


def test_a_town_planner_may_not_write_county_wide_plans(county: Store) -> None:
    county_planner = planner(county)
    info = v.create_draft(county_planner, "稿")
    town = planner(county, "town_planner", TOWN)
    plan, changed = shifted(v.load_plan(county_planner, info.version))
    with pytest.raises(v.PlanNotPermitted, match="county-wide") as refused:
        v.save_draft(town, info.version, plan, changed=changed, removed=set(), expected_revision=0)
    assert "全县" in refused.value.text("zh")
    with pytest.raises(PermissionDenied):
        v.publish(town, info.version)
    with pytest.raises(PermissionDenied):
        v.create_draft(town, "镇稿")
    assert v.plan_info(county_planner, info.version).revision == 0


def test_every_plan_write_is_audited(county: Store) -> None:
    session = planner(county)
    info = v.create_draft(session, "稿")
    plan, changed = shifted(v.load_plan(session, 2))
    v.save_draft(session, 2, plan, changed=changed, removed=set(), expected_revision=info.revision)
    v.publish(session, 2)
    third = v.create_draft(session, "再稿")
    v.discard(session, third.version)
    log = county.audit_log(SCOPE, limit=500, filters=AuditFilter(actor="planner"))
    actions = log["action"].tolist()
    for action in ("plan_draft", "plan_save", "plan_publish", "plan_discard"):
        assert action in actions
        assert action in PLAN_ACTIONS
    layers = set(log["layer"])
    assert {"units", "plans", "plan_saves", "meta", "households", "issues"} <= layers
    publish_row = log[log["action"] == "plan_publish"].iloc[0]
    assert '"plan_version": 1' in publish_row["before"] and '"plan_version": 2' in publish_row["after"]


def test_diff_names_each_kind_of_change() -> None:
    """Pure: two frames, no store."""
    from tests.store_fixtures import tiny_units

    old = tiny_units()
    new = old.copy()
    new.loc[new["code"] == M1, "geometry"] = shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.408, 27.52)])
    new.loc[new["code"] == M2, "name"] = "新名"
    new.loc[new["code"] == M4, "households"] = 44
    new = new[new["code"] != "33032710000102001"]
    extra = old[old["code"] == M2].copy()
    extra["code"] = "33032710000101009"
    new = gpd.GeoDataFrame(__import__("pandas").concat([new, extra]), crs=old.crs)
    # the same boundary written from another start vertex is not a reshape
    ring = list(old.loc[old["code"] == "33032710000101", "geometry"].iloc[0].geoms[0].exterior.coords)[:-1]
    rotated = shapely.MultiPolygon([shapely.Polygon(ring[1:] + ring[:1])])
    new.loc[new["code"] == "33032710000101", "geometry"] = rotated
    got = dict(zip(v.diff(old, new)["code"], v.diff(old, new)["change"], strict=True))
    assert got == {M1: "reshaped", M2: "renamed", M4: "recounted", "33032710000102001": "removed",
                   "33032710000101009": "added"}
    assert len(v.diff(old, old)) == 0
    assert set(v.diff(old, old, unchanged=True)["change"]) == {"unchanged"}


def test_a_save_that_only_removes_units(county: Store) -> None:
    session = planner(county)
    info = v.create_draft(session, "稿")
    plan = v.load_plan(session, 2)
    saved = v.save_draft(session, 2, plan[plan["code"] != M4], changed=set(), removed={M4},
                         expected_revision=info.revision)
    assert saved.revision == 1
    assert M4 not in set(v.load_plan(session, 2)["code"]) and len(v.load_plan(session, 2)) == 8
    assert len(v.load_plan(session, 1)) == 9
