"""The closed loop's library (issue 12), both backends, on the tiny county.

Routing table versions and their audit, routing by unit, duplicate suggestions in
metres and the link they make, escalation (idempotent, also when two run at once), the
daily zero-report (one per micro-grid and day, also when two submit at once), bulk
steps (one transaction per issue), "my reports", and two handlers closing the same
issue at the same moment.

The tiny county (tests/store_fixtures.py): M1..M4 in a 0.02 x 0.02 degree village;
issue i1 in M1 (sanitation, reported), i2 in M4 (closed), i3 outside every unit.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from gridmap.access import PermissionDenied, Session, User
from gridmap.domain import CATEGORIES, Role
from gridmap.store import Store
from gridmap.store.base import AuditFilter, now
from gridmap.workflow import (
    AlreadyReported,
    BadInput,
    Deadline,
    IllegalStep,
    Rule,
    WorkflowError,
    bulk_transition,
    current_table,
    duplicate_candidates,
    escalate_overdue,
    issue_history,
    my_reports,
    report_issue,
    save_table,
    submit_zero_report,
    transition_issue,
    work_queue,
    zero_report_status,
)
from gridmap.workflow.duplicates import distances_m
from gridmap.workflow.routing import DEFAULT_TABLE
from tests.store_fixtures import COUNTY, G1, G2, M1, M2, SCOPE

COUNTY_UNIT = f"{COUNTY}000000"
TOWN = "330327100000"


def _session(store: Store, role: Role, unit: str = COUNTY_UNIT, name: str | None = None,
             department: str | None = None) -> Session:
    return Session(store, User(name or f"{role.value}-{uuid.uuid4().hex[:6]}", role, unit, f"{role.value} 张",
                               department or ("enforcement" if role == Role.DEPARTMENT else None)))


def _admin(store: Store) -> Session:
    return _session(store, Role.ADMIN, name="admin")


def _worker(store: Store, unit: str = G1) -> Session:
    return _session(store, Role.GRID_WORKER, unit, name="worker")


def _rules(**overrides: str) -> list[Rule]:
    return [Rule(c, overrides.get(c, spec.department)) for c, spec in CATEGORIES.items()]


def _two_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # the test looks at what each got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# --------------------------------------------------------------------------- routing


def test_without_a_stored_table_the_default_routes_as_before(tiny_store: Store) -> None:
    table = current_table(_worker(tiny_store))
    assert table == DEFAULT_TABLE and not table.stored
    issue = report_issue(_worker(tiny_store), category="traffic", lon=120.405, lat=27.515)
    assert issue["department"] == CATEGORIES["traffic"].department
    assert issue["deadline"] - issue["reported_at"] == dt.timedelta(hours=CATEGORIES["traffic"].deadline_hours)


def test_a_saved_version_routes_new_reports_and_keeps_the_old_versions_audited(tiny_store: Store) -> None:
    admin = _admin(tiny_store)
    rules = [*_rules(sanitation="housing"), Rule("sanitation", "ecology", G2)]
    first = save_table(admin, rules, {"sanitation": Deadline(24, same_day=True)}, note="日清日结")
    assert first.version == 2
    second = save_table(admin, _rules(), {"traffic": Deadline(6)}, note="back to the default departments")
    assert second.version == 3
    stored = tiny_store.read("routing_tables", SCOPE).sort_values("version")
    assert stored["version"].tolist() == [1, 2, 3]  # the default kept as version 1, nothing overwritten
    assert stored["author"].tolist() == ["default", "admin", "admin"]
    audit = tiny_store.audit_log(SCOPE, filters=AuditFilter(layer="routing_tables"))
    assert len(audit) >= 2 and set(audit["actor"]) == {"admin"}
    assert current_table(_worker(tiny_store)).version == 3
    issue = report_issue(_worker(tiny_store), category="traffic", lon=120.405, lat=27.515)
    assert issue["deadline"] - issue["reported_at"] == dt.timedelta(hours=6)


def test_the_most_specific_unit_rule_wins_and_same_day_is_due_at_midnight(tiny_store: Store) -> None:
    admin = _admin(tiny_store)
    rules = [*_rules(sanitation="housing"), Rule("sanitation", "ecology", G2), Rule("sanitation", "police", TOWN)]
    save_table(admin, rules, {"sanitation": Deadline(24, same_day=True)})
    commander = _session(tiny_store, Role.COMMANDER)
    in_g1 = report_issue(commander, category="sanitation", lon=120.405, lat=27.515)  # town rule
    in_g2 = report_issue(commander, category="sanitation", lon=120.405, lat=27.505)  # grid rule beats town
    outside = report_issue(commander, category="sanitation", lon=120.5, lat=27.6, channel="hotline")  # county rule
    assert (in_g1["department"], in_g2["department"], outside["department"]) == ("police", "ecology", "housing")
    assert in_g1["deadline"] == dt.datetime.combine(in_g1["reported_at"].date(), dt.time(23, 59, 59))
    events = tiny_store.read("issue_events", SCOPE, where={"issue_id": in_g2["id"]})
    assert events["department"].tolist() == ["ecology"]


@pytest.mark.parametrize(("rules", "deadlines", "key"), [
    ([Rule("no_such", "police")], {}, "workflow.unknown_category"),
    ([*_rules(), Rule("sanitation", "mars_office", G1)], {}, "workflow.unknown_department"),
    ([*_rules(), Rule("sanitation", "police", "G1")], {}, "routing.bad_unit"),
    ([*_rules(), Rule("sanitation", "police", G1), Rule("sanitation", "ecology", G1)], {}, "routing.twice"),
    ([r for r in _rules() if r.category != "traffic"], {}, "routing.county_rule_missing"),
    (_rules(), {"traffic": Deadline(0)}, "routing.bad_hours"),
    (_rules(), {"traffic": Deadline(100_000)}, "routing.bad_hours"),
])
def test_a_bad_table_is_refused_in_words_and_nothing_is_stored(tiny_store: Store, rules: list[Rule],
                                                               deadlines: dict[str, Deadline], key: str) -> None:
    with pytest.raises(BadInput) as refused:
        save_table(_admin(tiny_store), rules, deadlines)
    assert refused.value.key == key and refused.value.text("zh") != refused.value.text("en")
    assert tiny_store.read("routing_tables", SCOPE).empty
    assert tiny_store.get_meta(COUNTY, "routing_version") is None


def test_only_a_county_admin_may_change_the_table(tiny_store: Store) -> None:
    with pytest.raises(PermissionDenied):
        save_table(_session(tiny_store, Role.COMMANDER), _rules(), {})
    with pytest.raises(Exception, match=r"county-wide|may not"):
        save_table(_session(tiny_store, Role.ADMIN, G1), _rules(), {})
    assert tiny_store.read("routing_tables", SCOPE).empty


# --------------------------------------------------------------------------- duplicates


def test_distances_are_metres_in_the_metric_crs() -> None:
    # 0.001 degree of latitude is ~110.6 m; of longitude at 27.5N ~98.7 m.
    d = distances_m(120.405, 27.515, [120.405, 120.406], [27.516, 27.515])
    assert 110.0 < d[0] < 111.5 and 98.0 < d[1] < 99.5


def test_open_reports_nearby_and_recent_of_the_same_category_are_offered(tiny_store: Store) -> None:
    worker = _worker(tiny_store)
    near = report_issue(worker, category="sanitation", lon=120.4052, lat=27.5151)  # ~25 m from the spot
    report_issue(worker, category="sanitation", lon=120.4065, lat=27.5150)  # ~150 m: too far
    report_issue(worker, category="traffic", lon=120.4051, lat=27.5150)  # another category
    closed = report_issue(worker, category="sanitation", lon=120.4050, lat=27.5151)
    commander = _session(tiny_store, Role.COMMANDER)
    transition_issue(commander, closed["id"], "invalid", note="不属实")  # final: not offered
    found = duplicate_candidates(worker, "sanitation", 120.4050, 27.5150, radius_m=50, days=7)
    assert found["id"].tolist()[:1] == [near["id"]]
    assert set(found["id"]) == {near["id"]}  # i1 is as near, but reported weeks ago
    assert found["distance_m"].is_monotonic_increasing and (found["distance_m"] <= 50).all()
    wider = duplicate_candidates(worker, "sanitation", 120.4050, 27.5150, radius_m=200, days=7)
    assert len(wider) == len(found) + 1
    # "Recent": counted back from a moment 8 days later, nothing is left.
    later = now() + dt.timedelta(days=8)
    assert duplicate_candidates(worker, "sanitation", 120.4050, 27.5150, radius_m=200, days=7, at=later).empty
    with pytest.raises(BadInput):
        duplicate_candidates(worker, "no_such", 120.4050, 27.5150)


def test_saving_as_a_duplicate_links_it_and_the_reporter_sees_the_original(tiny_store: Store) -> None:
    first_reporter = _worker(tiny_store)
    original = report_issue(first_reporter, category="sanitation", lon=120.4052, lat=27.5151)
    second = _session(tiny_store, Role.GRID_WORKER, G1, name="second")
    dup = report_issue(second, category="sanitation", lon=120.4051, lat=27.5150, description="同一堆垃圾",
                       duplicate_of=original["id"])
    stored = tiny_store.read("issues", SCOPE, where={"id": dup["id"]}).iloc[0]
    assert stored["status"] == "duplicate" and stored["duplicate_of"] == original["id"]
    assert not pd.isna(stored["closed_at"])
    history = issue_history(second, dup["id"])
    assert history["to_status"].tolist() == ["reported", "duplicate"]
    assert history["actor"].tolist() == ["second", "second"]
    # A duplicate of the duplicate names the original.
    third = report_issue(second, category="sanitation", lon=120.4051, lat=27.5150, duplicate_of=dup["id"])
    assert tiny_store.read("issues", SCOPE, where={"id": third["id"]})["duplicate_of"].iloc[0] == original["id"]
    commander = _session(tiny_store, Role.COMMANDER)
    transition_issue(commander, original["id"], "accepted")
    mine = my_reports(second).set_index("id")
    assert set(mine.index) == {dup["id"], third["id"]}
    assert mine.loc[dup["id"], "original_status"] == "accepted"
    assert list(my_reports(first_reporter)["id"]) == [original["id"]]


def test_a_commander_marks_an_existing_report_a_duplicate(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER)
    other = report_issue(_worker(tiny_store), category="sanitation", lon=120.4051, lat=27.5150)
    transition_issue(commander, other["id"], "duplicate", duplicate_of="i1", note="同 i1")
    assert tiny_store.read("issues", SCOPE, where={"id": other["id"]})["duplicate_of"].iloc[0] == "i1"
    with pytest.raises(BadInput) as itself:
        transition_issue(commander, "i1", "duplicate", duplicate_of="i1")
    assert itself.value.key == "workflow.link_to_itself"
    with pytest.raises(BadInput) as wrong_step:
        transition_issue(commander, "i1", "accepted", duplicate_of=other["id"])
    assert wrong_step.value.key == "workflow.link_only_on"
    with pytest.raises(WorkflowError):
        transition_issue(commander, "i1", "duplicate", duplicate_of="no-such-issue")
    assert tiny_store.read("issues", SCOPE, where={"id": "i1"})["status"].iloc[0] == "reported"


def test_a_report_linked_to_an_issue_out_of_view_is_not_written(tiny_store: Store) -> None:
    before = tiny_store.count("issues", SCOPE)
    with pytest.raises(WorkflowError):  # i2 lies in M4, outside the worker's grid G1
        report_issue(_worker(tiny_store), category="traffic", lon=120.405, lat=27.515, duplicate_of="i2")
    assert tiny_store.count("issues", SCOPE) == before


# --------------------------------------------------------------------------- escalation


def test_escalation_marks_each_overdue_issue_once_with_a_history_note(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER, name="cmd")
    # i1: reported 11-20 08:00, deadline 11-21 08:00 (sanitation), open.
    assert escalate_overdue(commander, dt.datetime(2026, 11, 21, 7)) == []
    assert escalate_overdue(commander, dt.datetime(2026, 11, 22, 9)) == ["i1"]
    assert escalate_overdue(commander, dt.datetime(2026, 11, 22, 10)) == []  # idempotent
    stored = tiny_store.read("issues", SCOPE, where={"id": "i1"}).iloc[0]
    assert stored["escalated_at"] == pd.Timestamp("2026-11-22 09:00") and stored["status"] == "reported"
    notes = tiny_store.read("issue_events", SCOPE, where={"issue_id": "i1"})
    assert notes[["from_status", "to_status", "actor"]].values.tolist() == [["reported", "reported", "cmd"]]
    queue = work_queue(commander, "commander", dt.datetime(2026, 11, 22, 10))
    assert queue["id"].iloc[0] == "i1" and queue["escalated"].iloc[0] and queue["overdue"].iloc[0]
    with pytest.raises(PermissionDenied):
        escalate_overdue(_worker(tiny_store), dt.datetime(2026, 11, 22, 9))


def test_two_escalations_at_once_escalate_each_issue_once(tiny_store: Store) -> None:
    at = dt.datetime(2026, 11, 22, 9)
    sessions = [_session(tiny_store, Role.COMMANDER) for _ in range(2)]
    results = _two_at_once([lambda s=s: escalate_overdue(s, at) for s in sessions])
    assert sorted(map(str, results)) == sorted(map(str, [["i1"], []])), results
    assert len(tiny_store.read("issue_events", SCOPE, where={"issue_id": "i1"})) == 1


# --------------------------------------------------------------------------- zero-reports


def test_a_zero_report_is_stored_once_a_day_and_the_status_shows_it(tiny_store: Store) -> None:
    worker = _worker(tiny_store)
    row = submit_zero_report(worker, M1)
    assert row["note"] is None and row["day"] == now().date()
    with pytest.raises(AlreadyReported) as again:
        submit_zero_report(worker, M1, note="又来一次")
    assert "第1微网格" in again.value.text("zh") and "already reported" in again.value.text("en")
    submit_zero_report(worker, M2, note="发现垃圾堆放，已上报")
    with pytest.raises(WorkflowError) as outside:
        submit_zero_report(worker, "33032710000102001")  # M3: another grid
    assert "33032710000102001" in outside.value.text("zh")
    with pytest.raises(WorkflowError):
        submit_zero_report(worker, G1)  # a grid, not a micro-grid
    with pytest.raises(BadInput):
        submit_zero_report(worker, M2, note="长" * 600)
    status = zero_report_status(_session(tiny_store, Role.COMMANDER), now().date()).set_index("micro_code")
    assert status["reported"].to_dict() == {M1: True, M2: True, "33032710000102001": False,
                                            "33032710000102002": False}
    assert status.loc[M2, "note"] == "发现垃圾堆放，已上报" and status.loc[M1, "grid"] == "第1网格"
    assert status.loc[M1, "village"] == "古磉居委会"
    assert len(tiny_store.read("zero_reports", SCOPE)) == 2
    with pytest.raises(PermissionDenied):
        submit_zero_report(_session(tiny_store, Role.COMMANDER), M1)


def test_two_zero_reports_at_once_store_one(tiny_store: Store) -> None:
    workers = [_worker(tiny_store) for _ in range(2)]
    results = _two_at_once([lambda w=w: submit_zero_report(w, M1) for w in workers])
    assert sum(isinstance(r, dict) for r in results) == 1, results
    assert sum(isinstance(r, AlreadyReported) for r in results) == 1, results
    assert len(tiny_store.read("zero_reports", SCOPE)) == 1


# --------------------------------------------------------------------------- queues and steps


def test_queues_hold_what_each_role_works_on_soonest_first(tiny_store: Store) -> None:
    worker = _worker(tiny_store)
    commander = _session(tiny_store, Role.COMMANDER)
    a = report_issue(worker, category="fire_safety", lon=120.405, lat=27.515)  # 24 h
    b = report_issue(worker, category="dispute", lon=120.405, lat=27.515)  # 168 h
    for issue_id in (a["id"], b["id"]):
        transition_issue(commander, issue_id, "accepted")
    transition_issue(commander, a["id"], "dispatched", department="enforcement")
    at = now()
    unit = work_queue(worker, "unit", at)
    assert set(unit["id"]) == {"i1", a["id"], b["id"]}
    assert unit["deadline"].is_monotonic_increasing
    handler = _session(tiny_store, Role.DEPARTMENT)
    assert work_queue(handler, "department", at)["id"].tolist() == [a["id"]]
    assert set(work_queue(commander, "commander", at)["id"]) >= {b["id"], "i1"}
    assert a["id"] not in set(work_queue(commander, "commander", at)["id"])


def test_bulk_accept_is_one_transaction_per_issue_and_names_the_one_refused(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER)
    worker = _worker(tiny_store)
    ids = [report_issue(worker, category="sanitation", lon=120.405, lat=27.515)["id"] for _ in range(3)]
    transition_issue(commander, ids[1], "invalid", note="重复来电")  # final before the bulk step
    results = bulk_transition(commander, [ids[0], ids[1], ids[2], "no-such"], "accepted", note="批量受理")
    assert [r.ok for r in results] == [True, False, True, False]
    assert isinstance(results[1].error, IllegalStep) and ids[1] in results[1].error.text("zh")
    statuses = tiny_store.read("issues", SCOPE, where={"id": ids}).set_index("id")["status"].to_dict()
    assert statuses == {ids[0]: "accepted", ids[1]: "invalid", ids[2]: "accepted"}
    dispatched = bulk_transition(commander, [ids[0], ids[2]], "dispatched", department="housing")
    assert all(r.ok for r in dispatched)
    assert set(tiny_store.read("issues", SCOPE, where={"id": [ids[0], ids[2]]})["department"]) == {"housing"}


def test_two_handlers_closing_the_same_issue_at_once_get_one_step_and_one_message(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER)
    issue = report_issue(_worker(tiny_store), category="sanitation", lon=120.405, lat=27.515)
    handler = _session(tiny_store, Role.DEPARTMENT)
    for status, who in (("accepted", commander), ("dispatched", commander), ("in_progress", handler),
                        ("resolved", handler), ("verified", commander)):
        transition_issue(who, issue["id"], status)
    closers = [_session(tiny_store, Role.COMMANDER) for _ in range(2)]
    results = _two_at_once([lambda c=c: transition_issue(c, issue["id"], "closed", note="结案")
                            for c in closers])
    done = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, WorkflowError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "已经是“已关闭”" in refused[0].text("zh") and "someone may just have" in refused[0].text("en")
    history = issue_history(commander, issue["id"])
    assert history["to_status"].tolist() == ["reported", "accepted", "dispatched", "in_progress", "resolved",
                                             "verified", "closed"]
