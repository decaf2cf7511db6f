"""Regression: a department handler's read of one history event was slow (issue 8, defect 13).

``Session._where`` first listed every issue id of the department and sent them back as
an ``IN (...)`` list (~480 ms on PostGIS at county scale, 1.4 ms for a commander). The
history carries the issue's ``department`` (schema version 3), so the read is one
store query filtered on it; a re-routed issue's history follows it in the same
transaction. Both backends; the store's reads are counted, not mocked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from gridmap.access import Op, PermissionDenied, Session, User
from gridmap.domain import Role
from gridmap.store import Store
from tests.store_fixtures import COUNTY, SCOPE

COUNTY_UNIT = f"{COUNTY}000000"


@pytest.fixture
def history(tiny_store: Store) -> Store:
    """One event per tiny issue, each carrying its issue's department."""
    issues = tiny_store.read("issues", SCOPE)
    events = pd.DataFrame({"id": [f"e-{i}" for i in issues["id"]], "issue_id": issues["id"],
                           "at": dt.datetime(2026, 11, 20, 8), "actor": "seed", "to_status": issues["status"],
                           "micro_code": issues["micro_code"], "department": issues["department"]})
    with tiny_store.transaction("seed", SCOPE) as tx:
        tx.insert("issue_events", events)
    return tiny_store


@pytest.fixture
def reads(history: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every read the store runs: (layer, where)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    original = type(history)._read

    def counted(self: Store, conn: Any, layer_name: str, scope: Any, **kwargs: Any) -> Any:
        seen.append((layer_name, dict(kwargs.get("where") or {})))
        return original(self, conn, layer_name, scope, **kwargs)

    monkeypatch.setattr(type(history), "_read", counted)
    yield seen


def test_department_history_read_is_one_filtered_query(history: Store, reads: list) -> None:
    handler = Session(history, User("dept", Role.DEPARTMENT, COUNTY_UNIT, department="enforcement"))
    found = handler.read("issue_events", where={"id": "e-i1"})
    assert found["id"].tolist() == ["e-i1"]
    assert reads == [("issue_events", {"id": "e-i1", "department": "enforcement"})]
    reads.clear()
    assert handler.read("issue_events", where={"id": "e-i2"}).empty  # another department's
    assert len(reads) == 1


def test_commander_history_read_is_one_query_too(history: Store, reads: list) -> None:
    commander = Session(history, User("cmd", Role.COMMANDER, COUNTY_UNIT))
    assert commander.read("issue_events", where={"id": "e-i2"})["id"].tolist() == ["e-i2"]
    assert reads == [("issue_events", {"id": "e-i2"})]


def test_rerouting_an_issue_moves_its_history_to_the_new_department(history: Store) -> None:
    from gridmap.workflow import transition_issue

    with history.transaction("setup", SCOPE) as tx:
        tx.update("issues", "i1", {"status": "accepted"})
    old = Session(history, User("old", Role.DEPARTMENT, COUNTY_UNIT, department="enforcement"))
    new = Session(history, User("new", Role.DEPARTMENT, COUNTY_UNIT, department="housing"))
    assert "e-i1" in set(old.read("issue_events")["id"])
    transition_issue(Session(history, User("cmd", Role.COMMANDER, COUNTY_UNIT)), "i1", "dispatched",
                     department="housing")
    assert "i1" not in set(old.read("issue_events")["issue_id"])
    assert set(new.read("issue_events")["issue_id"]) == {"i1"}
    assert len(new.read("issue_events")) == 2  # the seed event and the dispatch
    with pytest.raises(PermissionDenied, match=r"gridmap\.workflow"), old.write(Op.HANDLE_ISSUE) as tx:
        tx.update("issues", "i1", {"department": "enforcement"})  # taking it back by hand: refused
