"""Local Moran's I: the statistic by hand, and a planted outlier of each kind."""

from __future__ import annotations

import numpy as np

from gridmap.hotspots import local_moran, unit_neighbours, warm_up
from gridmap.hotspots.moran import local_moran_values
from tests.hotspots_fixtures import lattice, points_for_counts


def test_local_moran_is_the_formula() -> None:
    # I_i = (n - 1) * z_i * sum_j w_ij z_j / sum_k z_k^2, z = y - mean, w row-standardised
    # queen neighbours without the unit itself (esda's form).
    rng = np.random.default_rng(5)
    y = rng.poisson(4, 25).astype(float)
    out = local_moran_values(y, unit_neighbours(lattice(5, 5)), permutations=0)
    z = y - y.mean()
    expect = np.empty(25)
    for i in range(25):
        r, c = divmod(i, 5)
        hood = [rr * 5 + cc for rr in range(r - 1, r + 2) for cc in range(c - 1, c + 2)
                if 0 <= rr < 5 and 0 <= cc < 5 and (rr, cc) != (r, c)]
        expect[i] = 24 * z[i] * np.mean(z[hood]) / (z**2).sum()
    np.testing.assert_allclose(out["I"], expect, rtol=1e-12, atol=1e-12)


def test_planted_outliers_are_high_low_and_low_high() -> None:
    #   left half low (1 each), right half high (20 each), 8 x 8 units;
    #   one high unit (30) in the low half at (3, 1), one low unit (0) in the high half at (4, 6).
    counts = np.where(np.arange(64) % 8 < 4, 1, 20)
    counts[3 * 8 + 1] = 30
    counts[4 * 8 + 6] = 0
    units = lattice(8, 8)
    warm_up()
    result = local_moran(units, points_for_counts(units, counts, seed=3), variable="count", permutations=999, seed=0)
    frame = result.frame
    assert result.permutations == 999 and result.warm
    assert frame.loc[3 * 8 + 1, "quadrant"] == "HL" and frame.loc[4 * 8 + 6, "quadrant"] == "LH"
    assert frame.loc[3 * 8 + 1, "cluster"] == "HL" and frame.loc[4 * 8 + 6, "cluster"] == "LH"
    assert set(frame["cluster"]) <= {"", "HH", "LL", "HL", "LH"}
    assert (frame["cluster"] == "HH").any() and (frame["cluster"] == "LL").any()
    assert (frame["p_rank"] >= 2 / 1000 - 1e-12).all()


def test_constant_values_have_no_clusters() -> None:
    units = lattice(3, 3)
    result = local_moran(units, points_for_counts(units, np.full(9, 2)), variable="count", permutations=0)
    assert not result.frame["significant"].any() and (result.frame["cluster"] == "").all()
