"""A fresh demo leaves work in the command centre's in-tray (issue 12).

Before, every demo issue had been accepted and dispatched within the hour, so the
queues' bulk accept and dispatch had nothing to act on. Now a share of the last 24
hours' reports waits in 上报 (awaiting acceptance) or 受理 (awaiting dispatch), with a
history that is the first one or two rows of the lifecycle.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gridmap.access import Session, User
from gridmap.demo import generate, load_demo
from gridmap.demo.issues import WAITING_ACCEPT, WAITING_DISPATCH, WAITING_HOURS
from gridmap.domain import Role, Scope
from gridmap.store.base import Store
from gridmap.workflow import work_queue
from gridmap.workflow.queues import bulk_transition

TODAY = dt.date(2026, 11, 23)
AS_OF = dt.datetime(2026, 11, 23, 15, 0)
COUNTY = "330327"
WAITING = ("reported", "accepted")


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate("small", seed=7, today=TODAY)


def test_a_share_of_the_last_days_reports_waits_for_acceptance_or_dispatch(small: dict[str, pd.DataFrame]) -> None:
    issues, events = small["issues"], small["issue_events"]
    recent = issues[issues["reported_at"] > pd.Timestamp(AS_OF) - pd.Timedelta(hours=WAITING_HOURS)]
    counts = recent["status"].value_counts()
    assert counts.get("reported", 0) >= 1 and counts.get("accepted", 0) >= 1
    # Roughly the shares asked for (the rest of the day's reports move on as before).
    waiting = recent["status"].isin(WAITING).mean()
    assert 0.5 * (WAITING_ACCEPT + WAITING_DISPATCH) <= waiting <= 1.5 * (WAITING_ACCEPT + WAITING_DISPATCH)
    older = issues[issues["reported_at"] <= pd.Timestamp(AS_OF) - pd.Timedelta(hours=WAITING_HOURS)]
    assert not older["status"].isin(WAITING).any(), "only the last day's reports wait in the in-tray"
    steps = events.groupby("issue_id")["to_status"].agg(list)
    for status, history in (("reported", ["reported"]), ("accepted", ["reported", "accepted"])):
        ids = recent.loc[recent["status"] == status, "id"]
        assert all(steps[i] == history for i in ids), status


def test_a_fresh_small_demo_gives_the_queues_issues_to_accept_and_dispatch(store: Store) -> None:
    load_demo(store, "small", seed=7, today=TODAY)
    commander = Session(store, User("cmd", Role.COMMANDER, f"{COUNTY}000000"))
    queue = work_queue(commander, "commander", AS_OF)
    assert {"reported", "accepted"} <= set(queue["status"])
    waiting_in = store.read("issues", Scope.county(COUNTY), where={"status": list(WAITING)},
                            columns=["grid_code", "status"]).groupby("grid_code")["status"].nunique()
    grids = sorted(str(g) for g in waiting_in[waiting_in == 2].index)
    assert grids, "no grid has an issue awaiting acceptance and one awaiting dispatch"
    worker = Session(store, User("worker", Role.GRID_WORKER, grids[0]))
    assert {"reported", "accepted"} <= set(work_queue(worker, "unit", AS_OF)["status"])
    waiting = queue[queue["status"] == "reported"]["id"].head(2).tolist()
    results = bulk_transition(commander, waiting, "accepted")
    assert [r.ok for r in results] == [True] * len(waiting)
    accepted = queue[queue["status"] == "accepted"]["id"].head(2).tolist()
    results = bulk_transition(commander, accepted, "dispatched")
    assert [r.ok for r in results] == [True] * len(accepted)
