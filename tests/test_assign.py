"""Tests for gridmap.spatial.assign: point -> micro-grid and its ancestors.

Hand-drawn fixtures here; :func:`reassign` also runs against both real store backends
(the ``tiny_store`` fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from gridmap.domain import ASSIGN_COLUMNS, POINT_LAYERS, Scope
from gridmap.spatial.assign import assign, reassign, reassign_all
from gridmap.store import Store
from tests.store_fixtures import (
    G1,
    M1,
    M4,
    SCOPE,
)

CRS = "EPSG:4326"


def two_by_two_units() -> gpd.GeoDataFrame:
    """A 2x2 micro-grid in two grids, one village, one town.

    Codes are deliberately not prefixes of each other: ancestry must come from
    ``parent_code``. Rows are listed in reverse code order, so row order and code
    order disagree::

        27.2 +---------+---------+
             |  mc-3   |  mc-4   |   grid gb (top row)
        27.1 +---------+---------+
             |  mc-1   |  mc-2   |   grid ga (bottom row)
        27.0 +---------+---------+
           120.0     120.1     120.2

    town T9 > village V7 > grids ga, gb > micro-grids mc-1..mc-4.
    """
    rows = [
        ("mc-4", "micro", "gb", box(120.1, 27.1, 120.2, 27.2)),
        ("mc-3", "micro", "gb", box(120.0, 27.1, 120.1, 27.2)),
        ("mc-2", "micro", "ga", box(120.1, 27.0, 120.2, 27.1)),
        ("mc-1", "micro", "ga", box(120.0, 27.0, 120.1, 27.1)),
        ("gb", "grid", "V7", box(120.0, 27.1, 120.2, 27.2)),
        ("ga", "grid", "V7", box(120.0, 27.0, 120.2, 27.1)),
        ("V7", "village", "T9", box(120.0, 27.0, 120.2, 27.2)),
        ("T9", "town", "C1", box(120.0, 27.0, 120.2, 27.2)),
        ("C1", "county", None, box(120.0, 27.0, 120.2, 27.2)),
    ]
    code, level, parent, geometry = zip(*rows, strict=True)
    return gpd.GeoDataFrame({"code": code, "level": level, "parent_code": parent},
                            geometry=list(geometry), crs=CRS)


def points_at(*xy: tuple[float, float], crs: str | None = CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [f"p{i}" for i in range(len(xy))]},
                            geometry=[Point(x, y) for x, y in xy], crs=crs)


@pytest.mark.parametrize(
    ("xy", "micro", "grid"),
    [
        pytest.param((120.05, 27.05), "mc-1", "ga", id="inside-mc-1"),
        pytest.param((120.15, 27.15), "mc-4", "gb", id="inside-mc-4"),
        pytest.param((120.1, 27.05), "mc-1", "ga", id="edge-mc-1|mc-2:smallest-code"),
        pytest.param((120.15, 27.1), "mc-2", "ga", id="edge-mc-2|mc-4:smallest-code"),
        pytest.param((120.1, 27.15), "mc-3", "gb", id="edge-mc-3|mc-4:smallest-code"),
        pytest.param((120.1, 27.1), "mc-1", "ga", id="vertex-of-all-four:smallest-code"),
        pytest.param((120.2, 27.2), "mc-4", "gb", id="outer-corner"),
        pytest.param((120.0, 27.15), "mc-3", "gb", id="outer-edge-is-inside"),
    ],
)
def test_point_gets_exactly_one_micro_grid_and_its_ancestors(xy: tuple[float, float], micro: str,
                                                              grid: str) -> None:
    out = assign(points_at(xy), two_by_two_units())
    row = out.iloc[0]
    assert (row.micro_code, row.grid_code, row.village_code, row.town_code) == (micro, grid, "V7", "T9")
    assert not row.outside


@pytest.mark.parametrize("xy", [(121.0, 27.05), (120.05, 26.99), (120.2000001, 27.1)])
def test_point_in_no_micro_grid_is_kept_and_flagged(xy: tuple[float, float]) -> None:
    pts = points_at((120.05, 27.05), xy)
    out = assign(pts, two_by_two_units())
    assert len(out) == 2
    assert out["outside"].tolist() == [False, True]
    assert out.iloc[1][list(ASSIGN_COLUMNS[:-1])].isna().all()
    assert all(out.iloc[1][c] is None for c in ASSIGN_COLUMNS[:-1])


def test_row_order_of_units_does_not_change_the_result() -> None:
    rng = np.random.default_rng(7)
    units = two_by_two_units()
    grid = [(x, y) for x in (120.0, 120.05, 120.1, 120.15, 120.2) for y in (27.0, 27.05, 27.1, 27.15, 27.2)]
    pts = points_at(*grid)
    expected = assign(pts, units)
    for _ in range(5):
        shuffled = units.iloc[rng.permutation(len(units))]
        pd.testing.assert_frame_equal(assign(pts, shuffled), expected)


def test_smallest_code_wins_where_micro_grids_overlap() -> None:
    """mc-2 is stretched west over mc-1's eastern half: every point in the overlap, on
    its edges or inside, goes to mc-1 (the smaller code); west of it stays mc-1, east of
    it is mc-2 alone."""
    units = two_by_two_units()
    units.loc[units.code == "mc-2", "geometry"] = box(120.05, 27.0, 120.2, 27.1)
    out = assign(points_at((120.1, 27.05), (120.05, 27.05), (120.07, 27.05), (120.15, 27.05)), units)
    assert out["micro_code"].tolist() == ["mc-1", "mc-1", "mc-1", "mc-2"]


def test_result_is_a_copy_with_index_columns_and_order_kept() -> None:
    pts = points_at((120.15, 27.15), (121.0, 27.0), (120.05, 27.05))
    pts.index = pd.Index([30, 10, 20], name="hid")
    pts["micro_code"] = "stale"
    before = pts.copy()
    out = assign(pts, two_by_two_units())
    pd.testing.assert_frame_equal(pts, before)  # input untouched
    assert out.index.equals(pts.index)
    assert out["name"].tolist() == ["p0", "p1", "p2"]
    assert out["micro_code"].tolist() == ["mc-4", None, "mc-1"]
    assert out["outside"].dtype == bool
    assert out.crs == pts.crs


def test_duplicate_index_labels_are_kept_row_by_row() -> None:
    pts = points_at((120.05, 27.05), (120.15, 27.15), (121.0, 27.0))
    pts.index = pd.Index([7, 7, 7])
    out = assign(pts, two_by_two_units())
    assert out["micro_code"].tolist() == ["mc-1", "mc-4", None]
    assert out["outside"].tolist() == [False, False, True]


def test_empty_points_get_the_columns() -> None:
    out = assign(points_at(), two_by_two_units())
    assert out.empty
    assert set(ASSIGN_COLUMNS) <= set(out.columns)


def test_multipolygon_micro_grid_and_skipped_level() -> None:
    """A micro-grid may be a MultiPolygon; one hung directly under the village has no grid."""
    units = two_by_two_units()
    extra = gpd.GeoDataFrame(
        {"code": ["mc-9"], "level": ["micro"], "parent_code": ["V7"]},
        geometry=[shapely.MultiPolygon([box(121.0, 27.0, 121.1, 27.1), box(121.2, 27.0, 121.3, 27.1)])],
        crs=CRS,
    )
    out = assign(points_at((121.25, 27.05)), pd.concat([units, extra], ignore_index=True))
    row = out.iloc[0]
    assert (row.micro_code, row.grid_code, row.village_code, row.town_code) == ("mc-9", None, "V7", "T9")


def test_matches_geopandas_sjoin_off_the_boundaries() -> None:
    rng = np.random.default_rng(42)
    pts = points_at(*zip(rng.uniform(119.95, 120.25, 2000), rng.uniform(26.95, 27.25, 2000), strict=True))
    units = two_by_two_units()
    out = assign(pts, units)
    micro = units[units.level == "micro"]
    joined = gpd.sjoin(pts, micro[["code", "geometry"]], predicate="intersects", how="left")
    assert not joined.index.duplicated().any()  # random points miss the edges
    assert out["micro_code"].fillna("-").tolist() == joined["code"].fillna("-").tolist()
    assert out["outside"].tolist() == joined["code"].isna().tolist()


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        ("EPSG:4549", "points are in EPSG:4549, expected EPSG:4326"),
        ("EPSG:4490", "points are in EPSG:4490, expected EPSG:4326"),
        (None, "points have no CRS"),
    ],
)
def test_crs_mismatch_is_an_error(crs: str | None, message: str) -> None:
    pts = points_at((120.05, 27.05), crs=crs)
    with pytest.raises(ValueError, match=message):
        assign(pts, two_by_two_units())


def test_units_crs_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="units are in EPSG:3857"):
        assign(points_at((120.05, 27.05)), two_by_two_units().to_crs("EPSG:3857"))


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (box(120.0, 27.0, 120.01, 27.01), "row 1 has a Polygon; expected Point"),
        (shapely.MultiPoint([(120.0, 27.0), (120.1, 27.1)]), "row 1 has a MultiPoint"),
        (None, "row 1 has no geometry"),
        (Point(), "row 1 has an empty Point"),
    ],
)
def test_non_point_geometry_is_an_error(geometry: shapely.Geometry | None, message: str) -> None:
    pts = gpd.GeoDataFrame(geometry=[Point(120.05, 27.05), geometry], crs=CRS)
    with pytest.raises(ValueError, match=message):
        assign(pts, two_by_two_units())


@pytest.mark.parametrize("column", ["code", "level", "parent_code"])
def test_missing_unit_column_is_an_error(column: str) -> None:
    with pytest.raises(ValueError, match=f"missing column\\(s\\) {column}"):
        assign(points_at((120.05, 27.05)), two_by_two_units().drop(columns=column))


def test_no_micro_grids_is_an_error() -> None:
    units = two_by_two_units()
    with pytest.raises(ValueError, match="no micro-grids"):
        assign(points_at((120.05, 27.05)), units[units.level != "micro"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parent_code": "nowhere"}, "reaches 'nowhere', which is not among the units"),
        ({"code": "mc-1"}, "code 'mc-1' appears more than once"),
        ({"level": "hamlet"}, "level 'hamlet' is not one of"),
        ({"geometry": shapely.LineString([(120.1, 27.1), (120.2, 27.2)])}, "'mc-4' has a LineString"),
    ],
)
def test_bad_units_are_an_error(change: dict[str, Any], message: str) -> None:
    units = two_by_two_units()
    for col, value in change.items():
        units.loc[0, col] = value  # row 0 is mc-4
    with pytest.raises(ValueError, match=message):
        assign(points_at((120.05, 27.05)), units)


def test_parent_cycle_below_the_town_is_an_error() -> None:
    units = two_by_two_units()
    units.loc[units.code == "V7", "parent_code"] = "ga"  # ga -> V7 -> ga -> ...
    with pytest.raises(ValueError, match="is a cycle"):
        assign(points_at((120.05, 27.05)), units)


def test_chain_is_only_needed_up_to_the_town() -> None:
    """Units of one town without the county row (e.g. a town's own export) are enough."""
    units = two_by_two_units()
    out = assign(points_at((120.05, 27.05)), units[units.code != "C1"])
    assert out.iloc[0].town_code == "T9"


# --------------------------------------------------------------------------- reassign, real stores


def test_reassign_after_a_boundary_change_is_one_call(tiny_store: Store) -> None:
    """Delete micro-grid M4: its issue becomes outside; the others do not move."""
    assert reassign(tiny_store, "issues", SCOPE, "planner") == 0  # fixture is already right

    units = tiny_store.read("units", SCOPE)
    m4 = units.loc[units.code == M4, "id"].iloc[0]
    audit_before = len(tiny_store.audit_log(SCOPE))
    with tiny_store.transaction("planner", SCOPE) as tx:
        tx.delete("units", [m4])

    assert reassign(tiny_store, "issues", SCOPE, "planner") == 1
    issues = tiny_store.read("issues", SCOPE).set_index("id")
    assert issues.loc["i1", "micro_code"] == M1
    assert bool(issues.loc["i2", "outside"]) and issues.loc["i2", "micro_code"] is None
    assert issues.loc["i2", "grid_code"] is None
    assert bool(issues.loc["i3", "outside"])
    actions = tiny_store.audit_log(SCOPE)["action"].tolist()
    assert actions.count("update_many") == 1  # one write, one audit row
    assert len(actions) == audit_before + 2  # the delete and the reassignment

    counts = reassign_all(tiny_store, SCOPE, "planner")
    assert counts == dict.fromkeys(POINT_LAYERS, 0)


def test_reassign_all_covers_every_point_layer_in_one_transaction(tiny_store: Store,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A household and an issue in M4; M4 is deleted; both layers follow in one transaction."""
    household = gpd.GeoDataFrame(
        {"id": ["h1"], "address": ["灵溪镇人民路1号"], "town_code": ["330327100000"], "village_code": [M4[:12]],
         "grid_code": [M4[:14]], "micro_code": [M4], "outside": [False]},
        geometry=[Point(120.415, 27.505)], crs=CRS)
    units = tiny_store.read("units", SCOPE)
    with tiny_store.transaction("planner", SCOPE) as tx:
        tx.insert("households", household)
        tx.delete("units", [units.loc[units.code == M4, "id"].iloc[0]])
    opened: list[str] = []
    real_transaction = type(tiny_store).transaction

    def counting(self: Store, actor: str, scope: Scope) -> Any:
        opened.append(actor)
        return real_transaction(self, actor, scope)

    monkeypatch.setattr(type(tiny_store), "transaction", counting)  # a spy: the real store does the work
    result = reassign_all(tiny_store, SCOPE, "planner")
    monkeypatch.undo()

    assert result == {name: int(name in ("households", "issues")) for name in POINT_LAYERS}
    assert opened == ["planner"]  # all layers in one transaction
    assert bool(tiny_store.read("households", SCOPE)["outside"].iloc[0])
    assert bool(tiny_store.read("issues", SCOPE, where={"id": "i2"})["outside"].iloc[0])


def test_reassign_refuses_a_layer_without_points(tiny_store: Store) -> None:
    with pytest.raises(ValueError, match="not an assigned point layer"):
        reassign(tiny_store, "issue_events", SCOPE, "planner")


def test_reassign_uses_parent_chain_of_the_current_plan(tiny_store: Store) -> None:
    """Move M4 under grid G1 (its code still says G2): ancestry follows parent_code."""
    units = tiny_store.read("units", SCOPE)
    m4 = units.loc[units.code == M4, "id"].iloc[0]
    with tiny_store.transaction("planner", SCOPE) as tx:
        tx.update("units", m4, {"parent_code": G1})
    assert reassign(tiny_store, "issues", SCOPE, "planner") == 1
    issue = tiny_store.read("issues", SCOPE, where={"id": "i2"}).iloc[0]
    assert (issue.micro_code, issue.grid_code) == (M4, G1)


def test_point_with_nan_coordinate_is_an_error() -> None:
    pts = gpd.GeoDataFrame(geometry=[Point(120.05, 27.05), Point(120.05, float("nan"))], crs=CRS)
    with pytest.raises(ValueError, match="row 1 has a NaN or infinite coordinate"):
        assign(pts, two_by_two_units())
