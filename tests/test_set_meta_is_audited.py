"""Regression: ``Transaction.set_meta`` wrote no audit row.

It is what switches the county's current boundary plan (``plan_version``) and the
data's as-of time, so it must be in the audit trail like every other write.
"""

from __future__ import annotations

import json

from gridmap.store import Store
from tests.store_fixtures import SCOPE


def test_set_meta_appends_an_audit_row_with_before_and_after(tiny_store: Store) -> None:
    with tiny_store.transaction("planner-wang", SCOPE) as tx:
        tx.set_meta("plan_version", "2")
    rows = tiny_store.audit_log(SCOPE, limit=5)
    row = rows.iloc[0]
    assert (row["action"], row["layer"], row["target"], row["actor"]) == ("set_meta", "meta", "plan_version",
                                                                          "planner-wang")
    assert json.loads(row["before"]) == {"value": "1"}
    assert json.loads(row["after"]) == {"value": "2"}
    assert tiny_store.current_plan("330327") == 2


def test_a_rolled_back_set_meta_leaves_neither_value_nor_audit_row(tiny_store: Store) -> None:
    before = len(tiny_store.audit_log(SCOPE, limit=1000))
    try:
        with tiny_store.transaction("planner-wang", SCOPE) as tx:
            tx.set_meta("plan_version", "3")
            raise RuntimeError("the plan check failed")
    except RuntimeError:
        pass
    assert tiny_store.current_plan("330327") == 1
    assert len(tiny_store.audit_log(SCOPE, limit=1000)) == before
