"""The planner's live checks (gridmap.plan.checks, gridmap.plan.coverage) on hand-drawn plans.

Pictures: each character is one 0.001° cell (see tests/plan_checks_fixtures.py); a
digit or letter names the micro-grid that holds the cell, ``.`` is a gap, ``+`` a
cell held by two units, and ``|`` / ``-`` frame the grid's (the parent's) outline.
"""

from __future__ import annotations

import json
from collections import Counter

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap.demo import generate
from gridmap.plan.checks import (
    DEFAULT_CHECKS,
    PlanContext,
    blocking,
    households_band,
    recount,
    validate,
)
from gridmap.plan.errors import PlanError
from gridmap.plan.model import PLAN_COLUMNS, Problem
from gridmap.spatial.crs import metric_area_m2
from tests.plan_checks_fixtures import (
    GRID,
    VILLAGE,
    WORKER,
    cell,
    grid_plan,
    micro,
    micro_code,
    plan_of,
    pt,
    rect,
)


def checks_of(problems: list[Problem]) -> Counter[tuple[str, str]]:
    return Counter((p.check, p.severity) for p in problems)


def same_area(a: shapely.Geometry, b: shapely.Geometry) -> bool:
    """``a`` and ``b`` cover the same place (symmetric difference below 0.01 m²)."""
    return float(metric_area_m2(shapely.symmetric_difference(a, b), "EPSG:4549")[0]) < 0.01


# --------------------------------------------------------------------------- clean plans


@pytest.mark.parametrize("n", [2, 3])
def test_clean_coverage_has_no_problems(n: int) -> None:
    """
    ::

        |34|      |789|
        |12|      |456|
                  |123|

    Every cell its own micro-grid of 30 households with a leader; the grid has a
    worker. Nothing to report, for the whole plan and for the grid being edited.
    """
    plan = grid_plan(n)
    assert validate(PlanContext(plan)) == []
    assert validate(PlanContext(plan, parent_code=GRID)) == []


def test_four_units_meeting_at_one_corner_is_valid() -> None:
    """
    ::

        |44|33|
        |44|33|
        |11|22|
        |11|22|

    Four micro-grids of 2x2 cells meet at the centre point (1 vertex, 4 units): no
    overlap, no gap, no embedding, even though every pair of them touches.
    """
    micros = [micro(1, rect(0, 0, 2, 2)), micro(2, rect(2, 0, 4, 2)), micro(3, rect(2, 2, 4, 4)),
              micro(4, rect(0, 2, 2, 4))]
    plan = plan_of(micros, rect(0, 0, 4, 4))
    assert validate(PlanContext(plan, parent_code=GRID)) == []
    assert validate(PlanContext(plan)) == []


# --------------------------------------------------------------------------- coverage errors


def test_overlap_between_siblings_is_an_error_with_its_area() -> None:
    """
    ::

        |1+2|      micro-grid 1 reaches half a cell into 2
    """
    micros = [micro(1, rect(0, 0, 1.5, 1)), micro(2, rect(1, 0, 2, 1))]
    plan = plan_of(micros, rect(0, 0, 2, 1))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert checks_of(problems) == Counter({("overlap", "error"): 1})
    [p] = problems
    shared = rect(1, 0, 1.5, 1)
    assert same_area(p.where, shared)
    assert p.params["area_m2"] == pytest.approx(float(metric_area_m2(shared)[0]), rel=1e-6)
    assert {p.unit_code, p.params["other_code"]} == {micro_code(1), micro_code(2)}
    assert "重叠" in p.text("zh") and micro_code(1) in p.text("zh") and "overlap" in p.text("en")
    assert blocking(problems) == problems


def test_a_unit_covering_a_sibling_entirely_is_an_overlap() -> None:
    """
    ::

        |1++|      micro-grid 1 is the whole grid; 2 sits on its right half
    """
    micros = [micro(1, rect(0, 0, 3, 1)), micro(2, rect(1, 0, 3, 1))]
    plan = plan_of(micros, rect(0, 0, 3, 1))
    [p] = validate(PlanContext(plan))
    assert p.check == "overlap" and same_area(p.where, rect(1, 0, 3, 1))


def test_gap_inside_the_parent_is_an_error_where_the_gap_is() -> None:
    """
    ::

        |34|
        |1.|      micro-grid 2 is missing: its cell belongs to nobody
    """
    micros = [micro(1, cell(0, 0)), micro(3, cell(0, 1)), micro(4, cell(1, 1))]
    plan = plan_of(micros, rect(0, 0, 2, 2))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert checks_of(problems) == Counter({("gap", "error"): 1})
    [p] = problems
    assert p.unit_code == GRID and same_area(p.where, cell(1, 0))
    assert "空白" in p.text("zh") and GRID in p.text("zh")


def test_gap_touching_the_outline_at_two_vertices_is_found_where_coverage_is_valid_is_not() -> None:
    """
    ::

        (0,2)+--------+(2,2)
             |\\  B    |
             | \\.     |        A: the triangle (0,0) (2,0) (0,2)
             |  \\ .(1.2,1.2)   B: (2,0) (2,2) (0,2) (1.2,1.2): its diagonal bends inwards
             | A \\  . |        the gap: the thin triangle between the two diagonals,
             |    \\  .|        touching the grid's outline only at (2,0) and (0,2)
        (0,0)+--------+(2,0)

    ``shapely.coverage_is_valid([A, B])`` is True (the two touch at vertices only): the
    explicit gap check must still find the gap.
    """
    a = shapely.Polygon([pt(0, 0), pt(2, 0), pt(0, 2)])
    b = shapely.Polygon([pt(2, 0), pt(2, 2), pt(0, 2), pt(1.2, 1.2)])
    assert shapely.coverage_is_valid(np.array([a, b]))
    plan = plan_of([micro(1, a), micro(2, b)], rect(0, 0, 2, 2))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert checks_of(problems) == Counter({("gap", "error"): 1})
    expected = shapely.Polygon([pt(2, 0), pt(1.2, 1.2), pt(0, 2)])
    assert same_area(problems[0].where, expected)


def test_part_outside_the_parent_is_an_error() -> None:
    """
    ::

        |12|2      micro-grid 2 pokes one cell out of the grid's outline
    """
    micros = [micro(1, cell(0, 0)), micro(2, rect(1, 0, 3, 1))]
    plan = plan_of(micros, rect(0, 0, 2, 1))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert checks_of(problems) == Counter({("outside_parent", "error"): 1})
    [p] = problems
    assert p.unit_code == micro_code(2) and p.params["parent_code"] == GRID
    assert same_area(p.where, cell(2, 0))
    assert "超出" in p.text("zh")


def test_two_part_micro_grid_is_an_error_and_a_two_part_village_a_warning() -> None:
    """
    ::

        |221|       micro-grid 1 holds the cells (0,0) and (2,1), which touch nothing
        |122|       of each other; micro-grid 2 the four cells between them.

    The same two-piece shape as a village (under the town) is a warning: official
    village outlines may have exclaves.
    """
    one = shapely.MultiPolygon([cell(0, 0), cell(2, 1)])
    two = shapely.Polygon([pt(1, 0), pt(3, 0), pt(3, 1), pt(2, 1), pt(2, 2), pt(0, 2), pt(0, 1), pt(1, 1)])
    plan = plan_of([micro(1, one), micro(2, two)], rect(0, 0, 3, 2))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert checks_of(problems) == Counter({("non_contiguous", "error"): 1})
    [p] = problems
    assert p.unit_code == micro_code(1) and p.params["parts"] == 2
    assert same_area(p.where, cell(2, 1)) or same_area(p.where, cell(0, 0))

    villages = plan.copy()
    villages.loc[villages["code"] == VILLAGE, "geometry"] = one
    by_check = checks_of(validate(PlanContext(villages, parent_code="330327103000")))
    assert by_check[("non_contiguous", "warning")] == 1
    assert by_check[("non_contiguous", "error")] == 0


def test_unit_inside_a_hole_of_another_is_a_warning() -> None:
    """
    ::

        |111|
        |121|      micro-grid 1 is a ring with a hole; micro-grid 2 fills the hole
        |111|

    The coverage is valid (no error) but 2 is an enclave of 1.
    """
    ring = rect(0, 0, 3, 3).difference(cell(1, 1))
    plan = plan_of([micro(1, ring), micro(2, cell(1, 1))], rect(0, 0, 3, 3))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert checks_of(problems) == Counter({("embedded", "warning"): 1})
    [p] = problems
    assert p.unit_code == micro_code(2) and p.params["other_code"] == micro_code(1)
    assert blocking(problems) == []
    assert "包围" in p.text("zh")


def test_unit_in_a_hole_shared_with_another_unit_is_embedded_too() -> None:
    """
    ::

        |1111|
        |1231|     2 and 3 together fill the hole of 1: both are enclaves of 1
        |1111|
    """
    ring = rect(0, 0, 4, 3).difference(rect(1, 1, 3, 2))
    plan = plan_of([micro(1, ring), micro(2, cell(1, 1)), micro(3, cell(2, 1))], rect(0, 0, 4, 3))
    problems = validate(PlanContext(plan))
    assert sorted(p.unit_code for p in problems if p.check == "embedded") == [micro_code(2), micro_code(3)]


def test_bow_tie_is_an_invalid_geometry_error_not_a_crash() -> None:
    """
    ::

        |1\\/2|     micro-grid 2 is drawn as a bow-tie: (1,0) (2,1) (2,0) (1,1)
        |1/\\2|     its edges cross at (1.5, 0.5)
    """
    bow_tie = shapely.Polygon([pt(1, 0), pt(2, 1), pt(2, 0), pt(1, 1)])
    assert not bow_tie.is_valid
    plan = plan_of([micro(1, cell(0, 0)), micro(2, bow_tie)], rect(0, 0, 2, 1))
    for ctx in (PlanContext(plan), PlanContext(plan, parent_code=GRID)):
        problems = validate(ctx)
        invalid = [p for p in problems if p.check == "invalid_geometry"]
        assert [p.unit_code for p in invalid] == [micro_code(2)]
        assert invalid[0].key == "plan.checks.invalid.self_intersection"
        assert invalid[0].where.distance(shapely.Point(pt(1.5, 0.5))) < 1e-9
        assert problems[0].severity == "error"
        # The repaired bow-tie (two triangles) leaves the rest of its cell uncovered.
        assert any(p.check == "gap" for p in problems)
        assert not any(p.check == "non_contiguous" for p in problems)  # not said twice
    assert "自己交叉" in invalid[0].text("zh")


def test_missing_and_empty_boundaries_are_errors() -> None:
    """
    ::

        |12|      micro-grid 2 has no geometry, then an empty polygon
    """
    for geom in (None, shapely.Polygon()):
        plan = plan_of([micro(1, cell(0, 0)), micro(2, geom)], rect(0, 0, 2, 1))
        problems = validate(PlanContext(plan, households=None))
        assert ("invalid_geometry", "error") in checks_of(problems)
        assert any(p.key == "plan.checks.invalid.empty" and p.unit_code == micro_code(2) for p in problems)


def test_sliver_is_a_warning() -> None:
    """
    ::

        |1|2|      micro-grid 2 is a strip 0.00001° (~1 m) wide: about 11 m²,
                   under the 50 m² minimum
    """
    strip = rect(1, 0, 1.01, 0.1)
    plan = plan_of([micro(1, rect(0, 0, 1, 0.1)), micro(2, strip)], rect(0, 0, 1.01, 0.1))
    problems = validate(PlanContext(plan))
    assert checks_of(problems) == Counter({("sliver", "warning"): 1})
    assert validate(PlanContext(plan, min_sliver_m2=1.0)) == []


# --------------------------------------------------------------------------- the parent restriction


def test_only_the_edited_parent_and_its_neighbours_are_checked() -> None:
    """
    ::

        |12|34|      grid 01 (micro-grids 1, 2) and grid 02 (3, 4, overlapping by half
                     a cell: ``+``), side by side in one village

    Editing grid 02 shows the overlap; editing grid 01 (which touches grid 02 only
    through 2|3) shows nothing of grid 02's inner overlap.
    """
    other = f"{VILLAGE}02"
    extra = [
        {"code": other, "level": "grid", "name": "球山社区第2网格", "parent_code": VILLAGE, "households": 60,
         "residents": 180, "staff": [dict(WORKER)], "geometry": rect(2, 0, 4, 1)},
        micro(1, rect(2, 0, 3.5, 1), grid=other, name="第2网格第1微网格"),
        micro(2, cell(3, 0), grid=other, name="第2网格第2微网格"),
    ]
    plan = plan_of([micro(1, cell(0, 0)), micro(2, cell(1, 0))], rect(0, 0, 2, 1), extra=extra)
    plan.loc[plan["level"].isin(["county", "town", "village"]), "geometry"] = rect(0, 0, 4, 1)
    assert checks_of(validate(PlanContext(plan, parent_code=other))) == Counter({("overlap", "error"): 1})
    assert validate(PlanContext(plan, parent_code=GRID)) == []
    ctx = PlanContext(plan, parent_code=GRID)
    assert micro_code(1, other) in set(ctx.codes[ctx.checked])  # the neighbour across the outline


def test_unknown_parent_and_bad_bands_are_refused() -> None:
    plan = grid_plan(2)
    with pytest.raises(PlanError) as info:
        PlanContext(plan, parent_code="33032799999999")
    assert "33032799999999" in info.value.text("zh")
    for band in ((40, 20), (-1, 5)):
        with pytest.raises(PlanError):
            PlanContext(plan, bands={GRID: band})
    with pytest.raises(PlanError):
        PlanContext(plan, default_band=(5, 1))


# --------------------------------------------------------------------------- nesting


def test_broken_nesting_is_an_error() -> None:
    """
    ::

        |1234|      1: parent not in the plan; 2: code not under its grid;
                    3 and 4: the same code twice
    """
    micros = [micro(1, cell(0, 0)), micro(2, cell(1, 0)), micro(3, cell(2, 0)), micro(3, cell(3, 0))]
    micros[0]["parent_code"] = f"{VILLAGE}09"
    micros[1]["code"] = "33032710300202002"
    plan = plan_of(micros, rect(0, 0, 4, 1))
    keys = Counter(p.key for p in validate(PlanContext(plan)) if p.check == "nesting")
    assert keys == Counter({"plan.checks.nesting.unknown_parent": 1, "plan.checks.nesting.code": 1,
                            "plan.checks.nesting.duplicate": 2})


# --------------------------------------------------------------------------- households, workers, staff


@pytest.mark.parametrize(("households", "key"), [(19, "plan.checks.band.under"), (20, None), (40, None),
                                                 (41, "plan.checks.band.over"), (0, "plan.checks.band.under")])
def test_households_band_at_both_ends(households: int, key: str | None) -> None:
    """
    ::

        |12|      micro-grid 1 holds ``households``; 2 holds 30
    """
    plan = plan_of([micro(1, cell(0, 0), households), micro(2, cell(1, 0))], rect(0, 0, 2, 1))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert [p.key for p in problems] == ([key] if key else [])
    if key:
        assert problems[0].severity == "warning" and problems[0].unit_code == micro_code(1)


def test_band_message_names_the_unit_in_chinese() -> None:
    plan = plan_of([micro(3, cell(0, 0), 46)], rect(0, 0, 1, 1))
    [p] = households_band(PlanContext(plan))
    assert p.text("zh").startswith(f"第3微网格（{micro_code(3)}）有 46 户，超过 20–40 户的范围")
    assert "46 households" in p.text("en")


def test_band_override_per_parent_nearest_ancestor_wins() -> None:
    """
    ::

        |12|      micro-grid 1: 10 households, 2: 30
    """
    plan = plan_of([micro(1, cell(0, 0), 10), micro(2, cell(1, 0), 30)], rect(0, 0, 2, 1))

    def flagged(**kw: object) -> set[str]:
        return {p.unit_code or "" for p in households_band(PlanContext(plan, **kw))}  # type: ignore[arg-type]

    assert flagged() == {micro_code(1)}
    assert flagged(bands={GRID: (5, 15)}) == {micro_code(2)}
    assert flagged(bands={VILLAGE: (5, 15)}) == {micro_code(2)}  # an ancestor further up
    assert flagged(bands={VILLAGE: (5, 15), GRID: (8, 40)}) == set()  # the grid's own wins
    assert flagged(default_band=(5, 50)) == set()
    ctx = PlanContext(plan, bands={GRID: (5, 15)})
    assert ctx.band(int(np.flatnonzero(ctx.codes == micro_code(1))[0])) == (5, 15)


@pytest.mark.parametrize("staff", [None, [], "[]", "", [{"name": " ", "role": "micro_leader"}], float("nan")])
def test_unit_without_staff_is_a_warning(staff: object) -> None:
    """
    ::

        |12|      micro-grid 2 has nobody (in each of the forms a store may hold)
    """
    plan = plan_of([micro(1, cell(0, 0)), micro(2, cell(1, 0), staff=staff)], rect(0, 0, 2, 1))
    problems = validate(PlanContext(plan, parent_code=GRID))
    assert [(p.check, p.severity, p.unit_code) for p in problems] == [("staff_missing", "warning", micro_code(2))]


def test_staff_as_json_text_counts() -> None:
    plan = plan_of([micro(1, cell(0, 0), staff=json.dumps([{"name": "赵磊", "role": "micro_leader"}]))],
                   rect(0, 0, 1, 1))
    assert validate(PlanContext(plan)) == []


@pytest.mark.parametrize(("per_micro", "workers", "flagged"), [(35, 1, True), (30, 1, False), (35, 2, False)])
def test_grid_worker_overload_is_a_warning(per_micro: int, workers: int, flagged: bool) -> None:
    """
    ::

        |0123456789|     ten micro-grids in one grid: 350 or 300 households for
                         one or two grid workers (max 300 each)
    """
    micros = [micro(i + 1, cell(i, 0), per_micro) for i in range(10)]
    staff = [{"name": f"网格员{k}", "role": "grid_worker"} for k in range(workers)]
    plan = plan_of(micros, rect(0, 0, 10, 1), grid_staff=staff)
    problems = [p for p in validate(PlanContext(plan)) if p.check == "worker_load"]
    assert [(p.unit_code, p.severity) for p in problems] == ([(GRID, "warning")] if flagged else [])
    if flagged:
        assert problems[0].params["per_worker"] == 350 and "350" in problems[0].text("zh")
    # The grid being edited is looked at when its micro-grids are edited.
    edited = [p for p in validate(PlanContext(plan, parent_code=GRID)) if p.check == "worker_load"]
    assert len(edited) == int(flagged)
    assert [p for p in validate(PlanContext(plan, max_households_per_worker=400)) if p.check == "worker_load"] == []


def test_grid_with_people_but_no_grid_worker_is_a_warning() -> None:
    plan = plan_of([micro(1, cell(0, 0))], rect(0, 0, 1, 1), grid_staff=[{"name": "王芳", "role": "grid_leader"}])
    [p] = validate(PlanContext(plan))
    assert (p.check, p.key, p.unit_code) == ("worker_load", "plan.checks.worker.none", GRID)


# --------------------------------------------------------------------------- validate, blocking, counting


def test_errors_come_first_and_blocking_keeps_only_errors() -> None:
    """
    ::

        |1.|      micro-grid 1 has 50 households (warning) and a gap beside it (error)
    """
    plan = plan_of([micro(1, cell(0, 0), 50)], rect(0, 0, 2, 1))
    problems = validate(PlanContext(plan))
    assert [p.severity for p in problems] == ["error", "warning"]
    assert [p.check for p in blocking(problems)] == ["gap"]
    assert validate(PlanContext(plan), checks=[households_band]) == [problems[1]]


def test_a_check_is_a_plain_callable() -> None:
    def everything_is_wrong(ctx: PlanContext) -> list[Problem]:
        return [Problem("custom", "error", ctx.codes[row], "plan.checks.staff_missing", ctx.unit(int(row)))
                for row in ctx.checked]

    plan = grid_plan(2)
    assert len(validate(PlanContext(plan, parent_code=GRID), checks=[*DEFAULT_CHECKS, everything_is_wrong])) == 4


def _points(coords: list[tuple[float, float]], residents: list[int]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"residents": residents}, geometry=[shapely.Point(pt(*c)) for c in coords],
                            crs="EPSG:4326")


def test_recount_sums_points_up_the_tree() -> None:
    """
    ::

        |34|      two points in 1, one on the edge between 1 and 2 (goes to the smaller
        |12|      code, 1), one in 4, one outside the grid; 3 holds none
    """
    plan = grid_plan(2)
    points = _points([(0.2, 0.2), (0.7, 0.5), (1.0, 0.5), (1.5, 1.5), (5, 5)], [1, 2, 3, 4, 100])
    counted = recount(plan, points).set_index("code")
    assert counted.loc[micro_code(1), ["households", "residents"]].tolist() == [3, 6]
    assert counted.loc[micro_code(2), "households"] == 0
    assert counted.loc[micro_code(3), ["households", "residents"]].tolist() == [0, 0]
    assert counted.loc[micro_code(4), ["households", "residents"]].tolist() == [1, 4]
    for code in (GRID, VILLAGE, "330327103000", "330327000000"):
        assert counted.loc[code, ["households", "residents"]].tolist() == [4, 10]
    assert list(recount(plan, points).columns) == list(plan.columns)
    assert plan["households"].eq(30).sum() == 4  # the input is unchanged


def test_checks_count_from_points_when_given() -> None:
    """
    ::

        |12|      45 points in 1, 25 in 2: the plan's own columns say 30 and 30
    """
    plan = plan_of([micro(1, cell(0, 0)), micro(2, cell(1, 0))], rect(0, 0, 2, 1))
    rng = np.random.default_rng(3)
    coords = [(float(rng.uniform(0.05, 0.95)), float(rng.uniform(0.05, 0.95))) for _ in range(45)]
    coords += [(float(rng.uniform(1.05, 1.95)), float(rng.uniform(0.05, 0.95))) for _ in range(25)]
    points = _points(coords, [2] * len(coords))
    assert validate(PlanContext(plan, parent_code=GRID)) == []
    [p] = validate(PlanContext(plan, parent_code=GRID, households=points))
    assert (p.unit_code, p.key, p.params["households"]) == (micro_code(1), "plan.checks.band.over", 45)


# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def small_demo() -> dict[str, gpd.GeoDataFrame]:
    return generate("small")


def test_small_demo_plan_has_no_errors(small_demo: dict[str, gpd.GeoDataFrame]) -> None:
    plan = small_demo["units"][list(PLAN_COLUMNS)]
    problems = validate(PlanContext(plan, households=small_demo["households"]))
    assert blocking(problems) == [], [p.text("en") for p in blocking(problems)][:5]
    assert {p.check for p in problems} <= {"households_band", "worker_load"}


def test_small_demo_recount_matches_its_columns(small_demo: dict[str, gpd.GeoDataFrame]) -> None:
    plan = small_demo["units"][list(PLAN_COLUMNS)]
    counted = recount(plan, small_demo["households"])
    assert (counted["households"].to_numpy() == plan["households"].to_numpy()).all()
    assert (counted["residents"].to_numpy() == plan["residents"].to_numpy()).all()


def test_small_demo_edit_is_caught_near_the_edit(small_demo: dict[str, gpd.GeoDataFrame]) -> None:
    """Grow one micro-grid of the demo by 5 m into its neighbours: overlaps (and a part
    outside the grid if it lies on the grid's outline) are errors of that micro-grid."""
    plan = small_demo["units"][list(PLAN_COLUMNS)].reset_index(drop=True)
    row = int(np.flatnonzero(plan["level"] == "micro")[5])
    code, parent = plan.at[row, "code"], plan.at[row, "parent_code"]
    metric = gpd.GeoSeries([plan.geometry.iat[row]], crs="EPSG:4326").to_crs("EPSG:4549")
    plan.loc[row, "geometry"] = metric.buffer(5, join_style="mitre").to_crs("EPSG:4326").iat[0]
    problems = validate(PlanContext(plan, parent_code=parent))
    errors = blocking(problems)
    assert errors and all(code in (p.unit_code, p.params.get("other_code")) for p in errors)
    assert "overlap" in {p.check for p in errors}
