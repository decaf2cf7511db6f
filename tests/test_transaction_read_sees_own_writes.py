"""Regression: ``GuardedTransaction.read`` was not transactional on PostGIS.

It went through ``Session.read``, which took another pooled connection: right after
``tx.insert`` a read in the same transaction saw the new row on SQLite (1) and not on
PostGIS (0). Reads inside a transaction now run on the transaction's own connection.
"""

from __future__ import annotations

import threading

import pytest

from gridmap.access import Op, Session, User
from gridmap.store import Store
from tests.store_fixtures import COUNTY, M1, SCOPE, tiny_issues


def _one_issue(row_id: str):
    frame = tiny_issues().iloc[[0]].copy()
    frame["id"] = row_id
    return frame


def test_transaction_read_sees_its_own_insert(tiny_store: Store) -> None:
    with tiny_store.transaction("tester", SCOPE) as tx:
        tx.insert("issues", _one_issue("fresh"))
        assert len(tx.read("issues", where={"id": "fresh"})) == 1
        # and no other thread sees it before the commit
        seen: list[int] = []
        reader = threading.Thread(target=lambda: seen.append(len(tiny_store.read("issues", SCOPE,
                                                                                 where={"id": "fresh"}))))
        reader.start()
        reader.join()
        assert seen == [0]
    assert len(tiny_store.read("issues", SCOPE, where={"id": "fresh"})) == 1


def test_guarded_transaction_read_sees_its_own_insert(tiny_store: Store) -> None:
    worker = Session(tiny_store, User("w", "grid_worker", M1[:14]))
    with worker.write(Op.REPORT_ISSUE) as tx:
        tx.insert("issues", _one_issue("mine"))
        assert tx.read("issues", where={"id": "mine"}, columns=["id"])["id"].tolist() == ["mine"]


def test_transaction_meta_and_plan_are_read_inside_the_transaction(tiny_store: Store) -> None:
    with tiny_store.transaction("tester", SCOPE) as tx:
        tx.set_meta("plan_version", "7")
        assert tx.get_meta("plan_version") == "7"
        assert tx.current_plan() == 7
    assert tiny_store.current_plan(COUNTY) == 7


def test_read_for_update_serialises_read_then_write(tiny_store: Store) -> None:
    """Two writers that each read a counter FOR UPDATE and write it + 1 lose no increment."""
    with tiny_store.transaction("tester", SCOPE) as tx:
        tx.update("units", f"{M1}:1", {"households": 0})

    def bump() -> None:
        for _ in range(10):
            with tiny_store.transaction("tester", SCOPE) as tx:
                row = tx.read("units", where={"id": f"{M1}:1"}, columns=["households"], for_update=True)
                tx.update("units", f"{M1}:1", {"households": int(row["households"].iloc[0]) + 1})

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(tiny_store.read("units", SCOPE, where={"id": f"{M1}:1"})["households"].iloc[0]) == 40


def test_transaction_read_refuses_another_county(tiny_store: Store) -> None:
    from gridmap.domain import Scope
    from gridmap.store import ScopeError

    with pytest.raises(ScopeError), tiny_store.transaction("tester", SCOPE) as tx:
        tx.read("units", scope=Scope.county("330328"))
