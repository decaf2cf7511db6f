"""Since you last looked, on both backends: a change made between two visits appears, one
made before the first does not; the visit time is a per-user setting, audited."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd

from gridmap.access import Session, User
from gridmap.command import load_snapshot
from gridmap.command.since import (
    changes_since,
    previous_visit,
    read_units,
    read_zero_reports,
    record_visit,
    seen_key,
    visit_window,
    zero_days,
)
from gridmap.domain import Role, Scope
from gridmap.store import Store
from tests.brief_fixtures import issue_rows, seed_ranked
from tests.store_fixtures import COUNTY, G2, M1, M2, M3, M4

T1 = dt.datetime(2026, 11, 22, 9, 0)   # first visit
T2 = dt.datetime(2026, 11, 23, 12, 0)  # second visit


def _add(store: Store, frame: pd.DataFrame, layer: str = "issues") -> None:
    with store.transaction("tester", Scope.county(COUNTY)) as tx:
        tx.insert(layer, frame)


def test_between_two_visits(store: Store) -> None:
    seed_ranked(store)
    boss = Session(store, User("boss", Role.COMMANDER, "330327000000"))
    _add(store, issue_rows({M1: 1}, dt.datetime(2026, 11, 21, 10, 0), prefix="early"))
    # Reported before the first visit, due between the two: newly overdue, not new.
    _add(store, issue_rows({M3: 1}, dt.datetime(2026, 11, 22, 8, 0), prefix="due",
                           deadline=dt.datetime(2026, 11, 22, 20, 0)))
    assert record_visit(boss, T1) is None, "first visit: nothing stored before"
    assert previous_visit(boss) == T1

    _add(store, issue_rows({M2: 1}, dt.datetime(2026, 11, 22, 10, 0), prefix="between"))
    _add(store, issue_rows({M4: 1}, dt.datetime(2026, 11, 20, 10, 0), prefix="shut", status="closed",
                           closed=dt.datetime(2026, 11, 22, 11, 0)))
    with store.transaction("tester", Scope.county(COUNTY)) as tx:
        tx.update("units", f"{M1}:1", {"risk_colour": "orange", "risk_set_at": dt.datetime(2026, 11, 22, 10, 30)})
        tx.insert("zero_reports", pd.DataFrame([{"id": f"z{m}", "micro_code": m, "day": dt.date(2026, 11, 22),
                                                 "reporter": "张三"} for m in (M1, M2)]))
    assert record_visit(boss, T2) == T1

    snapshot = load_snapshot(boss)
    found = changes_since(snapshot, T1, T2, units=read_units(boss, 1), zero_reports=read_zero_reports(boss, T1, T2))
    by_kind = {k: set(found.issues.loc[found.issues["kind"] == k, "id"]) for k in ("new", "overdue", "closed")}
    new_ids = by_kind["new"]
    assert any(i.startswith("between") for i in new_ids), "made between the visits: new"
    assert not any(i.startswith(("early", "due")) for i in new_ids), "made before the first visit: not new"
    assert any(i.startswith("due") for i in by_kind["overdue"]), "fell due between the visits"
    assert not any(i.startswith("x") for i in by_kind["overdue"]), "the fixture's issues are due later"
    assert any(i.startswith("shut") for i in by_kind["closed"])
    assert list(found.risk["code"]) == [M1] and found.risk["risk_colour"].iloc[0] == "orange"
    assert zero_days(T1, T2) == [dt.date(2026, 11, 22)]
    assert list(found.zero_behind["code"]) == [G2] and int(found.zero_behind["missed"].iloc[0]) == 2

    # The same window seen from the earlier visit's side: nothing after T1 yet.
    before = changes_since(snapshot, T1 - dt.timedelta(hours=2), T1, units=read_units(boss, 1))
    assert not any(i.startswith("between") for i in before.issues["id"])

    audit = store.audit_log(Scope.county(COUNTY), limit=500)
    writes = audit[(audit["action"] == "set_meta") & (audit["target"] == seen_key("boss"))]
    assert len(writes) == 2 and set(writes["actor"]) == {"boss"}, "each visit is an audited setting write"


def test_visit_time_never_goes_back_and_two_tabs_agree(store: Store) -> None:
    seed_ranked(store)
    boss = Session(store, User("boss", Role.COMMANDER, "330327000000"))
    record_visit(boss, T2)
    assert record_visit(boss, T1) == T2, "an older clock does not move the visit back"
    assert previous_visit(boss) == T2
    results: list[dt.datetime | None] = []
    later = T2 + dt.timedelta(hours=1)

    def open_tab() -> None:
        results.append(record_visit(Session(store, User("boss", Role.COMMANDER, "330327000000")), later))

    tabs = [threading.Thread(target=open_tab) for _ in range(4)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert results.count(T2) == 1, "exactly one tab saw the visit before; the others saw that tab's"
    assert set(results) <= {T2, later} and previous_visit(boss) == later
    other = Session(store, User("other", Role.COMMANDER, "330327000000"))
    assert previous_visit(other) is None, "per user"


def test_first_visit_window() -> None:
    data_now = dt.datetime(2026, 11, 21, 12, 0)
    since, until, first = visit_window(None, data_now, dt.datetime(2026, 12, 1, 9, 0))
    assert first and since == data_now - dt.timedelta(hours=24) and until == dt.datetime(2026, 12, 1, 9, 0)
    since, until, first = visit_window(T1, data_now, T2)
    assert not first and (since, until) == (T1, T2)


def test_the_map_layer_rings_each_kind_and_outlines_units() -> None:
    import folium
    import geopandas as gpd
    import shapely

    from gridmap.maps import OFFLINE, style
    from gridmap.maps.since import SINCE_COLOURS, since_features, since_layer

    points = gpd.GeoDataFrame({"id": ["a", "b", "c"], "kind": ["new", "overdue", "closed"]},
                              geometry=[shapely.Point(120.405, 27.515)] * 3, crs="EPSG:4326")
    units = gpd.GeoDataFrame({"code": [M1, M2]}, geometry=[shapely.box(120.40, 27.51, 120.41, 27.52),
                                                           shapely.box(120.41, 27.51, 120.42, 27.52)],
                             crs="EPSG:4326")
    features = since_features(points, units, {M2}, tiles=OFFLINE)
    assert set(features.rings) == {"new", "overdue", "closed"}
    assert features.outlines is not None and len(features.outlines["features"]) == 1, "only the changed unit"
    group = since_layer(features, lang="zh")
    layers = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    colours = {layer.marker.options["color"] for layer in layers if layer.marker is not None}
    assert colours == set(SINCE_COLOURS.values())
    assert style.NEW_COLOUR.upper() not in {c.upper() for c in colours}, "not the live tick's blue"
    assert all(f["properties"] == {} for layer in layers for f in layer.data["features"]), "no text sent"
    legends = [c for c in group._children.values() if c._name == "Legend"]
    assert legends and "新超期" in legends[0].html
    empty = since_layer(since_features(points.iloc[:0], units, set(), tiles=OFFLINE))
    assert not [c for c in empty._children.values() if isinstance(c, folium.GeoJson)]
