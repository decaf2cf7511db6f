"""gridmap.command: the commander's KPIs, map measures and live highlights.

Every expected number below is counted by hand from the rows in :func:`_load_activity`
(the tiny county of ``tests/store_fixtures.py``), never by the code under test::

    27.52 +---------+---------+   NOW = 2026-11-23 15:00 (the county's as_of)
          |  M1     |  M2     |   default range: 2026-10-25 .. 2026-11-23
    27.51 +---------+---------+   G1 = M1 + M2, G2 = M3 + M4, village V = G1 + G2
          |  M3     |  M4     |   units: V 120 households / 300 residents,
    27.50 +---------+---------+          G1, G2 60 each, M1..M4 30 each
        120.40    120.41    120.42

Issues (i1-i3 from the fixture; category, micro-grid, reported, deadline, status, closed):

===  ============  =====  ===========  ===========  ===========  ===========
i1   sanitation    M1     11-20 08:00  11-21 08:00  reported
i2   traffic       M4     11-01 10:00  11-03 10:00  closed       11-02 10:00
i3   dispute       out    11-21 15:30  -            in_progress
i4   fire_safety   M2     11-23 09:00  11-24 09:00  closed       11-23 11:00
i5   municipal     M3     11-22 10:00  11-25 10:00  dispatched
i6   sanitation    M3     11-10 10:00  11-11 10:00  resolved
i7   dispute       M1     11-15 10:00  11-22 10:00  duplicate    11-15 11:00
i8   traffic       M2     09-01 10:00  09-03 10:00  in_progress
i9   sanitation    M4     11-23 16:00  11-24 16:00  reported     (after NOW)
i10  sanitation    M1     11-22 20:00  11-23 20:00  closed       11-23 14:00
===  ============  =====  ===========  ===========  ===========  ===========

Hazards (types, micro-grid, found, deadline, status, rectified):

===  ========================  =====  ===========  ===========  ==========  ===========
h1   flying_wire               M1     11-20 10:00  11-21 10:00  overdue
h2   ebike_indoor, gas         M2     11-18 09:00  11-21 09:00  verified    11-19 09:00
h3   gas                       M3     11-22 09:00  11-29 09:00  rectifying
h4   blocked_exit              M4     10-01 09:00  10-08 09:00  rectified   10-30 09:00
h5   flying_wire, rental_fire  M1     11-23 16:00  11-24 16:00  found       (after NOW)
h6   ebike_indoor              M2     11-22 10:00  11-23 12:00  found
===  ========================  =====  ===========  ===========  ==========  ===========

Stations: s1 party_l2 M1 (open since 2025); s2 exam_help M2 (closed 06-10); s3
police_post M3 (opens 12-01); s4 happiness M4 (closes today). Zero-reports on 11-23:
M1 08:00, M2 16:00 (after NOW), M4 14:00; M3 only on 11-22. Households: M1 3 (2
collected), M2 1 (1 collected), M3 2 (none collected), M4 none.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap import i18n
from gridmap.access import Session, User
from gridmap.command import (
    KPI_FIELDS,
    MEASURES,
    Filters,
    available_measures,
    data_now,
    kpis,
    load_snapshot,
    new_since,
    refresh_snapshot,
    unit_measure,
)
from gridmap.domain import CATEGORIES, Level, Role, Scope
from gridmap.store import Store
from tests.store_fixtures import COUNTY, G1, G2, M1, M2, M3, M4, SCOPE, VILLAGE

NOW = dt.datetime(2026, 11, 23, 15, 0)
TOWN = "330327100000"
COUNTY_UNIT = "330327000000"
_CENTRE = {M1: (120.405, 27.515), M2: (120.415, 27.515), M3: (120.405, 27.505), M4: (120.415, 27.505)}


def _t(text: str) -> dt.datetime:
    """``'11-20 08:00'`` -> 2026-11-20 08:00 (all test times are in 2026)."""
    return dt.datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M")


def _assigned(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Rows with a ``micro`` key turned into assigned points at that micro-grid's centre."""
    frame = pd.DataFrame(rows)
    micro = frame.pop("micro")
    frame["micro_code"] = micro
    frame["grid_code"] = micro.str[:14]
    frame["village_code"] = micro.str[:12]
    frame["town_code"] = TOWN
    frame["outside"] = False
    return gpd.GeoDataFrame(frame, geometry=[shapely.Point(_CENTRE[m]) for m in micro], crs="EPSG:4326")


def _issue(issue_id: str, category: str, micro: str, reported: str, deadline: str, status: str,
           closed: str | None = None) -> dict[str, Any]:
    return {"id": issue_id, "category": category, "micro": micro, "reported_at": _t(reported),
            "deadline": _t(deadline), "status": status, "closed_at": _t(closed) if closed else None,
            "department": CATEGORIES[category].department, "channel": "grid_patrol", "reporter": "网格员"}


def _hazard(hazard_id: str, types: list[str], micro: str, found: str, deadline: str, status: str,
            rectified: str | None = None) -> dict[str, Any]:
    return {"id": hazard_id, "hazard_types": types, "micro": micro, "found_at": _t(found),
            "deadline": _t(deadline), "status": status, "rectified_at": _t(rectified) if rectified else None,
            "place_type": "residential", "severity": "medium"}


def _load_activity(store: Store) -> None:
    """Add the issues, hazards, stations, zero-reports and households of the docstring."""
    issues = _assigned([
        _issue("i4", "fire_safety", M2, "11-23 09:00", "11-24 09:00", "closed", "11-23 11:00"),
        _issue("i5", "municipal", M3, "11-22 10:00", "11-25 10:00", "dispatched"),
        _issue("i6", "sanitation", M3, "11-10 10:00", "11-11 10:00", "resolved"),
        _issue("i7", "dispute", M1, "11-15 10:00", "11-22 10:00", "duplicate", "11-15 11:00"),
        _issue("i8", "traffic", M2, "09-01 10:00", "09-03 10:00", "in_progress"),
        _issue("i9", "sanitation", M4, "11-23 16:00", "11-24 16:00", "reported"),
        _issue("i10", "sanitation", M1, "11-22 20:00", "11-23 20:00", "closed", "11-23 14:00"),
    ])
    hazards = _assigned([
        _hazard("h1", ["flying_wire"], M1, "11-20 10:00", "11-21 10:00", "overdue"),
        _hazard("h2", ["ebike_indoor", "gas"], M2, "11-18 09:00", "11-21 09:00", "verified", "11-19 09:00"),
        _hazard("h3", ["gas"], M3, "11-22 09:00", "11-29 09:00", "rectifying"),
        _hazard("h4", ["blocked_exit"], M4, "10-01 09:00", "10-08 09:00", "rectified", "10-30 09:00"),
        _hazard("h5", ["flying_wire", "rental_fire"], M1, "11-23 16:00", "11-24 16:00", "found"),
        _hazard("h6", ["ebike_indoor"], M2, "11-22 10:00", "11-23 12:00", "found"),
    ])
    stations = _assigned([
        {"id": "s1", "name": "党群服务站", "station_type": "party_l2", "micro": M1,
         "opened": dt.date(2025, 1, 1), "closes": None},
        {"id": "s2", "name": "助考小站", "station_type": "exam_help", "micro": M2,
         "opened": dt.date(2026, 6, 1), "closes": dt.date(2026, 6, 10)},
        {"id": "s3", "name": "警务站", "station_type": "police_post", "micro": M3,
         "opened": dt.date(2026, 12, 1), "closes": None},
        {"id": "s4", "name": "幸福小站", "station_type": "happiness", "micro": M4,
         "opened": None, "closes": dt.date(2026, 11, 23)},
    ])
    zero = pd.DataFrame({
        "micro_code": [M1, M2, M4, M3, M1],
        "day": [dt.date(2026, 11, 23)] * 3 + [dt.date(2026, 11, 22)] * 2,
        "reported_at": [_t("11-23 08:00"), _t("11-23 16:00"), _t("11-23 14:00"), _t("11-22 09:00"),
                        _t("11-22 09:00")],
        "reporter": "微网格长", "note": "无异常",
    })
    households = _assigned([
        {"address": f"灵溪镇古磉路{k}号", "micro": micro, "collected": collected, "residents": 3}
        for k, (micro, collected) in enumerate([(M1, True), (M1, True), (M1, False), (M2, True),
                                                (M3, False), (M3, False)])
    ])
    with store.transaction("tester", SCOPE) as tx:
        tx.insert("issues", issues)
        tx.insert("inspections", hazards)
        tx.insert("stations", stations)
        tx.insert("zero_reports", zero)
        tx.insert("households", households)
        tx.set_meta("as_of", NOW.isoformat())


@pytest.fixture
def county(tiny_store: Store) -> Store:
    """The tiny county with the activity of the module docstring."""
    _load_activity(tiny_store)
    return tiny_store


@pytest.fixture
def session(county: Store) -> Session:
    return Session.system(county, SCOPE)


class CountingSession:
    """A session that records every read, to check what a refresh reads."""

    def __init__(self, inner: Session) -> None:
        self.inner = inner
        self.scope = inner.scope
        self.reads: list[tuple[str, tuple[str, ...]]] = []

    def read(self, layer_name: str, *, where: Mapping[str, Any] | None = None, bbox: Any = None,
             columns: Sequence[str] | None = None, limit: int | None = None) -> pd.DataFrame:
        self.reads.append((layer_name, tuple(sorted(where or {}))))
        return self.inner.read(layer_name, where=where, bbox=bbox, columns=columns, limit=limit)

    def count(self, layer_name: str, *, where: Mapping[str, Any] | None = None) -> int:
        return self.inner.count(layer_name, where=where)

    def meta(self, key: str) -> str | None:
        return self.inner.meta(key)

    def can(self, op: str) -> bool:
        return self.inner.can(op)


# --------------------------------------------------------------------------- KPIs


def test_kpis_of_the_whole_county_by_hand(session: Session) -> None:
    k = kpis(load_snapshot(session), None, Filters(), NOW)
    assert (k.unit_code, k.level) == (COUNTY_UNIT, Level.COUNTY)
    assert (k.date_from, k.date_to) == (dt.date(2026, 10, 25), dt.date(2026, 11, 23))
    assert k.open_issues == 5  # i1 i3 i5 i6 i8 (i3 lies outside every micro-grid: the county sees it)
    assert k.overdue_issues == 2  # i1 i8; i6 is resolved (clock stopped), i3 has no deadline
    assert k.closed_today == 2  # i4 i10
    assert k.reported == 7  # i1 i2 i3 i4 i5 i6 i10; i7 duplicate, i8 before the range, i9 after NOW
    assert k.closed_of_reported == 3  # i2 i4 i10
    assert k.closure_rate == pytest.approx(3 / 7)
    assert k.hazards_found == 4  # h1 h2 h3 h6; h4 before the range, h5 after NOW
    assert k.hazards_rectified == 2  # h2 (11-19), h4 (10-30)
    assert k.hazards_open == 3  # h1 h3 h6
    assert k.hazards_overdue == 2  # h1, h6 (deadline 12:00 today)
    assert k.micro_grids == 4
    assert k.zero_reported == 2  # M1, M4; M2 reports after NOW, M3 only yesterday
    assert k.zero_report_rate == pytest.approx(0.5)
    assert (k.households, k.residents) == (120, 300)  # the county unit's own figures
    assert k.stations == 2  # s1, s4 (closes today)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (VILLAGE, {"open_issues": 4, "overdue_issues": 2, "closed_today": 2, "reported": 6,
                   "closed_of_reported": 3, "hazards_found": 4, "zero_reported": 2, "households": 120}),
        (G1, {"open_issues": 2, "overdue_issues": 2, "closed_today": 2, "reported": 3, "closed_of_reported": 2,
              "hazards_found": 3, "hazards_open": 2, "zero_reported": 1, "micro_grids": 2, "households": 60,
              "stations": 1}),
        (G2, {"open_issues": 2, "overdue_issues": 0, "closed_today": 0, "reported": 3, "closed_of_reported": 1,
              "hazards_found": 1, "hazards_rectified": 1, "zero_reported": 1, "stations": 1}),
        (M3, {"open_issues": 2, "overdue_issues": 0, "reported": 2, "closed_of_reported": 0, "closure_rate": 0.0,
              "hazards_open": 1, "zero_reported": 0, "zero_report_rate": 0.0, "households": 30, "stations": 0}),
    ],
)
def test_kpis_of_smaller_units_by_hand(session: Session, unit: str, expected: dict[str, Any]) -> None:
    k = kpis(load_snapshot(session), unit, Filters(), NOW)
    assert k.unit_code == unit
    assert {name: getattr(k, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(categories=["sanitation"]),  # i1 i6 i10 (i9 after NOW)
         {"open_issues": 2, "overdue_issues": 1, "closed_today": 1, "reported": 3, "closed_of_reported": 1}),
        (Filters(date_from=dt.date(2026, 11, 22)),  # i4 i5 i10 reported; state counts unchanged
         {"reported": 3, "closed_of_reported": 2, "open_issues": 5, "hazards_found": 2, "hazards_rectified": 0}),
        (Filters(issue_statuses=("closed", "duplicate")),  # i2 i4 i7 i10
         {"open_issues": 0, "closed_today": 2, "reported": 3, "closed_of_reported": 3}),
        (Filters(hazard_types=["flying_wire"]), {"hazards_found": 1, "hazards_open": 1, "hazards_overdue": 1}),
        (Filters(hazard_types=["gas"]), {"hazards_found": 2, "hazards_rectified": 1, "hazards_overdue": 0}),
        (Filters(hazard_statuses=["verified"]), {"hazards_found": 1, "hazards_rectified": 1, "hazards_open": 0}),
        (Filters(station_types=["party_l2", "exam_help"]), {"stations": 1}),
        (Filters(categories=()), {"open_issues": 0, "reported": 0, "closure_rate": None}),
    ],
)
def test_filters_change_the_kpis(session: Session, filters: Filters, expected: dict[str, Any]) -> None:
    k = kpis(load_snapshot(session), None, filters, NOW)
    assert {name: getattr(k, name) for name in expected} == expected


def test_now_is_honoured_not_the_wall_clock(session: Session) -> None:
    snapshot = load_snapshot(session)
    morning = kpis(snapshot, None, Filters(), NOW.replace(hour=10))
    assert morning.closed_today == 0  # i4 closes at 11:00, i10 at 14:00
    assert morning.closed_of_reported == 1  # only i2 was closed by 10:00
    assert morning.hazards_overdue == 1  # h6's deadline (12:00) has not passed yet
    assert morning.zero_reported == 1  # M1 (08:00); M4 reports at 14:00
    later = kpis(snapshot, None, Filters(), NOW.replace(hour=17))
    assert later.open_issues == 6  # i9 (reported 16:00) now counts
    assert later.zero_reported == 3  # M2 reported at 16:00
    next_day = kpis(snapshot, None, Filters(), NOW + dt.timedelta(days=1))
    assert next_day.zero_reported is None and next_day.zero_report_rate is None  # holds 11-23's reports only


def test_snapshot_reads_zero_reports_of_the_day_asked(session: Session) -> None:
    snapshot = load_snapshot(session, today=dt.date(2026, 11, 22))
    k = kpis(snapshot, None, Filters(), dt.datetime(2026, 11, 22, 23, 0))
    assert (k.zero_reported, k.micro_grids) == (2, 4)  # M3 and M1 on 11-22


def test_a_narrower_session_sees_only_its_unit(county: Store) -> None:
    snapshot = load_snapshot(Session.system(county, Scope(COUNTY, G2, Level.GRID)))
    k = kpis(snapshot, None, Filters(), NOW)
    assert (k.unit_code, k.open_issues, k.reported, k.hazards_found, k.micro_grids) == (G2, 2, 3, 1, 2)
    with pytest.raises(ValueError, match="not a unit"):
        kpis(snapshot, VILLAGE, Filters(), NOW)


def test_a_department_sees_its_own_issues_and_no_household_data(county: Store) -> None:
    user = User("huanwei", Role.DEPARTMENT, COUNTY_UNIT, department="enforcement")  # sanitation, illegal building
    snapshot = load_snapshot(Session(county, user))
    assert sorted(snapshot.issues.ids) == ["i1", "i10", "i6", "i9"]  # the sanitation issues only
    k = kpis(snapshot, None, Filters(), NOW)
    assert (k.open_issues, k.reported, k.closed_today) == (2, 3, 1)
    assert k.zero_reported is None  # a department may not read zero-reports
    assert "collection" not in available_measures(snapshot)
    with pytest.raises(ValueError, match="may not read"):
        unit_measure(snapshot, None, Level.GRID, "collection", Filters(), NOW)


def test_as_dict_is_plain(session: Session) -> None:
    out = kpis(load_snapshot(session), G1, Filters(), NOW).as_dict()
    assert out["level"] == "grid" and out["date_to"] == "2026-11-23"
    assert set(KPI_FIELDS) <= set(out)


# --------------------------------------------------------------------------- measures


@pytest.mark.parametrize(
    ("measure", "values", "legend"),
    [
        ("risk", {G1: "blue", G2: "orange"}, (None, None)),
        ("open_issues", {G1: 2, G2: 2}, (2.0, 2.0)),
        ("overdue_issues", {G1: 2, G2: 0}, (0.0, 2.0)),
        ("closure_rate", {G1: 2 / 3, G2: 1 / 3}, (0.0, 1.0)),
        ("hazards_per_100", {G1: 3 / 60 * 100, G2: 1 / 60 * 100}, (100 / 60, 5.0)),
        ("zero_report", {G1: 0.5, G2: 0.5}, (0.0, 1.0)),
        ("collection", {G1: 3 / 4, G2: 0.0}, (0.0, 1.0)),
    ],
)
def test_measures_per_grid_by_hand(session: Session, measure: str, values: dict[str, Any],
                                   legend: tuple[float | None, float | None]) -> None:
    result = unit_measure(load_snapshot(session), VILLAGE, Level.GRID, measure, Filters(), NOW)
    assert list(result.values.index) == [G1, G2]
    assert result.values["name"].tolist() == ["第1网格", "第2网格"]
    got = result.values["value"].to_dict()
    if measure == "risk":
        assert got == values and result.kind == "categorical"
        assert result.categories == ("orange", "blue", "cyan")
    else:
        assert got == pytest.approx(values) and result.kind == "sequential"
        assert (result.vmin, result.vmax) == pytest.approx(legend)
    assert result.level == Level.GRID and result.label_key == f"measure.{measure}"


def test_measures_per_micro_grid_and_across_levels(session: Session) -> None:
    snapshot = load_snapshot(session)
    opened = unit_measure(snapshot, VILLAGE, Level.MICRO, "open_issues", Filters(), NOW).values["value"]
    assert opened.to_dict() == {M1: 1, M2: 1, M3: 2, M4: 0}
    collection = unit_measure(snapshot, G2, "micro", "collection", Filters(), NOW).values
    assert collection.loc[M3, "value"] == 0.0 and math.isnan(collection.loc[M4, "value"])  # M4: no households
    assert collection.loc[M3, ["numerator", "denominator"]].tolist() == [0, 2]
    towns = unit_measure(snapshot, None, Level.TOWN, "open_issues", Filters(), NOW).values
    assert towns["value"].to_dict() == {TOWN: 4}  # i3 lies outside every micro-grid: in no town
    grids = unit_measure(snapshot, None, Level.GRID, "hazards_per_100",
                         Filters(hazard_types=["ebike_indoor"]), NOW).values["value"]
    assert grids.to_dict() == pytest.approx({G1: 2 / 60 * 100, G2: 0.0})  # h2 h6
    morning = unit_measure(snapshot, VILLAGE, Level.MICRO, "zero_report", Filters(), NOW.replace(hour=10))
    assert morning.values["value"].to_dict() == {M1: 1.0, M2: 0.0, M3: 0.0, M4: 0.0}


@pytest.mark.parametrize(
    ("selection", "level", "measure", "message"),
    [
        (VILLAGE, Level.TOWN, "open_issues", "above"),
        (G1, Level.TOWN, "open_issues", "above"),
        (VILLAGE, Level.GRID, "happiness", "unknown measure"),
        ("330327999999", Level.GRID, "open_issues", "not a unit"),
    ],
)
def test_measure_refuses_bad_requests(session: Session, selection: str, level: Level, measure: str,
                                      message: str) -> None:
    with pytest.raises(ValueError, match=message):
        unit_measure(load_snapshot(session), selection, level, measure, Filters(), NOW)


# --------------------------------------------------------------------------- live


def test_new_since_a_time(session: Session) -> None:
    new = new_since(load_snapshot(session), NOW, since=_t("11-22 09:30"))
    assert new.issues["id"].tolist() == ["i5", "i10", "i4"]  # oldest first; i9 comes after NOW
    assert new.issues["status"].tolist() == ["dispatched", "closed", "closed"]
    assert new.inspections["id"].tolist() == ["h6"]  # h3 at 09:00 is older
    assert new.inspections["micro_code"].tolist() == [M2]
    sanitation = new_since(load_snapshot(session), NOW, since=_t("11-22 09:30"), selection=G1,
                           filters=Filters(categories=["sanitation"]))
    assert sanitation.issues["id"].tolist() == ["i10"]


def test_new_since_the_ids_seen(session: Session) -> None:
    snapshot = load_snapshot(session, with_xy=True)
    new = new_since(snapshot, NOW, seen=snapshot.ids() - {"i4", "h3", "i9"})
    assert new.ids() == {"i4", "h3"}  # i9 is not seen but reported after NOW
    assert new.issues[["lon", "lat"]].iloc[0].tolist() == pytest.approx(_CENTRE[M2])
    assert len(new_since(snapshot, NOW, seen=snapshot.ids())) == 0
    with pytest.raises(ValueError, match="exactly one"):
        new_since(snapshot, NOW)


def test_refresh_rereads_only_what_can_change_and_matches_a_full_load(county: Store) -> None:
    session = CountingSession(Session.system(county, SCOPE))
    before = load_snapshot(session)
    new_issue = _assigned([_issue("i11", "traffic", M2, "11-23 14:30", "11-25 14:30", "reported")])
    with county.transaction("tester", SCOPE) as tx:
        tx.update("issues", "i5", {"status": "closed", "closed_at": _t("11-23 13:00")})
        tx.insert("issues", new_issue)
        tx.update("inspections", "h3", {"status": "rectified", "rectified_at": _t("11-23 10:00")})
        tx.insert("zero_reports", pd.DataFrame({"micro_code": [M3], "day": [dt.date(2026, 11, 23)],
                                                "reported_at": [_t("11-23 12:00")], "reporter": "微网格长"}))
        tx.update("units", f"{G2}:1", {"risk_colour": "cyan"})
    session.reads.clear()
    after = refresh_snapshot(session, before)
    full_reads = [r for r in session.reads if r[0] in ("issues", "inspections") and not r[1]]
    assert full_reads == []  # only live statuses and ids were re-read
    k = kpis(after, None, Filters(), NOW)
    assert (k.open_issues, k.closed_today, k.hazards_open, k.hazards_rectified, k.zero_reported) == (5, 3, 2, 3, 3)
    assert k == kpis(load_snapshot(session), None, Filters(), NOW)
    assert kpis(before, None, Filters(), NOW).closed_today == 2  # the old snapshot is unchanged
    assert unit_measure(after, VILLAGE, Level.GRID, "risk", Filters(), NOW).values["value"].tolist() == ["blue", "cyan"]
    assert new_since(after, NOW, seen=before.ids()).ids() == {"i11"}


def test_refresh_reads_a_layer_in_full_when_a_row_came_and_closed_between_ticks(county: Store) -> None:
    session = CountingSession(Session.system(county, SCOPE))
    before = load_snapshot(session)
    quick = _assigned([_issue("i12", "traffic", M1, "11-23 12:00", "11-25 12:00", "closed", "11-23 12:30")])
    with county.transaction("tester", SCOPE) as tx:
        tx.insert("issues", quick)
    session.reads.clear()
    after = refresh_snapshot(session, before)
    assert ("issues", ()) in session.reads  # the count check caught it
    assert ("inspections", ()) not in session.reads and ("households", ()) not in session.reads
    assert "i12" in set(after.issues.ids)
    assert kpis(after, None, Filters(), NOW).closed_today == 3


def test_refresh_reloads_everything_when_a_point_names_an_unknown_micro_grid(county: Store) -> None:
    session = CountingSession(Session.system(county, SCOPE))
    before = load_snapshot(session)
    stray = _assigned([_issue("i13", "traffic", M1, "11-23 12:00", "11-25 12:00", "reported")])
    stray["micro_code"] = G1 + "009"  # a micro-grid of some newer plan, not in the units read
    with county.transaction("tester", SCOPE) as tx:
        tx.insert("issues", stray)
    session.reads.clear()
    after = refresh_snapshot(session, before)
    assert ("households", ()) in session.reads  # a full load
    assert G1 + "009" in after.micro_codes and not after.micro_is_unit[list(after.micro_codes).index(G1 + "009")]
    k = kpis(after, G1, Filters(), NOW)
    assert (k.open_issues, k.micro_grids) == (3, 2)  # i1 i8 i13; still two micro-grids of the plan


# --------------------------------------------------------------------------- filters and words


def test_filters_are_hashable_and_order_insensitive() -> None:
    a = Filters(categories=["traffic", "sanitation"], hazard_types={"gas"})
    b = Filters(categories=("sanitation", "traffic"), hazard_types=["gas"])
    assert a == b and hash(a) == hash(b) and a.categories == ("sanitation", "traffic")
    assert {a: 1}[b] == 1
    assert Filters().window(NOW) == (dt.date(2026, 10, 25), dt.date(2026, 11, 23))
    assert Filters.last_days(7, dt.date(2026, 11, 23)).window(NOW) == (dt.date(2026, 11, 17), dt.date(2026, 11, 23))
    assert Filters(date_to=dt.date(2026, 11, 1)).window(NOW)[0] == dt.date(2026, 10, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"categories": ["santation"]}, "unknown code"),
        ({"hazard_statuses": ["closed"]}, "unknown code"),
        ({"date_from": dt.date(2026, 11, 2), "date_to": dt.date(2026, 11, 1)}, "after"),
        ({"date_from": "2026-11-01"}, "must be a date"),
    ],
)
def test_filters_refuse_bad_values(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Filters(**kwargs)


def test_every_kpi_and_measure_has_words_in_both_languages() -> None:
    for lang in i18n.LANGUAGES:
        for name in KPI_FIELDS:
            assert i18n.t(f"kpi.{name}", lang) and i18n.t(f"kpi.{name}.help", lang)
        for name in MEASURES:
            assert f"measure.{name}" in i18n.MESSAGES[lang], f"measure.{name} has no {lang} label"


# --------------------------------------------------------------------------- the small demo


@pytest.mark.slow
def test_levels_add_up_on_the_small_demo(demo_db_url: str) -> None:
    """Every level's measures add up to the level above and to the KPIs, at any filters."""
    from gridmap.store import open_store

    with open_store(demo_db_url) as store:
        session = Session.system(store, Scope.county(COUNTY))
        now = data_now(session)
        snapshot = load_snapshot(session)
        filters = Filters.last_days(60, now.date(), categories=["sanitation", "traffic", "dispute"])
        county_kpis = kpis(snapshot, None, filters, now)
        assert county_kpis.reported > 0 and county_kpis.open_issues > 0
        towns = unit_measure(snapshot, None, Level.TOWN, "open_issues", filters, now).values
        for level in (Level.VILLAGE, Level.GRID, Level.MICRO):
            values = unit_measure(snapshot, None, level, "open_issues", filters, now).values["value"]
            assert values.sum() == towns["value"].sum()
        for town in towns.index:
            assert kpis(snapshot, town, filters, now).open_issues == towns.loc[town, "value"]
        zero = unit_measure(snapshot, None, Level.TOWN, "zero_report", filters, now).values
        assert zero["numerator"].sum() == county_kpis.zero_reported
        assert zero["denominator"].sum() == county_kpis.micro_grids
        assert kpis(refresh_snapshot(session, snapshot), None, filters, now) == county_kpis
