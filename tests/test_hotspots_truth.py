"""The statistics against truth on the small demo county (issue 11, "Statistics must be right").

- Planted hot spots (``planted_hotspots``: a centre, ``radius_m``, a hazard type and a
  period): an inspector filters by the hot spot's hazard type and period, as on the page,
  and runs Gi* on the micro-grids (999 permutations, FDR at 95 %). The *planted hot-spot
  units* of a planted hot spot are the micro-grids it covers, in two honest readings, and
  each must be found (hot at 95 % or more after FDR) for at least 90 % of them, over all
  planted hot spots together:

  - by area: micro-grids at least half of whose area lies inside the disc;
  - by households: micro-grids at least half of whose households lie inside the disc (the
    demo finds the planted hazards at households, :mod:`gridmap.demo.hazards`).

  The micro-grid holding each centre must be found too.
- Complete spatial randomness: the same points shuffled among the micro-grids (each
  micro-grid's points moved together to a random other micro-grid, fixed seeds): after FDR
  the share called hot or cold is at most alpha; without FDR it is about alpha.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.hotspots import hotspots_by_unit, is_warm, warm_up
from gridmap.spatial.crs import metric_crs
from gridmap.store import open_store

ALPHA = 0.05
FOUND_SHARE = 0.9


@pytest.fixture(scope="module")
def demo(demo_db_url: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    session = Session.system(open_store(demo_db_url), Scope.county("330327"))
    units = session.read("units")
    micro = units[units["level"] == "micro"].reset_index(drop=True)
    warm_up()
    return micro, session.read("inspections"), session.read("planted_hotspots"), session.read("households")


def _filtered(points: gpd.GeoDataFrame, hazard: str, start: object, end: object) -> gpd.GeoDataFrame:
    found = pd.to_datetime(points["found_at"])
    keep = (points["hazard_types"].map(lambda types: hazard in types)
            & (found >= pd.Timestamp(start)) & (found < pd.Timestamp(end) + pd.Timedelta(days=1)))
    return points[keep]


def _planted_units(micro: gpd.GeoDataFrame, households: gpd.GeoDataFrame,
                   spot: object) -> tuple[np.ndarray, np.ndarray]:
    """``(by area, by households)``: which micro-grids the planted disc covers, by half their area
    and by half their households."""
    crs = metric_crs(micro)
    centre = gpd.GeoSeries([spot.geometry], crs=micro.crs).to_crs(crs).iloc[0]  # type: ignore[attr-defined]
    disc = centre.buffer(float(spot.radius_m), quad_segs=64)  # type: ignore[attr-defined]
    metric = micro.to_crs(crs).geometry
    by_area = (metric.intersection(disc).area / metric.area).to_numpy() >= 0.5
    inside = households.to_crs(crs).geometry.distance(centre) <= float(spot.radius_m)  # type: ignore[attr-defined]
    share = inside.groupby(households["micro_code"].astype(str)).mean()
    by_households = share.reindex(micro["code"].astype(str)).fillna(0.0).to_numpy() >= 0.5
    return by_area, by_households


@pytest.mark.parametrize("variable", ["rate_eb", "count"])
def test_planted_hotspot_units_are_found_after_fdr(demo: tuple[gpd.GeoDataFrame, ...], variable: str) -> None:
    micro, points, planted, households = demo
    assert is_warm() and len(planted) >= 5
    tally = {"area": [0, 0], "households": [0, 0]}  # [found, planted]
    centres = []
    per_spot = []
    for spot in planted.itertuples():
        result = hotspots_by_unit(micro, _filtered(points, spot.hazard_type, spot.start, spot.end),
                                  variable=variable, permutations=999, alpha=ALPHA, fdr=True, seed=0)
        assert result.method.permutations == 999 and result.method.correction == "fdr"
        frame = result.frame
        found = (frame["significant"] & (frame["bin"] >= 2)).to_numpy()
        centre = frame.geometry.contains(spot.geometry).to_numpy()
        assert centre.sum() == 1, f"{spot.id}: its centre lies in {centre.sum()} micro-grids"
        centres.append(bool(found[centre][0]))
        for name, planted_units in zip(tally, _planted_units(micro, households, spot), strict=True):
            assert planted_units.sum() >= 3, f"{spot.id}: only {planted_units.sum()} micro-grids under it ({name})"
            tally[name][0] += int((found & planted_units).sum())
            tally[name][1] += int(planted_units.sum())
            per_spot.append(f"{spot.id} {name} {int((found & planted_units).sum())}/{int(planted_units.sum())}")
    for name, (hit, total) in tally.items():
        assert hit / total >= FOUND_SHARE, f"planted units found ({name}): {hit}/{total}; {per_spot}"
    assert np.mean(centres) >= FOUND_SHARE, f"planted centres found: {centres}"


@pytest.mark.parametrize("variable", ["count", "rate_eb"])
def test_complete_spatial_randomness_is_rarely_called(demo: tuple[gpd.GeoDataFrame, ...], variable: str) -> None:
    micro, points, _, _ = demo
    codes = micro["code"].to_numpy()
    uncorrected = []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        shuffled = points.copy()
        shuffled["micro_code"] = shuffled["micro_code"].map(dict(zip(codes, rng.permutation(codes), strict=True)))
        with_fdr = hotspots_by_unit(micro, shuffled, variable=variable, alpha=ALPHA, fdr=True, seed=seed)
        # The shuffle moved points, not their number: the same counts, other places.
        assert sorted(with_fdr.frame["count"]) == sorted(hotspots_by_unit(micro, points, variable="count",
                                                                          permutations=0).frame["count"])
        share = float(with_fdr.frame["significant"].mean())
        assert share <= ALPHA, f"seed {seed}: {share:.3f} of the units called hot or cold after FDR"
        plain = hotspots_by_unit(micro, shuffled, variable=variable, alpha=ALPHA, fdr=False, seed=seed)
        uncorrected.append(float(plain.frame["significant"].mean()))
    # Without correction each unit is a test at 5 %: about 5 % are called, by chance.
    assert 0.5 * ALPHA <= float(np.mean(uncorrected)) <= 1.5 * ALPHA, uncorrected
