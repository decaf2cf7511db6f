"""Getis-Ord Gi* with esda: z-scores, p-values, FDR and ArcGIS's confidence bins.

:func:`gi_star` runs ``esda.G_Local(y, w, transform="B", star=True)`` (analytic) on binary
weights that include each unit itself (:mod:`gridmap.hotspots.weights`). For unit ``i``
with neighbourhood ``N(i)`` (itself included), values ``x`` over ``n`` units, mean
``xbar`` and ``S = sqrt(sum(x^2) / n - xbar^2)``, the textbook Gi* z-score (Getis and Ord
1992; Ord and Getis 1995; ArcGIS's Hot Spot Analysis) is::

    z_i = (sum_{j in N(i)} x_j - xbar * |N(i)|)
          / (S * sqrt((n * |N(i)| - |N(i)|^2) / (n - 1)))

esda's analytic z (``Zs``) is this number; the tests check it to 1e-9.

Inference:

- ``p`` -- two-sided analytic p-value ``2 * (1 - Phi(|z|))``.
- ``p_sim`` -- two-sided p-value from conditional permutations (each unit's value kept,
  its neighbours drawn at random from the other units, ``permutations`` times;
  :mod:`gridmap.hotspots.permute`, esda's conditional randomisation without its
  per-process compilation and its ``n^2`` copying): the
  observed statistic standardised by the mean and standard deviation of its permuted
  values (esda's ``z_sim``), ``2 * (1 - Phi(|z_sim|))``. NaN when no permutations ran.
- ``p_rank`` -- the rank-based pseudo p-value of the same permutations, two-sided:
  ``min(1, 2 * esda.p_sim)`` with esda's ``p_sim = (extreme + 1) / (P + 1)`` in the tail
  the observed value lies in. It cannot go below ``2 / (P + 1)`` (0.002 for 999
  permutations), and a false-discovery-rate correction over hundreds of units needs
  smaller p-values than that: on the small demo, rank p-values with FDR found 17-21 of
  87 planted hot-spot units where ``p_sim`` found 59-60 (and the analytic ``p`` 62-64).
  So ``p_rank`` is reported, and the decision uses ``p_sim``.
- The decision uses ``p_sim`` when permutations ran, else ``p``.
- FDR: Benjamini-Hochberg at each level through ``esda.fdr`` (which returns the
  p-value cutoff); a unit is significant at level ``a`` when its p-value is below the
  cutoff (without FDR: at most ``a``).
- Confidence bins (ArcGIS ``Gi_Bin``): +3/-3 hot/cold spot at 99 % confidence, +2/-2
  at 95 %, +1/-1 at 90 %, 0 not significant; with FDR each level uses its own FDR
  cutoff, as ArcGIS does. The sign is the sign of ``z``.

The permutations draw from their own seeded generator, never from a global random state,
and take no lock: two users' analyses in one server process neither disturb each other's
draws nor wait for each other, and an analytic run never waits for the warm-up
(:mod:`gridmap.hotspots.warm`). The last :data:`RESULT_CACHE_SIZE` results are kept, keyed by the
values, the weights' key and the parameters: going back to a filter costs nothing.

Constant values (every unit the same, e.g. no hazards at all) have no spread: every z
is 0 and every p is 1. So is a unit whose neighbourhood is every unit (a tiny study area).
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import esda
import numpy as np
import numpy.typing as npt
from scipy import stats

from gridmap.hotspots import permute
from gridmap.hotspots.weights import Neighbours

__all__ = ["CONFIDENCE_LEVELS", "GiStar", "clear_results", "confidence_bins", "fdr_cutoff", "gi_star", "significant"]

CONFIDENCE_LEVELS: tuple[float, float, float] = (0.90, 0.95, 0.99)
RESULT_CACHE_SIZE = 32
_results: OrderedDict[tuple[object, ...], GiStar] = OrderedDict()
_results_lock = threading.Lock()


@dataclass(frozen=True)
class GiStar:
    """Per-unit results of :func:`gi_star` (arrays in input order)."""

    z: np.ndarray
    p: np.ndarray
    p_sim: np.ndarray
    p_rank: np.ndarray
    significant: np.ndarray
    bin: np.ndarray
    permutations: int
    cutoff: float  # the p-value cutoff used at alpha (after FDR when chosen)

    @property
    def p_used(self) -> np.ndarray:
        """The p-values the decision is based on (``p_sim`` when permutations ran)."""
        return self.p_sim if self.permutations else self.p


def clear_results() -> None:
    """Forget the cached results (benchmarks time the computation, not the cache)."""
    with _results_lock:
        _results.clear()


def fdr_cutoff(p: npt.ArrayLike, alpha: float) -> float:
    """The Benjamini-Hochberg cutoff (``esda.fdr``): significant means ``p < cutoff``."""
    values = np.asarray(p, dtype=np.float64)
    if len(values) == 0:
        return 0.0
    return float(esda.fdr(values, alpha))


def significant(p: npt.ArrayLike, alpha: float, fdr: bool) -> tuple[np.ndarray, float]:
    """Which p-values are significant at ``alpha`` (FDR-corrected when ``fdr``), and the cutoff."""
    values = np.asarray(p, dtype=np.float64)
    if fdr:
        cut = fdr_cutoff(values, alpha)
        return values < cut, cut
    return values <= alpha, float(alpha)


def confidence_bins(z: npt.ArrayLike, p: npt.ArrayLike, fdr: bool) -> np.ndarray:
    """ArcGIS confidence bins -3..3 from z-scores and (two-sided) p-values."""
    zs = np.asarray(z, dtype=np.float64)
    ps = np.asarray(p, dtype=np.float64)
    level = np.zeros(len(zs), dtype=np.int64)
    for rank, confidence in enumerate(CONFIDENCE_LEVELS, start=1):
        sig, _ = significant(ps, 1.0 - confidence, fdr)
        level[sig] = rank
    return (np.sign(zs).astype(np.int64) * level).astype(np.int64)


def gi_star(y: npt.ArrayLike, neighbours: Neighbours, *, permutations: int = 999, alpha: float = 0.05,
            fdr: bool = True, seed: int | None = 0) -> GiStar:
    """Gi* for values ``y`` on ``neighbours`` (see the module docstring for every number).

    Args:
        y: One value per unit, in the order of ``neighbours``.
        neighbours: Binary weights with self-neighbours.
        permutations: Conditional permutations (0: analytic only).
        alpha: The significance level of ``significant``.
        fdr: Correct for the false discovery rate (Benjamini-Hochberg).
        seed: Seed of the permutations (fixed: the same data gives the same answer).

    Raises:
        ValueError: on a length mismatch, NaN values, a bad alpha or negative permutations.
    """
    values = np.asarray(y, dtype=np.float64)
    n = len(values)
    if n != neighbours.n:
        raise ValueError(f"{n} values for {neighbours.n} units")
    if not np.isfinite(values).all():
        raise ValueError("the values contain NaN or infinity")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if permutations < 0:
        raise ValueError(f"permutations must be 0 or more, got {permutations}")
    key: tuple[object, ...] | None = None
    if neighbours.key:
        key = (hashlib.sha1(values.tobytes()).hexdigest(), neighbours.key, int(permutations), float(alpha),
               bool(fdr), seed)
        with _results_lock:
            hit = _results.get(key)
            if hit is not None:
                _results.move_to_end(key)
                return hit
    result = _compute(values, neighbours, permutations=permutations, alpha=alpha, fdr=fdr, seed=seed)
    if key is not None:
        with _results_lock:
            _results[key] = result
            while len(_results) > RESULT_CACHE_SIZE:
                _results.popitem(last=False)
    return result


def _compute(values: np.ndarray, neighbours: Neighbours, *, permutations: int, alpha: float, fdr: bool,
             seed: int | None) -> GiStar:
    n = len(values)
    if n < 3 or np.ptp(values) == 0.0:
        z = np.zeros(n)
        p = np.ones(n)
        p_sim = np.ones(n) if permutations else np.full(n, np.nan)
        p_rank = p_sim.copy()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            weights = neighbours.graph if neighbours.graph is not None else neighbours.w
            g = esda.G_Local(values, weights, transform="B", star=True, permutations=0)
        # A unit whose neighbourhood is every unit has no variance: z 0 (nothing to compare with).
        z = np.nan_to_num(np.asarray(g.Zs, dtype=np.float64), nan=0.0)
        p = 2.0 * stats.norm.sf(np.abs(z))
        if permutations:
            perm = permute.permuted_sums(values, *neighbours.others, permutations=permutations, seed=seed)
            z_perm, p_folded = permute.gi_star_permutation(perm)
            p_rank = np.minimum(1.0, 2.0 * p_folded)
            z_sim = np.nan_to_num(z_perm, nan=0.0, posinf=40.0, neginf=-40.0)
            p_sim = 2.0 * stats.norm.sf(np.abs(z_sim))
        else:
            p_sim = np.full(n, np.nan)
            p_rank = np.full(n, np.nan)
    used = p_sim if permutations else p
    sig, cut = significant(used, alpha, fdr)
    return GiStar(z=z, p=p, p_sim=p_sim, p_rank=p_rank, significant=sig, bin=confidence_bins(z, used, fdr),
                  permutations=int(permutations), cutoff=cut)
