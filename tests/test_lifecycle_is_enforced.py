"""Regression: the lifecycles were decoration (issue 8, defect 5).

``ISSUE_TRANSITIONS`` and ``HAZARD_TRANSITIONS`` were read only by tests: a department
handler could move an issue from ``reported`` straight to ``closed`` through
``session.write(Op.HANDLE_ISSUE)`` and ``closed_at`` stayed empty. Now a status changes
only through :mod:`gridmap.workflow`: one transaction with the history row and the
step's times, the row locked, the step checked against the lifecycle and the role
table, refusals in words. Both backends.

The tiny county (tests/store_fixtures.py): issue i1 in M1 (reported, enforcement),
i2 in M4 (closed), i3 outside every unit (in progress).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.access import PERMISSIONS, WRITES, GuardedTransaction, Op, PermissionDenied, Session, User
from gridmap.domain import HAZARD_LIFECYCLE, ISSUE_LIFECYCLE, LIFECYCLES, Lifecycle, Role
from gridmap.i18n import label
from gridmap.store import Store
from gridmap.workflow import (
    HAZARD_STEPS,
    ISSUE_STEPS,
    STEP_OP,
    STEPS,
    IllegalStep,
    StepNotPermitted,
    WorkflowError,
    allowed_steps,
    record_inspection,
    transition_hazard,
    transition_issue,
)
from tests.store_fixtures import COUNTY, G1, M1, SCOPE, VILLAGE

COUNTY_UNIT = f"{COUNTY}000000"
DEPT = "enforcement"  # i1's department


def _user(role: Role, unit: str = COUNTY_UNIT, department: str | None = DEPT) -> User:
    return User(f"{role.value}-{uuid.uuid4().hex[:6]}", role, unit, role.value,
                department if role == Role.DEPARTMENT else None)


def _session(store: Store, role: Role, unit: str = COUNTY_UNIT) -> Session:
    return Session(store, _user(role, unit))


def _issue(store: Store, issue_id: str = "i1") -> dict:
    return store.read("issues", SCOPE, where={"id": issue_id}).iloc[0].to_dict()


def _history(store: Store, issue_id: str = "i1") -> pd.DataFrame:
    return store.read("issue_events", SCOPE, where={"issue_id": issue_id})


def _set(store: Store, layer: str, row_id: str, status: str) -> None:
    """Test set-up only: a status written straight into the store."""
    with store.transaction("setup", SCOPE) as tx:
        tx.update(layer, row_id, {"status": status})


# --------------------------------------------------------------------------- the bug


def test_department_cannot_move_an_issue_from_reported_straight_to_closed(tiny_store: Store) -> None:
    handler = _session(tiny_store, Role.DEPARTMENT)
    with pytest.raises(PermissionDenied, match=r"gridmap\.workflow"), handler.write(Op.HANDLE_ISSUE) as tx:
        tx.update("issues", "i1", {"status": "closed"})  # the path that used to work
    with pytest.raises(IllegalStep) as refused:
        transition_issue(handler, "i1", "closed")
    assert "不能从“已上报”直接变为“已关闭”" in refused.value.text("zh")
    assert "from “Reported” straight to “Closed”" in refused.value.text("en")
    assert "已受理" in refused.value.text("zh")  # and it says where the issue can go
    assert _issue(tiny_store)["status"] == "reported"
    assert _history(tiny_store).empty


def test_closed_at_is_set_when_an_issue_reaches_a_final_status(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER)
    handler = _session(tiny_store, Role.DEPARTMENT)
    worker = _session(tiny_store, Role.GRID_WORKER, G1)
    walk = [(commander, "accepted"), (commander, "dispatched"), (handler, "in_progress"), (handler, "resolved"),
            (worker, "verified"), (commander, "closed")]
    for who, status in walk:
        after = transition_issue(who, "i1", status, note=f"→{status}")
        assert after["status"] == status
        stored = _issue(tiny_store)
        assert stored["status"] == status
        assert pd.isna(stored["closed_at"]) == (status != "closed"), status
    history = _history(tiny_store).sort_values("at", kind="stable")
    assert history["to_status"].tolist() == [s for _, s in walk]
    assert history["from_status"].tolist() == ["reported", *[s for _, s in walk[:-1]]]
    assert history["actor"].tolist() == [w.user.username for w, _ in walk]
    assert (history["micro_code"] == M1).all() and (history["department"] == DEPT).all()
    assert _issue(tiny_store)["closed_at"] == history["at"].iloc[-1]
    with pytest.raises(IllegalStep) as final:
        transition_issue(commander, "i1", "in_progress")
    assert "最终状态" in final.value.text("zh")


@pytest.mark.parametrize("final", ["duplicate", "invalid"])
def test_duplicate_and_invalid_are_final_and_stamp_closed_at(tiny_store: Store, final: str) -> None:
    transition_issue(_session(tiny_store, Role.COMMANDER), "i1", final, note="已合并")
    assert _issue(tiny_store)["status"] == final
    assert not pd.isna(_issue(tiny_store)["closed_at"])


def test_each_step_is_one_transaction(tiny_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the status update leaves neither the status nor a history row."""
    commander = _session(tiny_store, Role.COMMANDER)

    def broken_insert(self: object, *args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(_tx_of(tiny_store)), "insert", broken_insert)
    with pytest.raises(RuntimeError):
        transition_issue(commander, "i1", "accepted")
    monkeypatch.undo()
    assert _issue(tiny_store)["status"] == "reported"
    assert _history(tiny_store).empty


def _tx_of(store: Store) -> object:
    with store.transaction("probe", SCOPE) as tx:
        return tx


# --------------------------------------------------------------------------- the role table


def test_the_step_tables_cover_every_step_and_agree_with_the_permission_matrix() -> None:
    for name, lifecycle in LIFECYCLES.items():
        steps = {(a, b) for a, nxt in lifecycle.transitions.items() for b in nxt}
        assert set(STEPS[name]) == steps, name  # every step of the lifecycle has someone who may make it
        op = STEP_OP[name]
        for step, roles in STEPS[name].items():
            assert roles, step
            assert all(op in PERMISSIONS[r] for r in roles), (step, roles)
        stepping = {r for roles in STEPS[name].values() for r in roles}
        assert {r for r in Role if op in PERMISSIONS[r]} == stepping, name


def test_hand_written_steps() -> None:
    """A few verdicts spelled out, so the tables cannot drift silently."""
    assert ISSUE_STEPS[("reported", "accepted")] == {Role.COMMANDER}
    assert ISSUE_STEPS[("dispatched", "in_progress")] == {Role.DEPARTMENT}
    assert Role.GRID_WORKER in ISSUE_STEPS[("resolved", "verified")]
    assert ISSUE_STEPS[("verified", "closed")] == {Role.COMMANDER}
    assert Role.DEPARTMENT in HAZARD_STEPS[("rectifying", "rectified")]
    assert HAZARD_STEPS[("rectified", "verified")] == {Role.INSPECTOR}


def _hazard(store: Store) -> str:
    with store.transaction("setup", SCOPE) as tx:
        tx.insert("inspections", gpd.GeoDataFrame([{
            "id": "h1", "place_type": "shop", "hazard_types": ["flying_wire"], "severity": "low", "status": "found",
            "found_at": pd.Timestamp("2026-11-20 09:00"), "town_code": "330327100000", "village_code": VILLAGE,
            "grid_code": G1, "micro_code": M1, "outside": False}], geometry=[shapely.Point(120.405, 27.515)],
            crs="EPSG:4326"))
    return "h1"


@pytest.mark.parametrize("lifecycle", [ISSUE_LIFECYCLE, HAZARD_LIFECYCLE], ids=["issues", "hazards"])
def test_permission_table_per_transition(tiny_store: Store, lifecycle: Lifecycle) -> None:
    """Every role x every step, for real: allowed exactly when the table says so."""
    row_id = "i1" if lifecycle.layer == "issues" else _hazard(tiny_store)
    step = transition_issue if lifecycle.layer == "issues" else transition_hazard
    wrong: list[str] = []
    for (before, after), roles in STEPS[lifecycle.layer].items():
        for role in Role:
            _set(tiny_store, lifecycle.layer, row_id, before)
            who = _session(tiny_store, role, G1 if role == Role.GRID_WORKER else COUNTY_UNIT)
            try:
                step(who, row_id, after)
                done = True
            except StepNotPermitted as refused:
                done = False
                assert refused.text("en").startswith("The role "), refused.text("en")
            if done != (role in roles):
                wrong.append(f"{role.value}: {before} -> {after} {'done' if done else 'refused'}")
            stored = tiny_store.read(lifecycle.layer, SCOPE, where={"id": row_id})["status"].iloc[0]
            assert stored == (after if done else before)
    assert wrong == []


def test_a_refused_step_says_who_may_make_it(tiny_store: Store) -> None:
    _set(tiny_store, "issues", "i1", "dispatched")
    with pytest.raises(StepNotPermitted) as refused:
        transition_issue(_session(tiny_store, Role.COMMANDER), "i1", "in_progress")
    assert refused.value.text("zh") == (f"{label('role', 'commander')}不能把事件 i1 从“已派遣”变为“处置中”；"
                                        f"这一步由{label('role', 'department')}办理。")
    assert refused.value.text("en") == ("The role Commander may not move the issue i1 from “Dispatched” to "
                                        "“In progress”; this step is for: Department handler.")


def test_illegal_steps_are_refused_even_for_the_operator(tiny_store: Store) -> None:
    system = Session.system(tiny_store, SCOPE)
    for before in ISSUE_LIFECYCLE.statuses:
        for after in ISSUE_LIFECYCLE.statuses:
            if ISSUE_LIFECYCLE.can_step(before, after):
                continue
            _set(tiny_store, "issues", "i1", before)
            with pytest.raises(IllegalStep):
                transition_issue(system, "i1", after)
    assert _history(tiny_store).empty


def test_department_steps_only_issues_routed_to_it(tiny_store: Store) -> None:
    _set(tiny_store, "issues", "i1", "dispatched")
    other = Session(tiny_store, _user(Role.DEPARTMENT, department="justice"))
    with pytest.raises(WorkflowError) as refused:
        transition_issue(other, "i1", "in_progress")
    assert "没有交办给您的部门" in refused.value.text("zh")
    assert allowed_steps(other, _issue(tiny_store)) == []
    assert allowed_steps(_session(tiny_store, Role.DEPARTMENT), _issue(tiny_store)) == ["in_progress", "returned"]


def test_dispatch_may_reroute_and_the_history_follows(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER)
    transition_issue(commander, "i1", "accepted")
    transition_issue(commander, "i1", "dispatched", department="housing", note="改派住建局")
    assert _issue(tiny_store)["department"] == "housing"
    assert (_history(tiny_store)["department"] == "housing").all()
    with pytest.raises(WorkflowError, match="派遣"):
        transition_issue(commander, "i1", "accepted", department="police")


def test_allowed_steps_follow_the_table(tiny_store: Store) -> None:
    row = _issue(tiny_store)
    assert allowed_steps(_session(tiny_store, Role.COMMANDER), row) == ["accepted", "duplicate", "invalid"]
    assert allowed_steps(_session(tiny_store, Role.GRID_WORKER, G1), row) == []
    assert allowed_steps(_session(tiny_store, Role.PLANNER), row) == []
    assert allowed_steps(Session.system(tiny_store, SCOPE), row) == ["accepted", "duplicate", "invalid"]
    row["status"] = "resolved"
    assert allowed_steps(_session(tiny_store, Role.GRID_WORKER, G1), row) == ["in_progress", "verified"]
    assert allowed_steps(_session(tiny_store, Role.GRID_WORKER, G1[:-1] + "2"), row) == []  # not their grid


# --------------------------------------------------------------------------- hazards


def test_hazard_lifecycle_stamps_rectified_at(tiny_store: Store) -> None:
    inspector = _session(tiny_store, Role.INSPECTOR)
    handler = _session(tiny_store, Role.DEPARTMENT)
    found = record_inspection(inspector, place_type="rental", hazard_types=["flying_wire", "gas"],
                              severity="high", lon=120.405, lat=27.515)
    hid = found["id"]

    def stored() -> dict:
        return tiny_store.read("inspections", SCOPE, where={"id": hid}).iloc[0].to_dict()

    assert stored()["status"] == "found" and stored()["micro_code"] == M1
    assert stored()["deadline"] - stored()["found_at"] == pd.Timedelta(days=1)  # high severity
    transition_hazard(handler, hid, "rectifying")
    transition_hazard(handler, hid, "rectified", note="已拆除飞线")
    first = stored()["rectified_at"]
    assert not pd.isna(first)
    with pytest.raises(StepNotPermitted):
        transition_hazard(handler, hid, "verified")  # the inspector re-checks
    transition_hazard(inspector, hid, "rectifying", note="复查不合格")
    assert pd.isna(stored()["rectified_at"])
    transition_hazard(handler, hid, "rectified")
    transition_hazard(inspector, hid, "verified")
    assert stored()["status"] == "verified" and not pd.isna(stored()["rectified_at"])
    history = tiny_store.read("inspection_events", SCOPE, where={"inspection_id": hid}).sort_values("at", kind="stable")
    assert history["to_status"].tolist() == ["found", "rectifying", "rectified", "rectifying", "rectified", "verified"]
    assert (history["micro_code"] == M1).all()
    with pytest.raises(IllegalStep):
        transition_hazard(inspector, hid, "rectifying")


# --------------------------------------------------------------------------- no other way


def test_no_session_write_changes_a_status_column(tiny_store: Store) -> None:
    system = Session.system(tiny_store, SCOPE)
    for op, rules in WRITES.items():
        for layer_name, lifecycle in LIFECYCLES.items():
            if layer_name not in rules:
                continue
            for column in lifecycle.columns:
                with pytest.raises(PermissionDenied), system.write(op) as tx:
                    tx.update(layer_name, "i1" if layer_name == "issues" else "x", {column: None})
                with pytest.raises(PermissionDenied), system.write(op) as tx:
                    tx.update_many(layer_name, pd.DataFrame({"id": ["i1"], column: [None]}), [column])
    assert _issue(tiny_store)["status"] == "reported"


def test_a_new_issue_cannot_be_inserted_already_closed(tiny_store: Store) -> None:
    worker = _session(tiny_store, Role.GRID_WORKER, G1)
    frame = tiny_store.read("issues", SCOPE, where={"id": "i1"})
    frame["id"], frame["status"] = "new-closed", "closed"
    with pytest.raises(PermissionDenied) as refused, worker.write(Op.REPORT_ISSUE) as tx:
        tx.insert("issues", frame)
    assert "已上报" in str(refused.value)
    assert tiny_store.count("issues", SCOPE, where={"id": "new-closed"}) == 0


def test_a_history_row_written_directly_cannot_claim_a_step(tiny_store: Store) -> None:
    commander = _session(tiny_store, Role.COMMANDER)
    forged = pd.DataFrame([{"issue_id": "i1", "at": pd.Timestamp("2026-11-21 09:00"), "actor": "x",
                            "from_status": "reported", "to_status": "closed"}])
    with pytest.raises(PermissionDenied), commander.write(Op.HANDLE_ISSUE) as tx:
        tx.insert("issue_events", forged)
    note = forged.assign(from_status="reported", to_status="reported", note="已电话联系上报人")
    with commander.write(Op.HANDLE_ISSUE) as tx:
        assert tx.insert("issue_events", note) == 1
    assert _history(tiny_store)["to_status"].tolist() == ["reported"]


# --------------------------------------------------------------------------- concurrency


@pytest.fixture
def slow_locked_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold each locked read's transaction open a moment, so two steps surely overlap."""
    original = GuardedTransaction.read

    def slow(self: GuardedTransaction, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        found = original(self, *args, **kwargs)  # type: ignore[arg-type]
        if kwargs.get("for_update"):
            time.sleep(0.4)
        return found

    monkeypatch.setattr(GuardedTransaction, "read", slow)
    yield


def test_two_people_stepping_the_same_issue_at_once_exactly_one_succeeds(tiny_store: Store,
                                                                         slow_locked_reads: None) -> None:
    sessions = [_session(tiny_store, Role.COMMANDER) for _ in range(2)]
    start = threading.Barrier(2)
    results: list[object] = []

    def step(session: Session) -> None:
        start.wait()
        try:
            results.append(transition_issue(session, "i1", "accepted"))
        except WorkflowError as exc:
            results.append(exc)

    threads = [threading.Thread(target=step, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, IllegalStep)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "已经是“已受理”" in refused[0].text("zh")
    assert _history(tiny_store)["to_status"].tolist() == ["accepted"]
