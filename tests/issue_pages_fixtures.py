"""A store for the issue statistics and import pages: the overview county plus known issues.

Issues (three days before the county's as-of time, inside the default period of 30 days)::

    s1  sanitation -> enforcement (the demo department)  M1  closed after 10 h, resolved in time
    s2  sanitation -> enforcement                         M1  in progress, overdue
    s3  traffic    -> traffic_police                      M2  reported, due in 2 days

Accounts: admin, worker (grid worker), dept (enforcement handler), commander, planner.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.domain import Scope
from gridmap.store import open_store
from tests.conftest import OVERVIEW_AS_OF, OVERVIEW_COUNTY, add_test_users, seed_overview_county

GRID = "33032710000101"
M1, M2 = GRID + "001", GRID + "002"


@pytest.fixture(name="stats_db_url")
def stats_db_url_fixture(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'stats' / 'gridmap.db'}"
    as_of = dt.datetime.fromisoformat(OVERVIEW_AS_OF)  # the pages count at the data's as-of time
    base = as_of - dt.timedelta(days=3)
    hour = dt.timedelta(hours=1)
    issues = gpd.GeoDataFrame({
        "id": ["s1", "s2", "s3"],
        "category": ["sanitation", "sanitation", "traffic"],
        "department": ["enforcement", "enforcement", "traffic_police"],
        "reporter": ["李四", "李四", "=HYPERLINK(\"http://x\")"],
        "status": ["closed", "in_progress", "reported"],
        "reported_at": [base, base + hour, base + 2 * hour],
        "deadline": [base + 24 * hour, base + 25 * hour, as_of + 48 * hour],
        "closed_at": [base + 10 * hour, None, None],
        "town_code": "330327100000", "village_code": "330327100001", "grid_code": GRID,
        "micro_code": [M1, M1, M2], "outside": False,
    }, geometry=[shapely.Point(120.405, 27.51), shapely.Point(120.405, 27.51), shapely.Point(120.415, 27.51)],
        crs="EPSG:4326")
    events = pd.DataFrame([{"id": "e1", "issue_id": "s1", "at": base + 8 * hour, "actor": "dept",
                            "from_status": "in_progress", "to_status": "resolved", "micro_code": M1,
                            "department": "enforcement"}])
    with open_store(url) as store:
        seed_overview_county(store)
        with store.transaction("tester", Scope.county(OVERVIEW_COUNTY)) as tx:
            tx.insert("issues", issues)
            tx.insert("issue_events", events)
        add_test_users(store, {"commander": ("commander", "330327000000"), "planner": ("planner", "330327000000")})
    return url
