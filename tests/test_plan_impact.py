"""Impact preview: per changed unit before/after, and the points that move; nothing written.

The tiny county and the draft "shifted" are drawn in tests/plan_version_fixtures.py. Before:
M1 h1 h2 (5 residents), i1 open; M2 h3; M3 h4; M4 h5, s1, i4 open, k1 open (i2 closed,
k2 verified). After: h1 -> M2; h5, s1, i4, k1 -> M3; i2 and k2 stay (history).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.access import Session, User
from gridmap.domain import Role
from gridmap.plan import versions as v
from gridmap.plan.impact import MEASURES, compare, impact
from gridmap.store import Store
from tests.plan_version_fixtures import COUNTY_UNIT, M1, M2, M3, M4, SCOPE, planner, seed, shifted
from tests.store_fixtures import G1, G2, tiny_units


@pytest.fixture
def county(store: Store) -> Store:
    seed(store)
    session = planner(store)
    info = v.create_draft(session, "调整")
    plan, changed = shifted(v.load_plan(session, info.version))
    v.save_draft(session, info.version, plan, changed=changed, removed=set(), expected_revision=0)
    return store


def _row(result, code: str) -> dict:
    return result.units.set_index("code").loc[code].to_dict()


def test_impact_counts_before_and_after_for_each_changed_unit(county: Store) -> None:
    audit_rows = len(county.audit_log(SCOPE, limit=10_000))
    result = impact(planner(county), 2)
    assert (result.before_version, result.after_version) == (1, 2)
    m1, m2, m3, m4 = (_row(result, c) for c in (M1, M2, M3, M4))
    assert (m1["households_before"], m1["households_after"]) == (2, 1)
    assert (m1["residents_before"], m1["residents_after"]) == (5, 2)
    assert (m2["households_before"], m2["households_after"]) == (1, 2)
    assert (m4["households_before"], m4["households_after"]) == (1, 0)
    assert (m3["households_before"], m3["households_after"]) == (1, 2)
    assert (m4["stations_before"], m4["stations_after"]) == (1, 0)
    assert (m3["stations_before"], m3["stations_after"]) == (0, 1)
    assert (m4["open_issues_before"], m4["open_issues_after"]) == (1, 0)  # i4; closed i2 not counted
    assert (m3["open_hazards_before"], m3["open_hazards_after"]) == (0, 1)  # k1; verified k2 not
    assert (m1["zero_reports_before"], m1["zero_reports_after"]) == (1, 1)
    assert m1["change"] == "reshaped"
    # the grids and the village keep their outline and totals: not listed
    assert {G1, G2} & set(result.units["code"]) == set()
    moved = result.moved.set_index("id")
    assert set(moved.index) == {"h1", "h5", "s1", "i4", "k1"}
    assert moved.loc["h1", "from_code"] == M1 and moved.loc["h1", "to_code"] == M2
    assert moved.loc["k1", "layer"] == "inspections" and moved.loc["k1", "to_code"] == M3
    assert result.moved.crs.to_string() == "EPSG:4326"
    assert result.moved_counts() == {"households": 2, "stations": 1, "issues": 1, "inspections": 1}
    # nothing written
    assert len(county.audit_log(SCOPE, limit=10_000)) == audit_rows
    assert county.current_plan("330327") == 1


def test_the_moved_points_are_what_publishing_moves(county: Store) -> None:
    from tests.plan_version_fixtures import micro_of

    result = impact(planner(county), 2)
    before = {n: micro_of(county, n) for n in ("households", "stations", "issues", "inspections")}
    v.publish(planner(county), 2)
    after = {n: micro_of(county, n) for n in before}
    really = {(n, i) for n in before for i in before[n] if before[n][i] != after[n][i]}
    assert really == set(zip(result.moved["layer"], result.moved["id"], strict=True))


def test_a_role_without_household_rights_sees_no_household_figures(county: Store) -> None:
    inspector = Session(county, User("insp", Role.INSPECTOR, COUNTY_UNIT))
    result = impact(inspector, 2)
    assert result.units["households_before"].isna().all()
    assert "households" not in set(result.moved["layer"])
    assert _row(result, M4)["stations_before"] == 1


def test_compare_is_pure_and_sees_a_merge() -> None:
    """Pure: M1 and M2 merged into M1 (grid G1 keeps its outline); one household each.

        +----+----+        +---------+
        | M1 | M2 |   ->   |   M1    |
        +----+----+        +---------+
    """
    before = tiny_units()
    after = before[before["code"] != M2].copy()
    after.loc[after["code"] == M1, "geometry"] = shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.42, 27.52)])
    points = {"households": gpd.GeoDataFrame({"id": ["a", "b"], "residents": [2, 3]},
                                             geometry=[shapely.Point(120.405, 27.515),
                                                       shapely.Point(120.415, 27.515)], crs="EPSG:4326"),
              "stations": None, "issues": None, "inspections": None}
    result = compare(before, after, points)
    table = result.units.set_index("code")
    assert table.loc[M2, "change"] == "removed"
    assert (table.loc[M2, "households_before"], pd.isna(table.loc[M2, "households_after"])) == (1, True)
    assert (table.loc[M1, "households_before"], table.loc[M1, "households_after"]) == (1, 2)
    assert (table.loc[G1, "zero_reports_before"], table.loc[G1, "zero_reports_after"]) == (2, 1)
    assert table.loc[G1, "change"] == "unchanged"  # listed for its duty count only
    assert table["stations_before"].isna().all()
    assert result.moved[["id", "from_code", "to_code"]].values.tolist() == [["b", M2, M1]]
    for measure in MEASURES:
        assert f"{measure}_before" in table.columns and f"{measure}_after" in table.columns
