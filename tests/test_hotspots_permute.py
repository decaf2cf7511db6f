"""The conditional-permutation kernel against esda's own, and against the sampling theory.

Given esda's draws (``esda.crand.vec_permutations``, the matrix its ``crand`` uses for a
seed), :func:`gridmap.hotspots.permute.permuted_sums` must give esda's permutation z and
pseudo p-value for Gi* (binary, self included) and for Local Moran (row-standardised,
self excluded). With its own draws, the permuted sums must have the moments of a sample
without replacement from the other units, and the draws must be reproducible, in range,
without repeats, and safe to run from several threads at once.
"""

from __future__ import annotations

import threading
import warnings

import esda
import libpysal
import numpy as np
import pytest
from esda.crand import vec_permutations

from gridmap.hotspots import permute
from gridmap.hotspots.gistar import gi_star
from gridmap.hotspots.weights import Neighbours, neighbours_from_lists

PERMUTATIONS = 999


def _lattice(rows: int, cols: int) -> Neighbours:
    w = libpysal.weights.lat2W(rows, cols, rook=False)
    return neighbours_from_lists([list(w.neighbors[i]) for i in range(w.n)], "queen", key=f"lat{rows}x{cols}")


def _esda_ids(nb: Neighbours, seed: int) -> np.ndarray:
    indptr, _ = nb.others
    return vec_permutations(int(np.diff(indptr).max()), nb.n, PERMUTATIONS, seed)


@pytest.mark.parametrize("kind", ["gamma", "counts"])
def test_gi_star_permutations_are_esdas_given_esdas_draws(kind: str) -> None:
    nb = _lattice(24, 25)
    rng = np.random.default_rng(11)
    y = rng.gamma(2.0, 1.5, size=nb.n) if kind == "gamma" else rng.poisson(1.2, size=nb.n).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = esda.G_Local(y, nb.graph, transform="B", star=True, permutations=PERMUTATIONS, keep_simulations=True,
                         n_jobs=1, seed=5)
    perm = permute.permuted_sums(y, *nb.others, ids=_esda_ids(nb, 5))
    z_sim, p_sim = permute.gi_star_permutation(perm)
    np.testing.assert_allclose(z_sim, g.z_sim, rtol=0, atol=1e-9)
    # esda keeps its pseudo p-values as float32
    np.testing.assert_allclose(p_sim, g.p_sim, rtol=0, atol=1e-6)
    assert (p_sim < 0.01).sum() > 0 or kind == "counts"


def test_local_moran_permutations_are_esdas_given_esdas_draws() -> None:
    nb = _lattice(20, 21)
    rng = np.random.default_rng(12)
    y = rng.lognormal(0.0, 0.8, size=nb.n)
    without_self = libpysal.weights.W({i: [int(j) for j in nb.w.neighbors[i] if j != i] for i in range(nb.n)},
                                      id_order=list(range(nb.n)), silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran_Local(y, without_self, transformation="r", permutations=PERMUTATIONS, n_jobs=1, seed=9,
                             keep_simulations=True)
    perm = permute.permuted_sums(m.z, *nb.others, ids=_esda_ids(nb, 9))
    z_sim, p_sim = permute.moran_permutation(perm, m.z)
    np.testing.assert_allclose(z_sim, m.z_sim, rtol=0, atol=1e-9)
    np.testing.assert_allclose(p_sim, m.p_sim, rtol=0, atol=1e-6)


def test_permuted_sums_have_the_moments_of_sampling_without_replacement() -> None:
    nb = _lattice(15, 16)
    rng = np.random.default_rng(13)
    y = rng.gamma(1.5, 2.0, size=nb.n)
    indptr, indices = nb.others
    perm = permute.permuted_sums(y, indptr, indices, permutations=4000, seed=3)
    k = np.diff(indptr).astype(float)
    n_other = nb.n - 1
    others_mean = (y.sum() - y) / n_other
    others_var = ((y ** 2).sum() - y ** 2) / n_other - others_mean ** 2
    expected_mean = k * others_mean
    expected_sd = np.sqrt(k * others_var * (n_other - k) / (n_other - 1))
    se_mean = expected_sd / np.sqrt(4000)
    assert np.all(np.abs(perm.mean - expected_mean) < 5 * se_mean + 1e-12)
    assert np.all(np.abs(perm.sd / expected_sd - 1) < 0.08)
    np.testing.assert_allclose(perm.observed, [y[indices[indptr[i]:indptr[i + 1]]].sum() for i in range(nb.n)])
    assert np.all(perm.ge + perm.le >= 4000)


def test_draws_are_in_range_without_repeats_and_reproducible() -> None:
    ids = permute.draw_ids(50, 8, 300, seed=1)
    assert ids.shape == (300, 8) and ids.min() >= 0 and ids.max() <= 48
    assert all(len(set(row)) == 8 for row in ids.tolist())
    np.testing.assert_array_equal(ids, permute.draw_ids(50, 8, 300, seed=1))
    assert not np.array_equal(ids, permute.draw_ids(50, 8, 300, seed=2))
    # every other unit is drawn about equally often
    counts = np.bincount(ids.ravel(), minlength=49)
    assert counts.min() > 0.5 * counts.mean()


def test_bad_draws_and_shapes_are_refused() -> None:
    nb = _lattice(4, 4)
    indptr, indices = nb.others
    with pytest.raises(ValueError, match="ids must be"):
        permute.permuted_sums(np.ones(nb.n), indptr, indices, ids=np.zeros((9, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="indptr"):
        permute.permuted_sums(np.ones(nb.n + 1), indptr, indices)
    with pytest.raises(ValueError, match="permutations"):
        permute.permuted_sums(np.ones(nb.n), indptr, indices, permutations=0)
    with pytest.raises(ValueError, match="neighbours among only"):
        permute.draw_ids(3, 5, 9, seed=0)


def test_concurrent_gi_star_runs_give_the_sequential_answers() -> None:
    # Streamlit serves each session from its own thread: the kernel shares no state.
    nb = _lattice(30, 30)
    rng = np.random.default_rng(14)
    data = [rng.gamma(2.0, 1.0, size=nb.n) for _ in range(6)]
    from gridmap.hotspots.gistar import clear_results

    clear_results()
    sequential = [gi_star(y, nb, permutations=PERMUTATIONS, seed=s).p_sim for s, y in enumerate(data)]
    clear_results()
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def run(s: int) -> None:
        try:
            results[s] = gi_star(data[s], nb, permutations=PERMUTATIONS, seed=s).p_sim
        except BaseException as exc:  # pragma: no cover -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in range(len(data))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for s, expected in enumerate(sequential):
        np.testing.assert_array_equal(results[s], expected)
