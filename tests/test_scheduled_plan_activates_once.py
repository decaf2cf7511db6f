"""A scheduled plan becomes published exactly once, with 8 threads activating at once.

Every app process calls ``activate_due`` on page load; when the effective time has
come, eight callers at the same moment must publish the plan once: one ``plan_activate``
audit row, one re-assignment, one superseded predecessor. Both backends (SQLite
serialises writers with ``BEGIN IMMEDIATE``; PostgreSQL with the county's plan lock).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from gridmap.plan import versions as v
from gridmap.store import Store, open_store
from tests.plan_version_fixtures import (
    M3,
    NOW,
    SCOPE,
    assert_published_plan_is_sound,
    micro_of,
    planner,
    seed,
    shifted,
)

THREADS = 8


@pytest.mark.parametrize("through", ["store", "session"])
def test_eight_threads_activate_a_due_plan_exactly_once(store: Store, through: str) -> None:
    seed(store)
    session = planner(store)
    info = v.create_draft(session, "明年方案")
    plan, changed = shifted(v.load_plan(session, info.version))
    v.save_draft(session, info.version, plan, changed=changed, removed=set(), expected_revision=0)
    when = NOW + dt.timedelta(hours=1)
    v.publish(session, info.version, effective_at=when, now=NOW)
    # a second scheduled plan, later: not due yet
    later = v.create_draft(session, "后年方案", from_version=info.version)
    v.publish(session, later.version, effective_at=when + dt.timedelta(days=365), now=NOW)

    results: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    stores = [open_store(store.url) for _ in range(THREADS)]  # as separate app processes would

    def activate(i: int) -> None:
        start.wait()
        try:
            target = stores[i] if through == "store" else planner(stores[i], f"p{i}")
            results.append(v.activate_due(target, when + dt.timedelta(minutes=1)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=activate, args=(i,)) for i in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for s in stores:
            s.close()
    assert not errors, errors
    assert sorted(results, key=len) == [[]] * (THREADS - 1) + [[info.version]]
    statuses = v.list_plans(session).set_index("version")["status"].to_dict()
    assert statuses == {1: "superseded", info.version: "published", later.version: "scheduled"}
    log = store.audit_log(SCOPE, limit=1000)
    assert (log["action"] == "plan_activate").sum() == 1
    assert ((log["action"] == "set_meta") & (log["target"] == "plan_version")).sum() == 2  # seed + activation
    assert micro_of(store, "households")["h5"] == M3
    assert_published_plan_is_sound(store)
