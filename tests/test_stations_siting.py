"""Siting (issue 13, item 4): the greedy fallback and spopt's MCLP against a brute-force
optimum on small fixtures, candidates from clusters, and the coverage gained.

A line of demand (metres), reach 100 m, k = 2::

    demand:   0  10      200 210 220      400          weights 1 each
    sites:    a(5)  b(100)  c(210)  d(305)  e(400)
    a covers {0, 10}; b {0, 10, 200}; c {200, 210, 220}; d {210, 220, 400}; e {400}
    the best pair is b + d (all 6); greedy takes c or d first (3) and then b (3): 6 as well.

Greedy is not always optimal: on :func:`_trap` it covers 7 of 8 where the optimum covers 8.
"""

from __future__ import annotations

import numpy as np
import pytest

from gridmap.stations import candidate_sites, cbc_available, greedy_cover, suggest_sites
from gridmap.stations.siting import brute_force_cover, coverage_sets, mclp_cover

DEMAND = np.array([[0, 0], [10, 0], [200, 0], [210, 0], [220, 0], [400, 0]], dtype=float)
SITES = np.array([[5, 0], [100, 0], [210, 0], [305, 0], [400, 0]], dtype=float)


def _trap() -> tuple[list[np.ndarray], np.ndarray]:
    """Sets where greedy's first pick (the big middle set) blocks the optimum (two halves)."""
    sets = [np.array([0, 1, 2, 3]), np.array([4, 5, 6, 7]), np.array([1, 2, 3, 5, 6])]
    weights = np.ones(8)
    weights[[1, 2, 3, 5, 6]] = 1.0
    weights[[0, 4, 7]] = 0.5
    return sets, weights


def test_coverage_sets_by_hand() -> None:
    sets = coverage_sets(DEMAND, SITES, 100.0)
    assert [s.tolist() for s in sets] == [[0, 1], [0, 1, 2], [2, 3, 4], [3, 4, 5], [5]]


def test_greedy_and_brute_force_on_the_line() -> None:
    sets = coverage_sets(DEMAND, SITES, 100.0)
    weights = np.ones(len(DEMAND))
    best, value = brute_force_cover(sets, weights, 2)
    assert value == 6 and set(best) == {1, 3}
    chosen = greedy_cover(sets, weights, 2)
    assert weights[np.unique(np.concatenate([sets[j] for j in chosen]))].sum() == value


def test_greedy_is_not_always_optimal_and_mclp_is() -> None:
    sets, weights = _trap()
    chosen = greedy_cover(sets, weights, 2)
    greedy_value = weights[np.unique(np.concatenate([sets[j] for j in chosen]))].sum()
    best, value = brute_force_cover(sets, weights, 2)
    assert value == 6.5 and greedy_value < value  # greedy took the middle set first
    if not cbc_available():
        pytest.skip("CBC is not available")
    exact, optimal = mclp_cover(sets, weights, 2, len(weights))
    assert optimal and set(exact) == set(best)


@pytest.mark.parametrize("seed", range(4))
def test_greedy_against_brute_force_on_random_fixtures(seed: int) -> None:
    rng = np.random.default_rng(seed)
    demand = rng.random((40, 2)) * 1000
    sites = rng.random((9, 2)) * 1000
    sets = coverage_sets(demand, sites, 250.0)
    weights = rng.integers(1, 5, len(demand)).astype(float)
    _, best = brute_force_cover(sets, weights, 3)
    chosen = greedy_cover(sets, weights, 3)
    got = weights[np.unique(np.concatenate([sets[j] for j in chosen]))].sum() if chosen else 0.0
    assert (1 - 1 / np.e) * best <= got <= best


def test_suggest_sites_reports_the_households_gained() -> None:
    result = suggest_sites(DEMAND, SITES, 100.0, 2, method="greedy", demand_cell_m=1.0)
    assert result.method == "greedy" and result.total_gained == 6
    assert sorted(result.gained, reverse=True) == result.gained and sum(result.gained) == 6
    if cbc_available():
        exact = suggest_sites(DEMAND, SITES, 100.0, 2, demand_cell_m=1.0)
        assert exact.total_gained == 6 and exact.method in ("mclp", "greedy")


def test_candidates_come_from_the_clusters_of_uncovered_households() -> None:
    rng = np.random.default_rng(5)
    # Two clusters in the middle of two of the 250 m squares the candidates are binned on.
    cluster = np.vstack([rng.normal((125, 125), 20, (30, 2)), rng.normal((2125, 125), 20, (10, 2))])
    sites = candidate_sites(cluster, 500.0)
    assert len(sites) == 2
    assert np.hypot(sites[0][0] - 125, sites[0][1] - 125) < 60  # the busiest first
    assert np.hypot(sites[1][0] - 2125, sites[1][1] - 125) < 60
    assert any((cluster == sites[0]).all(axis=1))  # a real household's position


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="k must be"):
        suggest_sites(DEMAND, SITES, 100.0, 0)
    with pytest.raises(ValueError, match="positive"):
        suggest_sites(DEMAND, SITES, 0.0, 2)
    assert suggest_sites(np.empty((0, 2)), SITES, 100.0, 2).total_gained == 0
