"""Conditional permutations for the local statistics, compiled once per machine.

Gi* and Local Moran's I both ask, for each unit ``i`` with ``k_i`` neighbours (itself
not counted), how the observed sum of its neighbours' values ``S_i`` compares with the
sum ``R`` of ``k_i`` values drawn at random, without replacement, from the *other*
``n - 1`` units (conditional randomisation: the unit's own value stays where it is).
Every local statistic of the two is a monotone function of that sum:

- Gi* (binary weights, self included): ``G = (R + y_i) / sum(y)``, increasing in ``R``;
- Local Moran (row-standardised, self excluded, on standardised values ``z``):
  ``I = z_i * (R / k_i) * (n - 1) / sum(z^2)``, increasing in ``R`` when ``z_i > 0``,
  decreasing when ``z_i < 0``.

So one kernel serves both: :func:`permuted_sums` returns per unit the mean and the
standard deviation of the permuted sums and how many of them are ``>= S_i`` and
``<= S_i``; :func:`gi_star_permutation` and :func:`moran_permutation` turn them into
esda's permutation z (``z_sim``) and its folded pseudo p-value (``p_sim``).

This is esda's own conditional randomisation (``esda.crand``), done differently in two
ways that matter at county scale: esda copies the other ``n - 1`` values for every unit
(``n^2`` work: 56 million copies for 7,470 micro-grids) where this kernel shifts the
drawn index past ``i``; and esda's kernel is compiled without numba's on-disk cache,
so every new server process compiles it again (25-70 s here), where this one is cached
(``cache=True``): the first process on a machine compiles it in a few seconds, later ones
load it. The draws are a ``(permutations, max k)`` matrix of indices into the other
units, the first ``k_i`` of a row used by unit ``i``, as esda does; given esda's draws
(``esda.crand.vec_permutations``) the results are esda's to rounding
(``tests/test_hotspots_permute.py``). Ours come from NumPy's ``Generator`` with the
given seed, so they are reproducible but not esda's numbers for the same seed.

The kernel releases the GIL (``nogil``) and draws nothing from a global random state, so
two users' analyses in one server process neither wait for nor disturb each other.
Without numba (not the case here: it is pinned) the same loops run as plain Python,
slowly.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Permuted", "compiled", "draw_ids", "gi_star_permutation", "moran_permutation", "permuted_sums", "warm"]


@dataclass(frozen=True)
class Permuted:
    """Per-unit summaries of the permuted neighbour sums (arrays in unit order)."""

    observed: np.ndarray  # S_i: the sum of the unit's neighbours' values (itself excluded)
    mean: np.ndarray
    sd: np.ndarray  # population standard deviation (NumPy's ``std``, as esda)
    ge: np.ndarray  # how many permuted sums are >= S_i
    le: np.ndarray  # how many permuted sums are <= S_i
    permutations: int


def draw_ids(n: int, max_card: int, permutations: int, seed: int | None) -> np.ndarray:
    """``(permutations, max_card)`` indices into the ``n - 1`` other units, each row without repeats."""
    if max_card > n - 1:
        raise ValueError(f"a unit has {max_card} neighbours among only {n - 1} other units")
    rng = np.random.default_rng(seed)
    out = np.empty((permutations, max_card), dtype=np.int64)
    for p in range(permutations):
        out[p] = rng.choice(n - 1, size=max_card, replace=False)
    return out


def _sums_python(values: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
                 ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = values.shape[0]
    permutations = ids.shape[0]
    observed = np.zeros(n)
    mean = np.zeros(n)
    sd = np.zeros(n)
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    sums = np.empty(permutations)
    for i in range(n):
        k = indptr[i + 1] - indptr[i]
        s = 0.0
        for c in range(indptr[i], indptr[i + 1]):
            s += values[indices[c]]
        observed[i] = s
        for p in range(permutations):
            r = 0.0
            for c in range(k):
                j = ids[p, c]
                if j >= i:
                    j += 1
                r += values[j]
            sums[p] = r
        m = 0.0
        for p in range(permutations):
            m += sums[p]
        m /= permutations
        v = 0.0
        g = 0
        low = 0
        for p in range(permutations):
            d = sums[p] - m
            v += d * d
            if sums[p] >= s:
                g += 1
            if sums[p] <= s:
                low += 1
        mean[i] = m
        sd[i] = np.sqrt(v / permutations)
        ge[i] = g
        le[i] = low
    return observed, mean, sd, ge, le


def compiled() -> bool:
    """Whether the kernel is compiled by numba here (numba importable)."""
    return importlib.util.find_spec("numba") is not None


_Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                   tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def _compile() -> _Kernel:
    if not compiled():  # pragma: no cover -- numba is pinned
        return _sums_python
    import numba

    kernel: _Kernel = numba.njit(cache=True, nogil=True, fastmath=False)(_sums_python)
    return kernel


_kernel = _compile()


def warm() -> None:
    """Compile (first process on a machine) or load (later ones) the kernel."""
    values = np.arange(6, dtype=np.float64)
    indptr = np.array([0, 1, 3, 5, 7, 9, 10], dtype=np.int64)
    indices = np.array([1, 0, 2, 1, 3, 2, 4, 3, 5, 4], dtype=np.int64)
    _kernel(values, indptr, indices, draw_ids(6, 2, 9, 0))


def permuted_sums(values: npt.ArrayLike, indptr: np.ndarray, indices: np.ndarray, *, permutations: int = 999,
                  seed: int | None = 0, ids: np.ndarray | None = None) -> Permuted:
    """Summaries of ``permutations`` conditional permutations of each unit's neighbour sum.

    Args:
        values: One value per unit.
        indptr, indices: The neighbours in CSR form (``indices[indptr[i]:indptr[i + 1]]``
            are unit ``i``'s neighbours; ``i`` itself must not be among them).
        permutations: How many draws per unit (>= 1).
        seed: Seed of the draws (:func:`draw_ids`).
        ids: Given draws instead (``(permutations, >= max k)`` indices into the other
            units), e.g. esda's for a comparison.
    """
    y = np.ascontiguousarray(values, dtype=np.float64)
    ptr = np.ascontiguousarray(indptr, dtype=np.int64)
    idx = np.ascontiguousarray(indices, dtype=np.int64)
    n = len(y)
    if len(ptr) != n + 1:
        raise ValueError(f"indptr has {len(ptr)} entries for {n} units")
    cards = np.diff(ptr)
    max_card = int(cards.max()) if n else 0
    if ids is None:
        if permutations < 1:
            raise ValueError(f"permutations must be at least 1, got {permutations}")
        draws = draw_ids(n, max(max_card, 1), permutations, seed)
    else:
        draws = np.ascontiguousarray(ids, dtype=np.int64)
        if draws.ndim != 2 or draws.shape[1] < max_card:
            raise ValueError(f"ids must be (permutations, >= {max_card}), got {draws.shape}")
    observed, mean, sd, ge, le = _kernel(y, ptr, idx, draws)
    return Permuted(observed=observed, mean=mean, sd=sd, ge=ge, le=le, permutations=int(draws.shape[0]))


def _folded(larger: np.ndarray, permutations: int) -> np.ndarray:
    """esda's pseudo p-value: ``(extreme + 1) / (P + 1)`` in the tail the observation lies in."""
    extreme = np.minimum(larger, permutations - larger)
    return (extreme + 1.0) / (permutations + 1.0)


def _z(diff: np.ndarray, sd: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, diff / np.where(sd > 0, sd, 1.0), np.nan)


def gi_star_permutation(perm: Permuted) -> tuple[np.ndarray, np.ndarray]:
    """Gi*'s ``(z_sim, p_sim)`` (esda's names): the permutation z and the folded pseudo p.

    ``z_sim`` is NaN where the permuted sums do not vary (an island, or a unit whose
    neighbourhood is every unit).
    """
    return _z(perm.observed - perm.mean, perm.sd), _folded(perm.ge, perm.permutations)


def moran_permutation(perm: Permuted, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local Moran's ``(z_sim, p_sim)`` for standardised values ``z`` (the ones the sums were drawn from).

    ``I_i`` is ``z_i`` times a positive multiple of the sum, so its permutation z is the
    sum's, signed by ``z_i``; with ``z_i = 0`` every permuted ``I`` is 0 (z NaN).
    """
    sign = np.sign(np.asarray(z, dtype=np.float64))
    z_sim = np.where(sign != 0, sign * _z(perm.observed - perm.mean, perm.sd), np.nan)
    larger = np.where(sign > 0, perm.ge, np.where(sign < 0, perm.le, perm.permutations))
    return z_sim, _folded(larger, perm.permutations)
