"""Rates per 100 households, raw and empirical-Bayes smoothed.

A raw rate ``100 * count / households`` is noisy where there are few households: one
hazard in a unit of three households is a rate of 33 per 100 households, more than any
large unit will ever show, although it says almost nothing. Ranking or mapping raw rates
therefore puts the smallest units on top. Smoothing pulls each unit's rate towards the
overall rate, the more the fewer households it has.

Global empirical Bayes (Marshall 1991, the "global EB" of GeoDa and PySAL)
-----------------------------------------------------------------------------
For units ``i = 1..k`` with counts ``c_i`` and populations ``n_i`` (households):

- raw rate ``r_i = c_i / n_i``;
- overall rate ``m = sum(c) / sum(n)``;
- weighted variance of the raw rates ``s2 = sum(n_i * (r_i - m)^2) / sum(n)``;
- between-unit variance ``A = max(0, s2 - m / nbar)`` with ``nbar = sum(n) / k``
  (the part of the spread that chance alone, ``m / n_i`` for a Poisson count, does not
  explain; zero when the rates vary no more than chance would make them);
- shrinkage weight ``w_i = A / (A + m / n_i)``;
- smoothed rate ``eb_i = w_i * r_i + (1 - w_i) * m``.

A large unit keeps (nearly) its own rate (``w_i`` near 1); a unit of three households is
pulled almost all the way to ``m``. Units with no households have no raw rate (NaN);
their smoothed rate is ``m`` (nothing is known about them, so they get the overall rate).
Both rates are then multiplied by ``per`` (100: "per 100 households").

Public names: :func:`raw_rate`, :func:`eb_rate`, :class:`EBParameters`,
:func:`eb_parameters`, :data:`PER_HOUSEHOLDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

PER_HOUSEHOLDS = 100.0

__all__ = ["PER_HOUSEHOLDS", "EBParameters", "eb_parameters", "eb_rate", "raw_rate"]


@dataclass(frozen=True)
class EBParameters:
    """The global quantities of the smoothing (see the module docstring).

    Attributes:
        mean: ``m``, the overall rate (per one household, not per 100).
        variance: ``s2``, the population-weighted variance of the raw rates.
        prior_variance: ``A``, the between-unit variance (0: every unit gets ``m``).
        units: ``k``, the number of units with households.
    """

    mean: float
    variance: float
    prior_variance: float
    units: int


def _arrays(count: npt.ArrayLike, population: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(count, dtype=np.float64)
    n = np.asarray(population, dtype=np.float64)
    if c.shape != n.shape or c.ndim != 1:
        raise ValueError(f"count and population must be 1-D arrays of one length, got shapes {c.shape} and {n.shape}")
    if not (np.isfinite(c).all() and np.isfinite(n).all()):
        raise ValueError("count and population must be finite numbers (no NaN)")
    if (c < 0).any() or (n < 0).any():
        raise ValueError("count and population must not be negative")
    return c, n


def raw_rate(count: npt.ArrayLike, population: npt.ArrayLike, per: float = PER_HOUSEHOLDS) -> np.ndarray:
    """``per * count / population`` per unit; NaN where the population is 0."""
    c, n = _arrays(count, population)
    out = np.full(c.shape, np.nan)
    has = n > 0
    out[has] = per * c[has] / n[has]
    return out


def eb_parameters(count: npt.ArrayLike, population: npt.ArrayLike) -> EBParameters:
    """The global EB quantities ``m``, ``s2``, ``A`` over the units with a population."""
    c, n = _arrays(count, population)
    has = n > 0
    c, n = c[has], n[has]
    k = len(n)
    if k == 0 or n.sum() == 0:
        return EBParameters(mean=float("nan"), variance=float("nan"), prior_variance=0.0, units=0)
    m = float(c.sum() / n.sum())
    r = c / n
    s2 = float((n * (r - m) ** 2).sum() / n.sum())
    a = max(0.0, float(s2 - m / (n.sum() / k)))
    return EBParameters(mean=m, variance=s2, prior_variance=a, units=k)


def eb_rate(count: npt.ArrayLike, population: npt.ArrayLike, per: float = PER_HOUSEHOLDS) -> np.ndarray:
    """Global empirical-Bayes smoothed rate per unit, times ``per`` (see the module docstring).

    Units without population get the overall rate; when no unit has a population the
    result is all NaN.
    """
    c, n = _arrays(count, population)
    params = eb_parameters(c, n)
    m, a = params.mean, params.prior_variance
    out = np.full(c.shape, m)
    has = n > 0
    if params.units == 0:
        return out * per
    if a > 0 or m > 0:
        w = np.zeros(c.shape)
        w[has] = a / (a + m / n[has]) if m > 0 else 1.0
        out[has] = w[has] * (c[has] / n[has]) + (1.0 - w[has]) * m
    return out * per
