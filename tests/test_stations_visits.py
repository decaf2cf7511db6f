"""Supervision visits (issue 13, item 2) on both backends: the distance to the station is
measured and a visit beyond the setting is flagged; visits are audited, scoped like their
station and refused for closed stations; the age classes of the map and the published
results per town (and their CSV) are computed from them."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pandas as pd
import pytest

from gridmap.access import PermissionDenied, Session, User
from gridmap.io import table_csv
from gridmap.settings import load_settings
from gridmap.stations import age_class, last_visits, record_visit, town_results, visit_age
from gridmap.store.base import Store
from gridmap.workflow.errors import BadInput, RowNotFound
from tests.stations_fixtures import lonlat, seed_stations
from tests.store_fixtures import M1, SCOPE

TOWN = "330327100000"


def _commander(store: Store, unit: str = "330327000000") -> Session:
    return Session(store, User("commander", "commander", unit, "张指挥"))


@pytest.mark.parametrize(("east", "limit", "far"), [(150, 200, False), (199, 200, False), (260, 200, True),
                                                     (260, 300, False)])
def test_the_distance_is_measured_and_a_far_visit_flagged(store: Store, east: float, limit: float,
                                                          far: bool) -> None:
    seed_stations(store)
    lon, lat = lonlat(east, 0)  # east of station A at the origin
    row = record_visit(_commander(store), "A", lon=lon, lat=lat, checklist={"open_on_time": True}, far_m=limit)
    assert row["distance_m"] == pytest.approx(east, abs=0.2)
    assert row["far"] is far
    stored = store.read("station_visits", SCOPE, where={"id": row["id"]}).iloc[0]
    assert bool(stored["far"]) is far and stored["micro_code"] == M1 and stored["town_code"] == TOWN
    assert stored["visitor"] == "张指挥"
    assert store.audit_log(SCOPE, limit=1)["layer"].iloc[0] == "station_visits"


def test_the_far_distance_is_a_setting() -> None:
    assert load_settings({}).visit_far_m == 200
    assert load_settings({"GRIDMAP_VISIT_FAR_M": "500"}).visit_far_m == 500
    assert load_settings({"GRIDMAP_VISIT_FAR_M": "0"}).visit_far_m == 200


def test_checklist_follow_ups_and_refusals(store: Store) -> None:
    seed_stations(store)
    commander = _commander(store)
    lon, lat = lonlat(10, 10)
    row = record_visit(commander, "B", lon=lon, lat=lat,
                       checklist={"open_on_time": True, "staff_present": False, "records_kept": True},
                       follow_up=["补齐台账", "", "  公示栏更新 "], note="暗访")
    assert (row["passed"], row["items"], row["follow_up"]) == (2, 3, ["补齐台账", "公示栏更新"])
    with pytest.raises(BadInput, match="castle"):
        record_visit(commander, "B", lon=lon, lat=lat, checklist={"castle": True})
    with pytest.raises(BadInput) as closed:
        record_visit(commander, "C", lon=lon, lat=lat, checklist={})  # closed on 2026-01-31
    assert closed.value.key == "stations.visit_closed" and "站点C" in closed.value.text("zh")
    with pytest.raises(RowNotFound):
        record_visit(commander, "nope", lon=lon, lat=lat, checklist={})
    with pytest.raises(BadInput):
        record_visit(commander, "B", lon=float("nan"), lat=lat, checklist={})
    with pytest.raises(RowNotFound):  # A lies in grid G1: a commander of grid G2 cannot see it
        record_visit(_commander(store, "33032710000102"), "A", lon=lon, lat=lat, checklist={})
    for role in ("planner", "inspector", "grid_worker"):
        with pytest.raises(PermissionDenied):
            record_visit(Session(store, User(role, role, "330327000000")), "B", lon=lon, lat=lat, checklist={})
    assert store.count("station_visits", SCOPE) == 1


def test_visits_are_insert_only(store: Store) -> None:
    seed_stations(store)
    commander = _commander(store)
    row = record_visit(commander, "A", lon=lonlat(0, 0)[0], lat=lonlat(0, 0)[1], checklist={})
    from gridmap.access import Op

    with pytest.raises(PermissionDenied), commander.write(Op.RECORD_VISIT) as tx:
        tx.update("station_visits", row["id"], {"far": True})
    with pytest.raises(PermissionDenied), commander.write(Op.RECORD_VISIT) as tx:
        tx.delete("station_visits", [row["id"]])


def test_age_classes_and_the_last_visit() -> None:
    visits = pd.DataFrame({"station_id": ["A", "A", "B"], "visited_at": pd.to_datetime(
        ["2026-09-01 10:00", "2026-11-20 09:00", "2026-03-01 08:00"]), "far": [False, True, False],
        "passed": [5, 3, 4], "items": [5, 5, 5], "visitor": ["甲", "乙", "丙"]})
    today = dt.date(2026, 12, 1)
    ages = visit_age(["A", "B", "E"], visits, today)
    assert ages["days"].tolist()[:2] == [11.0, 275.0] and pd.isna(ages["days"].iloc[2])
    assert ages["age_class"].tolist() == ["d30", "older", "never"]
    last = last_visits(visits)
    assert last.loc["A", "last_visitor"] == "乙" and bool(last.loc["A", "last_far"]) and last.loc["A", "visits"] == 2
    assert [age_class(d) for d in (0, 30, 31, 90, 91, 180, 181)] == ["d30", "d30", "d90", "d90", "d180", "d180",
                                                                      "older"]


def test_published_results_per_town_and_their_csv(store: Store) -> None:
    seed_stations(store)
    commander = _commander(store)
    at = dt.datetime(2026, 11, 20, 9)
    record_visit(commander, "A", lon=lonlat(20, 0)[0], lat=lonlat(20, 0)[1], at=at, follow_up=["=HYPERLINK()"],
                 checklist={"open_on_time": True, "staff_present": True})
    record_visit(commander, "A", lon=lonlat(400, 0)[0], lat=lonlat(400, 0)[1], at=at + dt.timedelta(days=2),
                 checklist={"open_on_time": False, "staff_present": True})
    record_visit(commander, "B", lon=lonlat(800, 0)[0], lat=lonlat(800, 0)[1], at=dt.datetime(2026, 8, 1, 9),
                 checklist={"open_on_time": True})
    visits = store.read("station_visits", SCOPE)
    table = town_results(visits, store.read("stations", SCOPE), {TOWN: "灵溪镇"}, since=dt.date(2026, 11, 1),
                         until=dt.date(2026, 11, 30))
    row = table.iloc[0].to_dict()
    assert (row["stations"], row["visited"], row["visits"], row["far"], row["follow_ups"]) == (2, 1, 2, 1, 1)
    assert row["passed_share"] == pytest.approx(3 / 4)
    text = table_csv(table.assign(town=["=cmd|' /C calc'!A0"])).decode("utf-8-sig")
    assert "'=cmd" in text and "\r\n" in text
    assert pd.read_csv(io.StringIO(text))["visits"].tolist() == [2]


def test_two_commanders_record_visits_at_once(store: Store) -> None:
    seed_stations(store)
    errors: list[Exception] = []

    def visit(n: int) -> None:
        try:
            for _ in range(3):
                record_visit(Session(store, User(f"c{n}", "commander", "330327000000")), "A",
                             lon=lonlat(n, 0)[0], lat=lonlat(n, 0)[1], checklist={"open_on_time": True})
        except Exception as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count("station_visits", SCOPE) == 12


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_photos_are_kept_with_the_visit_in_its_transaction(store: Store) -> None:
    from gridmap.photos import photo_bytes, photos_of
    from gridmap.uploads import accept_upload

    seed_stations(store)
    commander = _commander(store)
    upload = accept_upload(_png(), "现场.png", "image")
    row = record_visit(commander, "A", lon=lonlat(5, 5)[0], lat=lonlat(5, 5)[1], checklist={}, photos=[upload])
    assert len(row["photos"]) == 1
    refs = photos_of(commander, "station_visits", row["id"])
    assert [r.id for r in refs] == row["photos"]
    data, media = photo_bytes(commander, refs[0].id)
    assert media == "image/png" and data[:4] == b"\x89PNG"
    stored = store.read("photos", SCOPE).iloc[0]
    assert stored["micro_code"] == M1 and stored["owner_layer"] == "station_visits"
    with pytest.raises(BadInput):  # not checked by accept_upload: refused before anything is written
        record_visit(commander, "A", lon=lonlat(5, 5)[0], lat=lonlat(5, 5)[1], checklist={},
                     photos=[_png()])  # type: ignore[list-item]
    assert store.count("station_visits", SCOPE) == 1
