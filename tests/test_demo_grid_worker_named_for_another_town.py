"""Regression (issue 9, 10): the demo grid worker "宜山镇 网格员" worked in a grid of 灵溪镇.

The display name was a fixed string while the account's grid is the county's first
grid by code; the name now comes from the grid and its town.
"""

from __future__ import annotations

import pandas as pd

from gridmap import auth
from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.store import open_store


def test_demo_grid_worker_is_named_after_its_own_grid_and_town(demo_db_url: str) -> None:
    store = open_store(demo_db_url)
    scope = Scope.county("330327")
    worker = auth.current_user(store, "gridworker")
    assert worker is not None and worker.unit_code is not None
    units = Session.system(store, scope).read("units", columns=["code", "name"])
    names = dict(zip(units["code"], units["name"], strict=True))
    town, grid = names[auth.town_of_grid(worker.unit_code)], names[worker.unit_code]
    assert worker.display_name == f"{town} {grid} 网格员"


def test_demo_account_rows_without_a_place_keep_the_plain_title() -> None:
    rows = pd.DataFrame(auth.demo_account_rows("330327", "33032710000101")).set_index("id")
    assert rows.at["gridworker", "display_name"] == "网格员"
    assert auth.grid_place({"330327100000": "灵溪镇"}, "33032710000101") == "灵溪镇"
