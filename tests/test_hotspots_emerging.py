"""Emerging hot spots: a synthetic cube with one planted example of each ArcGIS pattern."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest

from gridmap.hotspots import PATTERNS, classify, emerging_hotspots, unit_neighbours
from gridmap.hotspots.emerging import mann_kendall, space_time_gi_star
from tests.hotspots_fixtures import lattice, points_for_counts

WEEKS = 20
END = dt.date(2026, 11, 30)
HIGH = 30
BACKGROUND = 8


def _block_series() -> dict[str, np.ndarray]:
    """The weekly value of each planted 3 x 3 block (oldest week first); -1: background that week."""
    week = np.arange(WEEKS)
    low = -1
    series = {
        "persistent": np.where(week % 2 == 0, HIGH, HIGH + 1),  # no trend
        "intensifying": np.linspace(20, 50, WEEKS).round(),
        "diminishing": np.linspace(50, 20, WEEKS).round(),
        "historical": np.where(week < WEEKS - 2, HIGH, low),
        "new": np.where(week == WEEKS - 1, HIGH, low),
        "consecutive": np.where(week >= WEEKS - 4, HIGH, low),
        "sporadic": np.where(np.isin(week, [3, 9, 14, WEEKS - 1]), HIGH, low),
        "oscillating": np.where(np.isin(week, [2, 3, 4, 5, 6]), 0, np.where(week >= WEEKS - 2, HIGH, low)),
        "none": np.full(WEEKS, low),
    }
    return {k: np.asarray(v, dtype=np.int64) for k, v in series.items()}


SIDE = 24


def _synthetic_cube() -> tuple[object, np.ndarray, dict[str, int]]:
    """A 24 x 24 lattice: nine 3 x 3 blocks (one per pattern, plus a control), background elsewhere.

    Blocks start at rows/columns 2, 10, 18; the centre of each block has exactly its block
    as queen neighbourhood; a block's units share its planted weeks and keep their own background in the others::

        . . . . . . . . . . . ...
        . . . . . . . . . . . ...
        . . B B B . . . . . B ...      B: a planted block
        . . B C B . . . . . B ...      C: its centre, the unit classified
        . . B B B . . . . . B ...      .: background (Poisson, mean 8, fixed seed)
        (three rows of three blocks)
    """
    units = lattice(SIDE, SIDE)
    rng = np.random.default_rng(11)
    cube = rng.poisson(BACKGROUND, size=(SIDE * SIDE, WEEKS))
    centres: dict[str, int] = {}
    for slot, (name, values) in enumerate(_block_series().items()):
        r0, c0 = 2 + 8 * (slot // 3), 2 + 8 * (slot % 3)
        for r in range(r0, r0 + 3):
            for c in range(c0, c0 + 3):
                unit = r * SIDE + c
                cube[unit] = np.where(values >= 0, values, cube[unit])
        centres[name] = (r0 + 1) * SIDE + c0 + 1
    return units, cube, centres


def _points(units: object, cube: np.ndarray) -> pd.DataFrame:
    start = END - dt.timedelta(days=7 * WEEKS)
    frames = []
    for t in range(WEEKS):
        pts = points_for_counts(units, cube[:, t], seed=t)  # type: ignore[arg-type]
        day = pd.Timestamp(start + dt.timedelta(days=7 * t))
        pts["found_at"] = day + pd.to_timedelta(np.random.default_rng(t).uniform(0, 6.9, len(pts)), unit="D")
        frames.append(pts)
    return pd.concat(frames, ignore_index=True)


def test_synthetic_cube_each_pattern_classified() -> None:
    units, cube, centres = _synthetic_cube()
    points = _points(units, cube)
    result = emerging_hotspots(points, units=units, weeks=WEEKS, end=END)  # type: ignore[arg-type]
    frame = result.frame.set_index("code")
    codes = list(units.code)  # type: ignore[attr-defined]
    got = {name: (frame.loc[codes[i], "pattern"], frame.loc[codes[i], "direction"]) for name, i in centres.items()}
    want = {name: (name, "hot" if name != "none" else "") for name in centres}
    assert got == want
    assert set(PATTERNS) <= set(got)
    # The cube counts are the planted ones (every point fell in its week and unit).
    counts = result.cube.pivot(index="code", columns="week", values="count").loc[codes].to_numpy()
    np.testing.assert_array_equal(counts, cube)
    assert len(result.weeks) == WEEKS and result.weeks[-1] == END - dt.timedelta(days=7)


def test_space_time_gi_star_is_the_textbook_formula_on_the_cube() -> None:
    units, cube, _ = _synthetic_cube()
    nb = unit_neighbours(units)  # type: ignore[arg-type]
    z, _ = space_time_gi_star(cube, nb, time_window=1)
    # Independent: the bin (i, t) sums its queen block in weeks t-1 and t over the whole cube.
    x = cube.astype(float)
    n = x.size
    mean = x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    for i, t in [(51, 0), (51, 7), (0, 5), (SIDE * SIDE - 1, 19), (60, 10)]:
        r, c = divmod(i, SIDE)
        hood = [rr * SIDE + cc for rr in range(r - 1, r + 2) for cc in range(c - 1, c + 2)
                if 0 <= rr < SIDE and 0 <= cc < SIDE]
        bins = [(j, s_) for j in hood for s_ in (t - 1, t) if s_ >= 0]
        k = len(bins)
        local = sum(x[j, s_] for j, s_ in bins)
        expect = (local - mean * k) / (s * np.sqrt((n * k - k * k) / (n - 1)))
        assert z[i, t] == pytest.approx(expect, abs=1e-9)


def test_mann_kendall_matches_pymannkendall() -> None:
    series = np.array([1.0, 3, 2, 5, 4, 6, 8, 7, 9, 12])
    ref = mk.original_test(series)
    assert mann_kendall(series) == pytest.approx((ref.z, ref.p))
    assert mann_kendall(np.ones(8)) == (0.0, 1.0)


T = 10
HOT_ALL = np.ones(T, dtype=bool)
NO = np.zeros(T, dtype=bool)


def _flags(weeks: list[int]) -> np.ndarray:
    out = np.zeros(T, dtype=bool)
    out[weeks] = True
    return out


@pytest.mark.parametrize(("hot", "cold", "trend", "expect"), [
    (_flags([9]), NO, (0.0, 1.0), ("new", "hot")),
    (_flags([7, 8, 9]), NO, (0.0, 1.0), ("consecutive", "hot")),
    (HOT_ALL, NO, (3.0, 0.001), ("intensifying", "hot")),
    (HOT_ALL, NO, (1.0, 0.3), ("persistent", "hot")),
    (HOT_ALL, NO, (-3.0, 0.001), ("diminishing", "hot")),
    (_flags([2, 5, 8, 9]), NO, (0.0, 1.0), ("sporadic", "hot")),
    (_flags([8, 9]), _flags([1, 2]), (0.0, 1.0), ("oscillating", "hot")),
    (_flags(list(range(9))), NO, (0.0, 1.0), ("historical", "hot")),
    (NO, _flags([9]), (0.0, 1.0), ("new", "cold")),
    (NO, HOT_ALL, (-3.0, 0.001), ("intensifying", "cold")),  # ever colder
    (NO, HOT_ALL, (3.0, 0.001), ("diminishing", "cold")),
    (_flags([1]), _flags([8, 9]), (0.0, 1.0), ("oscillating", "cold")),
    (NO, _flags(list(range(9))), (0.0, 1.0), ("historical", "cold")),
    (_flags([3, 4]), NO, (0.0, 1.0), ("none", "")),
    (_flags([0]) | _flags(list(range(2, 10))), NO, (0.0, 1.0), ("persistent", "hot")),  # 9 of 10 = 90 %
])
def test_classify_rules(hot: np.ndarray, cold: np.ndarray, trend: tuple[float, float],
                        expect: tuple[str, str]) -> None:
    assert classify(hot, cold, *trend) == expect


def test_bad_arguments_are_named() -> None:
    units, cube, _ = _synthetic_cube()
    points = _points(units, np.ones_like(cube))
    with pytest.raises(ValueError, match="weeks"):
        emerging_hotspots(points, units=units, weeks=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reported_at"):
        emerging_hotspots(points, units=units, time_column="reported_at")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="units, or resolution"):
        emerging_hotspots(points)


def test_vectorised_mann_kendall_matches_pymannkendall_with_ties() -> None:
    from gridmap.hotspots.emerging import mann_kendall_rows

    rng = np.random.default_rng(4)
    rows = np.vstack([rng.normal(size=(20, 12)), rng.integers(0, 4, size=(20, 12)).astype(float),  # many ties
                      np.linspace(0, 1, 12)[None, :], np.ones((1, 12)), np.repeat([0.0, 1.0], 6)[None, :]])
    z, p = mann_kendall_rows(rows)
    for i, row in enumerate(rows):
        assert (z[i], p[i]) == pytest.approx(mann_kendall(row), abs=1e-12)


def test_emerging_on_h3_cells_finds_a_new_hot_cell() -> None:
    import geopandas as gpd
    import h3
    import shapely

    from gridmap.hotspots import h3_cells

    area = shapely.box(120.40, 27.49, 120.43, 27.52)
    rng = np.random.default_rng(8)
    start = END - dt.timedelta(days=7 * 10)
    n = 3000
    lon, lat = rng.uniform(120.40, 120.43, n), rng.uniform(27.49, 27.52, n)
    when = pd.Timestamp(start) + pd.to_timedelta(rng.uniform(0, 70, n), unit="D")
    lat0, lon0 = 27.505, 120.415
    burst = 120  # in the last week, all in one cell
    frame = gpd.GeoDataFrame({"found_at": list(when) + [pd.Timestamp(END) - pd.Timedelta(days=2)] * burst},
                             geometry=shapely.points(np.r_[lon, np.full(burst, lon0)], np.r_[lat, np.full(burst, lat0)]),
                             crs="EPSG:4326")
    result = emerging_hotspots(frame, resolution=9, study_area=area, weeks=10, end=END)
    cell = h3.latlng_to_cell(lat0, lon0, 9)
    row = result.frame.set_index("code").loc[cell]
    assert (row["pattern"], row["direction"]) == ("new", "hot")
    assert row["count"] == int((h3_cells(frame, 9) == cell).sum())
    assert result.cube["count"].sum() == len(frame)
    assert (result.frame["pattern"] == "none").mean() > 0.8  # the uniform background has no pattern
