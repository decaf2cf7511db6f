"""Editing by assignment: cells -> micro-grids (gridmap.plan.cells)."""

from __future__ import annotations

import pytest
import shapely

from gridmap.plan.cells import (
    _children,
    cell_at,
    cells_for,
    cells_in,
    move_cells,
    move_households,
    neighbours_of,
    plan_from_assignment,
)
from gridmap.plan.errors import BadEdit, PlanError
from tests.plan_fixtures import X0, Y0, box_plan, households_at

GRID = "33032710000101"


def three_rows() -> tuple:
    """One grid (0.003 x 0.003 degrees) in three micro-grids stacked north to south::

        +-----------+
        |  001  a b |   a, b: houses; c, d: two flats of one building (1 m apart)
        +-----------+
        |  002  c d |
        |       e   |
        +-----------+
        |  003  f g |
        +-----------+

    001 borders 002, 002 borders 003, 001 does not border 003.
    """
    plan = box_plan(0.003, 0.003, [3])
    pts = [(X0 + 0.001, Y0 + 0.0025), (X0 + 0.002, Y0 + 0.0026),
           (X0 + 0.0015, Y0 + 0.0018), (X0 + 0.00151, Y0 + 0.0018), (X0 + 0.0015, Y0 + 0.0012),
           (X0 + 0.001, Y0 + 0.0005), (X0 + 0.002, Y0 + 0.0004)]
    return plan, households_at(pts)


def test_cells_cover_the_grid_and_the_identity_gives_the_plan_back() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    assert cells["households"].sum() == 7
    assert len(cells) == 6  # c and d are one building cluster
    assert sorted(cells.loc[cells["households"] == 2, "household_ids"].iloc[0]) == ["hh-0002", "hh-0003"]
    grid = plan.loc[plan["code"] == GRID].geometry.iloc[0]
    union = shapely.union_all(cells.geometry.to_numpy())
    assert shapely.area(shapely.symmetric_difference(union, grid)) < 1e-14
    assert sum(shapely.area(cells.geometry.to_numpy())) == pytest.approx(grid.area, rel=1e-9)
    same = plan_from_assignment(plan, GRID, cells, {})
    assert not same.changed and not same.added and not same.removed
    for code, geom in zip(plan["code"], plan.geometry, strict=True):
        assert shapely.equals_exact(same.plan.loc[same.plan["code"] == code].geometry.iloc[0], geom, 0) or \
            shapely.get_num_coordinates(geom) == shapely.get_num_coordinates(
                same.plan.loc[same.plan["code"] == code].geometry.iloc[0])


def test_move_to_a_neighbour_keeps_the_coverage() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    result = move_households(plan, GRID, cells, ["hh-0004"], GRID + "003")  # e: 002 -> 003
    assert result.changed >= {GRID + "003", GRID + "002"}
    kids = _children(result.plan, GRID)
    counts = dict(zip(kids["code"], kids["households"], strict=True))
    assert counts == {GRID + "001": 2, GRID + "002": 2, GRID + "003": 3}
    geoms = kids.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)
    grid = plan.loc[plan["code"] == GRID].geometry.iloc[0]
    assert shapely.area(shapely.symmetric_difference(shapely.union_all(geoms), grid)) < 1e-14
    assert shapely.contains(kids.geometry.iloc[2], hh.geometry.iloc[4])
    # The whole town's micro-grids stay a valid coverage (nodes inserted outside the grid).
    assert shapely.coverage_is_valid(result.plan.loc[result.plan["level"] == "micro"].geometry.to_numpy())


def test_a_building_cluster_moves_together() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    result = move_households(plan, GRID, cells, ["hh-0002"], GRID + "001")
    kids = _children(result.plan, GRID).set_index("code")
    assert kids.loc[GRID + "001", "households"] == 4  # c and d together


def test_move_to_a_micro_grid_that_does_not_border_is_refused() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    with pytest.raises(BadEdit) as exc:
        move_households(plan, GRID, cells, ["hh-0000"], GRID + "003")  # a: 001 -> 003
    assert GRID + "003" in exc.value.text("en") and "border" in exc.value.text("en")


@pytest.mark.parametrize(("ids", "to", "key"), [
    (["hh-9999"], GRID + "001", "plan.partition.unknown_household"),
    (["hh-0000"], GRID + "009", "plan.partition.unknown_micro"),
    (["hh-0000"], GRID + "001", "plan.partition.nothing_to_move"),
])
def test_bad_moves(ids: list[str], to: str, key: str) -> None:
    plan, hh = three_rows()
    with pytest.raises(BadEdit) as exc:
        move_households(plan, GRID, cells_for(plan, GRID, hh), ids, to)
    assert exc.value.key == key


def test_non_contiguous_assignment_is_refused_naming_the_micro_grid() -> None:
    """Give a's cell (north) to 003 (south): 003 would be two pieces."""
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    north = cells.loc[cells["household_ids"].apply(lambda ids: "hh-0000" in ids), "cell_id"].iloc[0]
    with pytest.raises(BadEdit) as exc:
        plan_from_assignment(plan, GRID, cells, {north: GRID + "003"})
    assert exc.value.key == "plan.partition.not_contiguous" and exc.value.params["code"] == GRID + "003"


def test_unknown_cell_and_code_and_level() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    with pytest.raises(BadEdit):
        plan_from_assignment(plan, GRID, cells, {"nope": GRID + "001"})
    with pytest.raises(BadEdit):
        plan_from_assignment(plan, GRID, cells, {cells["cell_id"].iloc[0]: "33032710000102001"})
    with pytest.raises(BadEdit):
        cells_for(plan, "330327100001", hh)  # a village, not a grid
    with pytest.raises(PlanError):
        cells_for(plan, "33032710000199", hh)


def test_emptying_a_micro_grid_removes_it() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    to_two = {c: GRID + "002" for c, m in zip(cells["cell_id"], cells["micro_code"], strict=True)
              if m == GRID + "003"}
    result = plan_from_assignment(plan, GRID, cells, to_two)
    assert result.removed == {GRID + "003"}
    assert GRID + "003" not in set(result.plan["code"])


# --------------------------------------------------------------------------- picking cells on the map


def test_cells_picked_by_click_and_by_a_drawn_rectangle_move_to_the_neighbour() -> None:
    """Pick e's cell by a click on e, and a rectangle around f (three_rows' picture)::

        +-----------+
        |  001  a b |
        +-----------+
        |  002  c d |
        |     [e]   |   <- click here: e's cell
        +-----------+
        | [f]  003 g|   <- rectangle around f
        +-----------+

    e goes 002 -> 003 (they border), then f goes 003 -> 002; each micro-grid is the union
    of its cells: the coverage of the grid stays valid, households are where they live.
    """
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    e = hh.geometry.iloc[4]
    picked = cell_at(cells, e.x, e.y)
    assert picked is not None and "hh-0004" in cells.set_index("cell_id").loc[picked, "household_ids"]
    assert neighbours_of(cells, [picked], _children(plan, GRID)) == [GRID + "003"]  # e is in 002's south
    first = move_cells(plan, GRID, cells, [picked], GRID + "003")
    assert first.changed >= {GRID + "002", GRID + "003"}
    after = cells_for(first.plan, GRID, hh)
    f = hh.geometry.iloc[5]
    around_f = shapely.box(f.x - 0.0002, f.y - 0.0002, f.x + 0.0002, f.y + 0.0002)
    taken = cells_in(after, around_f, hh)
    assert len(taken) == 1 and after.set_index("cell_id").loc[taken[0], "household_ids"] == ("hh-0005",)
    second = move_cells(first.plan, GRID, after, taken, GRID + "002")
    kids = _children(second.plan, GRID)
    counts = dict(zip(kids["code"], kids["households"], strict=True))
    assert counts == {GRID + "001": 2, GRID + "002": 3, GRID + "003": 2}
    geoms = kids.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)
    grid = plan.loc[plan["code"] == GRID].geometry.iloc[0]
    assert shapely.area(shapely.symmetric_difference(shapely.union_all(geoms), grid)) < 1e-14
    assert abs(sum(shapely.area(geoms)) - grid.area) < 1e-14  # no overlap
    by_code = kids.set_index("code").geometry
    assert shapely.contains(by_code[GRID + "003"], e) and shapely.contains(by_code[GRID + "002"], f)


def test_picking_nothing_or_a_cell_that_cannot_move_is_refused_in_words() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    assert cells_in(cells, shapely.box(0, 0, 0.0001, 0.0001), hh) == []  # far away
    assert cell_at(cells, 0.0, 0.0) is None
    with pytest.raises(BadEdit) as exc:
        move_cells(plan, GRID, cells, ["no-such-cell"], GRID + "001")
    assert exc.value.key == "plan.partition.unknown_cell"
    a = hh.geometry.iloc[0]
    with pytest.raises(BadEdit) as exc:
        move_cells(plan, GRID, cells, [cell_at(cells, a.x, a.y)], GRID + "003")  # 001 does not border 003
    assert exc.value.key == "plan.partition.not_neighbour" and GRID + "003" in exc.value.text("zh")
    with pytest.raises(BadEdit) as exc:
        move_cells(plan, GRID, cells, [cell_at(cells, a.x, a.y)], GRID + "001")  # already there
    assert exc.value.key == "plan.partition.nothing_to_move"
