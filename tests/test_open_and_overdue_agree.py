"""Regression: "open" and "overdue" meant different things on different parts of a page
(issue 8, defect 5).

"Open" was "not final" in the KPI row (command/flags.py) but the county map also left
out resolved and verified issues (command/view.py), and "overdue" was computed in three
places. Both now come from one definition (gridmap.workflow.clock over the status sets
of gridmap.domain.LIFECYCLES): the KPIs, the map's points and rings, the map measures
and the live refresh agree. Both backends.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
import shapely

from gridmap.access import Session, User
from gridmap.command import Filters, kpis, load_snapshot, refresh_snapshot, unit_measure
from gridmap.command.view import build_view, load_points
from gridmap.domain import HazardStatus, IssueStatus, Role
from gridmap.maps import OFFLINE, hazard_overdue, issue_overdue
from gridmap.store import Store
from tests.store_fixtures import G1, M1, SCOPE, VILLAGE, tiny_units

NOW = dt.datetime(2026, 11, 21, 18)
TOWN = "330327100000"


def _codes() -> dict[str, object]:
    return {"town_code": TOWN, "village_code": VILLAGE, "grid_code": G1, "micro_code": M1, "outside": False}


@pytest.fixture
def every_status(store: Store) -> Store:
    """One issue in every status and one hazard in every status, half of them past their deadline."""
    point = shapely.Point(120.405, 27.515)
    issues = gpd.GeoDataFrame([{
        "id": f"i-{s.value}", "category": "sanitation", "department": "enforcement", "status": s.value,
        "reported_at": dt.datetime(2026, 11, 10, 9),
        "deadline": dt.datetime(2026, 11, 11 if n % 2 == 0 else 30, 9),
        "closed_at": dt.datetime(2026, 11, 12) if s in (IssueStatus.CLOSED, IssueStatus.DUPLICATE,
                                                        IssueStatus.INVALID) else None,
        **_codes()} for n, s in enumerate(IssueStatus)], geometry=[point] * len(IssueStatus), crs="EPSG:4326")
    hazards = gpd.GeoDataFrame([{
        "id": f"h-{s.value}", "place_type": "shop", "hazard_types": ["flying_wire"], "severity": "low",
        "status": s.value, "found_at": dt.datetime(2026, 11, 10, 9),
        "deadline": dt.datetime(2026, 11, 11 if n % 2 == 0 else 30, 9), **_codes()}
        for n, s in enumerate(HazardStatus)], geometry=[point] * len(HazardStatus), crs="EPSG:4326")
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.insert("issues", issues)
        tx.insert("inspections", hazards)
        tx.set_meta("plan_version", "1")
    return store


def _agree(session: Session, snapshot) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Assert that the KPIs, the county map and the measures agree; return (open, overdue) issues."""
    k = kpis(snapshot, None, Filters(), NOW)
    points = load_points(session, snapshot, None)
    view = build_view(session, snapshot, None, Filters(), "open_issues", NOW, tiles=OFFLINE, lang="zh",
                      points=points)
    assert view.sent["issues"] == k.open_issues
    assert view.sent["hazards"] == k.hazards_open
    assert int(issue_overdue(points.issues, NOW).sum()) == k.overdue_issues
    assert int(hazard_overdue(points.hazards, NOW).sum()) == k.hazards_overdue
    for measure, kpi in (("open_issues", k.open_issues), ("overdue_issues", k.overdue_issues)):
        assert unit_measure(snapshot, None, "town", measure, Filters(), NOW).values["value"].sum() == kpi
    return k.open_issues, k.overdue_issues


def test_open_and_overdue_agree_between_kpis_and_map(every_status: Store) -> None:
    session = Session(every_status, User("cmd", Role.COMMANDER, "330327000000"))
    snapshot = load_snapshot(session)
    open_issues, overdue_issues = _agree(session, snapshot)
    # open: not closed, duplicate or invalid -- resolved and verified are still open
    assert open_issues == 7
    # overdue: on the clock (open, not resolved/verified) and past the deadline; the
    # even-numbered statuses have a past deadline: reported, dispatched, resolved, closed,
    # duplicate -> of those, reported and dispatched are on the clock
    assert overdue_issues == 2
    k = kpis(snapshot, None, Filters(), NOW)
    assert k.hazards_open == 3  # found, rectifying, overdue (not rectified yet)
    assert k.hazards_overdue == 2  # found (past) and overdue (past)


def test_the_live_refresh_agrees_after_a_step(every_status: Store) -> None:
    from gridmap.workflow import transition_issue

    session = Session(every_status, User("cmd", Role.COMMANDER, "330327000000"))
    snapshot = load_snapshot(session)
    before = _agree(session, snapshot)
    transition_issue(session, "i-verified", "closed")  # leaves "open"
    transition_issue(session, "i-reported", "accepted")  # stays open and overdue
    snapshot = refresh_snapshot(session, snapshot)
    after = _agree(session, snapshot)
    assert after == (before[0] - 1, before[1])


def test_a_town_view_agrees_too(every_status: Store) -> None:
    session = Session(every_status, User("cmd", Role.COMMANDER, "330327000000"))
    snapshot = load_snapshot(session)
    k = kpis(snapshot, TOWN, Filters(), NOW)
    points = load_points(session, snapshot, TOWN)
    assert int(issue_overdue(points.issues, NOW).sum()) == k.overdue_issues == 2
