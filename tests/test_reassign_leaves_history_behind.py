"""Regression: re-assigning issues to a new plan left their history in the old micro-grid.

Jurisdiction scope filters ``issue_events`` by the ``micro_code`` copied onto each
event. When a boundary change moved an issue, ``reassign`` updated the issue and not its
events, so the issue's new grid worker saw it without its history and the old one still
saw the history. Both backends.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gridmap.spatial.assign import reassign
from gridmap.store import Store
from tests.store_fixtures import M1, M4, SCOPE


def _event(event_id: str, issue_id: str, micro: str) -> pd.DataFrame:
    return pd.DataFrame({"id": [event_id], "issue_id": [issue_id], "at": [dt.datetime(2026, 11, 20, 9, 0)],
                         "actor": ["wang"], "from_status": [None], "to_status": ["reported"],
                         "note": ["上报"], "micro_code": [micro], "department": ["enforcement"]})


def test_reassign_moves_each_issues_history_with_it(tiny_store: Store) -> None:
    with tiny_store.transaction("seed", SCOPE) as tx:
        tx.insert("issue_events", pd.concat([_event("e1", "i1", M1), _event("e2", "i2", M4)]))
    units = tiny_store.read("units", SCOPE)
    with tiny_store.transaction("planner", SCOPE) as tx:
        tx.delete("units", [units.loc[units.code == M4, "id"].iloc[0]])

    assert reassign(tiny_store, "issues", SCOPE, "planner") == 1

    issues = tiny_store.read("issues", SCOPE).set_index("id")
    events = tiny_store.read("issue_events", SCOPE).set_index("id")
    assert events.loc["e2", "micro_code"] == issues.loc["i2", "micro_code"]  # outside now: None
    assert events.loc["e2", "micro_code"] is None
    assert events.loc["e1", "micro_code"] == M1  # an issue that did not move keeps its history
