"""A hand-drawn station county for the stations tests (on the tiny county's units).

Metres east/north of the origin O (120.408E, 27.512N, in micro-grid M1 of the tiny
county), measured in the county's metric CRS (EPSG:4549); with ``GRIDMAP_WALK_M`` =
``500,happiness=300`` station A (party_l2) covers 500 m and B (happiness) 300 m::

                 h2 (0, 450)
                  |
    h3 (-520, 0)  A (0, 0) -- h1 (300, 0)       B (800, 0) -- h5 (1000, 0)   h6 (1150, 0)
                  |
                 h4 (0, -600)

    covered: h1 (A, 300 m), h2 (A, 450 m), h5 (B, 200 m); uncovered: h3 (520 m from A),
    h4 (600 m from A), h6 (350 m from B, 1,150 m from A).  Share 3/6 = 50%.

Also: E, a temporary exam-help station (助考小站) open 2026-06-03 .. 2026-06-10, at
(0, 300); C, a governance centre closed on 2026-01-31, at (-300, 0).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import shapely

from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.spatial.crs import metric_transformer
from gridmap.store.base import Store
from tests.conftest import add_test_users
from tests.store_fixtures import SCOPE, tiny_units

ORIGIN = (120.408, 27.512)
CRS = "EPSG:4549"
WALK = (("*", 500), ("happiness", 300))
HOUSEHOLDS = {"h1": (300, 0), "h2": (0, 450), "h3": (-520, 0), "h4": (0, -600), "h5": (1000, 0), "h6": (1150, 0)}
COVERED = {"h1": True, "h2": True, "h3": False, "h4": False, "h5": True, "h6": False}
STATIONS = {"A": ("party_l2", (0, 0)), "B": ("happiness", (800, 0)), "E": ("exam_help", (0, 300)),
            "C": ("governance_centre", (-300, 0))}
USERS = {"admin": ("admin", "330327000000"), "planner": ("planner", "330327000000"),
         "commander": ("commander", "330327000000"), "worker": ("grid_worker", "33032710000101"),
         "inspector": ("inspector", "330327000000")}


def lonlat(east: float, north: float) -> tuple[float, float]:
    """The WGS84 point ``east``/``north`` metres from :data:`ORIGIN` (in :data:`CRS`)."""
    x0, y0 = metric_transformer("EPSG:4326", CRS).transform(*ORIGIN)
    lon, lat = metric_transformer(CRS, "EPSG:4326").transform(x0 + east, y0 + north)
    return float(lon), float(lat)


def households() -> gpd.GeoDataFrame:
    ids = list(HOUSEHOLDS)
    return gpd.GeoDataFrame({"id": ids, "address": [f"测试路{i}" for i in ids]},
                            geometry=[shapely.Point(lonlat(*HOUSEHOLDS[i])) for i in ids], crs="EPSG:4326")


def stations() -> gpd.GeoDataFrame:
    ids = list(STATIONS)
    opened = {"A": dt.date(2024, 1, 1), "B": dt.date(2024, 1, 1), "E": dt.date(2026, 6, 3), "C": dt.date(2020, 1, 1)}
    closes = {"E": dt.date(2026, 6, 10), "C": dt.date(2026, 1, 31)}
    return gpd.GeoDataFrame({
        "id": ids, "name": [f"站点{i}" for i in ids], "station_type": [STATIONS[i][0] for i in ids],
        "opened": [opened[i] for i in ids], "closes": [closes.get(i) for i in ids],
        "services": [["政策咨询"]] * len(ids), "funding_yuan": [3000] * len(ids),
    }, geometry=[shapely.Point(lonlat(*STATIONS[i][1])) for i in ids], crs="EPSG:4326")


def seed_stations(store: Store) -> Store:
    """The tiny county's units, the households and stations above, and :data:`USERS`."""
    county = Session.system(store, SCOPE)
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
    from gridmap.access import Op

    with county.write(Op.IMPORT_POINTS) as tx:
        tx.insert("households", households())
        tx.insert("stations", stations())
    add_test_users(store, USERS)
    return store


def open_on(day: dt.date) -> list[str]:
    """The fixture's stations open on ``day`` (by hand)."""
    out = ["A", "B"]
    if dt.date(2026, 6, 3) <= day <= dt.date(2026, 6, 10):
        out.append("E")
    if day <= dt.date(2026, 1, 31):
        out.append("C")
    return sorted(out)


__all__ = ["COVERED", "HOUSEHOLDS", "ORIGIN", "STATIONS", "USERS", "WALK", "households", "lonlat", "np",
           "open_on", "seed_stations", "stations"]

_ = Scope
