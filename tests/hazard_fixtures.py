"""A hand-made county for the hazard page, whose counts are known (as of 2026-11-20 18:00).

The tiny county of :mod:`tests.store_fixtures` (micro-grids M1..M4 of about 30
households each) plus four hazards::

    h1  M1  found 11-19 10:00  flying_wire   high    rental       found       due 11-20 10:00 -> open, overdue
    h2  M2  found 11-18 09:00  gas           medium  shop         rectifying  due 11-21 09:00 -> open
    h3  M3  found 11-10 08:00  blocked_exit  low     public       rectified   (11-12)
    h4  M4  found 08-01 08:00  ebike_indoor  medium  residential  verified    (outside the last 30 days)

and one account per role: ``inspector``, ``commander``, ``admin``, ``dept``
(department handler), ``planner`` (county) and ``worker`` (grid worker in G1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap.access import Session
from gridmap.store import Store, open_store
from tests.conftest import add_test_users
from tests.store_fixtures import G1, M1, M2, M3, M4, SCOPE, tiny_units

AS_OF = dt.datetime(2026, 11, 20, 18, 0)
COUNTY = "330327000000"
USERS = {"inspector": ("inspector", COUNTY), "commander": ("commander", COUNTY), "admin": ("admin", COUNTY),
         "dept": ("department", COUNTY), "planner": ("planner", COUNTY), "worker": ("grid_worker", G1)}
# Points inside each micro-grid (tiny_units: M1 and M2 in the north half, M3 and M4 south).
POINT = {M1: (120.405, 27.515), M2: (120.415, 27.515), M3: (120.405, 27.505), M4: (120.415, 27.505)}


def hazards() -> gpd.GeoDataFrame:
    at = dt.datetime
    micro = [M1, M2, M3, M4]
    return gpd.GeoDataFrame({
        "id": ["h1", "h2", "h3", "h4"],
        "place_type": ["rental", "shop", "public", "residential"],
        "hazard_types": [["flying_wire"], ["gas"], ["blocked_exit"], ["ebike_indoor"]],
        "severity": ["high", "medium", "low", "medium"],
        "status": ["found", "rectifying", "rectified", "verified"],
        "found_at": [at(2026, 11, 19, 10), at(2026, 11, 18, 9), at(2026, 11, 10, 8), at(2026, 8, 1, 8)],
        "deadline": [at(2026, 11, 20, 10), at(2026, 11, 21, 9), at(2026, 11, 17, 8), at(2026, 8, 4, 8)],
        "rectified_at": [None, None, at(2026, 11, 12, 8), at(2026, 8, 2, 8)],
        "inspector": ["王五", "李四", "李四", "王五"],
        "address": ["古磉路1号", None, None, None],
        "town_code": "330327100000", "village_code": "330327100001",
        "grid_code": [m[:14] for m in micro], "micro_code": micro, "outside": False,
    }, geometry=[shapely.Point(POINT[m]) for m in micro], crs="EPSG:4326")


def seed_hazard_county(store: Store) -> None:
    """Load the county, its hazards, the as-of time and the accounts into ``store``."""
    with store.transaction("tester", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.insert("inspections", hazards())
        tx.set_meta("plan_version", "1")
        tx.set_meta("as_of", AS_OF.strftime("%Y-%m-%d %H:%M"))
    add_test_users(store, USERS)


def session_of(store: Store, username: str) -> Session:
    from gridmap import auth

    user = auth.current_user(store, username)
    assert user is not None
    return Session(store, user)


@pytest.fixture
def hazard_db_url(tmp_path: Path) -> str:
    """An SQLite store holding :func:`seed_hazard_county`."""
    url = f"sqlite:///{tmp_path / 'hazards' / 'gridmap.db'}"
    with open_store(url) as store:
        seed_hazard_county(store)
    return url


@pytest.fixture
def hazard_store(store: Store) -> Store:
    """The hazard county on each backend (the ``store`` fixture's SQLite and PostGIS)."""
    seed_hazard_county(store)
    return store


__all__ = ["AS_OF", "POINT", "USERS", "hazard_db_url", "hazard_store", "hazards", "seed_hazard_county",
           "session_of"]


