"""The town brief's map drew every station of the town, closed ones and a temporary
助考小站 out of its season included, while the command map and the stations page draw only
the stations open at the time (issue 13: temporary stations "shown only while active").
Seen failing before the fix: the brief listed A, B, C and E on any day.

On tests/stations_fixtures.py: A and B are open from 2024; E (exam help) only 2026-06-03 ..
2026-06-10; C closed after 2026-01-31. Both backends.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gridmap.access import Session, User
from gridmap.brief.town import brief_data
from gridmap.domain import Role
from gridmap.store.base import Store
from tests.stations_fixtures import seed_stations

TOWN = "330327100000"


@pytest.mark.parametrize(("day", "drawn"), [(dt.datetime(2026, 6, 5, 12), {"A", "B", "E"}),
                                            (dt.datetime(2026, 7, 1, 12), {"A", "B"}),
                                            (dt.datetime(2026, 1, 15, 12), {"A", "B", "C"})])
def test_the_brief_map_draws_the_stations_open_then(store: Store, day: dt.datetime, drawn: set[str]) -> None:
    seed_stations(store)
    data = brief_data(Session(store, User("boss", Role.COMMANDER, "330327000000")), TOWN, now=day)
    assert set(data.stations["id"].astype(str)) == drawn
    assert data.kpis.stations == len(drawn), "the map and the KPI tile count the same stations"
