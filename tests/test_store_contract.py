"""The store contract: the same tests run against SQLite and PostGIS."""

from __future__ import annotations

import datetime as dt
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.domain import LAYERS, Level, Scope
from gridmap.store import NotFound, ScopeError, Store, StoreError
from gridmap.store.base import SCHEMA_VERSION
from tests.store_fixtures import (
    G1,
    G2,
    M1,
    M2,
    M3,
    M4,
    SCOPE,
    VILLAGE,
    tiny_issues,
    tiny_units,
)


def test_migrate_is_idempotent(store: Store) -> None:
    assert store.migrate() == SCHEMA_VERSION
    assert store.migrate() == SCHEMA_VERSION
    for name in LAYERS:
        assert store.count(name, SCOPE) == 0


def test_round_trip_keeps_values_and_types(tiny_store: Store) -> None:
    units = tiny_store.read("units", SCOPE)
    assert isinstance(units, gpd.GeoDataFrame)
    assert units.crs.to_epsg() == 4326
    assert len(units) == 9
    assert list(units.columns) == [*LAYERS["units"].columns, "geometry"]
    m1 = units.set_index("code").loc[M1]
    assert m1["name"] == "第1微网格"
    assert m1["households"] == 30 and str(units["households"].dtype) == "Int64"
    assert m1["risk_set_at"] == pd.Timestamp("2026-11-01 09:30")
    assert m1["staff"] == [{"name": "张三", "role": "grid_leader"}]
    assert bool(m1["approximate"]) is True
    assert m1.geometry.equals(shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.41, 27.52)]))

    issues = tiny_store.read("issues", SCOPE).set_index("id")
    assert issues.loc["i2", "description"] == "路灯损坏 <b>"
    assert pd.isna(issues.loc["i1", "closed_at"])
    assert issues.loc["i2", "closed_at"] == pd.Timestamp("2026-11-02 10:00")
    assert issues.loc["i3", "outside"] is np.True_ or issues.loc["i3", "outside"] is True
    assert issues.loc["i3", "micro_code"] is None
    assert issues.loc["i1", "geometry"].equals(shapely.Point(120.405, 27.515))


def test_dates_and_json_lists(store: Store) -> None:
    frame = gpd.GeoDataFrame(
        {"id": ["s1"], "name": ["助考小站"], "station_type": ["exam_help"],
         "opened": [dt.date(2026, 6, 1)], "closes": [dt.date(2026, 6, 10)],
         "services": [["饮水", "应急药品"]], "funding_yuan": [3000],
         "town_code": [None], "village_code": [None], "grid_code": [None], "micro_code": [None],
         "outside": [True]},
        geometry=[shapely.Point(120.4, 27.5)], crs="EPSG:4326")
    store.insert("stations", frame, actor="t", scope=SCOPE)
    row = store.read("stations", SCOPE).iloc[0]
    assert row["opened"] == dt.date(2026, 6, 1)
    assert row["closes"] == dt.date(2026, 6, 10)
    assert row["services"] == ["饮水", "应急药品"]
    assert row["funding_yuan"] == 3000


@pytest.mark.parametrize(
    ("unit", "level", "units_seen", "issues_seen"),
    [
        (None, Level.COUNTY, 9, {"i1", "i2", "i3"}),
        (VILLAGE, Level.VILLAGE, 7, {"i1", "i2"}),
        (G1, Level.GRID, 3, {"i1"}),
        (M4, Level.MICRO, 1, {"i2"}),
    ],
)
def test_reads_are_limited_to_the_scope(tiny_store: Store, unit, level, units_seen, issues_seen) -> None:
    scope = Scope("330327", unit, level)
    assert len(tiny_store.read("units", scope)) == units_seen
    assert set(tiny_store.read("issues", scope)["id"]) == issues_seen
    assert tiny_store.count("issues", scope) == len(issues_seen)


def test_other_county_sees_nothing(tiny_store: Store) -> None:
    other = Scope.county("330723")
    assert tiny_store.read("units", other).empty
    assert tiny_store.count("issues", other) == 0


def test_write_outside_scope_is_refused_and_nothing_written(tiny_store: Store) -> None:
    scope = Scope("330327", G1, Level.GRID)
    extra = tiny_issues().iloc[[1]].assign(id="i9")  # lies in M4, grid G2
    with pytest.raises(ScopeError, match="outside your jurisdiction"):
        tiny_store.insert("issues", extra, actor="worker", scope=scope)
    assert tiny_store.count("issues", SCOPE) == 3
    with pytest.raises((ScopeError, NotFound)):
        tiny_store.update("issues", "i2", {"status": "accepted"}, actor="worker", scope=scope)
    assert tiny_store.read("issues", SCOPE, where={"id": "i2"}).iloc[0]["status"] == "closed"


def test_update_cannot_move_a_row_out_of_scope(tiny_store: Store) -> None:
    scope = Scope("330327", G1, Level.GRID)
    with pytest.raises(ScopeError):
        tiny_store.update("issues", "i1", {"micro_code": M4}, actor="worker", scope=scope)
    assert tiny_store.read("issues", SCOPE, where={"id": "i1"}).iloc[0]["micro_code"] == M1


def test_transaction_is_all_or_nothing(tiny_store: Store) -> None:
    audit_before = len(tiny_store.audit_log(SCOPE, limit=1000))
    with pytest.raises(RuntimeError), tiny_store.transaction("tester", SCOPE) as tx:
        tx.insert("issues", tiny_issues().assign(id=["a", "b", "c"]))
        tx.update("issues", "i1", {"status": "accepted"})
        raise RuntimeError("power cut")
    assert tiny_store.count("issues", SCOPE) == 3
    assert tiny_store.read("issues", SCOPE, where={"id": "i1"}).iloc[0]["status"] == "reported"
    assert len(tiny_store.audit_log(SCOPE, limit=1000)) == audit_before


def test_a_database_error_mid_transaction_rolls_back_earlier_writes(tiny_store: Store) -> None:
    with pytest.raises(StoreError), tiny_store.transaction("tester", SCOPE) as tx:
        tx.insert("issues", tiny_issues().assign(id=["n1", "n2", "n3"]))
        tx.insert("issues", tiny_issues())  # ids i1..i3 exist already
    assert tiny_store.count("issues", SCOPE) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(status="lost"), "expected one of"),
        (lambda f: f.drop(columns=["category"]), "required column 'category'"),
        (lambda f: f.assign(id=["x", "x", "y"]), "appears twice"),
        (lambda f: f.drop(columns=["micro_code"]), "not assigned"),
        (lambda f: f.to_crs("EPSG:4549"), "EPSG:4549"),
        (lambda f: f.set_geometry([shapely.Point(np.nan, 27.5)] * 3), "NaN"),
        (lambda f: f.set_geometry([shapely.Point(27.5, 120.4)] * 3), "outside longitude/latitude"),
        (lambda f: f.set_geometry([shapely.box(120.4, 27.5, 120.41, 27.51)] * 3), "expected Point"),
        (lambda f: f.set_geometry([shapely.Point()] * 3), "empty"),
    ],
)
def test_bad_rows_are_refused_with_a_clear_message(store: Store, change, message) -> None:
    with pytest.raises(StoreError, match=message):
        store.insert("issues", change(tiny_issues()), actor="t", scope=SCOPE)
    assert store.count("issues", SCOPE) == 0


def test_every_write_appends_an_audit_row_in_its_transaction(tiny_store: Store) -> None:
    tiny_store.update("issues", "i1", {"status": "accepted"}, actor="王网格员", scope=SCOPE)
    log = tiny_store.audit_log(SCOPE, limit=10)
    newest = log.iloc[0]
    assert newest["actor"] == "王网格员"
    assert newest["action"] == "update"
    assert newest["layer"] == "issues" and newest["target"] == "i1"
    assert '"reported"' in newest["before"] and '"accepted"' in newest["after"]
    assert set(log["action"]) >= {"insert", "update"}


def test_where_filters(tiny_store: Store) -> None:
    assert set(tiny_store.read("issues", SCOPE, where={"status": ["reported", "closed"]})["id"]) == {"i1", "i2"}
    assert set(tiny_store.read("issues", SCOPE, where={"micro_code": None})["id"]) == {"i3"}
    assert tiny_store.read("issues", SCOPE, where={"status": []}).empty
    assert set(tiny_store.read("units", SCOPE, where={"level": "grid"})["code"]) == {G1, G2}
    with pytest.raises(StoreError, match="unknown column"):
        tiny_store.read("issues", SCOPE, where={"colour": "red"})


def test_column_subset_without_geometry(tiny_store: Store) -> None:
    df = tiny_store.read("units", SCOPE, columns=["code", "households"])
    assert list(df.columns) == ["code", "households"]
    assert not isinstance(df, gpd.GeoDataFrame)


def test_bbox_and_spatial_predicates(tiny_store: Store) -> None:
    in_box = tiny_store.read("issues", SCOPE, bbox=(120.40, 27.51, 120.41, 27.52))
    assert set(in_box["id"]) == {"i1"}
    probe = shapely.box(120.4005, 27.5105, 120.4095, 27.5195)  # inside M1
    assert set(tiny_store.intersecting("units", SCOPE, probe, "contains")["code"]) == {
        "330327000000", "330327100000", VILLAGE, G1, M1}
    assert set(tiny_store.intersecting("units", SCOPE, shapely.box(120.39, 27.49, 120.425, 27.525),
                                       "within")["code"]) >= {M1, M4}
    line = shapely.LineString([(120.405, 27.505), (120.415, 27.505)])  # crosses M3 and M4
    micro = tiny_store.intersecting("units", SCOPE, line)
    assert set(micro.loc[micro["level"] == "micro", "code"]) == {M3, M4}
    with pytest.raises(StoreError, match="predicate"):
        tiny_store.intersecting("units", SCOPE, line, "touches_maybe")


def test_update_many_and_replace_and_delete(tiny_store: Store) -> None:
    frame = pd.DataFrame({"id": ["i1", "i2"], "status": ["accepted", "closed"]})
    with tiny_store.transaction("t", SCOPE) as tx:
        assert tx.update_many("issues", frame, ["status"]) == 2
    assert tiny_store.read("issues", SCOPE, where={"id": "i1"}).iloc[0]["status"] == "accepted"
    with tiny_store.transaction("t", SCOPE) as tx:
        assert tx.replace("units", tiny_units().iloc[3:5], where={"level": ["grid", "micro"]}) == 2
    assert tiny_store.count("units", SCOPE) == 5
    assert tiny_store.count("units", SCOPE, where={"level": "micro"}) == 0
    with tiny_store.transaction("t", SCOPE) as tx:
        assert tx.delete("issues", ["i3"]) == 1
    assert set(tiny_store.read("issues", SCOPE)["id"]) == {"i1", "i2"}
    assert tiny_store.audit_log(SCOPE, limit=1).iloc[0]["action"] == "delete"


def test_meta_and_counties(tiny_store: Store) -> None:
    assert tiny_store.get_meta("330327", "plan_version") == "1"
    assert tiny_store.current_plan("330327") == 1
    with tiny_store.transaction("t", SCOPE) as tx:
        tx.set_meta("plan_version", "2")
    assert tiny_store.current_plan("330327") == 2
    assert tiny_store.get_meta("330327", "missing") is None
    assert tiny_store.counties() == ["330327"]


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    """Four threads, 25 transactions each: every one must land (BEGIN IMMEDIATE + busy timeout)."""
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for j in range(25):
                frame = tiny_issues().iloc[[0]].assign(id=f"w{k}-{j}")
                store.insert("issues", frame, actor=f"writer{k}", scope=SCOPE)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count("issues", SCOPE) == 100
    assert len(store.audit_log(SCOPE, limit=1000)) == 100


def test_update_many_refuses_rows_outside_the_scope(tiny_store: Store) -> None:
    grid = Scope("330327", G1, Level.GRID)
    moved_in = pd.DataFrame({"id": ["i2"], "micro_code": [M1]})  # i2 lies in G2: outside
    with pytest.raises(ScopeError), tiny_store.transaction("worker", grid) as tx:
        tx.update_many("issues", moved_in, ["micro_code"])
    moved_out = pd.DataFrame({"id": ["i1"], "micro_code": [M4]})
    with pytest.raises(ScopeError), tiny_store.transaction("worker", grid) as tx:
        tx.update_many("issues", moved_out, ["micro_code"])
    codes = tiny_store.read("issues", SCOPE, columns=["id", "micro_code"]).set_index("id")["micro_code"]
    assert codes["i1"] == M1 and codes["i2"] == M4
    with pytest.raises(StoreError, match="cannot change"), tiny_store.transaction("t", SCOPE) as tx:
        tx.update_many("issues", moved_in, ["county_code"])


def test_long_county_codes_are_normalised(store: Store) -> None:
    scope = Scope("330327000000")
    assert scope.county_code == "330327"
    store.insert("units", tiny_units().assign(county_code="330327000000"), actor="t", scope=scope)
    assert store.count("units", Scope.county("330327")) == 9
    assert store.audit_log(scope, limit=5).iloc[0]["county_code"] == "330327"


def test_geometry_update_is_validated_and_normalised(tiny_store: Store) -> None:
    unit_id = f"{M1}:1"
    square = shapely.box(120.40, 27.51, 120.41, 27.52)
    tiny_store.update("units", unit_id, {"geometry": square}, actor="planner", scope=SCOPE)
    stored = tiny_store.read("units", SCOPE, where={"id": unit_id}).iloc[0].geometry
    assert stored.geom_type == "MultiPolygon" and stored.equals(shapely.MultiPolygon([square]))
    with pytest.raises(StoreError, match="expected Polygon"):
        tiny_store.update("units", unit_id, {"geometry": shapely.Point(120.4, 27.5)}, actor="p", scope=SCOPE)


def test_bbox_is_exact_at_the_edge(tiny_store: Store) -> None:
    # M1 ends at x = 120.41; a box starting 1e-7 degrees further east must not return it
    found = tiny_store.read("units", SCOPE, bbox=(120.4100001, 27.515, 120.415, 27.516))
    assert M1 not in set(found["code"])
    assert M2 in set(found["code"])
    points = tiny_store.read("issues", SCOPE, bbox=(120.4050001, 27.0, 121.0, 28.0))
    assert "i1" not in set(points["id"])


def test_issue_history_is_scoped_like_its_issue(tiny_store: Store) -> None:
    events = pd.DataFrame({
        "id": ["e1", "e2", "e3"], "issue_id": ["i1", "i2", "i3"],
        "at": [dt.datetime(2026, 11, 20, 9, 0)] * 3, "actor": ["甲", "乙", "丙"],
        "from_status": ["reported"] * 3, "to_status": ["accepted"] * 3,
        "note": ["受理", "受理", "受理"], "micro_code": [M1, M4, None],
    })
    tiny_store.insert("issue_events", events, actor="t", scope=SCOPE)
    assert set(tiny_store.read("issue_events", Scope("330327", G1, Level.GRID))["issue_id"]) == {"i1"}
    assert set(tiny_store.read("issue_events", Scope("330327", M4, Level.MICRO))["issue_id"]) == {"i2"}
    assert tiny_store.count("issue_events", SCOPE) == 3
