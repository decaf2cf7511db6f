"""Reshape, split, merge and add on hand-drawn plans; coverage checked independently.

The fixtures (tests/plan_edit_fixtures.py) are villages of one-cell micro-grids, one
cell = 0.001 degrees (~100 m). The 3x3 block, one grid ``G`` = 33032710300101, micro-grid
serials per cell, a village ``乙村`` (one grid, one micro-grid ``E``) east of it::

    y=3 +---+---+---+-----+
        | 7 | 8 | 9 |     |
    y=2 +---+---+---+     |
        | 4 | 5 | 6 |  E  |
    y=1 +---+---+---+     |
        | 1 | 2 | 3 |     |
    y=0 +---+---+---+-----+
       x=0  1   2   3     4

After every successful edit :func:`all_coverage_ok` checks every level: children valid,
``coverage_is_valid``, no overlap (areas add up), no gap (union equals the parent within
1e-9), codes under their parent, and the micro-grids and grids of the whole town a valid
coverage (no T-junction across parents).
"""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import LineString

from gridmap.plan.edit import add_unit, merge, new_code, reshape, split
from gridmap.plan.errors import BadEdit
from tests.plan_edit_fixtures import VILLAGE, VILLAGE2, all_coverage_ok, box, cell, geom, micro_block, poly

G = VILLAGE + "01"
G2 = VILLAGE + "02"
E = VILLAGE2 + "01001"


def m(k: int, grid: str = G) -> str:
    return f"{grid}{k:03d}"


def has_vertex(g: shapely.Geometry, xy: tuple[float, float]) -> bool:
    return tuple(xy) in {tuple(c) for c in shapely.get_coordinates(g).tolist()}


def snapshot(plan):  # the input must never change
    return (plan["code"].tolist(), plan["parent_code"].tolist(), plan["households"].tolist(),
            [g.wkb for g in plan.geometry])


@pytest.fixture
def p33():
    return micro_block(3, 3)


@pytest.fixture
def p22():
    """Two columns, each a grid of two micro-grids (serials bottom-up)::

        y=2 +-----+-----+
            | 01/2| 02/2|
        y=1 +-----+-----+     west grid 33032710300101, east grid 33032710300102
            | 01/1| 02/1|
        y=0 +-----+-----+
           x=0    1     2
    """
    return micro_block(2, 2, grids_x=2)


def test_fixtures_are_valid_coverages(p33, p22) -> None:
    all_coverage_ok(p33)
    all_coverage_ok(p22)


def test_checker_catches_a_gap_and_an_overlap(p33) -> None:
    bad = p33.copy()
    bad.loc[bad["code"] == m(5), "geometry"] = box(1, 1, 2, 2).buffer(-0.0001)
    with pytest.raises(AssertionError, match="gap"):
        all_coverage_ok(bad)
    bad.loc[bad["code"] == m(5), "geometry"] = box(1, 1, 2, 2).buffer(0.0001)
    with pytest.raises(AssertionError, match="overlap"):
        all_coverage_ok(bad)


# ------------------------------------------------------------------------ reshape

def test_drag_a_corner_into_the_neighbour_all_holders_follow(p33) -> None:
    """Drag (2,2), shared by 5, 6, 8, 9, to (2.4, 2.3), inside 9::

        +---+---+---+
        | 7 | 8 | 9 |
        +---+---*   +     * moves to x
        | 4 | 5 |  x|
        +---+---+---+
    """
    before = snapshot(p33)
    new = poly((1, 1), (2, 1), (2.4, 2.3), (1, 2))
    res = reshape(p33, m(5), new)
    assert snapshot(p33) == before
    assert res.changed == {m(5), m(6), m(8), m(9)}
    for k in (5, 6, 8, 9):
        g = geom(res.plan, m(k))
        assert has_vertex(g, cell(2.4, 2.3)) and not has_vertex(g, cell(2, 2))
    assert geom(res.plan, m(9)).area < geom(p33, m(9)).area
    assert shapely.equals(geom(res.plan, m(5)), new)
    all_coverage_ok(res.plan)
    hh = res.plan.set_index("code")["households"]
    assert hh[[m(5), m(6), m(8), m(9)]].isna().all() and (hh[[m(1), m(7), G]] == 30).all()
    assert "1格5" in res.text("zh") and m(5) in res.text("en")


def test_drag_the_corner_where_four_units_meet() -> None:
    """2x2 micro-grids of one grid; the handle on top is micro 1's; drag (1,1) to (1.2,1.3)::

        +---+---+
        | 3 | 4 |
        +---*---+     all four units hold the moved corner afterwards
        | 1 | 2 |
        +---+---+
    """
    plan = micro_block(2, 2)
    res = reshape(plan, m(1), poly((0, 0), (1, 0), (1.2, 1.3), (0, 1)))
    assert res.changed == {m(1), m(2), m(3), m(4)}
    for k in (1, 2, 3, 4):
        assert has_vertex(geom(res.plan, m(k)), cell(1.2, 1.3))
    all_coverage_ok(res.plan)


def test_delete_the_corner_where_four_units_meet() -> None:
    """Micro 1 deletes its corner (1,1) (propagation cannot: overlay). The triangle it
    gives up borders 2 and 3 equally: the tie goes to the smaller code, 2::

        +---+---+
        | 3 | 4 |
        +---o---+
        | 1/|   |
        +---+---+
    """
    plan = micro_block(2, 2)
    res = reshape(plan, m(1), poly((0, 0), (1, 0), (0, 1)))
    all_coverage_ok(res.plan)
    assert res.changed == {m(1), m(2)}
    assert geom(res.plan, m(1)).area == pytest.approx(geom(plan, m(1)).area / 2)
    assert geom(res.plan, m(2)).area == pytest.approx(geom(plan, m(2)).area * 1.5)
    assert shapely.equals(geom(res.plan, m(3)), geom(plan, m(3)))


def test_delete_a_vertex_between_two_units_both_follow(p33) -> None:
    """Micro 5 and 8 share the edge (1,2)-(2,2); give it a middle vertex, then delete it."""
    bent = reshape(p33, m(5), poly((1, 1), (2, 1), (2, 2), (1.5, 2.3), (1, 2)))
    assert has_vertex(geom(bent.plan, m(8)), cell(1.5, 2.3))
    all_coverage_ok(bent.plan)
    back = reshape(bent.plan, m(5), box(1, 1, 2, 2))
    assert not has_vertex(geom(back.plan, m(8)), cell(1.5, 2.3))
    assert shapely.equals(geom(back.plan, m(8)), geom(p33, m(8)))
    all_coverage_ok(back.plan)


def test_fold_over_falls_back_to_the_overlay(p33) -> None:
    """Drag (2,2) of micro 5 across micro 9 to (2.5, 2.7) and (1,2) over 8: the edges cross
    the neighbours' other edges; 5 takes what it now covers, nobody else overlaps."""
    new = poly((1, 1), (2, 1), (2.5, 2.7), (1.2, 2.5))
    res = reshape(p33, m(5), new)
    all_coverage_ok(res.plan)
    assert shapely.equals(geom(res.plan, m(5)), new)
    assert {m(6), m(8), m(9)} <= res.changed


def test_reshape_outside_the_parent_is_clipped(p33) -> None:
    """Micro 3's corner (3,0) dragged out of the village to (3.5,-0.5): clipped; the grid,
    the village and E (the neighbouring village's micro-grid) keep their area."""
    res = reshape(p33, m(3), poly((2, 0), (3.5, -0.5), (3, 1), (2, 1)))
    assert res.key == "plan.edit.reshaped_clipped"
    all_coverage_ok(res.plan)
    for code in (G, VILLAGE, E):
        assert shapely.equals(geom(res.plan, code), geom(p33, code))
    assert geom(res.plan, m(3)).within(geom(p33, G))


def test_reshape_accepts_geojson_from_leaflet(p33) -> None:
    feature_geom = {"type": "Polygon", "coordinates": [[cell(1, 1), cell(2, 1), cell(2.2, 1.8), cell(1, 2),
                                                        cell(1, 1)]]}
    res = reshape(p33, m(5), feature_geom)
    assert has_vertex(geom(res.plan, m(6)), cell(2.2, 1.8))
    all_coverage_ok(res.plan)


@pytest.mark.parametrize(("shape", "key"), [
    (poly((1, 1), (2, 2), (2, 1), (1, 2)), "plan.edit.self_intersecting"),   # a bow-tie
    (box(1, 1, 3, 2), "plan.edit.swallows"),                                 # covers 6 whole
    (poly((1, 1), (1.003, 1), (1, 1.003)), "plan.edit.sliver"),              # ~4 m²
    (LineString([cell(0, 0), cell(1, 1)]), "plan.edit.not_polygon"),
    (box(5, 5, 6, 6), "plan.edit.clipped_away"),                              # outside the parent
])
def test_bad_reshapes_are_refused_naming_the_unit(p33, shape, key) -> None:
    before = snapshot(p33)
    with pytest.raises(BadEdit) as err:
        reshape(p33, m(5), shape)
    assert err.value.key == key
    named = m(6) if key == "plan.edit.swallows" else m(5)
    assert named in err.value.text("zh") and named in err.value.text("en")
    assert snapshot(p33) == before


def test_reshape_refuses_unknown_and_top_level_units(p33) -> None:
    with pytest.raises(BadEdit, match="99999"):
        reshape(p33, "99999", box(0, 0, 1, 1))
    with pytest.raises(BadEdit) as err:
        reshape(p33, "330327000000", box(0, 0, 1, 1))
    assert err.value.key == "plan.edit.top_level"


def test_reshape_of_a_grid_moves_its_micro_grids_too(p22) -> None:
    """Drag the west grid's vertex (1,1) to (1.4,1.2): the east grid follows; the area the
    west grid gains goes to its micro-grid with the longest shared border (below y=1 to
    01/1, above to 01/2); the east micro-grids lose it; a new node where 02's inner edge
    meets the moved boundary is in both grids."""
    west, east = G, G2
    res = reshape(p22, west, poly((0, 0), (1, 0), (1.4, 1.2), (1, 2), (0, 2), (0, 1)))
    all_coverage_ok(res.plan)
    assert {west, east, m(1, west), m(2, west), m(1, east), m(2, east)} <= res.changed
    assert not res.renamed and not res.added and not res.removed
    assert geom(res.plan, m(1, west)).area > geom(p22, m(1, west)).area
    assert geom(res.plan, m(2, west)).area > geom(p22, m(2, west)).area
    inner = shapely.get_coordinates(shapely.intersection(geom(res.plan, m(1, east)), geom(res.plan, m(2, east))))
    node = tuple(min(inner.tolist()))  # its west end, on the moved boundary (x = 1 + 0.4/1.2)
    assert node[0] == pytest.approx(cell(1 + 0.4 / 1.2, 1)[0], abs=1e-6)
    assert has_vertex(geom(res.plan, west), node) and has_vertex(geom(res.plan, east), node)
    assert has_vertex(geom(res.plan, m(1, west)), node) and has_vertex(geom(res.plan, m(2, west)), node)


def test_a_micro_grid_that_falls_wholly_into_another_grid_moves_and_is_recoded(p22) -> None:
    """The west grid takes the east grid's lower micro-grid 02/1 whole: it keeps its shape,
    moves under the west grid and gets its next code (01/3)::

        +-----+-----+        +-----+-----+
        | 01/2| 02/2|        | 01/2| 02/2|
        +-----+-----+   ->   +-----+-----+
        | 01/1| 02/1|        | 01/1  01/3|
        +-----+-----+        +-----+-----+
    """
    new = poly((0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 1))
    res = reshape(p22, G, new)
    all_coverage_ok(res.plan)
    assert res.renamed == {m(1, G2): m(3, G)}
    moved = res.plan.set_index("code").loc[m(3, G)]
    assert moved["parent_code"] == G and moved["households"] == 30
    assert shapely.equals(moved.geometry, geom(p22, m(1, G2)))


# ------------------------------------------------------------------------ split

def test_split_a_grid_recodes_the_micro_grids_below(p33) -> None:
    """Cut G along y=1.2; the upper part is bigger and keeps G's code; micro 1-3 fall whole
    in the lower part (a new grid 02) and are re-coded; 4-6 are cut: their lower strips are
    new micro-grids of grid 02; E (the other village) gets the line's end node::

        +---+---+---+-----+
        | 7 | 8 | 9 |     |
        +---+---+---+     |
        | 4 | 5 | 6 |  E  |
      ----------------*   |   y=1.2
        | 1 | 2 | 3 |     |
        +---+---+---+-----+
    """
    before = snapshot(p33)
    res = split(p33, G, LineString([cell(-0.5, 1.2), cell(3.5, 1.2)]))
    assert snapshot(p33) == before
    all_coverage_ok(res.plan)
    assert res.renamed == {m(1): m(1, G2), m(2): m(2, G2), m(3): m(3, G2)}
    assert G2 in res.added and {m(4, G2), m(5, G2), m(6, G2)} <= res.added
    assert geom(res.plan, G).area > geom(res.plan, G2).area
    for code in (E, VILLAGE2 + "01", VILLAGE2, VILLAGE):  # the town: x=3 is inside it
        assert has_vertex(geom(res.plan, code), cell(3, 1.2)), code
    units = res.plan.set_index("code")
    assert units.loc[m(5, G2), "name"] == "1格5（2）" and units.loc[G2, "name"] == "甲村1格（2）"
    assert units.loc[m(1, G2), "households"] == 30 and units.loc[[G, G2, m(5)], "households"].isna().all()


def test_split_inserts_the_new_nodes_into_the_neighbours(p33) -> None:
    """Cut micro 5 at x=1.5: 2 and 8 get the nodes (1.5,1) and (1.5,2), else T-junctions."""
    res = split(p33, m(5), LineString([cell(1.5, 0.5), cell(1.5, 2.5)]))
    all_coverage_ok(res.plan)
    assert has_vertex(geom(res.plan, m(2)), cell(1.5, 1)) and has_vertex(geom(res.plan, m(8)), cell(1.5, 2))
    assert res.added == {m(10)} and m(5) in res.changed
    assert shapely.coverage_is_valid(res.plan.loc[res.plan["level"] == "micro"].geometry.to_numpy())


def test_split_by_a_line_crossing_twice_gives_three_parts(p33) -> None:
    line = LineString([cell(0.5, 1.3), cell(2.5, 1.3), cell(2.5, 1.7), cell(0.5, 1.7)])
    res = split(p33, m(5), line)
    assert res.params["n"] == 3 and res.added == {m(10), m(11)}
    all_coverage_ok(res.plan)


@pytest.mark.parametrize(("line", "key"), [
    (LineString([cell(5, 5), cell(6, 6)]), "plan.edit.line_misses"),                  # far away
    (LineString([cell(1, 0.5), cell(1, 2.5)]), "plan.edit.line_misses"),              # along its edge
    (LineString([cell(0.5, 1.5), cell(1.5, 1.5)]), "plan.edit.line_ends_inside"),      # ends inside
    (LineString([cell(1.2, 1.2), cell(1.8, 1.8)]), "plan.edit.line_ends_inside"),      # wholly inside
    (LineString([cell(0.5, 1.003), cell(2.5, 1.003)]), "plan.edit.sliver"),           # a 0.3 m strip
    (box(0, 0, 1, 1), "plan.edit.not_line"),
])
def test_bad_split_lines_are_refused(p33, line, key) -> None:
    with pytest.raises(BadEdit) as err:
        split(p33, m(5), line)
    assert err.value.key == key
    assert m(5) in err.value.text("zh") and "1格5" in err.value.text("zh")
    if key == "plan.edit.line_misses":
        assert "线没有穿过" in err.value.text("zh")


# ------------------------------------------------------------------------ merge

def test_merge_adjacent_micro_grids(p33) -> None:
    res = merge(p33, [m(2), m(1), m(4)])
    assert res.removed == {m(2), m(4)} and m(1) in res.changed
    assert shapely.equals(geom(res.plan, m(1)), shapely.union_all([box(0, 0, 2, 1), box(0, 1, 1, 2)]))
    assert res.plan.set_index("code").loc[m(1), "households"] is pd.NA  # recounted elsewhere
    all_coverage_ok(res.plan)


def test_merge_grids_recodes_the_children_of_the_others(p22) -> None:
    res = merge(p22, [G2, G])
    assert res.removed == {G2}
    assert res.renamed == {m(1, G2): m(3, G), m(2, G2): m(4, G)}
    assert set(res.plan.loc[res.plan["parent_code"] == G, "code"]) == {m(1), m(2), m(3), m(4)}
    all_coverage_ok(res.plan)


@pytest.mark.parametrize(("codes", "key", "named"), [
    ([m(1), m(3)], "plan.edit.merge_not_touching", [m(1), m(3)]),       # a gap between them
    ([m(1), m(5)], "plan.edit.merge_not_touching", [m(1), m(5)]),       # corner only
    ([m(1)], "plan.edit.merge_few", []),
    ([m(3), E], "plan.edit.merge_parents", [m(3), E]),
])
def test_bad_merges_are_refused(p33, codes, key, named) -> None:
    with pytest.raises(BadEdit) as err:
        merge(p33, codes)
    assert err.value.key == key
    for c in named:
        assert c in err.value.text("zh")


# ------------------------------------------------------------------------ add

def test_add_a_micro_grid_takes_area_from_the_siblings_it_covers(p33) -> None:
    """A new micro-grid drawn over parts of 5 and 6::

        +---+---+---+
        | 4 | 5[==]6|
        +---+---+---+
    """
    res = add_unit(p33, G, box(1, 1, 3, 2).buffer(-0.0002, join_style="mitre"), "新微网格")
    code = m(10)
    assert res.added == {code} and {m(5), m(6)} <= res.changed
    all_coverage_ok(res.plan)
    assert res.plan.set_index("code").loc[code, "name"] == "新微网格"


def test_add_clips_to_the_parent(p33) -> None:
    res = add_unit(p33, G, box(2, 2, 4, 4).buffer(-0.0001, join_style="mitre"), "角上")
    assert geom(res.plan, m(10)).within(geom(p33, G))
    all_coverage_ok(res.plan)


def test_add_a_grid_makes_micro_grids_of_the_pieces(p33) -> None:
    """A new grid drawn across micro 5 and 6 inside the village: the pieces it takes become
    micro-grids of the new grid, so every level stays covered."""
    res = add_unit(p33, VILLAGE, poly((1.5, 1.5), (3, 1.5), (3, 2.5), (1.5, 2.5)), "新网格")
    assert G2 in res.added
    assert len(res.plan.loc[res.plan["parent_code"] == G2]) == 4  # pieces of 5, 6, 8, 9
    all_coverage_ok(res.plan)


@pytest.mark.parametrize(("shape", "parent", "key"), [
    (poly((1, 1), (2, 2), (2, 1), (1, 2)), G, "plan.edit.self_intersecting"),
    (box(6, 6, 7, 7), G, "plan.edit.outside_parent"),
    (box(1, 1, 2, 2).buffer(0.0001, join_style="mitre"), G, "plan.edit.covers_sibling"),
    (box(1, 1, 2, 2), m(5), "plan.edit.no_children_here"),
])
def test_bad_adds_are_refused(p33, shape, parent, key) -> None:
    with pytest.raises(BadEdit) as err:
        add_unit(p33, parent, shape, "新")
    assert err.value.key == key
    if key == "plan.edit.covers_sibling":
        assert m(5) in err.value.text("zh")


def test_add_needs_a_name(p33) -> None:
    with pytest.raises(BadEdit) as err:
        add_unit(p33, G, box(1, 1, 2, 2), "  ")
    assert err.value.key == "plan.edit.name_missing"


# ------------------------------------------------------------------------ codes

def test_new_code_is_the_next_free_serial(p33) -> None:
    assert new_code(p33, G) == m(10)
    assert new_code(p33, VILLAGE) == G2
    assert new_code(p33, "330327103000") == "330327103003"
    with pytest.raises(BadEdit):
        new_code(p33, m(1))
    with pytest.raises(BadEdit):
        new_code(p33, "330327999999")


# ------------------------------------------------------------------------ random drags

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(vx=st.sampled_from([1, 2]), vy=st.sampled_from([1, 2]),
       dx=st.floats(-0.9, 0.9), dy=st.floats(-0.9, 0.9), pick=st.integers(0, 3))
def test_random_drags_keep_the_coverage(p33, vx, vy, dx, dy, pick) -> None:
    """Drag one inner vertex of the 3x3 block, through any unit holding it, anywhere within
    0.9 cells: either refused (BadEdit) or every level still covered."""
    holders = [k for k in range(1, 10) if has_vertex(geom(p33, m(k)), cell(vx, vy))]
    k = holders[pick % len(holders)]
    old = geom(p33, m(k))
    target = cell(vx + dx, vy + dy)
    ring = [target if tuple(c) == cell(vx, vy) else tuple(c) for c in shapely.get_coordinates(old).tolist()]
    new = shapely.Polygon(ring)
    try:
        res = reshape(p33, m(k), new)
    except BadEdit:
        return
    all_coverage_ok(res.plan)


def test_edits_on_the_small_demo_town_keep_every_level_covered() -> None:
    """Real geometry: the small demo (宜山镇), a micro-grid drag and a grid split."""
    from gridmap import demo
    from gridmap.plan.model import snap_frame

    plan = snap_frame(demo.generate("small")["units"])
    all_coverage_ok(plan)
    grid = plan.loc[plan["level"] == "grid"].iloc[0]
    micro = plan.loc[plan["parent_code"] == grid["code"]].iloc[0]
    ring = shapely.get_coordinates(micro.geometry)[:-1]
    c = micro.geometry.centroid
    inner = [i for i, xy in enumerate(ring.tolist()) if not shapely.intersects(
        shapely.Point(xy), grid.geometry.exterior)]
    if inner:
        i = inner[0]
        ring[i] = [round(ring[i][0] + 0.2 * (c.x - ring[i][0]), 6), round(ring[i][1] + 0.2 * (c.y - ring[i][1]), 6)]
        res = reshape(plan, micro["code"], shapely.Polygon(ring))
        assert len(res.changed) >= 2
        all_coverage_ok(res.plan)
    x0, _, x1, _ = grid.geometry.bounds
    cy = round(grid.geometry.centroid.y, 6)
    res = split(plan, grid["code"], LineString([(round(x0 - 1e-4, 6), cy), (round(x1 + 1e-4, 6), cy)]), min_area_m2=1)
    assert res.added
    all_coverage_ok(res.plan)
