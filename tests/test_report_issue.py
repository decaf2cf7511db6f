"""gridmap.workflow.report_issue: a report placed on the server, routed, due, with its first
history row, in one light transaction. Both backends, the tiny county."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from gridmap.access import Session, User
from gridmap.domain import CATEGORIES, Role
from gridmap.store import Store
from gridmap.workflow import DESCRIPTION_LIMIT, BadInput, OutsideJurisdiction, allowed_steps, report_issue
from tests.store_fixtures import COUNTY, G1, M1, M4, SCOPE, VILLAGE

COUNTY_UNIT = f"{COUNTY}000000"


def _worker(store: Store) -> Session:
    return Session(store, User("worker", Role.GRID_WORKER, G1, "王网格"))


def test_a_report_is_placed_routed_and_due(tiny_store: Store) -> None:
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515,
                         description="楼道堆放杂物 {{ 请尽快处理")
    stored = tiny_store.read("issues", SCOPE, where={"id": issue["id"]}).iloc[0]
    assert (stored["town_code"], stored["village_code"], stored["grid_code"], stored["micro_code"]) == \
        ("330327100000", VILLAGE, G1, M1)
    assert stored["department"] == CATEGORIES["fire_safety"].department
    assert stored["deadline"] - stored["reported_at"] == pd.Timedelta(hours=CATEGORIES["fire_safety"].deadline_hours)
    assert stored["status"] == "reported" and stored["channel"] == "grid_patrol" and stored["reporter"] == "王网格"
    assert stored["description"] == "楼道堆放杂物 {{ 请尽快处理"
    events = tiny_store.read("issue_events", SCOPE, where={"issue_id": issue["id"]})
    assert events[["from_status", "to_status", "actor", "micro_code", "department"]].to_dict("records") == [
        {"from_status": None, "to_status": "reported", "actor": "worker", "micro_code": M1,
         "department": CATEGORIES["fire_safety"].department}]
    assert (issue["lon"], issue["lat"]) == (120.405, 27.515)


def test_a_report_outside_the_jurisdiction_is_refused_saying_where(tiny_store: Store) -> None:
    with pytest.raises(OutsideJurisdiction) as refused:
        report_issue(_worker(tiny_store), category="sanitation", lon=120.415, lat=27.505)
    assert M4 in refused.value.text("zh") and G1 in refused.value.text("zh")
    assert "outside your jurisdiction" in refused.value.text("en")
    with pytest.raises(OutsideJurisdiction) as nowhere:
        report_issue(_worker(tiny_store), category="sanitation", lon=120.5, lat=27.6)
    assert "不在任何网格内" in nowhere.value.text("zh")
    assert tiny_store.count("issues", SCOPE) == 3


def test_a_point_outside_every_unit_is_kept_and_flagged_at_county_scope(tiny_store: Store) -> None:
    commander = Session(tiny_store, User("cmd", Role.COMMANDER, COUNTY_UNIT))
    issue = report_issue(commander, category="dispute", lon=120.5, lat=27.6, channel="hotline", reporter="市民")
    stored = tiny_store.read("issues", SCOPE, where={"id": issue["id"]}).iloc[0]
    assert stored["outside"] and stored["micro_code"] is None and stored["channel"] == "hotline"
    assert allowed_steps(commander, stored) == ["accepted", "duplicate", "invalid"]


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"category": "no_such"}, "workflow.unknown_category"),
    ({"channel": "telepathy"}, "workflow.unknown_channel"),
    ({"lon": math.nan}, "workflow.bad_position"),
    ({"lat": 95.0}, "workflow.bad_position"),
    ({"lon": "东经120度"}, "workflow.bad_position"),
    ({"description": "很长" * 50_000}, "workflow.description_too_long"),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_written(tiny_store: Store, kwargs: dict[str, Any],
                                                               key: str) -> None:
    request = {"category": "sanitation", "lon": 120.405, "lat": 27.515, **kwargs}
    with pytest.raises(BadInput) as refused:
        report_issue(_worker(tiny_store), **request)
    assert refused.value.key == key
    assert refused.value.text("zh") != refused.value.text("en")
    assert tiny_store.count("issues", SCOPE) == 3 and tiny_store.read("issue_events", SCOPE).empty
    if key == "workflow.description_too_long":
        assert str(DESCRIPTION_LIMIT) in refused.value.text("en")


@pytest.fixture
def unit_reads(tiny_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every read of ``units`` the store runs: its bbox and how many rows it returned.

    Counted at ``Store._fetch``, the one query every read (frame or records) goes through.
    """
    seen: list[dict[str, Any]] = []
    original = type(tiny_store)._fetch

    def counted(self: Store, conn: Any, spec: Any, scope: Any, want: Any, **kwargs: Any) -> Any:
        names, rows = original(self, conn, spec, scope, want, **kwargs)
        if spec.name == "units":
            seen.append({"bbox": kwargs.get("bbox"), "rows": len(rows), "county": scope.whole_county})
        return names, rows

    monkeypatch.setattr(type(tiny_store), "_fetch", counted)
    yield seen


def test_one_report_reads_only_the_units_whose_box_holds_the_point(tiny_store: Store, unit_reads: list) -> None:
    report_issue(_worker(tiny_store), category="sanitation", lon=120.405, lat=27.515)
    assert len(unit_reads) == 1
    (read,) = unit_reads
    assert read["bbox"] == (120.405, 27.515, 120.405, 27.515) and read["county"]
    assert read["rows"] == 5  # M1 and its grid, village, town and county -- not M2, M3, M4 or G2


def test_reported_at_is_the_servers_time(tiny_store: Store) -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=8)
    issue = report_issue(_worker(tiny_store), category="sanitation", lon=120.405, lat=27.515)
    assert abs((pd.Timestamp(issue["reported_at"]) - pd.Timestamp(before)).total_seconds()) < 60
