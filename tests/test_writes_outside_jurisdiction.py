"""Regression: writes outside the writer's jurisdiction (issue 8, defect 11).

- A grid worker could add history events to any issue in the county: the check looked
  at the event's own ``micro_code``, not its issue's.
- A grid worker could insert an issue whose ``micro_code`` was theirs but whose
  ``grid_code``, village and point lay in another village (the map showed the pin
  there, the KPIs counted it in their grid).
- ``GuardedTransaction.audit()`` let any write operation append arbitrary audit rows
  (a fake ``delete`` row, a 1 MB payload) that can never be removed.

Both backends. The worker's jurisdiction is grid G1 (M1, M2); i2 lies in M4 (grid G2).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.access import Op, PermissionDenied, Session, User
from gridmap.domain import Role
from gridmap.store import NotFound, ScopeError, Store
from gridmap.store.base import AuditFilter
from tests.store_fixtures import COUNTY, G1, G2, M1, M4, SCOPE, VILLAGE, tiny_issues

OTHER_VILLAGE = "330327100002"


def _worker(store: Store) -> Session:
    return Session(store, User("worker", Role.GRID_WORKER, G1, "网格员"))


def _event(issue_id: str, micro: str) -> pd.DataFrame:
    return pd.DataFrame([{"issue_id": issue_id, "at": dt.datetime(2026, 11, 21, 9), "actor": "worker",
                          "from_status": "closed", "to_status": "closed", "note": "补充说明", "micro_code": micro}])


def test_grid_worker_event_on_a_foreign_issue_is_refused(tiny_store: Store) -> None:
    worker = _worker(tiny_store)
    with pytest.raises(NotFound), worker.write(Op.REPORT_ISSUE) as tx:
        tx.insert("issue_events", _event("i2", M1))  # i2 lies in M4; the event claims M1
    with pytest.raises(NotFound), worker.write(Op.HANDLE_ISSUE) as tx:
        tx.insert("issue_events", _event("i2", M1))
    assert tiny_store.read("issue_events", SCOPE, where={"issue_id": "i2"}).empty


def test_an_event_takes_its_issues_micro_grid_and_department(tiny_store: Store) -> None:
    worker = _worker(tiny_store)
    note = _event("i1", M4).assign(from_status="reported", to_status="reported")  # claims another micro-grid
    with worker.write(Op.REPORT_ISSUE) as tx:
        tx.insert("issue_events", note.assign(department="police"))
    stored = tiny_store.read("issue_events", SCOPE, where={"issue_id": "i1"}).iloc[0]
    assert stored["micro_code"] == M1 and stored["department"] == "enforcement"


def _foreign_codes_issue(point: shapely.Point) -> gpd.GeoDataFrame:
    frame = tiny_issues().iloc[[0]].copy()
    frame["id"] = "forged"
    frame["micro_code"] = M1  # the worker's own micro-grid ...
    frame["grid_code"], frame["village_code"] = G2, OTHER_VILLAGE  # ... and someone else's ancestors
    frame["town_code"] = "330327200000"
    return frame.set_geometry(gpd.GeoSeries([point], index=frame.index, crs="EPSG:4326"))


def test_grid_worker_issue_with_foreign_ancestor_codes_gets_its_codes_from_the_point(tiny_store: Store) -> None:
    with _worker(tiny_store).write(Op.REPORT_ISSUE) as tx:
        tx.insert("issues", _foreign_codes_issue(shapely.Point(120.405, 27.515)))  # a point in M1
    stored = tiny_store.read("issues", SCOPE, where={"id": "forged"}).iloc[0]
    assert (stored["town_code"], stored["village_code"], stored["grid_code"], stored["micro_code"]) == \
        ("330327100000", VILLAGE, G1, M1)
    assert not stored["outside"]


def test_grid_worker_issue_whose_point_lies_elsewhere_is_refused(tiny_store: Store) -> None:
    with pytest.raises(ScopeError), _worker(tiny_store).write(Op.REPORT_ISSUE) as tx:
        tx.insert("issues", _foreign_codes_issue(shapely.Point(120.415, 27.505)))  # the point lies in M4
    with pytest.raises(ScopeError), _worker(tiny_store).write(Op.REPORT_ISSUE) as tx:
        tx.insert("issues", _foreign_codes_issue(shapely.Point(120.5, 27.6)))  # in no unit at all
    assert tiny_store.count("issues", SCOPE, where={"id": "forged"}) == 0


def test_the_county_keeps_a_point_outside_every_unit_flagged(tiny_store: Store) -> None:
    county = Session.system(tiny_store, SCOPE)
    with county.write(Op.IMPORT_POINTS) as tx:
        tx.insert("issues", _foreign_codes_issue(shapely.Point(120.5, 27.6)))
    stored = tiny_store.read("issues", SCOPE, where={"id": "forged"}).iloc[0]
    assert stored["outside"] and stored["micro_code"] is None and stored["grid_code"] is None


def test_moving_a_station_moves_its_codes_and_codes_cannot_be_set_by_hand(tiny_store: Store) -> None:
    planner = Session(tiny_store, User("planner", Role.PLANNER, f"{COUNTY}000000"))
    with planner.write(Op.EDIT_STATIONS) as tx:
        tx.insert("stations", gpd.GeoDataFrame([{"id": "s1", "name": "幸福小站", "station_type": "happiness"}],
                                               geometry=[shapely.Point(120.405, 27.515)], crs="EPSG:4326"))
    assert tiny_store.read("stations", SCOPE, where={"id": "s1"})["micro_code"].iloc[0] == M1
    with planner.write(Op.EDIT_STATIONS) as tx:
        tx.update("stations", "s1", {"geometry": shapely.Point(120.415, 27.505)})
    assert tiny_store.read("stations", SCOPE, where={"id": "s1"})["micro_code"].iloc[0] == M4
    with pytest.raises(PermissionDenied), planner.write(Op.EDIT_STATIONS) as tx:
        tx.update("stations", "s1", {"micro_code": M1})
    assert tiny_store.read("stations", SCOPE, where={"id": "s1"})["micro_code"].iloc[0] == M4


def test_no_audit_forgery_through_a_session(tiny_store: Store) -> None:
    worker = _worker(tiny_store)
    before = len(tiny_store.audit_log(SCOPE, limit=10_000))
    with worker.write(Op.REPORT_ISSUE) as tx:
        assert not hasattr(tx, "audit")
        with pytest.raises(AttributeError):
            tx.audit("delete", "issues", target="i2", before={"rows": ["x" * 1_000_000]})  # type: ignore[attr-defined]
    assert len(tiny_store.audit_log(SCOPE, limit=10_000)) == before
    assert tiny_store.audit_log(SCOPE, filters=AuditFilter(actor="worker")).empty
