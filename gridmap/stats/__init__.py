"""Statistics shared by the pages: rates per households, raw and smoothed.

Public names:

- :func:`raw_rate` -- ``per * count / population`` (NaN without population).
- :func:`eb_rate` -- global empirical-Bayes (Marshall) smoothed rate, so that a unit of
  three households does not top a ranking; the formula is in :mod:`gridmap.stats.rates`.
- :func:`eb_parameters`, :class:`EBParameters` -- the global quantities behind it.
- :data:`PER_HOUSEHOLDS` -- 100: rates are "per 100 households".
"""

from gridmap.stats.rates import PER_HOUSEHOLDS, EBParameters, eb_parameters, eb_rate, raw_rate

__all__ = ["PER_HOUSEHOLDS", "EBParameters", "eb_parameters", "eb_rate", "raw_rate"]
