"""Auto-partition into ~30-household micro-grids (gridmap.plan.partition)."""

from __future__ import annotations

import pytest
import shapely

from gridmap.plan.errors import BadEdit, PlanError
from gridmap.plan.partition import auto_partition
from tests.plan_fixtures import VILLAGE, box_plan, community, households_at

GRID = VILLAGE + "01"


def _check_partition(result, plan, hh, grid: str) -> None:  # type: ignore[no-untyped-def]
    """Independent checks: parts contiguous, households in the band, exact cover."""
    parts = result.plan.loc[(result.plan["parent_code"] == grid) & (result.plan["level"] == "micro")]
    low, high = result.params["bands"][grid][:2]
    outline = plan.loc[plan["code"] == grid].geometry.iloc[0]
    geoms = parts.geometry.to_numpy()
    assert all(len(shapely.get_parts(g)) == 1 for g in geoms), "a part is in pieces"
    # Households per part, counted from the points (not from the frame's column).
    inside = hh.loc[shapely.intersects(outline, hh.geometry.to_numpy())]
    counts = [int(shapely.contains(g, inside.geometry.to_numpy()).sum()) for g in geoms]
    assert sum(counts) == len(inside)
    assert all(low <= c <= high for c in counts), (counts, low, high)
    assert list(parts["households"]) == counts
    # Exact cover: no gap (union equals the grid), no overlap (areas add up).
    union = shapely.union_all(geoms)
    assert shapely.area(shapely.symmetric_difference(union, outline)) <= 1e-9 * outline.area
    assert sum(shapely.area(geoms)) == pytest.approx(outline.area, rel=1e-9)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    assert shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]])).sum() <= 1e-9 * outline.area


def test_a_community_of_1000_households() -> None:
    plan, hh = community(1000, n_grids=1, seed=3)
    seen: list[float] = []
    result = auto_partition(plan, GRID, hh, progress=lambda f, m: seen.append(f))
    _check_partition(result, plan, hh, GRID)
    assert result.removed == {GRID + "001"}
    assert len(result.added) == round(1000 / 30)
    assert all(c.startswith(GRID) and len(c) == 17 and c != GRID + "001" for c in result.added)
    assert seen == sorted(seen) and seen[-1] == 1.0
    # The micro-grid level stays one valid coverage over the whole community.
    micro = result.plan.loc[result.plan["level"] == "micro"].geometry.to_numpy()
    assert shapely.coverage_is_valid(micro)


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    plan, hh = community(400, n_grids=1, seed=1)
    a = auto_partition(plan, GRID, hh, seed=5).plan
    b = auto_partition(plan, GRID, hh, seed=5).plan
    c = auto_partition(plan, GRID, hh, seed=6).plan
    assert list(a.geometry.to_wkb()) == list(b.geometry.to_wkb())
    assert list(a.geometry.to_wkb()) != list(c.geometry.to_wkb())


def test_a_village_keeps_its_grids() -> None:
    plan, hh = community(600, n_grids=2, seed=2)
    result = auto_partition(plan, VILLAGE, hh, target=30)
    for grid in (VILLAGE + "01", VILLAGE + "02"):
        _check_partition(result, plan, hh, grid)
        before = plan.loc[plan["code"] == grid].geometry.iloc[0]
        assert shapely.equals(result.plan.loc[result.plan["code"] == grid].geometry.iloc[0], before)


def test_given_tolerance_is_the_band() -> None:
    plan, hh = community(300, n_grids=1, seed=4)
    result = auto_partition(plan, GRID, hh, tolerance=0.3)
    low, high, eps, _ = result.params["bands"][GRID]
    assert eps == 0.3 and (low, high) == (21, 39)
    _check_partition(result, plan, hh, GRID)


def test_bad_requests() -> None:
    plan, hh = community(100, n_grids=1)
    with pytest.raises(BadEdit):
        auto_partition(plan, GRID + "001", hh)  # a micro-grid
    with pytest.raises(BadEdit):
        auto_partition(plan, GRID, hh, target=0)
    with pytest.raises(BadEdit):
        auto_partition(plan, GRID, hh, tolerance=1.5)
    with pytest.raises(PlanError):
        auto_partition(plan, "33032710000199", hh)
    with pytest.raises(PlanError) as exc:
        auto_partition(plan, GRID, hh.iloc[0:0])
    assert exc.value.key == "plan.partition.no_households"


def test_an_impossible_band_fails_with_a_message() -> None:
    """Two buildings of 25 and 29 households (each under the target, so kept whole) and
    a 1 % band around 27: no cut exists::

        +---------------+
        |  A(25)  B(29) |
        +---------------+
    """
    plan = box_plan(0.002, 0.001, [1])
    pts = [(120.5005 + i * 1e-6, 27.5005) for i in range(25)] + [(120.5015 + i * 1e-6, 27.5005) for i in range(29)]
    hh = households_at(pts)
    with pytest.raises(PlanError) as exc:
        auto_partition(plan, GRID, hh, tolerance=0.01)
    assert exc.value.key == "plan.partition.failed" and GRID in exc.value.text("en")


def test_an_apartment_block_bigger_than_the_band_is_cut_by_household() -> None:
    """A block of 70 flats at one point among 50 scattered houses::

        +---------------+
        |  .  .   ▇70 . |
        |  .   .  .   . |
        +---------------+
    """
    plan, scattered = community(50, n_grids=1, seed=11)
    block = [(120.505, 27.504)] * 70
    pts = [(p.x, p.y) for p in scattered.geometry] + block
    hh = households_at(pts)
    result = auto_partition(plan, GRID, hh)
    _check_partition_counts_only(result, GRID, len(pts))


def _check_partition_counts_only(result, grid: str, total: int) -> None:  # type: ignore[no-untyped-def]
    parts = result.plan.loc[result.plan["parent_code"] == grid]
    low, high = result.params["bands"][grid][:2]
    assert parts["households"].sum() == total
    assert all(low <= c <= high for c in parts["households"])
    assert all(len(shapely.get_parts(g)) == 1 for g in parts.geometry)
