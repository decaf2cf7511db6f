"""Issue statistics (gridmap.issue_stats): hand-computed figures, then the store on both backends."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.access import PermissionDenied, Session, User
from gridmap.domain import Role
from gridmap.issue_stats import OUTSIDE_KEY, STAT_COLUMNS, compute_stats, issue_stats, total_row
from gridmap.store import Store
from tests.store_fixtures import G1, G2, M1, M2, M3, M4, SCOPE, VILLAGE, tiny_units

D = dt.datetime
FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 10)  # ten days
NOW = D(2026, 11, 12, 12, 0)

# id, group, status, reported_at, deadline, closed_at
ROWS = [
    ("a1", "A", "closed", D(2026, 11, 2, 8), D(2026, 11, 3, 8), D(2026, 11, 3, 10)),  # 26 h; resolved in time
    ("a2", "A", "closed", D(2026, 11, 3, 8), D(2026, 11, 4, 8), D(2026, 11, 6, 8)),  # 72 h; resolved late
    ("a3", "A", "in_progress", D(2026, 11, 4, 8), D(2026, 11, 5, 8), None),  # open, overdue now
    ("a4", "A", "duplicate", D(2026, 11, 5, 8), D(2026, 11, 6, 8), D(2026, 11, 5, 9)),  # not genuine
    ("a5", "A", "dispatched", D(2026, 10, 20, 8), D(2026, 12, 30, 8), None),  # before the period; open
    ("b1", "B", "closed", D(2026, 11, 10, 23), None, D(2026, 11, 11, 5)),  # 6 h; no deadline
    ("b2", "B", "reported", D(2026, 11, 11, 8), D(2026, 11, 13, 8), None),  # after the period; open
    ("c1", None, "closed", D(2026, 11, 2, 8), D(2026, 11, 3, 8), D(2026, 11, 2, 9)),  # no group: left out
]
RESOLVED = pd.Series({"a1": D(2026, 11, 2, 18), "a2": D(2026, 11, 5, 8), "b1": D(2026, 11, 11, 4)})


def _frame() -> tuple[pd.DataFrame, pd.Series]:
    issues = pd.DataFrame(ROWS, columns=["id", "group", "status", "reported_at", "deadline", "closed_at"])
    return issues, issues["group"].astype(object).where(issues["group"].notna(), None)


def test_hand_computed_figures() -> None:
    issues, groups = _frame()
    table = compute_stats(issues, groups, first_day=FIRST, last_day=LAST, now=NOW, resolved=RESOLVED,
                          keys=["A", "B", "Z"]).set_index("key")
    assert list(table.index) == ["A", "B", "Z"]  # worst closure first, the empty group last
    rows = {r["key"]: r for r in table.reset_index().to_dict("records")}
    a, b, z = (rows[k] for k in "ABZ")
    assert {c: a[c] for c in STAT_COLUMNS} == {
        "reported": 4, "genuine": 3, "closed": 2, "closure_rate": round(2 / 3, 4), "median_hours": 49.0,
        "on_time": 1, "on_time_share": 0.5, "open_now": 2, "overdue_now": 1, "per_day": 0.4}
    assert {c: b[c] for c in STAT_COLUMNS} == {
        "reported": 1, "genuine": 1, "closed": 1, "closure_rate": 1.0, "median_hours": 6.0,
        "on_time": 0, "on_time_share": None, "open_now": 1, "overdue_now": 0, "per_day": 0.1}
    assert (z["reported"], z["open_now"], z["closure_rate"], z["median_hours"]) == (0, 0, None, None)


def test_without_resolution_times_the_closure_time_decides_on_time() -> None:
    issues, groups = _frame()
    table = compute_stats(issues, groups, first_day=FIRST, last_day=LAST, now=NOW).set_index("key")
    assert table.loc["A", "on_time"] == 0  # a1 was closed two hours after its deadline


def test_the_clock_decides_what_is_closed_and_overdue() -> None:
    issues, groups = _frame()
    early = compute_stats(issues, groups, first_day=FIRST, last_day=LAST, now=D(2026, 11, 4, 12),
                          resolved=RESOLVED).set_index("key")
    # At 4 Nov noon: a1 closed, a2 not yet (closed on the 6th), a3 not yet overdue (due the 5th).
    assert (early.loc["A", "reported"], early.loc["A", "closed"], early.loc["A", "overdue_now"]) == (3, 1, 0)
    assert (early.loc["B", "reported"], early.loc["B", "open_now"]) == (0, 0)  # nothing of B existed yet


def test_total_row_sums_counts_and_recomputes_the_rate() -> None:
    issues, groups = _frame()
    table = compute_stats(issues, groups, first_day=FIRST, last_day=LAST, now=NOW, resolved=RESOLVED)
    total = total_row(table, days=10)
    assert (total["reported"], total["genuine"], total["closed"], total["closure_rate"]) == (5, 4, 3, 0.75)


# --------------------------------------------------------------------------- through the store


def _issue(i: str, micro: str | None, point: tuple[float, float], status: str, reported: D, deadline: D | None,
           closed: D | None, department: str, reporter: str | None) -> dict[str, object]:
    grid = {M1: G1, M2: G1, M3: G2, M4: G2}.get(micro or "")
    return {"id": i, "category": "sanitation", "department": department, "status": status, "reported_at": reported,
            "deadline": deadline, "closed_at": closed, "reporter": reporter, "town_code": "330327100000" if micro
            else None, "village_code": VILLAGE if micro else None, "grid_code": grid, "micro_code": micro,
            "outside": micro is None, "geometry": shapely.Point(point)}


@pytest.fixture
def county(store: Store) -> Store:
    rows = [
        _issue("s1", M1, (120.405, 27.515), "closed", D(2026, 11, 2, 8), D(2026, 11, 3, 8), D(2026, 11, 2, 20),
               "enforcement", "李四"),
        _issue("s2", M1, (120.405, 27.515), "in_progress", D(2026, 11, 3, 8), D(2026, 11, 4, 8), None,
               "enforcement", "李四"),
        _issue("s3", M4, (120.415, 27.505), "closed", D(2026, 11, 4, 8), D(2026, 11, 5, 8), D(2026, 11, 7, 8),
               "police", "王五"),
        _issue("s4", None, (120.5, 27.6), "reported", D(2026, 11, 5, 8), D(2026, 11, 20, 8), None, "police", None),
    ]
    events = pd.DataFrame([
        {"id": "e1", "issue_id": "s1", "at": D(2026, 11, 2, 18), "actor": "h", "from_status": "in_progress",
         "to_status": "resolved", "micro_code": M1, "department": "enforcement"},
        {"id": "e3", "issue_id": "s3", "at": D(2026, 11, 5, 7), "actor": "h", "from_status": "in_progress",
         "to_status": "resolved", "micro_code": M4, "department": "police"},
    ])
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
        tx.insert("issues", gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
        tx.insert("issue_events", events)
    return store


def test_by_micro_grid_lists_every_unit_and_the_outside_row(county: Store) -> None:
    table = issue_stats(Session.system(county, SCOPE), by="unit", level="micro", first_day=FIRST, last_day=LAST,
                        now=NOW).set_index("key")
    assert set(table.index) == {M1, M2, M3, M4, OUTSIDE_KEY}
    assert table.loc[M1, "name"] == "第1微网格"
    m1, m4 = table.loc[M1], table.loc[M4]
    assert (m1["reported"], m1["closed"], m1["closure_rate"], m1["median_hours"]) == (2, 1, 0.5, 12.0)
    assert (m1["on_time"], m1["overdue_now"]) == (1, 1)
    assert (m4["on_time"], m4["on_time_share"]) == (1, 1.0)  # resolved 1 h before its deadline, closed later
    assert table.loc[OUTSIDE_KEY, "open_now"] == 1 and table.loc[M2, "reported"] == 0
    assert list(table.index)[-2:] == [M2, M3] or list(table.index)[-2:] == [M3, M2]  # empty units last


def test_by_grid_town_department_and_reporter(county: Store) -> None:
    s = Session.system(county, SCOPE)
    grids = issue_stats(s, by="unit", level="grid", first_day=FIRST, last_day=LAST, now=NOW).set_index("key")
    assert (grids.loc[G1, "reported"], grids.loc[G2, "reported"]) == (2, 1)
    county_row = issue_stats(s, by="unit", level="county", first_day=FIRST, last_day=LAST, now=NOW)
    assert county_row["reported"].tolist() == [4] and county_row["name"].tolist() == ["苍南县"]
    depts = issue_stats(s, by="department", first_day=FIRST, last_day=LAST, now=NOW).set_index("key")
    assert (depts.loc["enforcement", "reported"], depts.loc["police", "reported"]) == (2, 2)
    assert depts.loc["housing", "reported"] == 0  # every department is listed
    people = issue_stats(s, by="reporter", first_day=FIRST, last_day=LAST, now=NOW).set_index("key")
    assert people.loc["李四", "per_day"] == 0.2 and people.loc["(none)", "reported"] == 1


def test_scope_and_department_limit_what_is_counted(county: Store) -> None:
    commander = Session(county, User("c", Role.COMMANDER, G1))
    table = issue_stats(commander, by="unit", level="micro", first_day=FIRST, last_day=LAST, now=NOW)
    assert set(table["key"]) == {M1, M2} and int(table["reported"].sum()) == 2
    handler = Session(county, User("d", Role.DEPARTMENT, "330327000000", department="police"))
    depts = issue_stats(handler, by="department", first_day=FIRST, last_day=LAST, now=NOW)
    assert depts["key"].tolist() == ["police"] and depts["reported"].tolist() == [2]
    for role in (Role.GRID_WORKER, Role.PLANNER, Role.INSPECTOR):
        with pytest.raises(PermissionDenied):
            issue_stats(Session(county, User("x", role, G1)), first_day=FIRST, last_day=LAST)


def test_a_period_that_ends_before_it_starts_is_refused(county: Store) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        issue_stats(Session.system(county, SCOPE), first_day=LAST, last_day=FIRST)
