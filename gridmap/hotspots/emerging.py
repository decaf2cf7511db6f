"""Emerging hot spots: a space-time cube of locations x weeks, Gi* per bin, a Mann-Kendall
trend per location, and ArcGIS's eight patterns.

The cube
--------
Locations are units (queen contiguity) or H3 cells of a study area (k-ring 1); time is
``weeks`` slices of 7 days ending at ``end`` (exclusive). Each bin holds the number of
points of its location and week.

Gi* per bin, space-time neighbours (as ArcGIS's Emerging Hot Spot Analysis)
---------------------------------------------------------------------------
Bin ``(i, t)``'s neighbourhood is every bin ``(j, s)`` with ``j`` a spatial neighbour of
``i`` (``i`` itself included) and ``t - time_window <= s <= t`` (the same week and the
``time_window`` weeks before it; default 1). Gi* is computed over the whole cube (mean and
spread of all bins), analytic z and two-sided p (ArcGIS uses no permutations here), with
a false-discovery-rate correction per week (each week is one map of tests). A bin is
*hot* when significant with ``z > 0``, *cold* when significant with ``z < 0``.

Trend
-----
Mann-Kendall (the statistic of ``pymannkendall.original_test``, computed for all
locations at once by :func:`mann_kendall_rows`) on each location's series of Gi* z-scores:
``trend_z`` and ``trend_p``; a trend is significant when ``trend_p <= alpha``.

The eight patterns (ArcGIS's definitions; "hot" below, cold spots mirror them)
------------------------------------------------------------------------------
With ``T`` weeks, "90 %" means at least ``ceil(0.9 * T)`` weeks:

- **new**: hot in the final week and never hot before.
- **consecutive**: one uninterrupted run of hot weeks at the end, at least two long, never
  hot before that run, and hot in fewer than 90 % of the weeks.
- **intensifying**: hot in at least 90 % of the weeks, the final one included, and the
  intensity (z) rises with a significant trend.
- **persistent**: hot in at least 90 % of the weeks, the final one included, with no
  significant trend.
- **diminishing**: hot in at least 90 % of the weeks, the final one included, and the
  intensity falls with a significant trend.
- **sporadic**: hot in the final week, on and off before (hot in fewer than 90 % of the
  weeks, and not only as one run at the end), and never cold.
- **oscillating**: hot in the final week, cold in some earlier week, and hot in fewer than
  90 % of the weeks.
- **historical**: not hot in the final week, but hot in at least 90 % of the weeks.

Any other location has pattern ``"none"``. ``direction`` says ``"hot"`` or ``"cold"``
(``""`` for none). A location is judged as a hot-spot candidate when its final week is hot,
as a cold-spot candidate when its final week is cold; when neither, ``historical`` hot is
tried before ``historical`` cold.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pymannkendall as mk
import scipy.sparse as sp
import shapely
from scipy import stats

from gridmap.hotspots.gistar import significant
from gridmap.hotspots.hexagons import cell_polygons, h3_cells, study_area_cells
from gridmap.hotspots.weights import Neighbours, h3_neighbours, unit_neighbours
from gridmap.spatial.crs import STORE_CRS

__all__ = ["MIN_WEEKS", "PATTERNS", "EmergingMethod", "EmergingResult", "WeekWindow", "classify", "emerging_hotspots",
           "mann_kendall", "mann_kendall_rows", "space_time_gi_star", "weeks_of_period"]

PATTERNS: tuple[str, ...] = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
                             "oscillating", "historical")
NONE = "none"
MIN_WEEKS = 4  # a trend needs some weeks
MAX_WEEKS = 260


@dataclass(frozen=True)
class WeekWindow:
    """The weekly slices that fit a period: :func:`weeks_of_period`.

    Attributes:
        weeks: How many 7-day slices.
        first: The first day of the first slice; ``last`` the last day of the last one
            (inclusive; the cube's ``end`` is ``last + 1 day``).
        skipped_days: Days at the start of the period that make no whole week (left out).
        extended: The period was shorter than :data:`MIN_WEEKS` weeks, so the slices reach
            back before it (``first`` lies before the period's first day).
        capped: The period was longer than :data:`MAX_WEEKS` weeks; the latest are kept.
    """

    weeks: int
    first: dt.date
    last: dt.date
    skipped_days: int = 0
    extended: bool = False
    capped: bool = False

    @property
    def end(self) -> dt.date:
        """The cube's end (exclusive): the day after :attr:`last`."""
        return self.last + dt.timedelta(days=1)


def weeks_of_period(first: dt.date, last: dt.date) -> WeekWindow:
    """The whole weeks inside ``first``..``last`` (both included), counted back from ``last``.

    Days at the start that make no whole week are left out (``skipped_days``); a period of
    fewer than :data:`MIN_WEEKS` weeks gets the :data:`MIN_WEEKS` weeks ending on ``last``
    (``extended``), and one of more than :data:`MAX_WEEKS` its latest :data:`MAX_WEEKS`.

    Raises:
        ValueError: when ``first`` is after ``last``.
    """
    if first > last:
        raise ValueError(f"the period starts ({first}) after it ends ({last})")
    days = (last - first).days + 1
    weeks = days // 7
    extended = weeks < MIN_WEEKS
    capped = weeks > MAX_WEEKS
    weeks = min(max(weeks, MIN_WEEKS), MAX_WEEKS)
    start = last - dt.timedelta(days=7 * weeks - 1)
    return WeekWindow(weeks=weeks, first=start, last=last, skipped_days=0 if extended else (start - first).days,
                      extended=extended, capped=capped)


@dataclass(frozen=True)
class EmergingMethod:
    """What the emerging-hot-spot analysis computed (for the page's words)."""

    neighbours: str
    time_window: int
    weeks: int
    correction: str
    alpha: float
    trend: str = "Mann-Kendall on the weekly Gi* z-scores"
    units: int = 0


@dataclass(frozen=True)
class EmergingResult:
    """Per location and per bin results.

    Attributes:
        frame: One row per location: ``code``, ``pattern`` (:data:`PATTERNS` or ``"none"``),
            ``direction`` (``"hot"``/``"cold"``/``""``), ``trend_z``, ``trend_p``,
            ``hot_weeks``, ``cold_weeks``, ``count`` (all weeks), ``bins`` (the weekly
            confidence bins -3..3 as a tuple, oldest first), ``geometry`` (EPSG:4326).
        cube: One row per bin: ``code``, ``week`` (its first day), ``count``, ``z``, ``p``,
            ``bin``.
        weeks: The first day of each week, oldest first.
        method: What was computed.
    """

    frame: gpd.GeoDataFrame
    cube: pd.DataFrame
    weeks: tuple[dt.date, ...]
    method: EmergingMethod


# --------------------------------------------------------------------------- Gi* on the cube


def space_time_gi_star(counts: npt.ArrayLike, neighbours: Neighbours, time_window: int = 1) -> tuple[np.ndarray,
                                                                                                     np.ndarray]:
    """Analytic Gi* z and two-sided p for a cube ``counts[location, week]`` (see the module docstring).

    The formula is the textbook Gi* (:mod:`gridmap.hotspots.gistar`) with ``n = L * T``
    bins and the space-time neighbourhood.
    """
    x = np.asarray(counts, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != neighbours.n:
        raise ValueError(f"counts must be locations x weeks with {neighbours.n} locations, got shape {x.shape}")
    n_loc, n_t = x.shape
    if time_window < 0:
        raise ValueError(f"time_window must be 0 or more, got {time_window}")
    w_space = neighbours.w.sparse.tocsr().astype(np.float64)
    ones = np.ones((n_t, n_t))
    band = sp.csr_matrix(np.tril(ones) - np.tril(ones, -time_window - 1))  # t - window <= s <= t
    # bins ordered week-major: index t * L + i
    w = sp.kron(band, w_space, format="csr")
    flat = x.T.reshape(-1)
    n = float(flat.size)
    mean = flat.mean()
    s = math.sqrt(max((flat**2).mean() - mean**2, 0.0))
    if s == 0.0 or n < 3:
        return np.zeros_like(x), np.ones_like(x)
    wsum = np.asarray(w.sum(axis=1)).ravel()
    w2sum = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    local = w @ flat
    denom = s * np.sqrt(np.maximum(n * w2sum - wsum**2, 0.0) / (n - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denom > 0, (local - mean * wsum) / denom, 0.0)
    z_cube = z.reshape(n_t, n_loc).T
    return z_cube, 2.0 * stats.norm.sf(np.abs(z_cube))


def mann_kendall(series: npt.ArrayLike) -> tuple[float, float]:
    """Mann-Kendall trend ``(z, p)`` of one series (``(0, 1)`` when it is constant or too short).

    ``pymannkendall.original_test``; :func:`mann_kendall_rows` computes the same for many
    series at once (the tests check one against the other).
    """
    values = np.asarray(series, dtype=np.float64)
    if len(values) < 3 or np.ptp(values) == 0.0:
        return 0.0, 1.0
    result = mk.original_test(values)
    return float(result.z), float(result.p)


def mann_kendall_rows(series: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Kendall ``(z, p)`` of every row of ``series`` (locations x weeks), vectorised.

    The statistic of ``pymannkendall.original_test``: ``S = sum_{k<j} sign(x_j - x_k)``;
    ``Var(S) = (n(n-1)(2n+5) - sum_ties t(t-1)(2t+5)) / 18``; ``z = (S - sign(S)) /
    sqrt(Var(S))`` (0 when ``S`` is 0); two-sided ``p = 2 (1 - Phi(|z|))``. A constant row,
    or one shorter than 3, gives ``(0, 1)``.
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"series must be locations x weeks, got shape {x.shape}")
    n_rows, n = x.shape
    z = np.zeros(n_rows)
    p = np.ones(n_rows)
    if n < 3 or n_rows == 0:
        return z, p
    j, k = np.triu_indices(n, 1)
    s = np.sign(x[:, k] - x[:, j]).sum(axis=1)
    equal = (x[:, :, None] == x[:, None, :]).sum(axis=2)  # per value, the size t of its tie group
    ties = ((equal - 1) * (2 * equal + 5)).sum(axis=1)  # = sum over groups of t(t-1)(2t+5)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    ok = var > 0
    z[ok] = (s[ok] - np.sign(s[ok])) / np.sqrt(var[ok])
    p[ok] = 2.0 * stats.norm.sf(np.abs(z[ok]))
    return z, p


# --------------------------------------------------------------------------- the patterns


def classify(hot: npt.ArrayLike, cold: npt.ArrayLike, trend_z: float, trend_p: float,
             alpha: float = 0.05) -> tuple[str, str]:
    """``(pattern, direction)`` of one location from its weekly hot/cold flags (oldest first).

    The rules are the module docstring's; a pure function so the tests can check each.
    """
    h = np.asarray(hot, dtype=bool)
    c = np.asarray(cold, dtype=bool)
    if h.shape != c.shape or h.ndim != 1 or len(h) == 0:
        raise ValueError("hot and cold must be flags of the same weeks")
    if h[-1]:
        return _classify_one(h, c, trend_z, trend_p, alpha, rising=True), "hot"
    if c[-1]:
        return _classify_one(c, h, trend_z, trend_p, alpha, rising=False), "cold"
    need = math.ceil(0.9 * len(h))
    if h.sum() >= need:
        return "historical", "hot"
    if c.sum() >= need:
        return "historical", "cold"
    return NONE, ""


def _classify_one(same: np.ndarray, other: np.ndarray, trend_z: float, trend_p: float, alpha: float,
                  rising: bool) -> str:
    """Pattern of a location whose final week is ``same`` (hot, or cold with ``rising=False``)."""
    n = len(same)
    need = math.ceil(0.9 * n)
    total = int(same.sum())
    if total >= need:
        if trend_p <= alpha and trend_z != 0:
            stronger = trend_z > 0 if rising else trend_z < 0
            return "intensifying" if stronger else "diminishing"
        return "persistent"
    run = int(np.argmin(same[::-1])) if not same.all() else n  # length of the final run
    before = same[: n - run]
    if other[:-1].any():
        return "oscillating"
    if not before.any():
        return "new" if run == 1 else "consecutive"
    return "sporadic"


# --------------------------------------------------------------------------- the analysis


def _week_index(times: pd.Series, start: np.datetime64, weeks: int) -> np.ndarray:
    t = pd.to_datetime(times, errors="coerce").to_numpy(dtype="datetime64[s]")
    days = (t - start) / np.timedelta64(1, "D")
    idx = np.floor(days / 7.0)
    idx = np.where(np.isnan(idx), -1, idx).astype(np.int64)
    return np.where((idx >= 0) & (idx < weeks), idx, -1)


def emerging_hotspots(points: gpd.GeoDataFrame, *, time_column: str = "found_at",
                      units: gpd.GeoDataFrame | None = None, resolution: int | None = None,
                      study_area: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
                      weeks: int = 12, end: dt.date | dt.datetime | None = None, alpha: float = 0.05,
                      seed: int = 0, time_window: int = 1, fdr: bool = True) -> EmergingResult:
    """Emerging hot spots of ``points`` over ``weeks`` weeks ending at ``end``.

    Args:
        points: The points (already filtered), with ``time_column``.
        time_column: The moment of each point (``found_at`` for inspections).
        units: Locations as units (``code``, ``geometry``); or give ``resolution`` and
            ``study_area`` for H3 cells.
        weeks: Number of weekly slices (at least 4: a trend needs some weeks).
        end: The end of the last week (exclusive); default the day after the latest point.
        alpha: Significance level for the bins and the trend.
        seed: Unused (the cube's Gi* is analytic); kept so every analysis takes a seed.
        time_window: Weeks before a bin included in its neighbourhood.
        fdr: False-discovery-rate correction per week.

    Raises:
        ValueError: naming the wrong argument.
    """
    del seed
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 4 <= weeks <= 260:
        raise ValueError(f"weeks must be a whole number from 4 to 260, got {weeks!r}")
    if not 0.0 < float(alpha) < 0.5:
        raise ValueError(f"alpha must be between 0 and 0.5, got {alpha!r}")
    if time_column not in points.columns:
        raise ValueError(f"the points have no column {time_column!r}")
    if points.crs is None:
        raise ValueError(f"the points have no CRS (expected {STORE_CRS})")
    points = points if points.crs.equals(STORE_CRS) else points.to_crs(STORE_CRS)
    if units is not None:
        from gridmap.hotspots.analysis import unit_positions

        units = units.reset_index(drop=True)
        codes = units["code"].astype(str).tolist()
        geometry = units.to_crs(STORE_CRS).geometry if units.crs is not None else units.geometry
        neighbours = unit_neighbours(units)
        where = unit_positions(units, points)
    elif resolution is not None and study_area is not None:
        cells = study_area_cells(study_area, resolution)
        point_cells = h3_cells(points, resolution)
        cells = cells + sorted(set(point_cells.dropna()) - set(cells))
        codes, geometry, neighbours = cells, cell_polygons(cells), h3_neighbours(cells, 1)
        where = np.asarray(pd.Index(cells).get_indexer(point_cells.astype(object)), dtype=np.int64)
    else:
        raise ValueError("give units, or resolution and study_area")
    if end is None:
        latest = pd.to_datetime(points[time_column], errors="coerce").max()
        end_day = (latest.date() + dt.timedelta(days=1)) if pd.notna(latest) else dt.date.today()
    else:
        end_day = end.date() if isinstance(end, dt.datetime) else end
    start_day = end_day - dt.timedelta(days=7 * weeks)
    week_of = _week_index(points[time_column], np.datetime64(start_day, "s"), weeks)
    cube = np.zeros((len(codes), weeks), dtype=np.int64)
    inside = (where >= 0) & (week_of >= 0)
    np.add.at(cube, (where[inside], week_of[inside]), 1)
    z, p = space_time_gi_star(cube, neighbours, time_window)
    hot = np.zeros_like(z, dtype=bool)
    cold = np.zeros_like(z, dtype=bool)
    bins = np.zeros_like(cube)
    from gridmap.hotspots.gistar import confidence_bins

    for t in range(weeks):
        sig, _ = significant(p[:, t], float(alpha), fdr)
        hot[:, t] = sig & (z[:, t] > 0)
        cold[:, t] = sig & (z[:, t] < 0)
        bins[:, t] = confidence_bins(z[:, t], p[:, t], fdr)
    trend_z, trend_p = mann_kendall_rows(z)
    rows = []
    for i in range(len(codes)):
        tz, tp = float(trend_z[i]), float(trend_p[i])
        pattern, direction = classify(hot[i], cold[i], tz, tp, float(alpha))
        rows.append((pattern, direction, tz, tp, int(hot[i].sum()), int(cold[i].sum()), int(cube[i].sum()),
                     tuple(int(b) for b in bins[i])))
    detail = pd.DataFrame(rows, columns=["pattern", "direction", "trend_z", "trend_p", "hot_weeks", "cold_weeks",
                                         "count", "bins"])
    detail.insert(0, "code", codes)
    frame = gpd.GeoDataFrame(detail, geometry=geometry.reset_index(drop=True).to_numpy(), crs=STORE_CRS)
    week_days = tuple(start_day + dt.timedelta(days=7 * t) for t in range(weeks))
    long = pd.DataFrame({"code": np.repeat(codes, weeks), "week": np.tile(np.array(week_days, dtype=object), len(codes)),
                         "count": cube.reshape(-1), "z": z.reshape(-1), "p": p.reshape(-1),
                         "bin": bins.reshape(-1)})
    method = EmergingMethod(neighbours=neighbours.description + f", plus {time_window} week(s) before",
                            time_window=time_window, weeks=weeks, correction="fdr" if fdr else "none",
                            alpha=float(alpha), units=len(codes))
    return EmergingResult(frame=frame, cube=long, weeks=week_days, method=method)
