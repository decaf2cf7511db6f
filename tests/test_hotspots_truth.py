"""The statistics against truth on the small demo county (issue 11, "Statistics must be right").

- Planted hot spots (``planted_hotspots``): an inspector filters by the hot spot's hazard
  type and period, as on the page; the micro-grid holding each planted centre must be a
  hot spot at 95 % after FDR for at least 90 % of the planted hot spots.
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
from gridmap.store import open_store

ALPHA = 0.05


@pytest.fixture(scope="module")
def demo(demo_db_url: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    session = Session.system(open_store(demo_db_url), Scope.county("330327"))
    units = session.read("units")
    micro = units[units["level"] == "micro"].reset_index(drop=True)
    warm_up()
    return micro, session.read("inspections"), session.read("planted_hotspots")


def _filtered(points: gpd.GeoDataFrame, hazard: str, start: object, end: object) -> gpd.GeoDataFrame:
    found = pd.to_datetime(points["found_at"])
    keep = (points["hazard_types"].map(lambda types: hazard in types)
            & (found >= pd.Timestamp(start)) & (found < pd.Timestamp(end) + pd.Timedelta(days=1)))
    return points[keep]


@pytest.mark.parametrize("variable", ["rate_eb", "count"])
def test_planted_hotspots_are_found_after_fdr(demo: tuple[gpd.GeoDataFrame, ...], variable: str) -> None:
    micro, points, planted = demo
    assert is_warm() and len(planted) >= 5
    found = []
    for spot in planted.itertuples():
        result = hotspots_by_unit(micro, _filtered(points, spot.hazard_type, spot.start, spot.end),
                                  variable=variable, permutations=999, alpha=ALPHA, fdr=True, seed=0)
        assert result.method.permutations == 999 and result.method.correction == "fdr"
        frame = result.frame
        centre = frame.geometry.contains(spot.geometry).to_numpy()
        assert centre.sum() == 1, f"{spot.id}: its centre lies in {centre.sum()} micro-grids"
        hit = frame[centre].iloc[0]
        found.append(bool(hit["significant"]) and hit["bin"] >= 2)
    assert np.mean(found) >= 0.9, f"planted hot spots found: {found}"


@pytest.mark.parametrize("variable", ["count", "rate_eb"])
def test_complete_spatial_randomness_is_rarely_called(demo: tuple[gpd.GeoDataFrame, ...], variable: str) -> None:
    micro, points, _ = demo
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
