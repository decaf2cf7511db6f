"""Hot spots by unit and by H3 cell: counting, zero cells, the method in words, the warm-up started."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import geopandas as gpd
import h3
import numpy as np
import pytest
import shapely

from gridmap.hotspots import (
    bin_label,
    count_per_unit,
    describe_method,
    h3_cells,
    h3_resolution_for_zoom,
    hotspots_by_h3,
    hotspots_by_unit,
    pattern_label,
    study_area_cells,
    warm_up,
)
from tests.conftest import REPO_ROOT
from tests.hotspots_fixtures import lattice, points_for_counts

COUNTS = np.array([0, 1, 0, 2, 1, 0,
                   1, 9, 8, 1, 0, 0,
                   0, 7, 12, 2, 1, 0,
                   3, 1, 0, 0, 4, 1,
                   0, 0, 1, 0, 0, 2,
                   1, 0, 0, 1, 0, 0])


def test_counts_from_the_assignment_column_and_from_the_geometry_agree() -> None:
    units = lattice(6, 6)
    pts = points_for_counts(units, COUNTS, seed=4)
    by_geometry = count_per_unit(units, pts)
    np.testing.assert_array_equal(by_geometry, COUNTS)
    pts["micro_code"] = units["code"].to_numpy()[pts["unit"].to_numpy()]
    np.testing.assert_array_equal(count_per_unit(units, pts), COUNTS)
    pts.loc[pts.index[:3], "micro_code"] = None  # unassigned points (outside) are not counted
    assert count_per_unit(units, pts).sum() == COUNTS.sum() - 3


def test_result_frame_columns_and_method() -> None:
    warm_up()
    units = lattice(6, 6)
    result = hotspots_by_unit(units, points_for_counts(units, COUNTS), variable="count", permutations=99, seed=1)
    frame = result.frame
    assert list(frame.columns) == ["code", "count", "households", "rate", "rate_eb", "z", "p", "p_sim", "p_rank",
                                   "significant", "bin", "geometry"]
    assert frame.crs == "EPSG:4326" and frame["count"].tolist() == COUNTS.tolist()
    assert frame["bin"].between(-3, 3).all() and frame["significant"].dtype == bool
    m = result.method
    assert (m.variable, m.permutations, m.correction, m.alpha, m.warm, m.units) == ("count", 99, "fdr", 0.05, True, 36)
    assert m.neighbours == "queen contiguity, self included" and m.level == "micro"
    assert "99 random permutations" in describe_method(m, "en") and "Getis-Ord" in describe_method(m, "en")
    assert "随机置换" in describe_method(m, "zh") and "95" in describe_method(m, "zh")
    assert (frame["rate"] == 100 * frame["count"] / 30).all()


def test_rates_need_households() -> None:
    units = lattice(3, 3).drop(columns="households")
    pts = points_for_counts(units, np.arange(9))
    with pytest.raises(ValueError, match="needs households"):
        hotspots_by_unit(units, pts, variable="rate_eb")
    assert hotspots_by_unit(units, pts, variable="count", permutations=0).frame["count"].sum() == 36


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"variable": "density"}, "variable must be one of"),
    ({"permutations": -5}, "permutations"),
    ({"alpha": 0.7}, "alpha"),
])
def test_bad_arguments_are_named(kwargs: dict[str, object], message: str) -> None:
    units = lattice(3, 3)
    with pytest.raises(ValueError, match=message):
        hotspots_by_unit(units, points_for_counts(units, np.ones(9)), **kwargs)  # type: ignore[arg-type]


def test_duplicate_codes_and_missing_crs_are_refused() -> None:
    units = lattice(2, 2)
    pts = points_for_counts(units, np.ones(4))
    twice = units.copy()
    twice.loc[1, "code"] = twice.loc[0, "code"]
    with pytest.raises(ValueError, match="more than once"):
        hotspots_by_unit(twice, pts)
    with pytest.raises(ValueError, match="CRS"):
        hotspots_by_unit(units, gpd.GeoDataFrame(geometry=list(pts.geometry)))


def test_h3_includes_every_cell_of_the_study_area_with_zeros() -> None:
    area = shapely.box(120.40, 27.49, 120.42, 27.51)
    cells = study_area_cells(area, 9)
    assert len(cells) > 20 and all(h3.get_resolution(c) == 9 for c in cells)
    # Every cell centre lies in the area.
    assert all(area.contains(shapely.Point(h3.cell_to_latlng(c)[::-1])) for c in cells)
    rng = np.random.default_rng(0)
    pts = gpd.GeoDataFrame(geometry=shapely.points(rng.uniform(120.405, 120.407, 40), rng.uniform(27.495, 27.497, 40)),
                           crs="EPSG:4326")
    result = hotspots_by_h3(pts, resolution=9, study_area=area, permutations=0)
    frame = result.frame
    assert set(cells) <= set(frame["code"])
    assert frame["count"].sum() == 40 and (frame["count"] == 0).sum() >= len(cells) - 3
    assert result.method.neighbour_kind == "h3" and result.method.resolution == 9
    assert result.method.neighbours == "h3 k-ring 1, self included"
    hottest = frame.sort_values("z").iloc[-1]
    assert set(h3.grid_disk(hottest["code"], 1)) & set(h3_cells(pts, 9)) and hottest["bin"] > 0
    poly = frame.geometry.iloc[0]
    assert poly.geom_type == "Polygon" and len(poly.exterior.coords) == 7  # a hexagon, closed
    assert np.all(np.isnan(frame["rate"]))  # no households given


def test_h3_rates_from_household_points() -> None:
    area = shapely.box(120.40, 27.49, 120.42, 27.51)
    cells = study_area_cells(area, 8)
    centre = [shapely.Point(h3.cell_to_latlng(c)[::-1]) for c in cells]
    households = gpd.GeoDataFrame(geometry=centre * 10, crs="EPSG:4326")  # 10 households per cell
    pts = gpd.GeoDataFrame(geometry=centre[:1] * 5, crs="EPSG:4326")
    frame = hotspots_by_h3(pts, resolution=8, study_area=area, households=households, variable="rate",
                           permutations=0).frame.set_index("code")
    assert frame.loc[cells[0], "rate"] == pytest.approx(50.0)
    assert (frame["households"] == 10).all()


def test_points_outside_the_area_bring_their_cell() -> None:
    area = shapely.box(120.40, 27.49, 120.41, 27.50)
    far = gpd.GeoDataFrame(geometry=[shapely.Point(120.45, 27.52)], crs="EPSG:4326")
    frame = hotspots_by_h3(far, resolution=9, study_area=area, permutations=0).frame
    assert h3_cells(far, 9).iloc[0] in set(frame["code"])


def test_resolution_follows_the_zoom() -> None:
    res = [h3_resolution_for_zoom(z) for z in range(8, 19)]
    assert res == sorted(res) and res[0] >= 5 and res[-1] <= 12
    assert h3_resolution_for_zoom(15) == 10
    with pytest.raises(ValueError):
        h3_cells(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), 15)


def test_labels_in_both_languages() -> None:
    assert bin_label(3, "en") == "Hot spot, 99 % confidence" and bin_label(-2, "zh") == "冷点（95% 置信度）"
    assert pattern_label("new", "hot", "en") == "New hot spot" and pattern_label("none", "", "zh") == "无明显模式"


def test_app_warm_up_starts_the_hotspot_warm_up(demo_db_url: str) -> None:
    # The app's start-up warm-up (gridmap.ui.warm.start_warm_up, run by the first page)
    # starts the hot-spot warm-up too, in the background.
    script = textwrap.dedent(f"""
        import sys, time, threading
        from gridmap.store import open_store
        from gridmap.ui.warm import start_warm_up
        store = open_store({demo_db_url!r})
        start_warm_up(store.url, store).join(120)
        # The hot-spot warm-up runs (or ran) in its own thread: seen, not waited for (the
        # compilation is tests/test_analytic_hot_spots_waited_for_the_warm_up.py's business).
        deadline = time.monotonic() + 120
        seen = False
        while time.monotonic() < deadline and not seen:
            names = {{t.name for t in threading.enumerate()}}
            hs = sys.modules.get("gridmap.hotspots.warm")
            seen = "gridmap-hotspots-warm-up" in names or bool(hs and hs.is_warm())
            time.sleep(0.1)
        assert seen, names
        print("started")
        sys.stdout.flush()
        import os
        os._exit(0)  # do not wait for the compilation
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "started" in proc.stdout
