"""The station registry (issue 13, item 1) on both backends: every edit is audited with
the row before and after, stations are closed and never deleted, a temporary station is
shown only while it is open (on the command map too), bad input is a clear refusal, and
the new columns survive export and import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap.access import Op, PermissionDenied, Session, User
from gridmap.command.filters import Filters
from gridmap.command.view import _stations as command_map_stations
from gridmap.io import export_layer, import_layer
from gridmap.stations import active_on, add_station, close_station, edit_station, move_station
from gridmap.store import open_store
from gridmap.store.base import Store
from gridmap.workflow.errors import BadInput, OutsideJurisdiction
from tests.stations_fixtures import lonlat, open_on, seed_stations, stations
from tests.store_fixtures import M1, M2, SCOPE


def _user(store: Store, name: str) -> Session:
    from gridmap import auth

    user = auth.current_user(store, name)
    assert user is not None
    return Session(store, user)


def _audit(store: Store) -> list[dict]:
    log = store.audit_log(SCOPE, limit=50)
    return [row for row in log.to_dict("records") if row["layer"] == "stations" and row["actor"] != "seed"
            and row["actor"] != "system"]


def test_add_edit_move_close_are_each_one_audited_write(store: Store) -> None:
    seed_stations(store)
    planner = _user(store, "planner")
    lon, lat = lonlat(100, 100)
    row = add_station(planner, lon=lon, lat=lat, name="古磉幸福小站", station_type="happiness", level="village",
                      hours="周一至周五 8:30-17:30", services="政策咨询、代办服务", staff=["王五", "赵六"],
                      funding_yuan="3000", opened="2026-11-01")
    assert row["micro_code"] == M1 and row["services"] == ["政策咨询", "代办服务"] and row["funding_yuan"] == 3000
    sid = str(row["id"])
    edit_station(planner, sid, {"hours": "每天 9:00-21:00", "staff": "王五"})
    east = lonlat(900, 100)
    move_station(planner, sid, lon=east[0], lat=east[1])
    close_station(planner, sid, last_day=dt.date(2026, 12, 31), note="并入邻里中心")
    stored = store.read("stations", SCOPE, where={"id": sid}).iloc[0]
    assert stored["hours"] == "每天 9:00-21:00" and stored["staff"] == ["王五"]
    assert stored["micro_code"] == M2  # the codes followed the point
    assert str(stored["closes"])[:10] == "2026-12-31" and stored["closed_note"] == "并入邻里中心"
    audit = _audit(store)
    assert [a["action"] for a in reversed(audit)] == ["insert", "update", "update", "update"]
    assert all(a["actor"] == "planner" for a in audit)
    hours = next(a for a in audit if a["action"] == "update" and "每天" in (a["after"] or "")
                 and "周一" in (a["before"] or ""))
    assert json.loads(hours["before"])["hours"] == "周一至周五 8:30-17:30"
    assert json.loads(hours["after"])["hours"] == "每天 9:00-21:00"


def test_readers_may_not_edit_and_nobody_deletes(store: Store) -> None:
    seed_stations(store)
    for name in ("commander", "worker", "inspector"):
        session = _user(store, name)
        with pytest.raises(PermissionDenied):
            edit_station(session, "A", {"name": "改名"})
        with pytest.raises(PermissionDenied):
            add_station(session, lon=lonlat(0, 0)[0], lat=lonlat(0, 0)[1], name="x", station_type="happiness")
    planner = _user(store, "planner")
    with pytest.raises(PermissionDenied), planner.write(Op.EDIT_STATIONS) as tx:
        tx.delete("stations", ["A"])
    assert store.count("stations", SCOPE) == 4
    assert store.read("stations", SCOPE, where={"id": "A"})["name"].iloc[0] == "站点A"


@pytest.mark.parametrize(("changes", "key"), [
    ({"name": ""}, "stations.bad_name"),
    ({"station_type": "castle"}, "stations.bad_choice"),
    ({"level": "planet"}, "stations.bad_choice"),
    ({"opened": "2026-13-40"}, "stations.bad_date"),
    ({"funding_yuan": "三千"}, "stations.bad_funding"),
    ({"funding_yuan": -5}, "stations.bad_funding"),
    ({"hours": "x" * 300}, "stations.too_long"),
    ({"closes": "2023-01-01"}, "stations.end_before_start"),
    ({"station_type": "exam_help"}, "stations.temporary_needs_end"),
])
def test_bad_input_is_refused_with_words_and_nothing_changes(tmp_path: Path, changes: dict, key: str) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'bad.db'}")  # one backend: the checks come before the store
    seed_stations(store)
    planner = _user(store, "planner")
    before = len(store.audit_log(SCOPE, limit=1000))
    with pytest.raises(BadInput) as exc:
        edit_station(planner, "A", changes)
    assert exc.value.key == key
    assert exc.value.text("en") and "{" not in exc.value.text("zh")
    assert len(store.audit_log(SCOPE, limit=1000)) == before


def test_a_station_outside_the_jurisdiction_is_refused(store: Store) -> None:
    seed_stations(store)
    grid_planner = Session(store, User("gp", "planner", "33032710000102"))  # grid G2 only
    lon, lat = lonlat(0, 0)  # in M1, grid G1
    with pytest.raises(OutsideJurisdiction):
        add_station(grid_planner, lon=lon, lat=lat, name="越界站", station_type="happiness")
    assert store.count("stations", SCOPE) == 4


@pytest.mark.parametrize("day", [dt.date(2026, 1, 15), dt.date(2026, 1, 31), dt.date(2026, 2, 1),
                                 dt.date(2026, 6, 2), dt.date(2026, 6, 3), dt.date(2026, 6, 10),
                                 dt.date(2026, 6, 11), dt.date(2026, 12, 1)])
def test_a_temporary_station_is_shown_only_while_open(day: dt.date) -> None:
    frame = stations()
    assert sorted(frame["id"][active_on(frame, day)]) == open_on(day)
    shown = command_map_stations(frame, Filters(), dt.datetime.combine(day, dt.time(12)))
    assert sorted(shown["id"]) == open_on(day)


def test_registry_columns_round_trip_through_export_and_import(store: Store, tmp_path: Path) -> None:
    seed_stations(store)
    planner = _user(store, "planner")
    edit_station(planner, "A", {"level": "grid", "hours": "=SUM(A1)", "staff": ["王五"], "services": ["代办"]})
    admin = _user(store, "admin")
    for fmt in ("geojson", "csv", "gpkg"):
        _, path = export_layer(admin, "stations", tmp_path / f"s.{fmt}", fmt=fmt)  # type: ignore[arg-type]
        import_layer(admin, "stations", path, mode="replace")
        back = store.read("stations", SCOPE).set_index("id")
        assert sorted(back.index) == ["A", "B", "C", "E"], fmt
        a = back.loc["A"]
        assert a["level"] == "grid" and a["hours"] == "=SUM(A1)", fmt  # the CSV's ' guard came off again
        assert a["staff"] == ["王五"] and a["services"] == ["代办"], fmt
        assert str(back.loc["E", "closes"])[:10] == "2026-06-10", fmt
        assert isinstance(a.geometry, shapely.Point)


def test_the_fixture_frame_is_what_the_store_returns(store: Store) -> None:
    seed_stations(store)
    got = store.read("stations", SCOPE).sort_values("id")
    assert isinstance(got, gpd.GeoDataFrame) and list(got["id"]) == ["A", "B", "C", "E"]
