"""Walking-distance coverage (issue 13, item 3), hand-computed on the fixture of
``tests/stations_fixtures.py`` (picture there), and checked against geopandas'
``sjoin_nearest(max_distance=...)`` on random points."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.settings import load_settings
from gridmap.stations import active_on, household_coverage, unit_coverage, walk_distance, walk_distances
from tests.stations_fixtures import COVERED, WALK, households, stations


def test_hand_computed_coverage_on_the_fixture() -> None:
    hh = households()
    st = stations()
    cover = household_coverage(hh, st[active_on(st, dt.date(2026, 12, 1))], walk_m=WALK)
    assert cover.crs == "EPSG:4549"
    assert dict(zip(hh["id"], cover.covered.tolist(), strict=True)) == COVERED
    assert cover.share == pytest.approx(0.5)
    assert cover.by_type["party_l2"].tolist() == [True, True, False, False, False, False]
    assert cover.by_type["happiness"].tolist() == [False, False, False, False, True, False]
    np.testing.assert_allclose(cover.nearest_m, [300, 450, np.inf, np.inf, 200, np.inf], atol=0.01)


def test_a_station_open_on_the_day_counts_and_a_closed_one_does_not() -> None:
    hh, st = households(), stations()
    # In exam week E (exam help, 500 m, at (0, 300)) is open; h2 (0, 450) is 150 m from it: covered anyway.
    # Before 2026-01-31 the governance centre C at (-300, 0) is open: h3 (-520, 0) is 220 m from it.
    january = household_coverage(hh, st[active_on(st, dt.date(2026, 1, 15))], walk_m=WALK)
    assert january.covered.tolist() == [True, True, True, False, True, False]
    june = household_coverage(hh, st[active_on(st, dt.date(2026, 6, 5))], walk_m=WALK)
    assert june.by_type["exam_help"].tolist() == [True, True, False, False, False, False]
    assert june.covered.tolist() == [True, True, False, False, True, False]


def test_a_household_exactly_at_the_walking_distance_is_covered() -> None:
    hh = households()
    st = stations()
    st = st[st["id"] == "A"]
    cover = household_coverage(hh, st, walk_m=(("*", 450),))  # h2 is exactly 450 m north of A
    assert cover.covered.tolist() == [True, True, False, False, False, False]


def test_walking_distances_come_from_the_setting() -> None:
    settings = load_settings({"GRIDMAP_WALK_M": "400,happiness=250"})
    assert walk_distance("happiness", settings.walk_m) == 250
    assert walk_distance("party_l2", settings.walk_m) == 400
    assert walk_distances()["police_post"] == 500  # the default
    bad = load_settings({"GRIDMAP_WALK_M": "happiness=-3"})
    assert bad.walk_m == (("*", 500),) and [i.variable for i in bad.invalid] == ["GRIDMAP_WALK_M"]


def test_per_unit_share() -> None:
    hh = pd.DataFrame({"micro_code": ["m1", "m1", "m2", "m2", "m2", None]})
    out = unit_coverage(hh, np.array([True, False, True, True, False, True]), "micro_code")
    assert out.to_dict("list") == {"code": ["m1", "m2"], "households": [2, 3], "covered": [1, 2],
                                   "share": [0.5, pytest.approx(2 / 3)]}


def test_no_stations_or_no_households() -> None:
    hh = households()
    empty = stations().iloc[:0]
    assert not household_coverage(hh, empty, walk_m=WALK).covered.any()
    assert household_coverage(hh.iloc[:0], stations(), walk_m=WALK).share == 0.0


def test_points_in_another_crs_are_refused() -> None:
    with pytest.raises(ValueError, match="EPSG:4326"):
        household_coverage(households().to_crs("EPSG:4549"), stations(), walk_m=WALK)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_answer_as_sjoin_nearest(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lon = 120.40 + rng.random(3000) * 0.1
    lat = 27.50 + rng.random(3000) * 0.1
    hh = gpd.GeoDataFrame({"id": np.arange(3000)}, geometry=shapely.points(lon, lat), crs="EPSG:4326")
    kinds = rng.choice(["party_l2", "happiness", "police_post"], 60)
    st = gpd.GeoDataFrame({"station_type": kinds}, geometry=shapely.points(120.40 + rng.random(60) * 0.1,
                                                                          27.50 + rng.random(60) * 0.1),
                          crs="EPSG:4326")
    walk = (("*", 500), ("happiness", 300))
    cover = household_coverage(hh, st, walk_m=walk)
    hm, sm = hh.to_crs(cover.crs), st.to_crs(cover.crs)
    expected = np.zeros(len(hh), dtype=bool)
    for kind in set(kinds):
        joined = gpd.sjoin_nearest(hm, sm[sm["station_type"] == kind], max_distance=walk_distance(kind, walk))
        expected[np.unique(joined.index.to_numpy())] = True
    assert cover.covered.tolist() == expected.tolist()
