"""The tiny county (tests/store_fixtures.py) with households and issues whose rankings are
worked out by hand in tests/test_brief_rankings.py.

Micro-grids and their households: M1 10, M2 100, M3 50, M4 40. Issues reported on
2026-11-20 (inside the last 30 days of the as-of time 2026-11-21 12:00): M1 2, M2 12,
M3 0, M4 4. ``x1`` in M2 is overdue (deadline 11-21 08:00, still reported).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import shapely

from gridmap.domain import Scope
from gridmap.store import Store
from tests.store_fixtures import COUNTY, G1, G2, M1, M2, M3, M4, VILLAGE, tiny_units

AS_OF = dt.datetime(2026, 11, 21, 12, 0)
HOUSEHOLDS = {M1: 10, M2: 100, M3: 50, M4: 40}
ISSUES = {M1: 2, M2: 12, M3: 0, M4: 4}
CENTRES = {M1: (120.405, 27.515), M2: (120.415, 27.515), M3: (120.405, 27.505), M4: (120.415, 27.505)}


def ranked_units() -> gpd.GeoDataFrame:
    units = tiny_units()
    totals = {VILLAGE: 200, G1: 110, G2: 90, "330327100000": 200, "330327000000": 200, **HOUSEHOLDS}
    units["households"] = [totals[c] for c in units["code"]]
    return units


def issue_rows(counts: dict[str, int], reported: dt.datetime, *, prefix: str = "x",
               status: str = "reported", deadline: dt.datetime | None = None,
               closed: dt.datetime | None = None) -> gpd.GeoDataFrame:
    rows = []
    for micro, n in counts.items():
        for i in range(n):
            rows.append({"id": f"{prefix}{micro[-5:]}{i}", "micro": micro})
    return gpd.GeoDataFrame({
        "id": [r["id"] for r in rows],
        "category": "sanitation",
        "status": status,
        "reported_at": reported,
        "deadline": deadline or reported + dt.timedelta(days=5),
        "closed_at": closed,
        "town_code": "330327100000", "village_code": VILLAGE,
        "grid_code": [r["micro"][:14] for r in rows], "micro_code": [r["micro"] for r in rows],
        "outside": False,
    }, geometry=[shapely.Point(*CENTRES[r["micro"]]) for r in rows], crs="EPSG:4326")


def seed_ranked(store: Store) -> None:
    """Units with the households above, the issues above, plan 1, as-of time AS_OF."""
    with store.transaction("tester", Scope.county(COUNTY)) as tx:
        tx.insert("units", ranked_units())
        tx.insert("issues", issue_rows(ISSUES, dt.datetime(2026, 11, 20, 9, 0)))
        tx.set_meta("plan_version", "1")
        tx.set_meta("as_of", AS_OF.isoformat())
