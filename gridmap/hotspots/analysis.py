"""Hot spots of hazards: Gi* per unit (micro-grid or any level) or per H3 cell.

:func:`hotspots_by_unit` and :func:`hotspots_by_h3` count the given points (already
filtered by the caller) per unit or cell, compute the variable (count, rate per 100
households, or its empirical-Bayes smoothed version, :mod:`gridmap.stats.rates`), run
Gi* (:mod:`gridmap.hotspots.gistar`) on queen contiguity or H3 k-rings
(:mod:`gridmap.hotspots.weights`), and return a :class:`HotspotResult`: one row per unit
or cell and a :class:`Method` saying what was computed.

Rates in the analysis: a unit without households has no rate; it enters the analysis
with the overall rate (a neutral value), and its ``rate`` column is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.hotspots import warm
from gridmap.hotspots.gistar import gi_star
from gridmap.hotspots.hexagons import cell_polygons, h3_cells, study_area_cells
from gridmap.hotspots.weights import Neighbours, h3_neighbours, unit_neighbours
from gridmap.spatial.crs import STORE_CRS
from gridmap.stats.rates import eb_rate, raw_rate

__all__ = ["RESULT_COLUMNS", "VARIABLES", "HotspotResult", "Method", "count_per_unit", "hotspots_by_h3",
           "hotspots_by_unit", "unit_positions", "variable_values"]

VARIABLES: tuple[str, ...] = ("count", "rate", "rate_eb")
RESULT_COLUMNS: tuple[str, ...] = ("code", "count", "households", "rate", "rate_eb", "z", "p", "p_sim",
                                   "p_rank", "significant", "bin", "geometry")


@dataclass(frozen=True)
class Method:
    """What was computed, for the page to say in words.

    Attributes:
        variable: ``"count"``, ``"rate"`` (per 100 households) or ``"rate_eb"`` (smoothed).
        neighbours: ``"queen contiguity, self included"`` or ``"h3 k-ring 1, self included"``.
        permutations: Conditional permutations run (0: analytic z and p only).
        correction: ``"fdr"`` (Benjamini-Hochberg) or ``"none"``.
        alpha: The significance level of ``significant``.
        warm: Whether esda's permutation code was ready (permutations run only then).
        units: How many units or cells were analysed.
        neighbour_kind: ``"queen"`` or ``"h3"``; ``k`` the ring size (0 for queen).
        requested_permutations: What the caller asked for.
        cutoff: The p-value cutoff at ``alpha`` (after FDR when chosen).
        level: The unit level (``"micro"``, ...) or ``"h3"``; ``resolution`` for H3 (else 0).
    """

    variable: str
    neighbours: str
    permutations: int
    correction: str
    alpha: float
    warm: bool
    units: int = 0
    neighbour_kind: str = "queen"
    k: int = 0
    requested_permutations: int = 0
    cutoff: float = float("nan")
    level: str = ""
    resolution: int = 0


@dataclass(frozen=True)
class HotspotResult:
    """One row per unit or cell (columns :data:`RESULT_COLUMNS`, geometry in EPSG:4326) and the method."""

    frame: gpd.GeoDataFrame
    method: Method

    @property
    def hot(self) -> gpd.GeoDataFrame:
        """Significant hot spots, strongest first."""
        f = self.frame
        return f[f["significant"] & (f["z"] > 0)].sort_values("z", ascending=False)

    @property
    def cold(self) -> gpd.GeoDataFrame:
        """Significant cold spots, strongest first."""
        f = self.frame
        return f[f["significant"] & (f["z"] < 0)].sort_values("z")


def _check_common(variable: str, permutations: int, alpha: float) -> None:
    if variable not in VARIABLES:
        raise ValueError(f"variable must be one of {', '.join(VARIABLES)}, got {variable!r}")
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer) or permutations < 0:
        raise ValueError(f"permutations must be a whole number >= 0, got {permutations!r}")
    if not isinstance(alpha, float | int) or not 0.0 < float(alpha) < 0.5:
        raise ValueError(f"alpha must be between 0 and 0.5, got {alpha!r}")


def _points_in_store_crs(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(points, gpd.GeoDataFrame):
        raise ValueError("points must be a GeoDataFrame")
    if points.crs is None:
        raise ValueError(f"the points have no CRS (expected {STORE_CRS})")
    return points if points.crs.equals(STORE_CRS) else points.to_crs(STORE_CRS)


def unit_positions(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """For each point, the position (row) of its unit in ``units``; -1 for none.

    When the units are of one level and the points carry that level's assignment column
    (``micro_code``, ``grid_code``, ...: written by :func:`gridmap.spatial.assign.assign`),
    the stored assignment is used, so counts agree with every other page. Otherwise a
    point belongs to the unit it lies in (closed area; on a shared edge the smallest code,
    the assignment's rule).
    """
    if len(points) == 0:
        return np.zeros(0, dtype=np.int64)
    codes = pd.Index(units["code"].astype(str))
    levels = units["level"].dropna().astype(str).unique() if "level" in units else []
    column = f"{levels[0]}_code" if len(levels) == 1 else None
    if column is not None and column in points.columns:
        values = points[column]
        known = values.notna().to_numpy()
        found = np.full(len(values), -1, dtype=np.int64)
        found[known] = codes.get_indexer(values[known].astype(str))
        return found
    pts = _points_in_store_crs(points)
    polys = units.to_crs(STORE_CRS).geometry.to_numpy() if units.crs is not None and not units.crs.equals(STORE_CRS) \
        else units.geometry.to_numpy()
    tree = shapely.STRtree(polys)
    pi, ui = tree.query(pts.geometry.to_numpy(), predicate="intersects")
    out = np.full(len(pts), -1, dtype=np.int64)
    if len(pi):
        code_arr = codes.to_numpy()
        pairs = pd.DataFrame({"p": pi, "code": code_arr[ui], "u": ui}).sort_values(["p", "code"]).drop_duplicates("p")
        out[pairs["p"].to_numpy()] = pairs["u"].to_numpy()
    return out


def count_per_unit(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """How many ``points`` fall in each unit (in ``units`` order); see :func:`unit_positions`."""
    pos = unit_positions(units, points)
    return np.bincount(pos[pos >= 0], minlength=len(units)).astype(np.int64)


def variable_values(variable: str, count: np.ndarray, households: np.ndarray | None) -> tuple[np.ndarray, np.ndarray,
                                                                                            np.ndarray]:
    """``(y for Gi*, raw rate, EB rate)``; rates are NaN when there are no households."""
    n = len(count)
    if households is None:
        if variable != "count":
            raise ValueError(f"variable {variable!r} needs households; give households or use variable='count'")
        nan = np.full(n, np.nan)
        return count.astype(np.float64), nan, nan
    raw = raw_rate(count, households)
    eb = eb_rate(count, households)
    if variable == "count":
        return count.astype(np.float64), raw, eb
    if variable == "rate_eb":
        return eb, raw, eb
    overall = 100.0 * count.sum() / households.sum() if households.sum() > 0 else 0.0
    return np.where(np.isnan(raw), overall, raw), raw, eb


def _analyse(codes: list[str], geometry: gpd.GeoSeries, count: np.ndarray, households: np.ndarray | None,
             neighbours: Neighbours, *, variable: str, permutations: int, alpha: float, fdr: bool, seed: int,
             level: str, resolution: int) -> HotspotResult:
    warm_now = warm.is_warm()
    used_perms = int(permutations) if warm_now else 0
    y, raw, eb = variable_values(variable, count, households)
    g = gi_star(y, neighbours, permutations=used_perms, alpha=float(alpha), fdr=fdr, seed=seed)
    hh = households if households is not None else np.full(len(codes), np.nan)
    frame = gpd.GeoDataFrame({
        "code": codes, "count": count.astype(np.int64), "households": hh, "rate": raw, "rate_eb": eb,
        "z": g.z, "p": g.p, "p_sim": g.p_sim, "p_rank": g.p_rank, "significant": g.significant.astype(bool), "bin": g.bin,
    }, geometry=geometry.reset_index(drop=True).to_numpy(), crs=STORE_CRS)
    method = Method(variable=variable, neighbours=neighbours.description, permutations=used_perms,
                    correction="fdr" if fdr else "none", alpha=float(alpha), warm=warm_now, units=len(codes),
                    neighbour_kind=neighbours.kind, k=neighbours.k, requested_permutations=int(permutations),
                    cutoff=g.cutoff, level=level, resolution=resolution)
    return HotspotResult(frame=frame[list(RESULT_COLUMNS)], method=method)


def hotspots_by_unit(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame, *, variable: str = "rate_eb",
                     permutations: int = 999, alpha: float = 0.05, fdr: bool = True, seed: int = 0) -> HotspotResult:
    """Gi* hot and cold spots of ``points`` over ``units`` (queen contiguity, self included).

    Args:
        units: ``code``, ``geometry`` (EPSG:4326), ``households`` (needed for the rates);
            one level (micro-grids, grids, ...), or any set of polygons.
        points: The inspections (or other points) to count, already filtered.
        variable: ``"count"``, ``"rate"`` or ``"rate_eb"`` (per 100 households).
        permutations: Conditional permutations; used only once :func:`is_warm`.
        alpha: Significance level (0.05: 95 % confidence).
        fdr: Correct for the false discovery rate.
        seed: Seed of the permutations.

    Raises:
        ValueError: with a message naming what is wrong (no units, a missing column, bad
            arguments).
    """
    _check_common(variable, permutations, alpha)
    if not isinstance(units, gpd.GeoDataFrame) or len(units) == 0:
        raise ValueError("no units to analyse")
    if "code" not in units.columns:
        raise ValueError("the units have no 'code' column")
    if units["code"].astype(str).duplicated().any():
        dup = units["code"].astype(str)[units["code"].astype(str).duplicated()].iloc[0]
        raise ValueError(f"unit code {dup!r} appears more than once")
    if units.crs is None:
        raise ValueError(f"the units have no CRS (expected {STORE_CRS})")
    units = units.reset_index(drop=True)
    if not units.crs.equals(STORE_CRS):
        units = units.to_crs(STORE_CRS)
    points = _points_in_store_crs(points)
    households = None
    if "households" in units.columns:
        households = pd.to_numeric(units["households"], errors="coerce").fillna(0).clip(lower=0).to_numpy(np.float64)
    count = count_per_unit(units, points)
    levels = units["level"].dropna().astype(str).unique() if "level" in units else []
    neighbours = unit_neighbours(units)
    return _analyse(units["code"].astype(str).tolist(), units.geometry, count, households, neighbours,
                    variable=variable, permutations=permutations, alpha=alpha, fdr=fdr, seed=seed,
                    level=str(levels[0]) if len(levels) == 1 else "", resolution=0)


def hotspots_by_h3(points: gpd.GeoDataFrame, *, resolution: int,
                   study_area: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry,
                   households: gpd.GeoDataFrame | None = None, variable: str = "count", permutations: int = 999,
                   alpha: float = 0.05, fdr: bool = True, seed: int = 0, k: int = 1) -> HotspotResult:
    """Gi* on H3 cells: every cell whose centre is in ``study_area`` (zero cells too), plus any
    cell holding a point; neighbours the ``k``-ring, self included.

    Args:
        points: The points to count, already filtered.
        resolution: H3 resolution (5-12).
        study_area: The area analysed (units or their union, EPSG:4326).
        households: Household points (one row per household, or a ``households`` column
            with a count per row); needed for the rate variables.
        variable, permutations, alpha, fdr, seed: As :func:`hotspots_by_unit`.
        k: Ring size of the neighbourhood.
    """
    _check_common(variable, permutations, alpha)
    points = _points_in_store_crs(points)
    cells = study_area_cells(study_area, resolution)
    point_cells = h3_cells(points, resolution).dropna()
    extra = sorted(set(point_cells) - set(cells))
    cells = cells + extra
    if not cells:
        raise ValueError("the study area holds no H3 cell at this resolution")
    count = point_cells.value_counts().reindex(cells, fill_value=0).to_numpy(dtype=np.int64)
    hh: np.ndarray | None = None
    if households is not None:
        households = _points_in_store_crs(households)
        hcells = h3_cells(households, resolution)
        weight = (pd.to_numeric(households["households"], errors="coerce").fillna(0)
                  if "households" in households.columns else pd.Series(1.0, index=households.index))
        per_cell = weight.groupby(hcells).sum()
        hh = per_cell.reindex(cells, fill_value=0).to_numpy(dtype=np.float64)
    neighbours = h3_neighbours(cells, k)
    return _analyse(cells, cell_polygons(cells), count, hh, neighbours, variable=variable,
                    permutations=permutations, alpha=alpha, fdr=fdr, seed=seed, level="h3", resolution=resolution)
