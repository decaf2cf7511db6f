"""Units ranked by hazards per 100 households, rectification rate and overdue count.

:func:`rank_units` gives one row per unit (every unit, zero hazards too):

- ``hazards`` -- the inspections in the unit (the caller's filter applies);
- ``rate`` -- hazards per 100 households; ``rate_eb`` -- the same, empirical-Bayes
  smoothed (:mod:`gridmap.stats.rates`: a unit of three households cannot top the list on
  one hazard);
- ``rectified`` -- hazards rectified or verified; ``rectification_rate`` -- their share of
  the unit's hazards, in per cent (NaN without hazards);
- ``open`` -- hazards still open (found, rectifying, overdue);
- ``overdue`` -- open hazards past their deadline at ``now``, by the one rule of
  :func:`gridmap.workflow.clock.hazard_overdue`.

Order (worst first): by ``rate_eb`` (default), ``rate``, ``overdue`` or ``hazards``
descending, or ``rectification_rate`` ascending; units without a value last; ties by
code. :class:`RankingMethod` says it in words for the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.domain import HAZARD_LIFECYCLE, HazardStatus
from gridmap.hotspots.analysis import unit_positions
from gridmap.stats.rates import PER_HOUSEHOLDS, eb_parameters, eb_rate, raw_rate
from gridmap.workflow.clock import hazard_overdue, is_open

__all__ = ["RANKING_COLUMNS", "RANK_BY", "Ranking", "RankingMethod", "rank_units"]

RANK_BY: tuple[str, ...] = ("rate_eb", "rate", "rectification_rate", "overdue", "hazards")
RANKING_COLUMNS: tuple[str, ...] = ("rank", "code", "name", "households", "hazards", "rate", "rate_eb", "rectified",
                                    "rectification_rate", "open", "overdue")
_RECTIFIED = frozenset({str(HazardStatus.RECTIFIED), str(HazardStatus.VERIFIED)})


@dataclass(frozen=True)
class RankingMethod:
    """How the ranking was made (for the page's words).

    Attributes:
        by: The column ranked by (:data:`RANK_BY`).
        per: Households the rates are per (100).
        smoothing: ``"global empirical Bayes (Marshall)"``.
        overall_rate: The overall rate the smoothing pulls towards (per ``per`` households).
        now: The moment "overdue" was judged at.
        units: How many units were ranked.
    """

    by: str
    per: float
    smoothing: str
    overall_rate: float
    now: dt.datetime | None
    units: int


@dataclass(frozen=True)
class Ranking:
    """Rows worst first (:data:`RANKING_COLUMNS`, plus ``geometry`` when the units had it)."""

    frame: pd.DataFrame
    method: RankingMethod


def _per_unit(positions: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    keep = (positions >= 0) & mask
    return np.bincount(positions[keep], minlength=n).astype(np.int64)


def rank_units(units: gpd.GeoDataFrame, inspections: gpd.GeoDataFrame, *, now: dt.datetime | None,
               by: str = "rate_eb") -> Ranking:
    """Rank ``units`` by their ``inspections`` (see the module docstring).

    Args:
        units: ``code``, ``name`` (optional), ``households``, ``geometry``, one level.
        inspections: The hazards to count (filtered by the caller), with ``status`` and
            ``deadline``.
        now: When to judge "overdue" (None: only hazards stored as ``overdue``).
        by: What to rank by.

    Raises:
        ValueError: for an unknown ``by`` or missing columns.
    """
    if by not in RANK_BY:
        raise ValueError(f"rank by one of {', '.join(RANK_BY)}, got {by!r}")
    for column in ("code", "households"):
        if column not in units.columns:
            raise ValueError(f"the units have no {column!r} column")
    if len(inspections) and "status" not in inspections.columns:
        raise ValueError("the inspections have no 'status' column")
    units = units.reset_index(drop=True)
    households = pd.to_numeric(units["households"], errors="coerce").fillna(0).clip(lower=0).to_numpy(np.float64)
    n = len(units)
    positions = unit_positions(units, inspections)
    everything = np.ones(len(inspections), dtype=bool)
    status = inspections["status"].astype(str) if len(inspections) else pd.Series([], dtype=str)
    hazards = _per_unit(positions, everything, n)
    rectified = _per_unit(positions, status.isin(_RECTIFIED).to_numpy(), n)
    open_ = _per_unit(positions, is_open(inspections, HAZARD_LIFECYCLE).to_numpy() if len(inspections)
                      else everything, n)
    late = hazard_overdue(inspections, now).to_numpy() if len(inspections) else everything
    overdue = _per_unit(positions, late, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rect_rate = np.where(hazards > 0, 100.0 * rectified / np.maximum(hazards, 1), np.nan)
    frame = pd.DataFrame({
        "code": units["code"].astype(str).to_numpy(),
        "name": units["name"].astype(object).to_numpy() if "name" in units.columns else units["code"].astype(str),
        "households": households.astype(np.int64), "hazards": hazards,
        "rate": raw_rate(hazards, households), "rate_eb": eb_rate(hazards, households),
        "rectified": rectified, "rectification_rate": rect_rate, "open": open_, "overdue": overdue,
    })
    key = frame[by].to_numpy(dtype=np.float64)
    key = key if by == "rectification_rate" else -key  # ascending key: worst first
    has = np.isfinite(key)
    order = np.lexsort((frame["code"].to_numpy(), np.where(has, key, np.inf), ~has))
    ranked = frame.iloc[order].reset_index(drop=True)
    has_sorted = has[order]
    ranked.insert(0, "rank", pd.array(np.where(has_sorted, np.arange(1, len(ranked) + 1), 0), dtype="Int64"))
    ranked.loc[~has_sorted, "rank"] = pd.NA
    if "geometry" in units.columns:
        ranked = gpd.GeoDataFrame(ranked, geometry=units.geometry.to_numpy()[order], crs=units.crs)
    params = eb_parameters(hazards, households)
    method = RankingMethod(by=by, per=PER_HOUSEHOLDS, smoothing="global empirical Bayes (Marshall)",
                           overall_rate=params.mean * PER_HOUSEHOLDS, now=now, units=len(ranked))
    return Ranking(frame=ranked, method=method)
