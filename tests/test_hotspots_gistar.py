"""Gi* against the textbook formula, esda, FDR and the ArcGIS confidence bins."""

from __future__ import annotations

import math

import esda
import libpysal
import numpy as np
import pytest
from scipy import stats

from gridmap.hotspots import confidence_bins, gi_star, unit_neighbours
from gridmap.hotspots.gistar import fdr_cutoff, significant
from tests.hotspots_fixtures import lattice

# The hand-made lattice (4 rows x 5 columns); the numbers are the values x:
#
#     +---+---+---+---+---+
#     | 0 | 1 | 0 | 2 | 1 |
#     +---+---+---+---+---+
#     | 1 | 9 | 8 | 1 | 0 |
#     +---+---+---+---+---+
#     | 0 | 7 |12 | 2 | 1 |
#     +---+---+---+---+---+
#     | 3 | 1 | 0 | 0 | 4 |
#     +---+---+---+---+---+
#
# Queen neighbours: every unit touching by an edge or a corner, plus the unit itself.
VALUES = np.array([[0, 1, 0, 2, 1],
                   [1, 9, 8, 1, 0],
                   [0, 7, 12, 2, 1],
                   [3, 1, 0, 0, 4]], dtype=float)


def _textbook_gi_star(x: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Getis-Ord Gi* z by the textbook formula, computed cell by cell (queen, binary, self)."""
    flat = x.reshape(-1)
    n = len(flat)
    mean = sum(flat) / n
    s = math.sqrt(sum(v * v for v in flat) / n - mean * mean)
    out = np.empty(n)
    for r in range(rows):
        for c in range(cols):
            hood = [(rr, cc) for rr in range(r - 1, r + 2) for cc in range(c - 1, c + 2)
                    if 0 <= rr < rows and 0 <= cc < cols]
            wsum = len(hood)  # binary weights: sum w = sum w^2 = |N(i)|
            local = sum(x[rr, cc] for rr, cc in hood)
            out[r * cols + c] = (local - mean * wsum) / (s * math.sqrt((n * wsum - wsum**2) / (n - 1)))
    return out


def test_gi_star_matches_textbook_and_esda_on_hand_lattice() -> None:
    units = lattice(4, 5)
    nb = unit_neighbours(units)
    ours = gi_star(VALUES.reshape(-1), nb, permutations=0)
    textbook = _textbook_gi_star(VALUES, 4, 5)
    np.testing.assert_allclose(ours.z, textbook, rtol=0, atol=1e-9)
    # esda directly, star=True with binary weights (its own queen weights on a lattice).
    w = libpysal.weights.lat2W(4, 5, rook=False)
    direct = esda.G_Local(VALUES.reshape(-1), w, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(direct.Zs, textbook, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.p, 2 * stats.norm.sf(np.abs(textbook)), rtol=0, atol=1e-12)
    assert int(np.argmax(ours.z)) == 1 * 5 + 2  # the 8 beside the 9, 7 and 12: the largest 3 x 3 sum (42)


def test_neighbours_include_self_and_queen_corners() -> None:
    nb = unit_neighbours(lattice(4, 5))
    assert sorted(nb.w.neighbors[0]) == [0, 1, 5, 6]  # top-left corner: itself, right, below, diagonal
    assert len(nb.w.neighbors[7]) == 9
    assert nb.islands == ()


def test_isolated_unit_gets_its_nearest_neighbour() -> None:
    units = lattice(2, 2)
    far = lattice(1, 1)
    far["geometry"] = far.geometry.translate(0.01, 0)
    far["code"] = "island"
    import pandas as pd

    both = pd.concat([units, far], ignore_index=True)
    nb = unit_neighbours(both)
    assert nb.islands == (4,)
    assert len(nb.w.neighbors[4]) == 2  # itself and one other
    other = next(j for j in nb.w.neighbors[4] if j != 4)
    assert 4 in nb.w.neighbors[other]


def test_permutations_agree_with_analytic_direction_and_are_seeded() -> None:
    nb = unit_neighbours(lattice(4, 5))
    a = gi_star(VALUES.reshape(-1), nb, permutations=199, seed=3)
    b = gi_star(VALUES.reshape(-1), nb, permutations=199, seed=3)
    np.testing.assert_array_equal(a.p_sim, b.p_sim)
    assert np.all((a.p_rank >= 2 / 200 - 1e-12) & (a.p_rank <= 1))
    hottest = int(np.argmax(a.z))
    assert a.p_sim[hottest] < 0.05


def test_fdr_cutoff_is_benjamini_hochberg() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    # BH at 0.05 by hand: the largest k with p_(k) < 0.05 * k / 10 is k = 2 (0.008 < 0.01).
    sig, cut = significant(p, 0.05, fdr=True)
    assert sig.tolist() == [True, True] + [False] * 8
    assert cut == pytest.approx(0.01)
    assert fdr_cutoff(p, 0.05) == pytest.approx(0.01)
    sig_plain, _ = significant(p, 0.05, fdr=False)
    assert int(sig_plain.sum()) == 5


def test_confidence_bins_follow_arcgis_levels() -> None:
    z = np.array([3.0, 2.0, 1.7, 1.0, -1.7, -2.0, -3.0])
    p = 2 * stats.norm.sf(np.abs(z))
    assert confidence_bins(z, p, fdr=False).tolist() == [3, 2, 1, 0, -1, -2, -3]


def test_constant_values_are_never_significant() -> None:
    nb = unit_neighbours(lattice(3, 3))
    g = gi_star(np.zeros(9), nb, permutations=99)
    assert not g.significant.any() and (g.bin == 0).all() and (g.z == 0).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"alpha": 0.0}, "alpha"), ({"permutations": -1}, "permutations"),
])
def test_bad_arguments_are_named(kwargs: dict[str, float], message: str) -> None:
    nb = unit_neighbours(lattice(3, 3))
    with pytest.raises(ValueError, match=message):
        gi_star(np.arange(9.0), nb, **kwargs)  # type: ignore[arg-type]


def test_nan_values_are_refused() -> None:
    nb = unit_neighbours(lattice(3, 3))
    with pytest.raises(ValueError, match="NaN"):
        gi_star(np.array([1.0, np.nan, *range(7)]), nb)
