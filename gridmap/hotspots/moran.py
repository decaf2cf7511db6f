"""Local Moran's I: clusters and outliers (high among low, low among high).

Where Gi* asks "is this neighbourhood's total unusually high or low?", Local Moran's I
asks "is this unit like its neighbours?": a unit with a high value among low neighbours
(``HL``, an outlier) is something Gi* smooths away. :func:`local_moran` runs
``esda.Moran_Local`` (analytic) with row-standardised queen weights **without** the unit
itself (the usual form of the statistic), and its conditional permutations through
:mod:`gridmap.hotspots.permute`, and returns per unit:

- ``quadrant`` -- ``HH`` (high among high), ``LL``, ``HL`` (high among low) or ``LH``
  (low among high), from the unit's and its neighbours' values against the mean;
- ``I`` and ``z`` -- the local statistic and its z-score (analytic, randomisation
  moments; with permutations the permutation z ``(I - mean) / sd`` of the conditional
  permutations);
- ``p`` -- its two-sided p-value; ``p_rank`` -- the rank-based pseudo p-value, two-sided
  (see :mod:`gridmap.hotspots.gistar` for why the decision does not use it);
- ``significant`` (after FDR when chosen) and ``cluster``: the quadrant when
  significant, else ``""``.

Only once :func:`~gridmap.hotspots.is_warm` are permutations run, as for Gi*.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import esda
import geopandas as gpd
import libpysal
import numpy as np
from scipy import stats

from gridmap.hotspots import permute, warm
from gridmap.hotspots.analysis import count_per_unit, variable_values
from gridmap.hotspots.gistar import significant
from gridmap.hotspots.weights import Neighbours, unit_neighbours
from gridmap.spatial.crs import STORE_CRS

__all__ = ["QUADRANTS", "OutlierResult", "local_moran", "local_moran_values"]

QUADRANTS: dict[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}  # esda's q codes


@dataclass(frozen=True)
class OutlierResult:
    """One row per unit (``code``, ``count``, ``I``, ``z``, ``p``, ``p_rank``, ``quadrant``,
    ``significant``, ``cluster``, ``geometry``) and what was computed."""

    frame: gpd.GeoDataFrame
    variable: str
    permutations: int
    correction: str
    alpha: float
    warm: bool


def _without_self(nb: Neighbours) -> libpysal.weights.W:
    """The same neighbours without each unit itself (binary; esda row-standardises)."""
    neighbors = {i: [int(j) for j in nb.w.neighbors[i] if j != i] for i in range(nb.n)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal.weights.W(neighbors, {i: [1.0] * len(v) for i, v in neighbors.items()},
                                  id_order=list(range(nb.n)), silence_warnings=True)


def local_moran_values(y: np.ndarray, neighbours: Neighbours, *, permutations: int = 999, alpha: float = 0.05,
                       fdr: bool = True, seed: int = 0) -> dict[str, np.ndarray]:
    """Local Moran's I arrays for values ``y`` on ``neighbours`` (self-neighbours are dropped)."""
    values = np.asarray(y, dtype=np.float64)
    n = len(values)
    if n != neighbours.n:
        raise ValueError(f"{n} values for {neighbours.n} units")
    if n < 3 or np.ptp(values) == 0.0:
        zeros = np.zeros(n)
        return {"I": zeros, "z": zeros, "p": np.ones(n), "p_rank": np.full(n, np.nan),
                "quadrant": np.array([""] * n, dtype=object), "significant": np.zeros(n, dtype=bool)}
    w = _without_self(neighbours)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = esda.Moran_Local(values, w, transformation="r", permutations=0)
    if permutations:
        perm = permute.permuted_sums(m.z, *neighbours.others, permutations=permutations, seed=seed)
        z_perm, p_folded = permute.moran_permutation(perm, m.z)
        z = np.nan_to_num(z_perm, nan=0.0, posinf=40.0, neginf=-40.0)
        p_rank = np.minimum(1.0, 2.0 * p_folded)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.nan_to_num((m.Is - m.EI) / np.sqrt(m.VI), nan=0.0)
        p_rank = np.full(n, np.nan)
    p = 2.0 * stats.norm.sf(np.abs(z))
    sig, _ = significant(p, alpha, fdr)
    quadrant = np.array([QUADRANTS.get(int(q), "") for q in m.q], dtype=object)
    return {"I": np.asarray(m.Is, dtype=np.float64), "z": z, "p": p, "p_rank": p_rank, "quadrant": quadrant,
            "significant": sig}


def local_moran(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame, *, variable: str = "rate_eb",
                permutations: int = 999, alpha: float = 0.05, fdr: bool = True, seed: int = 0) -> OutlierResult:
    """Local Moran's I of ``points`` over ``units`` (queen contiguity), as :func:`hotspots_by_unit` takes them."""
    from gridmap.hotspots.analysis import _check_common

    _check_common(variable, permutations, alpha)
    units = units.reset_index(drop=True)
    if units.crs is not None and not units.crs.equals(STORE_CRS):
        units = units.to_crs(STORE_CRS)
    households = (units["households"].astype(float).fillna(0).to_numpy() if "households" in units.columns else None)
    count = count_per_unit(units, points)
    y, _, _ = variable_values(variable, count, households)
    warm_now = warm.is_warm()
    used = int(permutations) if warm_now else 0
    out = local_moran_values(y, unit_neighbours(units), permutations=used, alpha=float(alpha), fdr=fdr, seed=seed)
    cluster = np.where(out["significant"], out["quadrant"], "")
    frame = gpd.GeoDataFrame({"code": units["code"].astype(str).to_numpy(), "count": count, "I": out["I"],
                              "z": out["z"], "p": out["p"], "p_rank": out["p_rank"], "quadrant": out["quadrant"],
                              "significant": out["significant"], "cluster": cluster},
                             geometry=units.geometry.to_numpy(), crs=STORE_CRS)
    return OutlierResult(frame=frame, variable=variable, permutations=used, correction="fdr" if fdr else "none",
                         alpha=float(alpha), warm=warm_now)
