"""Publishing a plan on both backends: now, scheduled, blocked, rolled back; points follow.

The tiny county and the draft "shifted" are drawn in tests/plan_version_fixtures.py: h1 moves
M1 -> M2; h5, station s1, open issue i4 and open hazard k1 move M4 -> M3; closed issue
i2 and verified hazard k2 lie in the new M3 but keep M4 (history).
"""

from __future__ import annotations

import datetime as dt

import pytest

from gridmap.plan import versions as v
from gridmap.plan.errors import PlanError, PublishBlocked
from gridmap.plan.model import Problem
from gridmap.store import Store
from tests.plan_version_fixtures import (
    M1,
    M2,
    M3,
    M4,
    NOW,
    SCOPE,
    assert_published_plan_is_sound,
    commander,
    micro_of,
    planner,
    seed,
    shifted,
)


@pytest.fixture
def county(store: Store) -> Store:
    seed(store)
    return store


def _shifted_draft(store: Store) -> v.PlanInfo:
    session = planner(store)
    info = v.create_draft(session, "调整")
    plan, changed = shifted(v.load_plan(session, info.version))
    return v.save_draft(session, info.version, plan, changed=changed, removed=set(),
                        expected_revision=info.revision)


def test_publish_now_switches_the_plan_and_moves_points_but_not_history(county: Store) -> None:
    assert_published_plan_is_sound(county)
    draft = _shifted_draft(county)
    events_before = county.read("issue_events", SCOPE)
    info = v.publish(planner(county), draft.version, now=NOW)
    assert (info.status, info.published_by, info.published_at) == ("published", "planner", NOW)
    assert county.current_plan("330327") == draft.version
    statuses = dict(zip(v.list_plans(commander(county))["version"], v.list_plans(commander(county))["status"],
                        strict=True))
    assert statuses == {1: "superseded", 2: "published"}
    households = micro_of(county, "households")
    assert households == {"h1": M2, "h2": M1, "h3": M2, "h4": M3, "h5": M3}
    assert micro_of(county, "stations") == {"s1": M3}
    issues = micro_of(county, "issues")
    assert issues["i4"] == M3  # open: moves
    assert issues["i2"] == M4  # closed: keeps the unit it had when it happened
    assert issues["i1"] == M1 and issues["i3"] is None
    hazards = micro_of(county, "inspections")
    assert hazards == {"k1": M3, "k2": M4}
    assert len(events_before) == 0
    assert_published_plan_is_sound(county)


def test_an_open_issues_history_moves_with_it_and_a_closed_ones_stays(county: Store) -> None:
    import pandas as pd

    events = pd.DataFrame({"id": ["e4", "e2"], "issue_id": ["i4", "i2"], "at": [NOW, NOW], "actor": ["w", "w"],
                           "to_status": ["in_progress", "closed"], "micro_code": [M4, M4],
                           "department": ["enforcement", "traffic_police"]})
    with county.transaction("seed", SCOPE) as tx:
        tx.insert("issue_events", events)
    v.publish(planner(county), _shifted_draft(county).version, now=NOW)
    stored = micro_of(county, "issue_events")
    assert stored == {"e4": M3, "e2": M4}


def test_statistics_of_the_past_can_be_recomputed_on_the_current_plan(county: Store) -> None:
    v.publish(planner(county), _shifted_draft(county).version, now=NOW)
    recomputed = v.on_plan(commander(county), "issues").set_index("id")
    assert recomputed.loc["i2", "micro_code"] == M3  # on today's boundaries
    assert micro_of(county, "issues")["i2"] == M4  # the store keeps what happened
    on_old = v.on_plan(commander(county), "issues", version=1).set_index("id")
    assert on_old.loc["i4", "micro_code"] == M4


def test_publish_with_errors_is_blocked_and_changes_nothing(county: Store) -> None:
    draft = _shifted_draft(county)

    def check(plan):
        return [Problem("gap", "error", M1, "plan.versions.bad_geometry", {"code": M1, "name": "第1微网格"}),
                Problem("band", "warning", M2, "plan.versions.name_missing")]

    with pytest.raises(PublishBlocked, match="1 error") as refused:
        v.publish(planner(county), draft.version, now=NOW, check=check)
    assert M1 in refused.value.text("en") and "第1微网格" in refused.value.text("zh")
    assert county.current_plan("330327") == 1
    assert v.plan_info(commander(county), draft.version).status == "draft"
    assert micro_of(county, "households")["h1"] == M1
    # warnings alone do not block
    v.publish(planner(county), draft.version, now=NOW, check=lambda plan: [check(plan)[1]])
    assert county.current_plan("330327") == draft.version


def test_the_check_is_given_the_whole_draft(county: Store) -> None:
    draft = _shifted_draft(county)
    seen = []
    v.publish(planner(county), draft.version, now=NOW, check=lambda plan: seen.append(plan) or [])
    assert len(seen) == 1 and len(seen[0]) == 9
    assert seen[0].set_index("code").loc[M1, "geometry"].bounds[2] == pytest.approx(120.408)


def test_an_effective_date_in_the_past_is_refused(county: Store) -> None:
    draft = _shifted_draft(county)
    with pytest.raises(PublishBlocked, match="has passed") as refused:
        v.publish(planner(county), draft.version, effective_at=NOW - dt.timedelta(days=1), now=NOW)
    assert "已经过去" in refused.value.text("zh")
    assert county.current_plan("330327") == 1
    assert v.plan_info(commander(county), draft.version).status == "draft"
    # a moment ago (the form was filled in just now) means now
    v.publish(planner(county), draft.version, effective_at=NOW - dt.timedelta(seconds=5), now=NOW)
    assert county.current_plan("330327") == draft.version


def test_a_future_date_schedules_and_activation_publishes_when_due(county: Store) -> None:
    draft = _shifted_draft(county)
    when = NOW + dt.timedelta(days=2)
    info = v.publish(planner(county), draft.version, effective_at=when, now=NOW)
    assert (info.status, info.effective_at) == ("scheduled", when)
    assert county.current_plan("330327") == 1
    assert v.activate_due(county, NOW + dt.timedelta(days=1)) == []
    assert county.current_plan("330327") == 1
    # a scheduled plan can no longer be edited
    plan, changed = shifted(v.load_plan(planner(county), draft.version))
    with pytest.raises(PlanError):
        v.save_draft(planner(county), draft.version, plan, changed=changed, removed=set(),
                     expected_revision=draft.revision)
    # a commander's page load finds it due: the scheduler publishes it
    assert v.activate_due(commander(county), when) == [draft.version]
    assert v.activate_due(county, when + dt.timedelta(hours=1)) == []
    assert county.current_plan("330327") == draft.version
    published = v.plan_info(commander(county), draft.version)
    assert (published.status, published.published_by, published.effective_at) == ("published", "scheduler", when)
    assert micro_of(county, "households")["h5"] == M3
    assert_published_plan_is_sound(county)
    log = county.audit_log(SCOPE, limit=200)
    assert (log["action"] == "plan_activate").sum() == 1
    assert (log["action"] == "plan_schedule").sum() == 1


def test_roll_back_republishes_an_old_version_as_a_new_one(county: Store) -> None:
    session = planner(county)
    draft = _shifted_draft(county)
    v.publish(session, draft.version, now=NOW)
    with pytest.raises(PlanError, match="current plan already"):
        v.republish(session, draft.version, now=NOW)
    back = v.republish(session, 1, now=NOW)
    assert (back.version, back.parent_version, back.status) == (3, 1, "published")
    assert county.current_plan("330327") == 3
    statuses = v.list_plans(session).set_index("version")["status"].to_dict()
    assert statuses == {1: "superseded", 2: "superseded", 3: "published"}
    # history is never overwritten: version 2 still has its shifted boundary
    assert v.load_plan(session, 2).set_index("code").loc[M1, "geometry"].bounds[2] == pytest.approx(120.408)
    assert v.load_plan(session, 3).set_index("code").loc[M1, "geometry"].bounds[2] == pytest.approx(120.41)
    assert micro_of(county, "households")["h1"] == M1
    assert micro_of(county, "households")["h5"] == M4
    assert_published_plan_is_sound(county)


def test_a_roll_back_that_is_refused_leaves_its_copy_discarded(county: Store) -> None:
    session = planner(county)
    v.publish(session, _shifted_draft(county).version, now=NOW)

    def refuse(plan):
        return [Problem("gap", "error", None, "plan.versions.name_missing")]

    with pytest.raises(PublishBlocked):
        v.republish(session, 1, now=NOW, check=refuse)
    statuses = v.list_plans(session).set_index("version")["status"].to_dict()
    assert statuses == {1: "superseded", 2: "published", 3: "discarded"}
    assert county.current_plan("330327") == 2


def test_only_drafts_and_scheduled_plans_can_be_published(county: Store) -> None:
    session = planner(county)
    with pytest.raises(PlanError, match="cannot be published"):
        v.publish(session, 1, now=NOW)
    draft = v.create_draft(session, "稿")
    v.discard(session, draft.version)
    with pytest.raises(PlanError, match="discarded"):
        v.publish(session, draft.version, now=NOW)
    with pytest.raises(PlanError, match="no plan version 42"):
        v.publish(session, 42, now=NOW)


def test_the_cli_lists_plans_and_activates_a_due_one(tmp_path) -> None:
    """``python -m gridmap plans activate`` is what a cron job (or a service timer) runs."""
    from gridmap.store import open_store
    from tests.conftest import run_cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with open_store(url) as store:
        seed(store)
        draft = _shifted_draft(store)
        v.publish(planner(store), draft.version, effective_at=NOW + dt.timedelta(hours=2), now=NOW)
    listed = run_cli("plans", "list", "--db", url)
    assert listed.returncode == 0, listed.stderr
    assert "scheduled" in listed.stdout and "published" in listed.stdout
    early = run_cli("plans", "activate", "--db", url, "--now", (NOW + dt.timedelta(hours=1)).isoformat())
    assert early.returncode == 0 and "no scheduled plan is due" in early.stdout
    due = run_cli("plans", "activate", "--db", url, "--now", (NOW + dt.timedelta(hours=3)).isoformat())
    assert due.returncode == 0, due.stderr
    assert f"activated plan version(s): {draft.version}" in due.stdout
    with open_store(url) as store:
        assert store.current_plan("330327") == draft.version
        assert_published_plan_is_sound(store)
