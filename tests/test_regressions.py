"""Regression tests for store bugs found in review; each runs against both backends."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from gridmap.domain import Level, Scope
from gridmap.store import NotFound, ScopeError, Store, StoreError
from tests.store_fixtures import G1, M1, M2, SCOPE, tiny_units

GRID = Scope("330327", G1, Level.GRID)


def _issue(store: Store, row_id: str) -> pd.Series:
    return store.read("issues", SCOPE, where={"id": row_id}).iloc[0]


def test_update_many_null_scope_column_is_outside_the_scope(tiny_store: Store) -> None:
    # SQLite's check used NOT (code >= p AND code < q), which is NULL (not true) for a
    # NULL code: a grid worker could clear micro_code and push a row out of the grid,
    # and rows outside every micro-grid were skipped silently (PostGIS refuses both).
    with pytest.raises(ScopeError), tiny_store.transaction("worker", GRID) as tx:
        tx.update_many("issues", pd.DataFrame({"id": ["i1"], "micro_code": [None]}), ["micro_code"])
    assert _issue(tiny_store, "i1")["micro_code"] == M1
    with pytest.raises(ScopeError), tiny_store.transaction("worker", GRID) as tx:
        tx.update_many("issues", pd.DataFrame({"id": ["i3"], "status": ["accepted"]}), ["status"])
    assert _issue(tiny_store, "i3")["status"] == "in_progress"


def test_update_and_update_many_validate_choices_and_required_fields(tiny_store: Store) -> None:
    with pytest.raises(StoreError, match="expected one of"):
        tiny_store.update("issues", "i2", {"status": "bogus"}, actor="t", scope=SCOPE)
    with pytest.raises(StoreError, match="expected one of"), tiny_store.transaction("t", SCOPE) as tx:
        tx.update_many("issues", pd.DataFrame({"id": ["i1"], "status": ["bogus"]}), ["status"])
    with pytest.raises(StoreError, match="category"):
        tiny_store.update("issues", "i2", {"category": None}, actor="t", scope=SCOPE)
    with pytest.raises(StoreError, match="category"), tiny_store.transaction("t", SCOPE) as tx:
        tx.update_many("issues", pd.DataFrame({"id": ["i1"], "category": [None]}), ["category"])
    assert _issue(tiny_store, "i1")["status"] == "reported"
    assert _issue(tiny_store, "i2")["status"] == "closed"
    assert _issue(tiny_store, "i2")["category"] == "traffic"


def test_update_with_no_changes_is_harmless(tiny_store: Store) -> None:
    row = tiny_store.update("issues", "i2", {}, actor="t", scope=SCOPE)
    assert row["status"] == "closed"


def test_invalid_json_text_is_refused_and_the_layer_stays_readable(tiny_store: Store) -> None:
    # SQLite stored the raw text and every later read of the layer failed in json.loads.
    with pytest.raises(StoreError, match="JSON"):
        tiny_store.update("units", f"{M1}:1", {"staff": "张三"}, actor="t", scope=SCOPE)
    with pytest.raises(StoreError, match="JSON"):
        tiny_store.insert("units", tiny_units().assign(id=lambda f: f["id"] + "x", staff="张三"),
                          actor="t", scope=SCOPE)
    units = tiny_store.read("units", SCOPE)
    assert len(units) == 9
    assert units.set_index("code").loc[M1, "staff"] == [{"name": "张三", "role": "grid_leader"}]


def test_update_many_encodes_field_values_like_insert(tiny_store: Store) -> None:
    staff = [{"name": "李四", "role": "grid_worker"}]
    with tiny_store.transaction("t", SCOPE) as tx:
        assert tx.update_many("units", pd.DataFrame({"id": [f"{M2}:1"], "staff": [staff]}), ["staff"]) == 1
    assert tiny_store.read("units", SCOPE, where={"id": f"{M2}:1"}).iloc[0]["staff"] == staff


def test_update_many_missing_ids_are_reported(tiny_store: Store) -> None:
    frame = pd.DataFrame({"id": ["i1", "no-such-issue"], "status": ["accepted", "accepted"]})
    with pytest.raises(NotFound, match="no-such-issue"), tiny_store.transaction("t", SCOPE) as tx:
        tx.update_many("issues", frame, ["status"])
    assert _issue(tiny_store, "i1")["status"] == "reported"


def test_update_many_duplicate_ids_are_refused(tiny_store: Store) -> None:
    # SQLite applied both rows (count 2), PostGIS one of them at random (count 1).
    frame = pd.DataFrame({"id": ["i1", "i1"], "status": ["accepted", "invalid"]})
    with pytest.raises(StoreError, match="appears twice"), tiny_store.transaction("t", SCOPE) as tx:
        tx.update_many("issues", frame, ["status"])
    assert _issue(tiny_store, "i1")["status"] == "reported"


def test_values_that_do_not_convert_give_a_store_error(tiny_store: Store) -> None:
    unit = f"{M2}:1"
    with pytest.raises(StoreError, match="households"):
        tiny_store.update("units", unit, {"households": "abc"}, actor="t", scope=SCOPE)
    with pytest.raises(StoreError, match="households"):
        tiny_store.update("units", unit, {"households": 3.7}, actor="t", scope=SCOPE)
    with pytest.raises(StoreError, match="approximate"):
        tiny_store.update("units", unit, {"approximate": "false"}, actor="t", scope=SCOPE)
    row = tiny_store.read("units", SCOPE, where={"id": unit}).iloc[0]
    assert row["households"] == 30 and bool(row["approximate"]) is True


def test_intersecting_with_an_empty_geometry_is_refused(tiny_store: Store) -> None:
    with pytest.raises(StoreError, match="empty"):
        tiny_store.intersecting("units", SCOPE, shapely.Point())
