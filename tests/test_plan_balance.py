"""The balance panel (gridmap.plan.balance) on hand-drawn plans.

Pictures as in tests/test_plan_checks.py: one character per 0.001° cell, a digit names
the micro-grid holding the cell; the numbers under a picture are households.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.plan.balance import BALANCE_COLUMNS, balance, balance_summary
from gridmap.plan.errors import PlanError
from tests.plan_checks_fixtures import GRID, VILLAGE, WORKER, cell, micro, micro_code, plan_of, pt, rect


def four_micro_grids(households: list[int]) -> gpd.GeoDataFrame:
    """
    ::

        |1234|
    """
    return plan_of([micro(i + 1, cell(i, 0), h) for i, h in enumerate(households)], rect(0, 0, len(households), 1))


def test_micro_grids_are_measured_against_the_middle_of_their_band() -> None:
    """
    ::

        |1234|
         10 30 45 55    the ideal is 30 (the middle of 20-40), not the mean 35
    """
    table = balance(four_micro_grids([10, 30, 45, 55]), GRID)
    assert list(table.columns) == list(BALANCE_COLUMNS)
    assert table["code"].tolist() == [micro_code(i) for i in (1, 2, 3, 4)]
    assert table["ideal"].tolist() == [30.0] * 4
    assert table["deviation"].tolist() == [-20.0, 0.0, 15.0, 25.0]
    assert table["deviation_pct"].to_numpy() == pytest.approx([-200 / 3, 0.0, 50.0, 250 / 3])
    assert table["within_band"].tolist() == [False, True, False, False]
    assert table["residents"].tolist() == [30, 90, 135, 165]
    summary = balance_summary(table)
    assert (summary.children, summary.households, summary.residents) == (4, 140, 420)
    assert summary.max_abs_deviation_pct == pytest.approx(250 / 3)
    assert summary.out_of_band == 3
    assert summary.suggested == 5  # 140 households / 30


def test_band_edges_are_within_the_band() -> None:
    table = balance(four_micro_grids([20, 40, 19, 41]), GRID)
    assert table["within_band"].tolist() == [True, True, False, False]


def test_band_override_changes_ideal_and_band() -> None:
    """
    ::

        |1234|
         10 30 45 55    with the grid's band 40-60 the ideal is 50
    """
    plan = four_micro_grids([10, 30, 45, 55])
    table = balance(plan, GRID, bands={GRID: (40, 60)})
    assert table["ideal"].tolist() == [50.0] * 4
    assert table["within_band"].tolist() == [False, False, True, True]
    assert table[["low", "high"]].iloc[0].tolist() == [40, 60]
    assert balance(plan, GRID, bands={VILLAGE: (40, 60)})["ideal"].tolist() == [50.0] * 4
    assert balance_summary(table).suggested == 3  # 140 / 50 = 2.8


def test_grids_are_measured_against_the_mean_and_have_no_band() -> None:
    """
    ::

        |11|2|      grid 01 (2 micro-grids, 30 + 30) and grid 02 (one, 20) in one village
    """
    other = f"{VILLAGE}02"
    extra = [{"code": other, "level": "grid", "name": "球山社区第2网格", "parent_code": VILLAGE, "households": 20,
              "residents": 60, "staff": [dict(WORKER)], "geometry": cell(2, 0)},
             micro(1, cell(2, 0), 20, grid=other)]
    plan = plan_of([micro(1, cell(0, 0)), micro(2, cell(1, 0))], rect(0, 0, 2, 1), extra=extra)
    plan.loc[plan["level"].isin(["county", "town", "village"]), "geometry"] = rect(0, 0, 3, 1)
    table = balance(plan, VILLAGE)
    assert table["code"].tolist() == [GRID, other]
    assert table["households"].tolist() == [60, 20]
    assert table["ideal"].tolist() == [40.0, 40.0]
    assert table["deviation_pct"].tolist() == [50.0, -50.0]
    assert table["within_band"].isna().all() and table["low"].isna().all()
    summary = balance_summary(table)
    assert (summary.out_of_band, summary.suggested, summary.max_abs_deviation_pct) == (0, None, 50.0)


def test_counts_come_from_the_points_when_given() -> None:
    """
    ::

        |12|      3 points in 1 (one on the shared edge: the smaller code), 1 in 2
    """
    plan = four_micro_grids([30, 30])
    points = gpd.GeoDataFrame({"residents": [1, 2, 3, 4]},
                              geometry=[shapely.Point(pt(*c)) for c in [(0.5, 0.5), (0.2, 0.8), (1, 0.5), (1.5, 0.5)]],
                              crs="EPSG:4326")
    table = balance(plan, GRID, households=points)
    assert table["households"].tolist() == [3, 1]
    assert table["residents"].tolist() == [6, 4]


def test_a_unit_without_children_and_an_empty_micro_grid() -> None:
    """A micro-grid has no children: an empty table with the same columns. A band of
    (0, 0) makes the ideal 0: the deviation % is undefined (NaN), not infinite."""
    plan = four_micro_grids([0, 5])
    empty = balance(plan, micro_code(1))
    assert list(empty.columns) == list(BALANCE_COLUMNS) and empty.empty
    summary = balance_summary(empty)
    assert summary.children == 0 and math.isnan(summary.ideal) and math.isnan(summary.max_abs_deviation_pct)
    table = balance(plan, GRID, bands={GRID: (0, 0)})
    assert np.isnan(table["deviation_pct"]).all()
    assert table["within_band"].tolist() == [True, False]


def test_unknown_parent_is_refused() -> None:
    with pytest.raises(PlanError) as info:
        balance(four_micro_grids([30]), "33032799999999")
    assert "33032799999999" in info.value.text("en")


def test_balance_does_not_change_the_plan() -> None:
    plan = four_micro_grids([10, 30])
    before = plan.copy()
    balance(plan, GRID)
    pd.testing.assert_frame_equal(plan, before)
