"""Places, cycles and recurring hazards, on hand-made rows whose answers are known.

Positions near Lingxi (120.40 E, 27.50 N): 0.0001 degree of latitude is about 11 m,
0.0001 degree of longitude about 9.9 m there::

    p1 (120.4000, 27.5000)  rental      "灵溪镇古磉路1号"
    p1' (120.4001, 27.5001) rental      no address   ~14 m from p1  -> the same place
    p2 (120.4005, 27.5000)  rental      no address   ~49 m from p1  -> another place
    p3 (120.4000, 27.5000)  shop        no address   on p1, another type -> another place
    p4 (120.4100, 27.5100)  shop        "灵溪镇古磉路 1 号"  far away, the same address as p1
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.hazards import DEFAULT_CYCLES, overdue_places, parse_cycles, places, recurring

at = dt.datetime


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    geoms = [shapely.Point(r.pop("xy")) for r in rows]
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    for column in ("address", "rectified_at", "micro_code"):
        if column not in out.columns:
            out[column] = None
    return out


def test_what_the_same_place_means() -> None:
    rows = frame([
        {"id": "p1", "place_type": "rental", "address": "灵溪镇古磉路1号", "xy": (120.4000, 27.5000)},
        {"id": "p1b", "place_type": "rental", "address": None, "xy": (120.4001, 27.5001)},
        {"id": "p2", "place_type": "rental", "address": None, "xy": (120.4005, 27.5000)},
        {"id": "p3", "place_type": "shop", "address": None, "xy": (120.4000, 27.5000)},
        {"id": "p4", "place_type": "shop", "address": "灵溪镇古磉路 1 号", "xy": (120.4100, 27.5100)},
    ])
    got = dict(zip(rows["id"], places(rows), strict=True))
    assert got["p1"] == got["p1b"] == got["p4"]
    assert len({got["p1"], got["p2"], got["p3"]}) == 3


def test_two_different_addresses_close_together_are_two_places() -> None:
    rows = frame([
        {"id": "a", "place_type": "shop", "address": "古磉路1号", "xy": (120.4000, 27.5000)},
        {"id": "b", "place_type": "shop", "address": "古磉路3号", "xy": (120.40005, 27.5000)},
    ])
    assert places(rows).nunique() == 2


def test_a_chain_within_the_radius_is_one_place() -> None:
    rows = frame([{"id": str(i), "place_type": "rental", "xy": (120.4 + i * 0.0002, 27.5)} for i in range(3)])
    assert places(rows).nunique() == 1  # ~20 m steps
    assert places(rows, radius_m=10).nunique() == 3


def test_places_not_inspected_within_their_cycle() -> None:
    now = at(2026, 12, 4, 12)
    rows = frame([
        # a rental visited 40 and 10 days ago: last visit 10 days ago, within 30 days
        {"id": "r1", "place_type": "rental", "found_at": now - dt.timedelta(days=40), "xy": (120.40, 27.50)},
        {"id": "r2", "place_type": "rental", "found_at": now - dt.timedelta(days=10), "xy": (120.40, 27.50)},
        # a rental last visited 45 days ago: 15 days over its 30-day cycle
        {"id": "r3", "place_type": "rental", "found_at": now - dt.timedelta(days=45), "xy": (120.41, 27.50)},
        # a home visited 80 days ago: within its 90 days
        {"id": "h1", "place_type": "residential", "found_at": now - dt.timedelta(days=80), "xy": (120.42, 27.50)},
        # a shop visited 100 days ago: 40 days over 60
        {"id": "s1", "place_type": "shop", "found_at": now - dt.timedelta(days=100), "xy": (120.43, 27.50)},
    ])
    due = overdue_places(rows, now)
    assert list(due["place_type"]) == ["shop", "rental"]
    assert list(due["days_over"]) == [40, 15]
    assert list(due["cycle_days"]) == [60, 30]
    assert list(due["visits"]) == [1, 1]
    # a shorter home cycle makes the home due too
    due = overdue_places(rows, now, cycles={**DEFAULT_CYCLES, "residential": 60})
    assert sorted(due["place_type"]) == ["rental", "residential", "shop"]


def test_the_cycle_setting() -> None:
    cycles, problems = parse_cycles("rental=14; shop = 45，castle=3, gas=x, workshop=0, public")
    assert cycles["rental"] == 14 and cycles["shop"] == 45
    assert cycles["workshop"] == DEFAULT_CYCLES["workshop"]
    assert [(p.entry, p.key) for p in problems] == [
        ("castle=3", "hazards.cycle.bad_place"), ("gas=x", "hazards.cycle.bad_place"),
        ("workshop=0", "hazards.cycle.bad_days"), ("public", "hazards.cycle.bad_place")]
    assert parse_cycles(None) == (DEFAULT_CYCLES, ())


def test_recurring_hazards() -> None:
    rows = frame([
        # place A: rectified 11-01, found again 11-20 (19 days) -> recurring
        {"id": "a1", "place_type": "rental", "found_at": at(2026, 10, 25), "rectified_at": at(2026, 11, 1),
         "xy": (120.40, 27.50)},
        {"id": "a2", "place_type": "rental", "found_at": at(2026, 11, 20), "rectified_at": None,
         "xy": (120.40001, 27.50)},
        # place B: rectified 01-10, found again 06-01 (142 days) -> not within 90
        {"id": "b1", "place_type": "shop", "found_at": at(2026, 1, 1), "rectified_at": at(2026, 1, 10),
         "xy": (120.41, 27.50)},
        {"id": "b2", "place_type": "shop", "found_at": at(2026, 6, 1), "rectified_at": None, "xy": (120.41, 27.50)},
        # place C: a second hazard found while the first was still open -> not a recurrence
        {"id": "c1", "place_type": "shop", "found_at": at(2026, 3, 1), "rectified_at": at(2026, 3, 20),
         "xy": (120.42, 27.50)},
        {"id": "c2", "place_type": "shop", "found_at": at(2026, 3, 5), "rectified_at": None, "xy": (120.42, 27.50)},
    ])
    got = recurring(rows, days=90)
    assert list(zip(got["earlier_id"], got["later_id"], strict=True)) == [("a1", "a2")]
    assert got["days_after"].iloc[0] == pytest.approx(19.0)
    assert set(recurring(rows, days=200)["later_id"]) == {"a2", "b2"}
    with pytest.raises(ValueError):
        recurring(rows, days=0)


def test_empty_frames() -> None:
    empty = frame([])
    empty["place_type"] = pd.Series(dtype=str)
    empty["found_at"] = pd.Series(dtype="datetime64[ns]")
    empty["id"] = pd.Series(dtype=str)
    assert overdue_places(empty, at(2026, 12, 4)).empty
    assert recurring(empty).empty
