"""The permission matrix, walked through the library on both stores, and a property test.

Every role x operation x (inside, outside the jurisdiction) is attempted for real
through :class:`gridmap.access.Session` (no UI): a read must return the target row,
a write must change the store. The expected verdict is :data:`PERMISSIONS` (the one
table in code) for targets inside, and "denied" for every target outside. Status
changes go through the lifecycle (:mod:`gridmap.workflow`): a role that may handle
issues or update inspections makes a step its role may make (``ISSUE_STEPS``,
``HAZARD_STEPS``); the tables of steps themselves are walked in
``tests/test_lifecycle_is_enforced.py``.

The jurisdiction of every user here is grid G1 of the tiny county (micro-grids M1
and M2); "outside" targets sit in M3 (grid G2)::

    +----+----+
    | M1 | M2 |  G1  <- the users' jurisdiction
    +----+----+
    | M3 | M4 |  G2
    +----+----+
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap import auth
from gridmap.access import PERMISSIONS, Op, PermissionDenied, Session, User, allowed
from gridmap.domain import Level, Role, Scope
from gridmap.io import ImportRejected, export_layer, import_layer, write_frame
from gridmap.stations import record_visit
from gridmap.store.base import AuditFilter, NotFound, ScopeError, Store
from gridmap.workflow import (
    HAZARD_STEPS,
    ISSUE_STEPS,
    record_inspection,
    report_issue,
    transition_hazard,
    transition_issue,
)
from tests.store_fixtures import G1, G2, M1, M2, M3, M4, SCOPE, VILLAGE, tiny_units

DEPT = auth.DEMO_DEPARTMENT
POINT = {M1: (120.405, 27.515), M2: (120.415, 27.515), M3: (120.405, 27.505), M4: (120.415, 27.505)}
DENIED = (PermissionDenied, ScopeError, NotFound, ImportRejected)


def _codes(micro: str) -> dict[str, object]:
    return {"town_code": "330327100000", "village_code": VILLAGE, "grid_code": micro[:14], "micro_code": micro,
            "outside": False}


def _points(rows: list[dict[str, object]], micro: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame([{**r, **_codes(m)} for r, m in zip(rows, micro, strict=True)],
                            geometry=[shapely.Point(POINT[m]) for m in micro], crs="EPSG:4326")


def _issue(micro: str, issue_id: str | None = None) -> gpd.GeoDataFrame:
    return _points([{"id": issue_id or uuid.uuid4().hex[:12], "category": "sanitation", "description": "测试",
                     "department": DEPT, "status": "reported", "reported_at": dt.datetime(2026, 11, 20, 8)}],
                   [micro])


def _inspection(micro: str, row_id: str | None = None) -> gpd.GeoDataFrame:
    return _points([{"id": row_id or uuid.uuid4().hex[:12], "place_type": "shop", "hazard_types": ["flying_wire"],
                     "severity": "low", "status": "found", "found_at": dt.datetime(2026, 11, 20, 9)}], [micro])


def _station(micro: str, row_id: str | None = None) -> gpd.GeoDataFrame:
    return _points([{"id": row_id or uuid.uuid4().hex[:12], "name": "幸福小站", "station_type": "happiness"}],
                   [micro])


def _household(micro: str, row_id: str) -> gpd.GeoDataFrame:
    return _points([{"id": row_id, "address": f"测试路{row_id}号", "residents": 3, "collected": True}], [micro])


def seed(store: Store) -> None:
    """Units, and one row of every layer in M1 (inside) and M3 (outside)."""
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
        for tag, micro in (("in", M1), ("out", M3)):
            tx.insert("issues", _issue(micro, f"issue-{tag}"))
            tx.insert("inspections", _inspection(micro, f"insp-{tag}"))
            tx.insert("stations", _station(micro, f"stat-{tag}"))
            tx.insert("households", _household(micro, f"hh-{tag}"))
            tx.insert("zero_reports", pd.DataFrame([{"id": f"zero-{tag}", "micro_code": micro,
                                                     "day": dt.date(2026, 11, 20), "reporter": "张三"}]))
            tx.insert("issue_events", pd.DataFrame([{"id": f"ev-{tag}", "issue_id": f"issue-{tag}",
                                                     "at": dt.datetime(2026, 11, 20, 8), "actor": "张三",
                                                     "to_status": "reported", "micro_code": micro,
                                                     "department": DEPT}]))
            tx.insert("inspection_events", pd.DataFrame([{"id": f"iev-{tag}", "inspection_id": f"insp-{tag}",
                                                          "at": dt.datetime(2026, 11, 20, 9), "actor": "李四",
                                                          "to_status": "found", "micro_code": micro}]))
        tx.insert("planted_hotspots", gpd.GeoDataFrame(
            [{"id": "hot-1", "layer": "issues", "radius_m": 100.0, "start": dt.date(2026, 1, 1),
              "end": dt.date(2026, 6, 1), "pattern": "persistent"}],
            geometry=[shapely.Point(120.41, 27.51)], crs="EPSG:4326"))
    for tag, micro in (("in", M1), ("out", M3)):  # one audit row written inside each grid
        with store.transaction(f"auditor-{tag}", Scope(SCOPE.county_code, micro, Level.MICRO)) as tx:
            tx.update("stations", f"stat-{tag}", {"funding_yuan": 1})


def user(role: Role, unit: str = G1) -> User:
    return User(f"u-{role.value}", role, unit, role.value, DEPT if role == Role.DEPARTMENT else None)


# --------------------------------------------------------------------------- operations
# Each performer attempts ``op`` on the target in ``micro`` and returns True when it
# happened (a read returned the row, a write changed the store); a refusal raises.

Performer = Callable[[Session, str, str, Path], bool]


def _has(frame: pd.DataFrame, row_id: str) -> bool:
    return row_id in set(frame["id"])


def _read(layer: str, prefix: str) -> Performer:
    return lambda s, micro, tag, tmp: _has(s.read(layer, where={"id": f"{prefix}-{tag}"}), f"{prefix}-{tag}")


def _view_ground_truth(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    # A county-wide table: visible only to whole-county jurisdictions. Inside a grid it
    # is never "inside", so the narrowed session looks at the target grid itself.
    return _has(s.read("planted_hotspots"), "hot-1")


def _edit_routing(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    # Issue 12: a county-wide table, like the planted hotspots (a new version row).
    from gridmap.workflow.routing import DEFAULT_TABLE, save_table

    return save_table(s, DEFAULT_TABLE.rules, DEFAULT_TABLE.deadlines, note=tag).version >= 2


def _view_audit(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    return not s.audit_log(filters=AuditFilter(actor=f"auditor-{tag}")).empty


def _export(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    _, path = export_layer(s, "issues", tmp / f"{uuid.uuid4().hex}.csv", fmt="csv")
    return f"issue-{tag}" in path.read_text(encoding="utf-8-sig")


def _import_points(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    path = write_frame(_station(micro).drop(columns=list(_codes(micro))), tmp / f"{uuid.uuid4().hex}.geojson",
                       "geojson", "stations")
    return import_layer(s, "stations", path).written == 1


def _update(op: Op, layer: str, row_id: str | Callable[[str], str], changes: dict[str, object]) -> Performer:
    def perform(s: Session, micro: str, tag: str, tmp: Path) -> bool:
        target = row_id(micro) if callable(row_id) else f"{row_id}-{tag}"
        with s.write(op) as tx:
            tx.update(layer, target, changes)
        return True
    return perform


def _unit_id(micro: str) -> str:
    return f"{micro}:1"


def _insert(op: Op, layer: str, make: Callable[[str], pd.DataFrame]) -> Performer:
    def perform(s: Session, micro: str, tag: str, tmp: Path) -> bool:
        with s.write(op) as tx:
            return tx.insert(layer, make(micro)) == 1
    return perform


def _first_step(steps: dict[tuple[str, str], frozenset[Role]], role: Role) -> tuple[str, str]:
    """A step ``role`` may make (the first in the table), or reported -> accepted if none."""
    return next((step for step, roles in steps.items() if role in roles), next(iter(steps)))


def _set_status(s: Session, layer: str, row_id: str, status: str) -> None:
    """Test set-up: put a row in ``status`` directly in the store (not through a session)."""
    with s.store.transaction("setup", SCOPE) as tx:
        tx.update(layer, row_id, {"status": status})


def _handle_issue(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    before, after = _first_step(ISSUE_STEPS, s.user.role)
    _set_status(s, "issues", f"issue-{tag}", before)
    transition_issue(s, f"issue-{tag}", after, note="矩阵测试")
    return s.store.read("issues", SCOPE, where={"id": f"issue-{tag}"})["status"].iloc[0] == after


def _update_inspection(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    before, after = _first_step(HAZARD_STEPS, s.user.role)
    _set_status(s, "inspections", f"insp-{tag}", before)
    transition_hazard(s, f"insp-{tag}", after)
    return s.store.read("inspections", SCOPE, where={"id": f"insp-{tag}"})["status"].iloc[0] == after


def _report_issue(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    lon, lat = POINT[micro]
    issue = report_issue(s, category="sanitation", lon=lon, lat=lat, description="矩阵测试")
    return issue["micro_code"] == micro and s.store.count("issues", SCOPE, where={"id": issue["id"]}) == 1


def _record_inspection(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    lon, lat = POINT[micro]
    row = record_inspection(s, place_type="shop", hazard_types=["flying_wire"], severity="low", lon=lon, lat=lat)
    return row["micro_code"] == micro and s.store.count("inspections", SCOPE, where={"id": row["id"]}) == 1


def _record_visit(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    lon, lat = POINT[micro]
    row = record_visit(s, f"stat-{tag}", lon=lon, lat=lat, checklist={"open_on_time": True})
    return s.store.count("station_visits", SCOPE, where={"id": row["id"]}) == 1


def _manage_users(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    auth.add_user(s, f"new-{uuid.uuid4().hex[:8]}", "a-long-password-1", role=Role.GRID_WORKER, unit_code=micro)
    return True


def _view_issue_stats(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    from gridmap.issue_stats import issue_stats

    day = dt.date(2026, 11, 20)
    table = issue_stats(s, by="unit", level="micro", first_day=day, last_day=day, now=dt.datetime(2026, 11, 21))
    return int(table.loc[table["key"] == micro, "reported"].sum()) == 1


def _view_briefing(s: Session, micro: str, tag: str, tmp: Path) -> bool:
    from gridmap.brief import session_rankings

    return len(session_rankings(s, micro, Level.MICRO).table) == 1


PERFORMERS: dict[Op, Performer] = {
    Op.VIEW_MAP: _read("issues", "issue"),
    Op.VIEW_HOUSEHOLDS: _read("households", "hh"),
    Op.VIEW_ZERO_REPORTS: _read("zero_reports", "zero"),
    Op.VIEW_GROUND_TRUTH: _view_ground_truth,
    Op.VIEW_AUDIT: _view_audit,
    Op.EXPORT: _export,
    Op.IMPORT_POINTS: _import_points,
    Op.EDIT_UNITS: _update(Op.EDIT_UNITS, "units", _unit_id, {"name": "改名微网格"}),
    Op.SET_RISK: _update(Op.SET_RISK, "units", _unit_id, {"risk_colour": "orange"}),
    Op.REPORT_ISSUE: _report_issue,
    Op.HANDLE_ISSUE: _handle_issue,
    Op.RECORD_INSPECTION: _record_inspection,
    Op.UPDATE_INSPECTION: _update_inspection,
    Op.SUBMIT_ZERO_REPORT: _insert(Op.SUBMIT_ZERO_REPORT, "zero_reports", lambda m: pd.DataFrame([{
        "id": uuid.uuid4().hex[:12], "micro_code": m, "day": dt.date(2026, 11, 21), "reporter": "李四"}])),
    Op.EDIT_STATIONS: _update(Op.EDIT_STATIONS, "stations", "stat", {"name": "新站名"}),
    Op.MANAGE_USERS: _manage_users,
    Op.EDIT_ROUTING: _edit_routing,
    Op.VIEW_ISSUE_STATS: _view_issue_stats,
    Op.RECORD_VISIT: _record_visit,
    Op.VIEW_BRIEFING: _view_briefing,
}


COUNTY_WIDE = (Op.VIEW_GROUND_TRUTH, Op.EDIT_ROUTING)


def attempt(op: Op, session: Session, micro: str, tag: str, tmp: Path) -> bool:
    """True if ``op`` happened; False if it was refused or saw nothing."""
    try:
        return PERFORMERS[op](session, micro, tag, tmp)
    except DENIED:
        return False


def test_every_operation_has_a_performer_and_every_role_a_row() -> None:
    assert set(PERFORMERS) == set(Op)
    assert set(PERMISSIONS) == set(Role)


def test_permission_matrix_inside_and_outside(store: Store, tmp_path: Path) -> None:
    seed(store)
    wrong: list[str] = []
    for role in Role:
        for op in Op:
            if op in COUNTY_WIDE:
                continue  # county-wide table: walked separately below
            session = Session(store, user(role))
            for where, micro, tag in (("inside", M1, "in"), ("outside", M3, "out")):
                expected = allowed(role, op) and where == "inside"
                got = attempt(op, session, micro, tag, tmp_path)
                if got != expected:
                    wrong.append(f"{role.value} x {op.value} ({where}): expected "
                                 f"{'allowed' if expected else 'denied'}, got {'allowed' if got else 'denied'}")
    assert wrong == []


def test_county_wide_table_needs_a_whole_county_jurisdiction(store: Store, tmp_path: Path) -> None:
    seed(store)
    for role in Role:
        county = Session(store, user(role, "330327000000"))
        grid = Session(store, user(role, G1))
        for op in COUNTY_WIDE:
            assert attempt(op, county, M1, "in", tmp_path) == allowed(role, op), (role, op)
            assert attempt(op, grid, M1, "in", tmp_path) is False, (role, op)


def test_hand_written_expectations() -> None:
    """A few verdicts spelled out, so the table itself cannot drift silently."""
    assert allowed(Role.ADMIN, Op.MANAGE_USERS) and not allowed(Role.COMMANDER, Op.MANAGE_USERS)
    assert allowed(Role.GRID_WORKER, Op.SUBMIT_ZERO_REPORT) and not allowed(Role.DEPARTMENT, Op.SUBMIT_ZERO_REPORT)
    assert not allowed(Role.DEPARTMENT, Op.VIEW_HOUSEHOLDS), "addresses are personal data"
    assert not allowed(Role.GRID_WORKER, Op.VIEW_AUDIT) and not allowed(Role.COMMANDER, Op.VIEW_AUDIT)
    assert allowed(Role.PLANNER, Op.EDIT_UNITS) and not allowed(Role.INSPECTOR, Op.EDIT_UNITS)
    assert all(allowed(r, Op.VIEW_MAP) for r in Role)


def test_department_handles_only_its_own_issues(store: Store) -> None:
    seed(store)
    handler = Session(store, user(Role.DEPARTMENT, "330327000000"))
    assert {"ev-in", "ev-out"} <= set(handler.read("issue_events")["id"])
    commander = Session(store, user(Role.COMMANDER, "330327000000"))
    with store.transaction("seed", SCOPE) as tx:
        tx.update("issues", "issue-in", {"status": "accepted"})
    other = "traffic_police" if DEPT != "traffic_police" else "justice"
    transition_issue(commander, "issue-in", "dispatched", department=other)  # re-routed: its history follows
    assert "issue-in" not in set(handler.read("issues")["id"])
    assert "ev-in" not in set(handler.read("issue_events")["id"])
    assert "issue-out" in set(handler.read("issues")["id"])
    with pytest.raises(NotFound):
        transition_issue(handler, "issue-in", "in_progress")
    assert store.read("issues", SCOPE, where={"id": "issue-in"})["status"].iloc[0] == "dispatched"


def test_a_write_rule_limits_columns_even_for_an_allowed_role(store: Store) -> None:
    seed(store)
    commander = Session(store, user(Role.COMMANDER))
    with pytest.raises(PermissionDenied, match=r"may not change units\.name"), commander.write(Op.SET_RISK) as tx:
        tx.update("units", _unit_id(M1), {"name": "偷改名称"})
    with pytest.raises(PermissionDenied, match="may not write households"), commander.write(Op.SET_RISK) as tx:
        tx.delete("households", ["hh-in"])
    assert store.count("households", SCOPE, where={"id": "hh-in"}) == 1


def test_drill_down_cannot_widen_the_jurisdiction(store: Store) -> None:
    seed(store)
    worker = Session(store, user(Role.GRID_WORKER))
    assert worker.narrowed(M1).scope.prefix == M1
    with pytest.raises(ScopeError):
        worker.narrowed(G2)
    with pytest.raises(ScopeError):
        worker.narrowed("330327000000")


# --------------------------------------------------------------------------- property test

UNITS = ["330327000000", "330327100000", VILLAGE, G1, G2, M1, M2, M3, M4]
LAYER_NAMES = ["units", "issues", "inspections", "stations", "households", "zero_reports", "issue_events",
               "inspection_events", "planted_hotspots"]


@st.composite
def queries(draw: st.DrawFn) -> tuple[User, str, dict[str, object], tuple[float, float, float, float] | None]:
    role = draw(st.sampled_from(list(Role)))
    who = user(role, draw(st.sampled_from(UNITS)))
    layer_name = draw(st.sampled_from(LAYER_NAMES))
    where: dict[str, object] = {}
    if layer_name in ("issues", "inspections", "stations", "households") and draw(st.booleans()):
        where["micro_code"] = draw(st.lists(st.sampled_from([M1, M2, M3, M4]), min_size=1, max_size=4))
    if layer_name == "issues" and draw(st.booleans()):
        where["department"] = draw(st.sampled_from([DEPT, "justice"]))
    bbox = None
    if layer_name not in ("zero_reports", "issue_events", "inspection_events") and draw(st.booleans()):
        x0 = draw(st.floats(120.39, 120.42))
        y0 = draw(st.floats(27.49, 27.52))
        bbox = (x0, y0, x0 + draw(st.floats(0.001, 0.05)), y0 + draw(st.floats(0.001, 0.05)))
    return who, layer_name, where, bbox


def _prefix_column(layer_name: str) -> str | None:
    return {"units": "code", "planted_hotspots": None}.get(layer_name, "micro_code")


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    with store.transaction("seed", SCOPE) as tx:  # more rows spread over all four micro-grids
        for micro in (M1, M2, M3, M4):
            tx.insert("issues", _issue(micro))
            tx.insert("issues", _points([{"id": uuid.uuid4().hex[:12], "category": "dispute",
                                          "department": "justice", "status": "closed",
                                          "reported_at": dt.datetime(2026, 11, 1)}], [micro]))
            tx.insert("households", _household(micro, uuid.uuid4().hex[:12]))
    return store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries())
def test_nothing_outside_the_users_unit_ever_comes_back(seeded: Store, query) -> None:  # type: ignore[no-untyped-def]
    who, layer_name, where, bbox = query
    session = Session(seeded, who)
    try:
        rows = session.read(layer_name, where=where, bbox=bbox)
        count = session.count(layer_name, where=where)
    except PermissionDenied:
        assert not session.can({"units": Op.VIEW_MAP, "households": Op.VIEW_HOUSEHOLDS,
                                "zero_reports": Op.VIEW_ZERO_REPORTS, "planted_hotspots": Op.VIEW_GROUND_TRUTH}
                               .get(layer_name, Op.VIEW_MAP))
        return
    if bbox is None:
        assert count == len(rows)
    assert (rows["county_code"] == "330327").all()
    column = _prefix_column(layer_name)
    prefix = who.scope.prefix
    if column is None:
        assert rows.empty or who.scope.whole_county
    else:
        assert all(isinstance(v, str) and v.startswith(prefix) for v in rows[column]), (who, layer_name)
    if who.role == Role.DEPARTMENT and layer_name == "issues":
        assert (rows["department"] == DEPT).all()
    if who.role == Role.DEPARTMENT and layer_name == "issue_events":
        visible = set(seeded.read("issues", who.scope, where={"department": DEPT})["id"])
        assert set(rows["issue_id"]) <= visible
    if layer_name == "units" and not session.can(Op.VIEW_HOUSEHOLDS):
        assert rows[["households", "residents", "floating"]].isna().all().all(), who
